/* thumbing-element.c
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "config.h"

#include <string.h>
#include <sys/stat.h>

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>

#include "thumbing-element-private.h"
#include "thumbing-handoff-private.h"
#include "thumbing-error.h"
#include "thumbing-util-private.h"
#include "thumbing-value-private.h"

/**
 * ThumbingElement:
 *
 * The abstract base of every pipeline stage.
 *
 * An element class declares, in its `class_init`, its factory name and
 * description with thumbing_element_class_set_metadata(), the media it
 * accepts and produces with thumbing_element_class_set_media(), the cloud
 * permissions it needs with thumbing_element_class_set_permissions(), and its
 * settings as #GParamSpec properties. From that one declaration come
 * `thumbing inspect`, keyfile and launch-string parsing, validation, and the
 * introspection data.
 *
 * Properties are set first; thumbing_element_check() then validates them
 * together; thumbing_element_start() acquires resources. Items are handled
 * with thumbing_element_process_async(), on the pipeline's main context.
 */

typedef struct
{
  char         *name;
  gboolean      started;
  GThreadPool  *pool;
  GMainContext *context;
  ThumbingMetrics *metrics;
} ThumbingElementPrivate;

G_DEFINE_ABSTRACT_TYPE_WITH_PRIVATE (ThumbingElement, thumbing_element, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_NAME,
  N_PROPS
};

enum {
  SIGNAL_WARNING,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

static GQuark
thumbing_element_info_quark (void)
{
  return g_quark_from_static_string ("thumbing-element-info");
}

static ThumbingElementInfo *
thumbing_element_class_ensure_info (ThumbingElementClass *klass)
{
  GType type = G_TYPE_FROM_CLASS (klass);
  ThumbingElementInfo *info = g_type_get_qdata (type, thumbing_element_info_quark ());

  if (info == NULL)
    {
      /* Class data lives as long as the type: plugins are resident. */
      info = g_new0 (ThumbingElementInfo, 1);
      g_type_set_qdata (type, thumbing_element_info_quark (), info);
    }
  return info;
}

const ThumbingElementInfo *
_thumbing_element_info_for_type (GType type)
{
  return g_type_get_qdata (type, thumbing_element_info_quark ());
}

/**
 * thumbing_element_class_set_metadata:
 * @klass: an element class
 * @name: the factory name, in kebab-case, as `png-encode`
 * @description: one sentence, for `thumbing inspect`
 *
 * Names the element class. Call it from `class_init`.
 */
void
thumbing_element_class_set_metadata (ThumbingElementClass *klass,
                                     const char           *name,
                                     const char           *description)
{
  ThumbingElementInfo *info;

  g_return_if_fail (THUMBING_IS_ELEMENT_CLASS (klass));
  g_return_if_fail (name != NULL);

  info = thumbing_element_class_ensure_info (klass);
  g_free (info->name);
  g_free (info->description);
  info->name = g_strdup (name);
  info->description = g_strdup (description);
}

static GStrv
split_media_list (const char *list)
{
  g_auto(GStrv) parts = NULL;
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();

  if (list == NULL)
    return NULL;
  parts = g_strsplit (list, ";", -1);
  for (char **p = parts; *p != NULL; p++)
    {
      g_strstrip (*p);
      if (**p != '\0')
        g_strv_builder_add (builder, *p);
    }
  return g_strv_builder_end (builder);
}

static void
replace_list (GStrv      *slot,
              const char *list)
{
  g_strfreev (*slot);
  *slot = split_media_list (list);
}

/**
 * thumbing_element_class_set_media:
 * @klass: an element class
 * @accepts: (nullable): media patterns the element accepts, separated by `;`
 *   (as `image/png;image/jpeg`, or with wildcards, as `image/&ast;`); %NULL for a source
 * @produces: (nullable): media patterns it produces; %NULL when it passes its
 *   input's media on unchanged
 *
 * Declares what the element exchanges with its neighbours, so a pipeline can
 * refuse an impossible chain before it runs. A pattern is `type/subtype`,
 * either part possibly `*`; wildcards never match
 * %THUMBING_MEDIA_DECODED_IMAGE, which must be named.
 */
void
thumbing_element_class_set_media (ThumbingElementClass *klass,
                                  const char           *accepts,
                                  const char           *produces)
{
  ThumbingElementInfo *info;

  g_return_if_fail (THUMBING_IS_ELEMENT_CLASS (klass));

  info = thumbing_element_class_ensure_info (klass);
  replace_list (&info->accepts, accepts);
  replace_list (&info->produces, produces);
}

/**
 * thumbing_element_class_set_permissions:
 * @klass: an element class
 * @permissions: cloud permissions the element needs, separated by `;`
 *   (as `s3:GetObject`), so deployment policies can be derived
 *
 * Declares the cloud permissions the element needs, so deployment
 * policies can be derived from a pipeline.
 */
void
thumbing_element_class_set_permissions (ThumbingElementClass *klass,
                                        const char           *permissions)
{
  ThumbingElementInfo *info;

  g_return_if_fail (THUMBING_IS_ELEMENT_CLASS (klass));

  info = thumbing_element_class_ensure_info (klass);
  replace_list (&info->permissions, permissions);
}

/**
 * thumbing_element_class_set_metadata_keys:
 * @klass: an element class, in its `class_init`
 * @reads: (nullable): the item metadata keys the element needs an earlier
 *   stage to have set, separated by `;`
 * @leaves: (nullable): the keys it sets for later stages, separated by `;`
 *
 * Declares the metadata an element passes along, as media types declare
 * its payload: thumbing_pipeline_check() refuses a stage that reads a key
 * no earlier stage leaves, and `thumbing inspect` lists both. A subclass
 * adds to what its parent classes declared.
 */
void
thumbing_element_class_set_metadata_keys (ThumbingElementClass *klass,
                                          const char           *reads,
                                          const char           *leaves)
{
  ThumbingElementInfo *info;

  g_return_if_fail (THUMBING_IS_ELEMENT_CLASS (klass));

  info = thumbing_element_class_ensure_info (klass);
  replace_list (&info->reads, reads);
  replace_list (&info->leaves, leaves);
}

/* The keys @type and its parent classes read (or leave). */
GStrv
_thumbing_element_collect_keys (GType    type,
                                gboolean reads)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();

  for (; type != 0 && g_type_is_a (type, THUMBING_TYPE_ELEMENT); type = g_type_parent (type))
    {
      const ThumbingElementInfo *info = _thumbing_element_info_for_type (type);
      GStrv keys = info != NULL ? (reads ? info->reads : info->leaves) : NULL;

      for (char **k = keys; k != NULL && *k != NULL; k++)
        g_strv_builder_add (builder, *k);
    }
  return g_strv_builder_end (builder);
}

/* Field properties: the member's offset from the instance, on the pspec;
 * negative for instance-private data, never 0 (the GObject header). */
static GQuark
field_offset_quark (void)
{
  return g_quark_from_static_string ("thumbing-field-offset");
}

/* Ids of field properties start here, clear of an element's own enum. */
#define FIRST_FIELD_ID 0x10000

/**
 * thumbing_element_class_install_field:
 * @klass: an element class, in its `class_init`
 * @pspec: (transfer full): the property; its value type is a string, a
 *   string list (%G_TYPE_STRV), a boolean, an enumeration or flags, or an
 *   int, uint, int64, uint64 or double
 * @offset: where the value lives: G_STRUCT_OFFSET() in the instance
 *   structure, or G_PRIVATE_OFFSET() in its private data
 *
 * Installs @pspec and keeps its value at @offset: the element reads the
 * member directly, and gets, sets and frees are done here, so a property is
 * declared once (use THUMBING_ELEMENT_FIELD()). An element whose own
 * `get_property`/`set_property` handle properties with side effects sets
 * those first and passes what it does not handle on to
 * thumbing_element_get_field_property() and
 * thumbing_element_set_field_property().
 */
void
thumbing_element_class_install_field (ThumbingElementClass *klass,
                                      GParamSpec           *pspec,
                                      goffset               offset)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  ThumbingElementInfo *info;

  g_return_if_fail (THUMBING_IS_ELEMENT_CLASS (klass));
  g_return_if_fail (G_IS_PARAM_SPEC (pspec));
  g_return_if_fail (offset != 0);

  info = thumbing_element_class_ensure_info (klass);
  g_param_spec_set_qdata (pspec, field_offset_quark (), (gpointer) (gintptr) offset);
  /* GObject calls the accessors of the class that owns a property, and
   * each class starts without them. */
  if (object_class->get_property == NULL)
    object_class->get_property = thumbing_element_get_field_property;
  if (object_class->set_property == NULL)
    object_class->set_property = thumbing_element_set_field_property;
  g_object_class_install_property (object_class, FIRST_FIELD_ID + info->n_fields++, pspec);
}

static gpointer
field_of (GObject    *object,
          GParamSpec *pspec)
{
  goffset offset = (gintptr) g_param_spec_get_qdata (pspec, field_offset_quark ());

  return offset != 0 ? G_STRUCT_MEMBER_P (object, offset) : NULL;
}

/**
 * thumbing_element_get_field_property:
 * @object: an element
 * @prop_id: the property id
 * @value: where to put the value
 * @pspec: the property
 *
 * The `get_property` of properties installed with
 * thumbing_element_class_install_field().
 */
void
thumbing_element_get_field_property (GObject    *object,
                                     guint       prop_id,
                                     GValue     *value,
                                     GParamSpec *pspec)
{
  gpointer field = field_of (object, pspec);
  GType type = G_PARAM_SPEC_VALUE_TYPE (pspec);

  if (field == NULL)
    {
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
      return;
    }
  if (type == G_TYPE_STRV)
    {
      g_value_set_boxed (value, *(char ***) field);
      return;
    }
  switch (G_TYPE_FUNDAMENTAL (type))
    {
    case G_TYPE_STRING: g_value_set_string (value, *(char **) field); break;
    case G_TYPE_BOOLEAN: g_value_set_boolean (value, *(gboolean *) field); break;
    case G_TYPE_INT: g_value_set_int (value, *(int *) field); break;
    case G_TYPE_UINT: g_value_set_uint (value, *(guint *) field); break;
    case G_TYPE_INT64: g_value_set_int64 (value, *(gint64 *) field); break;
    case G_TYPE_UINT64: g_value_set_uint64 (value, *(guint64 *) field); break;
    case G_TYPE_DOUBLE: g_value_set_double (value, *(double *) field); break;
    case G_TYPE_ENUM: g_value_set_enum (value, *(int *) field); break;
    case G_TYPE_FLAGS: g_value_set_flags (value, *(guint *) field); break;
    default: g_critical ("%s: property %s has a type fields cannot hold", G_OBJECT_TYPE_NAME (object), pspec->name);
    }
}

/**
 * thumbing_element_set_field_property:
 * @object: an element
 * @prop_id: the property id
 * @value: the new value
 * @pspec: the property
 *
 * The `set_property` of properties installed with
 * thumbing_element_class_install_field().
 */
void
thumbing_element_set_field_property (GObject      *object,
                                     guint         prop_id,
                                     const GValue *value,
                                     GParamSpec   *pspec)
{
  gpointer field = field_of (object, pspec);
  GType type = G_PARAM_SPEC_VALUE_TYPE (pspec);

  if (field == NULL)
    {
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
      return;
    }
  if (type == G_TYPE_STRV)
    {
      g_strfreev (*(char ***) field);
      *(char ***) field = g_value_dup_boxed (value);
      return;
    }
  switch (G_TYPE_FUNDAMENTAL (type))
    {
    case G_TYPE_STRING:
      g_free (*(char **) field);
      *(char **) field = g_value_dup_string (value);
      break;
    case G_TYPE_BOOLEAN: *(gboolean *) field = g_value_get_boolean (value); break;
    case G_TYPE_INT: *(int *) field = g_value_get_int (value); break;
    case G_TYPE_UINT: *(guint *) field = g_value_get_uint (value); break;
    case G_TYPE_INT64: *(gint64 *) field = g_value_get_int64 (value); break;
    case G_TYPE_UINT64: *(guint64 *) field = g_value_get_uint64 (value); break;
    case G_TYPE_DOUBLE: *(double *) field = g_value_get_double (value); break;
    case G_TYPE_ENUM: *(int *) field = g_value_get_enum (value); break;
    case G_TYPE_FLAGS: *(guint *) field = g_value_get_flags (value); break;
    default: g_critical ("%s: property %s has a type fields cannot hold", G_OBJECT_TYPE_NAME (object), pspec->name);
    }
}

/* Strings and lists held in fields go with the element. */
static void
free_fields (GObject *object)
{
  g_autofree GParamSpec **pspecs = NULL;
  guint n_pspecs = 0;

  pspecs = g_object_class_list_properties (G_OBJECT_GET_CLASS (object), &n_pspecs);
  for (guint i = 0; i < n_pspecs; i++)
    {
      gpointer field = field_of (object, pspecs[i]);

      if (field == NULL)
        continue;
      if (G_PARAM_SPEC_VALUE_TYPE (pspecs[i]) == G_TYPE_STRV)
        g_clear_pointer ((char ***) field, g_strfreev);
      else if (G_PARAM_SPEC_VALUE_TYPE (pspecs[i]) == G_TYPE_STRING)
        g_clear_pointer ((char **) field, g_free);
    }
}

static void
thumbing_element_finalize (GObject *object)
{
  ThumbingElement *self = THUMBING_ELEMENT (object);
  ThumbingElementPrivate *priv = thumbing_element_get_instance_private (self);

  free_fields (object);
  g_free (priv->name);
  g_clear_pointer (&priv->context, g_main_context_unref);
  g_clear_object (&priv->metrics);
  G_OBJECT_CLASS (thumbing_element_parent_class)->finalize (object);
}

static void
thumbing_element_get_property (GObject    *object,
                               guint       prop_id,
                               GValue     *value,
                               GParamSpec *pspec)
{
  ThumbingElement *self = THUMBING_ELEMENT (object);

  switch (prop_id)
    {
    case PROP_NAME:
      g_value_set_string (value, thumbing_element_get_name (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
thumbing_element_set_property (GObject      *object,
                               guint         prop_id,
                               const GValue *value,
                               GParamSpec   *pspec)
{
  ThumbingElement *self = THUMBING_ELEMENT (object);
  ThumbingElementPrivate *priv = thumbing_element_get_instance_private (self);

  switch (prop_id)
    {
    case PROP_NAME:
      g_free (priv->name);
      priv->name = g_value_dup_string (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
process_in_worker (GTask        *task,
                   gpointer      source_object,
                   gpointer      task_data,
                   GCancellable *cancellable)
{
  ThumbingElement *self = source_object;
  ThumbingItem *item = task_data;
  GError *error = NULL;
  ThumbingItem *result;

  THUMBING_HANDOFF_ACQUIRE (task);
  result = THUMBING_ELEMENT_GET_CLASS (self)->process (self, item, cancellable, &error);
  /* The callback on the main context may run before g_task_return_*()
   * returns here. */
  THUMBING_HANDOFF_RELEASE (task);
  if (result == NULL && error != NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, result, (GDestroyNotify) thumbing_item_unref);
}

static void
thumbing_element_real_process_async (ThumbingElement     *self,
                                     ThumbingItem        *item,
                                     GCancellable        *cancellable,
                                     GAsyncReadyCallback  callback,
                                     gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);

  g_task_set_source_tag (task, thumbing_element_real_process_async);
  g_task_set_task_data (task, thumbing_item_ref (item), (GDestroyNotify) thumbing_item_unref);

  if (THUMBING_ELEMENT_GET_CLASS (self)->process == NULL)
    {
      g_task_return_new_error (task, THUMBING_ERROR, THUMBING_ERROR_STATE,
                               _("element %s cannot process items"),
                               thumbing_element_get_factory_name (self));
      return;
    }
  thumbing_element_run_in_worker (self, task, process_in_worker);
}

static ThumbingItem *
thumbing_element_real_process_finish (ThumbingElement *self,
                                      GAsyncResult    *result,
                                      GError         **error)
{
  THUMBING_HANDOFF_ACQUIRE (result);
  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
thumbing_element_class_init (ThumbingElementClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = thumbing_element_finalize;
  object_class->get_property = thumbing_element_get_property;
  object_class->set_property = thumbing_element_set_property;

  klass->process_async = thumbing_element_real_process_async;
  klass->process_finish = thumbing_element_real_process_finish;

  /**
   * ThumbingElement:name:
   *
   * The stage name: the keyfile group that describes the element, or a name
   * given in a launch string. Messages about the element use it.
   */
  properties[PROP_NAME] =
    g_param_spec_string ("name", NULL, _("Stage name used in messages"),
                         NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * ThumbingElement::warning:
   * @self: the element
   * @message: what went wrong, prefixed with the stage name
   *
   * Reports a problem that did not fail an item, on the pipeline's main context.
   */
  signals[SIGNAL_WARNING] =
    g_signal_new ("warning", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
}

static void
thumbing_element_init (ThumbingElement *self)
{
}

/**
 * thumbing_element_get_name:
 * @self: a #ThumbingElement
 *
 * Gets the stage name, or the factory name when none was set.
 *
 * Returns: (transfer none): the stage name, or the factory name when none was set
 */
const char *
thumbing_element_get_name (ThumbingElement *self)
{
  ThumbingElementPrivate *priv;

  g_return_val_if_fail (THUMBING_IS_ELEMENT (self), NULL);
  priv = thumbing_element_get_instance_private (self);
  return priv->name != NULL ? priv->name : thumbing_element_get_factory_name (self);
}

/**
 * thumbing_element_get_factory_name:
 * @self: a #ThumbingElement
 *
 * Gets the factory name of the element's class, as `resize`.
 *
 * Returns: (transfer none): the factory name of the element's class, as `resize`
 */
const char *
thumbing_element_get_factory_name (ThumbingElement *self)
{
  const ThumbingElementInfo *info;

  g_return_val_if_fail (THUMBING_IS_ELEMENT (self), NULL);
  info = _thumbing_element_info_for_type (G_OBJECT_TYPE (self));
  return info != NULL && info->name != NULL ? info->name : G_OBJECT_TYPE_NAME (self);
}

static GStrv
writable_property_names (ThumbingElement *self)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_autofree GParamSpec **pspecs = NULL;
  guint n_pspecs = 0;

  pspecs = g_object_class_list_properties (G_OBJECT_GET_CLASS (self), &n_pspecs);
  for (guint i = 0; i < n_pspecs; i++)
    if (pspecs[i]->flags & G_PARAM_WRITABLE)
      g_strv_builder_add (builder, pspecs[i]->name);
  return g_strv_builder_end (builder);
}

/* Secrets need not be written where `ps` or a shared keyfile shows them:
 * NAME-file=PATH reads the secret NAME from a file, without its final line
 * break. */
#define MAX_SECRET_FILE 65536

static gboolean
set_secret_from_file (ThumbingElement *self,
                      GParamSpec      *pspec,
                      const char      *path,
                      GError         **error)
{
  g_autofree char *contents = NULL;
  gsize length = 0;
  GStatBuf info;

  if (g_stat (path, &info) != 0 || !S_ISREG (info.st_mode) || info.st_size > MAX_SECRET_FILE)
    {
      g_set_error (error, THUMBING_ERROR, THUMBING_ERROR_INVALID_VALUE,
                   _("%s-file: “%s” is not a readable file of at most %d bytes"), pspec->name, path, MAX_SECRET_FILE);
      return FALSE;
    }
  if (!g_file_get_contents (path, &contents, &length, error))
    {
      g_prefix_error (error, "%s-file: ", pspec->name);
      return FALSE;
    }
  while (length > 0 && (contents[length - 1] == '\n' || contents[length - 1] == '\r'))
    contents[--length] = '\0';
  if (length == 0 || strlen (contents) != length)
    {
      g_set_error (error, THUMBING_ERROR, THUMBING_ERROR_INVALID_VALUE,
                   _("%s-file: “%s” is empty or holds a NUL byte"), pspec->name, path);
      return FALSE;
    }
  g_object_set (self, pspec->name, contents, NULL);
  return TRUE;
}

/**
 * thumbing_element_set_property_from_string:
 * @self: a #ThumbingElement
 * @property: a property name
 * @value: its value as text, as written in a keyfile or launch string
 * @error: return location for a #GError
 *
 * Parses @value for the property's type (booleans, numbers with their range,
 * enumerations by nick, flags joined with `+` or `,`, lists separated by `;`)
 * and sets it. A property flagged %THUMBING_PARAM_SECRET can also be read from
 * a file, as `NAME-file` with the file's path for @value; a secret value
 * that still holds “${” is refused as an unexpanded placeholder.
 *
 * Returns: %TRUE on success; otherwise %FALSE with %THUMBING_ERROR_UNKNOWN_PROPERTY
 *   or %THUMBING_ERROR_INVALID_VALUE set
 */
gboolean
thumbing_element_set_property_from_string (ThumbingElement *self,
                                           const char      *property,
                                           const char      *value,
                                           GError         **error)
{
  GParamSpec *pspec;
  g_auto(GValue) parsed = G_VALUE_INIT;

  g_return_val_if_fail (THUMBING_IS_ELEMENT (self), FALSE);
  g_return_val_if_fail (property != NULL, FALSE);
  g_return_val_if_fail (value != NULL, FALSE);

  pspec = g_object_class_find_property (G_OBJECT_GET_CLASS (self), property);
  if (pspec == NULL && g_str_has_suffix (property, "-file"))
    {
      g_autofree char *secret = g_strndup (property, strlen (property) - strlen ("-file"));

      pspec = g_object_class_find_property (G_OBJECT_GET_CLASS (self), secret);
      if (pspec != NULL && (pspec->flags & THUMBING_PARAM_SECRET))
        return set_secret_from_file (self, pspec, value, error);
      pspec = NULL;
    }
  if (pspec == NULL || !(pspec->flags & G_PARAM_WRITABLE))
    {
      g_auto(GStrv) names = writable_property_names (self);
      const char *suggestion = _thumbing_suggest (property, (const char * const *) names);

      if (suggestion != NULL)
        g_set_error (error, THUMBING_ERROR, THUMBING_ERROR_UNKNOWN_PROPERTY,
                     _("%s has no property “%s” (did you mean “%s”?)"),
                     thumbing_element_get_factory_name (self), property, suggestion);
      else
        g_set_error (error, THUMBING_ERROR, THUMBING_ERROR_UNKNOWN_PROPERTY,
                     _("%s has no property “%s”"),
                     thumbing_element_get_factory_name (self), property);
      return FALSE;
    }

  if ((pspec->flags & THUMBING_PARAM_SECRET) && strstr (value, "${") != NULL)
    {
      g_set_error (error, THUMBING_ERROR, THUMBING_ERROR_INVALID_VALUE,
                   _("%s is a secret and holds “${”, an unexpanded placeholder: set the variable, or use %s-file=PATH"),
                   pspec->name, pspec->name);
      return FALSE;
    }
  if (!_thumbing_value_parse (pspec, value, &parsed, error))
    return FALSE;

  g_object_set_property (G_OBJECT (self), pspec->name, &parsed);
  return TRUE;
}

/**
 * thumbing_element_get_unset_required:
 * @self: a #ThumbingElement
 *
 * Finds a property marked %THUMBING_PARAM_REQUIRED that still has its
 * default value (or an empty string).
 *
 * Returns: (transfer none) (nullable): the first such property's name, or
 *   %NULL when every required property is set
 */
const char *
thumbing_element_get_unset_required (ThumbingElement *self)
{
  g_autofree GParamSpec **pspecs = NULL;
  guint n_pspecs = 0;

  g_return_val_if_fail (THUMBING_IS_ELEMENT (self), NULL);

  pspecs = g_object_class_list_properties (G_OBJECT_GET_CLASS (self), &n_pspecs);
  for (guint i = 0; i < n_pspecs; i++)
    {
      g_auto(GValue) value = G_VALUE_INIT;

      if (!(pspecs[i]->flags & THUMBING_PARAM_REQUIRED))
        continue;
      g_value_init (&value, pspecs[i]->value_type);
      g_object_get_property (G_OBJECT (self), pspecs[i]->name, &value);
      if (g_param_value_defaults (pspecs[i], &value)
          || (G_VALUE_HOLDS_STRING (&value) && g_value_get_string (&value)[0] == '\0'))
        return pspecs[i]->name;
    }
  return NULL;
}

/**
 * thumbing_element_check:
 * @self: a #ThumbingElement
 * @error: return location for a #GError
 *
 * Validates the element's settings without acquiring anything: every
 * required property is set, then the class's own check.
 *
 * Returns: %TRUE if the element can run as configured
 */
gboolean
thumbing_element_check (ThumbingElement *self,
                        GError         **error)
{
  ThumbingElementClass *klass;
  const char *unset;

  g_return_val_if_fail (THUMBING_IS_ELEMENT (self), FALSE);

  unset = thumbing_element_get_unset_required (self);
  if (unset != NULL)
    {
      g_set_error (error, THUMBING_ERROR, THUMBING_ERROR_MISSING_PROPERTY,
                   _("%s: required property “%s” is not set"),
                   thumbing_element_get_factory_name (self), unset);
      return FALSE;
    }
  klass = THUMBING_ELEMENT_GET_CLASS (self);
  return klass->check == NULL || klass->check (self, error);
}

/**
 * thumbing_element_start:
 * @self: a #ThumbingElement
 * @error: return location for a #GError
 *
 * Acquires what the element needs to run. Starting a started element does nothing.
 *
 * Returns: %TRUE on success
 */
gboolean
thumbing_element_start (ThumbingElement *self,
                        GError         **error)
{
  ThumbingElementPrivate *priv;
  ThumbingElementClass *klass;

  g_return_val_if_fail (THUMBING_IS_ELEMENT (self), FALSE);
  priv = thumbing_element_get_instance_private (self);
  if (priv->started)
    return TRUE;

  klass = THUMBING_ELEMENT_GET_CLASS (self);
  if (klass->start != NULL && !klass->start (self, error))
    return FALSE;
  priv->started = TRUE;
  return TRUE;
}

/**
 * thumbing_element_stop:
 * @self: a #ThumbingElement
 *
 * Releases what thumbing_element_start() acquired. Stopping a stopped
 * element does nothing.
 */
void
thumbing_element_stop (ThumbingElement *self)
{
  ThumbingElementPrivate *priv;
  ThumbingElementClass *klass;

  g_return_if_fail (THUMBING_IS_ELEMENT (self));
  priv = thumbing_element_get_instance_private (self);
  if (!priv->started)
    return;
  priv->started = FALSE;
  klass = THUMBING_ELEMENT_GET_CLASS (self);
  if (klass->stop != NULL)
    klass->stop (self);
}

/**
 * thumbing_element_is_started:
 * @self: a #ThumbingElement
 *
 * Tells whether the element is started.
 *
 * Returns: whether the element is started
 */
gboolean
thumbing_element_is_started (ThumbingElement *self)
{
  ThumbingElementPrivate *priv;

  g_return_val_if_fail (THUMBING_IS_ELEMENT (self), FALSE);
  priv = thumbing_element_get_instance_private (self);
  return priv->started;
}

/**
 * thumbing_element_process_async:
 * @self: a #ThumbingElement
 * @item: the item to handle
 * @cancellable: (nullable): a #GCancellable
 * @callback: (scope async): called on the current thread-default main context when done
 * @user_data: (closure): data for @callback
 *
 * Handles one item.
 */
void
thumbing_element_process_async (ThumbingElement     *self,
                                ThumbingItem        *item,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  g_return_if_fail (THUMBING_IS_ELEMENT (self));
  g_return_if_fail (item != NULL);

  THUMBING_ELEMENT_GET_CLASS (self)->process_async (self, item, cancellable, callback, user_data);
}

/**
 * thumbing_element_process_finish:
 * @self: a #ThumbingElement
 * @result: the #GAsyncResult given to the callback
 * @error: return location for a #GError
 *
 * Gets the item to pass on; %NULL with @error set on failure, or %NULL without an error when the element dropped the item.
 *
 * Returns: (transfer full) (nullable): the item to pass on; %NULL with @error
 *   set on failure, or %NULL without an error when the element dropped the item
 */
ThumbingItem *
thumbing_element_process_finish (ThumbingElement *self,
                                 GAsyncResult    *result,
                                 GError         **error)
{
  g_return_val_if_fail (THUMBING_IS_ELEMENT (self), NULL);

  return THUMBING_ELEMENT_GET_CLASS (self)->process_finish (self, result, error);
}

/**
 * thumbing_element_get_location:
 * @self: a #ThumbingElement
 *
 * Gets where the element reads (a source) or writes (a sink), as a URI ending in `/` for a folder or prefix, or %NULL when it has no such place.
 *
 * Returns: (transfer full) (nullable): where the element reads (a source) or
 *   writes (a sink), as a URI ending in `/` for a folder or prefix, or %NULL
 *   when it has no such place
 */
char *
thumbing_element_get_location (ThumbingElement *self)
{
  ThumbingElementClass *klass;

  g_return_val_if_fail (THUMBING_IS_ELEMENT (self), NULL);
  klass = THUMBING_ELEMENT_GET_CLASS (self);
  return klass->get_location != NULL ? klass->get_location (self) : NULL;
}

typedef struct
{
  GTask           *task;
  GTaskThreadFunc  func;
} WorkerJob;

/* The function of every pipeline's worker pool. */
void
_thumbing_element_run_worker_job (gpointer data,
                                  gpointer user_data)
{
  WorkerJob *job = data;

  THUMBING_HANDOFF_ACQUIRE (job);
  job->func (job->task, g_task_get_source_object (job->task),
             g_task_get_task_data (job->task), g_task_get_cancellable (job->task));
  g_object_unref (job->task);
  g_free (job);
}

/**
 * _thumbing_element_set_runtime:
 * @self: a #ThumbingElement
 * @pool: (nullable): the pipeline's worker pool, whose function is
 *   _thumbing_element_run_worker_job()
 * @context: (nullable): the pipeline's main context
 * @metrics: (nullable): the pipeline's metrics
 *
 * Called by the pipeline that owns the element.
 */
void
_thumbing_element_set_runtime (ThumbingElement *self,
                               GThreadPool     *pool,
                               GMainContext    *context,
                               ThumbingMetrics *metrics)
{
  ThumbingElementPrivate *priv = thumbing_element_get_instance_private (self);

  priv->pool = pool;
  g_set_object (&priv->metrics, metrics);
  g_clear_pointer (&priv->context, g_main_context_unref);
  priv->context = context != NULL ? g_main_context_ref (context) : NULL;
}

/**
 * thumbing_element_get_metrics:
 * @self: a #ThumbingElement
 *
 * Gets the metrics of the pipeline the element runs in, where it may count
 * what only it sees (retries, bytes) and services may read them all.
 *
 * Returns: (transfer none) (nullable): the running pipeline's metrics, or
 *   %NULL outside a running pipeline
 */
ThumbingMetrics *
thumbing_element_get_metrics (ThumbingElement *self)
{
  ThumbingElementPrivate *priv;

  g_return_val_if_fail (THUMBING_IS_ELEMENT (self), NULL);
  priv = thumbing_element_get_instance_private (self);
  return priv->metrics;
}

/**
 * thumbing_element_count_retry:
 * @self: a #ThumbingElement
 *
 * Counts one retry the element made (an AWS request, a webhook delivery) in
 * `thumbing_retries_total{stage}` of its pipeline's metrics; nothing outside
 * a running pipeline. Safe from any thread.
 */
void
thumbing_element_count_retry (ThumbingElement *self)
{
  ThumbingMetrics *metrics;
  g_autofree char *labels = NULL;

  g_return_if_fail (THUMBING_IS_ELEMENT (self));
  metrics = thumbing_element_get_metrics (self);
  if (metrics == NULL)
    return;
  thumbing_metrics_declare (metrics, "thumbing_retries_total", THUMBING_METRIC_COUNTER,
                            "Requests an element made again after a failure: AWS calls, webhook deliveries");
  labels = thumbing_metrics_labels ("stage", thumbing_element_get_name (self), NULL);
  thumbing_metrics_add (metrics, "thumbing_retries_total", labels, 1);
}

/**
 * thumbing_element_get_context:
 * @self: a #ThumbingElement
 *
 * Gets the main context the element's callbacks and timers belong on: its
 * pipeline's, or outside a pipeline the caller's thread-default one. A
 * program may run a pipeline on a context of its own, so elements never
 * use GLib's global default context directly.
 *
 * Returns: (transfer none): the main context
 */
GMainContext *
thumbing_element_get_context (ThumbingElement *self)
{
  ThumbingElementPrivate *priv;
  GMainContext *context;

  g_return_val_if_fail (THUMBING_IS_ELEMENT (self), NULL);
  priv = thumbing_element_get_instance_private (self);
  if (priv->context != NULL)
    return priv->context;
  context = g_main_context_get_thread_default ();
  return context != NULL ? context : g_main_context_default ();
}

static guint
attach (ThumbingElement *self,
        GSource         *source,
        GSourceFunc      func,
        gpointer         data)
{
  guint id;

  g_source_set_callback (source, func, data, NULL);
  id = g_source_attach (source, thumbing_element_get_context (self));
  g_source_unref (source);
  return id;
}

/**
 * thumbing_element_timeout_add:
 * @self: a #ThumbingElement
 * @interval_ms: milliseconds until the first call, and between calls
 * @func: (scope notified): called until it returns %G_SOURCE_REMOVE
 * @data: (closure func): passed to @func
 *
 * g_timeout_add() on the element's context (thumbing_element_get_context()).
 *
 * Returns: the source's id, for thumbing_element_source_remove()
 */
guint
thumbing_element_timeout_add (ThumbingElement *self,
                              guint            interval_ms,
                              GSourceFunc      func,
                              gpointer         data)
{
  g_return_val_if_fail (THUMBING_IS_ELEMENT (self), 0);
  return attach (self, g_timeout_source_new (interval_ms), func, data);
}

/**
 * thumbing_element_timeout_add_seconds:
 * @self: a #ThumbingElement
 * @interval: seconds until the first call, and between calls
 * @func: (scope notified): called until it returns %G_SOURCE_REMOVE
 * @data: (closure func): passed to @func
 *
 * g_timeout_add_seconds() on the element's context.
 *
 * Returns: the source's id, for thumbing_element_source_remove()
 */
guint
thumbing_element_timeout_add_seconds (ThumbingElement *self,
                                      guint            interval,
                                      GSourceFunc      func,
                                      gpointer         data)
{
  g_return_val_if_fail (THUMBING_IS_ELEMENT (self), 0);
  return attach (self, g_timeout_source_new_seconds (interval), func, data);
}

/**
 * thumbing_element_idle_add:
 * @self: a #ThumbingElement
 * @func: (scope notified): called until it returns %G_SOURCE_REMOVE
 * @data: (closure func): passed to @func
 *
 * g_idle_add() on the element's context.
 *
 * Returns: the source's id, for thumbing_element_source_remove()
 */
guint
thumbing_element_idle_add (ThumbingElement *self,
                           GSourceFunc      func,
                           gpointer         data)
{
  g_return_val_if_fail (THUMBING_IS_ELEMENT (self), 0);
  return attach (self, g_idle_source_new (), func, data);
}

/**
 * thumbing_element_source_remove:
 * @self: a #ThumbingElement
 * @id: an id from thumbing_element_timeout_add() or its kin, or 0
 *
 * Removes the source: g_source_remove() on the element's context.
 */
void
thumbing_element_source_remove (ThumbingElement *self,
                                guint            id)
{
  GSource *source;

  g_return_if_fail (THUMBING_IS_ELEMENT (self));
  if (id == 0)
    return;
  source = g_main_context_find_source_by_id (thumbing_element_get_context (self), id);
  if (source != NULL)
    g_source_destroy (source);
}

/**
 * thumbing_element_run_in_worker:
 * @self: a #ThumbingElement
 * @task: a task whose source object is @self
 * @func: (scope async): the blocking work, which returns @task's result
 *
 * Runs blocking or CPU-bound work on the pipeline's bounded worker pool; the
 * task's callback then runs on the main context it was created on. Outside
 * a pipeline the work runs on GLib's shared pool.
 */
void
thumbing_element_run_in_worker (ThumbingElement *self,
                                GTask           *task,
                                GTaskThreadFunc  func)
{
  ThumbingElementPrivate *priv;
  WorkerJob *job;

  g_return_if_fail (THUMBING_IS_ELEMENT (self));
  g_return_if_fail (G_IS_TASK (task));

  priv = thumbing_element_get_instance_private (self);
  THUMBING_HANDOFF_RELEASE (task);
  if (priv->pool == NULL)
    {
      g_task_run_in_thread (task, func);
      return;
    }

  job = g_new0 (WorkerJob, 1);
  job->task = g_object_ref (task);
  job->func = func;
  /* The pool is unbounded in queue length but bounded in threads; the
   * pipeline's max-in-flight bounds what can be queued. */
  THUMBING_HANDOFF_RELEASE (job);
  g_thread_pool_push (priv->pool, job, NULL);
}

typedef struct
{
  ThumbingElement *element;
  char            *message;
} Warning;

static gboolean
emit_warning (gpointer data)
{
  Warning *warning = data;

  g_signal_emit (warning->element, signals[SIGNAL_WARNING], 0, warning->message);
  g_object_unref (warning->element);
  g_free (warning->message);
  g_free (warning);
  return G_SOURCE_REMOVE;
}

/**
 * thumbing_element_warn:
 * @self: a #ThumbingElement
 * @format: a printf-style format for a translated message
 * @...: the arguments
 *
 * Reports a problem that does not fail an item through the
 * #ThumbingElement::warning signal, on the pipeline's main context, whichever
 * thread calls it.
 */
void
thumbing_element_warn (ThumbingElement *self,
                       const char      *format,
                       ...)
{
  ThumbingElementPrivate *priv;
  g_autofree char *text = NULL;
  Warning *warning;
  va_list args;

  g_return_if_fail (THUMBING_IS_ELEMENT (self));
  priv = thumbing_element_get_instance_private (self);

  va_start (args, format);
  text = g_strdup_vprintf (format, args);
  va_end (args);

  warning = g_new0 (Warning, 1);
  warning->element = g_object_ref (self);
  warning->message = g_strdup_printf ("%s: %s", thumbing_element_get_name (self), text);
  g_main_context_invoke (priv->context, emit_warning, warning);
}
