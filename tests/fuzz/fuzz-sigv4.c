/* fuzz-sigv4.c: SigV4 canonicalisation and signing of hostile paths, queries and headers
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "config.h"

#include <string.h>

#include "fuzz-common.h"
#include "thumbing-aws-client.h"
#include "thumbing-aws-sigv4.h"

/* Lines: the method, the path, then “name=value” query parameters until an
 * empty line, then “Name: value” headers; the first byte picks the form. */
int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autofree char *text = fuzz_text (data, size);
  g_auto(GStrv) lines = g_strsplit (text, "\n", 64);
  g_autoptr(ThumbingAwsRequest) request = NULL;
  g_autoptr(GDateTime) time = g_date_time_new_utc (2015, 8, 30, 12, 36, 0);
  ThumbingAwsKeys keys = { "AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", NULL };
  ThumbingAwsSigning signing = { size > 0 && (data[0] & 1) ? THUMBING_AWS_SIGN_QUERY : THUMBING_AWS_SIGN_HEADER,
                                 "us-east-1", "service", time, size > 0 && (data[0] & 2), size > 0 && (data[0] & 4),
                                 NULL, FALSE, 300 };
  g_auto(ThumbingAwsSigned) result = { NULL, NULL, NULL };
  guint i = 2;

  if (lines[0] == NULL || lines[1] == NULL || *lines[0] == '\0' || lines[1][0] != '/')
    return 0;
  request = thumbing_aws_request_new (lines[0], "example.amazonaws.com", lines[1]);
  for (; lines[i] != NULL && *lines[i] != '\0'; i++)
    {
      char *eq = strchr (lines[i], '=');

      if (eq != NULL)
        *eq = '\0';
      thumbing_aws_request_add_query (request, lines[i], eq != NULL ? eq + 1 : "");
    }
  for (; lines[i] != NULL; i++)
    {
      char *colon = strchr (lines[i], ':');

      if (colon != NULL && colon != lines[i])
        {
          *colon = '\0';
          thumbing_aws_request_add_header (request, lines[i], colon + 1);
        }
    }
  if (thumbing_aws_sign (request, &keys, &signing, &result, NULL))
    g_assert (result.signature != NULL && strlen (result.signature) == 64);
  g_free (thumbing_aws_request_encoded_path (request));
  g_free (thumbing_aws_request_encoded_query (request));
  return 0;
}
