/* fuzz-keyfile.c: pipeline files, with ${VAR} expansion, built and checked
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "config.h"

#include <thumbing/thumbing.h>

#include "fuzz-common.h"

void
fuzz_set_up (void)
{
  thumbing_registry_get_default ();
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(GKeyFile) keyfile = g_key_file_new ();
  g_autoptr(ThumbingPipeline) pipeline = NULL;

  if (!g_key_file_load_from_data (keyfile, (const char *) data, size, G_KEY_FILE_NONE, NULL))
    return 0;
  pipeline = thumbing_pipeline_new_from_keyfile (keyfile, "fuzz.conf", NULL);
  if (pipeline != NULL)
    thumbing_pipeline_check (pipeline, NULL);
  return 0;
}
