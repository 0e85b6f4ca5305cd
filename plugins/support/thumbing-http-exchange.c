/* thumbing-http-exchange.c: one HTTP request and its answer, apart from any server
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The HTTP services handle (method, path, headers, body) and answer
 * (status, headers, body) through this plain structure; ThumbingHttpServer
 * makes one from each libsoup server message and copies the answer back, so
 * the services' logic does not depend on libsoup's server and can answer
 * requests that arrive another way (an API Gateway event on Lambda).
 */
#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "thumbing-http-exchange.h"

struct _ThumbingHttpExchange
{
  gatomicrefcount     ref_count;

  char               *method;
  char               *path;          /* still percent-encoded */
  GHashTable         *query;         /* decoded name → value, or NULL */
  SoupMessageHeaders *request_headers;
  GBytes             *body;          /* NULL while only the headers are in */
  GInetAddress       *remote;
  gboolean            gone;          /* the client left before the answer */

  guint               status;        /* 0 until answered */
  SoupMessageHeaders *response_headers;
  GBytes             *response_body;

  GFunc               on_finish;
  gpointer            on_finish_data;
  gboolean            finished;
};

/**
 * thumbing_http_exchange_new:
 * @method: the request's method
 * @path: its path, still percent-encoded
 * @query: (nullable): its decoded query parameters
 * @headers: its headers
 * @body: (nullable): its body, or %NULL while only the headers are in
 * @remote: (nullable): the client's address
 *
 * Returns: (transfer full): an exchange waiting for its answer
 */
ThumbingHttpExchange *
thumbing_http_exchange_new (const char         *method,
                            const char         *path,
                            GHashTable         *query,
                            SoupMessageHeaders *headers,
                            GBytes             *body,
                            GInetAddress       *remote)
{
  ThumbingHttpExchange *self = g_new0 (ThumbingHttpExchange, 1);

  g_atomic_ref_count_init (&self->ref_count);
  self->method = g_strdup (method);
  self->path = g_strdup (path);
  self->query = query != NULL ? g_hash_table_ref (query) : NULL;
  self->request_headers = soup_message_headers_ref (headers);
  self->body = body != NULL ? g_bytes_ref (body) : NULL;
  self->remote = remote != NULL ? g_object_ref (remote) : NULL;
  self->response_headers = soup_message_headers_new (SOUP_MESSAGE_HEADERS_RESPONSE);
  return self;
}

ThumbingHttpExchange *
thumbing_http_exchange_ref (ThumbingHttpExchange *self)
{
  g_atomic_ref_count_inc (&self->ref_count);
  return self;
}

void
thumbing_http_exchange_unref (ThumbingHttpExchange *self)
{
  if (!g_atomic_ref_count_dec (&self->ref_count))
    return;
  g_free (self->method);
  g_free (self->path);
  g_clear_pointer (&self->query, g_hash_table_unref);
  soup_message_headers_unref (self->request_headers);
  g_clear_pointer (&self->body, g_bytes_unref);
  g_clear_object (&self->remote);
  soup_message_headers_unref (self->response_headers);
  g_clear_pointer (&self->response_body, g_bytes_unref);
  g_free (self);
}

const char *
thumbing_http_exchange_get_method (ThumbingHttpExchange *self)
{
  return self->method;
}

const char *
thumbing_http_exchange_get_path (ThumbingHttpExchange *self)
{
  return self->path;
}

const char *
thumbing_http_exchange_get_query (ThumbingHttpExchange *self,
                                  const char           *name)
{
  return self->query != NULL ? g_hash_table_lookup (self->query, name) : NULL;
}

const char *
thumbing_http_exchange_get_header (ThumbingHttpExchange *self,
                                   const char           *name)
{
  return soup_message_headers_get_one (self->request_headers, name);
}

SoupMessageHeaders *
thumbing_http_exchange_get_request_headers (ThumbingHttpExchange *self)
{
  return self->request_headers;
}

GBytes *
thumbing_http_exchange_get_body (ThumbingHttpExchange *self)
{
  return self->body;
}

GInetAddress *
thumbing_http_exchange_get_remote (ThumbingHttpExchange *self)
{
  return self->remote;
}

gboolean
thumbing_http_exchange_is_gone (ThumbingHttpExchange *self)
{
  return self->gone;
}

/* The client left: the answer, if any, goes nowhere. */
void
thumbing_http_exchange_set_gone (ThumbingHttpExchange *self)
{
  self->gone = TRUE;
}

void
thumbing_http_exchange_set_header (ThumbingHttpExchange *self,
                                   const char           *name,
                                   const char           *value)
{
  soup_message_headers_replace (self->response_headers, name, value);
}

/* Sets the answer; a second answer replaces the first. */
void
thumbing_http_exchange_respond (ThumbingHttpExchange *self,
                                guint                 status,
                                const char           *content_type,
                                GBytes               *body)
{
  self->status = status;
  if (content_type != NULL)
    soup_message_headers_replace (self->response_headers, "Content-Type", content_type);
  g_clear_pointer (&self->response_body, g_bytes_unref);
  self->response_body = body != NULL ? g_bytes_ref (body) : NULL;
}

/* Answers with the document @builder holds. */
void
thumbing_http_exchange_respond_json (ThumbingHttpExchange *self,
                                     guint                 status,
                                     JsonBuilder          *builder)
{
  g_autoptr(JsonNode) root = json_builder_get_root (builder);
  char *json = json_to_string (root, FALSE);
  g_autoptr(GBytes) body = g_bytes_new_take (json, strlen (json));

  soup_message_headers_replace (self->response_headers, "Cache-Control", "no-store");
  thumbing_http_exchange_respond (self, status, "application/json", body);
}

void
thumbing_http_exchange_respond_error (ThumbingHttpExchange *self,
                                      guint                 status,
                                      const char           *text)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "error");
  json_builder_add_string_value (builder, text);
  json_builder_end_object (builder);
  thumbing_http_exchange_respond_json (self, status, builder);
}

guint
thumbing_http_exchange_get_status (ThumbingHttpExchange *self)
{
  return self->status;
}

SoupMessageHeaders *
thumbing_http_exchange_get_response_headers (ThumbingHttpExchange *self)
{
  return self->response_headers;
}

GBytes *
thumbing_http_exchange_get_response_body (ThumbingHttpExchange *self)
{
  return self->response_body;
}

/* What the adapter does once the answer is complete. */
void
thumbing_http_exchange_on_finish (ThumbingHttpExchange *self,
                                  GFunc                 func,
                                  gpointer              data)
{
  self->on_finish = func;
  self->on_finish_data = data;
}

/* The answer is complete: it goes out. Once only; later calls do nothing. */
void
thumbing_http_exchange_finish (ThumbingHttpExchange *self)
{
  if (self->finished)
    return;
  self->finished = TRUE;
  if (self->on_finish != NULL)
    self->on_finish (self, self->on_finish_data);
}

/* Adds the CORS headers for the request's Origin if @origins allows it
 * (“*” allows any); returns whether it did. */
gboolean
thumbing_http_exchange_allow_origin (ThumbingHttpExchange *self,
                                     const char * const   *origins,
                                     const char           *methods)
{
  const char *origin = thumbing_http_exchange_get_header (self, "Origin");

  soup_message_headers_append (self->response_headers, "Vary", "Origin");
  if (origin == NULL || origins == NULL
      || (!g_strv_contains (origins, origin) && !g_strv_contains (origins, "*")))
    return FALSE;
  soup_message_headers_replace (self->response_headers, "Access-Control-Allow-Origin", origin);
  soup_message_headers_replace (self->response_headers, "Access-Control-Allow-Methods", methods);
  soup_message_headers_replace (self->response_headers, "Access-Control-Allow-Headers", "authorization, content-type");
  soup_message_headers_replace (self->response_headers, "Access-Control-Expose-Headers", "etag, content-length, content-range");
  soup_message_headers_replace (self->response_headers, "Access-Control-Max-Age", "600");
  return TRUE;
}

/* The token of an “Authorization: Bearer …” header, the scheme matched
 * without regard to case (RFC 9110); with @bare_allowed, a header without
 * a scheme is taken as the token itself. */
const char *
thumbing_http_exchange_bearer_token (ThumbingHttpExchange *self,
                                     gboolean              bare_allowed)
{
  const char *authorization = thumbing_http_exchange_get_header (self, "Authorization");

  if (authorization == NULL)
    return NULL;
  if (g_ascii_strncasecmp (authorization, "Bearer ", strlen ("Bearer ")) == 0)
    return authorization + strlen ("Bearer ");
  return bare_allowed ? authorization : NULL;
}
