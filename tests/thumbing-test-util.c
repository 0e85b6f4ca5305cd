/* thumbing-test-util.c
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "config.h"

#include <signal.h>
#include <string.h>

#include <glib/gstdio.h>

#include "thumbing-test-util.h"

void
thumbing_test_init (int    *argc,
                    char ***argv)
{
  static const char * const own_domains[] = { "Thumbing", "thumbing-core", "thumbing-vips", "thumbing-aws", "thumbing-http" };

  g_test_init (argc, argv, NULL);
  /* Warnings are fatal in thumbing's own code. libvips reports recoverable
   * damage as warnings in its domain, which the vips plugin demotes; the
   * tests assert on the errors thumbing raises instead. */
  g_log_set_always_fatal (G_LOG_FATAL_MASK | G_LOG_LEVEL_CRITICAL);
  for (guint i = 0; i < G_N_ELEMENTS (own_domains); i++)
    g_log_set_fatal_mask (own_domains[i], G_LOG_FATAL_MASK | G_LOG_LEVEL_CRITICAL | G_LOG_LEVEL_WARNING);
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

/* Adds to @found the files under @folder (recursively, no symbolic links)
 * whose names end in @suffix, until it holds @most. */
void
thumbing_test_collect_files (const char *folder,
                             const char *suffix,
                             GPtrArray  *found,
                             guint       most)
{
  g_autoptr(GDir) dir = g_dir_open (folder, 0, NULL);
  const char *name;

  while (dir != NULL && found->len < most && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = g_build_filename (folder, name, NULL);

      if (g_file_test (path, G_FILE_TEST_IS_SYMLINK))
        continue;
      if (g_file_test (path, G_FILE_TEST_IS_DIR))
        thumbing_test_collect_files (path, suffix, found, most);
      else if (g_str_has_suffix (name, suffix))
        g_ptr_array_add (found, g_steal_pointer (&path));
    }
}

/* Runs a launch string to its end and counts what succeeded and failed. */
void
thumbing_test_run_launch (const char *description,
                          guint      *n_succeeded,
                          guint      *n_failed)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(ThumbingPipeline) pipeline = thumbing_pipeline_new_from_launch (description, &error);

  g_assert_no_error (error);
  thumbing_pipeline_run (pipeline, &error);
  g_assert_no_error (error);
  if (n_succeeded != NULL)
    *n_succeeded = thumbing_pipeline_get_n_succeeded (pipeline);
  if (n_failed != NULL)
    *n_failed = thumbing_pipeline_get_n_failed (pipeline);
}

/* Builds one element from launch syntax, as “resize width=64 fit=inside”,
 * and checks and starts it. */
ThumbingElement *
thumbing_test_element (const char *launch_element,
                       GError    **error)
{
  g_auto(GStrv) words = g_strsplit (launch_element, " ", -1);
  g_autoptr(ThumbingElement) element = NULL;

  element = thumbing_registry_create_element (thumbing_registry_get_default (), words[0], NULL, error);
  if (element == NULL)
    return NULL;
  for (char **w = words + 1; *w != NULL; w++)
    {
      char *eq = strchr (*w, '=');

      g_assert_nonnull (eq);
      *eq = '\0';
      if (!thumbing_element_set_property_from_string (element, *w, eq + 1, error))
        return NULL;
    }
  if (!thumbing_element_check (element, error) || !thumbing_element_start (element, error))
    return NULL;
  return g_steal_pointer (&element);
}

typedef struct
{
  gboolean      done;
  ThumbingItem *result;
  GError       *error;
} Processed;

static void
on_processed (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  Processed *processed = user_data;

  processed->result = thumbing_element_process_finish (THUMBING_ELEMENT (object), result, &processed->error);
  processed->done = TRUE;
}

/* Runs one element on one item, as a pipeline would, and waits. */
ThumbingItem *
thumbing_test_process (ThumbingElement *element,
                       ThumbingItem    *item,
                       GError         **error)
{
  Processed processed = { FALSE, NULL, NULL };

  thumbing_element_process_async (element, item, NULL, on_processed, &processed);
  while (!processed.done)
    g_main_context_iteration (NULL, TRUE);
  if (processed.error != NULL)
    g_propagate_error (error, processed.error);
  return processed.result;
}

ThumbingItem *
thumbing_test_file_item (const char *path)
{
  ThumbingItem *item = thumbing_item_new (path, NULL);

  thumbing_item_set_file (item, path, "application/octet-stream");
  return item;
}

/* Starts tests/servers/aws-stack.mjs with @config_json; @endpoints_json
 * gets the line of endpoints it prints. Stop it with thumbing_test_stop_aws_stack(). */
GSubprocess *
thumbing_test_start_aws_stack (const char *config_json,
                               char      **endpoints_json)
{
  g_autofree char *script = g_build_filename (g_getenv ("THUMBING_SOURCE_ROOT"), "tests", "servers",
                                              "aws-stack.mjs", NULL);
  const char *node = g_getenv ("THUMBING_TEST_NODE") != NULL ? g_getenv ("THUMBING_TEST_NODE") : "node";
  g_autoptr(GError) error = NULL;
  g_autoptr(GDataInputStream) lines = NULL;
  GSubprocess *stack;

  stack = g_subprocess_new (G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_PIPE, &error,
                            node, script, config_json, NULL);
  g_assert_no_error (error);
  lines = g_data_input_stream_new (g_subprocess_get_stdout_pipe (stack));
  *endpoints_json = g_data_input_stream_read_line_utf8 (lines, NULL, NULL, &error);
  g_assert_no_error (error);
  if (*endpoints_json == NULL)
    g_error ("the AWS stack (%s %s) did not start", node, script);
  return stack;
}

void
thumbing_test_stop_aws_stack (GSubprocess *stack)
{
  g_autoptr(GError) error = NULL;

  g_subprocess_send_signal (stack, SIGTERM);
  g_subprocess_wait (stack, NULL, &error);
  g_assert_no_error (error);
}
