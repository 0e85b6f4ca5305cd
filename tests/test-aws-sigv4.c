/* test-aws-sigv4.c: the signer against AWS's own SigV4 test suite and S3's documented examples
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "config.h"

#include <string.h>

#include <json-glib/json-glib.h>

#include "thumbing-aws-sigv4.h"
#include "thumbing-test-util.h"

static const char *
suite_root (void)
{
  return g_getenv ("THUMBING_SIGV4_SUITE");
}

static char *
read_case_file (const char *name,
                const char *file)
{
  g_autofree char *path = g_build_filename (suite_root (), name, file, NULL);
  g_autoptr(GError) error = NULL;
  char *contents = NULL;

  g_file_get_contents (path, &contents, NULL, &error);
  g_assert_no_error (error);
  return contents;
}

static char *
percent_decode (const char *text)
{
  char *decoded = g_uri_unescape_string (text, NULL);

  g_assert_nonnull (decoded);
  return decoded;
}

/* request.txt: the request line, headers (continuation lines join with a
 * space), a blank line, the body. */
static ThumbingAwsRequest *
parse_request (const char *text)
{
  g_auto(GStrv) lines = g_strsplit (text, "\n", -1);
  g_auto(GStrv) request_line = NULL;
  g_autofree char *target = NULL;
  g_autofree char *path = NULL;
  ThumbingAwsRequest *request;
  char *question;
  guint i;
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) values = g_ptr_array_new_with_free_func (g_free);

  /* The target runs from the first space to the last one, before HTTP/1.1. */
  target = g_strndup (strchr (lines[0], ' ') + 1, strrchr (lines[0], ' ') - strchr (lines[0], ' ') - 1);
  request_line = g_strsplit (lines[0], " ", 2);
  question = strchr (target, '?');
  if (question != NULL)
    *question = '\0';
  path = percent_decode (target);

  for (i = 1; lines[i] != NULL && lines[i][0] != '\0'; i++)
    {
      if ((lines[i][0] == ' ' || lines[i][0] == '\t') && values->len > 0)
        {
          char *joined = g_strconcat (values->pdata[values->len - 1], " ", g_strstrip (lines[i]), NULL);

          g_free (values->pdata[values->len - 1]);
          values->pdata[values->len - 1] = joined;
          continue;
        }
      {
        char *colon = strchr (lines[i], ':');

        g_assert_nonnull (colon);
        g_ptr_array_add (names, g_strndup (lines[i], colon - lines[i]));
        g_ptr_array_add (values, g_strdup (colon + 1));
      }
    }

  request = thumbing_aws_request_new (request_line[0], "example.amazonaws.com", path);
  for (guint h = 0; h < names->len; h++)
    thumbing_aws_request_add_header (request, names->pdata[h], values->pdata[h]);

  if (question != NULL)
    {
      g_auto(GStrv) pairs = g_strsplit (question + 1, "&", -1);

      for (char **p = pairs; *p != NULL; p++)
        {
          char *eq = strchr (*p, '=');
          g_autofree char *raw_name = eq != NULL ? g_strndup (*p, eq - *p) : g_strdup (*p);
          g_autofree char *name = percent_decode (raw_name);
          g_autofree char *value = eq != NULL ? percent_decode (eq + 1) : g_strdup ("");

          thumbing_aws_request_add_query (request, name, value);
        }
    }

  if (lines[i] != NULL)
    {
      g_autofree char *body = g_strjoinv ("\n", lines + i + 1);

      if (body[0] != '\0')
        {
          g_autoptr(GBytes) bytes = g_bytes_new (body, strlen (body));

          thumbing_aws_request_set_body (request, bytes);
        }
    }
  return request;
}

static void
run_case (gconstpointer data)
{
  const char *name = data;
  g_autofree char *context_text = read_case_file (name, "context.json");
  g_autofree char *request_text = read_case_file (name, "request.txt");
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GDateTime) time = NULL;
  JsonObject *context, *credentials;
  ThumbingAwsKeys keys;
  ThumbingAwsSigning signing = { 0 };

  g_assert_true (json_parser_load_from_data (parser, context_text, -1, &error));
  context = json_node_get_object (json_parser_get_root (parser));
  credentials = json_object_get_object_member (context, "credentials");
  keys.access_key_id = json_object_get_string_member (credentials, "access_key_id");
  keys.secret_access_key = json_object_get_string_member (credentials, "secret_access_key");
  keys.session_token = json_object_get_string_member_with_default (credentials, "token", NULL);
  time = g_date_time_new_from_iso8601 (json_object_get_string_member (context, "timestamp"), NULL);
  g_assert_nonnull (time);

  signing.region = json_object_get_string_member (context, "region");
  signing.service = json_object_get_string_member (context, "service");
  signing.time = time;
  signing.normalize_path = json_object_get_boolean_member (context, "normalize");
  signing.add_content_sha256 = json_object_get_boolean_member (context, "sign_body");
  signing.omit_session_token = json_object_get_boolean_member_with_default (context, "omit_session_token", FALSE);
  signing.expires = json_object_get_int_member (context, "expiration_in_seconds");

  for (guint form = 0; form < 2; form++)
    {
      const char *prefix = form == 0 ? "header" : "query";
      g_autoptr(ThumbingAwsRequest) request = parse_request (request_text);
      g_auto(ThumbingAwsSigned) result = { NULL, NULL, NULL };
      g_autofree char *creq_file = g_strdup_printf ("%s-canonical-request.txt", prefix);
      g_autofree char *sts_file = g_strdup_printf ("%s-string-to-sign.txt", prefix);
      g_autofree char *signature_file = g_strdup_printf ("%s-signature.txt", prefix);
      g_autofree char *signed_file = g_strdup_printf ("%s-signed-request.txt", prefix);
      g_autofree char *expected_creq = read_case_file (name, creq_file);
      g_autofree char *expected_sts = read_case_file (name, sts_file);
      g_autofree char *expected_signature = read_case_file (name, signature_file);
      g_autofree char *expected_signed = read_case_file (name, signed_file);

      signing.form = form == 0 ? THUMBING_AWS_SIGN_HEADER : THUMBING_AWS_SIGN_QUERY;
      g_assert_true (thumbing_aws_sign (request, &keys, &signing, &result, &error));
      g_assert_no_error (error);
      g_assert_cmpstr (result.canonical_request, ==, expected_creq);
      g_assert_cmpstr (result.string_to_sign, ==, expected_sts);
      g_assert_cmpstr (result.signature, ==, g_strstrip (expected_signature));

      if (signing.form == THUMBING_AWS_SIGN_HEADER)
        {
          g_autofree char *line = g_strdup_printf ("Authorization:%s\n",
                                                   thumbing_aws_request_get_header (request, "Authorization"));

          g_assert_nonnull (strstr (expected_signed, line));
        }
      else
        {
          g_autofree char *query = thumbing_aws_request_encoded_query (request);
          g_auto(GStrv) pairs = g_strsplit (query, "&", -1);
          /* The suite writes some names raw (UTF-8): compare decoded text. */
          g_autofree char *expected_text = percent_decode (expected_signed);

          /* Every parameter of the signed URL, in whatever order, is in the expected one. */
          for (char **p = pairs; *p != NULL; p++)
            {
              g_autofree char *pair = percent_decode (*p);

              if (strstr (expected_text, pair) == NULL)
                g_error ("%s: “%s” is not in the expected signed request:\n%s", name, pair, expected_signed);
            }
          g_assert_nonnull (strstr (query, result.signature));
        }
    }
}

/* The examples of S3's signing documentation, with the same credentials. */
static const ThumbingAwsKeys s3_keys = { "AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", NULL };

static char *
sign_s3 (ThumbingAwsRequest *request,
         ThumbingAwsSignForm form,
         guint               expires)
{
  g_autoptr(GDateTime) time = g_date_time_new_utc (2013, 5, 24, 0, 0, 0);
  ThumbingAwsSigning signing = { form, "us-east-1", "s3", time, FALSE, TRUE,
                                 form == THUMBING_AWS_SIGN_QUERY ? THUMBING_AWS_UNSIGNED_PAYLOAD : NULL,
                                 FALSE, expires };
  g_auto(ThumbingAwsSigned) result = { NULL, NULL, NULL };
  g_autoptr(GError) error = NULL;

  if (form == THUMBING_AWS_SIGN_QUERY)
    signing.add_content_sha256 = FALSE;
  g_assert_true (thumbing_aws_sign (request, &s3_keys, &signing, &result, &error));
  g_assert_no_error (error);
  return g_steal_pointer (&result.signature);
}

static void
assert_signature (const char *signature,
                  const char *first,
                  const char *last)
{
  g_assert_cmpuint (strlen (signature), ==, 64);
  g_assert_true (g_str_has_prefix (signature, first));
  g_assert_true (g_str_has_suffix (signature, last));
}

/* The SDKs leave the X-Ray header out of the signature, which X-Ray may
 * rewrite in transit: S3's first example signs the same with one added. */
static void
test_trace_header_is_not_signed (void)
{
  g_autoptr(ThumbingAwsRequest) get = thumbing_aws_request_new ("GET", "examplebucket.s3.amazonaws.com", "/test.txt");
  g_autofree char *signature = NULL;

  thumbing_aws_request_add_header (get, "Range", "bytes=0-9");
  thumbing_aws_request_add_trace (get, "Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1");
  thumbing_aws_request_add_trace (get, "Root=1-5759e988\r\nX-Forged: 1");
  signature = sign_s3 (get, THUMBING_AWS_SIGN_HEADER, 0);
  assert_signature (signature, "f0e8bdb8", "bdb41");
  g_assert_cmpstr (thumbing_aws_request_get_header (get, "X-Amzn-Trace-Id"), ==,
                   "Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1");
}

static void
test_s3_documented_examples (void)
{
  g_autoptr(ThumbingAwsRequest) get = thumbing_aws_request_new ("GET", "examplebucket.s3.amazonaws.com", "/test.txt");
  g_autoptr(ThumbingAwsRequest) put = thumbing_aws_request_new ("PUT", "examplebucket.s3.amazonaws.com", "/test$file.text");
  g_autoptr(ThumbingAwsRequest) lifecycle = thumbing_aws_request_new ("GET", "examplebucket.s3.amazonaws.com", "/");
  g_autoptr(ThumbingAwsRequest) list = thumbing_aws_request_new ("GET", "examplebucket.s3.amazonaws.com", "/");
  g_autoptr(ThumbingAwsRequest) presign = thumbing_aws_request_new ("GET", "examplebucket.s3.amazonaws.com", "/test.txt");
  g_autoptr(GBytes) body = g_bytes_new_static ("Welcome to Amazon S3.", 21);
  g_autofree char *s1 = NULL, *s2 = NULL, *s3 = NULL, *s4 = NULL, *s5 = NULL;

  thumbing_aws_request_add_header (get, "Range", "bytes=0-9");
  s1 = sign_s3 (get, THUMBING_AWS_SIGN_HEADER, 0);
  assert_signature (s1, "f0e8bdb8", "bdb41");

  thumbing_aws_request_add_header (put, "Date", "Fri, 24 May 2013 00:00:00 GMT");
  thumbing_aws_request_add_header (put, "x-amz-storage-class", "REDUCED_REDUNDANCY");
  thumbing_aws_request_set_body (put, body);
  s2 = sign_s3 (put, THUMBING_AWS_SIGN_HEADER, 0);
  assert_signature (s2, "98ad7217", "108bd");

  thumbing_aws_request_add_query (lifecycle, "lifecycle", "");
  s3 = sign_s3 (lifecycle, THUMBING_AWS_SIGN_HEADER, 0);
  assert_signature (s3, "fea454ca", "83543");

  thumbing_aws_request_add_query (list, "max-keys", "2");
  thumbing_aws_request_add_query (list, "prefix", "J");
  s4 = sign_s3 (list, THUMBING_AWS_SIGN_HEADER, 0);
  assert_signature (s4, "34b48302", "dc6f7");

  s5 = sign_s3 (presign, THUMBING_AWS_SIGN_QUERY, 86400);
  assert_signature (s5, "aeeed9bb", "4d404");
}

static void
test_s3_keys_encode_once (void)
{
  g_autoptr(ThumbingAwsRequest) request =
    thumbing_aws_request_new ("PUT", "127.0.0.1:4569", "/bucket/uploads/a b+c%d~(e)/日本.jpg");
  g_autofree char *path = thumbing_aws_request_encoded_path (request);
  g_autofree char *dots = thumbing_aws_uri_encode ("/bucket//a/./b", TRUE);

  g_assert_cmpstr (path, ==, "/bucket/uploads/a%20b%2Bc%25d~%28e%29/%E6%97%A5%E6%9C%AC.jpg");
  /* S3 paths are not normalised: “//” and “.” are part of the key. */
  g_assert_cmpstr (dots, ==, "/bucket//a/./b");
}

static void
test_refusals (void)
{
  g_autoptr(ThumbingAwsRequest) request = thumbing_aws_request_new ("GET", "h", "/");
  g_autoptr(GDateTime) time = g_date_time_new_utc (2013, 5, 24, 0, 0, 0);
  ThumbingAwsSigning signing = { THUMBING_AWS_SIGN_QUERY, "us-east-1", "s3", time, FALSE, FALSE,
                                 THUMBING_AWS_UNSIGNED_PAYLOAD, FALSE, THUMBING_AWS_MAX_PRESIGN_SECONDS + 1 };
  ThumbingAwsKeys no_keys = { "", "", NULL };
  g_autoptr(GError) error = NULL;

  g_assert_false (thumbing_aws_sign (request, &s3_keys, &signing, NULL, &error));
  g_assert_error (error, THUMBING_ERROR, THUMBING_ERROR_INVALID_VALUE);
  g_clear_error (&error);
  signing.expires = 300;
  g_assert_false (thumbing_aws_sign (request, &no_keys, &signing, NULL, &error));
  g_assert_error (error, THUMBING_ERROR, THUMBING_ERROR_CONFIG);
}

static void
test_normalize_path (void)
{
  static const char * const cases[][2] = {
    { "/", "/" }, { "//", "/" }, { "/./", "/" }, { "/./example", "/example" },
    { "//example//", "/example/" }, { "/example/..", "/" }, { "/example1/example2/../..", "/" },
    { "/a/b/../c/", "/a/c/" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *normalized = thumbing_aws_normalize_path (cases[i][0]);

      g_assert_cmpstr (normalized, ==, cases[i][1]);
    }
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(GDir) dir = NULL;
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  const char *entry;

  thumbing_test_init (&argc, &argv);

  /* The suite is shipped beside the project; without it the tests must fail, not pass. */
  g_assert_nonnull (suite_root ());
  dir = g_dir_open (suite_root (), 0, NULL);
  if (dir == NULL)
    g_error ("the AWS SigV4 test suite is not at %s", suite_root ());
  while ((entry = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *context = g_build_filename (suite_root (), entry, "context.json", NULL);

      if (g_file_test (context, G_FILE_TEST_EXISTS))
        g_ptr_array_add (names, g_strdup (entry));
    }
  g_assert_cmpuint (names->len, ==, 38);
  g_ptr_array_sort (names, (GCompareFunc) g_ascii_strcasecmp);

  for (guint i = 0; i < names->len; i++)
    {
      g_autofree char *path = g_strdup_printf ("/aws-sigv4/suite/%s", (char *) names->pdata[i]);

      g_test_add_data_func (path, names->pdata[i], run_case);
    }
  g_test_add_func ("/aws-sigv4/s3-documented-examples", test_s3_documented_examples);
  g_test_add_func ("/aws-sigv4/trace-header-is-not-signed", test_trace_header_is_not_signed);
  g_test_add_func ("/aws-sigv4/s3-keys-encode-once", test_s3_keys_encode_once);
  g_test_add_func ("/aws-sigv4/refusals", test_refusals);
  g_test_add_func ("/aws-sigv4/normalize-path", test_normalize_path);
  return g_test_run ();
}
