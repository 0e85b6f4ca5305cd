/* thumbing-text.c: text from outside, made safe to print
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "config.h"

#include <string.h>

#include "thumbing-text.h"

/**
 * thumbing_text_escape_controls:
 * @text: (nullable): text that may quote outside input: a file name, an S3
 *   key, a field of a request
 *
 * Makes @text safe for one line of a log or a terminal: line breaks, tabs,
 * escape sequences and every other C0 or C1 control character become
 * `\n`, `\r`, `\t` or `\xHH`, and so does each byte of invalid UTF-8, so
 * outside input can neither forge a log line nor drive the terminal.
 *
 * Returns: (transfer full): the escaped text (an empty string for %NULL)
 */
char *
thumbing_text_escape_controls (const char *text)
{
  g_autoptr(GString) out = NULL;
  const char *p;
  const char *end;

  if (text == NULL)
    return g_strdup ("");
  out = g_string_sized_new (strlen (text));
  end = text + strlen (text);
  for (p = text; p < end;)
    {
      gunichar c = g_utf8_get_char_validated (p, end - p);

      if (c == (gunichar) -1 || c == (gunichar) -2)
        {
          g_string_append_printf (out, "\\x%02x", (guchar) *p);
          p++;
          continue;
        }
      if (c == '\n')
        g_string_append (out, "\\n");
      else if (c == '\r')
        g_string_append (out, "\\r");
      else if (c == '\t')
        g_string_append (out, "\\t");
      else if (c < 0x20 || c == 0x7f || (c >= 0x80 && c < 0xa0))
        g_string_append_printf (out, "\\x%02x", c);
      else
        g_string_append_len (out, p, g_utf8_next_char (p) - p);
      p = g_utf8_next_char (p);
    }
  return g_string_free (g_steal_pointer (&out), FALSE);
}

/**
 * thumbing_text_is_set:
 * @text: (nullable): a setting's value
 *
 * Tells a setting that was given from one left out: %NULL and the empty
 * string (as `${VAR}` of an empty variable gives) both mean unset.
 *
 * Returns: whether @text is neither %NULL nor empty
 */
gboolean
thumbing_text_is_set (const char *text)
{
  return text != NULL && *text != '\0';
}
