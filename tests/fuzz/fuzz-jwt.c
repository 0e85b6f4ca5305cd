/* fuzz-jwt.c: JWKS documents and JWTs, parsed and verified
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "config.h"

#include <string.h>

#include "fuzz-common.h"
#include "thumbing-jwt.h"

/* A JWKS document, a line break, then a token. */
int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autofree char *text = fuzz_text (data, size);
  char *newline = strchr (text, '\n');
  const char *token = newline != NULL ? newline + 1 : text;
  g_autoptr(ThumbingJwks) jwks = NULL;
  g_autoptr(JsonObject) claims = NULL;
  g_autofree char *kid = NULL;
  ThumbingJwtPolicy policy = { "https://issuer.example.com", THUMBING_JWT_TOKEN_USE_ACCESS, "client", NULL, NULL, 60 };

  if (newline != NULL)
    *newline = '\0';
  jwks = thumbing_jwks_parse (text, -1, NULL);
  kid = thumbing_jwt_peek_kid (token);
  if (jwks != NULL)
    {
      thumbing_jwks_size (jwks);
      claims = thumbing_jwt_verify (token, jwks, &policy, NULL);
    }
  return 0;
}
