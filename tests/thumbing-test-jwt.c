/* thumbing-test-jwt.c: RSA keys, JWKS and RS256 tokens made by the tests
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Written from RFC 7515/7517/7518, independently of the plugin's verifier.
 */
#include "config.h"

#include <string.h>

#include <openssl/core_names.h>
#include <openssl/rsa.h>

#include "thumbing-test-jwt.h"

EVP_PKEY *
thumbing_test_jwt_new_key (guint bits)
{
  EVP_PKEY *key = EVP_RSA_gen (bits);

  g_assert_nonnull (key);
  return key;
}

char *
thumbing_test_base64url (const guchar *data,
                         gsize         length)
{
  g_autofree char *standard = g_base64_encode (data, length);
  GString *out = g_string_new (NULL);

  for (const char *c = standard; *c != '\0' && *c != '='; c++)
    g_string_append_c (out, *c == '+' ? '-' : *c == '/' ? '_' : *c);
  return g_string_free (out, FALSE);
}

static char *
bignum_base64url (EVP_PKEY   *key,
                  const char *name)
{
  BIGNUM *number = NULL;
  g_autofree guchar *bytes = NULL;
  int length;
  char *text;

  g_assert_true (EVP_PKEY_get_bn_param (key, name, &number));
  length = BN_num_bytes (number);
  bytes = g_malloc (length);
  BN_bn2bin (number, bytes);
  text = thumbing_test_base64url (bytes, length);
  BN_free (number);
  return text;
}

/* One JWK; @use and @alg are left out when NULL. */
char *
thumbing_test_jwk (EVP_PKEY   *key,
                   const char *kid,
                   const char *use,
                   const char *alg)
{
  g_autofree char *n = bignum_base64url (key, OSSL_PKEY_PARAM_RSA_N);
  g_autofree char *e = bignum_base64url (key, OSSL_PKEY_PARAM_RSA_E);
  GString *jwk = g_string_new (NULL);

  g_string_append_printf (jwk, "{\"kty\":\"RSA\",\"kid\":\"%s\",\"n\":\"%s\",\"e\":\"%s\"", kid, n, e);
  if (use != NULL)
    g_string_append_printf (jwk, ",\"use\":\"%s\"", use);
  if (alg != NULL)
    g_string_append_printf (jwk, ",\"alg\":\"%s\"", alg);
  g_string_append_c (jwk, '}');
  return g_string_free (jwk, FALSE);
}

char *
thumbing_test_jwt_sign (EVP_PKEY   *key,
                        const char *header_json,
                        const char *claims_json)
{
  g_autofree char *header = thumbing_test_base64url ((const guchar *) header_json, strlen (header_json));
  g_autofree char *claims = thumbing_test_base64url ((const guchar *) claims_json, strlen (claims_json));
  g_autofree char *input = g_strdup_printf ("%s.%s", header, claims);
  g_autofree char *signature = NULL;
  EVP_MD_CTX *context = EVP_MD_CTX_new ();
  guchar raw[1024];
  gsize length = sizeof raw;

  g_assert_cmpint (EVP_DigestSignInit (context, NULL, EVP_sha256 (), NULL, key), ==, 1);
  g_assert_cmpint (EVP_DigestSign (context, raw, &length, (const guchar *) input, strlen (input)), ==, 1);
  EVP_MD_CTX_free (context);
  signature = thumbing_test_base64url (raw, length);
  return g_strdup_printf ("%s.%s", input, signature);
}
