/* fuzz-launch.c: launch strings, with ${VAR} expansion, built, described and checked
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "config.h"

#include <string.h>

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
  g_autofree char *text = fuzz_text (data, size);
  g_autoptr(ThumbingPipeline) pipeline = thumbing_pipeline_new_from_launch (text, NULL);

  if (pipeline != NULL)
    {
      g_autofree char *description = thumbing_pipeline_describe (pipeline);
      g_autoptr(ThumbingPipeline) again = thumbing_pipeline_new_from_launch (description, NULL);
      g_autofree char *described_again = again != NULL ? thumbing_pipeline_describe (again) : NULL;

      /* A description reads back as the same pipeline (secrets aside). */
      if (again != NULL && strstr (description, "<hidden>") == NULL)
        g_assert (g_strcmp0 (description, described_again) == 0);
      thumbing_pipeline_check (pipeline, NULL);
    }
  return 0;
}
