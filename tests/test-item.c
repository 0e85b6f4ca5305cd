/* test-item.c: payloads, metadata and fan-out copies
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "config.h"

#include <glib/gstdio.h>

#include "thumbing-test-util.h"

static void
test_origin_and_name (void)
{
  g_autoptr(ThumbingItem) named = thumbing_item_new ("s3://b/uploads/a b.jpg", "a b.jpg");
  g_autoptr(ThumbingItem) unnamed = thumbing_item_new ("/srv/in/sub/photo.jpg", NULL);

  g_assert_cmpstr (thumbing_item_get_origin (named), ==, "s3://b/uploads/a b.jpg");
  g_assert_cmpstr (thumbing_item_get_name (named), ==, "a b.jpg");
  g_assert_cmpstr (thumbing_item_get_name (unnamed), ==, "photo.jpg");
  g_assert_null (thumbing_item_get_media_type (unnamed));
}

static void
test_bytes_payload (void)
{
  g_autoptr(ThumbingItem) item = thumbing_item_new ("x", NULL);
  g_autoptr(GBytes) bytes = g_bytes_new_static ("\x89PNG", 4);
  g_autoptr(GBytes) loaded = NULL;
  g_autoptr(GError) error = NULL;

  thumbing_item_set_bytes (item, bytes, "image/png");
  g_assert_cmpstr (thumbing_item_get_media_type (item), ==, "image/png");
  g_assert_cmpstr (thumbing_item_get_metadata (item, THUMBING_METADATA_BYTES), ==, "4");
  loaded = thumbing_item_load_bytes (item, &error);
  g_assert_no_error (error);
  g_assert_true (g_bytes_equal (loaded, bytes));
}

static void
test_file_payload (void)
{
  g_autofree char *dir = thumbing_test_make_tempdir ();
  g_autofree char *path = g_build_filename (dir, "in.bin", NULL);
  g_autoptr(ThumbingItem) item = thumbing_item_new (path, NULL);
  g_autoptr(GBytes) loaded = NULL;
  g_autoptr(GError) error = NULL;

  g_file_set_contents (path, "hello", 5, &error);
  g_assert_no_error (error);
  thumbing_item_set_file (item, path, "application/octet-stream");
  g_assert_cmpstr (thumbing_item_get_file (item), ==, path);
  loaded = thumbing_item_load_bytes (item, &error);
  g_assert_no_error (error);
  g_assert_cmpmem (g_bytes_get_data (loaded, NULL), g_bytes_get_size (loaded), "hello", 5);

  g_unlink (path);
  g_clear_pointer (&loaded, g_bytes_unref);
  thumbing_item_set_file (item, path, "application/octet-stream");
  loaded = thumbing_item_load_bytes (item, &error);
  g_assert_error (error, THUMBING_ERROR, THUMBING_ERROR_IO);
  g_assert_null (loaded);
  thumbing_test_remove_tree (dir);
}

static void
test_image_payload (void)
{
  g_autoptr(ThumbingItem) item = thumbing_item_new ("x", NULL);
  g_autoptr(GObject) image = g_object_new (G_TYPE_OBJECT, NULL);
  g_autoptr(GBytes) loaded = NULL;
  g_autoptr(GError) error = NULL;

  thumbing_item_set_image (item, image);
  g_assert_true (thumbing_item_get_image (item) == image);
  g_assert_cmpstr (thumbing_item_get_media_type (item), ==, THUMBING_MEDIA_DECODED_IMAGE);
  loaded = thumbing_item_load_bytes (item, &error);
  g_assert_error (error, THUMBING_ERROR, THUMBING_ERROR_STATE);
}

static void
test_metadata (void)
{
  g_autoptr(ThumbingItem) item = thumbing_item_new ("x", NULL);
  g_auto(GStrv) keys = NULL;

  thumbing_item_set_metadata (item, "b", "2");
  thumbing_item_set_metadata_int (item, "a", -7);
  g_assert_cmpstr (thumbing_item_get_metadata (item, "a"), ==, "-7");
  keys = thumbing_item_get_metadata_keys (item);
  g_assert_cmpuint (g_strv_length (keys), ==, 2);
  g_assert_cmpstr (keys[0], ==, "a");
  g_assert_cmpstr (keys[1], ==, "b");
  thumbing_item_set_metadata (item, "a", NULL);
  g_assert_null (thumbing_item_get_metadata (item, "a"));
}

static void
test_branch_copies_metadata_shares_payload (void)
{
  g_autoptr(ThumbingItem) item = thumbing_item_new ("origin", "name");
  g_autoptr(ThumbingItem) copy = NULL;
  g_autoptr(GBytes) bytes = g_bytes_new_static ("abc", 3);
  g_autoptr(ThumbingDelivery) delivery = thumbing_delivery_new (NULL, NULL, NULL);

  thumbing_item_set_bytes (item, bytes, "image/png");
  thumbing_item_set_metadata (item, "k", "v");
  thumbing_item_set_delivery (item, delivery);
  copy = thumbing_item_branch (item);

  g_assert_true (thumbing_item_get_bytes (copy) == bytes);
  g_assert_true (thumbing_item_get_delivery (copy) == delivery);
  g_assert_cmpstr (thumbing_item_get_name (copy), ==, "name");
  thumbing_item_set_metadata (copy, "k", "changed");
  g_assert_cmpstr (thumbing_item_get_metadata (item, "k"), ==, "v");
}

/* What announcements may say: URIs as they are, local paths as names. */
static void
test_public_origin_and_output (void)
{
  g_autoptr(ThumbingItem) local = thumbing_item_new ("/srv/in/team/a.jpg", "team/a.jpg");
  g_autoptr(ThumbingItem) remote = thumbing_item_new ("s3://photos/uploads/a.jpg", "a.jpg");

  g_assert_cmpstr (thumbing_item_get_public_origin (local), ==, "team/a.jpg");
  g_assert_null (thumbing_item_get_public_output (local));
  thumbing_item_set_metadata (local, THUMBING_METADATA_OUTPUT, "/srv/out/team/a.png");
  thumbing_item_set_metadata (local, THUMBING_METADATA_OUTPUT_NAME, "team/a.png");
  g_assert_cmpstr (thumbing_item_get_public_output (local), ==, "team/a.png");

  g_assert_cmpstr (thumbing_item_get_public_origin (remote), ==, "s3://photos/uploads/a.jpg");
  thumbing_item_set_metadata (remote, THUMBING_METADATA_OUTPUT, "s3://photos/avatars/a.png");
  g_assert_cmpstr (thumbing_item_get_public_output (remote), ==, "s3://photos/avatars/a.png");
}

int
main (int    argc,
      char **argv)
{
  thumbing_test_init (&argc, &argv);
  g_test_add_func ("/item/origin-and-name", test_origin_and_name);
  g_test_add_func ("/item/bytes-payload", test_bytes_payload);
  g_test_add_func ("/item/file-payload", test_file_payload);
  g_test_add_func ("/item/image-payload", test_image_payload);
  g_test_add_func ("/item/metadata", test_metadata);
  g_test_add_func ("/item/branch", test_branch_copies_metadata_shares_payload);
  g_test_add_func ("/item/public-origin-and-output", test_public_origin_and_output);
  return g_test_run ();
}
