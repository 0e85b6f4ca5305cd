/* thumbing-folder-sink.c: writes encoded items into a local folder, atomically
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "config.h"

#include <errno.h>

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>

#include "thumbing-folder-sink.h"
#include "thumbing-fs-util.h"

struct _ThumbingFolderSink
{
  ThumbingSink          parent_instance;

  char                 *path;
  char                 *template_text;
  gboolean              durable;
  ThumbingNameTemplate *name_template;
};

G_DEFINE_FINAL_TYPE (ThumbingFolderSink, thumbing_folder_sink, THUMBING_TYPE_SINK)

static void
thumbing_folder_sink_finalize (GObject *object)
{
  ThumbingFolderSink *self = THUMBING_FOLDER_SINK (object);

  g_clear_pointer (&self->name_template, thumbing_name_template_unref);
  G_OBJECT_CLASS (thumbing_folder_sink_parent_class)->finalize (object);
}

static gboolean
thumbing_folder_sink_check (ThumbingElement *element,
                            GError         **error)
{
  ThumbingFolderSink *self = THUMBING_FOLDER_SINK (element);

  return thumbing_name_template_set (&self->name_template, self->template_text, error);
}

static gboolean
thumbing_folder_sink_start (ThumbingElement *element,
                            GError         **error)
{
  ThumbingFolderSink *self = THUMBING_FOLDER_SINK (element);

  if (self->name_template == NULL && !thumbing_folder_sink_check (element, error))
    return FALSE;
  if (g_mkdir_with_parents (self->path, 0755) != 0)
    {
      int saved = errno;

      g_set_error (error, THUMBING_ERROR, THUMBING_ERROR_IO,
                   _("path: cannot create folder %s: %s"), self->path, g_strerror (saved));
      return FALSE;
    }
  return TRUE;
}

static ThumbingItem *
thumbing_folder_sink_process (ThumbingElement *element,
                              ThumbingItem    *item,
                              GCancellable    *cancellable,
                              GError         **error)
{
  ThumbingFolderSink *self = THUMBING_FOLDER_SINK (element);
  g_autofree char *name = NULL;
  g_autofree char *target = NULL;
  g_autofree char *parent = NULL;
  g_autoptr(GBytes) bytes = NULL;

  name = thumbing_name_template_expand (self->name_template, item, error);
  if (name == NULL)
    return NULL;
  bytes = thumbing_item_load_bytes (item, error);
  if (bytes == NULL)
    return NULL;

  target = g_build_filename (self->path, name, NULL);
  parent = g_path_get_dirname (target);
  if (g_mkdir_with_parents (parent, 0755) != 0)
    {
      int saved = errno;

      g_set_error (error, THUMBING_ERROR, THUMBING_ERROR_IO,
                   _("cannot create folder %s: %s"), parent, g_strerror (saved));
      return NULL;
    }

  if (!thumbing_fs_write_atomically (target, bytes, self->durable, error))
    return NULL;

  thumbing_item_set_metadata (item, THUMBING_METADATA_OUTPUT, target);
  thumbing_item_set_metadata (item, THUMBING_METADATA_OUTPUT_NAME, name);
  return thumbing_item_ref (item);
}

static char *
thumbing_folder_sink_get_location (ThumbingElement *element)
{
  ThumbingFolderSink *self = THUMBING_FOLDER_SINK (element);
  g_autofree char *absolute = NULL;

  if (self->path == NULL)
    return NULL;
  absolute = g_canonicalize_filename (self->path, NULL);
  return g_strdup_printf ("file://%s/", absolute);
}

static void
thumbing_folder_sink_class_init (ThumbingFolderSinkClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  ThumbingElementClass *element_class = THUMBING_ELEMENT_CLASS (klass);

  object_class->finalize = thumbing_folder_sink_finalize;

  element_class->check = thumbing_folder_sink_check;
  element_class->start = thumbing_folder_sink_start;
  element_class->process = thumbing_folder_sink_process;
  element_class->get_location = thumbing_folder_sink_get_location;

  thumbing_element_class_set_metadata (element_class, "folder-sink",
                                       _("Writes encoded items into a local folder, atomically"));
  thumbing_element_class_set_metadata_keys (element_class, NULL,
                                            THUMBING_METADATA_OUTPUT ";" THUMBING_METADATA_OUTPUT_NAME);
  thumbing_element_class_set_media (element_class, "*/*", NULL);

  THUMBING_ELEMENT_FIELD (klass, ThumbingFolderSink, path,
    g_param_spec_string ("path", NULL, _("The output folder, created if missing"),
                         NULL,
                         G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | THUMBING_PARAM_REQUIRED));
  THUMBING_ELEMENT_FIELD (klass, ThumbingFolderSink, template_text,
    g_param_spec_string ("template", NULL,
                         _("Output name: {path} {dir} {name} {stem} {ext} {width} {height} (default: the input’s "
                           "name with the encoded format’s extension)"),
                         "{dir}{stem}.{ext}",
                         G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS));
  THUMBING_ELEMENT_FIELD (klass, ThumbingFolderSink, durable,
    g_param_spec_boolean ("durable", NULL, _("Flush each file to disk before renaming it into place"),
                          FALSE,
                          G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS));
}

static void
thumbing_folder_sink_init (ThumbingFolderSink *self)
{
  /* PNG bytes in “photo.jpg” would mislead every program that opens it. */
  self->template_text = g_strdup ("{dir}{stem}.{ext}");
}
