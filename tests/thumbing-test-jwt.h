/* thumbing-test-jwt.h: RSA keys, JWKS and RS256 tokens made by the tests
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <glib.h>
#include <openssl/evp.h>

G_BEGIN_DECLS

EVP_PKEY *thumbing_test_jwt_new_key   (guint         bits);
char     *thumbing_test_jwk           (EVP_PKEY     *key,
                                       const char   *kid,
                                       const char   *use,
                                       const char   *alg);
char     *thumbing_test_base64url     (const guchar *data,
                                       gsize         length);
char     *thumbing_test_jwt_sign      (EVP_PKEY     *key,
                                       const char   *header_json,
                                       const char   *claims_json);

G_END_DECLS
