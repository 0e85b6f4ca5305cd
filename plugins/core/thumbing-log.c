/* thumbing-log.c: one line per item on standard output
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "config.h"

#include <stdio.h>

#include <glib/gi18n-lib.h>
#include "thumbing-log.h"
#include "thumbing-result-document.h"

struct _ThumbingLog
{
  ThumbingSink parent_instance;
  gboolean     json;
};

G_DEFINE_FINAL_TYPE (ThumbingLog, thumbing_log, THUMBING_TYPE_SINK)

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
  g_autoptr(JsonNode) document = self->json ? thumbing_result_document_new (item, NULL, NULL) : NULL;
  g_autofree char *line = document != NULL ? thumbing_result_document_to_string (document, NULL) : format_text (item, ms);
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
