/* thumbing-service.h: the base of elements that run beside a pipeline's chain, as an HTTP API
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#if !defined(THUMBING_INSIDE) && !defined(THUMBING_COMPILATION)
#error "Only <thumbing/thumbing.h> can be included directly."
#endif

#include "thumbing-element.h"

G_BEGIN_DECLS

#define THUMBING_TYPE_SERVICE (thumbing_service_get_type ())

G_DECLARE_DERIVABLE_TYPE (ThumbingService, thumbing_service, THUMBING, SERVICE, ThumbingElement)

/**
 * ThumbingServiceClass:
 * @parent_class: the parent class
 * @handle_event_async: answers an event that stands for an HTTP request
 *   (an API Gateway event a Lambda function received, as JSON text); left
 *   %NULL by services that answer HTTP only
 * @handle_event_finish: the answer, as JSON text in the event's format
 *
 * The class of #ThumbingService; subclasses implement the check, start and
 * stop methods of #ThumbingElementClass. Items never reach a service.
 */
struct _ThumbingServiceClass
{
  ThumbingElementClass parent_class;

  void   (*handle_event_async)  (ThumbingService      *self,
                                 const char           *event,
                                 GCancellable         *cancellable,
                                 GAsyncReadyCallback   callback,
                                 gpointer              user_data);
  char  *(*handle_event_finish) (ThumbingService      *self,
                                 GAsyncResult         *result,
                                 GError              **error);

  /*< private >*/
  gpointer padding[6];
};

gboolean thumbing_service_handles_events      (ThumbingService      *self);
void     thumbing_service_handle_event_async  (ThumbingService      *self,
                                               const char           *event,
                                               GCancellable         *cancellable,
                                               GAsyncReadyCallback   callback,
                                               gpointer              user_data);
char    *thumbing_service_handle_event_finish (ThumbingService      *self,
                                               GAsyncResult         *result,
                                               GError              **error);

G_END_DECLS
