/* thumbing-output-server.c: serves the processed images, as a CDN's origin
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * GET and HEAD of the outputs, from the output folder or bucket, with what a
 * CDN in front needs to cache well: the media type, a strong ETag,
 * Last-Modified, Cache-Control, 304 on conditional requests and 206 on a
 * byte range. Only regular, visible files inside the folder are served.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>

#include "thumbing-fs-util.h"
#include "thumbing-http-server.h"
#include "thumbing-http-util.h"
#include "thumbing-output-server.h"
#include "thumbing-s3-bucket.h"

struct _ThumbingOutputServer
{
  ThumbingService   parent_instance;

  char             *address;
  guint             port;
  char             *folder;
  char             *bucket;
  char             *prefix;
  char             *endpoint;
  char             *region;
  char             *cache_control;
  char            **origins;

  ThumbingHttpServer *server;
  ThumbingS3Bucket *s3;
  GCancellable     *cancellable;
};

G_DEFINE_FINAL_TYPE (ThumbingOutputServer, thumbing_output_server, THUMBING_TYPE_SERVICE)

static gboolean
thumbing_output_server_check (ThumbingElement *element,
                              GError         **error)
{
  ThumbingOutputServer *self = THUMBING_OUTPUT_SERVER (element);

  if (thumbing_text_is_set (self->folder) == thumbing_text_is_set (self->bucket))
    {
      g_set_error (error, THUMBING_ERROR, THUMBING_ERROR_CONFIG,
                   _("set exactly one of folder and bucket: where the outputs are"));
      return FALSE;
    }
  return TRUE;
}

/* The request's path, still percent-encoded (the server keeps raw paths),
 * decoded once into a name relative to the outputs, or NULL when it could
 * reach anything else: “..”, “.”, empty or hidden segments, encoded slashes
 * or NUL bytes. So “/%2541.png” names “%41.png”, never “A.png”. */
static char *
relative_name (const char *path)
{
  g_autofree char *decoded = g_uri_unescape_string (path, "/");
  g_auto(GStrv) segments = NULL;

  if (decoded == NULL || decoded[0] != '/' || strchr (decoded, '\\') != NULL)
    return NULL;
  segments = g_strsplit (decoded + 1, "/", -1);
  if (segments[0] == NULL)
    return NULL;
  for (char **s = segments; *s != NULL; s++)
    if (**s == '\0' || **s == '.')
      return NULL;
  return g_strdup (decoded + 1);
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

static void
serve_file (ThumbingOutputServer *self,
            SoupServerMessage    *message,
            const char           *name)
{
  SoupMessageHeaders *request = soup_server_message_get_request_headers (message);
  SoupMessageHeaders *response = soup_server_message_get_response_headers (message);
  g_autoptr(GDateTime) modified = NULL;
  g_autofree char *etag = NULL;
  g_autofree char *last_modified = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GMappedFile) mapped = NULL;
  g_autoptr(GBytes) contents = NULL;
  const char *if_none_match = soup_message_headers_get_one (request, "If-None-Match");
  const char *if_modified_since = soup_message_headers_get_one (request, "If-Modified-Since");
  const char *if_range = soup_message_headers_get_one (request, "If-Range");
  goffset start = 0, end = 0;
  gboolean unsatisfiable = FALSE;
  struct stat info;
  int fd;

  /* No symbolic link, in any segment: nothing outside the folder is reachable. */
  fd = thumbing_fs_open_beneath (self->folder, name, O_RDONLY, NULL);
  if (fd < 0 || fstat (fd, &info) != 0 || !S_ISREG (info.st_mode))
    {
      if (fd >= 0)
        close (fd);
      thumbing_http_respond_error (message, SOUP_STATUS_NOT_FOUND, _("not found"));
      return;
    }
  mapped = g_mapped_file_new_from_fd (fd, FALSE, &error);
  close (fd);
  if (mapped == NULL && info.st_size > 0)
    {
      thumbing_http_respond_error (message, SOUP_STATUS_INTERNAL_SERVER_ERROR, _("the file cannot be read"));
      return;
    }
  contents = mapped != NULL ? g_mapped_file_get_bytes (mapped) : g_bytes_new_static ("", 0);

  /* Files are replaced by renaming, so a new version has a new inode: the
   * tag changes whenever the bytes do. */
  etag = g_strdup_printf ("\"%" G_GINT64_MODIFIER "x-%" G_GINT64_MODIFIER "x-%" G_GINT64_MODIFIER "x\"",
                          (gint64) info.st_ino, (gint64) info.st_size,
                          (gint64) info.st_mtim.tv_sec * G_GINT64_CONSTANT (1000000000) + info.st_mtim.tv_nsec);
  modified = g_date_time_new_from_unix_utc (info.st_mtim.tv_sec);
  last_modified = soup_date_time_to_string (modified, SOUP_DATE_HTTP);
  soup_message_headers_replace (response, "ETag", etag);
  soup_message_headers_replace (response, "Last-Modified", last_modified);
  soup_message_headers_replace (response, "Cache-Control", self->cache_control);
  soup_message_headers_replace (response, "Accept-Ranges", "bytes");

  /* If-None-Match, when sent, decides alone (RFC 9110). */
  if (if_none_match != NULL ? etag_listed (if_none_match, etag)
                            : if_modified_since != NULL && unchanged_since (if_modified_since, info.st_mtim.tv_sec))
    {
      soup_server_message_set_status (message, SOUP_STATUS_NOT_MODIFIED, NULL);
      return;
    }

  soup_message_headers_set_content_type (response, thumbing_http_media_type_for (name), NULL);
  if ((if_range == NULL || strcmp (if_range, etag) == 0)
      && parse_range (soup_message_headers_get_one (request, "Range"), info.st_size, &start, &end, &unsatisfiable))
    {
      g_autofree char *range = g_strdup_printf ("bytes %" G_GOFFSET_FORMAT "-%" G_GOFFSET_FORMAT "/%" G_GOFFSET_FORMAT,
                                                start, end, (goffset) info.st_size);
      g_autoptr(GBytes) part = g_bytes_new_from_bytes (contents, start, end - start + 1);

      soup_message_headers_replace (response, "Content-Range", range);
      soup_server_message_set_status (message, SOUP_STATUS_PARTIAL_CONTENT, NULL);
      soup_message_body_append_bytes (soup_server_message_get_response_body (message), part);
      return;
    }
  if (unsatisfiable && (if_range == NULL || strcmp (if_range, etag) == 0))
    {
      g_autofree char *range = g_strdup_printf ("bytes */%" G_GOFFSET_FORMAT, (goffset) info.st_size);

      soup_message_headers_replace (response, "Content-Range", range);
      thumbing_http_respond_error (message, SOUP_STATUS_REQUESTED_RANGE_NOT_SATISFIABLE, _("the range is beyond the end"));
      return;
    }
  /* libsoup would otherwise apply a Range this answer chose not to honour. */
  soup_message_headers_remove (request, "Range");
  soup_server_message_set_status (message, SOUP_STATUS_OK, NULL);
  /* libsoup refuses an empty buffer; an empty body needs none. */
  if (g_bytes_get_size (contents) > 0)
    soup_message_body_append_bytes (soup_server_message_get_response_body (message), contents);
}

typedef struct
{
  ThumbingOutputServer *self;
  SoupServerMessage    *message;
} Fetch;

static void
on_object (GObject      *object,
           GAsyncResult *result,
           gpointer      data)
{
  Fetch *fetch = data;
  g_autoptr(GError) error = NULL;
  g_autoptr(ThumbingAwsResponse) object_response =
    thumbing_aws_client_send_finish (fetch->self->s3 != NULL ? fetch->self->s3->client : NULL, result, &error);
  SoupMessageHeaders *response = soup_server_message_get_response_headers (fetch->message);
  static const char * const relayed[] = { "Content-Type", "ETag", "Last-Modified", "Content-Range", "Accept-Ranges" };

  if (object_response == NULL)
    {
      if (g_error_matches (error, THUMBING_AWS_ERROR, THUMBING_AWS_ERROR_NOT_FOUND)
          || g_error_matches (error, THUMBING_AWS_ERROR, THUMBING_AWS_ERROR_ACCESS_DENIED))
        thumbing_http_respond_error (fetch->message, SOUP_STATUS_NOT_FOUND, _("not found"));
      else if (g_error_matches (error, THUMBING_AWS_ERROR, THUMBING_AWS_ERROR_INVALID) && strstr (error->message, "HTTP 416") != NULL)
        thumbing_http_respond_error (fetch->message, SOUP_STATUS_REQUESTED_RANGE_NOT_SATISFIABLE, _("the range is beyond the end"));
      else if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          thumbing_element_warn (THUMBING_ELEMENT (fetch->self), _("fetching an output failed: %s"), error->message);
          thumbing_http_respond_error (fetch->message, SOUP_STATUS_BAD_GATEWAY, _("the output store did not answer"));
        }
      else
        thumbing_http_respond_error (fetch->message, SOUP_STATUS_SERVICE_UNAVAILABLE, _("shutting down"));
    }
  else
    {
      for (guint i = 0; i < G_N_ELEMENTS (relayed); i++)
        {
          const char *value = soup_message_headers_get_one (object_response->headers, relayed[i]);

          if (value != NULL)
            soup_message_headers_replace (response, relayed[i], value);
        }
      soup_message_headers_replace (response, "Cache-Control", fetch->self->cache_control);
      soup_server_message_set_status (fetch->message, object_response->status, NULL);
      if (object_response->status != SOUP_STATUS_NOT_MODIFIED && g_bytes_get_size (object_response->body) > 0)
        soup_message_body_append_bytes (soup_server_message_get_response_body (fetch->message), object_response->body);
    }
  soup_server_message_unpause (fetch->message);
  g_object_unref (fetch->message);
  g_object_unref (fetch->self);
  g_free (fetch);
}

/* The bucket answers conditions and ranges itself; they are passed on. */
static void
serve_object (ThumbingOutputServer *self,
              SoupServerMessage    *message,
              const char           *name)
{
  static const char * const forwarded[] = { "Range", "If-None-Match", "If-Modified-Since", "If-Range" };
  g_autofree char *key = g_strconcat (self->prefix, name, NULL);
  ThumbingAwsRequest *request = thumbing_s3_bucket_request (self->s3, "GET", key);
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (message);
  Fetch *fetch = g_new0 (Fetch, 1);

  for (guint i = 0; i < G_N_ELEMENTS (forwarded); i++)
    {
      const char *value = soup_message_headers_get_one (headers, forwarded[i]);

      if (value != NULL)
        thumbing_aws_request_add_header (request, forwarded[i], value);
    }
  fetch->self = g_object_ref (self);
  fetch->message = g_object_ref (message);
  soup_server_message_pause (message);
  thumbing_aws_client_send_async (self->s3->client, request, self->cancellable, on_object, fetch);
}

static void
handle (SoupServer        *server,
        SoupServerMessage *message,
        const char        *path,
        GHashTable        *query,
        gpointer           data)
{
  ThumbingOutputServer *self = data;
  const char *method = soup_server_message_get_method (message);
  g_autofree char *name = NULL;

  thumbing_http_allow_origin (message, (const char * const *) self->origins, "GET, HEAD");
  if (strcmp (method, SOUP_METHOD_GET) != 0 && strcmp (method, SOUP_METHOD_HEAD) != 0)
    {
      soup_message_headers_replace (soup_server_message_get_response_headers (message), "Allow", "GET, HEAD");
      thumbing_http_respond_error (message, SOUP_STATUS_METHOD_NOT_ALLOWED, _("only GET and HEAD"));
      return;
    }
  name = relative_name (path);
  if (name == NULL)
    thumbing_http_respond_error (message, SOUP_STATUS_NOT_FOUND, _("not found"));
  else if (self->s3 != NULL)
    serve_object (self, message, name);
  else
    serve_file (self, message, name);
}

static gboolean
thumbing_output_server_start (ThumbingElement *element,
                              GError         **error)
{
  ThumbingOutputServer *self = THUMBING_OUTPUT_SERVER (element);

  if (thumbing_text_is_set (self->bucket))
    {
      self->s3 = thumbing_s3_bucket_open (self->bucket, self->endpoint, self->region, THUMBING_S3_ADDRESSING_AUTO, error);
      if (self->s3 == NULL)
        return FALSE;
    }
  self->cancellable = g_cancellable_new ();
  self->server = thumbing_http_server_new (element, THUMBING_HTTP_TIMEOUT_SECONDS, THUMBING_HTTP_MAX_CONNECTIONS);
  soup_server_add_handler (thumbing_http_server_get_soup_server (self->server), NULL, handle, self, NULL);
  if (!thumbing_http_server_listen (self->server, self->address, &self->port, error))
    return FALSE;
  g_message (_("%s: serving %s on http://%s:%u/"), thumbing_element_get_name (element),
             thumbing_text_is_set (self->folder) ? self->folder : self->bucket, self->address, self->port);
  return TRUE;
}

static void
thumbing_output_server_stop (ThumbingElement *element)
{
  ThumbingOutputServer *self = THUMBING_OUTPUT_SERVER (element);

  g_cancellable_cancel (self->cancellable);
  g_clear_pointer (&self->server, thumbing_http_server_free);
  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->s3, thumbing_s3_bucket_free);
}

static void
thumbing_output_server_class_init (ThumbingOutputServerClass *klass)
{
  ThumbingElementClass *element_class = THUMBING_ELEMENT_CLASS (klass);
  GParamFlags rw = G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS;

  element_class->check = thumbing_output_server_check;
  element_class->start = thumbing_output_server_start;
  element_class->stop = thumbing_output_server_stop;

  thumbing_element_class_set_metadata (element_class, "output-server",
                                       _("Serves the outputs over HTTP as a CDN’s origin: ETag, Last-Modified, 304, 206"));
  thumbing_element_class_set_permissions (element_class, "s3:GetObject");

  thumbing_http_server_class_install_listener (element_class, G_STRUCT_OFFSET (ThumbingOutputServer, address),
                                               G_STRUCT_OFFSET (ThumbingOutputServer, port), 8082);
  THUMBING_ELEMENT_FIELD (klass, ThumbingOutputServer, folder,
    g_param_spec_string ("folder", NULL, _("Serve the files of this folder"), NULL, rw));
  THUMBING_ELEMENT_FIELD (klass, ThumbingOutputServer, bucket,
    g_param_spec_string ("bucket", NULL, _("Serve the objects of this S3 bucket"), NULL, rw));
  THUMBING_ELEMENT_FIELD (klass, ThumbingOutputServer, prefix,
    g_param_spec_string ("prefix", NULL, _("With bucket: the prefix the request path is under, as “avatars/”"),
                         "", rw | G_PARAM_CONSTRUCT));
  THUMBING_ELEMENT_FIELD (klass, ThumbingOutputServer, endpoint,
    g_param_spec_string ("endpoint", NULL, _("S3 endpoint URL (default as the AWS SDKs find it)"), NULL, rw));
  THUMBING_ELEMENT_FIELD (klass, ThumbingOutputServer, region,
    g_param_spec_string ("region", NULL, _("AWS region (default: AWS_REGION)"), NULL, rw));
  THUMBING_ELEMENT_FIELD (klass, ThumbingOutputServer, cache_control,
    g_param_spec_string ("cache-control", NULL, _("Cache-Control of every output"), "public, max-age=86400",
                         rw | G_PARAM_CONSTRUCT));
  THUMBING_ELEMENT_FIELD (klass, ThumbingOutputServer, origins,
    g_param_spec_boxed ("origins", NULL, _("Origins allowed by CORS; “*” for any"), G_TYPE_STRV, rw));
}

static void
thumbing_output_server_init (ThumbingOutputServer *self)
{
}
