/* thumbing-folder-source.c: files in a folder, once or as they arrive
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "config.h"

#include <errno.h>
#include <string.h>

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>

#include "thumbing-folder-source.h"

/* Names writers use while a file is still being written. */
static const char * const partial_suffixes[] = { "~", ".tmp", ".part", ".partial", ".crdownload", NULL };

struct _ThumbingFolderSource
{
  ThumbingSource      parent_instance;

  char               *path;
  char               *pattern;
  gboolean            recursive;
  gboolean            watch;
  ThumbingFolderDone  done;
  ThumbingFolderDone  done_now;       /* done, with auto resolved at start */
  char               *done_folder;
  char               *record_file;

  /* Derived at start */
  char               *root;           /* absolute folder the names are relative to */
  char               *display_root;   /* the same folder as the user wrote it, for messages */
  char               *only_file;      /* set when path names one file */
  GPatternSpec       *spec;
  char               *journal_path;
  GHashTable         *journal;        /* name → "size:mtime" of files done */
  GQueue              pending;        /* names (owned) waiting for credit */
  GHashTable         *known;          /* names pending or in flight */
  GHashTable         *monitors;       /* folder path → GFileMonitor */
  guint               credit;
};

G_DEFINE_FINAL_TYPE (ThumbingFolderSource, thumbing_folder_source, THUMBING_TYPE_SOURCE)

G_DEFINE_ENUM_TYPE (ThumbingFolderDone, thumbing_folder_done,
  G_DEFINE_ENUM_VALUE (THUMBING_FOLDER_DONE_RECORD, "record"),
  G_DEFINE_ENUM_VALUE (THUMBING_FOLDER_DONE_MOVE, "move"),
  G_DEFINE_ENUM_VALUE (THUMBING_FOLDER_DONE_DELETE, "delete"),
  G_DEFINE_ENUM_VALUE (THUMBING_FOLDER_DONE_NONE, "none"),
  G_DEFINE_ENUM_VALUE (THUMBING_FOLDER_DONE_AUTO, "auto"))

#define METADATA_SIZE  "source.size"
#define METADATA_MTIME "source.mtime"
#define METADATA_STAMP "source.stamp"

static gboolean
has_glob (const char *text)
{
  return strpbrk (text, "*?[") != NULL;
}

/* The folder an absolute path names: itself, or the one holding the file
 * or the wildcard pattern it ends with. A path that names nothing yet is
 * taken as a folder. */
static char *
folder_of (const char *absolute)
{
  g_autofree char *basename = g_path_get_basename (absolute);

  if (g_file_test (absolute, G_FILE_TEST_IS_DIR)
      || !(has_glob (basename) || g_file_test (absolute, G_FILE_TEST_EXISTS)))
    return g_strdup (absolute);
  return g_path_get_dirname (absolute);
}

static void
thumbing_folder_source_finalize (GObject *object)
{
  ThumbingFolderSource *self = THUMBING_FOLDER_SOURCE (object);

  g_free (self->root);
  g_free (self->display_root);
  g_free (self->only_file);
  g_free (self->journal_path);
  g_clear_pointer (&self->spec, g_pattern_spec_free);
  g_clear_pointer (&self->journal, g_hash_table_unref);
  g_clear_pointer (&self->known, g_hash_table_unref);
  g_clear_pointer (&self->monitors, g_hash_table_unref);
  g_queue_clear_full (&self->pending, g_free);
  G_OBJECT_CLASS (thumbing_folder_source_parent_class)->finalize (object);
}

static gboolean
thumbing_folder_source_check (ThumbingElement *element,
                              GError         **error)
{
  ThumbingFolderSource *self = THUMBING_FOLDER_SOURCE (element);
  g_autofree char *dir = g_path_get_dirname (self->path);

  if (has_glob (dir))
    {
      g_set_error (error, THUMBING_ERROR, THUMBING_ERROR_INVALID_VALUE,
                   _("path: wildcards are allowed in the file name only, not in “%s”"), dir);
      return FALSE;
    }
  if (self->done == THUMBING_FOLDER_DONE_MOVE && (self->done_folder == NULL || *self->done_folder == '\0'))
    {
      g_set_error (error, THUMBING_ERROR, THUMBING_ERROR_MISSING_PROPERTY,
                   _("done-folder: must be set when done=move"));
      return FALSE;
    }
  return TRUE;
}

/* The journal holds one escaped name and stamp per line; the last line for
 * a name wins. A stamp is the size, the modification and change times in
 * nanoseconds and the inode: a file replaced within the same second by one
 * of the same size (an upload renamed into place) has another inode and
 * change time, so it is taken again. */
static char *
file_stamp (GStatBuf *st)
{
  return g_strdup_printf ("%" G_GINT64_FORMAT ":%" G_GINT64_FORMAT ":%" G_GINT64_FORMAT ":%" G_GUINT64_FORMAT,
                          (gint64) st->st_size,
                          (gint64) st->st_mtim.tv_sec * G_GINT64_CONSTANT (1000000000) + st->st_mtim.tv_nsec,
                          (gint64) st->st_ctim.tv_sec * G_GINT64_CONSTANT (1000000000) + st->st_ctim.tv_nsec,
                          (guint64) st->st_ino);
}

/* Whether the journal says the file, as it is now, was done; a line of an
 * older journal, “size:mtime” in seconds, still counts. */
static gboolean
journal_has (ThumbingFolderSource *self,
             const char           *name,
             GStatBuf             *st)
{
  const char *recorded = g_hash_table_lookup (self->journal, name);
  g_autofree char *stamp = NULL;

  if (recorded == NULL)
    return FALSE;
  if (strchr (recorded, ':') == strrchr (recorded, ':'))
    stamp = g_strdup_printf ("%" G_GINT64_FORMAT ":%" G_GINT64_FORMAT, (gint64) st->st_size, (gint64) st->st_mtime);
  else
    stamp = file_stamp (st);
  return strcmp (recorded, stamp) == 0;
}

static gboolean
load_journal (ThumbingFolderSource *self,
              GError              **error)
{
  g_autofree char *contents = NULL;
  g_autoptr(GError) local_error = NULL;
  g_auto(GStrv) lines = NULL;

  self->journal = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  if (!g_file_get_contents (self->journal_path, &contents, NULL, &local_error))
    {
      if (g_error_matches (local_error, G_FILE_ERROR, G_FILE_ERROR_NOENT))
        return TRUE;
      g_set_error (error, THUMBING_ERROR, THUMBING_ERROR_IO,
                   _("cannot read the record file: %s"), local_error->message);
      return FALSE;
    }

  lines = g_strsplit (contents, "\n", -1);
  for (char **line = lines; *line != NULL; line++)
    {
      char *tab = strrchr (*line, '\t');

      if (tab == NULL)
        continue;
      *tab = '\0';
      g_hash_table_insert (self->journal, g_strcompress (*line), g_strdup (tab + 1));
    }
  return TRUE;
}

static gboolean
is_candidate_name (ThumbingFolderSource *self,
                   const char           *basename)
{
  if (basename[0] == '.')
    return FALSE;
  for (guint i = 0; partial_suffixes[i] != NULL; i++)
    if (g_str_has_suffix (basename, partial_suffixes[i]))
      return FALSE;
  return g_pattern_spec_match_string (self->spec, basename);
}

static void drain (ThumbingFolderSource *self);

/* Queues a file if it is a new, complete, matching regular file. */
static void
consider (ThumbingFolderSource *self,
          const char           *path)
{
  g_autofree char *basename = g_path_get_basename (path);
  g_autofree char *name = NULL;
  GStatBuf st;

  if (!is_candidate_name (self, basename))
    return;
  if (self->only_file != NULL && strcmp (path, self->only_file) != 0)
    return;
  if (g_stat (path, &st) != 0 || !S_ISREG (st.st_mode))
    return;
  if (!g_str_has_prefix (path, self->root) || path[strlen (self->root)] != G_DIR_SEPARATOR)
    return;

  name = g_strdup (path + strlen (self->root) + 1);
  if (g_hash_table_contains (self->known, name))
    return;
  if (self->done_now == THUMBING_FOLDER_DONE_RECORD && journal_has (self, name, &st))
    return;

  g_hash_table_add (self->known, g_strdup (name));
  g_queue_push_tail (&self->pending, g_steal_pointer (&name));
}

static int
compare_names (gconstpointer a,
               gconstpointer b,
               gpointer      user_data)
{
  return strcmp (a, b);
}

static void
scan_folder (ThumbingFolderSource *self,
             const char           *folder,
             GPtrArray            *folders)
{
  g_autoptr(GDir) dir = g_dir_open (folder, 0, NULL);
  g_autoptr(GPtrArray) files = g_ptr_array_new_with_free_func (g_free);
  const char *entry;

  if (dir == NULL)
    return;
  g_ptr_array_add (folders, g_strdup (folder));
  while ((entry = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = g_build_filename (folder, entry, NULL);

      if (entry[0] == '.')
        continue;
      if (self->recursive && g_file_test (path, G_FILE_TEST_IS_DIR)
          && !g_file_test (path, G_FILE_TEST_IS_SYMLINK))
        scan_folder (self, path, folders);
      else
        g_ptr_array_add (files, g_steal_pointer (&path));
    }
  /* Sorted, so runs are repeatable. */
  g_ptr_array_sort_with_data (files, (GCompareDataFunc) compare_names, NULL);
  for (guint i = 0; i < files->len; i++)
    consider (self, *(char **) &files->pdata[i]);
}

static void
on_folder_changed (GFileMonitor      *monitor,
                   GFile             *file,
                   GFile             *other_file,
                   GFileMonitorEvent  event,
                   gpointer           user_data);

static void
watch_folder (ThumbingFolderSource *self,
              const char           *folder)
{
  g_autoptr(GFile) dir = NULL;
  g_autoptr(GError) error = NULL;
  GFileMonitor *monitor;

  if (g_hash_table_contains (self->monitors, folder))
    return;
  dir = g_file_new_for_path (folder);
  monitor = g_file_monitor_directory (dir, G_FILE_MONITOR_WATCH_MOVES, NULL, &error);
  if (monitor == NULL)
    {
      thumbing_element_warn (THUMBING_ELEMENT (self), _("cannot watch %s: %s"), folder, error->message);
      return;
    }
  g_signal_connect (monitor, "changed", G_CALLBACK (on_folder_changed), self);
  g_hash_table_insert (self->monitors, g_strdup (folder), monitor);
}

static void
on_folder_changed (GFileMonitor      *monitor,
                   GFile             *file,
                   GFile             *other_file,
                   GFileMonitorEvent  event,
                   gpointer           user_data)
{
  ThumbingFolderSource *self = user_data;
  GFile *arrived = NULL;
  g_autofree char *path = NULL;

  switch (event)
    {
    case G_FILE_MONITOR_EVENT_CHANGES_DONE_HINT:   /* closed after writing */
    case G_FILE_MONITOR_EVENT_MOVED_IN:            /* renamed in from elsewhere */
      arrived = file;
      break;
    case G_FILE_MONITOR_EVENT_RENAMED:             /* renamed within the folder */
      arrived = other_file;
      break;
    case G_FILE_MONITOR_EVENT_CREATED:
      /* A new file is not complete yet; a new folder is watched when recursive. */
      path = g_file_get_path (file);
      if (self->recursive && path != NULL && g_file_test (path, G_FILE_TEST_IS_DIR))
        {
          g_autoptr(GPtrArray) folders = g_ptr_array_new_with_free_func (g_free);

          scan_folder (self, path, folders);
          for (guint i = 0; i < folders->len; i++)
            watch_folder (self, folders->pdata[i]);
          drain (self);
        }
      return;
    default:
      return;
    }

  if (arrived == NULL)
    return;
  path = g_file_get_path (arrived);
  if (path == NULL)
    return;
  consider (self, path);
  drain (self);
}

static gboolean
thumbing_folder_source_start (ThumbingElement *element,
                              GError         **error)
{
  ThumbingFolderSource *self = THUMBING_FOLDER_SOURCE (element);
  g_autofree char *absolute = NULL;
  g_autofree char *basename = NULL;
  g_autoptr(GPtrArray) folders = g_ptr_array_new_with_free_func (g_free);
  const char *pattern = self->pattern;

  absolute = g_canonicalize_filename (self->path, NULL);
  basename = g_path_get_basename (absolute);

  g_clear_pointer (&self->only_file, g_free);
  g_free (self->display_root);
  self->display_root = g_path_get_dirname (self->path);
  if (g_file_test (absolute, G_FILE_TEST_IS_DIR))
    {
      g_free (self->display_root);
      self->display_root = g_strdup (self->path);
    }
  else if (has_glob (basename))
    pattern = basename;
  else if (g_file_test (absolute, G_FILE_TEST_IS_REGULAR))
    self->only_file = g_strdup (absolute);
  else
    {
      g_set_error (error, THUMBING_ERROR, THUMBING_ERROR_IO,
                   _("path: %s is neither a folder nor a file"), self->path);
      return FALSE;
    }
  g_free (self->root);
  self->root = folder_of (absolute);
  if (!g_file_test (self->root, G_FILE_TEST_IS_DIR))
    {
      g_set_error (error, THUMBING_ERROR, THUMBING_ERROR_IO,
                   _("path: folder %s does not exist"), self->root);
      return FALSE;
    }

  g_clear_pointer (&self->spec, g_pattern_spec_free);
  self->spec = g_pattern_spec_new (pattern);
  g_free (self->journal_path);
  self->journal_path = self->record_file != NULL && *self->record_file != '\0'
                         ? g_canonicalize_filename (self->record_file, NULL)
                         : g_build_filename (self->root, ".thumbing-done", NULL);
  g_clear_pointer (&self->journal, g_hash_table_unref);
  self->done_now = self->done;
  /* Journals are for daemons; a one-shot run over someone's photo folder
   * writes nothing into it, and runs again in full next time, unless a
   * journal is already there to continue. */
  if (self->done == THUMBING_FOLDER_DONE_AUTO)
    self->done_now = self->watch || (self->record_file != NULL && *self->record_file != '\0')
                       || g_file_test (self->journal_path, G_FILE_TEST_EXISTS)
                       ? THUMBING_FOLDER_DONE_RECORD : THUMBING_FOLDER_DONE_NONE;
  if (self->done_now == THUMBING_FOLDER_DONE_RECORD && !load_journal (self, error))
    return FALSE;

  g_clear_pointer (&self->known, g_hash_table_unref);
  self->known = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_clear_pointer (&self->monitors, g_hash_table_unref);
  self->monitors = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_object_unref);
  g_queue_clear_full (&self->pending, g_free);
  self->credit = 0;

  scan_folder (self, self->root, folders);
  if (self->watch && !thumbing_source_get_once (THUMBING_SOURCE (self)) && self->only_file == NULL)
    for (guint i = 0; i < folders->len; i++)
      watch_folder (self, folders->pdata[i]);
  else
    thumbing_source_set_total_hint (THUMBING_SOURCE (self), self->pending.length);
  return TRUE;
}

static void
thumbing_folder_source_stop (ThumbingElement *element)
{
  ThumbingFolderSource *self = THUMBING_FOLDER_SOURCE (element);

  g_clear_pointer (&self->monitors, g_hash_table_unref);
  g_queue_clear_full (&self->pending, g_free);
}

static char *
media_type_for (const char *name)
{
  g_autofree char *content_type = g_content_type_guess (name, NULL, 0, NULL);
  char *mime = g_content_type_get_mime_type (content_type);

  return mime != NULL ? mime : g_strdup ("application/octet-stream");
}

static void
drain (ThumbingFolderSource *self)
{
  while (self->credit > 0 && !g_queue_is_empty (&self->pending))
    {
      g_autofree char *name = g_queue_pop_head (&self->pending);
      g_autofree char *path = g_build_filename (self->root, name, NULL);
      g_autofree char *origin = NULL;
      g_autofree char *media_type = NULL;
      g_autoptr(ThumbingItem) item = NULL;
      g_autofree char *stamp = NULL;
      GStatBuf st;

      if (g_stat (path, &st) != 0)
        {
          /* Gone since it was listed: nothing to do. */
          g_hash_table_remove (self->known, name);
          continue;
        }

      origin = g_build_filename (self->display_root, name, NULL);
      media_type = media_type_for (name);
      item = thumbing_item_new (origin, name);
      thumbing_item_set_file (item, path, media_type);
      thumbing_item_set_metadata_int (item, METADATA_SIZE, st.st_size);
      thumbing_item_set_metadata_int (item, THUMBING_METADATA_INPUT_BYTES, st.st_size);
      thumbing_item_set_metadata_int (item, METADATA_MTIME, st.st_mtime);
      stamp = file_stamp (&st);
      thumbing_item_set_metadata (item, METADATA_STAMP, stamp);
      self->credit--;
      thumbing_source_push (THUMBING_SOURCE (self), item);
    }

  if (g_queue_is_empty (&self->pending) && self->monitors != NULL
      && g_hash_table_size (self->monitors) == 0)
    thumbing_source_end (THUMBING_SOURCE (self));
}

static void
thumbing_folder_source_request (ThumbingSource *source,
                                guint           n_items)
{
  ThumbingFolderSource *self = THUMBING_FOLDER_SOURCE (source);

  self->credit += n_items;
  drain (self);
}

static gboolean
append_journal (ThumbingFolderSource *self,
                const char           *name,
                const char           *stamp,
                GError              **error)
{
  g_autofree char *escaped = g_strescape (name, NULL);
  g_autofree char *line = g_strdup_printf ("%s\t%s\n", escaped, stamp);
  FILE *journal = g_fopen (self->journal_path, "a");
  gboolean ok;

  if (journal == NULL)
    {
      int saved = errno;

      g_set_error (error, THUMBING_ERROR, THUMBING_ERROR_IO, _("cannot append to %s: %s"),
                   self->journal_path, g_strerror (saved));
      return FALSE;
    }
  ok = fputs (line, journal) >= 0;
  ok = (fclose (journal) == 0) && ok;
  if (!ok)
    g_set_error (error, THUMBING_ERROR, THUMBING_ERROR_IO, _("cannot append to %s"), self->journal_path);
  return ok;
}

static gboolean
move_to_done_folder (ThumbingFolderSource *self,
                     const char           *name,
                     GError              **error)
{
  g_autofree char *from = g_build_filename (self->root, name, NULL);
  g_autofree char *to = g_build_filename (self->done_folder, name, NULL);
  g_autofree char *parent = g_path_get_dirname (to);
  g_autoptr(GFile) source = g_file_new_for_path (from);
  g_autoptr(GFile) destination = g_file_new_for_path (to);
  g_autoptr(GError) local_error = NULL;

  if (g_mkdir_with_parents (parent, 0755) != 0)
    {
      int saved = errno;

      g_set_error (error, THUMBING_ERROR, THUMBING_ERROR_IO, _("cannot create %s: %s"),
                   parent, g_strerror (saved));
      return FALSE;
    }
  if (!g_file_move (source, destination, G_FILE_COPY_OVERWRITE, NULL, NULL, NULL, &local_error))
    {
      g_set_error (error, THUMBING_ERROR, THUMBING_ERROR_IO, _("cannot move %s to %s: %s"),
                   from, to, local_error->message);
      return FALSE;
    }
  return TRUE;
}

static void
thumbing_folder_source_ack (ThumbingSource *source,
                            ThumbingItem   *item)
{
  ThumbingFolderSource *self = THUMBING_FOLDER_SOURCE (source);
  const char *name = thumbing_item_get_name (item);
  g_autoptr(GError) error = NULL;
  gboolean ok = TRUE;

  switch (self->done_now)
    {
    case THUMBING_FOLDER_DONE_NONE:
      break;
    case THUMBING_FOLDER_DONE_RECORD:
      {
        g_autofree char *stamp = g_strdup (thumbing_item_get_metadata (item, METADATA_STAMP));

        ok = append_journal (self, name, stamp, &error);
        if (ok && self->journal != NULL)
          g_hash_table_insert (self->journal, g_strdup (name), g_steal_pointer (&stamp));
        break;
      }
    case THUMBING_FOLDER_DONE_MOVE:
      ok = move_to_done_folder (self, name, &error);
      break;
    case THUMBING_FOLDER_DONE_DELETE:
      {
        g_autofree char *path = g_build_filename (self->root, name, NULL);

        if (g_unlink (path) != 0 && errno != ENOENT)
          {
            int saved = errno;

            g_set_error (&error, THUMBING_ERROR, THUMBING_ERROR_IO, _("cannot delete %s: %s"),
                         path, g_strerror (saved));
            ok = FALSE;
          }
        break;
      }
    default:
      g_assert_not_reached ();
    }

  if (!ok)
    thumbing_element_warn (THUMBING_ELEMENT (self), _("%s was processed, but marking it done failed: %s"),
                           thumbing_item_get_origin (item), error->message);
  if (self->known != NULL)
    g_hash_table_remove (self->known, name);
}

static void
thumbing_folder_source_nack (ThumbingSource *source,
                             ThumbingItem   *item,
                             const GError   *error)
{
  ThumbingFolderSource *self = THUMBING_FOLDER_SOURCE (source);

  /* The file stays where it is, unrecorded: the next run tries it again.
   * While watching, it is not retried until it is written again. */
  if (self->known != NULL)
    g_hash_table_remove (self->known, thumbing_item_get_name (item));
}

static char *
thumbing_folder_source_get_location (ThumbingElement *element)
{
  ThumbingFolderSource *self = THUMBING_FOLDER_SOURCE (element);
  g_autofree char *absolute = NULL;
  g_autofree char *folder = NULL;

  if (self->path == NULL)
    return NULL;
  absolute = g_canonicalize_filename (self->path, NULL);
  folder = folder_of (absolute);
  return g_strdup_printf ("file://%s/", folder);
}

static gboolean
thumbing_folder_source_reads_from (ThumbingSource *source,
                                   const char     *location)
{
  ThumbingFolderSource *self = THUMBING_FOLDER_SOURCE (source);
  g_autofree char *own = thumbing_folder_source_get_location (THUMBING_ELEMENT (self));

  if (own == NULL)
    return FALSE;
  /* Without recursion only the folder itself is read, not its subfolders. */
  return self->recursive ? g_str_has_prefix (location, own) : strcmp (location, own) == 0;
}

static void
thumbing_folder_source_class_init (ThumbingFolderSourceClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  ThumbingElementClass *element_class = THUMBING_ELEMENT_CLASS (klass);
  ThumbingSourceClass *source_class = THUMBING_SOURCE_CLASS (klass);

  object_class->finalize = thumbing_folder_source_finalize;

  element_class->check = thumbing_folder_source_check;
  element_class->start = thumbing_folder_source_start;
  element_class->stop = thumbing_folder_source_stop;
  element_class->get_location = thumbing_folder_source_get_location;

  source_class->request = thumbing_folder_source_request;
  source_class->ack = thumbing_folder_source_ack;
  source_class->nack = thumbing_folder_source_nack;
  source_class->reads_from = thumbing_folder_source_reads_from;

  thumbing_element_class_set_metadata (element_class, "folder-source",
                                       _("Reads the files in a local folder, and new ones as they are completely written"));
  thumbing_element_class_set_metadata_keys (element_class, NULL, METADATA_SIZE ";" METADATA_MTIME ";" METADATA_STAMP
                                            ";" THUMBING_METADATA_INPUT_BYTES);
  thumbing_element_class_set_media (element_class, NULL, "*/*");

  THUMBING_ELEMENT_FIELD (klass, ThumbingFolderSource, path,
    g_param_spec_string ("path", NULL, _("A folder, a file, or a folder and a wildcard pattern (in/*.jpg)"),
                         NULL,
                         G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | THUMBING_PARAM_REQUIRED));
  THUMBING_ELEMENT_FIELD (klass, ThumbingFolderSource, pattern,
    g_param_spec_string ("pattern", NULL, _("Only files whose names match this wildcard pattern"),
                         "*",
                         G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS));
  THUMBING_ELEMENT_FIELD (klass, ThumbingFolderSource, recursive,
    g_param_spec_boolean ("recursive", NULL, _("Read subfolders too; names keep their subfolder"),
                          FALSE,
                          G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS));
  THUMBING_ELEMENT_FIELD (klass, ThumbingFolderSource, watch,
    g_param_spec_boolean ("watch", NULL, _("Keep running and take files as they are closed after writing or renamed into the folder"),
                          FALSE,
                          G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS));
  THUMBING_ELEMENT_FIELD (klass, ThumbingFolderSource, done,
    g_param_spec_enum ("done", NULL, _("What happens to an input once every stage handled it: record, move, "
                                       "delete, none, or auto (record when watching, given a record-file or "
                                       "finding a journal; none otherwise)"),
                       thumbing_folder_done_get_type (), THUMBING_FOLDER_DONE_AUTO,
                       G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS));
  THUMBING_ELEMENT_FIELD (klass, ThumbingFolderSource, done_folder,
    g_param_spec_string ("done-folder", NULL, _("Where done=move puts handled inputs"),
                         NULL,
                         G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS));
  THUMBING_ELEMENT_FIELD (klass, ThumbingFolderSource, record_file,
    g_param_spec_string ("record-file", NULL, _("The journal done=record appends to (default: .thumbing-done in the folder)"),
                         NULL,
                         G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS));
}

static void
thumbing_folder_source_init (ThumbingFolderSource *self)
{
  self->pattern = g_strdup ("*");
  self->done = THUMBING_FOLDER_DONE_AUTO;
  g_queue_init (&self->pending);
}
