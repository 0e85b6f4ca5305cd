/* test-lambda-event.c: the S3 events inside a Lambda invocation
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The runtime loop around it is tested end to end in test-lambda.py.
 */
#include "config.h"

#include "thumbing-lambda-event.h"
#include "thumbing-test-util.h"

static GPtrArray *
split_ok (const char *event,
          gboolean    expect_batch)
{
  g_autoptr(GError) error = NULL;
  gboolean is_batch = !expect_batch;
  GPtrArray *messages = thumbing_lambda_event_split (event, &is_batch, &error);

  g_assert_no_error (error);
  g_assert_nonnull (messages);
  g_assert_cmpint (is_batch, ==, expect_batch);
  return messages;
}

static void
test_direct_and_sns (void)
{
  const char *direct = "{\"Records\":[{\"eventSource\":\"aws:s3\"}]}";
  g_autoptr(GPtrArray) messages = split_ok (direct, FALSE);
  g_autoptr(GPtrArray) through_sns =
    split_ok ("{\"Records\":[{\"EventSource\":\"aws:sns\",\"Sns\":{\"Message\":\"{\\\"Records\\\":[]}\"}}]}", FALSE);
  ThumbingLambdaMessage *message;

  g_assert_cmpuint (messages->len, ==, 1);
  message = messages->pdata[0];
  g_assert_cmpstr (message->message_id, ==, "");
  g_assert_cmpstr (message->body, ==, direct);
  g_assert_cmpuint (through_sns->len, ==, 1);
  message = through_sns->pdata[0];
  g_assert_cmpstr (message->body, ==, "{\"Records\":[]}");
}

static void
test_sqs_batch (void)
{
  g_autoptr(GPtrArray) messages =
    split_ok ("{\"Records\":[{\"eventSource\":\"aws:sqs\",\"messageId\":\"m-1\",\"body\":\"{}\"},"
              "{\"eventSource\":\"aws:sqs\",\"messageId\":\"m-2\"},"
              "{\"eventSource\":\"aws:sqs\",\"messageId\":\"m-3\",\"body\":7}]}", TRUE);
  ThumbingLambdaMessage **m = (ThumbingLambdaMessage **) messages->pdata;

  g_assert_cmpuint (messages->len, ==, 3);
  g_assert_cmpstr (m[0]->message_id, ==, "m-1");
  g_assert_cmpstr (m[0]->body, ==, "{}");
  /* Without a body the message is there, for the caller to fail alone. */
  g_assert_cmpstr (m[1]->message_id, ==, "m-2");
  g_assert_null (m[1]->body);
  g_assert_null (m[2]->body);
}

static void
test_refusals (void)
{
  static const struct { const char *event, *message; } cases[] = {
    { "", "the event is not a JSON object" },
    { "[]", "the event is not a JSON object" },
    { "{", "the event is not a JSON object" },
    { "{\"Records\":[{\"eventSource\":\"aws:sqs\",\"messageId\":\"m-1\"},{\"eventSource\":\"aws:sqs\"}]}",
      "SQS record 1 of the batch has no messageId; the whole batch is failed" },
    { "{\"Records\":[{\"eventSource\":\"aws:sqs\",\"messageId\":\"m-1\"},7]}",
      "SQS record 1 of the batch has no messageId; the whole batch is failed" },
    { "{\"Records\":[{\"EventSource\":\"aws:sns\"}]}", "an SNS event without a Message" },
    /* Sns that is not an object once met json-glib's type assertions. */
    { "{\"Records\":[{\"EventSource\":\"aws:sns\",\"Sns\":5}]}", "an SNS event without a Message" },
    { "{\"Records\":[{\"EventSource\":\"aws:sns\",\"Sns\":{\"Message\":[]}}]}", "an SNS event without a Message" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      gboolean is_batch;
      g_autoptr(GPtrArray) messages = thumbing_lambda_event_split (cases[i].event, &is_batch, &error);

      g_assert_null (messages);
      g_assert_error (error, THUMBING_ERROR, THUMBING_ERROR_BAD_INPUT);
      g_assert_cmpstr (error->message, ==, cases[i].message);
    }
}

int
main (int    argc,
      char **argv)
{
  thumbing_test_init (&argc, &argv);
  g_test_add_func ("/lambda-event/direct-and-sns", test_direct_and_sns);
  g_test_add_func ("/lambda-event/sqs-batch", test_sqs_batch);
  g_test_add_func ("/lambda-event/refusals", test_refusals);
  return g_test_run ();
}
