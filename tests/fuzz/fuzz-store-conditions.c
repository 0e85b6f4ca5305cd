/* fuzz-store-conditions.c: conditional and ranged GETs of a stored file
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "config.h"

#include <string.h>

#include <glib/gstdio.h>
#include <libsoup/soup.h>

#include "fuzz-common.h"
#include "thumbing-store.h"

static ThumbingStore *store;
static const char contents[] = "0123456789abcdefghijklmnopqrstuvwxyz";

void
fuzz_set_up (void)
{
  g_autofree char *folder = g_dir_make_tmp ("thumbing-fuzz-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (folder, "a.png", NULL);

  g_assert (g_file_set_contents (path, contents, sizeof contents - 1, NULL));
  store = thumbing_store_new_folder (folder);
}

static void
on_object (GObject      *source,
           GAsyncResult *result,
           gpointer      data)
{
  ThumbingStoreObject **object = data;
  g_autoptr(GError) error = NULL;

  *object = thumbing_store_get_finish (store, result, &error);
  g_assert (*object != NULL);
}

/* Four lines: If-None-Match, If-Modified-Since, Range, If-Range; an
 * answer is always one of the four statuses, its body within the file. */
int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autofree char *text = fuzz_text (data, size);
  g_auto(GStrv) lines = g_strsplit (text, "\n", 4);
  const char *fields[4] = { NULL, NULL, NULL, NULL };
  ThumbingStoreConditions conditions;
  g_autoptr(ThumbingStoreObject) object = NULL;
  gsize length;
  const char *body;

  for (guint i = 0; i < 4 && lines[i] != NULL; i++)
    fields[i] = *lines[i] != '\0' ? lines[i] : NULL;
  conditions = (ThumbingStoreConditions) { fields[0], fields[1], fields[2], fields[3] };
  thumbing_store_get_async (store, "a.png", &conditions, NULL, on_object, &object);
  while (object == NULL)
    g_main_context_iteration (NULL, TRUE);

  g_assert (object->status == SOUP_STATUS_OK || object->status == SOUP_STATUS_PARTIAL_CONTENT
            || object->status == SOUP_STATUS_NOT_MODIFIED
            || object->status == SOUP_STATUS_REQUESTED_RANGE_NOT_SATISFIABLE);
  body = g_bytes_get_data (object->body, &length);
  g_assert (length <= sizeof contents - 1);
  if (object->status == SOUP_STATUS_PARTIAL_CONTENT)
    g_assert (length > 0 && memmem (contents, sizeof contents - 1, body, length) != NULL);
  return 0;
}
