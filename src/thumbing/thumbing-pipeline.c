/* thumbing-pipeline.c
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

typedef enum {
  STATE_IDLE,
  STATE_RUNNING,
  STATE_FINISHED,
} PipelineState;

struct _ThumbingPipeline
{
  GObject          parent_instance;

  char            *name;
  char            *filename;
  guint            max_in_flight;
  guint            stop_grace;
  guint            workers;
  gboolean         once;
  gboolean         allow_feedback;

  ThumbingSource  *source;
  ThumbingChain   *root;
  GPtrArray       *services;       /* ThumbingService (owned) */
  GHashTable      *elements;       /* stage name → ThumbingElement (not owned) */
  GPtrArray       *order;          /* ThumbingElement in the order they were added (owned) */

  PipelineState    state;
  gboolean         stopping;
  gboolean         source_ended;
  GError          *fatal_error;
  GMainContext    *context;
  GMainLoop       *loop;
  GThreadPool     *pool;
  GCancellable    *cancellable;
  GSource         *finish_source;
  GSource         *grace_source;   /* cancels what is in flight when a stop's grace ends */
  guint            in_flight;
  guint            credit;
  guint            n_succeeded;
  guint            n_failed;
};

G_DEFINE_FINAL_TYPE (ThumbingPipeline, thumbing_pipeline, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_NAME,
  PROP_MAX_IN_FLIGHT,
  PROP_WORKERS,
  PROP_ONCE,
  PROP_ALLOW_FEEDBACK,
  PROP_STOP_GRACE,
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

static void
cancel_grace (ThumbingPipeline *self)
{
  if (self->grace_source != NULL)
    g_source_destroy (self->grace_source);
  g_clear_pointer (&self->grace_source, g_source_unref);
}

static void
thumbing_pipeline_dispose (GObject *object)
{
  ThumbingPipeline *self = THUMBING_PIPELINE (object);

  if (self->state == STATE_RUNNING)
    g_critical ("a ThumbingPipeline was disposed while running; stop it and let it finish first");
  if (self->finish_source != NULL)
    {
      g_source_destroy (self->finish_source);
      g_clear_pointer (&self->finish_source, g_source_unref);
    }
  cancel_grace (self);
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

/**
 * thumbing_pipeline_new_from_launch:
 * @description: a launch string, as `folder-source path=in ! resize ! png-encode ! folder-sink path=out`;
 *   a chain may end in branches, as `… ! ( png-encode ! folder-sink path=a ) ( webp-encode ! folder-sink path=b )`
 * @error: return location for a #GError
 *
 * Builds a pipeline from a launch string: elements with `key=value`
 * settings, joined by `!`; `name=` names a stage.
 *
 * Returns: (transfer full): a new pipeline, or %NULL with @error set
 *   (%THUMBING_ERROR_CONFIG and friends), naming the position in @description
 */
ThumbingPipeline *
thumbing_pipeline_new_from_launch (const char *description,
                                   GError    **error)
{
  g_autoptr(ThumbingPipeline) self = NULL;

  g_return_val_if_fail (description != NULL, NULL);

  self = thumbing_pipeline_new ("launch");
  if (!_thumbing_pipeline_parse_launch (self, description, error))
    return NULL;
  return g_steal_pointer (&self);
}

/**
 * thumbing_pipeline_new_from_keyfile:
 * @keyfile: a pipeline description
 * @filename: (nullable): where @keyfile came from, for messages
 * @error: return location for a #GError
 *
 * Builds a pipeline from a keyfile: a `[pipeline]` group whose `stages` key
 * lists stage groups in order; each stage group names its `element` and
 * sets its properties; a stage group with `branches` instead fans out into
 * branch groups, each with its own `stages`. Values expand `${VAR}` and
 * `${VAR:-default}` from the environment.
 *
 * Returns: (transfer full): a new pipeline, or %NULL with @error naming the
 *   file, group and key at fault
 */
ThumbingPipeline *
thumbing_pipeline_new_from_keyfile (GKeyFile   *keyfile,
                                    const char *filename,
                                    GError    **error)
{
  g_autoptr(ThumbingPipeline) self = NULL;

  g_return_val_if_fail (keyfile != NULL, NULL);

  self = thumbing_pipeline_new (NULL);
  if (!_thumbing_pipeline_parse_keyfile (self, keyfile, filename, error))
    return NULL;
  return g_steal_pointer (&self);
}

/**
 * thumbing_pipeline_new_from_file:
 * @filename: a pipeline keyfile
 * @error: return location for a #GError
 *
 * Loads @filename and builds it with thumbing_pipeline_new_from_keyfile().
 *
 * Returns: (transfer full): a new pipeline, or %NULL with @error set
 */
ThumbingPipeline *
thumbing_pipeline_new_from_file (const char *filename,
                                 GError    **error)
{
  g_autoptr(GKeyFile) keyfile = g_key_file_new ();
  g_autoptr(GError) local_error = NULL;

  g_return_val_if_fail (filename != NULL, NULL);

  if (!g_key_file_load_from_file (keyfile, filename, G_KEY_FILE_NONE, &local_error))
    {
      g_set_error (error, THUMBING_ERROR, THUMBING_ERROR_CONFIG,
                   "%s: %s", filename, local_error->message);
      return NULL;
    }
  return thumbing_pipeline_new_from_keyfile (keyfile, filename, error);
}

static void
on_element_warning (ThumbingElement  *element,
                    const char       *message,
                    ThumbingPipeline *self)
{
  g_signal_emit (self, signals[SIGNAL_WARNING], 0, message);
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
  if (g_hash_table_contains (self->elements, name))
    {
      g_set_error (error, THUMBING_ERROR, THUMBING_ERROR_CONFIG,
                   _("two stages are named “%s”"), name);
      return FALSE;
    }

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
  if (g_hash_table_contains (self->elements, name))
    {
      g_set_error (error, THUMBING_ERROR, THUMBING_ERROR_CONFIG, _("two stages are named “%s”"), name);
      return FALSE;
    }
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

static void
append_value_text (GString      *out,
                   const GValue *value)
{
  if (G_VALUE_HOLDS_STRING (value))
    {
      const char *s = g_value_get_string (value);

      if (s != NULL && strpbrk (s, " \t!()\"'") == NULL && s[0] != '\0')
        g_string_append (out, s);
      else
        {
          g_autofree char *escaped = g_strescape (s != NULL ? s : "", NULL);

          g_string_append_printf (out, "\"%s\"", escaped);
        }
    }
  else if (G_VALUE_HOLDS_ENUM (value))
    {
      g_autoptr(GEnumClass) klass = g_type_class_ref (G_VALUE_TYPE (value));
      GEnumValue *ev = g_enum_get_value (klass, g_value_get_enum (value));

      g_string_append (out, ev != NULL ? ev->value_nick : "?");
    }
  else if (G_VALUE_HOLDS_BOOLEAN (value))
    g_string_append (out, g_value_get_boolean (value) ? "true" : "false");
  else if (G_VALUE_HOLDS (value, G_TYPE_STRV))
    {
      g_autofree char *joined = g_strjoinv (";", g_value_get_boxed (value));

      g_string_append_printf (out, "\"%s\"", joined);
    }
  else
    {
      g_autofree char *text = g_strdup_value_contents (value);

      g_string_append (out, text);
    }
}

static void
describe_element (GString         *out,
                  ThumbingElement *element)
{
  g_autofree GParamSpec **pspecs = NULL;
  guint n_pspecs = 0;

  g_string_append (out, thumbing_element_get_factory_name (element));
  if (g_strcmp0 (thumbing_element_get_name (element), thumbing_element_get_factory_name (element)) != 0)
    g_string_append_printf (out, " name=%s", thumbing_element_get_name (element));

  pspecs = g_object_class_list_properties (G_OBJECT_GET_CLASS (element), &n_pspecs);
  for (guint i = 0; i < n_pspecs; i++)
    {
      g_auto(GValue) value = G_VALUE_INIT;

      if (!(pspecs[i]->flags & G_PARAM_READABLE) || !(pspecs[i]->flags & G_PARAM_WRITABLE)
          || strcmp (pspecs[i]->name, "name") == 0)
        continue;
      g_value_init (&value, pspecs[i]->value_type);
      g_object_get_property (G_OBJECT (element), pspecs[i]->name, &value);
      if (g_param_value_defaults (pspecs[i], &value))
        continue;
      g_string_append_printf (out, " %s=", pspecs[i]->name);
      if (pspecs[i]->flags & THUMBING_PARAM_SECRET)
        g_string_append (out, "<hidden>");
      else
        {
          g_autoptr(GString) text = g_string_new (NULL);

          /* Launch strings expand ${…}; “$$” keeps a dollar sign. */
          append_value_text (text, &value);
          g_string_replace (text, "$", "$$", 0);
          g_string_append_len (out, text->str, text->len);
        }
    }
}

static void
describe_chain (GString       *out,
                ThumbingChain *chain)
{
  for (guint i = 0; i < chain->stages->len; i++)
    {
      g_string_append (out, " ! ");
      describe_element (out, chain->stages->pdata[i]);
    }
  if (chain->branches->len > 0)
    g_string_append (out, " !");
  for (guint i = 0; i < chain->branches->len; i++)
    {
      ThumbingChain *branch = chain->branches->pdata[i];

      g_string_append (out, " ( ");
      /* A branch's text starts with " ! ", which a branch does not have. */
      {
        g_autoptr(GString) inner = g_string_new (NULL);

        describe_chain (inner, branch);
        g_string_append (out, inner->len > 3 ? inner->str + 3 : inner->str);
      }
      g_string_append (out, " )");
    }
}

/**
 * thumbing_pipeline_describe:
 * @self: a #ThumbingPipeline
 *
 * Writes the pipeline as a launch string, with every property that differs
 * from its default; thumbing_pipeline_new_from_launch() builds the same
 * pipeline from it. Secrets (properties flagged %THUMBING_PARAM_SECRET) are
 * written as `<hidden>`; services are not part of a launch string.
 *
 * Returns: (transfer full): the launch string
 */
char *
thumbing_pipeline_describe (ThumbingPipeline *self)
{
  g_autoptr(GString) out = g_string_new (NULL);

  g_return_val_if_fail (THUMBING_IS_PIPELINE (self), NULL);

  if (self->source != NULL)
    describe_element (out, THUMBING_ELEMENT (self->source));
  describe_chain (out, self->root);
  return g_string_free (g_steal_pointer (&out), FALSE);
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

/* Prefixes a check error with where the stage is described: the keyfile
 * group (and key) or, for launch strings, the stage name. */
static void
locate_error (ThumbingPipeline *self,
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

static char *
join_media (const char * const *media)
{
  return media != NULL ? g_strjoinv (";", (char **) media) : g_strdup ("*/*");
}

static gboolean
media_compatible (const char * const *produced,
                  const char * const *accepted)
{
  for (guint i = 0; produced != NULL && produced[i] != NULL; i++)
    for (guint j = 0; accepted != NULL && accepted[j] != NULL; j++)
      if (_thumbing_media_match (produced[i], accepted[j]))
        return TRUE;
  return FALSE;
}

static gboolean
check_element (ThumbingPipeline *self,
               ThumbingElement  *element,
               GError          **error)
{
  const char *unset = thumbing_element_get_unset_required (element);

  /* Required properties first, so the message can name the key. */
  if (unset != NULL)
    {
      g_set_error (error, THUMBING_ERROR, THUMBING_ERROR_MISSING_PROPERTY,
                   _("required property of %s is not set"),
                   thumbing_element_get_factory_name (element));
      locate_error (self, error, element, unset);
      return FALSE;
    }

  if (!thumbing_element_check (element, error))
    {
      locate_error (self, error, element, NULL);
      return FALSE;
    }
  return TRUE;
}

static gboolean
check_feedback (ThumbingPipeline *self,
                ThumbingElement  *element,
                GError          **error)
{
  g_autofree char *location = NULL;
  g_autofree char *source_location = NULL;

  if (self->allow_feedback || !THUMBING_IS_SINK (element))
    return TRUE;
  location = thumbing_element_get_location (element);
  if (location == NULL || !thumbing_source_reads_from (self->source, location))
    return TRUE;

  source_location = thumbing_element_get_location (THUMBING_ELEMENT (self->source));
  g_set_error (error, THUMBING_ERROR, THUMBING_ERROR_CONFIG,
               _("%s writes to %s, where source “%s” reads (%s): every output would come back "
                 "as an input; write elsewhere, or set allow-feedback=true in [pipeline] if that is intended"),
               thumbing_element_get_factory_name (element), location,
               thumbing_element_get_name (THUMBING_ELEMENT (self->source)),
               source_location != NULL ? source_location : "?");
  locate_error (self, error, element, NULL);
  return FALSE;
}

static gboolean
check_chain (ThumbingPipeline    *self,
             ThumbingChain       *chain,
             ThumbingElement     *upstream,
             const char * const  *produced,
             GError             **error)
{
  for (guint i = 0; i < chain->stages->len; i++)
    {
      ThumbingElement *element = chain->stages->pdata[i];
      const ThumbingElementInfo *info = _thumbing_element_info_for_type (G_OBJECT_TYPE (element));

      if (!media_compatible (produced, (const char * const *) info->accepts))
        {
          g_autofree char *out = join_media (produced);
          g_autofree char *in = join_media ((const char * const *) info->accepts);

          g_set_error (error, THUMBING_ERROR, THUMBING_ERROR_INCOMPATIBLE,
                       _("%s cannot follow %s (stage “%s”): %s produces %s, but %s accepts %s"),
                       info->name, thumbing_element_get_factory_name (upstream),
                       thumbing_element_get_name (upstream),
                       thumbing_element_get_factory_name (upstream), out, info->name, in);
          locate_error (self, error, element, "element");
          return FALSE;
        }
      if (!check_element (self, element, error))
        return FALSE;
      if (!check_feedback (self, element, error))
        return FALSE;
      if (info->produces != NULL)
        produced = (const char * const *) info->produces;
      upstream = element;
    }

  for (guint i = 0; i < chain->branches->len; i++)
    {
      ThumbingChain *branch = chain->branches->pdata[i];

      if (branch->stages->len == 0 && branch->branches->len == 0)
        {
          g_set_error (error, THUMBING_ERROR, THUMBING_ERROR_CONFIG,
                       _("branch %u after stage “%s” has no stages"), i + 1,
                       thumbing_element_get_name (upstream));
          locate_error (self, error, NULL, NULL);
          return FALSE;
        }
      if (!check_chain (self, branch, upstream, produced, error))
        return FALSE;
    }
  return TRUE;
}

/**
 * thumbing_pipeline_check:
 * @self: a #ThumbingPipeline
 * @error: return location for a #GError
 *
 * Validates the pipeline without running anything: it has a source and at
 * least one stage after it, each stage accepts what its upstream produces,
 * every required property is set, and each element's own check passes.
 *
 * Returns: %TRUE if the pipeline can run; otherwise %FALSE with @error
 *   naming the stage (the keyfile, group and key when built from a keyfile)
 */
gboolean
thumbing_pipeline_check (ThumbingPipeline *self,
                         GError          **error)
{
  const ThumbingElementInfo *info;

  g_return_val_if_fail (THUMBING_IS_PIPELINE (self), FALSE);

  if (self->source == NULL)
    {
      g_set_error (error, THUMBING_ERROR, THUMBING_ERROR_CONFIG,
                   _("the pipeline has no source"));
      locate_error (self, error, NULL, self->filename != NULL ? "stages" : NULL);
      return FALSE;
    }
  if (self->root->stages->len == 0 && self->root->branches->len == 0)
    {
      g_set_error (error, THUMBING_ERROR, THUMBING_ERROR_CONFIG,
                   _("the pipeline has no stage after its source"));
      locate_error (self, error, NULL, self->filename != NULL ? "stages" : NULL);
      return FALSE;
    }
  if (!check_element (self, THUMBING_ELEMENT (self->source), error))
    return FALSE;
  for (guint i = 0; i < self->services->len; i++)
    if (!check_element (self, self->services->pdata[i], error))
      return FALSE;

  info = _thumbing_element_info_for_type (G_OBJECT_TYPE (self->source));
  return check_chain (self, self->root, THUMBING_ELEMENT (self->source),
                      (const char * const *) info->produces, error);
}

/* Running */

typedef struct
{
  ThumbingPipeline *pipeline;
  ThumbingChain    *chain;
  guint             index;
  ThumbingItem     *item;
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
  for (guint i = 0; i < self->order->len; i++)
    {
      thumbing_element_stop (self->order->pdata[i]);
      _thumbing_element_set_runtime (self->order->pdata[i], NULL, self->context);
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
  cancel_grace (self);
  g_signal_handlers_disconnect_by_data (self->source, self);
  stop_started_elements (self);
  /* Nothing is queued: every item settled. */
  g_thread_pool_free (g_steal_pointer (&self->pool), FALSE, TRUE);

  g_signal_emit (self, signals[SIGNAL_FINISHED], 0);
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
  g_signal_emit (self, signals[SIGNAL_ITEM_DONE], 0, tracked->item, error);

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
  if (!thumbing_pipeline_check (self, error))
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
    _thumbing_element_set_runtime (self->order->pdata[i], self->pool, self->context);

  if (self->once)
    thumbing_source_set_once (self->source, TRUE);

  /* Downstream first, so nothing reaches a stage that is not ready. */
  for (guint i = self->order->len; i > 0; i--)
    {
      ThumbingElement *element = self->order->pdata[i - 1];

      if (!thumbing_element_start (element, error))
        {
          locate_error (self, error, element, NULL);
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
  g_signal_emit (self, signals[SIGNAL_WARNING], 0, message);
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
