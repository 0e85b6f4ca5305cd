/* test-s3-event.c: S3 event notifications, direct and through SNS
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "config.h"

#include "thumbing-s3-event.h"
#include "thumbing-test-util.h"

#define RECORD(version, key) \
  "{\"eventVersion\":\"" version "\",\"eventSource\":\"aws:s3\",\"awsRegion\":\"eu-west-1\"," \
  "\"eventTime\":\"2026-11-24T07:00:00.000Z\",\"eventName\":\"ObjectCreated:Put\"," \
  "\"s3\":{\"s3SchemaVersion\":\"1.0\",\"bucket\":{\"name\":\"thumbs\",\"arn\":\"arn:aws:s3:::thumbs\"}," \
  "\"object\":{\"key\":\"" key "\",\"size\":1024,\"eTag\":\"d41d8cd98f00b204e9800998ecf8427e\"," \
  "\"sequencer\":\"0055AED6DCD90281E5\"}}}"

static GPtrArray *
parse_ok (const char *body, gboolean *test_event)
{
  g_autoptr(GError) error = NULL;
  GPtrArray *records = thumbing_s3_event_parse (body, TRUE, test_event, &error);

  g_assert_no_error (error);
  g_assert_nonnull (records);
  return records;
}

static void
test_direct_records (void)
{
  gboolean test_event = TRUE;
  g_autoptr(GPtrArray) records =
    parse_ok ("{\"Records\":[" RECORD ("2.1", "uploads/red+flower%2Bx%E6%97%A5.jpg") ","
              RECORD ("2.3", "uploads/sub/a%25b%7E%28c%29.png") "]}", &test_event);
  ThumbingS3Record *first = records->pdata[0], *second = records->pdata[1];

  g_assert_false (test_event);
  g_assert_cmpuint (records->len, ==, 2);
  g_assert_cmpstr (first->key, ==, "uploads/red flower+x日.jpg");
  g_assert_cmpstr (first->bucket, ==, "thumbs");
  g_assert_cmpstr (first->event_name, ==, "ObjectCreated:Put");
  g_assert_cmpstr (first->region, ==, "eu-west-1");
  g_assert_cmpint (first->size, ==, 1024);
  g_assert_cmpstr (first->etag, ==, "d41d8cd98f00b204e9800998ecf8427e");
  g_assert_cmpstr (second->key, ==, "uploads/sub/a%b~(c).png");
}

static void
test_through_sns (void)
{
  gboolean test_event = TRUE;
  g_autofree char *escaped = g_strescape ("{\"Records\":[" RECORD ("2.2", "uploads/a+b.jpg") "]}", NULL);
  g_autofree char *envelope = g_strdup_printf ("{\"Type\":\"Notification\",\"MessageId\":\"m\","
                                               "\"TopicArn\":\"arn:aws:sns:eu-west-1:1:events\","
                                               "\"Subject\":\"Amazon S3 Notification\",\"Message\":\"%s\"}", escaped);
  g_autoptr(GPtrArray) records = parse_ok (envelope, &test_event);

  g_assert_cmpuint (records->len, ==, 1);
  g_assert_cmpstr (((ThumbingS3Record *) records->pdata[0])->key, ==, "uploads/a b.jpg");
}

/* MinIO's webhook target: its own envelope around AWS-shaped records whose
 * source is minio:s3 and whose names start with “s3:”. */
static void
test_minio_webhook (void)
{
  gboolean test_event = TRUE;
  g_autoptr(GPtrArray) records =
    parse_ok ("{\"EventName\":\"s3:ObjectCreated:Put\",\"Key\":\"thumbs/uploads/a.jpg\",\"Records\":[{"
              "\"eventVersion\":\"2.0\",\"eventSource\":\"minio:s3\",\"awsRegion\":\"\","
              "\"eventName\":\"s3:ObjectCreated:Put\",\"s3\":{\"bucket\":{\"name\":\"thumbs\"},"
              "\"object\":{\"key\":\"uploads%2Fa.jpg\",\"size\":5,\"eTag\":\"abc\"}}}]}", &test_event);
  ThumbingS3Record *record = records->pdata[0];

  g_assert_false (test_event);
  g_assert_cmpstr (record->event_name, ==, "ObjectCreated:Put");
  g_assert_cmpstr (record->key, ==, "uploads/a.jpg");
  g_assert_cmpstr (record->etag, ==, "abc");
}

static void
test_test_event (void)
{
  gboolean test_event = FALSE;
  g_autoptr(GPtrArray) records =
    parse_ok ("{\"Service\":\"Amazon S3\",\"Event\":\"s3:TestEvent\",\"Time\":\"2026-11-24T07:00:00.000Z\","
              "\"Bucket\":\"thumbs\",\"RequestId\":\"5582815E1AEA5ADF\",\"HostId\":\"x\"}", &test_event);

  g_assert_true (test_event);
  g_assert_cmpuint (records->len, ==, 0);
}

static void
test_refusals (void)
{
  static const struct { const char *body, *message; } cases[] = {
    { "not json", "not a JSON object: *" },
    { "[1,2]", "not a JSON object: another JSON value" },
    /* Found by fuzz-s3-event: an empty document has no root at all. */
    { "", "not a JSON object: another JSON value" },
    { "  \n", "not a JSON object: another JSON value" },
    { "{\"Type\":\"Notification\",\"Message\":\"\"}", "an SNS notification whose Message is not an S3 event: *" },
    { "{\"hello\":1}", "no “Records” list: not an S3 event" },
    { "{\"Records\":[" RECORD ("3.0", "k") "]}", "record 0: event version “3.0” is not 2.x" },
    { "{\"Records\":[{\"eventVersion\":\"2.1\",\"eventSource\":\"aws:sqs\"}]}",
      "record 0: not an S3 event (eventSource “aws:sqs”)" },
    { "{\"Records\":[{\"eventVersion\":\"2.1\",\"eventSource\":\"aws:s3\",\"s3\":{}}]}",
      "record 0: eventName, s3.bucket.name or s3.object.key is missing" },
    { "{\"Records\":[" RECORD ("2.1", "bad%ZZkey") "]}", "record 0: the key “bad%ZZkey” is not validly encoded" },
    { "{\"Type\":\"Notification\",\"Message\":\"oops\"}", "an SNS notification whose Message is not an S3 event: *" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      gboolean test_event = FALSE;
      g_autoptr(GPtrArray) records = thumbing_s3_event_parse (cases[i].body, TRUE, &test_event, &error);

      g_assert_null (records);
      g_assert_error (error, THUMBING_ERROR, THUMBING_ERROR_BAD_INPUT);
      if (!g_pattern_match_simple (cases[i].message, error->message))
        g_error ("“%s”: “%s” does not match “%s”", cases[i].body, error->message, cases[i].message);
    }
}

int
main (int    argc,
      char **argv)
{
  thumbing_test_init (&argc, &argv);
  g_test_add_func ("/s3-event/direct-records", test_direct_records);
  g_test_add_func ("/s3-event/through-sns", test_through_sns);
  g_test_add_func ("/s3-event/minio-webhook", test_minio_webhook);
  g_test_add_func ("/s3-event/test-event", test_test_event);
  g_test_add_func ("/s3-event/refusals", test_refusals);
  return g_test_run ();
}
