/* test-folder-sink.c: atomic writes under a name template
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "config.h"

#include <signal.h>
#include <string.h>
#include <sys/resource.h>

#include "thumbing-test-util.h"

static ThumbingItem *
png_item (const char *name, const char *contents)
{
  ThumbingItem *item = thumbing_item_new (name, name);
  g_autoptr(GBytes) bytes = g_bytes_new (contents, strlen (contents));

  thumbing_item_set_bytes (item, bytes, "image/png");
  return item;
}

static void
test_writes_with_template (void)
{
  g_autofree char *dir = thumbing_test_make_tempdir ();
  g_autofree char *settings = g_strdup_printf ("folder-sink path=%s/out template={dir}{stem}.{ext}", dir);
  g_autoptr(GError) error = NULL;
  g_autoptr(ThumbingElement) sink = thumbing_test_element (settings, &error);
  g_autoptr(ThumbingItem) item = png_item ("sub/photo.jpg", "PNGDATA");
  g_autoptr(ThumbingItem) result = NULL;
  g_autofree char *expected = g_build_filename (dir, "out", "sub", "photo.png", NULL);
  g_autofree char *contents = NULL;
  g_autofree char *subdir = g_build_filename (dir, "out", "sub", NULL);

  g_assert_no_error (error);
  result = thumbing_test_process (sink, item, &error);
  g_assert_no_error (error);
  g_assert_true (result == item);
  g_assert_cmpstr (thumbing_item_get_metadata (item, THUMBING_METADATA_OUTPUT), ==, expected);
  g_assert_true (g_file_get_contents (expected, &contents, NULL, NULL));
  g_assert_cmpstr (contents, ==, "PNGDATA");
  /* Only the file itself: no temporary left behind. */
  g_assert_cmpuint (thumbing_test_count_files (subdir), ==, 1);
  thumbing_test_remove_tree (dir);
}

static void
test_default_template_takes_the_format_extension_and_replaces (void)
{
  g_autofree char *dir = thumbing_test_make_tempdir ();
  g_autofree char *settings = g_strdup_printf ("folder-sink path=%s durable=true", dir);
  g_autoptr(GError) error = NULL;
  g_autoptr(ThumbingElement) sink = thumbing_test_element (settings, &error);
  g_autoptr(ThumbingItem) first = png_item ("a b.jpg", "one");
  g_autoptr(ThumbingItem) second = png_item ("a b.jpg", "two");
  g_autoptr(ThumbingItem) r1 = NULL, r2 = NULL;
  g_autofree char *target = g_build_filename (dir, "a b.png", NULL);
  g_autofree char *contents = NULL;

  r1 = thumbing_test_process (sink, first, &error);
  r2 = thumbing_test_process (sink, second, &error);
  g_assert_no_error (error);
  g_assert_true (g_file_get_contents (target, &contents, NULL, NULL));
  g_assert_cmpstr (contents, ==, "two");
  g_assert_cmpuint (thumbing_test_count_files (dir), ==, 1);
  thumbing_test_remove_tree (dir);
}

static void
test_refuses_to_escape (void)
{
  g_autofree char *dir = thumbing_test_make_tempdir ();
  g_autofree char *settings = g_strdup_printf ("folder-sink path=%s/out", dir);
  g_autoptr(GError) error = NULL;
  g_autoptr(ThumbingElement) sink = thumbing_test_element (settings, &error);
  g_autoptr(ThumbingItem) item = png_item ("../escape.png", "x");
  g_autoptr(ThumbingItem) result = thumbing_test_process (sink, item, &error);

  g_assert_null (result);
  g_assert_error (error, THUMBING_ERROR, THUMBING_ERROR_BAD_INPUT);
  g_assert_cmpuint (thumbing_test_count_files (dir), ==, 1);
  thumbing_test_remove_tree (dir);
}

static void
test_unwritable_folder (void)
{
  g_autofree char *dir = thumbing_test_make_tempdir ();
  g_autofree char *file = g_build_filename (dir, "plain-file", NULL);
  g_autofree char *settings = g_strdup_printf ("folder-sink path=%s/inside", file);
  g_autoptr(GError) error = NULL;
  g_autoptr(ThumbingElement) sink = NULL;

  g_file_set_contents (file, "x", -1, NULL);
  sink = thumbing_test_element (settings, &error);
  g_assert_null (sink);
  g_assert_error (error, THUMBING_ERROR, THUMBING_ERROR_IO);
  g_assert_nonnull (strstr (error->message, "cannot create folder"));
  thumbing_test_remove_tree (dir);
}

/* A full disk, as RLIMIT_FSIZE makes one without a mount: the item fails
 * naming the file, and neither a partial file nor a temporary is left. */
static void
test_full_disk_leaves_nothing (void)
{
  g_autofree char *dir = thumbing_test_make_tempdir ();
  g_autofree char *settings = g_strdup_printf ("folder-sink path=%s", dir);
  g_autoptr(GError) error = NULL;
  g_autoptr(ThumbingElement) sink = thumbing_test_element (settings, &error);
  g_autofree char *big = g_strnfill (256 * 1024, 'x');
  g_autoptr(ThumbingItem) item = png_item ("big.png", big);
  g_autoptr(ThumbingItem) result = NULL;
  struct rlimit saved, tiny;
  void (*saved_handler) (int);

  g_assert_no_error (error);
  g_assert_cmpint (getrlimit (RLIMIT_FSIZE, &saved), ==, 0);
  tiny = saved;
  tiny.rlim_cur = 4096;
  saved_handler = signal (SIGXFSZ, SIG_IGN);
  g_assert_cmpint (setrlimit (RLIMIT_FSIZE, &tiny), ==, 0);
  result = thumbing_test_process (sink, item, &error);
  g_assert_cmpint (setrlimit (RLIMIT_FSIZE, &saved), ==, 0);
  signal (SIGXFSZ, saved_handler);

  g_assert_null (result);
  g_assert_error (error, THUMBING_ERROR, THUMBING_ERROR_IO);
  g_test_message ("%s", error->message);
  g_assert_nonnull (strstr (error->message, "big.png"));
  g_assert_cmpuint (thumbing_test_count_files (dir), ==, 0);
  /* With room again, the same item goes through. */
  g_clear_error (&error);
  result = thumbing_test_process (sink, item, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (thumbing_test_count_files (dir), ==, 1);
  thumbing_test_remove_tree (dir);
}

static void
test_needs_encoded_payload (void)
{
  g_autofree char *dir = thumbing_test_make_tempdir ();
  g_autofree char *settings = g_strdup_printf ("folder-sink path=%s", dir);
  g_autoptr(GError) error = NULL;
  g_autoptr(ThumbingElement) sink = thumbing_test_element (settings, &error);
  g_autoptr(ThumbingItem) item = thumbing_item_new ("x", "x.png");
  g_autoptr(GObject) image = g_object_new (G_TYPE_OBJECT, NULL);
  g_autoptr(ThumbingItem) result = NULL;

  thumbing_item_set_image (item, image);
  result = thumbing_test_process (sink, item, &error);
  g_assert_null (result);
  g_assert_error (error, THUMBING_ERROR, THUMBING_ERROR_STATE);
  thumbing_test_remove_tree (dir);
}

int
main (int    argc,
      char **argv)
{
  thumbing_test_init (&argc, &argv);
  g_test_add_func ("/folder-sink/writes-with-template", test_writes_with_template);
  g_test_add_func ("/folder-sink/default-template-takes-the-format-extension-and-replaces",
                   test_default_template_takes_the_format_extension_and_replaces);
  g_test_add_func ("/folder-sink/refuses-to-escape", test_refuses_to_escape);
  g_test_add_func ("/folder-sink/unwritable-folder", test_unwritable_folder);
  g_test_add_func ("/folder-sink/full-disk-leaves-nothing", test_full_disk_leaves_nothing);
  g_test_add_func ("/folder-sink/needs-encoded-payload", test_needs_encoded_payload);
  return g_test_run ();
}
