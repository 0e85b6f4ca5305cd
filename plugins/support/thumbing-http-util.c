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

#include "thumbing-aws-client.h"
#include "thumbing-http-util.h"

/* Compares in time independent of where the strings differ. */
gboolean
thumbing_http_equal_secret (const char *expected,
                            const char *given)
{
  gsize length = strlen (expected);

  return given != NULL && strlen (given) == length && CRYPTO_memcmp (expected, given, length) == 0;
}

/* Trusts the authorities in @ca_file (PEM), when set, instead of the
 * system's (or SSL_CERT_FILE's): for private CAs in front of test and
 * internal services. */
gboolean
thumbing_http_session_trust (SoupSession *session,
                             const char  *ca_file,
                             GError     **error)
{
  g_autoptr(GTlsDatabase) database = NULL;

  if (!thumbing_text_is_set (ca_file))
    {
      if (thumbing_ssl_cert_file_database () != NULL)
        soup_session_set_tls_database (session, thumbing_ssl_cert_file_database ());
      return TRUE;
    }
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
