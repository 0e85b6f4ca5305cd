/* test-example-element.c: the element doc/writing-elements.md shows, built and run
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "config.h"

#include <string.h>

#include "thumbing-test-util.h"

static void
load_example (void)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (thumbing_registry_load_plugin (thumbing_registry_get_default (),
                                                g_getenv ("THUMBING_EXAMPLE_PLUGIN"), &error));
  g_assert_no_error (error);
}

/* The page shows the file as it is, so what people copy is what is tested. */
static void
test_page_shows_the_file (void)
{
  g_autofree char *page_path = g_build_filename (g_getenv ("THUMBING_SOURCE_ROOT"), "doc", "writing-elements.md", NULL);
  g_autofree char *file_path = g_build_filename (g_getenv ("THUMBING_SOURCE_ROOT"), "doc", "examples", "example-stamp.c", NULL);
  g_autofree char *page = NULL;
  g_autofree char *file = NULL;
  g_autofree char *fenced = NULL;

  g_assert_true (g_file_get_contents (page_path, &page, NULL, NULL));
  g_assert_true (g_file_get_contents (file_path, &file, NULL, NULL));
  fenced = g_strdup_printf ("```c\n%s```\n", file);
  g_assert_nonnull (strstr (page, fenced));
}

static void
test_declared_properties (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(ThumbingElement) stamp = NULL;
  g_autoptr(ThumbingItem) item = thumbing_item_new ("in/a.jpg", "a.jpg");
  g_autoptr(ThumbingItem) result = NULL;
  g_autofree char *value = NULL;
  GParamSpec *pspec;

  load_example ();
  stamp = thumbing_test_element ("stamp key=owner value=Alice case=upper", &error);
  g_assert_no_error (error);
  g_object_get (stamp, "value", &value, NULL);
  g_assert_cmpstr (value, ==, "Alice");
  pspec = g_object_class_find_property (G_OBJECT_GET_CLASS (stamp), "key");
  g_assert_true (pspec->flags & THUMBING_PARAM_REQUIRED);

  result = thumbing_test_process (stamp, item, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (thumbing_item_get_metadata (result, "owner"), ==, "ALICE");

  /* keep-existing leaves it; values set again replace the old ones. */
  g_assert_true (thumbing_element_set_property_from_string (stamp, "keep-existing", "true", NULL));
  g_assert_true (thumbing_element_set_property_from_string (stamp, "value", "Bob", NULL));
  g_clear_pointer (&result, thumbing_item_unref);
  result = thumbing_test_process (stamp, item, &error);
  g_assert_cmpstr (thumbing_item_get_metadata (result, "owner"), ==, "ALICE");
}

static void
test_refusals (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(ThumbingElement) stamp = NULL;

  load_example ();
  stamp = thumbing_test_element ("stamp case=title", &error);
  g_assert_null (stamp);
  g_assert_error (error, THUMBING_ERROR, THUMBING_ERROR_INVALID_VALUE);
  g_clear_error (&error);

  stamp = thumbing_test_element ("stamp key=source.size", &error);
  g_assert_null (stamp);
  g_assert_error (error, THUMBING_ERROR, THUMBING_ERROR_INVALID_VALUE);
  g_assert_cmpstr (error->message, ==, "key: “source.size” has a dot, which thumbing keeps for its own keys");
}

int
main (int    argc,
      char **argv)
{
  thumbing_test_init (&argc, &argv);
  g_test_add_func ("/example-element/page-shows-the-file", test_page_shows_the_file);
  g_test_add_func ("/example-element/declared-properties", test_declared_properties);
  g_test_add_func ("/example-element/refusals", test_refusals);
  return g_test_run ();
}
