/* test-jwt.c: RS256 tokens verified against a JWKS, and every way one is refused
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "config.h"

#include <string.h>

#include "thumbing-jwt.h"
#include "thumbing-test-jwt.h"
#include "thumbing-test-util.h"

#define ISSUER "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_TEST"
#define CLIENT "5hq9test0client"

static EVP_PKEY *key;
static EVP_PKEY *other_key;
static ThumbingJwks *jwks;

static char *
claims (const char *token_use,
        gint64      exp_offset,
        const char *extra)
{
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;

  return g_strdup_printf ("{\"sub\":\"4a7c1f0e-user\",\"iss\":\"" ISSUER "\",\"token_use\":\"%s\","
                          "\"%s\":\"" CLIENT "\",\"exp\":%" G_GINT64_FORMAT ",\"iat\":%" G_GINT64_FORMAT "%s}",
                          token_use, strcmp (token_use, "id") == 0 ? "aud" : "client_id",
                          now + exp_offset, now, extra != NULL ? extra : "");
}

static char *
token_with (EVP_PKEY   *signer,
            const char *header,
            const char *body)
{
  return thumbing_test_jwt_sign (signer, header, body);
}

/* As token_with(), taking @body. */
static char *
token_taking (EVP_PKEY   *signer,
              const char *header,
              char       *body)
{
  char *token = thumbing_test_jwt_sign (signer, header, body);

  g_free (body);
  return token;
}

static JsonObject *
verify (const char       *token,
        ThumbingJwtTokenUse use,
        const char * const *groups,
        const char * const *scopes,
        GError          **error)
{
  ThumbingJwtPolicy policy = { ISSUER, use, CLIENT, groups, scopes, 0 };

  return thumbing_jwt_verify (token, jwks, &policy, error);
}

static void
test_valid_tokens (void)
{
  g_autofree char *access_claims = claims ("access", 300, ",\"scope\":\"aws.cognito.signin.user.admin upload\","
                                                          "\"cognito:groups\":[\"members\",\"admins\"]");
  g_autofree char *access = token_with (key, "{\"alg\":\"RS256\",\"kid\":\"k1\"}", access_claims);
  g_autofree char *id_claims = claims ("id", 300, NULL);
  g_autofree char *id = token_with (key, "{\"alg\":\"RS256\",\"kid\":\"k1\",\"typ\":\"JWT\"}", id_claims);
  const char * const groups[] = { "admins", NULL };
  const char * const scopes[] = { "upload", NULL };
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) verified = verify (access, THUMBING_JWT_TOKEN_USE_ACCESS, groups, scopes, &error);
  g_autoptr(JsonObject) verified_id = NULL;

  g_assert_no_error (error);
  g_assert_cmpstr (json_object_get_string_member (verified, "sub"), ==, "4a7c1f0e-user");
  verified_id = verify (id, THUMBING_JWT_TOKEN_USE_ID, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (verified_id);
  {
    g_autofree char *kid = thumbing_jwt_peek_kid (access);

    g_assert_cmpstr (kid, ==, "k1");
  }
}

typedef struct
{
  const char       *what;
  char             *token;
  ThumbingJwtError  code;
  const char       *message;
} Refusal;

static void
test_refusals (void)
{
  const char *ok_header = "{\"alg\":\"RS256\",\"kid\":\"k1\"}";
  g_autofree char *ok_claims = claims ("access", 300, NULL);
  g_autofree char *good = token_with (key, ok_header, ok_claims);
  const char *none = "{\"alg\":\"none\",\"kid\":\"k1\"}";
  g_autofree char *header_none = thumbing_test_base64url ((const guchar *) none, strlen (none));
  g_autofree char *payload = thumbing_test_base64url ((const guchar *) ok_claims, strlen (ok_claims));
  g_autoptr(GString) huge = g_string_new (good);
  g_autofree char *tampered = NULL;
  g_autofree char *hs256 = NULL;
  const char *dot;

  while (huge->len <= THUMBING_JWT_MAX_LENGTH)
    g_string_append (huge, "AAAAAAAAAAAAAAAA");

  /* The claims of a good token swapped for a sub of one's choosing. */
  {
    g_autofree char *other = g_strdup (ok_claims);
    g_autofree char *encoded = NULL;
    char *sub = strstr (other, "4a7c1f0e");

    memcpy (sub, "00000000", 8);
    encoded = thumbing_test_base64url ((const guchar *) other, strlen (other));
    dot = strchr (good, '.');
    tampered = g_strdup_printf ("%.*s.%s%s", (int) (dot - good), good, encoded, strrchr (good, '.'));
  }
  /* HS256 keyed with the public JWK, the classic confusion attack. */
  {
    g_autofree char *jwk = thumbing_test_jwk (key, "k1", "sig", "RS256");
    const char *hs = "{\"alg\":\"HS256\",\"kid\":\"k1\"}";
    g_autofree char *header = thumbing_test_base64url ((const guchar *) hs, strlen (hs));
    g_autofree char *input = g_strdup_printf ("%s.%s", header, payload);
    g_autoptr(GHmac) hmac = g_hmac_new (G_CHECKSUM_SHA256, (const guchar *) jwk, strlen (jwk));
    guint8 digest[32];
    gsize length = sizeof digest;
    g_autofree char *signature = NULL;

    g_hmac_update (hmac, (const guchar *) input, -1);
    g_hmac_get_digest (hmac, digest, &length);
    signature = thumbing_test_base64url (digest, length);
    hs256 = g_strdup_printf ("%s.%s", input, signature);
  }

  {
    Refusal refusals[] = {
      { "alg none", g_strdup_printf ("%s.%s.", header_none, payload), THUMBING_JWT_ERROR_ALGORITHM, "not RS256" },
      { "HS256", g_strdup (hs256), THUMBING_JWT_ERROR_ALGORITHM, "not RS256" },
      { "RS512 header", token_with (key, "{\"alg\":\"RS512\",\"kid\":\"k1\"}", ok_claims), THUMBING_JWT_ERROR_ALGORITHM, "not RS256" },
      { "no kid", token_with (key, "{\"alg\":\"RS256\"}", ok_claims), THUMBING_JWT_ERROR_UNKNOWN_KEY, "names no key" },
      { "unknown kid", token_with (key, "{\"alg\":\"RS256\",\"kid\":\"k9\"}", ok_claims), THUMBING_JWT_ERROR_UNKNOWN_KEY, "not an RS256 signing key" },
      { "key for encryption", token_with (key, "{\"alg\":\"RS256\",\"kid\":\"enc\"}", ok_claims), THUMBING_JWT_ERROR_UNKNOWN_KEY, "not an RS256 signing key" },
      { "key of another alg", token_with (key, "{\"alg\":\"RS256\",\"kid\":\"rs384\"}", ok_claims), THUMBING_JWT_ERROR_UNKNOWN_KEY, "not an RS256 signing key" },
      { "short key", token_with (key, "{\"alg\":\"RS256\",\"kid\":\"short\"}", ok_claims), THUMBING_JWT_ERROR_UNKNOWN_KEY, "not an RS256 signing key" },
      { "signed by another key", token_with (other_key, ok_header, ok_claims), THUMBING_JWT_ERROR_SIGNATURE, "signature" },
      { "tampered claims", g_strdup (tampered), THUMBING_JWT_ERROR_SIGNATURE, "signature" },
      { "bad base64", g_strdup_printf ("%.*s.%s.ab*cd", (int) (strchr (good, '.') - good), good, payload), THUMBING_JWT_ERROR_SIGNATURE, "signature" },
      { "bad base64 header", g_strdup ("e30*.e30.e30"), THUMBING_JWT_ERROR_MALFORMED, "header is not base64url" },
      { "header not JSON", g_strdup_printf ("bm90IGpzb24.%s.sig", payload), THUMBING_JWT_ERROR_MALFORMED, "header is not base64url-encoded JSON" },
      { "two parts", g_strdup ("a.b"), THUMBING_JWT_ERROR_MALFORMED, "three parts" },
      { "four parts", g_strdup ("a.b.c.d"), THUMBING_JWT_ERROR_MALFORMED, "three parts" },
      { "empty", g_strdup (""), THUMBING_JWT_ERROR_MALFORMED, "no token" },
      { "oversized", g_strdup (huge->str), THUMBING_JWT_ERROR_MALFORMED, "longer than" },
      { "expired", token_taking (key, ok_header, claims ("access", -120, NULL)), THUMBING_JWT_ERROR_EXPIRED, "expired" },
      { "not yet valid", token_taking (key, ok_header, claims ("access", 300, ",\"nbf\":99999999999")), THUMBING_JWT_ERROR_NOT_YET_VALID, "not valid yet" },
      { "no exp", token_with (key, ok_header, "{\"sub\":\"u\",\"iss\":\"" ISSUER "\",\"token_use\":\"access\",\"client_id\":\"" CLIENT "\"}"),
        THUMBING_JWT_ERROR_CLAIMS, "no expiry" },
      { "wrong issuer", token_taking (key, ok_header, g_strdup_printf ("{\"sub\":\"u\",\"iss\":\"https://evil\",\"token_use\":\"access\","
                                                                      "\"client_id\":\"" CLIENT "\",\"exp\":99999999999}")),
        THUMBING_JWT_ERROR_CLAIMS, "issuer" },
      { "id token as access", token_taking (key, ok_header, claims ("id", 300, NULL)), THUMBING_JWT_ERROR_CLAIMS, "not an access token" },
      { "other client", token_taking (key, ok_header, g_strdup_printf ("{\"sub\":\"u\",\"iss\":\"" ISSUER "\",\"token_use\":\"access\","
                                                                      "\"client_id\":\"someone-else\",\"exp\":99999999999}")),
        THUMBING_JWT_ERROR_CLAIMS, "another client (client_id)" },
      { "no sub", token_taking (key, ok_header, g_strdup_printf ("{\"iss\":\"" ISSUER "\",\"token_use\":\"access\","
                                                                "\"client_id\":\"" CLIENT "\",\"exp\":99999999999}")),
        THUMBING_JWT_ERROR_CLAIMS, "no subject" },
    };

    for (guint i = 0; i < G_N_ELEMENTS (refusals); i++)
      {
        g_autoptr(GError) error = NULL;
        g_autoptr(JsonObject) verified = verify (refusals[i].token, THUMBING_JWT_TOKEN_USE_ACCESS, NULL, NULL, &error);

        if (verified != NULL || !g_error_matches (error, THUMBING_JWT_ERROR, refusals[i].code)
            || strstr (error->message, refusals[i].message) == NULL)
          g_error ("%s: expected error %d “%s”, got %s", refusals[i].what, refusals[i].code, refusals[i].message,
                   error != NULL ? error->message : "a verified token");
        g_free (refusals[i].token);
      }
  }
}

static void
test_id_token_audience (void)
{
  g_autofree char *wrong_aud = g_strdup_printf ("{\"sub\":\"u\",\"iss\":\"" ISSUER "\",\"token_use\":\"id\","
                                                "\"aud\":[\"x\",\"y\"],\"exp\":99999999999}");
  g_autofree char *listed_aud = g_strdup_printf ("{\"sub\":\"u\",\"iss\":\"" ISSUER "\",\"token_use\":\"id\","
                                                 "\"aud\":[\"x\",\"" CLIENT "\"],\"exp\":99999999999}");
  g_autofree char *wrong = token_with (key, "{\"alg\":\"RS256\",\"kid\":\"k1\"}", wrong_aud);
  g_autofree char *listed = token_with (key, "{\"alg\":\"RS256\",\"kid\":\"k1\"}", listed_aud);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) refused = verify (wrong, THUMBING_JWT_TOKEN_USE_ID, NULL, NULL, &error);
  g_autoptr(JsonObject) accepted = NULL;

  g_assert_null (refused);
  g_assert_nonnull (strstr (error->message, "another client (aud)"));
  g_clear_error (&error);
  accepted = verify (listed, THUMBING_JWT_TOKEN_USE_ID, NULL, NULL, &error);
  g_assert_no_error (error);
}

static void
test_groups_and_scopes (void)
{
  g_autofree char *body = claims ("access", 300, ",\"scope\":\"openid\",\"cognito:groups\":[\"members\"]");
  g_autofree char *token = token_with (key, "{\"alg\":\"RS256\",\"kid\":\"k1\"}", body);
  const char * const admins[] = { "admins", NULL };
  const char * const upload[] = { "upload", NULL };
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) refused = verify (token, THUMBING_JWT_TOKEN_USE_ACCESS, admins, NULL, &error);

  g_assert_null (refused);
  g_assert_error (error, THUMBING_JWT_ERROR, THUMBING_JWT_ERROR_FORBIDDEN);
  g_clear_error (&error);
  g_assert_null (verify (token, THUMBING_JWT_TOKEN_USE_ACCESS, NULL, upload, &error));
  g_assert_error (error, THUMBING_JWT_ERROR, THUMBING_JWT_ERROR_FORBIDDEN);
  g_assert_nonnull (strstr (error->message, "scope upload"));
}

static void
test_jwks_refusals (void)
{
  const char *bad[] = { "not json", "[]", "{\"keys\":3}" };

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(ThumbingJwks) parsed = thumbing_jwks_parse (bad[i], -1, &error);

      g_assert_null (parsed);
      g_assert_error (error, THUMBING_JWT_ERROR, THUMBING_JWT_ERROR_MALFORMED);
    }
  /* Only the usable keys are kept. */
  g_assert_cmpuint (thumbing_jwks_size (jwks), ==, 1);
}

int
main (int   argc,
      char *argv[])
{
  EVP_PKEY *short_key;
  g_autofree char *k1 = NULL, *enc = NULL, *rs384 = NULL, *short_jwk = NULL, *set = NULL;
  g_autoptr(GError) error = NULL;
  int status;

  thumbing_test_init (&argc, &argv);
  key = thumbing_test_jwt_new_key (2048);
  other_key = thumbing_test_jwt_new_key (2048);
  short_key = thumbing_test_jwt_new_key (1024);
  k1 = thumbing_test_jwk (key, "k1", "sig", "RS256");
  enc = thumbing_test_jwk (key, "enc", "enc", NULL);
  rs384 = thumbing_test_jwk (key, "rs384", NULL, "RS384");
  short_jwk = thumbing_test_jwk (short_key, "short", "sig", "RS256");
  set = g_strdup_printf ("{\"keys\":[%s,%s,%s,%s,{\"kty\":\"EC\",\"kid\":\"ec\"}]}", k1, enc, rs384, short_jwk);
  jwks = thumbing_jwks_parse (set, -1, &error);
  g_assert_no_error (error);

  g_test_add_func ("/jwt/valid-tokens", test_valid_tokens);
  g_test_add_func ("/jwt/refusals", test_refusals);
  g_test_add_func ("/jwt/id-token-audience", test_id_token_audience);
  g_test_add_func ("/jwt/groups-and-scopes", test_groups_and_scopes);
  g_test_add_func ("/jwt/jwks-refusals", test_jwks_refusals);
  status = g_test_run ();
  thumbing_jwks_free (jwks);
  EVP_PKEY_free (key);
  EVP_PKEY_free (other_key);
  EVP_PKEY_free (short_key);
  return status;
}
