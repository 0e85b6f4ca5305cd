/* thumbing-store.c: where objects live, a local folder or an S3 bucket, for the HTTP services
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The upload API and the output server work on "a folder or a bucket". A
 * store is either, behind one interface: a conditional, ranged GET that
 * answers as S3 does (the folder computes ETag, 304, 206 and 416 itself;
 * the bucket forwards the conditions), an atomic local put, and presigned
 * uploads where the store can presign them.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gi18n-lib.h>
#include <libsoup/soup.h>

#include "thumbing-fs-util.h"
#include "thumbing-http-util.h"
#include "thumbing-s3-bucket.h"
#include "thumbing-store.h"

struct _ThumbingStore
{
  char             *folder;     /* a local folder, or NULL */
  ThumbingS3Bucket *bucket;     /* or a bucket, */
  char             *prefix;     /* with the prefix names are under */
  char             *location;   /* as shown to people */
};

ThumbingStore *
thumbing_store_new_folder (const char *folder)
{
  ThumbingStore *self = g_new0 (ThumbingStore, 1);

  self->folder = g_strdup (folder);
  self->location = g_strdup (folder);
  return self;
}

ThumbingStore *
thumbing_store_new_bucket (const char *bucket,
                           const char *prefix,
                           const char *endpoint,
                           const char *region,
                           GError    **error)
{
  g_autoptr(ThumbingStore) self = g_new0 (ThumbingStore, 1);

  self->bucket = thumbing_s3_bucket_open (bucket, endpoint, region, THUMBING_S3_ADDRESSING_AUTO, error);
  if (self->bucket == NULL)
    return NULL;
  self->prefix = g_strdup (prefix != NULL ? prefix : "");
  self->location = g_strdup_printf ("s3://%s/%s", bucket, self->prefix);
  return g_steal_pointer (&self);
}

void
thumbing_store_free (ThumbingStore *self)
{
  if (self == NULL)
    return;
  g_free (self->folder);
  g_clear_pointer (&self->bucket, thumbing_s3_bucket_free);
  g_free (self->prefix);
  g_free (self->location);
  g_free (self);
}

gboolean
thumbing_store_is_local (ThumbingStore *self)
{
  return self->folder != NULL;
}

const char *
thumbing_store_get_location (ThumbingStore *self)
{
  return self->location;
}

void
thumbing_store_object_free (ThumbingStoreObject *object)
{
  if (object == NULL)
    return;
  g_bytes_unref (object->body);
  g_free (object->media_type);
  g_free (object->etag);
  g_free (object->last_modified);
  g_free (object->content_range);
  g_free (object);
}

/* A single byte range of RFC 9110 against @size: TRUE with the range set,
 * or FALSE when there is none to honour. *@unsatisfiable tells a range that
 * cannot be met (416). */
static gboolean
parse_range (const char *header,
             goffset     size,
             goffset    *start,
             goffset    *end,
             gboolean   *unsatisfiable)
{
  const char *spec;
  const char *dash;
  guint64 first, last;

  *unsatisfiable = FALSE;
  if (header == NULL || !g_str_has_prefix (header, "bytes=") || strchr (header, ',') != NULL)
    return FALSE;
  spec = header + strlen ("bytes=");
  dash = strchr (spec, '-');
  if (dash == NULL)
    return FALSE;
  if (dash == spec)
    {
      /* The last N bytes; the last none cannot be met (RFC 9110 14.1.3). */
      if (!g_ascii_string_to_unsigned (dash + 1, 10, 0, G_MAXINT64, &last, NULL))
        return FALSE;
      if (size == 0 || last == 0)
        {
          *unsatisfiable = TRUE;
          return FALSE;
        }
      *start = size - (goffset) MIN (last, (guint64) size);
      *end = size - 1;
      return TRUE;
    }
  {
    g_autofree char *from = g_strndup (spec, dash - spec);

    if (!g_ascii_string_to_unsigned (from, 10, 0, G_MAXINT64, &first, NULL))
      return FALSE;
  }
  if (dash[1] == '\0')
    last = size > 0 ? (guint64) size - 1 : 0;
  else if (!g_ascii_string_to_unsigned (dash + 1, 10, 0, G_MAXINT64, &last, NULL) || last < first)
    return FALSE;
  if ((goffset) first >= size)
    {
      *unsatisfiable = TRUE;
      return FALSE;
    }
  *start = (goffset) first;
  *end = MIN ((goffset) last, size - 1);
  return TRUE;
}

static gboolean
etag_listed (const char *if_none_match,
             const char *etag)
{
  g_auto(GStrv) tags = g_strsplit (if_none_match, ",", -1);

  for (char **t = tags; *t != NULL; t++)
    {
      const char *tag = g_strstrip (*t);

      if (strcmp (tag, "*") == 0)
        return TRUE;
      /* Weak comparison, as If-None-Match asks. */
      if (g_str_has_prefix (tag, "W/"))
        tag += 2;
      if (strcmp (tag, etag) == 0)
        return TRUE;
    }
  return FALSE;
}

static gboolean
unchanged_since (const char *if_modified_since,
                 gint64      modified)
{
  g_autoptr(GDateTime) since = soup_date_time_new_from_http_string (if_modified_since);

  return since != NULL && g_date_time_to_unix (since) >= modified;
}

/* The folder answers a conditional GET itself, as S3 would. */
static ThumbingStoreObject *
get_file (ThumbingStore                 *self,
          const char                    *name,
          const ThumbingStoreConditions *conditions,
          GError                       **error)
{
  g_autoptr(ThumbingStoreObject) object = g_new0 (ThumbingStoreObject, 1);
  g_autoptr(GDateTime) modified = NULL;
  g_autoptr(GMappedFile) mapped = NULL;
  g_autoptr(GBytes) contents = NULL;
  gboolean range_applies;
  gboolean unsatisfiable = FALSE;
  goffset start = 0, end = 0;
  struct stat info;
  int fd;

  /* No symbolic link, in any segment: nothing outside the folder is reachable. */
  fd = thumbing_fs_open_beneath (self->folder, name, O_RDONLY, NULL);
  if (fd < 0 || fstat (fd, &info) != 0 || !S_ISREG (info.st_mode))
    {
      if (fd >= 0)
        close (fd);
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND, _("%s: not found"), name);
      return NULL;
    }
  mapped = g_mapped_file_new_from_fd (fd, FALSE, error);
  close (fd);
  if (mapped == NULL && info.st_size > 0)
    return NULL;
  g_clear_error (error);
  contents = mapped != NULL ? g_mapped_file_get_bytes (mapped) : g_bytes_new_static ("", 0);

  /* Files are replaced by renaming, so a new version has a new inode: the
   * tag changes whenever the bytes do. */
  object->etag = g_strdup_printf ("\"%" G_GINT64_MODIFIER "x-%" G_GINT64_MODIFIER "x-%" G_GINT64_MODIFIER "x\"",
                                  (gint64) info.st_ino, (gint64) info.st_size,
                                  (gint64) info.st_mtim.tv_sec * G_GINT64_CONSTANT (1000000000) + info.st_mtim.tv_nsec);
  modified = g_date_time_new_from_unix_utc (info.st_mtim.tv_sec);
  object->last_modified = soup_date_time_to_string (modified, SOUP_DATE_HTTP);
  object->media_type = g_strdup (thumbing_http_media_type_for (name));

  /* If-None-Match, when sent, decides alone (RFC 9110). */
  if (conditions->if_none_match != NULL ? etag_listed (conditions->if_none_match, object->etag)
                                        : conditions->if_modified_since != NULL
                                          && unchanged_since (conditions->if_modified_since, info.st_mtim.tv_sec))
    {
      object->status = SOUP_STATUS_NOT_MODIFIED;
      object->body = g_bytes_new_static ("", 0);
      return g_steal_pointer (&object);
    }

  range_applies = conditions->if_range == NULL || strcmp (conditions->if_range, object->etag) == 0;
  if (range_applies && parse_range (conditions->range, info.st_size, &start, &end, &unsatisfiable))
    {
      object->status = SOUP_STATUS_PARTIAL_CONTENT;
      object->content_range = g_strdup_printf ("bytes %" G_GOFFSET_FORMAT "-%" G_GOFFSET_FORMAT "/%" G_GOFFSET_FORMAT,
                                               start, end, (goffset) info.st_size);
      object->body = g_bytes_new_from_bytes (contents, start, end - start + 1);
    }
  else if (range_applies && unsatisfiable)
    {
      object->status = SOUP_STATUS_REQUESTED_RANGE_NOT_SATISFIABLE;
      object->content_range = g_strdup_printf ("bytes */%" G_GOFFSET_FORMAT, (goffset) info.st_size);
      object->body = g_bytes_new_static ("", 0);
    }
  else
    {
      object->status = SOUP_STATUS_OK;
      object->body = g_steal_pointer (&contents);
    }
  return g_steal_pointer (&object);
}

static void
on_object (GObject      *source,
           GAsyncResult *result,
           gpointer      data)
{
  g_autoptr(GTask) task = data;
  g_autoptr(GError) error = NULL;
  g_autoptr(ThumbingAwsResponse) response = thumbing_aws_client_send_finish (NULL, result, &error);
  ThumbingStoreObject *object;

  if (response == NULL && g_error_matches (error, THUMBING_AWS_ERROR, THUMBING_AWS_ERROR_INVALID)
      && strstr (error->message, "HTTP 416") != NULL)
    {
      object = g_new0 (ThumbingStoreObject, 1);
      object->status = SOUP_STATUS_REQUESTED_RANGE_NOT_SATISFIABLE;
      object->body = g_bytes_new_static ("", 0);
      g_task_return_pointer (task, object, (GDestroyNotify) thumbing_store_object_free);
      return;
    }
  if (response == NULL)
    {
      /* A private bucket says 403 for a key it does not have. */
      if (g_error_matches (error, THUMBING_AWS_ERROR, THUMBING_AWS_ERROR_NOT_FOUND)
          || g_error_matches (error, THUMBING_AWS_ERROR, THUMBING_AWS_ERROR_ACCESS_DENIED))
        g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_NOT_FOUND, "%s", error->message);
      else
        g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  object = g_new0 (ThumbingStoreObject, 1);
  object->status = response->status;
  object->body = response->body != NULL && response->status != SOUP_STATUS_NOT_MODIFIED
                 ? g_bytes_ref (response->body) : g_bytes_new_static ("", 0);
  object->media_type = g_strdup (soup_message_headers_get_one (response->headers, "Content-Type"));
  object->etag = g_strdup (soup_message_headers_get_one (response->headers, "ETag"));
  object->last_modified = g_strdup (soup_message_headers_get_one (response->headers, "Last-Modified"));
  object->content_range = g_strdup (soup_message_headers_get_one (response->headers, "Content-Range"));
  g_task_return_pointer (task, object, (GDestroyNotify) thumbing_store_object_free);
}

/**
 * thumbing_store_get_async:
 * @self: a store
 * @name: the object's name, relative to the store (checked by the caller)
 * @conditions: the request's validators and range
 * @cancellable: (nullable): a #GCancellable
 * @callback: called on the thread-default main context when done
 * @data: passed to @callback
 *
 * Gets @name as a conditional, ranged GET would. A missing object is
 * %G_IO_ERROR_NOT_FOUND.
 */
void
thumbing_store_get_async (ThumbingStore                 *self,
                          const char                    *name,
                          const ThumbingStoreConditions *conditions,
                          GCancellable                  *cancellable,
                          GAsyncReadyCallback            callback,
                          gpointer                       data)
{
  g_autoptr(GTask) task = g_task_new (NULL, cancellable, callback, data);
  const struct { const char *header; const char *value; } forwarded[] = {
    { "If-None-Match", conditions->if_none_match }, { "If-Modified-Since", conditions->if_modified_since },
    { "Range", conditions->range }, { "If-Range", conditions->if_range },
  };
  g_autofree char *key = NULL;
  ThumbingAwsRequest *request;
  GError *error = NULL;
  ThumbingStoreObject *object;

  g_task_set_source_tag (task, thumbing_store_get_async);
  if (self->folder != NULL)
    {
      object = get_file (self, name, conditions, &error);
      if (object == NULL)
        g_task_return_error (task, error);
      else
        g_task_return_pointer (task, object, (GDestroyNotify) thumbing_store_object_free);
      return;
    }
  /* The bucket answers conditions and ranges itself; they are passed on. */
  key = g_strconcat (self->prefix, name, NULL);
  request = thumbing_s3_bucket_request (self->bucket, "GET", key);
  for (guint i = 0; i < G_N_ELEMENTS (forwarded); i++)
    if (forwarded[i].value != NULL)
      thumbing_aws_request_add_header (request, forwarded[i].header, forwarded[i].value);
  thumbing_aws_client_send_async (self->bucket->client, request, cancellable, on_object, g_steal_pointer (&task));
}

ThumbingStoreObject *
thumbing_store_get_finish (ThumbingStore *self,
                           GAsyncResult  *result,
                           GError       **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}

/**
 * thumbing_store_put_local:
 * @self: a local store
 * @name: the name to write, relative to the folder (checked by the caller)
 * @bytes: the contents
 * @error: return location for a #GError
 *
 * Writes @bytes under @name, creating folders as needed, flushed and then
 * renamed into place, so the folder only ever shows complete files.
 *
 * Returns: whether the file was written
 */
gboolean
thumbing_store_put_local (ThumbingStore *self,
                          const char    *name,
                          GBytes        *bytes,
                          GError       **error)
{
  g_autofree char *target = NULL;
  g_autofree char *directory = NULL;

  g_return_val_if_fail (self->folder != NULL, FALSE);

  target = g_build_filename (self->folder, name, NULL);
  directory = g_path_get_dirname (target);
  if (g_mkdir_with_parents (directory, 0755) != 0)
    {
      int saved = errno;

      g_set_error (error, THUMBING_ERROR, THUMBING_ERROR_IO, _("cannot create folder %s: %s"), directory,
                   g_strerror (saved));
      return FALSE;
    }
  return thumbing_fs_write_atomically (target, bytes, TRUE, error);
}

static void
on_presigned (GObject      *source,
              GAsyncResult *result,
              gpointer      data)
{
  g_autoptr(GTask) task = data;
  GError *error = NULL;
  char *url = thumbing_aws_client_presign_finish (NULL, result, &error);

  if (url == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, url, g_free);
}

/**
 * thumbing_store_presign_put_async:
 * @self: a bucket store
 * @name: the object's name, relative to the store
 * @media_type: the Content-Type the upload must send, signed in
 * @expires: seconds the URL stays valid
 * @cancellable: (nullable): a #GCancellable
 * @callback: called on the thread-default main context when done
 * @data: passed to @callback
 *
 * Makes a presigned PUT URL for @name.
 */
void
thumbing_store_presign_put_async (ThumbingStore       *self,
                                  const char          *name,
                                  const char          *media_type,
                                  guint                expires,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             data)
{
  GTask *task = g_task_new (NULL, cancellable, callback, data);
  g_autofree char *key = NULL;
  ThumbingAwsRequest *request;

  g_task_set_source_tag (task, thumbing_store_presign_put_async);
  if (self->bucket == NULL)
    {
      g_task_return_new_error (task, THUMBING_ERROR, THUMBING_ERROR_UNSUPPORTED,
                               _("a local folder has no presigned URLs"));
      g_object_unref (task);
      return;
    }
  key = g_strconcat (self->prefix, name, NULL);
  request = thumbing_s3_bucket_request (self->bucket, "PUT", key);
  thumbing_aws_request_add_header (request, "Content-Type", media_type);
  thumbing_aws_client_presign_async (self->bucket->client, request, expires, cancellable, on_presigned, task);
}

char *
thumbing_store_presign_put_finish (ThumbingStore *self,
                                   GAsyncResult  *result,
                                   GError       **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}
