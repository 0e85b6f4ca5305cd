/* thumbing-service.c
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "config.h"

#include "thumbing-service.h"

/**
 * ThumbingService:
 *
 * The base of elements that run beside a pipeline's chain rather than in
 * it: an upload API that hands out URLs, a server for the outputs. A
 * pipeline lists them in `services=` (or adds them with
 * thumbing_pipeline_add_service()), checks them with its stages, starts them
 * before its source and stops them after its last item settled. Items never
 * pass through a service.
 */
G_DEFINE_ABSTRACT_TYPE (ThumbingService, thumbing_service, THUMBING_TYPE_ELEMENT)

static void
thumbing_service_class_init (ThumbingServiceClass *klass)
{
}

static void
thumbing_service_init (ThumbingService *self)
{
}

/**
 * thumbing_service_handles_events:
 * @self: a #ThumbingService
 *
 * Tells whether the service answers events that stand for HTTP requests,
 * as an API Gateway event a Lambda function receives.
 *
 * Returns: whether thumbing_service_handle_event_async() may be called
 */
gboolean
thumbing_service_handles_events (ThumbingService *self)
{
  g_return_val_if_fail (THUMBING_IS_SERVICE (self), FALSE);
  return THUMBING_SERVICE_GET_CLASS (self)->handle_event_async != NULL;
}

/**
 * thumbing_service_handle_event_async:
 * @self: a #ThumbingService that handles events
 * @event: the event, as JSON text
 * @cancellable: (nullable): a #GCancellable
 * @callback: (scope async): called with the answer
 * @user_data: data for @callback
 *
 * Answers an event that stands for an HTTP request, on the calling
 * thread's main context, as the service answers the request itself.
 */
void
thumbing_service_handle_event_async (ThumbingService     *self,
                                     const char          *event,
                                     GCancellable        *cancellable,
                                     GAsyncReadyCallback  callback,
                                     gpointer             user_data)
{
  g_return_if_fail (thumbing_service_handles_events (self));
  g_return_if_fail (event != NULL);
  THUMBING_SERVICE_GET_CLASS (self)->handle_event_async (self, event, cancellable, callback, user_data);
}

/**
 * thumbing_service_handle_event_finish:
 * @self: a #ThumbingService
 * @result: the #GAsyncResult given to the callback
 * @error: return location for a #GError
 *
 * Finishes thumbing_service_handle_event_async().
 *
 * Returns: (transfer full): the answer as JSON text in the event's format
 *   (an HTTP error is an answer too), or %NULL with @error set when the
 *   event could not be read
 */
char *
thumbing_service_handle_event_finish (ThumbingService  *self,
                                      GAsyncResult     *result,
                                      GError          **error)
{
  g_return_val_if_fail (thumbing_service_handles_events (self), NULL);
  return THUMBING_SERVICE_GET_CLASS (self)->handle_event_finish (self, result, error);
}
