/* test-folder-source.c: reading folders once, recording, watching for complete files
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "config.h"

#include <string.h>
#include <utime.h>

#include <glib/gstdio.h>

#include "thumbing-test-util.h"

typedef struct
{
  char *root;
  char *in;
  char *out;
} Fixture;

static void
fixture_set_up (Fixture *f, gconstpointer data)
{
  f->root = thumbing_test_make_tempdir ();
  f->in = g_build_filename (f->root, "in", NULL);
  f->out = g_build_filename (f->root, "out", NULL);
  g_mkdir (f->in, 0755);
}

static void
fixture_tear_down (Fixture *f, gconstpointer data)
{
  thumbing_test_remove_tree (f->root);
  g_free (f->root);
  g_free (f->in);
  g_free (f->out);
}

static void
write_file (const char *folder, const char *name, const char *contents)
{
  g_autofree char *path = g_build_filename (folder, name, NULL);
  g_autofree char *parent = g_path_get_dirname (path);
  g_autoptr(GError) error = NULL;

  g_mkdir_with_parents (parent, 0755);
  g_file_set_contents (path, contents, -1, &error);
  g_assert_no_error (error);
}

static gboolean
exists (const char *folder, const char *name)
{
  g_autofree char *path = g_build_filename (folder, name, NULL);

  return g_file_test (path, G_FILE_TEST_EXISTS);
}

static guint
copy_run (const char *source_settings, const char *out, guint *failed)
{
  g_autofree char *description = g_strdup_printf ("folder-source %s ! folder-sink path=\"%s\"", source_settings, out);
  guint succeeded = 0;
  thumbing_test_run_launch (description, &succeeded, failed);
  return succeeded;
}

static void
test_once_records_and_skips (Fixture *f, gconstpointer data)
{
  g_autofree char *settings = g_strdup_printf ("path=\"%s\" done=record", f->in);
  g_autofree char *journal = g_build_filename (f->in, ".thumbing-done", NULL);
  g_autofree char *changed = g_build_filename (f->in, "b.jpg", NULL);

  write_file (f->in, "a.jpg", "aaa");
  write_file (f->in, "b.jpg", "bbb");
  write_file (f->in, "c d+e%.jpg", "ccc");
  write_file (f->in, ".hidden.jpg", "x");
  write_file (f->in, "upload.jpg.part", "x");
  write_file (f->in, "sub/nested.jpg", "x");

  g_assert_cmpuint (copy_run (settings, f->out, NULL), ==, 3);
  g_assert_true (exists (f->out, "a.jpg"));
  g_assert_true (exists (f->out, "c d+e%.jpg"));
  g_assert_false (exists (f->out, ".hidden.jpg"));
  g_assert_false (exists (f->out, "upload.jpg.part"));
  g_assert_false (exists (f->out, "sub/nested.jpg"));
  g_assert_true (g_file_test (journal, G_FILE_TEST_EXISTS));

  /* A restart redoes nothing that was done... */
  g_assert_cmpuint (copy_run (settings, f->out, NULL), ==, 0);
  /* ...but a file written again is new work. */
  g_file_set_contents (changed, "bbbb", -1, NULL);
  g_assert_cmpuint (copy_run (settings, f->out, NULL), ==, 1);
  g_assert_cmpuint (copy_run (settings, f->out, NULL), ==, 0);
  /* ...and so is one of the same size, renamed into place within the same
   * second, its modification time set back to the first one's. */
  {
    g_autofree char *staged = g_build_filename (f->in, ".staged", NULL);
    GStatBuf before;
    struct utimbuf times;

    g_assert_cmpint (g_stat (changed, &before), ==, 0);
    g_assert_true (g_file_set_contents (staged, "BBBB", -1, NULL));
    times.actime = before.st_atime;
    times.modtime = before.st_mtime;
    g_assert_cmpint (g_utime (staged, &times), ==, 0);
    g_assert_cmpint (g_rename (staged, changed), ==, 0);
  }
  g_assert_cmpuint (copy_run (settings, f->out, NULL), ==, 1);
  g_assert_cmpuint (copy_run (settings, f->out, NULL), ==, 0);
}

/* A journal written before stamps had nanoseconds and inodes still counts:
 * an upgrade does not redo a whole folder. */
static void
test_older_journal_is_honoured (Fixture *f, gconstpointer data)
{
  g_autofree char *settings = g_strdup_printf ("path=\"%s\"", f->in);
  g_autofree char *journal = g_build_filename (f->in, ".thumbing-done", NULL);
  g_autofree char *path = NULL;
  g_autofree char *line = NULL;
  GStatBuf st;

  write_file (f->in, "old.jpg", "old");
  path = g_build_filename (f->in, "old.jpg", NULL);
  write_file (f->in, "new.jpg", "new");
  g_assert_cmpint (g_stat (path, &st), ==, 0);
  line = g_strdup_printf ("old.jpg\t%" G_GINT64_FORMAT ":%" G_GINT64_FORMAT "\n", (gint64) st.st_size, (gint64) st.st_mtime);
  g_assert_true (g_file_set_contents (journal, line, -1, NULL));
  g_assert_cmpuint (copy_run (settings, f->out, NULL), ==, 1);
  g_assert_true (exists (f->out, "new.jpg"));
  g_assert_false (exists (f->out, "old.jpg"));
}

static void
test_recursive_keeps_subfolders (Fixture *f, gconstpointer data)
{
  g_autofree char *settings = g_strdup_printf ("path=\"%s\" recursive=true", f->in);

  write_file (f->in, "top.jpg", "1");
  write_file (f->in, "sub/deeper/photo.jpg", "2");
  write_file (f->in, ".git/config", "3");
  g_assert_cmpuint (copy_run (settings, f->out, NULL), ==, 2);
  g_assert_true (exists (f->out, "sub/deeper/photo.jpg"));
  g_assert_false (exists (f->out, ".git/config"));
}

static void
test_glob_pattern_and_single_file (Fixture *f, gconstpointer data)
{
  g_autofree char *glob = g_strdup_printf ("path=\"%s/*.jpg\" done=delete", f->in);
  g_autofree char *pattern = g_strdup_printf ("path=\"%s\" pattern=*.png done=delete", f->in);
  g_autofree char *single = NULL;

  write_file (f->in, "one.jpg", "1");
  write_file (f->in, "two.png", "2");
  write_file (f->in, "three.gif", "3");
  g_assert_cmpuint (copy_run (glob, f->out, NULL), ==, 1);
  g_assert_true (exists (f->out, "one.jpg"));
  g_assert_false (exists (f->in, "one.jpg"));
  g_assert_cmpuint (copy_run (pattern, f->out, NULL), ==, 1);
  g_assert_true (exists (f->out, "two.png"));

  single = g_strdup_printf ("path=\"%s/three.gif\" done=delete", f->in);
  g_assert_cmpuint (copy_run (single, f->out, NULL), ==, 1);
  g_assert_true (exists (f->out, "three.gif"));
  g_assert_cmpuint (thumbing_test_count_files (f->in), ==, 0);
}

static void
test_done_move (Fixture *f, gconstpointer data)
{
  g_autofree char *done = g_build_filename (f->root, "done", NULL);
  g_autofree char *settings = g_strdup_printf ("path=\"%s\" recursive=true done=move done-folder=\"%s\"", f->in, done);

  write_file (f->in, "a.jpg", "1");
  write_file (f->in, "sub/b.jpg", "2");
  g_assert_cmpuint (copy_run (settings, f->out, NULL), ==, 2);
  g_assert_true (exists (done, "a.jpg"));
  g_assert_true (exists (done, "sub/b.jpg"));
  g_assert_false (exists (f->in, "a.jpg"));
  g_assert_false (exists (f->in, ".thumbing-done"));
}

static void
test_failed_input_stays_for_retry (Fixture *f, gconstpointer data)
{
  g_autofree char *bad = thumbing_test_sample ("bad", "not-an-image.jpg");
  g_autofree char *good = thumbing_test_sample ("good", "grey.jpg");
  g_autofree char *description = NULL;
  guint succeeded = 0, failed = 0;

  g_free (thumbing_test_copy_into (bad, f->in));
  g_free (thumbing_test_copy_into (good, f->in));
  description = g_strdup_printf ("folder-source path=\"%s\" done=record ! resize ! png-encode ! "
                                 "folder-sink path=\"%s\"", f->in, f->out);
  for (guint run = 0; run < 2; run++)
    {
      thumbing_test_run_launch (description, &succeeded, &failed);
      g_assert_cmpuint (succeeded, ==, run == 0 ? 1 : 0);
      g_assert_cmpuint (failed, ==, 1);
    }
  g_assert_true (exists (f->in, "not-an-image.jpg"));
}

static void
test_bad_settings (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *missing = g_strdup_printf ("folder-source path=\"%s/nope\" ! log", f->root);
  g_autofree char *glob_dir = g_strdup_printf ("folder-source path=\"%s/*/x.jpg\" ! log", f->root);
  g_autoptr(ThumbingPipeline) a = thumbing_pipeline_new_from_launch (missing, &error);
  g_autoptr(ThumbingPipeline) b = NULL;
  g_autoptr(ThumbingPipeline) c = thumbing_pipeline_new_from_launch ("folder-source path=/tmp done=move ! log", &error);

  g_assert_false (thumbing_pipeline_run (a, &error));
  g_assert_error (error, THUMBING_ERROR, THUMBING_ERROR_IO);
  g_assert_true (g_str_has_suffix (error->message, "/nope is neither a folder nor a file"));
  g_clear_error (&error);

  b = thumbing_pipeline_new_from_launch (glob_dir, &error);
  g_assert_false (thumbing_pipeline_check (b, &error));
  g_assert_error (error, THUMBING_ERROR, THUMBING_ERROR_INVALID_VALUE);
  g_assert_nonnull (strstr (error->message, "wildcards are allowed in the file name only"));
  g_clear_error (&error);

  g_assert_false (thumbing_pipeline_check (c, &error));
  g_assert_error (error, THUMBING_ERROR, THUMBING_ERROR_MISSING_PROPERTY);
  g_assert_cmpstr (error->message, ==, "folder-source: done-folder: must be set when done=move");
}

static gboolean
wait_for (const char *folder, const char *name, guint timeout_ms)
{
  gint64 deadline = g_get_monotonic_time () + timeout_ms * 1000;

  while (g_get_monotonic_time () < deadline)
    {
      if (exists (folder, name))
        return TRUE;
      g_main_context_iteration (NULL, FALSE);
      g_usleep (5000);
    }
  return FALSE;
}

static void
spin (guint ms)
{
  gint64 deadline = g_get_monotonic_time () + ms * 1000;

  while (g_get_monotonic_time () < deadline)
    {
      g_main_context_iteration (NULL, FALSE);
      g_usleep (5000);
    }
}

static void
test_watch_takes_only_complete_files (Fixture *f, gconstpointer data)
{
  g_autofree char *description = g_strdup_printf ("folder-source path=\"%s\" watch=true recursive=true ! folder-sink path=\"%s\"",
                                                  f->in, f->out);
  g_autoptr(GError) error = NULL;
  g_autoptr(ThumbingPipeline) pipeline = thumbing_pipeline_new_from_launch (description, &error);
  g_autofree char *slow = g_build_filename (f->in, "slow.jpg", NULL);
  g_autofree char *staged = g_build_filename (f->root, "staged.jpg", NULL);
  g_autofree char *moved = g_build_filename (f->in, "moved.jpg", NULL);
  g_autofree char *partial = g_build_filename (f->in, "renamed.jpg.tmp", NULL);
  g_autofree char *renamed = g_build_filename (f->in, "renamed.jpg", NULL);
  FILE *writer;

  write_file (f->in, "before.jpg", "already there");
  g_assert_true (thumbing_pipeline_start (pipeline, &error));
  g_assert_no_error (error);
  g_assert_true (wait_for (f->out, "before.jpg", 5000));

  /* Half a file: not taken while it is open for writing. */
  writer = fopen (slow, "w");
  g_assert_nonnull (writer);
  fputs ("first half ", writer);
  fflush (writer);
  spin (300);
  g_assert_false (exists (f->out, "slow.jpg"));
  fputs ("second half", writer);
  fclose (writer);
  g_assert_true (wait_for (f->out, "slow.jpg", 5000));
  {
    g_autofree char *copy = g_build_filename (f->out, "slow.jpg", NULL);
    g_autofree char *contents = NULL;

    g_file_get_contents (copy, &contents, NULL, NULL);
    g_assert_cmpstr (contents, ==, "first half second half");
  }

  /* Renamed into place from outside, and within the folder. */
  g_file_set_contents (staged, "staged", -1, NULL);
  g_assert_cmpint (g_rename (staged, moved), ==, 0);
  g_assert_true (wait_for (f->out, "moved.jpg", 5000));
  g_file_set_contents (partial, "partial", -1, NULL);
  g_assert_cmpint (g_rename (partial, renamed), ==, 0);
  g_assert_true (wait_for (f->out, "renamed.jpg", 5000));
  g_assert_false (exists (f->out, "renamed.jpg.tmp"));

  /* A folder created while watching is watched too. */
  write_file (f->in, "later/inner.jpg", "inner");
  g_assert_true (wait_for (f->out, "later/inner.jpg", 5000));

  thumbing_pipeline_stop (pipeline);
  while (thumbing_pipeline_is_running (pipeline))
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpuint (thumbing_pipeline_get_n_succeeded (pipeline), ==, 5);
  g_assert_cmpuint (thumbing_pipeline_get_n_failed (pipeline), ==, 0);
}

static void
test_once_ignores_watch (Fixture *f, gconstpointer data)
{
  g_autofree char *description = g_strdup_printf ("folder-source path=\"%s\" watch=true ! folder-sink path=\"%s\"",
                                                  f->in, f->out);
  g_autoptr(GError) error = NULL;
  g_autoptr(ThumbingPipeline) pipeline = thumbing_pipeline_new_from_launch (description, &error);

  write_file (f->in, "a.jpg", "1");
  write_file (f->in, "b.jpg", "2");
  thumbing_pipeline_set_once (pipeline, TRUE);
  g_assert_true (thumbing_pipeline_run (pipeline, &error));
  g_assert_cmpuint (thumbing_pipeline_get_n_succeeded (pipeline), ==, 2);
  g_assert_cmpint (thumbing_pipeline_get_total_hint (pipeline), ==, 2);
}

int
main (int    argc,
      char **argv)
{
  thumbing_test_init (&argc, &argv);
#define ADD(path, func) g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("/folder-source/once-records-and-skips", test_once_records_and_skips);
  ADD ("/folder-source/older-journal-is-honoured", test_older_journal_is_honoured);
  ADD ("/folder-source/recursive-keeps-subfolders", test_recursive_keeps_subfolders);
  ADD ("/folder-source/glob-pattern-and-single-file", test_glob_pattern_and_single_file);
  ADD ("/folder-source/done-move", test_done_move);
  ADD ("/folder-source/failed-input-stays-for-retry", test_failed_input_stays_for_retry);
  ADD ("/folder-source/bad-settings", test_bad_settings);
  ADD ("/folder-source/watch-takes-only-complete-files", test_watch_takes_only_complete_files);
  ADD ("/folder-source/once-ignores-watch", test_once_ignores_watch);
  return g_test_run ();
}
