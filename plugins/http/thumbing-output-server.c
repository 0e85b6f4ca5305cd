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

#include <string.h>

#include <glib/gi18n-lib.h>

#include "thumbing-http-server.h"
#include "thumbing-http-util.h"
#include "thumbing-output-server.h"
#include "thumbing-store.h"

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
  ThumbingStore    *store;
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

typedef struct
{
  ThumbingOutputServer *self;
  ThumbingHttpExchange *exchange;
} Fetch;

static void
on_object (GObject      *source,
           GAsyncResult *result,
           gpointer      data)
{
  Fetch *fetch = data;
  ThumbingHttpExchange *exchange = fetch->exchange;
  g_autoptr(GError) error = NULL;
  g_autoptr(ThumbingStoreObject) object = thumbing_store_get_finish (NULL, result, &error);

  if (object == NULL)
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND))
        thumbing_http_exchange_respond_error (exchange, SOUP_STATUS_NOT_FOUND, _("not found"));
      else if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        thumbing_http_exchange_respond_error (exchange, SOUP_STATUS_SERVICE_UNAVAILABLE, _("shutting down"));
      else
        {
          thumbing_element_warn (THUMBING_ELEMENT (fetch->self), _("fetching an output failed: %s"), error->message);
          thumbing_http_exchange_respond_error (exchange, SOUP_STATUS_BAD_GATEWAY, _("the output store did not answer"));
        }
    }
  else
    {
      if (object->etag != NULL)
        thumbing_http_exchange_set_header (exchange, "ETag", object->etag);
      if (object->last_modified != NULL)
        thumbing_http_exchange_set_header (exchange, "Last-Modified", object->last_modified);
      if (object->content_range != NULL)
        thumbing_http_exchange_set_header (exchange, "Content-Range", object->content_range);
      thumbing_http_exchange_set_header (exchange, "Cache-Control", fetch->self->cache_control);
      thumbing_http_exchange_set_header (exchange, "Accept-Ranges", "bytes");
      if (object->status == SOUP_STATUS_REQUESTED_RANGE_NOT_SATISFIABLE)
        thumbing_http_exchange_respond_error (exchange, object->status, _("the range is beyond the end"));
      else
        {
          /* libsoup would otherwise apply a Range the store chose not to honour. */
          if (object->status == SOUP_STATUS_OK)
            soup_message_headers_remove (thumbing_http_exchange_get_request_headers (exchange), "Range");
          thumbing_http_exchange_respond (exchange, object->status,
                                          object->status != SOUP_STATUS_NOT_MODIFIED ? object->media_type : NULL,
                                          object->body);
        }
    }
  thumbing_http_exchange_finish (exchange);
  thumbing_http_exchange_unref (exchange);
  g_object_unref (fetch->self);
  g_free (fetch);
}

static void
handle (gpointer              service,
        ThumbingHttpExchange *exchange)
{
  ThumbingOutputServer *self = service;
  const char *method = thumbing_http_exchange_get_method (exchange);
  g_autofree char *name = NULL;
  ThumbingStoreConditions conditions = {
    thumbing_http_exchange_get_header (exchange, "If-None-Match"),
    thumbing_http_exchange_get_header (exchange, "If-Modified-Since"),
    thumbing_http_exchange_get_header (exchange, "Range"),
    thumbing_http_exchange_get_header (exchange, "If-Range"),
  };
  Fetch *fetch;

  thumbing_http_exchange_allow_origin (exchange, (const char * const *) self->origins, "GET, HEAD");
  if (strcmp (method, SOUP_METHOD_GET) != 0 && strcmp (method, SOUP_METHOD_HEAD) != 0)
    {
      thumbing_http_exchange_set_header (exchange, "Allow", "GET, HEAD");
      thumbing_http_exchange_respond_error (exchange, SOUP_STATUS_METHOD_NOT_ALLOWED, _("only GET and HEAD"));
      thumbing_http_exchange_finish (exchange);
      return;
    }
  name = relative_name (thumbing_http_exchange_get_path (exchange));
  if (name == NULL)
    {
      thumbing_http_exchange_respond_error (exchange, SOUP_STATUS_NOT_FOUND, _("not found"));
      thumbing_http_exchange_finish (exchange);
      return;
    }
  fetch = g_new0 (Fetch, 1);
  fetch->self = g_object_ref (self);
  fetch->exchange = thumbing_http_exchange_ref (exchange);
  thumbing_store_get_async (self->store, name, &conditions, self->cancellable, on_object, fetch);
}

static gboolean
thumbing_output_server_start (ThumbingElement *element,
                              GError         **error)
{
  ThumbingOutputServer *self = THUMBING_OUTPUT_SERVER (element);

  self->store = thumbing_text_is_set (self->bucket)
                ? thumbing_store_new_bucket (self->bucket, self->prefix, self->endpoint, self->region, error)
                : thumbing_store_new_folder (self->folder);
  if (self->store == NULL)
    return FALSE;
  self->cancellable = g_cancellable_new ();
  self->server = thumbing_http_server_new (element, THUMBING_HTTP_TIMEOUT_SECONDS, THUMBING_HTTP_MAX_CONNECTIONS);
  thumbing_http_server_set_handlers (self->server, NULL, NULL, handle, self);
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
  g_clear_pointer (&self->store, thumbing_store_free);
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
