/* fuzz-name-template.c: output name templates, expanded for hostile item names
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "config.h"

#include <string.h>

#include <thumbing/thumbing.h>

#include "fuzz-common.h"

/* The first line is the template, the second the item's name. */
int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autofree char *text = fuzz_text (data, size);
  char *newline = strchr (text, '\n');
  const char *name = newline != NULL ? newline + 1 : "photo.jpg";
  g_autoptr(ThumbingNameTemplate) parsed = NULL;
  g_autoptr(ThumbingItem) item = NULL;
  g_autofree char *expanded = NULL;

  if (newline != NULL)
    *newline = '\0';
  parsed = thumbing_name_template_new (text, NULL);
  if (parsed == NULL || *name == '\0')
    return 0;
  item = thumbing_item_new (name, name);
  thumbing_item_set_metadata (item, THUMBING_METADATA_WIDTH, "512");
  thumbing_item_set_metadata (item, THUMBING_METADATA_HEIGHT, "384");
  expanded = thumbing_name_template_expand (parsed, item, NULL);
  /* Whatever the name, an expanded one never leaves the sink's folder. */
  if (expanded != NULL)
    {
      g_auto(GStrv) segments = g_strsplit (expanded, "/", -1);

      g_assert (expanded[0] != '/' && expanded[0] != '\0');
      for (char **s = segments; *s != NULL; s++)
        g_assert (strcmp (*s, "..") != 0 && strcmp (*s, ".") != 0);
    }
  return 0;
}
