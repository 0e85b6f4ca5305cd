/* thumbing-name-template.c
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "thumbing-error.h"
#include "thumbing-name-template.h"
#include "thumbing-handoff-private.h"

/**
 * ThumbingNameTemplate:
 *
 * Builds the relative name a sink stores an item under.
 *
 * Placeholders in braces are replaced from the item: `{path}` its name as
 * the source gave it (`sub/photo.jpg`), `{dir}` that name's folder with a
 * trailing `/` (empty at the top), `{name}` its base name (`photo.jpg`),
 * `{stem}` the base name without extension (`photo`), `{ext}` the encoded
 * format's extension (`png`), `{width}` and `{height}` the image size.
 * `{{` and `}}` stand for literal braces. `s3-put`'s default, `{path}`,
 * keeps the name, as the seed's prefix swap does; `folder-sink`'s,
 * `{dir}{stem}.{ext}`, names a file by what it holds.
 *
 * An expanded name never leaves the sink's folder or prefix: absolute names
 * and `..` segments are refused.
 */

typedef enum {
  PART_TEXT,
  PART_PATH,
  PART_DIR,
  PART_NAME,
  PART_STEM,
  PART_EXT,
  PART_WIDTH,
  PART_HEIGHT,
} PartKind;

static const char * const placeholder_names[] = {
  [PART_PATH] = "path",
  [PART_DIR] = "dir",
  [PART_NAME] = "name",
  [PART_STEM] = "stem",
  [PART_EXT] = "ext",
  [PART_WIDTH] = "width",
  [PART_HEIGHT] = "height",
};

typedef struct
{
  PartKind  kind;
  char     *text;
} Part;

struct _ThumbingNameTemplate
{
  gatomicrefcount  ref_count;
  char            *text;
  GArray          *parts;
};

G_DEFINE_BOXED_TYPE (ThumbingNameTemplate, thumbing_name_template,
                     thumbing_name_template_ref, thumbing_name_template_unref)

static void
part_clear (gpointer data)
{
  g_free (((Part *) data)->text);
}

static void
add_text (GArray  *parts,
          GString *text)
{
  Part part = { PART_TEXT, NULL };

  if (text->len == 0)
    return;
  part.text = g_strdup (text->str);
  g_array_append_val (parts, part);
  g_string_truncate (text, 0);
}

/**
 * thumbing_name_template_new:
 * @text: the template, as `{dir}{stem}.{ext}`
 * @error: return location for a #GError
 *
 * Parses a template, so that its mistakes are found before any item is named.
 *
 * Returns: (transfer full): the parsed template, or %NULL with
 *   %THUMBING_ERROR_INVALID_VALUE set for an unknown placeholder or a stray brace
 */
ThumbingNameTemplate *
thumbing_name_template_new (const char *text,
                            GError    **error)
{
  g_autoptr(GArray) parts = g_array_new (FALSE, FALSE, sizeof (Part));
  g_autoptr(GString) literal = g_string_new (NULL);
  ThumbingNameTemplate *self;

  g_return_val_if_fail (text != NULL, NULL);
  g_array_set_clear_func (parts, part_clear);

  for (const char *p = text; *p != '\0'; p++)
    {
      const char *close;
      g_autofree char *name = NULL;
      Part part = { PART_TEXT, NULL };

      if ((p[0] == '{' && p[1] == '{') || (p[0] == '}' && p[1] == '}'))
        {
          g_string_append_c (literal, *p++);
          continue;
        }
      if (*p == '}')
        {
          g_set_error (error, THUMBING_ERROR, THUMBING_ERROR_INVALID_VALUE,
                       _("stray “}” in template “%s” (write “}}” for a brace)"), text);
          return NULL;
        }
      if (*p != '{')
        {
          g_string_append_c (literal, *p);
          continue;
        }

      close = strchr (p, '}');
      if (close == NULL)
        {
          g_set_error (error, THUMBING_ERROR, THUMBING_ERROR_INVALID_VALUE,
                       _("“{” without “}” in template “%s”"), text);
          return NULL;
        }
      name = g_strndup (p + 1, close - p - 1);
      for (guint k = PART_PATH; k <= PART_HEIGHT; k++)
        if (strcmp (name, placeholder_names[k]) == 0)
          part.kind = k;
      if (part.kind == PART_TEXT)
        {
          g_set_error (error, THUMBING_ERROR, THUMBING_ERROR_INVALID_VALUE,
                       _("unknown placeholder {%s} in template “%s” "
                         "(known: {path} {dir} {name} {stem} {ext} {width} {height})"),
                       name, text);
          return NULL;
        }
      add_text (parts, literal);
      g_array_append_val (parts, part);
      p = close;
    }
  add_text (parts, literal);

  if (parts->len == 0)
    {
      g_set_error (error, THUMBING_ERROR, THUMBING_ERROR_INVALID_VALUE, _("the template is empty"));
      return NULL;
    }

  self = g_new0 (ThumbingNameTemplate, 1);
  g_atomic_ref_count_init (&self->ref_count);
  self->text = g_strdup (text);
  self->parts = g_steal_pointer (&parts);
  return self;
}

/**
 * thumbing_name_template_ref:
 * @self: a #ThumbingNameTemplate
 *
 * Adds a reference.
 *
 * Returns: (transfer full): @self
 */
ThumbingNameTemplate *
thumbing_name_template_ref (ThumbingNameTemplate *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  g_atomic_ref_count_inc (&self->ref_count);
  return self;
}

/**
 * thumbing_name_template_unref:
 * @self: (transfer full): a #ThumbingNameTemplate
 *
 * Drops a reference, freeing the object with the last one.
 */
void
thumbing_name_template_unref (ThumbingNameTemplate *self)
{
  g_return_if_fail (self != NULL);
  /* Whichever thread drops the last reference frees what the others used. */
  THUMBING_HANDOFF_RELEASE (self);
  if (!g_atomic_ref_count_dec (&self->ref_count))
    return;
  THUMBING_HANDOFF_ACQUIRE (self);
  g_free (self->text);
  g_array_unref (self->parts);
  g_free (self);
}

/**
 * thumbing_name_template_get_text:
 * @self: a #ThumbingNameTemplate
 *
 * Gets the template as written.
 *
 * Returns: (transfer none): the template as written
 */
const char *
thumbing_name_template_get_text (ThumbingNameTemplate *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->text;
}

/**
 * thumbing_media_type_to_extension:
 * @media_type: a media type, as `image/png`
 *
 * Gets the usual file extension of the encoded formats thumbing writes, or %NULL for others.
 *
 * Returns: (transfer none) (nullable): the usual file extension of the
 *   encoded formats thumbing writes, or %NULL for others
 */
const char *
thumbing_media_type_to_extension (const char *media_type)
{
  static const struct { const char *media; const char *ext; } table[] = {
    { "image/png", "png" },
    { "image/jpeg", "jpg" },
    { "image/webp", "webp" },
    { "image/avif", "avif" },
    { "image/heif", "heic" },
    { "image/gif", "gif" },
    { "image/tiff", "tif" },
  };

  for (guint i = 0; media_type != NULL && i < G_N_ELEMENTS (table); i++)
    if (g_ascii_strcasecmp (media_type, table[i].media) == 0)
      return table[i].ext;
  return NULL;
}

/* Why @name could leave the sink's folder or mean another file than it
 * says, or NULL when it is a safe relative name. */
static const char *
unsafe_name_reason (const char *name)
{
  g_auto(GStrv) segments = NULL;

  if (name[0] == '\0')
    return _("it is empty");
  if (name[0] == '/')
    return _("it is absolute");
  /* Some stores and the systems that sync them take it as a separator. */
  if (strchr (name, '\\') != NULL)
    return _("it holds a backslash");
  if (g_str_has_suffix (name, "/"))
    return _("it ends with “/”");
  segments = g_strsplit (name, "/", -1);
  for (char **s = segments; *s != NULL; s++)
    if (strcmp (*s, "..") == 0 || strcmp (*s, ".") == 0)
      return _("it has a “.” or “..” segment");
    else if (**s == '\0')
      return _("it has an empty segment (“//”)");
  return NULL;
}

/**
 * thumbing_name_template_set:
 * @slot: (inout) (nullable) (transfer full): where a sink keeps its parsed template
 * @text: the template, as the sink's `template` setting holds it
 * @error: return location for a #GError
 *
 * Parses @text and, if it is valid, replaces the template in @slot: what a
 * sink's check does with its `template` setting. The error names the
 * setting.
 *
 * Returns: whether @text is a valid template
 */
gboolean
thumbing_name_template_set (ThumbingNameTemplate **slot,
                            const char            *text,
                            GError               **error)
{
  ThumbingNameTemplate *parsed;

  g_return_val_if_fail (slot != NULL, FALSE);

  parsed = thumbing_name_template_new (text, error);
  if (parsed == NULL)
    {
      g_prefix_error (error, "template: ");
      return FALSE;
    }
  g_clear_pointer (slot, thumbing_name_template_unref);
  *slot = parsed;
  return TRUE;
}

/**
 * thumbing_name_template_expand:
 * @self: a #ThumbingNameTemplate
 * @item: the item to name
 * @error: return location for a #GError
 *
 * Gets the relative output name, or %NULL with @error set when a placeholder has no value for @item or the name would leave the sink's folder.
 *
 * Returns: (transfer full): the relative output name, or %NULL with @error
 *   set when a placeholder has no value for @item or the name would leave
 *   the sink's folder
 */
char *
thumbing_name_template_expand (ThumbingNameTemplate *self,
                               ThumbingItem         *item,
                               GError              **error)
{
  g_autoptr(GString) out = g_string_new (NULL);
  const char *path = thumbing_item_get_name (item);
  const char *slash = strrchr (path, '/');
  const char *base = slash != NULL ? slash + 1 : path;
  const char *dot = strrchr (base, '.');
  const char *reason;

  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (item != NULL, NULL);

  for (guint i = 0; i < self->parts->len; i++)
    {
      Part *part = &g_array_index (self->parts, Part, i);
      const char *value = NULL;

      switch (part->kind)
        {
        case PART_TEXT:
          g_string_append (out, part->text);
          continue;
        case PART_PATH:
          g_string_append (out, path);
          continue;
        case PART_DIR:
          if (slash != NULL)
            g_string_append_len (out, path, slash - path + 1);
          continue;
        case PART_NAME:
          g_string_append (out, base);
          continue;
        case PART_STEM:
          g_string_append_len (out, base, dot != NULL && dot != base ? dot - base : (gssize) strlen (base));
          continue;
        case PART_EXT:
          value = thumbing_item_get_metadata (item, THUMBING_METADATA_FORMAT);
          if (value == NULL)
            value = thumbing_media_type_to_extension (thumbing_item_get_media_type (item));
          if (value == NULL && dot != NULL && dot != base)
            value = dot + 1;
          break;
        case PART_WIDTH:
          value = thumbing_item_get_metadata (item, THUMBING_METADATA_WIDTH);
          break;
        case PART_HEIGHT:
          value = thumbing_item_get_metadata (item, THUMBING_METADATA_HEIGHT);
          break;
        default:
          g_assert_not_reached ();
        }

      if (value == NULL)
        {
          g_set_error (error, THUMBING_ERROR, THUMBING_ERROR_STATE,
                       _("template “%s”: {%s} has no value for this item"),
                       self->text, placeholder_names[part->kind]);
          return NULL;
        }
      g_string_append (out, value);
    }

  reason = unsafe_name_reason (out->str);
  if (reason != NULL)
    {
      g_set_error (error, THUMBING_ERROR, THUMBING_ERROR_BAD_INPUT,
                   _("output name “%s” is refused: %s"), out->str, reason);
      return NULL;
    }
  return g_string_free (g_steal_pointer (&out), FALSE);
}
