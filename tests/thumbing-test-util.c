/* thumbing-test-util.c
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "config.h"

#include <glib/gstdio.h>

#include "thumbing-test-util.h"

/* libvips reports recoverable damage as GLib warnings in its own domain;
 * the tests assert on the errors thumbing raises instead. */
static gboolean
ignore_vips_warnings (const char     *log_domain,
                      GLogLevelFlags  log_level,
                      const char     *message,
                      gpointer        user_data)
{
  return g_strcmp0 (log_domain, "VIPS") != 0;
}

void
thumbing_test_init (int    *argc,
                    char ***argv)
{
  g_test_init (argc, argv, NULL);
  g_test_log_set_fatal_handler (ignore_vips_warnings, NULL);
  /* Scan now, so a plugin's init runs before any test measures anything. */
  thumbing_registry_get_default ();
}

char *
thumbing_test_make_tempdir (void)
{
  g_autoptr(GError) error = NULL;
  char *path = g_dir_make_tmp ("thumbing-test-XXXXXX", &error);

  g_assert_no_error (error);
  return path;
}

void
thumbing_test_remove_tree (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  if (dir != NULL)
    while ((name = g_dir_read_name (dir)) != NULL)
      {
        g_autofree char *child = g_build_filename (path, name, NULL);

        if (g_file_test (child, G_FILE_TEST_IS_DIR) && !g_file_test (child, G_FILE_TEST_IS_SYMLINK))
          thumbing_test_remove_tree (child);
        else
          g_unlink (child);
      }
  g_rmdir (path);
}

char *
thumbing_test_sample (const char *kind,
                      const char *name)
{
  const char *root = g_getenv ("THUMBING_TEST_SAMPLES");

  g_assert_nonnull (root);
  return g_build_filename (root, kind, name, NULL);
}

char *
thumbing_test_copy_into (const char *file,
                         const char *folder)
{
  g_autofree char *contents = NULL;
  g_autofree char *basename = g_path_get_basename (file);
  char *target = g_build_filename (folder, basename, NULL);
  gsize length = 0;
  g_autoptr(GError) error = NULL;

  g_file_get_contents (file, &contents, &length, &error);
  g_assert_no_error (error);
  g_file_set_contents (target, contents, length, &error);
  g_assert_no_error (error);
  return target;
}

guint
thumbing_test_count_files (const char *folder)
{
  g_autoptr(GDir) dir = g_dir_open (folder, 0, NULL);
  guint count = 0;

  if (dir == NULL)
    return 0;
  while (g_dir_read_name (dir) != NULL)
    count++;
  return count;
}

ThumbingPipeline *
thumbing_test_run_launch (const char *description,
                          guint      *n_succeeded,
                          guint      *n_failed)
{
  g_autoptr(GError) error = NULL;
  ThumbingPipeline *pipeline = thumbing_pipeline_new_from_launch (description, &error);

  g_assert_no_error (error);
  thumbing_pipeline_run (pipeline, &error);
  g_assert_no_error (error);
  if (n_succeeded != NULL)
    *n_succeeded = thumbing_pipeline_get_n_succeeded (pipeline);
  if (n_failed != NULL)
    *n_failed = thumbing_pipeline_get_n_failed (pipeline);
  return pipeline;
}
