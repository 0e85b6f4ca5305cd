/* test-sns-message.c: SNS HTTP(S) deliveries, parsed and their certificate URLs judged
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Signatures are checked end to end, with real keys, in test-s3-event-source;
 * this file covers what arrives before a key is fetched.
 */
#include "config.h"

#include "thumbing-sns-message.h"
#include "thumbing-test-util.h"

#define NOTIFICATION(extra) \
  "{\"Type\":\"Notification\",\"MessageId\":\"m-1\"," \
  "\"TopicArn\":\"arn:aws:sns:eu-west-1:123456789012:thumbs\",\"Message\":\"hello\"," \
  "\"Timestamp\":\"2026-11-24T07:00:00.000Z\",\"SignatureVersion\":\"2\",\"Signature\":\"c2ln\"," \
  "\"SigningCertURL\":\"https://sns.eu-west-1.amazonaws.com/c.pem\"" extra "}"

static void
test_parse_and_string_to_sign (void)
{
  g_autoptr(GError) error = NULL;
  const char *body = NOTIFICATION (",\"Subject\":\"s\"");
  g_autoptr(ThumbingSnsMessage) message = thumbing_sns_message_parse (body, strlen (body), &error);
  g_autofree char *to_sign = NULL;

  g_assert_no_error (error);
  to_sign = thumbing_sns_message_string_to_sign (message);
  g_assert_cmpstr (to_sign, ==,
                   "Message\nhello\nMessageId\nm-1\nSubject\ns\nTimestamp\n2026-11-24T07:00:00.000Z\n"
                   "TopicArn\narn:aws:sns:eu-west-1:123456789012:thumbs\nType\nNotification\n");
}

static void
test_parse_refusals (void)
{
  static const struct { const char *body, *message; } cases[] = {
    /* Found by fuzz-sns-message: an empty document has no root at all. */
    { "", "not a JSON object: another JSON value" },
    { "[]", "not a JSON object: another JSON value" },
    { "{", "not a JSON object: *" },
    { "{\"Type\":\"Nothing\"}", "unknown SNS message type “Nothing”" },
    { "{\"Type\":7}", "unknown SNS message type “”" },
    { "{\"Type\":\"Notification\",\"MessageId\":\"m\"}", "an SNS Notification without the fields AWS signs" },
    { "{\"Type\":\"SubscriptionConfirmation\",\"MessageId\":\"m\"}",
      "an SNS SubscriptionConfirmation without the fields AWS signs" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(ThumbingSnsMessage) message =
        thumbing_sns_message_parse (cases[i].body, strlen (cases[i].body), &error);

      g_assert_null (message);
      g_assert_error (error, THUMBING_ERROR, THUMBING_ERROR_BAD_INPUT);
      if (!g_pattern_match_simple (cases[i].message, error->message))
        g_error ("“%s”: “%s” does not match “%s”", cases[i].body, error->message, cases[i].message);
    }
}

static void
test_certificate_urls (void)
{
  static const struct { const char *url; gboolean is_aws; } cases[] = {
    { "https://sns.eu-west-1.amazonaws.com/SimpleNotificationService-abc.pem", TRUE },
    { "https://SNS.cn-north-1.amazonaws.com.cn/c.pem", TRUE },
    { "https://sns.eu-west-1.amazonaws.com:443/c.pem", TRUE },
    { "http://sns.eu-west-1.amazonaws.com/c.pem", FALSE },
    { "https://sns.eu-west-1.amazonaws.com:8443/c.pem", FALSE },
    { "https://user@sns.eu-west-1.amazonaws.com/c.pem", FALSE },
    { "https://sns.eu-west-1.amazonaws.com.evil.net/c.pem", FALSE },
    { "https://evil.net/sns.eu-west-1.amazonaws.com", FALSE },
    { "https:///c.pem", FALSE },
    { "not a url", FALSE },
    { "", FALSE },
    /* Found by fuzz-sns-message: a host that is not UTF-8 made GLib's regex warn. */
    { "https://sns.\xff\xfe.amazonaws.com/c.pem", FALSE },
    { "https://sns.%ff.amazonaws.com/c.pem", FALSE },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    if (thumbing_sns_url_is_aws (cases[i].url) != cases[i].is_aws)
      g_error ("“%s” should%s be AWS's", cases[i].url, cases[i].is_aws ? "" : " not");
  g_assert_false (thumbing_sns_url_is_aws (NULL));
}

int
main (int    argc,
      char **argv)
{
  thumbing_test_init (&argc, &argv);
  g_test_add_func ("/sns-message/parse-and-string-to-sign", test_parse_and_string_to_sign);
  g_test_add_func ("/sns-message/parse-refusals", test_parse_refusals);
  g_test_add_func ("/sns-message/certificate-urls", test_certificate_urls);
  return g_test_run ();
}
