/* thumbing-http-util.c: what the HTTP services share
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>
#include <json-glib/json-glib.h>
#include <openssl/crypto.h>
#include <thumbing/thumbing.h>

#include "thumbing-http-util.h"

/* Answers with the document @builder holds. */
void
thumbing_http_respond_json (SoupServerMessage *message,
                            guint              status,
                            JsonBuilder       *builder)
{
  g_autoptr(JsonNode) root = json_builder_get_root (builder);
  char *json = json_to_string (root, FALSE);

  soup_server_message_set_status (message, status, NULL);
  soup_message_headers_replace (soup_server_message_get_response_headers (message), "Cache-Control", "no-store");
  soup_server_message_set_response (message, "application/json", SOUP_MEMORY_TAKE, json, strlen (json));
}

void
thumbing_http_respond_error (SoupServerMessage *message,
                             guint              status,
                             const char        *text)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "error");
  json_builder_add_string_value (builder, text);
  json_builder_end_object (builder);
  thumbing_http_respond_json (message, status, builder);
}

/* Adds the CORS headers for the request's Origin if @origins allows it
 * (“*” allows any); returns whether it did. */
gboolean
thumbing_http_allow_origin (SoupServerMessage  *message,
                            const char * const *origins,
                            const char         *methods)
{
  SoupMessageHeaders *response = soup_server_message_get_response_headers (message);
  const char *origin = soup_message_headers_get_one (soup_server_message_get_request_headers (message), "Origin");

  soup_message_headers_append (response, "Vary", "Origin");
  if (origin == NULL || origins == NULL
      || (!g_strv_contains (origins, origin) && !g_strv_contains (origins, "*")))
    return FALSE;
  soup_message_headers_replace (response, "Access-Control-Allow-Origin", origin);
  soup_message_headers_replace (response, "Access-Control-Allow-Methods", methods);
  soup_message_headers_replace (response, "Access-Control-Allow-Headers", "authorization, content-type");
  soup_message_headers_replace (response, "Access-Control-Expose-Headers", "etag, content-length, content-range");
  soup_message_headers_replace (response, "Access-Control-Max-Age", "600");
  return TRUE;
}

/* Compares in time independent of where the strings differ. */
gboolean
thumbing_http_equal_secret (const char *expected,
                            const char *given)
{
  gsize length = strlen (expected);

  return given != NULL && strlen (given) == length && CRYPTO_memcmp (expected, given, length) == 0;
}

/* Trusts the authorities in @ca_file (PEM), when set, besides the
 * system's: for private CAs in front of test and internal services. */
gboolean
thumbing_http_session_trust (SoupSession *session,
                             const char  *ca_file,
                             GError     **error)
{
  g_autoptr(GTlsDatabase) database = NULL;

  if (!thumbing_text_is_set (ca_file))
    return TRUE;
  database = g_tls_file_database_new (ca_file, error);
  if (database == NULL)
    {
      g_prefix_error (error, _("ca-file: "));
      return FALSE;
    }
  soup_session_set_tls_database (session, database);
  return TRUE;
}

/* Whether @body can be JSON text whose strings are C strings: not empty,
 * without a NUL byte, and without a \u0000 escape, which json-glib would
 * decode into a string cut short (“jpg\u0000.php” read as “jpg”). */
gboolean
thumbing_http_body_is_json_text (GBytes *body)
{
  gsize length = 0;
  const char *data = g_bytes_get_data (body, &length);

  return length > 0 && memchr (data, '\0', length) == NULL && g_strstr_len (data, length, "\\u0000") == NULL;
}

/* The token of an “Authorization: Bearer …” header, the scheme matched
 * without regard to case (RFC 9110); with @bare_allowed, a header without
 * a scheme is taken as the token itself. */
const char *
thumbing_http_bearer_token (SoupServerMessage *message,
                            gboolean           bare_allowed)
{
  const char *authorization = soup_message_headers_get_one (soup_server_message_get_request_headers (message),
                                                            "Authorization");

  if (authorization == NULL)
    return NULL;
  if (g_ascii_strncasecmp (authorization, "Bearer ", strlen ("Bearer ")) == 0)
    return authorization + strlen ("Bearer ");
  return bare_allowed ? authorization : NULL;
}

const char *
thumbing_http_media_type_for (const char *name)
{
  static const char * const types[][2] = {
    { "png", "image/png" }, { "jpg", "image/jpeg" }, { "jpeg", "image/jpeg" }, { "webp", "image/webp" },
    { "avif", "image/avif" }, { "gif", "image/gif" }, { "heic", "image/heic" }, { "heif", "image/heif" },
    { "tif", "image/tiff" }, { "tiff", "image/tiff" }, { "jxl", "image/jxl" },
  };
  const char *dot = strrchr (name, '.');

  for (guint i = 0; dot != NULL && i < G_N_ELEMENTS (types); i++)
    if (g_ascii_strcasecmp (dot + 1, types[i][0]) == 0)
      return types[i][1];
  return "application/octet-stream";
}
