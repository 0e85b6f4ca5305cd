/* thumbing-upload-api.c: hands out upload URLs to users with a Cognito token
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The seed's POST /avatar/get_upload, behind its JWT authorizer: a user
 * with a valid token gets a URL to PUT one image under the input prefix,
 * named by the token's subject. With `bucket` it is a presigned S3 URL;
 * with `folder` (no cloud) it is a URL of this server, signed with a key
 * only the server knows, whose PUT writes the file into the folder
 * atomically for the pipeline to pick up.
 */
#include "config.h"

#include <errno.h>
#include <string.h>

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#include "thumbing-http-server.h"
#include "thumbing-http-util.h"
#include "thumbing-jwt.h"
#include "thumbing-store.h"
#include "thumbing-upload-api.h"

#define UPLOAD_PATH "/upload/"
#define MAX_REQUEST_BODY (16 * 1024)

struct _ThumbingUploadApi
{
  ThumbingService   parent_instance;

  char             *address;
  guint             port;
  char             *path;
  char             *jwks_url;
  char             *jwks_file;
  guint             jwks_refresh;
  char             *issuer;
  char             *client_id;
  char             *token_use;
  char            **required_groups;
  char            **required_scopes;
  guint             leeway;
  char             *ca_file;
  char            **extensions;
  char             *prefix;
  guint             expires;
  char            **origins;
  char             *bucket;
  char             *endpoint;
  char             *region;
  char             *folder;
  char             *upload_secret;
  guint64           max_upload;
  char             *public_url;

  ThumbingHttpServer *server;
  SoupSession      *session;
  ThumbingStore    *store;
  ThumbingJwks     *jwks;
  gint64            jwks_fetched_at;
  gboolean          jwks_fetching;
  GPtrArray        *waiting;      /* ThumbingHttpExchange, waiting for the JWKS */
  char             *key;          /* HMAC key of local upload URLs */
};

G_DEFINE_FINAL_TYPE (ThumbingUploadApi, thumbing_upload_api, THUMBING_TYPE_SERVICE)

static gboolean
thumbing_upload_api_check (ThumbingElement *element,
                           GError         **error)
{
  ThumbingUploadApi *self = THUMBING_UPLOAD_API (element);
  const char *problem = NULL;

  if (thumbing_text_is_set (self->bucket) == thumbing_text_is_set (self->folder))
    problem = _("set exactly one of bucket (presigned S3 uploads) and folder (uploads to this server)");
  else if (thumbing_text_is_set (self->jwks_url) == thumbing_text_is_set (self->jwks_file))
    problem = _("set exactly one of jwks-url and jwks-file");
  else if (g_strcmp0 (self->token_use, "access") != 0 && g_strcmp0 (self->token_use, "id") != 0)
    problem = _("token-use is “access” or “id”");
  else if (self->path[0] != '/' || g_str_has_prefix (self->path, UPLOAD_PATH))
    problem = _("path must start with / and not with " UPLOAD_PATH);
  else if (self->extensions == NULL || self->extensions[0] == NULL)
    problem = _("extensions allows no extension");
  else if (thumbing_text_is_set (self->jwks_url) && !g_str_has_prefix (self->jwks_url, "https://")
           && !g_str_has_prefix (self->jwks_url, "http://127.0.0.1") && !g_str_has_prefix (self->jwks_url, "http://localhost"))
    problem = _("jwks-url must be https:// (or http on this host)");
  else if (thumbing_text_is_set (self->upload_secret) && strlen (self->upload_secret) < 32)
    problem = _("upload-secret must be at least 32 characters");
  else if (self->origins != NULL && g_strv_contains ((const char * const *) self->origins, "*")
           && g_strv_length (self->origins) > 1)
    problem = _("origins is either “*” or a list of origins");
  for (char **e = self->extensions; problem == NULL && e != NULL && *e != NULL; e++)
    if (!g_regex_match_simple ("^[a-z0-9]{1,8}$", *e, G_REGEX_RAW | G_REGEX_DOLLAR_ENDONLY, 0))
      problem = _("extensions are lower-case letters and digits, as “jpg”");
  if (problem != NULL)
    {
      g_set_error_literal (error, THUMBING_ERROR, THUMBING_ERROR_CONFIG, problem);
      return FALSE;
    }
  return TRUE;
}

/* JWKS */

static void
take_jwks (ThumbingUploadApi *self,
           GBytes            *json,
           const char        *from)
{
  g_autoptr(GError) error = NULL;
  ThumbingJwks *jwks = thumbing_jwks_parse (g_bytes_get_data (json, NULL), g_bytes_get_size (json), &error);

  if (jwks == NULL)
    {
      thumbing_element_warn (THUMBING_ELEMENT (self), _("%s: %s"), from, error->message);
      return;
    }
  g_clear_pointer (&self->jwks, thumbing_jwks_free);
  self->jwks = jwks;
}

static void handle_token_request (ThumbingUploadApi *self, ThumbingHttpExchange *exchange);

static void
on_jwks (GObject      *object,
         GAsyncResult *result,
         gpointer      data)
{
  ThumbingUploadApi *self = data;
  SoupMessage *message = soup_session_get_async_result_message (SOUP_SESSION (object), result);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) json = soup_session_send_and_read_finish (SOUP_SESSION (object), result, &error);
  g_autoptr(GPtrArray) waiting = NULL;

  self->jwks_fetching = FALSE;
  self->jwks_fetched_at = g_get_monotonic_time ();
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_object_unref (self);
      return;
    }
  if (json == NULL || !SOUP_STATUS_IS_SUCCESSFUL (soup_message_get_status (message)))
    thumbing_element_warn (THUMBING_ELEMENT (self), _("fetching the JWKS %s failed: %s"), self->jwks_url,
                           error != NULL ? error->message : soup_message_get_reason_phrase (message));
  else
    take_jwks (self, json, self->jwks_url);

  waiting = g_steal_pointer (&self->waiting);
  self->waiting = g_ptr_array_new_with_free_func ((GDestroyNotify) thumbing_http_exchange_unref);
  for (guint i = 0; i < waiting->len; i++)
    {
      handle_token_request (self, waiting->pdata[i]);
      if (thumbing_http_exchange_get_status (waiting->pdata[i]) != 0)
        thumbing_http_exchange_finish (waiting->pdata[i]);
    }
  g_object_unref (self);
}

static void
fetch_jwks (ThumbingUploadApi *self)
{
  g_autoptr(SoupMessage) message = soup_message_new (SOUP_METHOD_GET, self->jwks_url);

  self->jwks_fetching = TRUE;
  soup_session_send_and_read_async (self->session, message, G_PRIORITY_DEFAULT, NULL, on_jwks, g_object_ref (self));
}

/* Answers */

static void
answer_url (ThumbingUploadApi    *self,
            ThumbingHttpExchange *exchange,
            const char        *url,
            const char        *key,
            const char        *media_type,
            gint64             expires_at)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(GDateTime) when = g_date_time_new_from_unix_utc (expires_at);
  g_autofree char *expires = g_date_time_format (when, "%Y-%m-%dT%H:%M:%SZ");

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "url");
  json_builder_add_string_value (builder, url);
  json_builder_set_member_name (builder, "key");
  json_builder_add_string_value (builder, key);
  json_builder_set_member_name (builder, "expires");
  json_builder_add_string_value (builder, expires);
  json_builder_set_member_name (builder, "method");
  json_builder_add_string_value (builder, "PUT");
  json_builder_set_member_name (builder, "headers");
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "Content-Type");
  json_builder_add_string_value (builder, media_type);
  json_builder_end_object (builder);
  json_builder_end_object (builder);
  thumbing_http_exchange_respond_json (exchange, SOUP_STATUS_OK, builder);
}

/* Local upload URLs: HMAC-SHA256 over method, key, expiry and media type. */
static char *
local_signature (ThumbingUploadApi *self,
                 const char        *key,
                 gint64             expires_at,
                 const char        *media_type)
{
  g_autoptr(GHmac) hmac = g_hmac_new (G_CHECKSUM_SHA256, (const guchar *) self->key, strlen (self->key));
  g_autofree char *text = g_strdup_printf ("PUT\n%s\n%" G_GINT64_FORMAT "\n%s", key, expires_at, media_type);

  g_hmac_update (hmac, (const guchar *) text, -1);
  return g_strdup (g_hmac_get_string (hmac));
}

typedef struct
{
  ThumbingUploadApi    *self;
  ThumbingHttpExchange *exchange;
  char                 *key;
  char              *media_type;
  gint64             expires_at;
} Presign;

static void
presign_free (Presign *presign)
{
  g_object_unref (presign->self);
  thumbing_http_exchange_unref (presign->exchange);
  g_free (presign->key);
  g_free (presign->media_type);
  g_free (presign);
}

static void
on_presigned (GObject      *object,
              GAsyncResult *result,
              gpointer      data)
{
  Presign *presign = data;
  g_autoptr(GError) error = NULL;
  g_autofree char *url = thumbing_store_presign_put_finish (NULL, result, &error);

  if (url == NULL)
    {
      thumbing_element_warn (THUMBING_ELEMENT (presign->self), _("presigning failed: %s"), error->message);
      thumbing_http_exchange_respond_error (presign->exchange, SOUP_STATUS_INTERNAL_SERVER_ERROR,
                                            _("the upload URL could not be made"));
    }
  else
    answer_url (presign->self, presign->exchange, url, presign->key, presign->media_type, presign->expires_at);
  thumbing_http_exchange_finish (presign->exchange);
  presign_free (presign);
}

static void
hand_out_url (ThumbingUploadApi    *self,
              ThumbingHttpExchange *exchange,
              const char        *sub,
              const char        *extension)
{
  g_autofree char *key = g_strdup_printf ("%s%s.%s", self->prefix, sub, extension);
  const char *media_type = thumbing_http_media_type_for (key);
  gint64 expires_at = g_get_real_time () / G_USEC_PER_SEC + self->expires;

  if (!thumbing_store_is_local (self->store))
    {
      Presign *presign = g_new0 (Presign, 1);

      presign->self = g_object_ref (self);
      presign->exchange = thumbing_http_exchange_ref (exchange);
      presign->key = g_strdup (key);
      presign->media_type = g_strdup (media_type);
      presign->expires_at = expires_at;
      thumbing_store_presign_put_async (self->store, key, media_type, self->expires, NULL, on_presigned, presign);
      return;
    }
  {
    g_autofree char *signature = local_signature (self, key, expires_at, media_type);
    g_autofree char *escaped_key = g_uri_escape_string (key, "/", FALSE);
    g_autofree char *escaped_type = g_uri_escape_string (media_type, NULL, FALSE);
    g_autofree char *base = thumbing_text_is_set (self->public_url) ? g_strdup (self->public_url)
                                                       : g_strdup_printf ("http://%s:%u", self->address, self->port);
    g_autofree char *url = g_strdup_printf ("%s" UPLOAD_PATH "%s?expires=%" G_GINT64_FORMAT "&content-type=%s&signature=%s",
                                            base, escaped_key, expires_at, escaped_type, signature);

    answer_url (self, exchange, url, key, media_type, expires_at);
  }
}

/* A Cognito subject is a UUID; anything that could change the key's
 * folder or escape the prefix is refused. */
static gboolean
subject_is_safe (const char *sub)
{
  return g_regex_match_simple ("^[A-Za-z0-9_-][A-Za-z0-9_.@-]{0,127}$", sub, G_REGEX_RAW | G_REGEX_DOLLAR_ENDONLY, 0) && strstr (sub, "..") == NULL;
}

static void
handle_token_request (ThumbingUploadApi    *self,
                      ThumbingHttpExchange *exchange)
{
  const char *token = thumbing_http_exchange_bearer_token (exchange, TRUE);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) claims = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  GBytes *body = thumbing_http_exchange_get_body (exchange);
  g_autofree char *extension = NULL;
  ThumbingJwtPolicy policy = {
    self->issuer, g_strcmp0 (self->token_use, "id") == 0 ? THUMBING_JWT_TOKEN_USE_ID : THUMBING_JWT_TOKEN_USE_ACCESS,
    self->client_id, (const char * const *) self->required_groups, (const char * const *) self->required_scopes,
    self->leeway,
  };
  JsonNode *root;
  JsonNode *member;

  if (token == NULL)
    {
      thumbing_http_exchange_set_header (exchange, "WWW-Authenticate", "Bearer");
      thumbing_http_exchange_respond_error (exchange, SOUP_STATUS_UNAUTHORIZED, _("missing Authorization header"));
      return;
    }
  /* Behind API Gateway's JWT authorizer the signature is checked already;
   * the claims this relies on are checked again all the same. */
  if (thumbing_http_exchange_get_authorizer_claims (exchange) != NULL)
    {
      claims = thumbing_jwt_check_authorizer_claims (thumbing_http_exchange_get_authorizer_claims (exchange),
                                                     &policy, &error);
      if (claims == NULL)
        {
          thumbing_http_exchange_respond_error (exchange,
                                                g_error_matches (error, THUMBING_JWT_ERROR, THUMBING_JWT_ERROR_FORBIDDEN)
                                                ? SOUP_STATUS_FORBIDDEN : SOUP_STATUS_UNAUTHORIZED,
                                                error->message);
          return;
        }
    }
  else if (self->jwks_fetching)
    {
      g_ptr_array_add (self->waiting, thumbing_http_exchange_ref (exchange));
      return;
    }
  if (claims == NULL && self->jwks != NULL)
    claims = thumbing_jwt_verify (token, self->jwks, &policy, &error);
  /* Keys rotated in since the last fetch: fetch again, at most once per interval. */
  if (claims == NULL && thumbing_text_is_set (self->jwks_url)
      && (self->jwks == NULL || g_error_matches (error, THUMBING_JWT_ERROR, THUMBING_JWT_ERROR_UNKNOWN_KEY))
      && g_get_monotonic_time () - self->jwks_fetched_at >= (gint64) self->jwks_refresh * G_USEC_PER_SEC)
    {
      g_ptr_array_add (self->waiting, thumbing_http_exchange_ref (exchange));
      fetch_jwks (self);
      return;
    }
  if (self->jwks == NULL)
    {
      thumbing_http_exchange_respond_error (exchange, SOUP_STATUS_SERVICE_UNAVAILABLE, _("the signing keys are not available yet"));
      return;
    }
  if (claims == NULL)
    {
      gboolean forbidden = g_error_matches (error, THUMBING_JWT_ERROR, THUMBING_JWT_ERROR_FORBIDDEN);

      if (!forbidden)
        thumbing_http_exchange_set_header (exchange, "WWW-Authenticate",
                                      "Bearer error=\"invalid_token\"");
      thumbing_http_exchange_respond_error (exchange, forbidden ? SOUP_STATUS_FORBIDDEN : SOUP_STATUS_UNAUTHORIZED, error->message);
      return;
    }

  if (!thumbing_http_body_is_json_text (body)
      || !json_parser_load_from_data (parser, g_bytes_get_data (body, NULL), g_bytes_get_size (body), NULL)
      || !JSON_NODE_HOLDS_OBJECT (root = json_parser_get_root (parser))
      || (member = json_object_get_member (json_node_get_object (root), "extension")) == NULL
      || !JSON_NODE_HOLDS_VALUE (member) || json_node_get_value_type (member) != G_TYPE_STRING)
    {
      thumbing_http_exchange_respond_error (exchange, SOUP_STATUS_BAD_REQUEST, _("the body must be JSON: {\"extension\": \"jpg\"}"));
      return;
    }
  extension = g_ascii_strdown (json_node_get_string (member), -1);
  if (!g_strv_contains ((const char * const *) self->extensions, extension))
    {
      g_autofree char *allowed = g_strjoinv (", ", self->extensions);
      g_autofree char *problem = g_strdup_printf (_("the extension is not one of %s"), allowed);

      thumbing_http_exchange_respond_error (exchange, SOUP_STATUS_BAD_REQUEST, problem);
      return;
    }
  if (!subject_is_safe (json_object_get_string_member (claims, "sub")))
    {
      thumbing_http_exchange_respond_error (exchange, SOUP_STATUS_FORBIDDEN, _("the token’s subject cannot name a file"));
      return;
    }
  hand_out_url (self, exchange, json_object_get_string_member (claims, "sub"), extension);
}

/* Local uploads */

static void
handle_upload (ThumbingUploadApi    *self,
               ThumbingHttpExchange *exchange)
{
  g_autofree char *key = g_uri_unescape_string (thumbing_http_exchange_get_path (exchange) + strlen (UPLOAD_PATH), NULL);
  const char *expires = thumbing_http_exchange_get_query (exchange, "expires");
  const char *media_type = thumbing_http_exchange_get_query (exchange, "content-type");
  const char *signature = thumbing_http_exchange_get_query (exchange, "signature");
  const char *sent_type = soup_message_headers_get_content_type (thumbing_http_exchange_get_request_headers (exchange), NULL);
  GBytes *body = thumbing_http_exchange_get_body (exchange);
  g_autoptr(GError) error = NULL;
  g_autofree char *expected = NULL;
  gint64 expires_at;

  if (!thumbing_store_is_local (self->store) || strcmp (thumbing_http_exchange_get_method (exchange), SOUP_METHOD_PUT) != 0)
    {
      thumbing_http_exchange_respond_error (exchange, SOUP_STATUS_NOT_FOUND, _("no such upload route"));
      return;
    }
  if (key == NULL || expires == NULL || media_type == NULL || signature == NULL
      || !g_ascii_string_to_signed (expires, 10, 0, G_MAXINT64, &expires_at, NULL))
    {
      thumbing_http_exchange_respond_error (exchange, SOUP_STATUS_FORBIDDEN, _("not a signed upload URL"));
      return;
    }
  expected = local_signature (self, key, expires_at, media_type);
  if (!thumbing_http_equal_secret (expected, signature))
    {
      thumbing_http_exchange_respond_error (exchange, SOUP_STATUS_FORBIDDEN, _("the upload URL’s signature does not match"));
      return;
    }
  if (g_get_real_time () / G_USEC_PER_SEC >= expires_at)
    {
      thumbing_http_exchange_respond_error (exchange, SOUP_STATUS_FORBIDDEN, _("the upload URL has expired"));
      return;
    }
  if (g_strcmp0 (sent_type, media_type) != 0)
    {
      thumbing_http_exchange_respond_error (exchange, SOUP_STATUS_FORBIDDEN, _("the Content-Type differs from the one the URL was signed for"));
      return;
    }
  /* Signed by us for a key under the prefix; checked again all the same. */
  if (!g_str_has_prefix (key, self->prefix) || strstr (key, "..") != NULL || strchr (key + strlen (self->prefix), '/') != NULL)
    {
      thumbing_http_exchange_respond_error (exchange, SOUP_STATUS_FORBIDDEN, _("the key is outside the upload prefix"));
      return;
    }
  if (!thumbing_store_put_local (self->store, key + strlen (self->prefix), body, &error))
    {
      thumbing_element_warn (THUMBING_ELEMENT (self), _("storing an upload failed: %s"), error->message);
      thumbing_http_exchange_respond_error (exchange, SOUP_STATUS_INTERNAL_SERVER_ERROR, _("the upload could not be stored"));
      return;
    }
  thumbing_http_exchange_respond (exchange, SOUP_STATUS_OK, NULL, NULL);
}

static void
handle_request (ThumbingUploadApi    *self,
                ThumbingHttpExchange *exchange)
{
  const char *method = thumbing_http_exchange_get_method (exchange);
  const char *path = thumbing_http_exchange_get_path (exchange);
  gboolean upload = g_str_has_prefix (path, UPLOAD_PATH);
  gboolean allowed;

  if (!upload && strcmp (path, self->path) != 0)
    {
      thumbing_http_exchange_respond_error (exchange, SOUP_STATUS_NOT_FOUND, _("not found"));
      return;
    }
  allowed = thumbing_http_exchange_allow_origin (exchange, (const char * const *) self->origins,
                                                 upload ? "OPTIONS, PUT" : "OPTIONS, POST");
  if (strcmp (method, SOUP_METHOD_OPTIONS) == 0)
    {
      if (allowed)
        thumbing_http_exchange_respond (exchange, SOUP_STATUS_NO_CONTENT, NULL, NULL);
      else
        thumbing_http_exchange_respond_error (exchange, SOUP_STATUS_FORBIDDEN, _("this origin is not allowed"));
      return;
    }
  if (upload)
    handle_upload (self, exchange);
  else if (strcmp (method, SOUP_METHOD_POST) == 0)
    handle_token_request (self, exchange);
  else
    {
      thumbing_http_exchange_set_header (exchange, "Allow", "OPTIONS, POST");
      thumbing_http_exchange_respond_error (exchange, SOUP_STATUS_METHOD_NOT_ALLOWED, _("use POST"));
    }
}

/* Answers now, or later for the paths that wait (keys being fetched, a URL
 * being presigned): those finish the exchange themselves. */
static void
handle (gpointer              service,
        ThumbingHttpExchange *exchange)
{
  handle_request (service, exchange);
  if (thumbing_http_exchange_get_status (exchange) != 0)
    thumbing_http_exchange_finish (exchange);
}

/* Bounds bodies before they are read. */
static void
handle_early (gpointer              service,
              ThumbingHttpExchange *exchange)
{
  ThumbingUploadApi *self = service;
  SoupMessageHeaders *headers = thumbing_http_exchange_get_request_headers (exchange);
  const char *method = thumbing_http_exchange_get_method (exchange);
  guint64 limit = g_str_has_prefix (thumbing_http_exchange_get_path (exchange), UPLOAD_PATH) ? self->max_upload
                                                                                             : MAX_REQUEST_BODY;

  if (strcmp (method, SOUP_METHOD_POST) != 0 && strcmp (method, SOUP_METHOD_PUT) != 0)
    return;
  if (soup_message_headers_get_encoding (headers) != SOUP_ENCODING_CONTENT_LENGTH)
    thumbing_http_exchange_respond_error (exchange, SOUP_STATUS_LENGTH_REQUIRED, _("a Content-Length is required"));
  else if ((guint64) soup_message_headers_get_content_length (headers) > limit)
    thumbing_http_exchange_respond_error (exchange, SOUP_STATUS_REQUEST_ENTITY_TOO_LARGE, _("the body is too large"));
}

/* On Lambda, API Gateway's requests arrive as events; they are answered
 * by the same code as the server's, through an exchange. */
static void
event_answered (gpointer exchange,
                gpointer data)
{
  g_autoptr(GTask) task = data;

  g_task_return_pointer (task, thumbing_http_exchange_to_event_answer (exchange), g_free);
}

static void
thumbing_upload_api_handle_event_async (ThumbingService     *service,
                                        const char          *event,
                                        GCancellable        *cancellable,
                                        GAsyncReadyCallback  callback,
                                        gpointer             user_data)
{
  GTask *task = g_task_new (service, cancellable, callback, user_data);
  g_autoptr(ThumbingHttpExchange) exchange = NULL;
  GError *error = NULL;

  g_task_set_source_tag (task, thumbing_upload_api_handle_event_async);
  exchange = thumbing_http_exchange_new_from_event (event, &error);
  if (exchange == NULL)
    {
      g_task_return_error (task, error);
      g_object_unref (task);
      return;
    }
  thumbing_http_exchange_on_finish (exchange, event_answered, task);
  handle_early (service, exchange);
  if (thumbing_http_exchange_get_status (exchange) != 0)
    thumbing_http_exchange_finish (exchange);
  else
    handle (service, exchange);
}

static char *
thumbing_upload_api_handle_event_finish (ThumbingService  *service,
                                         GAsyncResult     *result,
                                         GError          **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}

static gboolean
thumbing_upload_api_start (ThumbingElement *element,
                           GError         **error)
{
  ThumbingUploadApi *self = THUMBING_UPLOAD_API (element);

  self->session = soup_session_new_with_options ("timeout", 10, "user-agent", "thumbing/" PACKAGE_VERSION, NULL);
  if (!thumbing_http_session_trust (self->session, self->ca_file, error))
    return FALSE;
  if (thumbing_text_is_set (self->jwks_file))
    {
      g_autofree char *json = NULL;
      gsize length;

      if (!g_file_get_contents (self->jwks_file, &json, &length, error))
        return FALSE;
      self->jwks = thumbing_jwks_parse (json, length, error);
      if (self->jwks == NULL)
        {
          g_prefix_error (error, "%s: ", self->jwks_file);
          return FALSE;
        }
    }
  /* Keys carry the prefix already: the bucket store adds none. */
  self->store = thumbing_text_is_set (self->bucket)
                ? thumbing_store_new_bucket (self->bucket, "", self->endpoint, self->region, error)
                : thumbing_store_new_folder (self->folder);
  if (self->store == NULL)
    return FALSE;
  self->key = thumbing_text_is_set (self->upload_secret) ? g_strdup (self->upload_secret) : g_uuid_string_random ();
  self->waiting = g_ptr_array_new_with_free_func ((GDestroyNotify) thumbing_http_exchange_unref);
  self->server = thumbing_http_server_new (element, THUMBING_HTTP_TIMEOUT_SECONDS, THUMBING_HTTP_MAX_CONNECTIONS);
  thumbing_http_server_set_handlers (self->server, NULL, handle_early, handle, self);
  if (!thumbing_http_server_listen (self->server, self->address, &self->port, error))
    return FALSE;
  if (thumbing_text_is_set (self->jwks_url))
    fetch_jwks (self);
  g_message (_("%s: upload URLs on http://%s:%u%s"), thumbing_element_get_name (element), self->address, self->port,
             self->path);
  return TRUE;
}

static void
thumbing_upload_api_stop (ThumbingElement *element)
{
  ThumbingUploadApi *self = THUMBING_UPLOAD_API (element);

  if (self->waiting != NULL)
    for (guint i = 0; i < self->waiting->len; i++)
      {
        thumbing_http_exchange_respond_error (self->waiting->pdata[i], SOUP_STATUS_SERVICE_UNAVAILABLE, _("shutting down"));
        thumbing_http_exchange_finish (self->waiting->pdata[i]);
      }
  g_clear_pointer (&self->waiting, g_ptr_array_unref);
  g_clear_pointer (&self->server, thumbing_http_server_free);
  if (self->session != NULL)
    soup_session_abort (self->session);
  g_clear_object (&self->session);
  g_clear_pointer (&self->store, thumbing_store_free);
  g_clear_pointer (&self->jwks, thumbing_jwks_free);
  g_clear_pointer (&self->key, g_free);
}

static void
thumbing_upload_api_class_init (ThumbingUploadApiClass *klass)
{
  ThumbingElementClass *element_class = THUMBING_ELEMENT_CLASS (klass);
  ThumbingServiceClass *service_class = THUMBING_SERVICE_CLASS (klass);
  GParamFlags rw = G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS;

  element_class->check = thumbing_upload_api_check;
  element_class->start = thumbing_upload_api_start;
  element_class->stop = thumbing_upload_api_stop;
  service_class->handle_event_async = thumbing_upload_api_handle_event_async;
  service_class->handle_event_finish = thumbing_upload_api_handle_event_finish;

  thumbing_element_class_set_metadata (element_class, "upload-api",
                                       _("Hands out upload URLs (presigned S3, or to this server) to users with a Cognito JWT"));
  thumbing_element_class_set_permissions (element_class, "s3:PutObject");

  thumbing_http_server_class_install_listener (element_class, G_STRUCT_OFFSET (ThumbingUploadApi, address),
                                               G_STRUCT_OFFSET (ThumbingUploadApi, port), 8081);
  THUMBING_ELEMENT_FIELD (klass, ThumbingUploadApi, path,
    g_param_spec_string ("path", NULL, _("The route that hands out URLs"), "/avatar/get_upload", rw | G_PARAM_CONSTRUCT));
  THUMBING_ELEMENT_FIELD (klass, ThumbingUploadApi, jwks_url,
    g_param_spec_string ("jwks-url", NULL,
                         _("Where the signing keys are: https://cognito-idp.REGION.amazonaws.com/POOL/.well-known/jwks.json"),
                         NULL, rw));
  THUMBING_ELEMENT_FIELD (klass, ThumbingUploadApi, jwks_file,
    g_param_spec_string ("jwks-file", NULL, _("A file holding the signing keys, instead of jwks-url"), NULL, rw));
  THUMBING_ELEMENT_FIELD (klass, ThumbingUploadApi, jwks_refresh,
    g_param_spec_uint ("jwks-refresh", NULL, _("Seconds between fetches of jwks-url for a key it does not have yet"),
                       0, 86400, 300, rw | G_PARAM_CONSTRUCT));
  THUMBING_ELEMENT_FIELD (klass, ThumbingUploadApi, issuer,
    g_param_spec_string ("issuer", NULL, _("The tokens’ iss: https://cognito-idp.REGION.amazonaws.com/POOL"),
                         NULL, rw | THUMBING_PARAM_REQUIRED));
  THUMBING_ELEMENT_FIELD (klass, ThumbingUploadApi, client_id,
    g_param_spec_string ("client-id", NULL, _("The app client: client_id of access tokens, aud of id tokens"),
                         NULL, rw | THUMBING_PARAM_REQUIRED));
  THUMBING_ELEMENT_FIELD (klass, ThumbingUploadApi, token_use,
    g_param_spec_string ("token-use", NULL, _("The tokens taken: “access” (as the seed) or “id”"), "access",
                         rw | G_PARAM_CONSTRUCT));
  THUMBING_ELEMENT_FIELD (klass, ThumbingUploadApi, required_groups,
    g_param_spec_boxed ("required-groups", NULL, _("Cognito groups of which the user must be in one"), G_TYPE_STRV, rw));
  THUMBING_ELEMENT_FIELD (klass, ThumbingUploadApi, required_scopes,
    g_param_spec_boxed ("required-scopes", NULL, _("Scopes the token must all have"), G_TYPE_STRV, rw));
  THUMBING_ELEMENT_FIELD (klass, ThumbingUploadApi, leeway,
    g_param_spec_uint ("leeway", NULL, _("Seconds of clock skew allowed on exp and nbf"), 0, 600, 60, rw | G_PARAM_CONSTRUCT));
  THUMBING_ELEMENT_FIELD (klass, ThumbingUploadApi, ca_file,
    g_param_spec_string ("ca-file", NULL, _("PEM file of certificate authorities for jwks-url"), NULL, rw));
  THUMBING_ELEMENT_FIELD (klass, ThumbingUploadApi, extensions,
    g_param_spec_boxed ("extensions", NULL, _("Extensions users may upload (default: jpg;jpeg;png;webp;gif;heic;avif)"),
                        G_TYPE_STRV, rw));
  THUMBING_ELEMENT_FIELD (klass, ThumbingUploadApi, prefix,
    g_param_spec_string ("prefix", NULL, _("The input prefix the keys are made under"), "uploads/", rw | G_PARAM_CONSTRUCT));
  THUMBING_ELEMENT_FIELD (klass, ThumbingUploadApi, expires,
    g_param_spec_uint ("expires", NULL, _("Seconds an upload URL lasts"), 1, 604800, 300, rw | G_PARAM_CONSTRUCT));
  THUMBING_ELEMENT_FIELD (klass, ThumbingUploadApi, origins,
    g_param_spec_boxed ("origins", NULL, _("Frontend origins allowed by CORS, as https://app.example.com; “*” for any"),
                        G_TYPE_STRV, rw));
  THUMBING_ELEMENT_FIELD (klass, ThumbingUploadApi, bucket,
    g_param_spec_string ("bucket", NULL, _("Hand out presigned PUT URLs of this S3 bucket"), NULL, rw));
  THUMBING_ELEMENT_FIELD (klass, ThumbingUploadApi, endpoint,
    g_param_spec_string ("endpoint", NULL, _("S3 endpoint URL (default as the AWS SDKs find it)"), NULL, rw));
  THUMBING_ELEMENT_FIELD (klass, ThumbingUploadApi, region,
    g_param_spec_string ("region", NULL, _("AWS region (default: AWS_REGION)"), NULL, rw));
  THUMBING_ELEMENT_FIELD (klass, ThumbingUploadApi, folder,
    g_param_spec_string ("folder", NULL, _("Take uploads on this server, into this folder (the pipeline’s inbox)"),
                         NULL, rw));
  THUMBING_ELEMENT_FIELD (klass, ThumbingUploadApi, upload_secret,
    g_param_spec_string ("upload-secret", NULL, _("Key of local upload URLs, so they survive a restart (default: random); or upload-secret-file=PATH"),
                         NULL, rw | THUMBING_PARAM_SECRET));
  THUMBING_ELEMENT_FIELD (klass, ThumbingUploadApi, max_upload,
    g_param_spec_uint64 ("max-upload", NULL, _("Largest local upload in bytes"), 1, G_MAXINT64, 25 * 1024 * 1024,
                         rw | G_PARAM_CONSTRUCT));
  THUMBING_ELEMENT_FIELD (klass, ThumbingUploadApi, public_url,
    g_param_spec_string ("public-url", NULL, _("This server as browsers reach it, for local upload URLs (default: http://address:port)"),
                         NULL, rw));
}

static void
thumbing_upload_api_init (ThumbingUploadApi *self)
{
  static const char * const extensions[] = { "jpg", "jpeg", "png", "webp", "gif", "heic", "avif", NULL };

  self->extensions = g_strdupv ((char **) extensions);
}
