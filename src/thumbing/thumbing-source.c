/* thumbing-source.c
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "thumbing-element-private.h"
#include "thumbing-error.h"
#include "thumbing-service.h"
#include "thumbing-source.h"

/**
 * ThumbingSource:
 *
 * The base of elements that produce items: a folder, a queue, an HTTP endpoint.
 *
 * A source pushes items only when asked: the pipeline calls its `request`
 * method with how many items it can take, which keeps memory and work
 * bounded by the pipeline's max-in-flight. When every stage handled an item
 * the pipeline calls `ack`; when a stage failed, `nack` with the error. Each
 * item is settled exactly once. A source that has nothing more to give (a
 * folder read once, a drained queue with #ThumbingSource:once set) calls
 * thumbing_source_end().
 */

typedef struct
{
  gboolean ended;
  gboolean once;
  gint64   total_hint;
  guint    holds;
  gboolean disconnected;
  GPtrArray *services;   /* the pipeline's ThumbingService, while it runs */
} ThumbingSourcePrivate;

G_DEFINE_ABSTRACT_TYPE_WITH_PRIVATE (ThumbingSource, thumbing_source, THUMBING_TYPE_ELEMENT)

enum {
  PROP_0,
  PROP_ONCE,
  PROP_CONNECTED,
  N_PROPS
};

enum {
  SIGNAL_ITEM,
  SIGNAL_ENDED,
  SIGNAL_FAILED,
  SIGNAL_RELEASED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

static void
thumbing_source_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  ThumbingSource *self = THUMBING_SOURCE (object);

  switch (prop_id)
    {
    case PROP_ONCE:
      g_value_set_boolean (value, thumbing_source_get_once (self));
      break;
    case PROP_CONNECTED:
      g_value_set_boolean (value, thumbing_source_is_connected (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
thumbing_source_set_property (GObject      *object,
                              guint         prop_id,
                              const GValue *value,
                              GParamSpec   *pspec)
{
  ThumbingSource *self = THUMBING_SOURCE (object);

  switch (prop_id)
    {
    case PROP_ONCE:
      thumbing_source_set_once (self, g_value_get_boolean (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static gboolean
thumbing_source_real_reads_from (ThumbingSource *self,
                                 const char     *location)
{
  g_autofree char *own = thumbing_element_get_location (THUMBING_ELEMENT (self));

  return own != NULL && g_str_has_prefix (location, own);
}

static void
thumbing_source_finalize (GObject *object)
{
  _thumbing_source_set_services (THUMBING_SOURCE (object), NULL);
  G_OBJECT_CLASS (thumbing_source_parent_class)->finalize (object);
}

static void
thumbing_source_class_init (ThumbingSourceClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  klass->reads_from = thumbing_source_real_reads_from;
  object_class->finalize = thumbing_source_finalize;

  object_class->get_property = thumbing_source_get_property;
  object_class->set_property = thumbing_source_set_property;

  /**
   * ThumbingSource:once:
   *
   * Take only what is there now, then end: no folder watch, no waiting on
   * an empty queue. `thumbing run --once` sets it.
   */
  properties[PROP_ONCE] =
    g_param_spec_boolean ("once", NULL, _("Take what is there now, then end"),
                          FALSE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  /**
   * ThumbingSource:connected:
   *
   * Whether the source reaches what it takes items from (its queue, its
   * runtime API); a pipeline whose source is not connected is not ready.
   * Sources that cannot lose it stay connected.
   */
  properties[PROP_CONNECTED] =
    g_param_spec_boolean ("connected", NULL, _("Whether the source reaches what it takes items from"),
                          TRUE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * ThumbingSource::item:
   * @self: the source
   * @item: the new item
   *
   * Emitted by thumbing_source_push(); the pipeline takes the item from here.
   */
  signals[SIGNAL_ITEM] =
    g_signal_new ("item", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, THUMBING_TYPE_ITEM);

  /**
   * ThumbingSource::ended:
   * @self: the source
   *
   * Emitted once by thumbing_source_end().
   */
  signals[SIGNAL_ENDED] =
    g_signal_new ("ended", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);

  /**
   * ThumbingSource::failed:
   * @self: the source
   * @error: why the source cannot go on
   *
   * Emitted by thumbing_source_fail(); the pipeline drains and stops.
   */
  signals[SIGNAL_FAILED] =
    g_signal_new ("failed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_ERROR);

  /**
   * ThumbingSource::released:
   * @self: the source
   *
   * Emitted when the last hold taken with thumbing_source_hold() is released.
   */
  signals[SIGNAL_RELEASED] =
    g_signal_new ("released", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
thumbing_source_init (ThumbingSource *self)
{
  ThumbingSourcePrivate *priv = thumbing_source_get_instance_private (self);

  priv->total_hint = -1;
}

/**
 * thumbing_source_push:
 * @self: a #ThumbingSource
 * @item: a new item, with its origin and payload set
 *
 * Hands an item to the pipeline. Call it only for items the pipeline
 * requested.
 */
void
thumbing_source_push (ThumbingSource *self,
                      ThumbingItem   *item)
{
  g_return_if_fail (THUMBING_IS_SOURCE (self));
  g_return_if_fail (item != NULL);

  g_signal_emit (self, signals[SIGNAL_ITEM], 0, item);
}

/**
 * thumbing_source_end:
 * @self: a #ThumbingSource
 *
 * Says the source will push no more items. The pipeline finishes once every
 * pushed item settled.
 */
void
thumbing_source_end (ThumbingSource *self)
{
  ThumbingSourcePrivate *priv;

  g_return_if_fail (THUMBING_IS_SOURCE (self));
  priv = thumbing_source_get_instance_private (self);
  if (priv->ended)
    return;
  priv->ended = TRUE;
  g_signal_emit (self, signals[SIGNAL_ENDED], 0);
}

/**
 * thumbing_source_fail:
 * @self: a #ThumbingSource
 * @error: why the source cannot go on (a lost connection that retries did
 *   not bring back, a deleted folder)
 *
 * Reports a fatal error: the pipeline stops taking items, settles those in
 * flight, and fails with @error.
 */
void
thumbing_source_fail (ThumbingSource *self,
                      const GError   *error)
{
  g_return_if_fail (THUMBING_IS_SOURCE (self));
  g_return_if_fail (error != NULL);

  g_signal_emit (self, signals[SIGNAL_FAILED], 0, error);
}

/**
 * thumbing_source_is_ended:
 * @self: a #ThumbingSource
 *
 * Tells whether thumbing_source_end() was called.
 *
 * Returns: whether thumbing_source_end() was called
 */
gboolean
thumbing_source_is_ended (ThumbingSource *self)
{
  ThumbingSourcePrivate *priv;

  g_return_val_if_fail (THUMBING_IS_SOURCE (self), FALSE);
  priv = thumbing_source_get_instance_private (self);
  return priv->ended;
}

/**
 * thumbing_source_get_once:
 * @self: a #ThumbingSource
 *
 * Gets whether the source takes only what is there now.
 *
 * Returns: the value of #ThumbingSource:once
 */
gboolean
thumbing_source_get_once (ThumbingSource *self)
{
  ThumbingSourcePrivate *priv;

  g_return_val_if_fail (THUMBING_IS_SOURCE (self), FALSE);
  priv = thumbing_source_get_instance_private (self);
  return priv->once;
}

/**
 * thumbing_source_set_once:
 * @self: a #ThumbingSource
 * @once: the new value of #ThumbingSource:once
 *
 * Sets whether the source takes only what is there now, then ends.
 */
void
thumbing_source_set_once (ThumbingSource *self,
                          gboolean        once)
{
  ThumbingSourcePrivate *priv;

  g_return_if_fail (THUMBING_IS_SOURCE (self));
  priv = thumbing_source_get_instance_private (self);
  once = !!once;
  if (priv->once == once)
    return;
  priv->once = once;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ONCE]);
}

/**
 * thumbing_source_set_connected:
 * @self: a #ThumbingSource
 * @connected: whether the source reaches what it takes items from
 *
 * Called by sources when they lose or regain their queue or API, so
 * readiness probes stop sending work to a worker that cannot take it.
 */
void
thumbing_source_set_connected (ThumbingSource *self,
                               gboolean        connected)
{
  ThumbingSourcePrivate *priv;

  g_return_if_fail (THUMBING_IS_SOURCE (self));
  priv = thumbing_source_get_instance_private (self);
  if (priv->disconnected == !connected)
    return;
  priv->disconnected = !connected;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CONNECTED]);
}

/**
 * thumbing_source_is_connected:
 * @self: a #ThumbingSource
 *
 * Gets what thumbing_source_set_connected() last said.
 *
 * Returns: whether the source reaches what it takes items from
 */
gboolean
thumbing_source_is_connected (ThumbingSource *self)
{
  ThumbingSourcePrivate *priv;

  g_return_val_if_fail (THUMBING_IS_SOURCE (self), FALSE);
  priv = thumbing_source_get_instance_private (self);
  return !priv->disconnected;
}

/**
 * thumbing_source_set_total_hint:
 * @self: a #ThumbingSource
 * @total: how many items the source expects to push in all, or -1 if unknown
 *
 * Lets front-ends show progress with an estimate of the time left.
 */
void
thumbing_source_set_total_hint (ThumbingSource *self,
                                gint64          total)
{
  ThumbingSourcePrivate *priv;

  g_return_if_fail (THUMBING_IS_SOURCE (self));
  priv = thumbing_source_get_instance_private (self);
  priv->total_hint = total;
}

/**
 * thumbing_source_get_total_hint:
 * @self: a #ThumbingSource
 *
 * Tells how many items the source expects to push in all, or -1 if unknown.
 *
 * Returns: how many items the source expects to push in all, or -1 if unknown
 */
gint64
thumbing_source_get_total_hint (ThumbingSource *self)
{
  ThumbingSourcePrivate *priv;

  g_return_val_if_fail (THUMBING_IS_SOURCE (self), -1);
  priv = thumbing_source_get_instance_private (self);
  return priv->total_hint;
}

/**
 * thumbing_source_request:
 * @self: a #ThumbingSource
 * @n_items: how many more items the caller can take
 *
 * Asks the source for items; called by the pipeline as capacity frees up.
 */
void
thumbing_source_request (ThumbingSource *self,
                         guint           n_items)
{
  ThumbingSourceClass *klass;

  g_return_if_fail (THUMBING_IS_SOURCE (self));
  klass = THUMBING_SOURCE_GET_CLASS (self);
  if (n_items > 0 && klass->request != NULL)
    klass->request (self, n_items);
}

/**
 * thumbing_source_hold:
 * @self: a #ThumbingSource
 *
 * Keeps the pipeline from finishing while the source completes work that
 * settling started asynchronously, such as deleting acknowledged messages
 * from a queue. Each hold is undone with thumbing_source_release().
 */
void
thumbing_source_hold (ThumbingSource *self)
{
  ThumbingSourcePrivate *priv;

  g_return_if_fail (THUMBING_IS_SOURCE (self));
  priv = thumbing_source_get_instance_private (self);
  priv->holds++;
}

/**
 * thumbing_source_release:
 * @self: a #ThumbingSource
 *
 * Releases a hold taken with thumbing_source_hold(); the pipeline may
 * finish once no hold remains.
 */
void
thumbing_source_release (ThumbingSource *self)
{
  ThumbingSourcePrivate *priv;

  g_return_if_fail (THUMBING_IS_SOURCE (self));
  priv = thumbing_source_get_instance_private (self);
  g_return_if_fail (priv->holds > 0);
  if (--priv->holds == 0)
    g_signal_emit (self, signals[SIGNAL_RELEASED], 0);
}

/**
 * thumbing_source_get_holds:
 * @self: a #ThumbingSource
 *
 * Tells how many holds keep the pipeline from finishing.
 *
 * Returns: the number of holds not yet released
 */
guint
thumbing_source_get_holds (ThumbingSource *self)
{
  ThumbingSourcePrivate *priv;

  g_return_val_if_fail (THUMBING_IS_SOURCE (self), 0);
  priv = thumbing_source_get_instance_private (self);
  return priv->holds;
}

/**
 * thumbing_source_reads_from:
 * @self: a #ThumbingSource
 * @location: a URI where a sink writes, as thumbing_element_get_location() gives it
 *
 * Tells whether what a sink writes under @location would come back as an input of this source.
 *
 * Returns: whether what a sink writes under @location would come back as an
 *   input of this source
 */
gboolean
thumbing_source_reads_from (ThumbingSource *self,
                            const char     *location)
{
  ThumbingSourceClass *klass;

  g_return_val_if_fail (THUMBING_IS_SOURCE (self), FALSE);
  g_return_val_if_fail (location != NULL, FALSE);

  klass = THUMBING_SOURCE_GET_CLASS (self);
  return klass->reads_from != NULL && klass->reads_from (self, location);
}

/**
 * thumbing_source_settle:
 * @self: a #ThumbingSource
 * @item: an item the source pushed
 * @error: (nullable): why the item failed, or %NULL if every stage succeeded
 *
 * Acks or nacks an item; called by the pipeline once per item, when its
 * delivery resolved.
 */
void
thumbing_source_settle (ThumbingSource *self,
                        ThumbingItem   *item,
                        const GError   *error)
{
  ThumbingSourceClass *klass;

  g_return_if_fail (THUMBING_IS_SOURCE (self));
  g_return_if_fail (item != NULL);

  klass = THUMBING_SOURCE_GET_CLASS (self);
  if (error == NULL && klass->ack != NULL)
    klass->ack (self, item);
  else if (error != NULL && klass->nack != NULL)
    klass->nack (self, item, error);
}

void
_thumbing_source_set_services (ThumbingSource *self,
                               GPtrArray      *services)
{
  ThumbingSourcePrivate *priv = thumbing_source_get_instance_private (self);

  g_clear_pointer (&priv->services, g_ptr_array_unref);
  priv->services = services != NULL ? g_ptr_array_ref (services) : NULL;
}

static void
event_answered (GObject      *object,
                GAsyncResult *result,
                gpointer      data)
{
  g_autoptr(GTask) task = data;
  GError *error = NULL;
  char *answer = thumbing_service_handle_event_finish (THUMBING_SERVICE (object), result, &error);

  if (answer == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, answer, g_free);
}

/**
 * thumbing_source_dispatch_event_async:
 * @self: a #ThumbingSource of a running pipeline
 * @event: an event that stands for an HTTP request, as JSON text
 * @cancellable: (nullable): a #GCancellable
 * @callback: (scope async): called with the answer
 * @user_data: data for @callback
 *
 * Hands an event that is not an item, such as an API Gateway request a
 * Lambda function received, to the first service of the pipeline that
 * answers events (thumbing_service_handles_events()).
 */
void
thumbing_source_dispatch_event_async (ThumbingSource      *self,
                                      const char          *event,
                                      GCancellable        *cancellable,
                                      GAsyncReadyCallback  callback,
                                      gpointer             user_data)
{
  ThumbingSourcePrivate *priv;
  GTask *task;

  g_return_if_fail (THUMBING_IS_SOURCE (self));
  g_return_if_fail (event != NULL);
  priv = thumbing_source_get_instance_private (self);
  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, thumbing_source_dispatch_event_async);
  for (guint i = 0; priv->services != NULL && i < priv->services->len; i++)
    if (thumbing_service_handles_events (priv->services->pdata[i]))
      {
        thumbing_service_handle_event_async (priv->services->pdata[i], event, cancellable, event_answered, task);
        return;
      }
  g_task_return_new_error (task, THUMBING_ERROR, THUMBING_ERROR_UNSUPPORTED,
                           _("no service of the pipeline answers HTTP events (an upload-api with bucket= does)"));
  g_object_unref (task);
}

/**
 * thumbing_source_dispatch_event_finish:
 * @self: a #ThumbingSource
 * @result: the #GAsyncResult given to the callback
 * @error: return location for a #GError
 *
 * Finishes thumbing_source_dispatch_event_async().
 *
 * Returns: (transfer full): the service's answer as JSON text, or %NULL
 *   with @error set when no service answers events or the event could not
 *   be read
 */
char *
thumbing_source_dispatch_event_finish (ThumbingSource  *self,
                                       GAsyncResult    *result,
                                       GError         **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}
