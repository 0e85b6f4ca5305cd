/* thumbing-log.c: one line per item on standard output
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "config.h"

#include <stdio.h>

#include <glib/gi18n-lib.h>
#include <json-glib/json-glib.h>

#include "thumbing-log.h"

struct _ThumbingLog
{
  ThumbingSink parent_instance;
  gboolean     json;
};

G_DEFINE_FINAL_TYPE (ThumbingLog, thumbing_log, THUMBING_TYPE_SINK)

static void
add_number_or_null (JsonBuilder *builder,
                    const char  *name,
                    const char  *text)
{
  gint64 number;

  json_builder_set_member_name (builder, name);
  if (text != NULL && g_ascii_string_to_signed (text, 10, G_MININT64, G_MAXINT64, &number, NULL))
    json_builder_add_int_value (builder, number);
  else
    json_builder_add_null_value (builder);
}

static char *
format_json (ThumbingItem *item,
             double        ms)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonNode) root = NULL;
  const char *output = thumbing_item_get_metadata (item, THUMBING_METADATA_OUTPUT);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "origin");
  json_builder_add_string_value (builder, thumbing_item_get_origin (item));
  json_builder_set_member_name (builder, "output");
  if (output != NULL)
    json_builder_add_string_value (builder, output);
  else
    json_builder_add_null_value (builder);
  json_builder_set_member_name (builder, "media_type");
  json_builder_add_string_value (builder, thumbing_item_get_media_type (item));
  add_number_or_null (builder, "width", thumbing_item_get_metadata (item, THUMBING_METADATA_WIDTH));
  add_number_or_null (builder, "height", thumbing_item_get_metadata (item, THUMBING_METADATA_HEIGHT));
  add_number_or_null (builder, "bytes", thumbing_item_get_metadata (item, THUMBING_METADATA_BYTES));
  json_builder_set_member_name (builder, "ms");
  json_builder_add_double_value (builder, ms);
  json_builder_end_object (builder);

  root = json_builder_get_root (builder);
  json_generator_set_root (generator, root);
  return json_generator_to_data (generator, NULL);
}

static char *
format_text (ThumbingItem *item,
             double        ms)
{
  const char *output = thumbing_item_get_metadata (item, THUMBING_METADATA_OUTPUT);
  const char *width = thumbing_item_get_metadata (item, THUMBING_METADATA_WIDTH);
  const char *height = thumbing_item_get_metadata (item, THUMBING_METADATA_HEIGHT);
  const char *bytes = thumbing_item_get_metadata (item, THUMBING_METADATA_BYTES);

  return g_strdup_printf ("%s -> %s %s×%s %s bytes %.0f ms",
                          thumbing_item_get_origin (item),
                          output != NULL ? output : "-",
                          width != NULL ? width : "?", height != NULL ? height : "?",
                          bytes != NULL ? bytes : "?", ms);
}

/* Runs on the main context: printing is quick and keeps lines whole and in
 * completion order without a lock. */
static void
thumbing_log_process_async (ThumbingElement     *element,
                            ThumbingItem        *item,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  ThumbingLog *self = THUMBING_LOG (element);
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);
  double ms = thumbing_item_get_elapsed_ms (item);
  g_autofree char *line = self->json ? format_json (item, ms) : format_text (item, ms);
  /* Names come from outside: one item, one line. */

  g_autofree char *safe = thumbing_text_escape_controls (line);

  fprintf (stdout, "%s\n", safe);
  fflush (stdout);
  g_task_return_pointer (task, thumbing_item_ref (item), (GDestroyNotify) thumbing_item_unref);
}

static void
thumbing_log_class_init (ThumbingLogClass *klass)
{
  ThumbingElementClass *element_class = THUMBING_ELEMENT_CLASS (klass);

  element_class->process_async = thumbing_log_process_async;

  thumbing_element_class_set_metadata (element_class, "log",
                                       _("Prints one line per item: origin, output, dimensions, bytes and milliseconds"));
  thumbing_element_class_set_media (element_class, "*/*;" THUMBING_MEDIA_DECODED_IMAGE, NULL);

  THUMBING_ELEMENT_FIELD (klass, ThumbingLog, json,
    g_param_spec_boolean ("json", NULL, _("Print JSON lines instead of text"),
                          FALSE,
                          G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS));
}

static void
thumbing_log_init (ThumbingLog *self)
{
}
