/* jwt-mint.c: keys, a JWKS and tokens for the Python tests
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 *   jwt-mint key FILE.pem               a new 2048-bit RSA key
 *   jwt-mint jwks FILE.pem KID          the JWKS publishing it
 *   jwt-mint token FILE.pem KID CLAIMS  an RS256 token of the claims (JSON)
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include <openssl/pem.h>

#include "thumbing-test-jwt.h"

static EVP_PKEY *
read_key (const char *path)
{
  FILE *file = fopen (path, "r");
  EVP_PKEY *key;

  g_assert_nonnull (file);
  key = PEM_read_PrivateKey (file, NULL, NULL, NULL);
  fclose (file);
  g_assert_nonnull (key);
  return key;
}

int
main (int   argc,
      char *argv[])
{
  if (argc == 3 && strcmp (argv[1], "key") == 0)
    {
      EVP_PKEY *key = thumbing_test_jwt_new_key (2048);
      FILE *file = fopen (argv[2], "w");

      g_assert_nonnull (file);
      PEM_write_PrivateKey (file, key, NULL, NULL, 0, NULL, NULL);
      fclose (file);
      EVP_PKEY_free (key);
      return 0;
    }
  if (argc == 4 && strcmp (argv[1], "jwks") == 0)
    {
      EVP_PKEY *key = read_key (argv[2]);
      g_autofree char *jwk = thumbing_test_jwk (key, argv[3], "sig", "RS256");

      printf ("{\"keys\":[%s]}\n", jwk);
      EVP_PKEY_free (key);
      return 0;
    }
  if (argc == 5 && strcmp (argv[1], "token") == 0)
    {
      EVP_PKEY *key = read_key (argv[2]);
      g_autofree char *header = g_strdup_printf ("{\"alg\":\"RS256\",\"kid\":\"%s\",\"typ\":\"JWT\"}", argv[3]);
      g_autofree char *token = thumbing_test_jwt_sign (key, header, argv[4]);

      printf ("%s\n", token);
      EVP_PKEY_free (key);
      return 0;
    }
  fprintf (stderr, "usage: jwt-mint key FILE | jwks FILE KID | token FILE KID CLAIMS\n");
  return 2;
}
