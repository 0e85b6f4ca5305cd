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
#include "thumbing-json-util.h"

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

  JsonObject         *authorizer_claims;  /* verified in front of us, or NULL */

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
  g_clear_pointer (&self->authorizer_claims, json_object_unref);
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

/* The claims of a token the gateway in front verified (API Gateway's JWT
 * authorizer), or NULL: only events carry them, never a direct request. */
JsonObject *
thumbing_http_exchange_get_authorizer_claims (ThumbingHttpExchange *self)
{
  return self->authorizer_claims;
}

static JsonObject *
object_member (JsonObject *object,
               const char *name)
{
  JsonNode *node = object != NULL ? json_object_get_member (object, name) : NULL;

  return node != NULL && JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
}

static const char *
string_member (JsonObject *object,
               const char *name)
{
  JsonNode *node = object != NULL ? json_object_get_member (object, name) : NULL;

  return node != NULL && JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING
         ? json_node_get_string (node) : NULL;
}

/* An HTTP token (RFC 9110's tchar): what a header name may be. */
static gboolean
is_header_name (const char *name)
{
  if (*name == '\0')
    return FALSE;
  for (const char *p = name; *p != '\0'; p++)
    if (!g_ascii_isalnum (*p) && strchr ("!#$%&'*+-.^_`|~", *p) == NULL)
      return FALSE;
  return TRUE;
}

/**
 * thumbing_http_exchange_new_from_event:
 * @event: an API Gateway HTTP API event (payload format 2.0), as JSON text
 * @error: return location for a #GError
 *
 * Makes the request an API Gateway event stands for, as the server makes
 * one from a connection: the services answer both the same way. The
 * claims of the gateway's JWT authorizer come along.
 *
 * Returns: (transfer full): an exchange waiting for its answer, or %NULL
 */
ThumbingHttpExchange *
thumbing_http_exchange_new_from_event (const char  *event,
                                       GError     **error)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(SoupMessageHeaders) headers = soup_message_headers_new (SOUP_MESSAGE_HEADERS_REQUEST);
  g_autoptr(GHashTable) query = NULL;
  g_autoptr(GBytes) body = NULL;
  g_autoptr(GInetAddress) remote = NULL;
  g_autofree char *length = NULL;
  JsonObject *root, *context, *http, *header_object, *claims;
  JsonNode *encoded;
  const char *method, *path, *raw_query, *text, *source_ip;
  ThumbingHttpExchange *self;

  if (!json_parser_load_from_data (parser, event, -1, NULL) || (root = thumbing_json_root_object (parser)) == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, _("the event is not a JSON object"));
      return NULL;
    }
  context = object_member (root, "requestContext");
  http = object_member (context, "http");
  method = string_member (http, "method");
  path = string_member (root, "rawPath");
  if (method == NULL || path == NULL || *path != '/')
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   _("the event is not an API Gateway HTTP API request (payload format 2.0: "
                     "requestContext.http.method and rawPath)"));
      return NULL;
    }
  raw_query = string_member (root, "rawQueryString");
  if (raw_query != NULL && *raw_query != '\0')
    {
      query = g_uri_parse_params (raw_query, -1, "&", G_URI_PARAMS_WWW_FORM, error);
      if (query == NULL)
        return NULL;
    }
  header_object = object_member (root, "headers");
  if (header_object != NULL)
    {
      g_autoptr(GList) names = json_object_get_members (header_object);

      for (GList *l = names; l != NULL; l = l->next)
        if ((text = string_member (header_object, l->data)) != NULL)
          {
            if (!is_header_name (l->data) || strpbrk (text, "\r\n") != NULL)
              {
                g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                             _("the event's header “%s” is not a valid HTTP header"), (const char *) l->data);
                return NULL;
              }
            soup_message_headers_append (headers, l->data, text);
          }
    }
  text = string_member (root, "body");
  encoded = json_object_get_member (root, "isBase64Encoded");
  if (text != NULL && encoded != NULL && JSON_NODE_HOLDS_VALUE (encoded)
      && json_node_get_value_type (encoded) == G_TYPE_BOOLEAN && json_node_get_boolean (encoded))
    {
      gsize size = 0;
      guchar *decoded = g_base64_decode (text, &size);

      body = g_bytes_new_take (decoded, size);
    }
  else
    body = g_bytes_new (text != NULL ? text : "", text != NULL ? strlen (text) : 0);
  /* The gateway read the whole body: its length is what arrived. */
  length = g_strdup_printf ("%" G_GSIZE_FORMAT, g_bytes_get_size (body));
  soup_message_headers_replace (headers, "Content-Length", length);
  soup_message_headers_remove (headers, "Transfer-Encoding");
  source_ip = string_member (http, "sourceIp");
  remote = source_ip != NULL ? g_inet_address_new_from_string (source_ip) : NULL;

  self = thumbing_http_exchange_new (method, path, query, headers, body, remote);
  claims = object_member (object_member (object_member (context, "authorizer"), "jwt"), "claims");
  if (claims != NULL)
    self->authorizer_claims = json_object_ref (claims);
  return self;
}

static void
add_answer_header (const char *name,
                   const char *value,
                   gpointer    data)
{
  JsonObject *headers = data;
  g_autofree char *key = g_ascii_strdown (name, -1);
  const char *before = string_member (headers, key);
  g_autofree char *joined = before != NULL ? g_strdup_printf ("%s, %s", before, value) : g_strdup (value);

  json_object_set_string_member (headers, key, joined);
}

/**
 * thumbing_http_exchange_to_event_answer:
 * @self: an answered exchange made by thumbing_http_exchange_new_from_event()
 *
 * Writes the answer as API Gateway wants it from a Lambda function:
 * statusCode, headers, body (base64 when it is not UTF-8 text).
 *
 * Returns: (transfer full): the answer, as JSON text
 */
char *
thumbing_http_exchange_to_event_answer (ThumbingHttpExchange *self)
{
  g_autoptr(JsonObject) answer = json_object_new ();
  g_autoptr(JsonNode) root = json_node_new (JSON_NODE_OBJECT);
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  JsonObject *headers = json_object_new ();
  gsize size = 0;
  const char *data = self->response_body != NULL ? g_bytes_get_data (self->response_body, &size) : NULL;
  gboolean text = data == NULL || (g_utf8_validate (data, size, NULL) && memchr (data, '\0', size) == NULL);

  soup_message_headers_foreach (self->response_headers, add_answer_header, headers);
  json_object_set_int_member (answer, "statusCode", self->status != 0 ? self->status : SOUP_STATUS_INTERNAL_SERVER_ERROR);
  json_object_set_object_member (answer, "headers", headers);
  if (text)
    {
      g_autofree char *body = g_strndup (data != NULL ? data : "", size);

      json_object_set_string_member (answer, "body", body);
    }
  else
    {
      g_autofree char *body = g_base64_encode ((const guchar *) data, size);

      json_object_set_string_member (answer, "body", body);
    }
  json_object_set_boolean_member (answer, "isBase64Encoded", !text);
  json_node_set_object (root, answer);
  json_generator_set_root (generator, root);
  return json_generator_to_data (generator, NULL);
}
