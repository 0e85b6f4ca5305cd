/* aws-sign.c: signs one request with thumbing's SigV4 signer and prints the
 * result, so the tests can compare it with an independent implementation.
 *
 *   aws-sign METHOD HOST PATH SERVICE REGION YYYYMMDDTHHMMSSZ header|query EXPIRES \
 *            [--token T] [--body TEXT] [--unsigned] [--query NAME=VALUE]… [--header NAME:VALUE]…
 *
 * Prints the encoded path, the encoded query and every header, one per line.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "thumbing-aws-sigv4.h"

static const ThumbingAwsKeys test_keys = { "AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", NULL };

int
main (int    argc,
      char **argv)
{
  g_autoptr(ThumbingAwsRequest) request = NULL;
  g_autoptr(GDateTime) time = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *iso = NULL;
  g_autofree char *path = NULL;
  g_autofree char *query = NULL;
  ThumbingAwsKeys keys = test_keys;
  ThumbingAwsSigning signing = { 0 };

  if (argc < 9)
    {
      fprintf (stderr, "usage: aws-sign METHOD HOST PATH SERVICE REGION TIME header|query EXPIRES [options]\n");
      return 2;
    }
  request = thumbing_aws_request_new (argv[1], argv[2], argv[3]);
  iso = g_strdup_printf ("%.4s-%.2s-%.2sT%.2s:%.2s:%.2sZ", argv[6], argv[6] + 4, argv[6] + 6,
                         argv[6] + 9, argv[6] + 11, argv[6] + 13);
  time = g_date_time_new_from_iso8601 (iso, NULL);
  if (time == NULL)
    {
      fprintf (stderr, "aws-sign: bad time %s\n", argv[6]);
      return 2;
    }

  signing.form = strcmp (argv[7], "query") == 0 ? THUMBING_AWS_SIGN_QUERY : THUMBING_AWS_SIGN_HEADER;
  signing.service = argv[4];
  signing.region = argv[5];
  signing.time = time;
  signing.normalize_path = strcmp (argv[4], "s3") != 0;
  signing.add_content_sha256 = strcmp (argv[4], "s3") == 0 && signing.form == THUMBING_AWS_SIGN_HEADER;
  signing.expires = atoi (argv[8]);

  for (int i = 9; i < argc; i++)
    {
      if (strcmp (argv[i], "--token") == 0 && i + 1 < argc)
        keys.session_token = argv[++i];
      else if (strcmp (argv[i], "--body") == 0 && i + 1 < argc)
        {
          g_autoptr(GBytes) body = g_bytes_new (argv[i + 1], strlen (argv[i + 1]));

          thumbing_aws_request_set_body (request, body);
          i++;
        }
      else if (strcmp (argv[i], "--unsigned") == 0)
        signing.payload_hash = THUMBING_AWS_UNSIGNED_PAYLOAD;
      else if (strcmp (argv[i], "--query") == 0 && i + 1 < argc)
        {
          char *eq = strchr (argv[++i], '=');

          *eq = '\0';
          thumbing_aws_request_add_query (request, argv[i], eq + 1);
        }
      else if (strcmp (argv[i], "--header") == 0 && i + 1 < argc)
        {
          char *colon = strchr (argv[++i], ':');

          *colon = '\0';
          thumbing_aws_request_add_header (request, argv[i], colon + 1);
        }
      else
        {
          fprintf (stderr, "aws-sign: unknown option %s\n", argv[i]);
          return 2;
        }
    }

  if (!thumbing_aws_sign (request, &keys, &signing, NULL, &error))
    {
      fprintf (stderr, "aws-sign: %s\n", error->message);
      return 1;
    }
  path = thumbing_aws_request_encoded_path (request);
  query = thumbing_aws_request_encoded_query (request);
  printf ("path %s\nquery %s\n", path, query);
  for (guint i = 0; i + 1 < request->headers->len; i += 2)
    printf ("header %s: %s\n", (char *) request->headers->pdata[i], (char *) request->headers->pdata[i + 1]);
  return 0;
}
