/* fuzz-text.c: outside text escaped for logs: never a control character out
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "config.h"

#include <thumbing/thumbing.h>

#include "fuzz-common.h"

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autofree char *text = fuzz_text (data, size);
  g_autofree char *escaped = thumbing_text_escape_controls (text);

  g_assert (g_utf8_validate (escaped, -1, NULL));
  for (const char *p = escaped; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      g_assert (c >= 0x20 && c != 0x7f && (c < 0x80 || c >= 0xa0));
    }
  return 0;
}
