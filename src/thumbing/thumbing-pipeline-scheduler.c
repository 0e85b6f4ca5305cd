/* thumbing-pipeline-scheduler.c: running a pipeline — items through stages, deliveries, stopping
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "thumbing-element-private.h"
#include "thumbing-error.h"
#include "thumbing-pipeline-private.h"
#include "thumbing-sink.h"
#include "thumbing-util-private.h"

typedef struct
{
  ThumbingPipeline *pipeline;
  ThumbingChain    *chain;
  guint             index;
  ThumbingItem     *item;
  gint64            stage_started_us;
} Step;

static void step_advance (Step *step);

static Step *
step_new (ThumbingPipeline *pipeline,
          ThumbingChain    *chain,
          ThumbingItem     *item)
{
  Step *step = g_new0 (Step, 1);

  step->pipeline = g_object_ref (pipeline);
  step->chain = chain;
  step->item = thumbing_item_ref (item);
  return step;
}

static void
step_free (Step *step)
{
  g_object_unref (step->pipeline);
  thumbing_item_unref (step->item);
  g_free (step);
}

static void
step_resolve (Step         *step,
              const GError *error)
{
  thumbing_delivery_resolve (thumbing_item_get_delivery (step->item), error);
  step_free (step);
}

static void
on_stage_done (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  Step *step = user_data;
  ThumbingElement *element = THUMBING_ELEMENT (object);
  g_autoptr(GError) error = NULL;
  g_autoptr(ThumbingItem) next = NULL;

  next = thumbing_element_process_finish (element, result, &error);
  _thumbing_pipeline_metrics_stage_done (step->pipeline, element, step->stage_started_us, error != NULL);
  if (next == NULL)
    {
      if (error != NULL)
        {
          /* Keep domain and code for callers; put origin and stage in the text. */
          g_prefix_error (&error, "%s: %s: ", thumbing_item_get_origin (step->item),
                          thumbing_element_get_name (element));
        }
      step_resolve (step, error);
      return;
    }

  if (next != step->item)
    {
      if (thumbing_item_get_delivery (next) == NULL)
        thumbing_item_set_delivery (next, thumbing_item_get_delivery (step->item));
      thumbing_item_unref (step->item);
      step->item = g_steal_pointer (&next);
    }
  step->index++;
  step_advance (step);
}

static void
step_advance (Step *step)
{
  ThumbingChain *chain = step->chain;
  guint n_branches;

  if (step->index < chain->stages->len)
    {
      step->stage_started_us = g_get_monotonic_time ();
      thumbing_element_process_async (chain->stages->pdata[step->index], step->item,
                                      step->pipeline->cancellable, on_stage_done, step);
      return;
    }

  n_branches = chain->branches->len;
  if (n_branches == 0)
    {
      step_resolve (step, NULL);
      return;
    }

  /* Fan-out: the delivery waits for every branch. */
  thumbing_delivery_add_branches (thumbing_item_get_delivery (step->item), n_branches - 1);
  for (guint i = 0; i < n_branches; i++)
    {
      g_autoptr(ThumbingItem) item = i + 1 < n_branches ? thumbing_item_branch (step->item)
                                                        : thumbing_item_ref (step->item);

      step_advance (step_new (step->pipeline, chain->branches->pdata[i], item));
    }
  step_free (step);
}

/* In the order they were added, so the source, always first, stops taking
 * work before anything after it stops. Warnings still reach the context. */
static void
stop_started_elements (ThumbingPipeline *self)
{
  _thumbing_source_set_services (self->source, NULL);
  for (guint i = 0; i < self->order->len; i++)
    {
      thumbing_element_stop (self->order->pdata[i]);
      _thumbing_element_set_runtime (self->order->pdata[i], NULL, self->context, NULL);
    }
}

static gboolean
finish_idle (gpointer user_data)
{
  ThumbingPipeline *self = user_data;

  g_clear_pointer (&self->finish_source, g_source_unref);
  if (self->state != STATE_RUNNING || self->in_flight > 0 || thumbing_source_get_holds (self->source) > 0)
    return G_SOURCE_REMOVE;

  self->state = STATE_FINISHED;
  thumbing_metrics_set_ready (self->metrics, FALSE);
  _thumbing_pipeline_cancel_grace (self);
  g_signal_handlers_disconnect_by_data (self->source, self);
  stop_started_elements (self);
  /* Nothing is queued: every item settled. */
  g_thread_pool_free (g_steal_pointer (&self->pool), FALSE, TRUE);

  _thumbing_pipeline_emit_finished (self);
  if (self->loop != NULL)
    g_main_loop_quit (self->loop);
  return G_SOURCE_REMOVE;
}

static void
maybe_finish (ThumbingPipeline *self)
{
  /* A source still settling asynchronously (deleting messages) holds the
   * pipeline open, so no acknowledgement is lost when the process exits. */
  if (self->state != STATE_RUNNING || self->in_flight > 0 || self->finish_source != NULL
      || thumbing_source_get_holds (self->source) > 0)
    return;
  if (!self->stopping && !self->source_ended)
    return;

  /* From an idle, so a source that ends inside start() or request() is not
   * re-entered. */
  self->finish_source = g_idle_source_new ();
  g_source_set_callback (self->finish_source, finish_idle, self, NULL);
  g_source_set_priority (self->finish_source, G_PRIORITY_DEFAULT);
  g_source_attach (self->finish_source, self->context);
}

static void
request_more (ThumbingPipeline *self)
{
  guint room;

  if (self->state != STATE_RUNNING || self->stopping || self->source_ended)
    return;
  if (self->in_flight + self->credit >= self->max_in_flight)
    return;
  room = self->max_in_flight - self->in_flight - self->credit;
  self->credit += room;
  thumbing_source_request (self->source, room);
}

typedef struct
{
  ThumbingPipeline *pipeline;
  ThumbingItem     *item;
} Tracked;

static void
tracked_free (gpointer data)
{
  Tracked *tracked = data;

  g_object_unref (tracked->pipeline);
  thumbing_item_unref (tracked->item);
  g_free (tracked);
}

static void
on_delivery_resolved (ThumbingDelivery *delivery,
                      const GError     *error,
                      gpointer          user_data)
{
  Tracked *tracked = user_data;
  ThumbingPipeline *self = tracked->pipeline;

  g_assert (self->in_flight > 0);
  self->in_flight--;
  if (error != NULL)
    self->n_failed++;
  else
    self->n_succeeded++;

  thumbing_source_settle (self->source, tracked->item, error);
  _thumbing_pipeline_metrics_item_done (self, tracked->item, error);
  _thumbing_pipeline_emit_item_done (self, tracked->item, error);

  request_more (self);
  maybe_finish (self);
}

static void
on_source_item (ThumbingSource   *source,
                ThumbingItem     *item,
                ThumbingPipeline *self)
{
  g_autoptr(ThumbingDelivery) delivery = NULL;
  Tracked *tracked;

  if (self->stopping || self->state != STATE_RUNNING)
    {
      /* Pushed after the stop: hand it straight back so the origin keeps it. */
      g_autoptr(GError) error = g_error_new (THUMBING_ERROR, THUMBING_ERROR_STATE,
                                             _("%s: not processed: the pipeline is stopping"),
                                             thumbing_item_get_origin (item));
      thumbing_source_settle (source, item, error);
      return;
    }

  if (self->credit > 0)
    self->credit--;
  else
    g_warning ("source %s pushed an item it was not asked for; max-in-flight may be exceeded",
               thumbing_element_get_name (THUMBING_ELEMENT (source)));
  self->in_flight++;
  _thumbing_pipeline_metrics_item_started (self);

  tracked = g_new0 (Tracked, 1);
  tracked->pipeline = g_object_ref (self);
  tracked->item = thumbing_item_ref (item);
  delivery = thumbing_delivery_new (on_delivery_resolved, tracked, tracked_free);
  thumbing_item_set_delivery (item, delivery);

  step_advance (step_new (self, self->root, item));
}

static void
on_source_ended (ThumbingSource   *source,
                 ThumbingPipeline *self)
{
  self->source_ended = TRUE;
  self->credit = 0;
  maybe_finish (self);
}

static void
on_source_released (ThumbingSource   *source,
                    ThumbingPipeline *self)
{
  maybe_finish (self);
}

static void
on_source_failed (ThumbingSource   *source,
                  const GError     *error,
                  ThumbingPipeline *self)
{
  if (self->fatal_error == NULL)
    {
      self->fatal_error = g_error_copy (error);
      g_prefix_error (&self->fatal_error, "%s: ",
                      thumbing_element_get_name (THUMBING_ELEMENT (source)));
    }
  thumbing_pipeline_stop (self);
}

/**
 * thumbing_pipeline_start:
 * @self: a #ThumbingPipeline
 * @error: return location for a #GError
 *
 * Checks the pipeline, starts its elements and begins taking items, on the
 * thread-default main context of the caller, which must then be iterated.
 * A pipeline runs once.
 *
 * Returns: %TRUE if the pipeline started
 */
/* Ready: every element started, the source connected, not stopping. */
static void
update_ready (ThumbingPipeline *self)
{
  thumbing_metrics_set_ready (self->metrics, self->state == STATE_RUNNING && !self->stopping
                                             && thumbing_source_is_connected (self->source));
}

gboolean
thumbing_pipeline_start (ThumbingPipeline *self,
                         GError          **error)
{
  g_autoptr(GError) local_error = NULL;
  guint workers;

  g_return_val_if_fail (THUMBING_IS_PIPELINE (self), FALSE);

  if (self->state != STATE_IDLE)
    {
      g_set_error (error, THUMBING_ERROR, THUMBING_ERROR_STATE,
                   _("pipeline %s has already run"), self->name);
      return FALSE;
    }
  if (!_thumbing_pipeline_add_metrics_server (self, error) || !thumbing_pipeline_check (self, error))
    return FALSE;

  g_clear_pointer (&self->context, g_main_context_unref);
  self->context = g_main_context_ref_thread_default ();
  self->cancellable = g_cancellable_new ();

  workers = self->workers > 0 ? self->workers : g_get_num_processors ();
  self->pool = g_thread_pool_new (_thumbing_element_run_worker_job, NULL, workers, FALSE, &local_error);
  if (self->pool == NULL)
    {
      g_set_error (error, THUMBING_ERROR, THUMBING_ERROR_FAILED,
                   _("cannot create %u worker threads: %s"), workers, local_error->message);
      return FALSE;
    }

  for (guint i = 0; i < self->order->len; i++)
    _thumbing_element_set_runtime (self->order->pdata[i], self->pool, self->context, self->metrics);

  if (self->once)
    thumbing_source_set_once (self->source, TRUE);
  _thumbing_source_set_services (self->source, self->services);

  /* Downstream first, so nothing reaches a stage that is not ready. */
  for (guint i = self->order->len; i > 0; i--)
    {
      ThumbingElement *element = self->order->pdata[i - 1];

      if (!thumbing_element_start (element, error))
        {
          _thumbing_pipeline_locate_error (self, error, element, NULL);
          stop_started_elements (self);
          g_thread_pool_free (g_steal_pointer (&self->pool), TRUE, TRUE);
          return FALSE;
        }
    }

  g_signal_connect (self->source, "item", G_CALLBACK (on_source_item), self);
  g_signal_connect (self->source, "ended", G_CALLBACK (on_source_ended), self);
  g_signal_connect (self->source, "failed", G_CALLBACK (on_source_failed), self);
  g_signal_connect (self->source, "released", G_CALLBACK (on_source_released), self);

  self->state = STATE_RUNNING;
  g_signal_connect_swapped (self->source, "notify::connected", G_CALLBACK (update_ready), self);
  update_ready (self);
  self->source_ended = thumbing_source_is_ended (self->source);
  request_more (self);
  maybe_finish (self);
  return TRUE;
}

/* A stop's grace is over: what is still in flight is cancelled and fails,
 * so its source takes it back; nothing is acknowledged unfinished. */
static gboolean
end_grace (gpointer user_data)
{
  ThumbingPipeline *self = user_data;
  g_autofree char *message = g_strdup_printf (_("stopping: %u items still in flight after %u s are cancelled; "
                                                "their sources keep them"),
                                              self->in_flight, self->stop_grace);

  g_clear_pointer (&self->grace_source, g_source_unref);
  _thumbing_pipeline_emit_warning (self, message);
  g_cancellable_cancel (self->cancellable);
  return G_SOURCE_REMOVE;
}

/**
 * thumbing_pipeline_stop:
 * @self: a #ThumbingPipeline
 *
 * Stops gracefully: takes no new items, lets those in flight settle (for at
 * most #ThumbingPipeline:stop-grace seconds, then cancels them), then stops
 * the elements and emits #ThumbingPipeline::finished.
 */
void
thumbing_pipeline_stop (ThumbingPipeline *self)
{
  g_return_if_fail (THUMBING_IS_PIPELINE (self));

  if (self->state != STATE_RUNNING || self->stopping)
    return;
  self->stopping = TRUE;
  update_ready (self);
  if (self->stop_grace > 0 && self->in_flight > 0)
    {
      self->grace_source = g_timeout_source_new_seconds (self->stop_grace);
      g_source_set_callback (self->grace_source, end_grace, self, NULL);
      g_source_attach (self->grace_source, self->context);
    }
  maybe_finish (self);
}

/**
 * thumbing_pipeline_run:
 * @self: a #ThumbingPipeline
 * @error: return location for a #GError
 *
 * Starts the pipeline and iterates the caller's thread-default main context
 * until it finished. Items that fail do not fail the run: they are reported
 * by #ThumbingPipeline::item-done and counted by
 * thumbing_pipeline_get_n_failed().
 *
 * Returns: %TRUE if the pipeline ran to its end; %FALSE if it could not
 *   start or its source failed
 */
gboolean
thumbing_pipeline_run (ThumbingPipeline *self,
                       GError          **error)
{
  g_return_val_if_fail (THUMBING_IS_PIPELINE (self), FALSE);

  if (!thumbing_pipeline_start (self, error))
    return FALSE;

  self->loop = g_main_loop_new (self->context, FALSE);
  if (self->state == STATE_RUNNING)
    g_main_loop_run (self->loop);
  g_clear_pointer (&self->loop, g_main_loop_unref);

  if (self->fatal_error != NULL)
    {
      g_propagate_error (error, g_error_copy (self->fatal_error));
      return FALSE;
    }
  return TRUE;
}

/**
 * thumbing_pipeline_is_running:
 * @self: a #ThumbingPipeline
 *
 * Tells whether the pipeline started and has not finished.
 *
 * Returns: whether the pipeline started and has not finished
 */
gboolean
thumbing_pipeline_is_running (ThumbingPipeline *self)
{
  g_return_val_if_fail (THUMBING_IS_PIPELINE (self), FALSE);
  return self->state == STATE_RUNNING;
}

/**
 * thumbing_pipeline_get_n_succeeded:
 * @self: a #ThumbingPipeline
 *
 * Tells how many items every stage handled.
 *
 * Returns: how many items every stage handled
 */
guint
thumbing_pipeline_get_n_succeeded (ThumbingPipeline *self)
{
  g_return_val_if_fail (THUMBING_IS_PIPELINE (self), 0);
  return self->n_succeeded;
}

/**
 * thumbing_pipeline_get_n_failed:
 * @self: a #ThumbingPipeline
 *
 * Tells how many items a stage failed on.
 *
 * Returns: how many items a stage failed on
 */
/**
 * thumbing_pipeline_get_metrics:
 * @self: a #ThumbingPipeline
 *
 * Gets what the pipeline counts: items started and settled by result,
 * failures by reason, stage and end-to-end durations, items in flight; and
 * whether it is ready (running, not stopping).
 *
 * Returns: (transfer none): the pipeline's metrics
 */
ThumbingMetrics *
thumbing_pipeline_get_metrics (ThumbingPipeline *self)
{
  g_return_val_if_fail (THUMBING_IS_PIPELINE (self), NULL);
  return self->metrics;
}

guint
thumbing_pipeline_get_n_failed (ThumbingPipeline *self)
{
  g_return_val_if_fail (THUMBING_IS_PIPELINE (self), 0);
  return self->n_failed;
}

/**
 * thumbing_pipeline_get_n_in_flight:
 * @self: a #ThumbingPipeline
 *
 * Tells how many items are between their source and their last stage.
 *
 * Returns: how many items are between their source and their last stage
 */
guint
thumbing_pipeline_get_n_in_flight (ThumbingPipeline *self)
{
  g_return_val_if_fail (THUMBING_IS_PIPELINE (self), 0);
  return self->in_flight;
}

/**
 * thumbing_pipeline_get_total_hint:
 * @self: a #ThumbingPipeline
 *
 * Tells how many items the source expects to push in all, or -1 if unknown.
 *
 * Returns: how many items the source expects to push in all, or -1 if unknown
 */
gint64
thumbing_pipeline_get_total_hint (ThumbingPipeline *self)
{
  g_return_val_if_fail (THUMBING_IS_PIPELINE (self), -1);
  return self->source != NULL ? thumbing_source_get_total_hint (self->source) : -1;
}
