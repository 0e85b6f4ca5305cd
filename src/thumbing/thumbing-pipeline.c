/* thumbing-pipeline.c: the pipeline object, its settings and its structure
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "thumbing-element-private.h"
#include "thumbing-error.h"
#include "thumbing-pipeline-private.h"
#include "thumbing-sink.h"
#include "thumbing-text.h"
#include "thumbing-util-private.h"

/**
 * ThumbingPipeline:
 *
 * A source and the stages its items flow through, run on a #GMainContext.
 *
 * A pipeline is built from a keyfile (thumbing_pipeline_new_from_file()), a
 * launch string (thumbing_pipeline_new_from_launch(), as
 * `folder-source path=in ! resize width=512 height=512 ! png-encode ! folder-sink path=out`)
 * or element by element with thumbing_pipeline_append(). A chain can end in
 * a fan-out: every item is copied into each branch, and its source acks it
 * only once every branch succeeded.
 *
 * Services (#ThumbingService, listed in `services=`) run beside the chain:
 * they are checked with it, started before the source and stopped last.
 *
 * thumbing_pipeline_check() validates everything that can be known before
 * running: media compatibility between neighbours, required properties and
 * each element's own checks. thumbing_pipeline_run() then runs until the
 * source ends or thumbing_pipeline_stop() was called and every item in
 * flight has settled. At most #ThumbingPipeline:max-in-flight items are in
 * flight at once; blocking work runs on a pool of #ThumbingPipeline:workers
 * threads. Every item emits #ThumbingPipeline::item-done exactly once, on
 * the main context, with the error that failed it, if any.
 */

G_DEFINE_FINAL_TYPE (ThumbingPipeline, thumbing_pipeline, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_NAME,
  PROP_MAX_IN_FLIGHT,
  PROP_WORKERS,
  PROP_ONCE,
  PROP_ALLOW_FEEDBACK,
  PROP_STOP_GRACE,
  PROP_METRICS_ADDRESS,
  N_PROPS
};

enum {
  SIGNAL_ITEM_DONE,
  SIGNAL_WARNING,
  SIGNAL_FINISHED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

static void
chain_free (ThumbingChain *chain)
{
  g_ptr_array_unref (chain->stages);
  g_ptr_array_unref (chain->branches);
  g_free (chain);
}

static ThumbingChain *
chain_new (void)
{
  ThumbingChain *chain = g_new0 (ThumbingChain, 1);

  chain->stages = g_ptr_array_new_with_free_func (g_object_unref);
  chain->branches = g_ptr_array_new_with_free_func ((GDestroyNotify) chain_free);
  return chain;
}

ThumbingChain *
_thumbing_chain_add_branch (ThumbingChain *chain)
{
  ThumbingChain *branch = chain_new ();

  g_ptr_array_add (chain->branches, branch);
  return branch;
}

ThumbingChain *
_thumbing_pipeline_get_root (ThumbingPipeline *self)
{
  return self->root;
}

void
_thumbing_pipeline_set_filename (ThumbingPipeline *self,
                                 const char       *filename)
{
  g_free (self->filename);
  self->filename = g_strdup (filename);
}

/* Sources that would call back into a pipeline going away. */
static void
drop_pending_sources (ThumbingPipeline *self)
{
  if (self->finish_source != NULL)
    {
      g_source_destroy (self->finish_source);
      g_clear_pointer (&self->finish_source, g_source_unref);
    }
  _thumbing_pipeline_cancel_grace (self);
}

static void
thumbing_pipeline_dispose (GObject *object)
{
  ThumbingPipeline *self = THUMBING_PIPELINE (object);

  if (self->state == STATE_RUNNING)
    g_critical ("a ThumbingPipeline was disposed while running; stop it and let it finish first");
  drop_pending_sources (self);
  for (guint i = 0; self->order != NULL && i < self->order->len; i++)
    g_signal_handlers_disconnect_by_data (self->order->pdata[i], self);
  g_clear_pointer (&self->root, chain_free);
  g_clear_pointer (&self->order, g_ptr_array_unref);
  g_clear_pointer (&self->services, g_ptr_array_unref);
  g_clear_object (&self->source);
  G_OBJECT_CLASS (thumbing_pipeline_parent_class)->dispose (object);
}

static void
thumbing_pipeline_finalize (GObject *object)
{
  ThumbingPipeline *self = THUMBING_PIPELINE (object);

  g_free (self->name);
  g_free (self->filename);
  g_hash_table_unref (self->elements);
  g_clear_error (&self->fatal_error);
  g_clear_pointer (&self->context, g_main_context_unref);
  g_clear_pointer (&self->loop, g_main_loop_unref);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->metrics);
  g_free (self->metrics_address);
  G_OBJECT_CLASS (thumbing_pipeline_parent_class)->finalize (object);
}

static void
thumbing_pipeline_get_property (GObject    *object,
                                guint       prop_id,
                                GValue     *value,
                                GParamSpec *pspec)
{
  ThumbingPipeline *self = THUMBING_PIPELINE (object);

  switch (prop_id)
    {
    case PROP_NAME:
      g_value_set_string (value, self->name);
      break;
    case PROP_MAX_IN_FLIGHT:
      g_value_set_uint (value, self->max_in_flight);
      break;
    case PROP_WORKERS:
      g_value_set_uint (value, self->workers);
      break;
    case PROP_ONCE:
      g_value_set_boolean (value, self->once);
      break;
    case PROP_ALLOW_FEEDBACK:
      g_value_set_boolean (value, self->allow_feedback);
      break;
    case PROP_STOP_GRACE:
      g_value_set_uint (value, self->stop_grace);
      break;
    case PROP_METRICS_ADDRESS:
      g_value_set_string (value, self->metrics_address);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
thumbing_pipeline_set_property (GObject      *object,
                                guint         prop_id,
                                const GValue *value,
                                GParamSpec   *pspec)
{
  ThumbingPipeline *self = THUMBING_PIPELINE (object);

  switch (prop_id)
    {
    case PROP_NAME:
      g_free (self->name);
      self->name = g_value_dup_string (value);
      break;
    case PROP_MAX_IN_FLIGHT:
      thumbing_pipeline_set_max_in_flight (self, g_value_get_uint (value));
      break;
    case PROP_WORKERS:
      thumbing_pipeline_set_workers (self, g_value_get_uint (value));
      break;
    case PROP_ONCE:
      thumbing_pipeline_set_once (self, g_value_get_boolean (value));
      break;
    case PROP_ALLOW_FEEDBACK:
      self->allow_feedback = g_value_get_boolean (value);
      break;
    case PROP_STOP_GRACE:
      self->stop_grace = g_value_get_uint (value);
      break;
    case PROP_METRICS_ADDRESS:
      g_free (self->metrics_address);
      self->metrics_address = g_value_dup_string (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
thumbing_pipeline_class_init (ThumbingPipelineClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = thumbing_pipeline_dispose;
  object_class->finalize = thumbing_pipeline_finalize;
  object_class->get_property = thumbing_pipeline_get_property;
  object_class->set_property = thumbing_pipeline_set_property;

  /**
   * ThumbingPipeline:name:
   *
   * The pipeline's name, used in messages.
   */
  properties[PROP_NAME] =
    g_param_spec_string ("name", NULL, _("The pipeline’s name"),
                         "pipeline",
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT | G_PARAM_STATIC_STRINGS);

  /**
   * ThumbingPipeline:max-in-flight:
   *
   * How many items may be between their source and their final stage at
   * once. The source is asked for more only as items settle.
   */
  properties[PROP_MAX_IN_FLIGHT] =
    g_param_spec_uint ("max-in-flight", NULL, _("How many items may be in flight at once"),
                       1, 10000, 8,
                       G_PARAM_READWRITE | G_PARAM_CONSTRUCT | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * ThumbingPipeline:workers:
   *
   * How many threads run blocking and CPU-bound stage work; 0 means one per
   * processor.
   */
  properties[PROP_WORKERS] =
    g_param_spec_uint ("workers", NULL, _("Worker threads for CPU-bound work (0: one per processor)"),
                       0, 1024, 0,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * ThumbingPipeline:once:
   *
   * Sets #ThumbingSource:once on the source when the pipeline starts: take
   * what is there now, then finish.
   */
  properties[PROP_ONCE] =
    g_param_spec_boolean ("once", NULL, _("Process what is there now, then finish"),
                          FALSE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * ThumbingPipeline:allow-feedback:
   *
   * Lets a sink write where the source reads. Off by default, because then
   * every output comes back as an input, without end.
   */
  properties[PROP_ALLOW_FEEDBACK] =
    g_param_spec_boolean ("allow-feedback", NULL, _("Allow outputs where the source reads its inputs"),
                          FALSE,
                          G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS);

  /**
   * ThumbingPipeline:stop-grace:
   *
   * How many seconds thumbing_pipeline_stop() lets the items in flight
   * finish; then their work is cancelled and they fail, so their sources
   * take them back (a folder keeps the file, a queue delivers the message
   * again). 0 waits for them however long they take.
   */
  properties[PROP_STOP_GRACE] =
    g_param_spec_uint ("stop-grace", NULL, _("Seconds a stop waits for items in flight before cancelling them (0: no limit)"),
                       0, 86400, 30,
                       G_PARAM_READWRITE | G_PARAM_CONSTRUCT | G_PARAM_STATIC_STRINGS);

  /**
   * ThumbingPipeline:metrics-address:
   *
   * `HOST:PORT` where a `metrics-server` service, added when the pipeline
   * starts, serves its metrics, `/healthz` and `/readyz`; %NULL for none.
   */
  properties[PROP_METRICS_ADDRESS] =
    g_param_spec_string ("metrics-address", NULL,
                         _("HOST:PORT to serve /metrics, /healthz and /readyz on (a metrics-server service)"),
                         NULL, G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * ThumbingPipeline::item-done:
   * @self: the pipeline
   * @item: the item, as its source pushed it
   * @error: (nullable): why it failed, naming its origin and stage, or %NULL
   *
   * Emitted once per item, on the main context, after its source acked or
   * nacked it.
   */
  signals[SIGNAL_ITEM_DONE] =
    g_signal_new ("item-done", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 2, THUMBING_TYPE_ITEM, G_TYPE_ERROR);

  /**
   * ThumbingPipeline::warning:
   * @self: the pipeline
   * @message: a problem that failed no item, naming its stage
   *
   * Reports, on the main context, a problem an element met that failed no
   * item, such as an input that could not be marked done.
   */
  signals[SIGNAL_WARNING] =
    g_signal_new ("warning", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);

  /**
   * ThumbingPipeline::finished:
   * @self: the pipeline
   *
   * Emitted once the source ended or the pipeline was stopped, and every
   * item in flight settled; the elements are stopped by then.
   */
  signals[SIGNAL_FINISHED] =
    g_signal_new ("finished", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
thumbing_pipeline_init (ThumbingPipeline *self)
{
  self->root = chain_new ();
  self->elements = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->order = g_ptr_array_new_with_free_func (g_object_unref);
  self->services = g_ptr_array_new_with_free_func (g_object_unref);
  _thumbing_pipeline_metrics_init (self);
}

/**
 * thumbing_pipeline_new:
 * @name: (nullable): the pipeline's name
 *
 * Creates an empty pipeline, to be filled with thumbing_pipeline_append().
 *
 * Returns: (transfer full): a new pipeline
 */
ThumbingPipeline *
thumbing_pipeline_new (const char *name)
{
  return g_object_new (THUMBING_TYPE_PIPELINE, "name", name != NULL ? name : "pipeline", NULL);
}

static void
on_element_warning (ThumbingElement  *element,
                    const char       *message,
                    ThumbingPipeline *self)
{
  _thumbing_pipeline_emit_warning (self, message);
}

/* Returns a stage name not yet used: @base, or @base-2, @base-3… */
char *
_thumbing_pipeline_unique_name (ThumbingPipeline *self,
                                const char       *base)
{
  if (!g_hash_table_contains (self->elements, base))
    return g_strdup (base);
  for (guint n = 2;; n++)
    {
      g_autofree char *name = g_strdup_printf ("%s-%u", base, n);

      if (!g_hash_table_contains (self->elements, name))
        return g_steal_pointer (&name);
    }
}

/* Stage names are written back in launch strings and keyfile groups, and
 * quoted in messages: plain words, used once. */
static gboolean
check_stage_name (ThumbingPipeline *self,
                  const char       *name,
                  GError          **error)
{
  if (!g_regex_match_simple ("^[A-Za-z0-9_][A-Za-z0-9_.-]{0,63}$", name, G_REGEX_RAW | G_REGEX_DOLLAR_ENDONLY, 0))
    {
      g_autofree char *shown = thumbing_text_escape_controls (name);

      g_set_error (error, THUMBING_ERROR, THUMBING_ERROR_CONFIG,
                   _("“%s” is not a stage name: up to 64 letters, digits, “_”, “-” and “.”"), shown);
      return FALSE;
    }
  if (g_hash_table_contains (self->elements, name))
    {
      g_set_error (error, THUMBING_ERROR, THUMBING_ERROR_CONFIG,
                   _("two stages are named “%s”"), name);
      return FALSE;
    }
  return TRUE;
}

gboolean
_thumbing_pipeline_add_to_chain (ThumbingPipeline *self,
                                 ThumbingChain    *chain,
                                 ThumbingElement  *element,
                                 GError          **error)
{
  const char *name = thumbing_element_get_name (element);

  if (self->state != STATE_IDLE)
    {
      g_set_error (error, THUMBING_ERROR, THUMBING_ERROR_STATE,
                   _("elements cannot be added to a pipeline that has started"));
      return FALSE;
    }
  if (!check_stage_name (self, name, error))
    return FALSE;

  if (THUMBING_IS_SERVICE (element))
    {
      g_set_error (error, THUMBING_ERROR, THUMBING_ERROR_CONFIG,
                   _("%s is a service, which no item passes through; list it in the pipeline’s services"),
                   thumbing_element_get_factory_name (element));
      return FALSE;
    }
  if (THUMBING_IS_SOURCE (element))
    {
      if (self->source != NULL || chain != self->root)
        {
          g_set_error (error, THUMBING_ERROR, THUMBING_ERROR_CONFIG,
                       _("%s is a source; only the first stage can be a source"),
                       thumbing_element_get_factory_name (element));
          return FALSE;
        }
      self->source = g_object_ref (THUMBING_SOURCE (element));
    }
  else
    {
      if (self->source == NULL)
        {
          g_set_error (error, THUMBING_ERROR, THUMBING_ERROR_CONFIG,
                       _("the first stage must be a source, but %s is not one"),
                       thumbing_element_get_factory_name (element));
          return FALSE;
        }
      if (chain->branches->len > 0)
        {
          g_set_error (error, THUMBING_ERROR, THUMBING_ERROR_CONFIG,
                       _("nothing can follow a fan-out; put %s inside a branch"),
                       thumbing_element_get_factory_name (element));
          return FALSE;
        }
      g_ptr_array_add (chain->stages, g_object_ref (element));
    }

  g_ptr_array_add (self->order, g_object_ref (element));
  g_hash_table_insert (self->elements, g_strdup (name), element);
  g_signal_connect_object (element, "warning", G_CALLBACK (on_element_warning), self, 0);
  return TRUE;
}

/**
 * thumbing_pipeline_add_service:
 * @self: a #ThumbingPipeline
 * @service: a service to run beside the chain
 * @error: return location for a #GError
 *
 * Adds a service, which the pipeline checks with its stages, starts before
 * its source and stops after its last item settled.
 *
 * Returns: %TRUE on success; %FALSE if the pipeline has started or the name is taken
 */
gboolean
thumbing_pipeline_add_service (ThumbingPipeline *self,
                               ThumbingService  *service,
                               GError          **error)
{
  const char *name;

  g_return_val_if_fail (THUMBING_IS_PIPELINE (self), FALSE);
  g_return_val_if_fail (THUMBING_IS_SERVICE (service), FALSE);

  name = thumbing_element_get_name (THUMBING_ELEMENT (service));
  if (self->state != STATE_IDLE)
    {
      g_set_error (error, THUMBING_ERROR, THUMBING_ERROR_STATE,
                   _("services cannot be added to a pipeline that has started"));
      return FALSE;
    }
  if (!check_stage_name (self, name, error))
    return FALSE;
  g_ptr_array_add (self->services, g_object_ref (service));
  g_ptr_array_add (self->order, g_object_ref (service));
  g_hash_table_insert (self->elements, g_strdup (name), service);
  g_signal_connect_object (service, "warning", G_CALLBACK (on_element_warning), self, 0);
  return TRUE;
}

/**
 * thumbing_pipeline_append:
 * @self: a #ThumbingPipeline
 * @element: the next stage; the first must be a #ThumbingSource
 * @error: return location for a #GError
 *
 * Adds a stage at the end of the main chain.
 *
 * Returns: %TRUE on success
 */
gboolean
thumbing_pipeline_append (ThumbingPipeline *self,
                          ThumbingElement  *element,
                          GError          **error)
{
  g_return_val_if_fail (THUMBING_IS_PIPELINE (self), FALSE);
  g_return_val_if_fail (THUMBING_IS_ELEMENT (element), FALSE);

  return _thumbing_pipeline_add_to_chain (self, self->root, element, error);
}

/**
 * thumbing_pipeline_get_element:
 * @self: a #ThumbingPipeline
 * @name: a stage name
 *
 * Gets the stage's element.
 *
 * Returns: (transfer none) (nullable): the stage's element
 */
ThumbingElement *
thumbing_pipeline_get_element (ThumbingPipeline *self,
                               const char       *name)
{
  g_return_val_if_fail (THUMBING_IS_PIPELINE (self), NULL);
  g_return_val_if_fail (name != NULL, NULL);
  return g_hash_table_lookup (self->elements, name);
}

/**
 * thumbing_pipeline_list_elements:
 * @self: a #ThumbingPipeline
 *
 * Gets every element, in the order they were added.
 *
 * Returns: (transfer container) (element-type ThumbingElement): every
 *   element, in the order they were added
 */
GList *
thumbing_pipeline_list_elements (ThumbingPipeline *self)
{
  GList *list = NULL;

  g_return_val_if_fail (THUMBING_IS_PIPELINE (self), NULL);
  for (guint i = self->order->len; i > 0; i--)
    list = g_list_prepend (list, self->order->pdata[i - 1]);
  return list;
}

/**
 * thumbing_pipeline_get_source:
 * @self: a #ThumbingPipeline
 *
 * Gets the pipeline's source.
 *
 * Returns: (transfer none) (nullable): the pipeline's source
 */
ThumbingSource *
thumbing_pipeline_get_source (ThumbingPipeline *self)
{
  g_return_val_if_fail (THUMBING_IS_PIPELINE (self), NULL);
  return self->source;
}

/**
 * thumbing_pipeline_get_name:
 * @self: a #ThumbingPipeline
 *
 * Gets the pipeline's name.
 *
 * Returns: (transfer none): the pipeline's name
 */
const char *
thumbing_pipeline_get_name (ThumbingPipeline *self)
{
  g_return_val_if_fail (THUMBING_IS_PIPELINE (self), NULL);
  return self->name;
}

/**
 * thumbing_pipeline_get_filename:
 * @self: a #ThumbingPipeline
 *
 * Gets the keyfile the pipeline was built from.
 *
 * Returns: (transfer none) (nullable): the keyfile the pipeline was built from
 */
const char *
thumbing_pipeline_get_filename (ThumbingPipeline *self)
{
  g_return_val_if_fail (THUMBING_IS_PIPELINE (self), NULL);
  return self->filename;
}

/**
 * thumbing_pipeline_get_max_in_flight:
 * @self: a #ThumbingPipeline
 *
 * Gets how many items may be in flight at once.
 *
 * Returns: the value of #ThumbingPipeline:max-in-flight
 */
guint
thumbing_pipeline_get_max_in_flight (ThumbingPipeline *self)
{
  g_return_val_if_fail (THUMBING_IS_PIPELINE (self), 0);
  return self->max_in_flight;
}

/**
 * thumbing_pipeline_set_max_in_flight:
 * @self: a #ThumbingPipeline
 * @max_in_flight: the new value, at least 1
 *
 * Sets how many items may be in flight at once.
 */
void
thumbing_pipeline_set_max_in_flight (ThumbingPipeline *self,
                                     guint             max_in_flight)
{
  g_return_if_fail (THUMBING_IS_PIPELINE (self));
  g_return_if_fail (max_in_flight >= 1);
  if (self->max_in_flight == max_in_flight)
    return;
  self->max_in_flight = max_in_flight;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MAX_IN_FLIGHT]);
}

/**
 * thumbing_pipeline_get_workers:
 * @self: a #ThumbingPipeline
 *
 * Gets how many worker threads run blocking and CPU-bound work.
 *
 * Returns: the value of #ThumbingPipeline:workers
 */
guint
thumbing_pipeline_get_workers (ThumbingPipeline *self)
{
  g_return_val_if_fail (THUMBING_IS_PIPELINE (self), 0);
  return self->workers;
}

/**
 * thumbing_pipeline_set_workers:
 * @self: a #ThumbingPipeline
 * @workers: worker threads, or 0 for one per processor
 *
 * Sets how many worker threads run blocking and CPU-bound work.
 */
void
thumbing_pipeline_set_workers (ThumbingPipeline *self,
                               guint             workers)
{
  g_return_if_fail (THUMBING_IS_PIPELINE (self));
  if (self->workers == workers)
    return;
  self->workers = workers;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_WORKERS]);
}

/**
 * thumbing_pipeline_get_once:
 * @self: a #ThumbingPipeline
 *
 * Gets whether the source takes only what is there now.
 *
 * Returns: the value of #ThumbingPipeline:once
 */
gboolean
thumbing_pipeline_get_once (ThumbingPipeline *self)
{
  g_return_val_if_fail (THUMBING_IS_PIPELINE (self), FALSE);
  return self->once;
}

/**
 * thumbing_pipeline_set_once:
 * @self: a #ThumbingPipeline
 * @once: the new value of #ThumbingPipeline:once
 *
 * Sets whether the source takes only what is there now, then ends.
 */
void
thumbing_pipeline_set_once (ThumbingPipeline *self,
                            gboolean          once)
{
  g_return_if_fail (THUMBING_IS_PIPELINE (self));
  once = !!once;
  if (self->once == once)
    return;
  self->once = once;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ONCE]);
}


void
_thumbing_pipeline_emit_item_done (ThumbingPipeline *self,
                                   ThumbingItem     *item,
                                   const GError     *error)
{
  g_signal_emit (self, signals[SIGNAL_ITEM_DONE], 0, item, error);
}

void
_thumbing_pipeline_emit_warning (ThumbingPipeline *self,
                                 const char       *message)
{
  g_signal_emit (self, signals[SIGNAL_WARNING], 0, message);
}

void
_thumbing_pipeline_emit_finished (ThumbingPipeline *self)
{
  g_signal_emit (self, signals[SIGNAL_FINISHED], 0);
}

/* Prefixes an error about a stage with where the stage is described: the keyfile
 * group (and key) or, for launch strings, the stage name. */
void
_thumbing_pipeline_locate_error (ThumbingPipeline *self,
                                 GError          **error,
                                 ThumbingElement  *element,
                                 const char       *key)
{
  const char *stage = element != NULL ? thumbing_element_get_name (element) : "pipeline";

  if (error == NULL || *error == NULL)
    return;
  if (self->filename != NULL && key != NULL)
    g_prefix_error (error, "%s: [%s] %s: ", self->filename, stage, key);
  else if (self->filename != NULL)
    g_prefix_error (error, "%s: [%s]: ", self->filename, stage);
  else if (key != NULL)
    g_prefix_error (error, "%s: %s: ", stage, key);
  else
    g_prefix_error (error, "%s: ", stage);
}

/* The scheduler's timers, destroyed here too when the pipeline goes. */
void
_thumbing_pipeline_cancel_grace (ThumbingPipeline *self)
{
  if (self->grace_source != NULL)
    g_source_destroy (self->grace_source);
  g_clear_pointer (&self->grace_source, g_source_unref);
}
