/* test-log.c: one line per item, text or JSON
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "config.h"

#include "thumbing-test-util.h"

static ThumbingItem *
done_item (void)
{
  ThumbingItem *item = thumbing_item_new ("in/sub/photo.jpg", "sub/photo.jpg");
  g_autoptr(GBytes) bytes = g_bytes_new_static ("12345", 5);

  thumbing_item_set_bytes (item, bytes, "image/png");
  thumbing_item_set_metadata (item, THUMBING_METADATA_WIDTH, "512");
  thumbing_item_set_metadata (item, THUMBING_METADATA_HEIGHT, "384");
  thumbing_item_set_metadata (item, THUMBING_METADATA_OUTPUT, "out/sub/photo.png");
  thumbing_item_set_metadata (item, THUMBING_METADATA_OUTPUT_NAME, "sub/photo.png");
  return item;
}

static void
log_one (const char *settings)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(ThumbingElement) log = thumbing_test_element (settings, &error);
  g_autoptr(ThumbingItem) item = done_item ();
  g_autoptr(ThumbingItem) result = thumbing_test_process (log, item, &error);

  g_assert_no_error (error);
  g_assert_true (result == item);
}

static void
test_text_line (void)
{
  if (g_test_subprocess ())
    {
      log_one ("log");
      return;
    }
  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_passed ();
  g_test_trap_assert_stdout ("in/sub/photo.jpg -> out/sub/photo.png 512×384 5 bytes * ms\n");
}

static void
test_json_line (void)
{
  if (g_test_subprocess ())
    {
      log_one ("log json=true");
      return;
    }
  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_passed ();
  /* The result document the webhook and SNS send too (README: Event schema). */
  g_test_trap_assert_stdout ("{\"version\":1,\"type\":\"thumbing.image.processed\",\"time\":\"*Z\","
                             "\"item_id\":\"????????????????\",\"origin\":\"sub/photo.jpg\",\"name\":\"sub/photo.jpg\","
                             "\"source\":{\"bucket\":null,\"key\":null,\"etag\":null},"
                             "\"output\":{\"location\":\"sub/photo.png\",\"bucket\":null,\"key\":null,\"url\":null,\"etag\":null},"
                             "\"media_type\":\"image/png\",\"format\":null,\"width\":512,\"height\":384,\"bytes\":5,"
                             "\"milliseconds\":*,\"metadata\":{*\"output\":\"sub/photo.png\",*}}\n");
}

int
main (int    argc,
      char **argv)
{
  thumbing_test_init (&argc, &argv);
  g_test_add_func ("/log/text-line", test_text_line);
  g_test_add_func ("/log/json-line", test_json_line);
  return g_test_run ();
}
