/* test-text.c: outside text made safe to print
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "config.h"

#include "thumbing-test-util.h"

static void
assert_escaped (const char *text,
                const char *expected)
{
  g_autofree char *escaped = thumbing_text_escape_controls (text);

  g_assert_cmpstr (escaped, ==, expected);
}

static void
test_controls_are_escaped (void)
{
  assert_escaped ("photo.jpg", "photo.jpg");
  assert_escaped ("évier ünd 写真.png", "évier ünd 写真.png");
  assert_escaped ("evil\nthumbing: error: FORGED", "evil\\nthumbing: error: FORGED");
  assert_escaped ("a\rb\tc", "a\\rb\\tc");
  assert_escaped ("\x1b[31mred\x1b[0m", "\\x1b[31mred\\x1b[0m");
  assert_escaped ("bell\x07 del\x7f", "bell\\x07 del\\x7f");
  /* C1 controls (U+009B is a one-character CSI on some terminals). */
  assert_escaped ("csi\xc2\x9b" "2J", "csi\\x9b2J");
  /* Invalid UTF-8, byte by byte. */
  assert_escaped ("bad\xff\xfe.jpg", "bad\\xff\\xfe.jpg");
  assert_escaped ("cut\xe5\x86", "cut\\xe5\\x86");
  assert_escaped ("back\\slash", "back\\slash");
  assert_escaped ("", "");
  assert_escaped (NULL, "");
}

int
main (int    argc,
      char **argv)
{
  thumbing_test_init (&argc, &argv);
  g_test_add_func ("/text/controls-are-escaped", test_controls_are_escaped);
  return g_test_run ();
}
