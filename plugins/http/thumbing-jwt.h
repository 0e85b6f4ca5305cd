/* thumbing-jwt.h: RS256 JSON Web Tokens, as Cognito issues them, checked against a JWKS
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* Tokens longer than this are refused before any decoding. */
#define THUMBING_JWT_MAX_LENGTH 8192

#define THUMBING_JWT_ERROR (thumbing_jwt_error_quark ())

typedef enum {
  THUMBING_JWT_ERROR_MALFORMED,      /* not three base64url parts of JSON, or too long */
  THUMBING_JWT_ERROR_ALGORITHM,      /* not RS256, or not the key's algorithm */
  THUMBING_JWT_ERROR_UNKNOWN_KEY,    /* no kid, or a kid the JWKS does not have */
  THUMBING_JWT_ERROR_SIGNATURE,
  THUMBING_JWT_ERROR_EXPIRED,
  THUMBING_JWT_ERROR_NOT_YET_VALID,
  THUMBING_JWT_ERROR_CLAIMS,         /* issuer, audience, client or token use */
  THUMBING_JWT_ERROR_FORBIDDEN,      /* valid, but without a required group or scope */
} ThumbingJwtError;

typedef enum {
  THUMBING_JWT_TOKEN_USE_ACCESS,
  THUMBING_JWT_TOKEN_USE_ID,
} ThumbingJwtTokenUse;

typedef struct
{
  const char           *issuer;
  ThumbingJwtTokenUse   token_use;
  const char           *client_id;        /* client_id of access tokens, aud of id tokens */
  const char * const   *required_groups;  /* any one of them, from cognito:groups; NULL: none */
  const char * const   *required_scopes;  /* every one of them, from scope; NULL: none */
  gint64                leeway;           /* seconds of clock skew allowed */
} ThumbingJwtPolicy;

typedef struct _ThumbingJwks ThumbingJwks;

GQuark        thumbing_jwt_error_quark (void);

ThumbingJwks *thumbing_jwks_parse      (const char              *json,
                                        gssize                   length,
                                        GError                 **error);
void          thumbing_jwks_free       (ThumbingJwks            *jwks);
guint         thumbing_jwks_size       (ThumbingJwks            *jwks);

char         *thumbing_jwt_peek_kid    (const char              *token);
JsonObject   *thumbing_jwt_verify      (const char              *token,
                                        ThumbingJwks            *jwks,
                                        const ThumbingJwtPolicy *policy,
                                        GError                 **error);
JsonObject   *thumbing_jwt_check_authorizer_claims (JsonObject              *claims,
                                                    const ThumbingJwtPolicy *policy,
                                                    GError                 **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ThumbingJwks, thumbing_jwks_free)

G_END_DECLS
