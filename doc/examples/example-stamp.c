/* example-stamp.c: a complete element in one file, as doc/writing-elements.md shows it
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * `stamp` puts a metadata value on every item, for the stages after it:
 *   thumbing launch 'folder-source path=in ! stamp key=owner value=alice ! log json=true'
 */
#include <string.h>

#include <thumbing/thumbing.h>

#define EXAMPLE_TYPE_STAMP (example_stamp_get_type ())
G_DECLARE_FINAL_TYPE (ExampleStamp, example_stamp, EXAMPLE, STAMP, ThumbingTransform)

typedef enum {
  EXAMPLE_STAMP_CASE_AS_IS,
  EXAMPLE_STAMP_CASE_UPPER,
  EXAMPLE_STAMP_CASE_LOWER,
} ExampleStampCase;

GType example_stamp_case_get_type (void);

G_DEFINE_ENUM_TYPE (ExampleStampCase, example_stamp_case,
  G_DEFINE_ENUM_VALUE (EXAMPLE_STAMP_CASE_AS_IS, "as-is"),
  G_DEFINE_ENUM_VALUE (EXAMPLE_STAMP_CASE_UPPER, "upper"),
  G_DEFINE_ENUM_VALUE (EXAMPLE_STAMP_CASE_LOWER, "lower"))

struct _ExampleStamp
{
  ThumbingTransform parent_instance;

  /* The settings: each is declared once, in class_init. */
  char             *key;
  char             *value;
  ExampleStampCase  letter_case;
  gboolean          keep_existing;
};

G_DEFINE_FINAL_TYPE (ExampleStamp, example_stamp, THUMBING_TYPE_TRANSFORM)

static gboolean
example_stamp_check (ThumbingElement *element,
                     GError         **error)
{
  ExampleStamp *self = EXAMPLE_STAMP (element);

  if (strchr (self->key, '.') != NULL)
    {
      g_set_error (error, THUMBING_ERROR, THUMBING_ERROR_INVALID_VALUE,
                   "key: “%s” has a dot, which thumbing keeps for its own keys", self->key);
      return FALSE;
    }
  return TRUE;
}

static ThumbingItem *
example_stamp_process (ThumbingElement *element,
                       ThumbingItem    *item,
                       GCancellable    *cancellable,
                       GError         **error)
{
  ExampleStamp *self = EXAMPLE_STAMP (element);
  g_autofree char *value = NULL;

  if (self->keep_existing && thumbing_item_get_metadata (item, self->key) != NULL)
    return thumbing_item_ref (item);
  switch (self->letter_case)
    {
    case EXAMPLE_STAMP_CASE_UPPER:
      value = g_utf8_strup (self->value, -1);
      break;
    case EXAMPLE_STAMP_CASE_LOWER:
      value = g_utf8_strdown (self->value, -1);
      break;
    case EXAMPLE_STAMP_CASE_AS_IS:
    default:
      value = g_strdup (self->value);
    }
  thumbing_item_set_metadata (item, self->key, value);
  return thumbing_item_ref (item);
}

static void
example_stamp_class_init (ExampleStampClass *klass)
{
  ThumbingElementClass *element_class = THUMBING_ELEMENT_CLASS (klass);

  element_class->check = example_stamp_check;
  element_class->process = example_stamp_process;

  thumbing_element_class_set_metadata (element_class, "stamp", "Puts a metadata value on every item");
  thumbing_element_class_set_media (element_class, "*/*;" THUMBING_MEDIA_DECODED_IMAGE, NULL);

  /* One statement a property: the spec, and the member that holds it. */
  THUMBING_ELEMENT_FIELD (klass, ExampleStamp, key,
    g_param_spec_string ("key", NULL, "The metadata key to set", NULL,
                         G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | THUMBING_PARAM_REQUIRED));
  THUMBING_ELEMENT_FIELD (klass, ExampleStamp, value,
    g_param_spec_string ("value", NULL, "The value to set it to", "",
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT | G_PARAM_STATIC_STRINGS));
  THUMBING_ELEMENT_FIELD (klass, ExampleStamp, letter_case,
    g_param_spec_enum ("case", NULL, "Change the value's letter case", example_stamp_case_get_type (),
                       EXAMPLE_STAMP_CASE_AS_IS, G_PARAM_READWRITE | G_PARAM_CONSTRUCT | G_PARAM_STATIC_STRINGS));
  THUMBING_ELEMENT_FIELD (klass, ExampleStamp, keep_existing,
    g_param_spec_boolean ("keep-existing", NULL, "Leave a value an earlier stage set", FALSE,
                          G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS));
}

static void
example_stamp_init (ExampleStamp *self)
{
}

static gboolean
example_plugin_init (ThumbingPlugin *plugin,
                     GError        **error)
{
  return thumbing_plugin_add_element (plugin, EXAMPLE_TYPE_STAMP, error);
}

THUMBING_PLUGIN_DEFINE (example, "The example of doc/writing-elements.md", example_plugin_init, "1.0",
                        "LGPL-2.1-or-later")
