/* thumbing-jwt.c: RS256 JSON Web Tokens, as Cognito issues them, checked against a JWKS
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Only RS256 is accepted, and only with a key the JWKS publishes for
 * signing: a token cannot choose "none", an HMAC keyed with the public key,
 * or another algorithm than its key's.
 */
#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>
#include <thumbing/thumbing.h>

#include "thumbing-jwt.h"
#include "thumbing-json-util.h"

struct _ThumbingJwks
{
  GHashTable *keys;   /* kid → EVP_PKEY */
};

THUMBING_DEFINE_QUARK (thumbing-jwt-error-quark, thumbing_jwt_error)

G_DEFINE_AUTOPTR_CLEANUP_FUNC (BIGNUM, BN_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (OSSL_PARAM_BLD, OSSL_PARAM_BLD_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (OSSL_PARAM, OSSL_PARAM_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (EVP_PKEY_CTX, EVP_PKEY_CTX_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (EVP_MD_CTX, EVP_MD_CTX_free)

/* Strict base64url without padding, as JWS requires; NULL on any other character. */
static guchar *
base64url_decode (const char *text,
                  gsize       length,
                  gsize      *out_length)
{
  g_autoptr(GString) standard = NULL;

  if (length % 4 == 1)
    return NULL;
  standard = g_string_sized_new (length + 3);
  for (gsize i = 0; i < length; i++)
    {
      char c = text[i];

      if (g_ascii_isalnum (c))
        g_string_append_c (standard, c);
      else if (c == '-')
        g_string_append_c (standard, '+');
      else if (c == '_')
        g_string_append_c (standard, '/');
      else
        return NULL;
    }
  while (standard->len % 4 != 0)
    g_string_append_c (standard, '=');
  return g_base64_decode (standard->str, out_length);
}

static BIGNUM *
member_bignum (JsonObject *object,
               const char *name)
{
  const char *text = thumbing_json_member_string (object, name);
  g_autofree guchar *bytes = NULL;
  gsize length = 0;

  if (text == NULL || (bytes = base64url_decode (text, strlen (text), &length)) == NULL || length == 0)
    return NULL;
  return BN_bin2bn (bytes, (int) length, NULL);
}

static EVP_PKEY *
rsa_key_from_jwk (JsonObject *jwk)
{
  g_autoptr(BIGNUM) n = member_bignum (jwk, "n");
  g_autoptr(BIGNUM) e = member_bignum (jwk, "e");
  g_autoptr(OSSL_PARAM_BLD) builder = OSSL_PARAM_BLD_new ();
  g_autoptr(OSSL_PARAM) params = NULL;
  g_autoptr(EVP_PKEY_CTX) context = EVP_PKEY_CTX_new_from_name (NULL, "RSA", NULL);
  EVP_PKEY *key = NULL;

  if (n == NULL || e == NULL || builder == NULL || context == NULL || BN_num_bits (n) < 2048)
    return NULL;
  if (!OSSL_PARAM_BLD_push_BN (builder, OSSL_PKEY_PARAM_RSA_N, n)
      || !OSSL_PARAM_BLD_push_BN (builder, OSSL_PKEY_PARAM_RSA_E, e)
      || (params = OSSL_PARAM_BLD_to_param (builder)) == NULL
      || EVP_PKEY_fromdata_init (context) != 1
      || EVP_PKEY_fromdata (context, &key, EVP_PKEY_PUBLIC_KEY, params) != 1)
    return NULL;
  return key;
}

/* Keeps the keys a token may be signed with: RSA of 2048 bits or more, for
 * signatures (use), for RS256 (alg). A token naming any other key is
 * refused as naming no usable key. */
ThumbingJwks *
thumbing_jwks_parse (const char *json,
                     gssize      length,
                     GError    **error)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) local_error = NULL;
  ThumbingJwks *jwks;
  JsonObject *root;
  JsonArray *keys;

  if (!json_parser_load_from_data (parser, json, length, &local_error)
      || thumbing_json_root_object (parser) == NULL)
    {
      g_set_error (error, THUMBING_JWT_ERROR, THUMBING_JWT_ERROR_MALFORMED, _("the JWKS is not a JSON object: %s"),
                   local_error != NULL ? local_error->message : _("another JSON value"));
      return NULL;
    }
  root = thumbing_json_root_object (parser);
  if (!json_object_has_member (root, "keys") || !JSON_NODE_HOLDS_ARRAY (json_object_get_member (root, "keys")))
    {
      g_set_error (error, THUMBING_JWT_ERROR, THUMBING_JWT_ERROR_MALFORMED, _("the JWKS has no “keys” list"));
      return NULL;
    }
  keys = json_object_get_array_member (root, "keys");

  jwks = g_new0 (ThumbingJwks, 1);
  jwks->keys = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) EVP_PKEY_free);
  for (guint i = 0; i < json_array_get_length (keys); i++)
    {
      JsonNode *node = json_array_get_element (keys, i);
      JsonObject *jwk = thumbing_json_node_object (node);
      const char *kid = thumbing_json_member_string (jwk, "kid");
      const char *use = thumbing_json_member_string (jwk, "use");
      const char *alg = thumbing_json_member_string (jwk, "alg");
      EVP_PKEY *key;

      if (kid == NULL || g_strcmp0 (thumbing_json_member_string (jwk, "kty"), "RSA") != 0
          || (use != NULL && strcmp (use, "sig") != 0) || (alg != NULL && strcmp (alg, "RS256") != 0))
        continue;
      key = rsa_key_from_jwk (jwk);
      if (key != NULL)
        g_hash_table_replace (jwks->keys, g_strdup (kid), key);
    }
  return jwks;
}

void
thumbing_jwks_free (ThumbingJwks *jwks)
{
  if (jwks == NULL)
    return;
  g_hash_table_unref (jwks->keys);
  g_free (jwks);
}

guint
thumbing_jwks_size (ThumbingJwks *jwks)
{
  return g_hash_table_size (jwks->keys);
}

static JsonObject *
decode_json_part (const char *part,
                  gsize       length,
                  const char *what,
                  GError    **error)
{
  g_autofree guchar *bytes = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  gsize decoded = 0;

  bytes = base64url_decode (part, length, &decoded);
  if (bytes == NULL || decoded == 0 || memchr (bytes, '\0', decoded) != NULL
      || !json_parser_load_from_data (parser, (const char *) bytes, decoded, NULL)
      || thumbing_json_root_object (parser) == NULL)
    {
      g_set_error (error, THUMBING_JWT_ERROR, THUMBING_JWT_ERROR_MALFORMED,
                   _("the token’s %s is not base64url-encoded JSON"), what);
      return NULL;
    }
  return json_object_ref (thumbing_json_root_object (parser));
}

typedef struct
{
  const char *header;
  gsize       header_length;
  const char *payload;
  gsize       payload_length;
  const char *signature;
  gsize       signature_length;
} Parts;

static gboolean
split_token (const char *token,
             Parts      *parts,
             GError    **error)
{
  const char *first, *second;
  gsize length = token != NULL ? strlen (token) : 0;

  if (length == 0 || length > THUMBING_JWT_MAX_LENGTH)
    {
      g_set_error (error, THUMBING_JWT_ERROR, THUMBING_JWT_ERROR_MALFORMED,
                   length == 0 ? _("no token") : _("the token is longer than %u bytes"), THUMBING_JWT_MAX_LENGTH);
      return FALSE;
    }
  first = strchr (token, '.');
  second = first != NULL ? strchr (first + 1, '.') : NULL;
  if (second == NULL || strchr (second + 1, '.') != NULL)
    {
      g_set_error (error, THUMBING_JWT_ERROR, THUMBING_JWT_ERROR_MALFORMED,
                   _("the token is not three parts separated by dots"));
      return FALSE;
    }
  parts->header = token;
  parts->header_length = first - token;
  parts->payload = first + 1;
  parts->payload_length = second - (first + 1);
  parts->signature = second + 1;
  parts->signature_length = strlen (second + 1);
  return TRUE;
}

/* The kid of a token, without verifying anything: whether to refetch the JWKS. */
char *
thumbing_jwt_peek_kid (const char *token)
{
  Parts parts;
  g_autoptr(JsonObject) header = NULL;

  if (!split_token (token, &parts, NULL))
    return NULL;
  header = decode_json_part (parts.header, parts.header_length, "header", NULL);
  return header != NULL ? g_strdup (thumbing_json_member_string (header, "kid")) : NULL;
}

static gboolean
number_member (JsonObject *object,
               const char *name,
               gint64     *value)
{
  JsonNode *node = json_object_get_member (object, name);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node))
    return FALSE;
  if (json_node_get_value_type (node) == G_TYPE_INT64)
    *value = json_node_get_int (node);
  else if (json_node_get_value_type (node) == G_TYPE_DOUBLE)
    *value = (gint64) json_node_get_double (node);
  else
    return FALSE;
  return TRUE;
}

static gboolean
audience_matches (JsonObject *claims,
                  const char *client_id)
{
  JsonNode *aud = json_object_get_member (claims, "aud");

  if (aud == NULL || client_id == NULL)
    return FALSE;
  if (JSON_NODE_HOLDS_ARRAY (aud))
    {
      JsonArray *list = json_node_get_array (aud);

      for (guint i = 0; i < json_array_get_length (list); i++)
        if (g_strcmp0 (json_array_get_string_element (list, i), client_id) == 0)
          return TRUE;
      return FALSE;
    }
  return g_strcmp0 (thumbing_json_member_string (claims, "aud"), client_id) == 0;
}

static gboolean
check_claims (JsonObject              *claims,
              const ThumbingJwtPolicy *policy,
              GError                 **error)
{
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  gint64 exp, nbf;
  const char *expected_use = policy->token_use == THUMBING_JWT_TOKEN_USE_ID ? "id" : "access";

  if (!number_member (claims, "exp", &exp))
    {
      g_set_error (error, THUMBING_JWT_ERROR, THUMBING_JWT_ERROR_CLAIMS, _("the token has no expiry (exp)"));
      return FALSE;
    }
  if (now >= exp + policy->leeway)
    {
      g_set_error (error, THUMBING_JWT_ERROR, THUMBING_JWT_ERROR_EXPIRED, _("the token has expired"));
      return FALSE;
    }
  if (number_member (claims, "nbf", &nbf) && now + policy->leeway < nbf)
    {
      g_set_error (error, THUMBING_JWT_ERROR, THUMBING_JWT_ERROR_NOT_YET_VALID, _("the token is not valid yet (nbf)"));
      return FALSE;
    }
  if (policy->issuer != NULL && g_strcmp0 (thumbing_json_member_string (claims, "iss"), policy->issuer) != 0)
    {
      g_set_error (error, THUMBING_JWT_ERROR, THUMBING_JWT_ERROR_CLAIMS, _("the token’s issuer is not the one configured"));
      return FALSE;
    }
  if (g_strcmp0 (thumbing_json_member_string (claims, "token_use"), expected_use) != 0)
    {
      g_set_error (error, THUMBING_JWT_ERROR, THUMBING_JWT_ERROR_CLAIMS, _("not an %s token (token_use)"), expected_use);
      return FALSE;
    }
  if (policy->token_use == THUMBING_JWT_TOKEN_USE_ACCESS
      ? g_strcmp0 (thumbing_json_member_string (claims, "client_id"), policy->client_id) != 0
      : !audience_matches (claims, policy->client_id))
    {
      g_set_error (error, THUMBING_JWT_ERROR, THUMBING_JWT_ERROR_CLAIMS,
                   _("the token was issued to another client (%s)"),
                   policy->token_use == THUMBING_JWT_TOKEN_USE_ACCESS ? "client_id" : "aud");
      return FALSE;
    }
  if (g_strcmp0 (thumbing_json_member_string (claims, "sub"), "") <= 0)
    {
      g_set_error (error, THUMBING_JWT_ERROR, THUMBING_JWT_ERROR_CLAIMS, _("the token names no subject (sub)"));
      return FALSE;
    }

  if (policy->required_groups != NULL && policy->required_groups[0] != NULL)
    {
      JsonNode *groups = json_object_get_member (claims, "cognito:groups");
      gboolean member = FALSE;

      if (groups != NULL && JSON_NODE_HOLDS_ARRAY (groups))
        for (guint i = 0; i < json_array_get_length (json_node_get_array (groups)) && !member; i++)
          {
            JsonNode *group = json_array_get_element (json_node_get_array (groups), i);

            member = JSON_NODE_HOLDS_VALUE (group) && json_node_get_value_type (group) == G_TYPE_STRING
                     && g_strv_contains (policy->required_groups, json_node_get_string (group));
          }
      if (!member)
        {
          g_set_error (error, THUMBING_JWT_ERROR, THUMBING_JWT_ERROR_FORBIDDEN, _("the user is in none of the required groups"));
          return FALSE;
        }
    }
  if (policy->required_scopes != NULL && policy->required_scopes[0] != NULL)
    {
      const char *granted = thumbing_json_member_string (claims, "scope");
      g_auto(GStrv) scopes = g_strsplit (granted != NULL ? granted : "", " ", -1);

      for (const char * const *scope = policy->required_scopes; *scope != NULL; scope++)
        if (!g_strv_contains ((const char * const *) scopes, *scope))
          {
            g_set_error (error, THUMBING_JWT_ERROR, THUMBING_JWT_ERROR_FORBIDDEN, _("the token lacks the scope %s"), *scope);
            return FALSE;
          }
    }
  return TRUE;
}

/* API Gateway's JWT authorizer verified the signature and passes the
 * claims on as strings: "exp": "1700000000", "cognito:groups": "[a b]".
 * They are read back into their types, then checked as a token's are. */
JsonObject *
thumbing_jwt_check_authorizer_claims (JsonObject              *given,
                                      const ThumbingJwtPolicy *policy,
                                      GError                 **error)
{
  g_autoptr(JsonObject) claims = json_object_new ();
  g_autoptr(GList) names = json_object_get_members (given);

  for (GList *l = names; l != NULL; l = l->next)
    {
      const char *name = l->data;
      JsonNode *value = json_object_get_member (given, name);
      const char *text = JSON_NODE_HOLDS_VALUE (value) && json_node_get_value_type (value) == G_TYPE_STRING
                         ? json_node_get_string (value) : NULL;
      gint64 number;

      if (text != NULL && (strcmp (name, "exp") == 0 || strcmp (name, "nbf") == 0)
          && g_ascii_string_to_signed (text, 10, 0, G_MAXINT64, &number, NULL))
        json_object_set_int_member (claims, name, number);
      else if (text != NULL && strcmp (name, "cognito:groups") == 0 && g_str_has_prefix (text, "[")
               && g_str_has_suffix (text, "]"))
        {
          g_autofree char *inner = g_strndup (text + 1, strlen (text) - 2);
          g_auto(GStrv) groups = g_strsplit (inner, " ", -1);
          JsonArray *list = json_array_new ();

          for (char **group = groups; *group != NULL; group++)
            if (**group != '\0')
              json_array_add_string_element (list, *group);
          json_object_set_array_member (claims, name, list);
        }
      else
        json_object_set_member (claims, name, json_node_copy (value));
    }
  if (!check_claims (claims, policy, error))
    return NULL;
  return g_steal_pointer (&claims);
}

JsonObject *
thumbing_jwt_verify (const char              *token,
                     ThumbingJwks            *jwks,
                     const ThumbingJwtPolicy *policy,
                     GError                 **error)
{
  Parts parts;
  g_autoptr(JsonObject) header = NULL;
  g_autoptr(JsonObject) claims = NULL;
  g_autoptr(EVP_MD_CTX) context = NULL;
  g_autofree guchar *signature = NULL;
  gsize signature_length = 0;
  const char *kid;
  EVP_PKEY *key;

  if (!split_token (token, &parts, error))
    return NULL;
  header = decode_json_part (parts.header, parts.header_length, "header", error);
  if (header == NULL)
    return NULL;
  if (g_strcmp0 (thumbing_json_member_string (header, "alg"), "RS256") != 0)
    {
      g_set_error (error, THUMBING_JWT_ERROR, THUMBING_JWT_ERROR_ALGORITHM, _("the token’s algorithm is not RS256"));
      return NULL;
    }
  kid = thumbing_json_member_string (header, "kid");
  if (kid == NULL)
    {
      g_set_error (error, THUMBING_JWT_ERROR, THUMBING_JWT_ERROR_UNKNOWN_KEY, _("the token names no key (kid)"));
      return NULL;
    }
  key = g_hash_table_lookup (jwks->keys, kid);
  if (key == NULL)
    {
      g_set_error (error, THUMBING_JWT_ERROR, THUMBING_JWT_ERROR_UNKNOWN_KEY,
                   _("the token’s key is not an RS256 signing key of the JWKS"));
      return NULL;
    }
  claims = decode_json_part (parts.payload, parts.payload_length, "payload", error);
  if (claims == NULL)
    return NULL;

  signature = base64url_decode (parts.signature, parts.signature_length, &signature_length);
  context = EVP_MD_CTX_new ();
  if (signature == NULL || signature_length != (gsize) EVP_PKEY_get_size (key) || context == NULL
      || EVP_DigestVerifyInit (context, NULL, EVP_sha256 (), NULL, key) != 1
      || EVP_DigestVerify (context, signature, signature_length, (const guchar *) token,
                           parts.header_length + 1 + parts.payload_length) != 1)
    {
      g_set_error (error, THUMBING_JWT_ERROR, THUMBING_JWT_ERROR_SIGNATURE, _("the token’s signature is not valid"));
      return NULL;
    }
  if (!check_claims (claims, policy, error))
    return NULL;
  return g_steal_pointer (&claims);
}
