/* test-s3-elements.c: s3-put and s3-get against s3rver
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "config.h"

#include <string.h>

#include <json-glib/json-glib.h>

#include "thumbing-test-aws.h"
#include "thumbing-aws-metadata.h"
#include "thumbing-test-util.h"

typedef struct
{
  GSubprocess *stack;
  char        *s3;
  char        *root;
} Fixture;

static void
fixture_set_up (Fixture *f, gconstpointer data)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autofree char *endpoints = NULL;
  g_autoptr(GError) error = NULL;

  f->stack = thumbing_test_start_aws_stack ("{\"buckets\": [\"thumbs\", \"outputs\"], \"faults\": true}", &endpoints);
  g_assert_true (json_parser_load_from_data (parser, endpoints, -1, &error));
  f->s3 = g_strdup (json_object_get_string_member (json_node_get_object (json_parser_get_root (parser)), "s3"));
  f->root = thumbing_test_make_tempdir ();
  /* s3rver accepts these credentials only. */
  g_setenv ("AWS_ACCESS_KEY_ID", "S3RVER", TRUE);
  g_setenv ("AWS_SECRET_ACCESS_KEY", "S3RVER", TRUE);
  g_setenv ("AWS_ENDPOINT_URL_S3", f->s3, TRUE);
  g_unsetenv ("AWS_ENDPOINT_URL");
  g_unsetenv ("AWS_PROFILE");
}

static void
fixture_tear_down (Fixture *f, gconstpointer data)
{
  thumbing_test_stop_aws_stack (f->stack);
  g_object_unref (f->stack);
  thumbing_test_remove_tree (f->root);
  g_free (f->root);
  g_free (f->s3);
}

static ThumbingItem *
s3_item (const char *bucket, const char *key, const char *etag, const char *size)
{
  g_autofree char *origin = g_strdup_printf ("s3://%s/%s", bucket, key);
  ThumbingItem *item = thumbing_item_new (origin, key);

  thumbing_item_set_metadata (item, THUMBING_S3_BUCKET, bucket);
  thumbing_item_set_metadata (item, THUMBING_S3_KEY, key);
  thumbing_item_set_metadata (item, THUMBING_S3_ETAG, etag);
  thumbing_item_set_metadata (item, THUMBING_S3_SIZE, size);
  return item;
}

static char *
put_object (ThumbingElement *put, const char *name, const char *media, const char *data, const char *origin_etag)
{
  g_autoptr(ThumbingItem) item = thumbing_item_new (name, name);
  g_autoptr(GBytes) bytes = g_bytes_new (data, strlen (data));
  g_autoptr(ThumbingItem) result = NULL;
  g_autoptr(GError) error = NULL;

  thumbing_item_set_bytes (item, bytes, media);
  if (origin_etag != NULL)
    thumbing_item_set_metadata (item, THUMBING_S3_ETAG, origin_etag);
  result = thumbing_test_process (put, item, &error);
  g_assert_no_error (error);
  return g_strdup (thumbing_item_get_metadata (result, THUMBING_S3_OUTPUT_ETAG));
}

/* A plain upload, as a browser's presigned PUT makes: no thumbing metadata. */
static char *
upload (Fixture *f, const char *bucket, const char *key, const char *media, const char *data)
{
  g_autoptr(ThumbingAwsCredentials) credentials = thumbing_aws_credentials_new ("S3RVER", "S3RVER", NULL, NULL, "test");
  g_autoptr(ThumbingAwsClient) client = thumbing_aws_client_new ("s3", f->s3, "us-east-1", credentials);
  g_autofree char *path = g_strdup_printf ("/%s/%s", bucket, key);
  ThumbingAwsRequest *request = thumbing_aws_request_new ("PUT", "", path);
  g_autoptr(GBytes) body = g_bytes_new (data, strlen (data));
  g_autoptr(ThumbingAwsResponse) response = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *etag = NULL;

  thumbing_aws_request_add_header (request, "Content-Type", media);
  thumbing_aws_request_set_body (request, body);
  response = thumbing_test_aws_send (client, request, &error);
  g_assert_no_error (error);
  etag = g_strdup (soup_message_headers_get_one (response->headers, "ETag"));
  return g_strdup (g_strstrip (g_strdelimit (etag, "\"", ' ')));
}

static void
test_put_then_get (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(ThumbingElement) get = NULL;
  g_autofree char *etag = NULL;
  g_autoptr(ThumbingItem) item = NULL;
  g_autoptr(ThumbingItem) result = NULL;
  const char *key = "uploads/sub/red flower+日本 (1).jpg";

  etag = upload (f, "thumbs", key, "image/jpeg", "JPEG bytes");
  g_assert_nonnull (etag);
  g_assert_cmpuint (strlen (etag), ==, 32);

  get = thumbing_test_element ("s3-get", &error);
  g_assert_no_error (error);
  item = s3_item ("thumbs", key, etag, "10");
  result = thumbing_test_process (get, item, &error);
  g_assert_no_error (error);
  g_assert_nonnull (result);
  g_assert_cmpstr (thumbing_item_get_media_type (result), ==, "image/jpeg");
  g_assert_cmpmem (g_bytes_get_data (thumbing_item_get_bytes (result), NULL),
                   g_bytes_get_size (thumbing_item_get_bytes (result)), "JPEG bytes", 10);
}

static void
on_warning (ThumbingElement *element, const char *message, gpointer user_data)
{
  g_ptr_array_add (user_data, g_strdup (message));
}

static void
assert_skipped (ThumbingElement *get, ThumbingItem *item, GPtrArray *warnings, const char *pattern)
{
  g_autoptr(GError) error = NULL;
  guint before = warnings->len;
  g_autoptr(ThumbingItem) result = thumbing_test_process (get, item, &error);

  /* Skipped items are dropped without error: their source acknowledges them. */
  g_assert_no_error (error);
  g_assert_null (result);
  while (warnings->len == before)
    g_main_context_iteration (NULL, TRUE);
  if (!g_pattern_match_simple (pattern, warnings->pdata[warnings->len - 1]))
    g_error ("“%s” does not match “%s”", (char *) warnings->pdata[warnings->len - 1], pattern);
}

static void
test_get_skips_what_cannot_be_processed (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(ThumbingElement) output_put = thumbing_test_element ("s3-put bucket=thumbs prefix=avatars/", &error);
  g_autoptr(ThumbingElement) get = thumbing_test_element ("s3-get max-bytes=100", &error);
  g_autoptr(GPtrArray) warnings = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *old_etag = NULL, *new_etag = NULL, *output_etag = NULL;
  g_autoptr(ThumbingItem) missing = s3_item ("thumbs", "uploads/never-there.jpg", NULL, "5");
  g_autoptr(ThumbingItem) replaced = NULL;
  g_autoptr(ThumbingItem) own = NULL;
  g_autoptr(ThumbingItem) huge = s3_item ("thumbs", "uploads/huge.jpg", NULL, "1000000");
  g_autoptr(ThumbingItem) result = NULL;

  g_assert_no_error (error);
  g_signal_connect (get, "warning", G_CALLBACK (on_warning), warnings);

  assert_skipped (get, missing, warnings, "s3-get: s3://thumbs/uploads/never-there.jpg is gone; skipped: *NoSuchKey*");

  old_etag = upload (f, "thumbs", "uploads/photo.jpg", "image/jpeg", "version one");
  new_etag = upload (f, "thumbs", "uploads/photo.jpg", "image/jpeg", "version two!");
  g_assert_cmpstr (old_etag, !=, new_etag);
  replaced = s3_item ("thumbs", "uploads/photo.jpg", old_etag, "11");
  assert_skipped (get, replaced, warnings, "*uploads/photo.jpg was replaced since its event (the ETag changed); skipped");

  output_etag = put_object (output_put, "photo.png", "image/png", "PNG", new_etag);
  own = s3_item ("thumbs", "avatars/photo.png", output_etag, "3");
  assert_skipped (get, own, warnings, "*avatars/photo.png is an output of thumbing, not an upload; skipped");

  result = thumbing_test_process (get, huge, &error);
  g_assert_null (result);
  g_assert_error (error, THUMBING_ERROR, THUMBING_ERROR_TOO_LARGE);

  /* An event without a size (or a wrong one): the body is refused unread
   * past max-bytes. */
  {
    g_autofree char *large = g_strnfill (300, 'x');
    g_autofree char *large_etag = upload (f, "thumbs", "uploads/large.jpg", "image/jpeg", large);
    g_autoptr(ThumbingItem) unsized = s3_item ("thumbs", "uploads/large.jpg", large_etag, NULL);
    g_autoptr(ThumbingItem) understated = s3_item ("thumbs", "uploads/large.jpg", large_etag, "50");

    g_clear_error (&error);
    result = thumbing_test_process (get, unsized, &error);
    g_assert_null (result);
    g_assert_error (error, THUMBING_ERROR, THUMBING_ERROR_TOO_LARGE);
    g_assert_nonnull (strstr (error->message, "the response has 300 bytes, more than the 100 allowed"));
    g_clear_error (&error);
    result = thumbing_test_process (get, understated, &error);
    g_assert_null (result);
    g_assert_error (error, THUMBING_ERROR, THUMBING_ERROR_TOO_LARGE);
  }
}

static void
test_multipart_upload (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(ThumbingElement) put = thumbing_test_element ("s3-put bucket=outputs prefix=big/ "
                                                          "multipart-threshold=5242880 part-size=5242880", &error);
  gsize size = 12 * 1024 * 1024 + 12345;
  guint8 *contents = g_malloc (size);
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(ThumbingItem) item = thumbing_item_new ("big.bin", "big.bin");
  g_autoptr(ThumbingItem) stored = NULL;
  GRand *rand = g_rand_new_with_seed (42);

  g_assert_no_error (error);
  for (gsize i = 0; i < size; i++)
    contents[i] = g_rand_int (rand) & 0xFF;
  g_rand_free (rand);
  bytes = g_bytes_new_take (contents, size);
  thumbing_item_set_bytes (item, bytes, "application/octet-stream");

  stored = thumbing_test_process (put, item, &error);
  g_assert_no_error (error);
  /* A multipart object's ETag ends in the number of its parts. */
  g_assert_nonnull (thumbing_item_get_metadata (stored, THUMBING_S3_OUTPUT_ETAG));

  /* s3-get skips thumbing's own outputs: fetch it as a plain client would. */
  {
    g_autoptr(ThumbingAwsCredentials) credentials = thumbing_aws_credentials_new ("S3RVER", "S3RVER", NULL, NULL, "test");
    g_autoptr(ThumbingAwsClient) client = thumbing_aws_client_new ("s3", f->s3, "us-east-1", credentials);
    g_autoptr(ThumbingAwsResponse) response =
      thumbing_test_aws_send (client, thumbing_aws_request_new ("GET", "", "/outputs/big/big.bin"), &error);

    g_assert_no_error (error);
    g_assert_true (g_bytes_equal (response->body, bytes));
  }

  /* It went in three parts: create, 5 + 5 + 2 MiB, complete. */
  {
    g_autoptr(ThumbingAwsCredentials) credentials = thumbing_aws_credentials_new ("S3RVER", "S3RVER", NULL, NULL, "test");
    g_autoptr(ThumbingAwsClient) client = thumbing_aws_client_new ("s3", f->s3, "us-east-1", credentials);
    g_autoptr(ThumbingAwsResponse) response =
      thumbing_test_aws_send (client, thumbing_aws_request_new ("GET", "", "/__requests"), &error);
    g_autofree char *log = NULL;

    g_assert_no_error (error);
    log = g_strndup (g_bytes_get_data (response->body, NULL), g_bytes_get_size (response->body));
    g_assert_nonnull (strstr (log, "\"POST /outputs/big/big.bin?uploads="));
    for (guint part = 1; part <= 3; part++)
      {
        g_autofree char *needle = g_strdup_printf ("\"PUT /outputs/big/big.bin?partNumber=%u&uploadId=", part);

        g_assert_nonnull (strstr (log, needle));
      }
    g_assert_null (strstr (log, "partNumber=4"));
    g_assert_nonnull (strstr (log, "\"POST /outputs/big/big.bin?uploadId="));
  }
}

static void
test_get_refuses_items_without_s3_origin (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(ThumbingElement) get = thumbing_test_element ("s3-get", &error);
  g_autoptr(ThumbingItem) item = thumbing_item_new ("local.jpg", NULL);
  g_autoptr(ThumbingItem) result = thumbing_test_process (get, item, &error);

  g_assert_null (result);
  g_assert_error (error, THUMBING_ERROR, THUMBING_ERROR_STATE);
}

static void
test_pipeline_into_a_bucket (Fixture *f, gconstpointer data)
{
  g_autofree char *inbox = g_build_filename (f->root, "in", NULL);
  g_autofree char *sample = thumbing_test_sample ("good", "photo-baseline.jpg");
  g_autofree char *description = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(ThumbingElement) get = thumbing_test_element ("s3-get", &error);
  g_autoptr(ThumbingItem) fetched = NULL;
  g_autoptr(ThumbingItem) item = s3_item ("outputs", "avatars/team/photo-baseline.png", NULL, NULL);
  guint succeeded = 0, failed = 0;

  g_autofree char *team = g_build_filename (inbox, "team", NULL);

  g_mkdir_with_parents (team, 0755);
  g_free (thumbing_test_copy_into (sample, team));
  description = g_strdup_printf ("folder-source path=%s recursive=true ! resize ! png-encode "
                                 "! s3-put bucket=outputs prefix=avatars/ template={dir}{stem}.{ext}", inbox);
  thumbing_test_run_launch (description, &succeeded, &failed);
  g_assert_cmpuint (succeeded, ==, 1);
  g_assert_cmpuint (failed, ==, 0);

  /* What s3-put stored is an output: s3-get recognises it. */
  fetched = thumbing_test_process (get, item, &error);
  g_assert_no_error (error);
  g_assert_null (fetched);
}

int
main (int    argc,
      char **argv)
{
  thumbing_test_init (&argc, &argv);
#define ADD(path, func) g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("/s3-elements/put-then-get", test_put_then_get);
  ADD ("/s3-elements/get-skips-what-cannot-be-processed", test_get_skips_what_cannot_be_processed);
  ADD ("/s3-elements/multipart-upload", test_multipart_upload);
  ADD ("/s3-elements/get-refuses-items-without-s3-origin", test_get_refuses_items_without_s3_origin);
  ADD ("/s3-elements/pipeline-into-a-bucket", test_pipeline_into_a_bucket);
  return g_test_run ();
}
