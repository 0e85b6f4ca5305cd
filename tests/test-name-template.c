/* test-name-template.c: output names from items
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "config.h"

#include "thumbing-test-util.h"

static char *
expand (const char *template_text,
        const char *name,
        GError    **error)
{
  g_autoptr(ThumbingNameTemplate) parsed = thumbing_name_template_new (template_text, error);
  g_autoptr(ThumbingItem) item = thumbing_item_new ("origin", name);
  g_autoptr(GBytes) bytes = g_bytes_new_static ("x", 1);

  if (parsed == NULL)
    return NULL;
  thumbing_item_set_bytes (item, bytes, "image/png");
  thumbing_item_set_metadata (item, THUMBING_METADATA_WIDTH, "512");
  thumbing_item_set_metadata (item, THUMBING_METADATA_HEIGHT, "384");
  return thumbing_name_template_expand (parsed, item, error);
}

static void
test_placeholders (void)
{
  static const struct { const char *template_text, *name, *expected; } cases[] = {
    { "{path}", "sub/dir/photo.jpg", "sub/dir/photo.jpg" },
    { "{dir}{stem}.{ext}", "sub/photo.jpg", "sub/photo.png" },
    { "{dir}{stem}.{ext}", "photo.jpg", "photo.png" },
    { "{name}", "a/b/c d+e%.jpeg", "c d+e%.jpeg" },
    { "{stem}-{width}x{height}.{ext}", "x/pic.tar.gz", "pic.tar-512x384.png" },
    { "{stem}", ".hidden", ".hidden" },
    { "thumbs/{{{stem}}}", "a.jpg", "thumbs/{a}" },
    { "日本/{stem}.{ext}", "写真.jpg", "日本/写真.png" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *result = expand (cases[i].template_text, cases[i].name, &error);

      g_assert_no_error (error);
      g_assert_cmpstr (result, ==, cases[i].expected);
    }
}

static void
test_bad_templates (void)
{
  static const struct { const char *template_text, *message; } cases[] = {
    { "{nope}.png", "*unknown placeholder {nope}*" },
    { "{stem", "*without “}”*" },
    { "a}b", "*stray “}”*" },
    { "", "*empty*" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(ThumbingNameTemplate) parsed = thumbing_name_template_new (cases[i].template_text, &error);

      g_assert_null (parsed);
      g_assert_error (error, THUMBING_ERROR, THUMBING_ERROR_INVALID_VALUE);
      g_assert_true (g_pattern_match_simple (cases[i].message, error->message));
    }
}

static void
test_unsafe_names_refused (void)
{
  /* Each refusal says what is wrong with the name. */
  static const char * const names[][2] = {
    { "../etc/passwd", "output name “../etc/passwd” is refused: it has a “.” or “..” segment" },
    { "a/../../b", "output name “a/../../b” is refused: it has a “.” or “..” segment" },
    { "/abs/x.jpg", "output name “/abs/x.jpg” is refused: it is absolute" },
    { "a//b", "output name “a//b” is refused: it has an empty segment (“//”)" },
    { "./x", "output name “./x” is refused: it has a “.” or “..” segment" },
    { "back\\slash.jpg", "output name “back\\slash.jpg” is refused: it holds a backslash" },
    { "folder/", "output name “folder/” is refused: it ends with “/”" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *result = expand ("{path}", names[i][0], &error);

      g_assert_null (result);
      g_assert_error (error, THUMBING_ERROR, THUMBING_ERROR_BAD_INPUT);
      g_assert_cmpstr (error->message, ==, names[i][1]);
    }
}

static void
test_missing_value (void)
{
  g_autoptr(ThumbingNameTemplate) parsed = thumbing_name_template_new ("{width}", NULL);
  g_autoptr(ThumbingItem) item = thumbing_item_new ("origin", "a.jpg");
  g_autoptr(GError) error = NULL;
  g_autofree char *result = thumbing_name_template_expand (parsed, item, &error);

  g_assert_null (result);
  g_assert_error (error, THUMBING_ERROR, THUMBING_ERROR_STATE);
}

static void
test_extensions (void)
{
  g_assert_cmpstr (thumbing_media_type_to_extension ("image/png"), ==, "png");
  g_assert_cmpstr (thumbing_media_type_to_extension ("IMAGE/JPEG"), ==, "jpg");
  g_assert_null (thumbing_media_type_to_extension ("text/plain"));
}

int
main (int    argc,
      char **argv)
{
  thumbing_test_init (&argc, &argv);
  g_test_add_func ("/name-template/placeholders", test_placeholders);
  g_test_add_func ("/name-template/bad-templates", test_bad_templates);
  g_test_add_func ("/name-template/unsafe-names-refused", test_unsafe_names_refused);
  g_test_add_func ("/name-template/missing-value", test_missing_value);
  g_test_add_func ("/name-template/extensions", test_extensions);
  return g_test_run ();
}
