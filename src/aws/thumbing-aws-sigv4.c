/* thumbing-aws-sigv4.c: four small steps — canonical request, string to
 * sign, signing key, signature — with the clock given by the caller.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <glib/gi18n-lib.h>
#include <thumbing/thumbing.h>

#include "thumbing-aws-sigv4.h"

#define ALGORITHM "AWS4-HMAC-SHA256"

/* Removes “.” and “..” segments and empty segments from a path, keeping a
 * trailing slash, as SigV4 does for every service but S3. */
char *
thumbing_aws_normalize_path (const char *path)
{
  g_auto(GStrv) segments = g_strsplit (path, "/", -1);
  g_autoptr(GPtrArray) kept = g_ptr_array_new ();
  g_autoptr(GString) out = g_string_new ("/");
  gboolean trailing;
  guint n = g_strv_length (segments);

  trailing = n > 1 && (segments[n - 1][0] == '\0' || strcmp (segments[n - 1], ".") == 0
                       || strcmp (segments[n - 1], "..") == 0);
  for (guint i = 0; i < n; i++)
    {
      if (segments[i][0] == '\0' || strcmp (segments[i], ".") == 0)
        continue;
      if (strcmp (segments[i], "..") == 0)
        {
          if (kept->len > 0)
            g_ptr_array_remove_index (kept, kept->len - 1);
          continue;
        }
      g_ptr_array_add (kept, segments[i]);
    }
  for (guint i = 0; i < kept->len; i++)
    g_string_append_printf (out, "%s%s", i > 0 ? "/" : "", (char *) kept->pdata[i]);
  if (trailing && kept->len > 0)
    g_string_append_c (out, '/');
  return g_string_free (g_steal_pointer (&out), FALSE);
}

typedef struct
{
  char *name;   /* lower case */
  char *value;  /* trimmed, inner runs of spaces collapsed, duplicates joined with ',' */
} Header;

static char *
canonical_header_value (const char *value)
{
  g_autoptr(GString) out = g_string_new (NULL);
  gboolean space = FALSE;

  for (const char *p = value; *p != '\0'; p++)
    {
      if (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n')
        {
          space = out->len > 0;
          continue;
        }
      if (space)
        g_string_append_c (out, ' ');
      space = FALSE;
      g_string_append_c (out, *p);
    }
  return g_string_free (g_steal_pointer (&out), FALSE);
}

static int
compare_headers (gconstpointer a,
                 gconstpointer b)
{
  return strcmp (((const Header *) a)->name, ((const Header *) b)->name);
}

static void
header_clear (gpointer data)
{
  Header *header = data;

  g_free (header->name);
  g_free (header->value);
}

/* The headers to sign, merged and sorted. Every header of the request is
 * signed but the trace header: thumbing adds only headers it means. */
static GArray *
canonical_headers (ThumbingAwsRequest *request)
{
  GArray *headers = g_array_new (FALSE, FALSE, sizeof (Header));

  g_array_set_clear_func (headers, header_clear);
  for (guint i = 0; i + 1 < request->headers->len; i += 2)
    {
      g_autofree char *name = g_ascii_strdown (request->headers->pdata[i], -1);
      g_autofree char *value = canonical_header_value (request->headers->pdata[i + 1]);
      gboolean merged = FALSE;

      /* Not signed, as by the AWS SDKs: X-Ray may rewrite it on the way. */
      if (strcmp (name, "authorization") == 0 || strcmp (name, "x-amzn-trace-id") == 0)
        continue;
      for (guint j = 0; j < headers->len; j++)
        {
          Header *existing = &g_array_index (headers, Header, j);

          if (strcmp (existing->name, name) == 0)
            {
              char *joined = g_strconcat (existing->value, ",", value, NULL);

              g_free (existing->value);
              existing->value = joined;
              merged = TRUE;
              break;
            }
        }
      if (!merged)
        {
          Header header = { g_steal_pointer (&name), g_steal_pointer (&value) };

          g_array_append_val (headers, header);
        }
    }
  g_array_sort (headers, compare_headers);
  return headers;
}

static char *
signed_header_names (GArray *headers)
{
  GString *out = g_string_new (NULL);

  for (guint i = 0; i < headers->len; i++)
    g_string_append_printf (out, "%s%s", i > 0 ? ";" : "", g_array_index (headers, Header, i).name);
  return g_string_free (out, FALSE);
}

static void
hmac_sha256 (const guint8 *key,
             gsize         key_length,
             const char   *data,
             guint8        out[32])
{
  g_autoptr(GHmac) hmac = g_hmac_new (G_CHECKSUM_SHA256, key, key_length);
  gsize length = 32;

  g_hmac_update (hmac, (const guchar *) data, strlen (data));
  g_hmac_get_digest (hmac, out, &length);
}

/* kSigning = HMAC(HMAC(HMAC(HMAC("AWS4" + secret, date), region), service), "aws4_request") */
static void
signing_key (const char *secret,
             const char *date,
             const char *region,
             const char *service,
             guint8      key[32])
{
  g_autofree char *seed = g_strconcat ("AWS4", secret, NULL);
  guint8 k_date[32], k_region[32], k_service[32];

  hmac_sha256 ((const guint8 *) seed, strlen (seed), date, k_date);
  hmac_sha256 (k_date, 32, region, k_region);
  hmac_sha256 (k_region, 32, service, k_service);
  hmac_sha256 (k_service, 32, "aws4_request", key);
}

void
thumbing_aws_signed_clear (ThumbingAwsSigned *signed_out)
{
  g_clear_pointer (&signed_out->canonical_request, g_free);
  g_clear_pointer (&signed_out->string_to_sign, g_free);
  g_clear_pointer (&signed_out->signature, g_free);
}

/* Signs @request in place: adds the date, content hash and token headers
 * and an Authorization header, or, for a presigned URL, the X-Amz-* query
 * parameters and X-Amz-Signature. */
gboolean
thumbing_aws_sign (ThumbingAwsRequest       *request,
                   const ThumbingAwsKeys    *keys,
                   const ThumbingAwsSigning *signing,
                   ThumbingAwsSigned        *signed_out,
                   GError                  **error)
{
  g_autofree char *amz_date = NULL;
  g_autofree char *date = NULL;
  g_autofree char *scope = NULL;
  g_autofree char *payload_hash = NULL;
  g_autofree char *path = NULL;
  g_autofree char *encoded_path = NULL;
  g_autofree char *query = NULL;
  g_autofree char *header_names = NULL;
  g_autofree char *creq_hash = NULL;
  g_autoptr(GArray) headers = NULL;
  g_autoptr(GString) creq = NULL;
  g_autofree char *sts = NULL;
  g_autofree char *signature = NULL;
  guint8 key[32], digest[32];
  gboolean query_form = signing->form == THUMBING_AWS_SIGN_QUERY;
  gboolean sign_token = keys->session_token != NULL && !signing->omit_session_token;

  if (keys->access_key_id == NULL || keys->secret_access_key == NULL
      || *keys->access_key_id == '\0' || *keys->secret_access_key == '\0')
    {
      g_set_error (error, THUMBING_ERROR, THUMBING_ERROR_CONFIG, _("no AWS credentials to sign with"));
      return FALSE;
    }
  if (query_form && (signing->expires < 1 || signing->expires > THUMBING_AWS_MAX_PRESIGN_SECONDS))
    {
      g_set_error (error, THUMBING_ERROR, THUMBING_ERROR_INVALID_VALUE,
                   _("a presigned URL must expire within 1 to %u seconds, not %u"),
                   THUMBING_AWS_MAX_PRESIGN_SECONDS, signing->expires);
      return FALSE;
    }

  amz_date = g_date_time_format (signing->time, "%Y%m%dT%H%M%SZ");
  date = g_date_time_format (signing->time, "%Y%m%d");
  scope = g_strdup_printf ("%s/%s/%s/aws4_request", date, signing->region, signing->service);

  if (signing->payload_hash != NULL)
    payload_hash = g_strdup (signing->payload_hash);
  else
    {
      gsize length = 0;
      const void *data = request->body != NULL ? g_bytes_get_data (request->body, &length) : NULL;

      payload_hash = thumbing_aws_sha256_hex (data, length);
    }

  if (thumbing_aws_request_get_header (request, "host") == NULL)
    thumbing_aws_request_add_header (request, "Host", request->host);

  if (query_form)
    {
      g_autofree char *credential = g_strdup_printf ("%s/%s", keys->access_key_id, scope);
      g_autofree char *expires = g_strdup_printf ("%u", signing->expires);

      headers = canonical_headers (request);
      header_names = signed_header_names (headers);
      thumbing_aws_request_add_query (request, "X-Amz-Algorithm", ALGORITHM);
      thumbing_aws_request_add_query (request, "X-Amz-Credential", credential);
      thumbing_aws_request_add_query (request, "X-Amz-Date", amz_date);
      thumbing_aws_request_add_query (request, "X-Amz-Expires", expires);
      thumbing_aws_request_add_query (request, "X-Amz-SignedHeaders", header_names);
      if (sign_token)
        thumbing_aws_request_add_query (request, "X-Amz-Security-Token", keys->session_token);
    }
  else
    {
      thumbing_aws_request_add_header (request, "X-Amz-Date", amz_date);
      if (signing->add_content_sha256)
        thumbing_aws_request_add_header (request, "x-amz-content-sha256", payload_hash);
      if (sign_token)
        thumbing_aws_request_add_header (request, "X-Amz-Security-Token", keys->session_token);
      headers = canonical_headers (request);
      header_names = signed_header_names (headers);
    }

  /* Step 1: the canonical request. */
  path = signing->normalize_path ? thumbing_aws_normalize_path (request->path) : g_strdup (request->path);
  encoded_path = thumbing_aws_uri_encode (path, TRUE);
  query = thumbing_aws_request_encoded_query (request);
  creq = g_string_new (NULL);
  g_string_append_printf (creq, "%s\n%s\n%s\n", request->method, encoded_path, query);
  for (guint i = 0; i < headers->len; i++)
    g_string_append_printf (creq, "%s:%s\n", g_array_index (headers, Header, i).name,
                            g_array_index (headers, Header, i).value);
  g_string_append_printf (creq, "\n%s\n%s", header_names, payload_hash);

  /* Step 2: the string to sign. */
  creq_hash = thumbing_aws_sha256_hex (creq->str, creq->len);
  sts = g_strdup_printf ("%s\n%s\n%s\n%s", ALGORITHM, amz_date, scope, creq_hash);

  /* Steps 3 and 4: the signing key, and the signature. */
  signing_key (keys->secret_access_key, date, signing->region, signing->service, key);
  hmac_sha256 (key, sizeof key, sts, digest);
  signature = thumbing_aws_hex (digest, sizeof digest);

  if (query_form)
    {
      thumbing_aws_request_add_query (request, "X-Amz-Signature", signature);
      if (keys->session_token != NULL && signing->omit_session_token)
        thumbing_aws_request_add_query (request, "X-Amz-Security-Token", keys->session_token);
    }
  else
    {
      g_autofree char *authorization =
        g_strdup_printf ("%s Credential=%s/%s, SignedHeaders=%s, Signature=%s",
                         ALGORITHM, keys->access_key_id, scope, header_names, signature);

      if (keys->session_token != NULL && signing->omit_session_token)
        thumbing_aws_request_add_header (request, "X-Amz-Security-Token", keys->session_token);
      thumbing_aws_request_add_header (request, "Authorization", authorization);
    }

  if (signed_out != NULL)
    {
      signed_out->canonical_request = g_string_free (g_steal_pointer (&creq), FALSE);
      signed_out->string_to_sign = g_steal_pointer (&sts);
      signed_out->signature = g_steal_pointer (&signature);
    }
  return TRUE;
}
