/* test-aws-client.c: signed requests, retries and AWS error parsing over real HTTP
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "config.h"

#include <string.h>

#include <json-glib/json-glib.h>

#include "thumbing-test-aws.h"
#include "thumbing-test-util.h"

/* A server in the test answers each path its own way. */
typedef struct
{
  SoupServer *server;
  char       *endpoint;
  GHashTable *hits;       /* path → count */
  char       *last_authorization;
  char       *last_content_sha256;
} Fake;

static guint
hits (Fake *fake, const char *path)
{
  return GPOINTER_TO_UINT (g_hash_table_lookup (fake->hits, path));
}

static void
reply (SoupServerMessage *msg, guint status, const char *type, const char *body)
{
  soup_server_message_set_status (msg, status, NULL);
  soup_server_message_set_response (msg, type, SOUP_MEMORY_COPY, body, strlen (body));
}

/* S3 with its clock 20 minutes ahead of ours: it refuses requests signed
 * more than 15 minutes from its time, and says its time in Date. */
static void
answer_on_a_clock_ahead (SoupServerMessage *msg)
{
  const char *signed_at = soup_message_headers_get_one (soup_server_message_get_request_headers (msg), "x-amz-date");
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr(GDateTime) theirs = g_date_time_add_minutes (now, 20);
  g_autofree char *date = soup_date_time_to_string (theirs, SOUP_DATE_HTTP);
  g_autofree char *iso = NULL;
  g_autoptr(GDateTime) request_time = NULL;

  g_assert_nonnull (signed_at);
  g_assert_cmpuint (strlen (signed_at), ==, 16);
  iso = g_strdup_printf ("%.4s-%.2s-%.2sT%.2s:%.2s:%.2sZ", signed_at, signed_at + 4, signed_at + 6,
                         signed_at + 9, signed_at + 11, signed_at + 13);
  request_time = g_date_time_new_from_iso8601 (iso, NULL);
  g_assert_nonnull (request_time);
  soup_message_headers_replace (soup_server_message_get_response_headers (msg), "Date", date);
  if (ABS (g_date_time_difference (theirs, request_time)) > 15 * G_TIME_SPAN_MINUTE)
    reply (msg, 403, "application/xml",
           "<Error><Code>RequestTimeTooSkewed</Code><Message>The difference between the request time and the "
           "current time is too large.</Message></Error>");
  else
    reply (msg, 200, "text/plain", "in time");
}

#define LARGE_BODY (5 * 1024 * 1024 + 17)

/* @length bytes no two nearby pieces of which are alike. */
static guint8 *
large_body (gsize length)
{
  guint8 *body = g_malloc (length);
  guint32 state = 2463534242u;

  for (gsize i = 0; i < length; i++)
    {
      state ^= state << 13, state ^= state >> 17, state ^= state << 5;
      body[i] = state;
    }
  return body;
}

static void
handle (SoupServer *server, SoupServerMessage *msg, const char *path, GHashTable *query, gpointer user_data)
{
  Fake *fake = user_data;
  SoupMessageHeaders *request_headers = soup_server_message_get_request_headers (msg);
  SoupMessageHeaders *response_headers = soup_server_message_get_response_headers (msg);
  guint count = hits (fake, path) + 1;

  g_hash_table_insert (fake->hits, g_strdup (path), GUINT_TO_POINTER (count));
  g_free (fake->last_authorization);
  fake->last_authorization = g_strdup (soup_message_headers_get_one (request_headers, "Authorization"));
  g_free (fake->last_content_sha256);
  fake->last_content_sha256 = g_strdup (soup_message_headers_get_one (request_headers, "x-amz-content-sha256"));

  if (strcmp (path, "/flaky") == 0)
    {
      if (count <= 2)
        reply (msg, 500, "application/xml", "<Error><Code>InternalError</Code><Message>try again</Message></Error>");
      else
        reply (msg, 200, "text/plain", "third time lucky");
    }
  else if (strcmp (path, "/slow-down") == 0)
    reply (msg, 503, "application/xml",
           "<Error><Code>SlowDown</Code><Message>Please reduce your request rate.</Message>"
           "<RequestId>REQ123</RequestId></Error>");
  else if (strcmp (path, "/missing") == 0)
    reply (msg, 404, "application/xml",
           "<?xml version=\"1.0\"?><Error><Code>NoSuchKey</Code><Message>The specified key does not exist.</Message>"
           "<Key>a &amp; b.jpg</Key><RequestId>4442587FB7D0A2F9</RequestId></Error>");
  else if (strcmp (path, "/sqs") == 0)
    {
      soup_message_headers_append (response_headers, "x-amzn-RequestId", "sqs-req-1");
      reply (msg, 400, "application/x-amz-json-1.0",
             "{\"__type\":\"com.amazonaws.sqs#QueueDoesNotExist\",\"message\":\"The specified queue does not exist.\"}");
    }
  else if (strcmp (path, "/sns") == 0)
    reply (msg, 400, "text/xml",
           "<ErrorResponse><Error><Type>Sender</Type><Code>InvalidParameter</Code>"
           "<Message>Invalid parameter: TopicArn</Message></Error><RequestId>sns-req-9</RequestId></ErrorResponse>");
  else if (strcmp (path, "/sqs-throttled") == 0)
    {
      /* SQS's JSON protocol says it with a 400 and the type's namespace. */
      if (count <= 2)
        reply (msg, 400, "application/x-amz-json-1.0",
               "{\"__type\":\"com.amazon.coral.availability#ThrottlingException\",\"message\":\"Rate exceeded\"}");
      else
        reply (msg, 200, "application/x-amz-json-1.0", "{}");
    }
  else if (strcmp (path, "/skewed") == 0)
    answer_on_a_clock_ahead (msg);
  else if (strcmp (path, "/large") == 0 || strcmp (path, "/chunked") == 0)
    {
      /* A photograph's size, stated, or in chunks of uneven sizes. */
      gsize length = strcmp (path, "/large") == 0 ? LARGE_BODY : LARGE_BODY / 3;
      g_autofree guint8 *body = large_body (length);
      SoupMessageBody *out = soup_server_message_get_response_body (msg);

      soup_server_message_set_status (msg, 200, NULL);
      if (strcmp (path, "/chunked") == 0)
        {
          soup_message_headers_set_encoding (response_headers, SOUP_ENCODING_CHUNKED);
          for (gsize at = 0, piece = 1; at < length; at += piece, piece = piece * 7 % 100003 + 1)
            soup_message_body_append (out, SOUP_MEMORY_COPY, body + at, MIN (piece, length - at));
          soup_message_body_complete (out);
        }
      else
        soup_server_message_set_response (msg, "application/octet-stream", SOUP_MEMORY_COPY, (const char *) body, length);
    }
  else if (strcmp (path, "/forbidden") == 0)
    reply (msg, 403, "application/xml", "<Error><Code>SignatureDoesNotMatch</Code><Message>no</Message></Error>");
  else
    reply (msg, 200, "text/plain", "ok");
}

static Fake *
fake_new (void)
{
  Fake *fake = g_new0 (Fake, 1);
  g_autoptr(GError) error = NULL;
  GSList *uris;

  fake->hits = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  fake->server = soup_server_new (NULL, NULL);
  soup_server_add_handler (fake->server, NULL, handle, fake, NULL);
  g_assert_true (soup_server_listen_local (fake->server, 0, SOUP_SERVER_LISTEN_IPV4_ONLY, &error));
  g_assert_no_error (error);
  uris = soup_server_get_uris (fake->server);
  fake->endpoint = g_uri_to_string (uris->data);
  if (g_str_has_suffix (fake->endpoint, "/"))
    fake->endpoint[strlen (fake->endpoint) - 1] = '\0';
  g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);
  return fake;
}

static void
fake_free (Fake *fake)
{
  soup_server_disconnect (fake->server);
  /* The server lets go of its connections from the main loop. */
  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_object_unref (fake->server);
  g_hash_table_unref (fake->hits);
  g_free (fake->endpoint);
  g_free (fake->last_authorization);
  g_free (fake->last_content_sha256);
  g_free (fake);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Fake, fake_free)

static ThumbingAwsClient *
client_for (const char *service, const char *endpoint)
{
  g_autoptr(ThumbingAwsCredentials) credentials =
    thumbing_aws_credentials_new ("AKIDEXAMPLE", "secret", NULL, NULL, "test");
  ThumbingAwsClient *client = thumbing_aws_client_new (service, endpoint, "us-east-1", credentials);

  thumbing_aws_client_set_retries (client, 4, 1, 5);
  return client;
}

static void
test_retries_then_succeeds (void)
{
  g_autoptr(Fake) fake = fake_new ();
  g_autoptr(ThumbingAwsClient) client = client_for ("s3", fake->endpoint);
  g_autoptr(GError) error = NULL;
  g_autoptr(ThumbingAwsResponse) response =
    thumbing_test_aws_send (client, thumbing_aws_request_new ("GET", "ignored", "/flaky"), &error);

  g_assert_no_error (error);
  g_assert_cmpuint (response->status, ==, 200);
  g_assert_cmpmem (g_bytes_get_data (response->body, NULL), g_bytes_get_size (response->body), "third time lucky", 16);
  g_assert_cmpuint (hits (fake, "/flaky"), ==, 3);
  g_assert_true (g_str_has_prefix (fake->last_authorization, "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/"));
  g_assert_nonnull (strstr (fake->last_authorization, "/us-east-1/s3/aws4_request, SignedHeaders=host;x-amz-content-sha256;x-amz-date, "));
  g_assert_cmpstr (fake->last_content_sha256, ==, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

static void
test_gives_up_with_the_aws_error (void)
{
  g_autoptr(Fake) fake = fake_new ();
  g_autoptr(ThumbingAwsClient) client = client_for ("s3", fake->endpoint);
  g_autoptr(GError) error = NULL;
  g_autoptr(ThumbingAwsResponse) response =
    thumbing_test_aws_send (client, thumbing_aws_request_new ("PUT", "ignored", "/slow-down"), &error);

  g_assert_null (response);
  g_assert_error (error, THUMBING_AWS_ERROR, THUMBING_AWS_ERROR_SERVER);
  g_assert_cmpstr (error->message, ==,
                   "after 4 attempts: s3 SlowDown: Please reduce your request rate. (HTTP 503, request id REQ123)");
  g_assert_cmpuint (hits (fake, "/slow-down"), ==, 4);
}

static void
assert_not_retried (const char *service, const char *path, int code, const char *message)
{
  g_autoptr(Fake) fake = fake_new ();
  g_autoptr(ThumbingAwsClient) client = client_for (service, fake->endpoint);
  g_autoptr(GError) error = NULL;
  g_autoptr(ThumbingAwsResponse) response =
    thumbing_test_aws_send (client, thumbing_aws_request_new ("POST", "ignored", path), &error);

  g_assert_null (response);
  g_assert_error (error, THUMBING_AWS_ERROR, code);
  g_assert_cmpstr (error->message, ==, message);
  g_assert_cmpuint (hits (fake, path), ==, 1);
}

static void
test_errors_are_parsed_and_not_retried (void)
{
  assert_not_retried ("s3", "/missing", THUMBING_AWS_ERROR_NOT_FOUND,
                      "s3 NoSuchKey: The specified key does not exist. (HTTP 404, request id 4442587FB7D0A2F9)");
  assert_not_retried ("sqs", "/sqs", THUMBING_AWS_ERROR_NOT_FOUND,
                      "sqs QueueDoesNotExist: The specified queue does not exist. (HTTP 400, request id sqs-req-1)");
  assert_not_retried ("sns", "/sns", THUMBING_AWS_ERROR_INVALID,
                      "sns InvalidParameter: Invalid parameter: TopicArn (HTTP 400, request id sns-req-9)");
  assert_not_retried ("s3", "/forbidden", THUMBING_AWS_ERROR_ACCESS_DENIED,
                      "s3 SignatureDoesNotMatch: no (HTTP 403)");
}

static void
test_sqs_throttling_is_retried (void)
{
  g_autoptr(Fake) fake = fake_new ();
  g_autoptr(ThumbingAwsClient) client = client_for ("sqs", fake->endpoint);
  g_autoptr(GError) error = NULL;
  g_autoptr(ThumbingAwsResponse) response =
    thumbing_test_aws_send (client, thumbing_aws_request_new ("POST", "ignored", "/sqs-throttled"), &error);

  g_assert_no_error (error);
  g_assert_cmpuint (response->status, ==, 200);
  g_assert_cmpuint (hits (fake, "/sqs-throttled"), ==, 3);
}

/* The clock is corrected from the endpoint's Date once, then every
 * request, presigned URLs too, carries the endpoint's time. */
static void
test_clock_skew_is_corrected (void)
{
  g_autoptr(Fake) fake = fake_new ();
  g_autoptr(ThumbingAwsClient) client = client_for ("s3", fake->endpoint);
  g_autoptr(GError) error = NULL;
  g_autoptr(ThumbingAwsResponse) first = NULL;
  g_autoptr(ThumbingAwsResponse) second = NULL;
  g_autofree char *url = NULL;
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr(GDateTime) theirs = g_date_time_add_minutes (now, 20);
  g_autoptr(GDateTime) presigned_at = NULL;
  g_autofree char *iso = NULL;
  const char *signed_at;

  first = thumbing_test_aws_send (client, thumbing_aws_request_new ("GET", "ignored", "/skewed"), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (first->status, ==, 200);
  g_assert_cmpuint (hits (fake, "/skewed"), ==, 2);

  second = thumbing_test_aws_send (client, thumbing_aws_request_new ("GET", "ignored", "/skewed"), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (hits (fake, "/skewed"), ==, 3);

  url = thumbing_test_aws_presign (client, thumbing_aws_request_new ("PUT", "ignored", "/skewed"), 60, &error);
  g_assert_no_error (error);
  signed_at = strstr (url, "X-Amz-Date=");
  g_assert_nonnull (signed_at);
  signed_at += strlen ("X-Amz-Date=");
  iso = g_strdup_printf ("%.4s-%.2s-%.2sT%.2s:%.2s:%.2sZ", signed_at, signed_at + 4, signed_at + 6,
                         signed_at + 9, signed_at + 11, signed_at + 13);
  presigned_at = g_date_time_new_from_iso8601 (iso, NULL);
  g_assert_nonnull (presigned_at);
  g_assert_cmpint (ABS (g_date_time_difference (theirs, presigned_at)), <, G_TIME_SPAN_MINUTE);
}

static void
test_unreachable_endpoint (void)
{
  g_autoptr(GSocketListener) listener = g_socket_listener_new ();
  g_autoptr(GError) error = NULL;
  guint16 port = g_socket_listener_add_any_inet_port (listener, NULL, &error);
  g_autofree char *endpoint = g_strdup_printf ("http://127.0.0.1:%u", port);
  g_autoptr(ThumbingAwsClient) client = NULL;
  g_autoptr(ThumbingAwsResponse) response = NULL;

  /* The port was free a moment ago and nothing listens on it now. */
  g_socket_listener_close (listener);
  client = client_for ("s3", endpoint);
  response = thumbing_test_aws_send (client, thumbing_aws_request_new ("GET", "ignored", "/bucket/key"), &error);
  g_assert_null (response);
  g_assert_error (error, THUMBING_AWS_ERROR, THUMBING_AWS_ERROR_NETWORK);
  g_assert_true (g_str_has_prefix (error->message, "after 4 attempts: s3 http://127.0.0.1:"));
}

/* Bodies of megabytes come whole, stated or chunked; a HEAD's stated
 * length does not come. */
static void
test_large_bodies (void)
{
  g_autoptr(Fake) fake = fake_new ();
  g_autoptr(ThumbingAwsClient) client = client_for ("s3", fake->endpoint);
  g_autofree guint8 *expected = large_body (LARGE_BODY);

  for (int chunked = 0; chunked <= 1; chunked++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(ThumbingAwsResponse) response =
        thumbing_test_aws_send (client, thumbing_aws_request_new ("GET", "ignored", chunked ? "/chunked" : "/large"),
                                &error);

      g_assert_no_error (error);
      g_assert_cmpuint (response->status, ==, 200);
      g_assert_cmpmem (g_bytes_get_data (response->body, NULL), g_bytes_get_size (response->body), expected,
                       chunked ? LARGE_BODY / 3 : LARGE_BODY);
    }
  {
    g_autoptr(GError) error = NULL;
    g_autoptr(ThumbingAwsResponse) response =
      thumbing_test_aws_send (client, thumbing_aws_request_new ("HEAD", "ignored", "/large"), &error);

    g_assert_no_error (error);
    g_assert_cmpuint (response->status, ==, 200);
    g_assert_cmpuint (g_bytes_get_size (response->body), ==, 0);
    g_assert_cmpint (soup_message_headers_get_content_length (response->headers), ==, LARGE_BODY);
  }
}

/* A body longer than the request allows is refused unread, stated or
 * chunked, and not retried; the client goes on working. An error document
 * is read whatever the limit. */
static void
test_response_limit (void)
{
  g_autoptr(Fake) fake = fake_new ();
  g_autoptr(ThumbingAwsClient) client = client_for ("s3", fake->endpoint);
  static const struct { const char *path; guint64 most; const char *refusal; } cases[] = {
    { "/large", LARGE_BODY, NULL },
    { "/large", 1024 * 1024, "the response has 5242897 bytes, more than the 1048576 allowed" },
    { "/chunked", 100000, "the response has more than the 100000 bytes allowed" },
    { "/chunked", LARGE_BODY / 3, NULL },
    { "/missing", 10, NULL },
  };

  for (guint c = 0; c < G_N_ELEMENTS (cases); c++)
    {
      ThumbingAwsRequest *request = thumbing_aws_request_new ("GET", "ignored", cases[c].path);
      g_autoptr(GError) error = NULL;
      g_autoptr(ThumbingAwsResponse) response = NULL;
      guint before = hits (fake, cases[c].path);

      request->max_response_bytes = cases[c].most;
      response = thumbing_test_aws_send (client, request, &error);
      if (strcmp (cases[c].path, "/missing") == 0)
        g_assert_error (error, THUMBING_AWS_ERROR, THUMBING_AWS_ERROR_NOT_FOUND);
      else if (cases[c].refusal == NULL)
        {
          g_assert_no_error (error);
          g_assert_cmpuint (g_bytes_get_size (response->body), ==, cases[c].most);
        }
      else
        {
          g_assert_null (response);
          g_assert_error (error, THUMBING_AWS_ERROR, THUMBING_AWS_ERROR_TOO_LARGE);
          g_assert_nonnull (strstr (error->message, cases[c].refusal));
        }
      g_assert_cmpuint (hits (fake, cases[c].path), ==, before + 1);
    }
}

/* A server that promises a megabyte, sends a little, and hangs up; in its
 * own threads, as it reads and writes blocking. */
static gboolean
on_run_cut_short (GThreadedSocketService *service,
                       GSocketConnection *connection,
                       GObject           *source,
                       gpointer           user_data)
{
  static const char head[] = "HTTP/1.1 200 OK\r\nContent-Length: 1048576\r\n\r\n";
  gint *connections = user_data;
  GOutputStream *out = g_io_stream_get_output_stream (G_IO_STREAM (connection));
  g_autofree guint8 *some = large_body (20000);
  guint8 request[4096];

  g_atomic_int_inc (connections);
  /* The request, whatever it is, before the answer. */
  g_input_stream_read (g_io_stream_get_input_stream (G_IO_STREAM (connection)), request, sizeof request, NULL, NULL);
  g_output_stream_write_all (out, head, strlen (head), NULL, NULL, NULL);
  g_output_stream_write_all (out, some, 20000, NULL, NULL, NULL);
  g_io_stream_close (G_IO_STREAM (connection), NULL, NULL);
  return TRUE;
}

/* A body cut short is a network error, retried, then given up on with
 * what went wrong; nothing partial is returned. */
static void
test_body_cut_short (void)
{
  g_autoptr(GSocketService) service = g_threaded_socket_service_new (4);
  g_autoptr(GError) error = NULL;
  gint connections = 0;
  guint16 port = g_socket_listener_add_any_inet_port (G_SOCKET_LISTENER (service), NULL, &error);
  g_autofree char *endpoint = g_strdup_printf ("http://127.0.0.1:%u", port);
  g_autoptr(ThumbingAwsClient) client = client_for ("s3", endpoint);
  g_autoptr(ThumbingAwsResponse) response = NULL;

  g_assert_no_error (error);
  g_signal_connect (service, "run", G_CALLBACK (on_run_cut_short), &connections);
  g_socket_service_start (service);
  response = thumbing_test_aws_send (client, thumbing_aws_request_new ("GET", "ignored", "/bucket/key"), &error);
  g_socket_service_stop (service);
  g_assert_null (response);
  g_assert_error (error, THUMBING_AWS_ERROR, THUMBING_AWS_ERROR_NETWORK);
  g_assert_true (g_str_has_prefix (error->message, "after 4 attempts: s3 http://127.0.0.1:"));
  g_assert_cmpint (g_atomic_int_get (&connections), ==, 4);
}

static void
test_no_credentials (void)
{
  g_autoptr(ThumbingAwsClient) client = thumbing_aws_client_new ("s3", "http://127.0.0.1:1", "us-east-1", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(ThumbingAwsResponse) response =
    thumbing_test_aws_send (client, thumbing_aws_request_new ("GET", "ignored", "/"), &error);

  g_assert_null (response);
  g_assert_error (error, THUMBING_AWS_ERROR, THUMBING_AWS_ERROR_ACCESS_DENIED);
}

static void
test_xml_text (void)
{
  g_autoptr(GBytes) xml = g_bytes_new_static ("<a><Key>x &lt;&amp;&gt; y</Key><ETag>&quot;abc&quot;</ETag></a>", 61);
  g_autofree char *key = thumbing_aws_xml_text (xml, "Key");
  g_autofree char *etag = thumbing_aws_xml_text (xml, "ETag");
  g_autofree char *none = thumbing_aws_xml_text (xml, "Nope");

  g_assert_cmpstr (key, ==, "x <&> y");
  g_assert_cmpstr (etag, ==, "\"abc\"");
  g_assert_null (none);
}

/* Against s3rver: a put and a get of a key with every awkward character. */
/* Answers @count requests on @listener with 200, keeping each request
 * line as it arrived: libsoup's server would normalise the path first. */
typedef struct
{
  GSocket   *listener;
  guint      count;
  GPtrArray *lines;
} RawServer;

static gpointer
serve_raw (gpointer data)
{
  RawServer *raw = data;

  for (guint i = 0; i < raw->count; i++)
    {
      g_autoptr(GSocket) client = g_socket_accept (raw->listener, NULL, NULL);
      g_autoptr(GString) head = g_string_new (NULL);
      char buffer[1024];
      static const char answer[] = "HTTP/1.1 200 OK\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";

      g_assert_nonnull (client);
      while (strstr (head->str, "\r\n\r\n") == NULL)
        {
          gssize n = g_socket_receive (client, buffer, sizeof buffer, NULL, NULL);

          g_assert_cmpint (n, >, 0);
          g_string_append_len (head, buffer, n);
        }
      g_ptr_array_add (raw->lines, g_strndup (head->str, strstr (head->str, "\r\n") - head->str));
      g_socket_send (client, answer, strlen (answer), NULL, NULL);
      g_socket_close (client, NULL);
    }
  return NULL;
}

/* An S3 key is sent as SigV4 encodes it: no dot segment is removed, so
 * a key cannot reach another key, or another bucket, than it names. */
static void
test_keys_with_dot_segments_are_sent_as_signed (void)
{
  const char *paths[] = {
    "/test-bucket/uploads/../private/secret.png",
    "/test-bucket/uploads/./a.png",
    "/test-bucket/uploads/../../etc/passwd",
  };
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) any_port = g_inet_socket_address_new (loopback, 0);
  g_autoptr(GSocketAddress) bound = NULL;
  g_autoptr(GPtrArray) lines = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(ThumbingAwsClient) client = NULL;
  g_autofree char *endpoint = NULL;
  RawServer raw = { NULL, G_N_ELEMENTS (paths), lines };
  GThread *thread;

  raw.listener = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, NULL);
  g_assert_true (g_socket_bind (raw.listener, any_port, TRUE, NULL) && g_socket_listen (raw.listener, NULL));
  bound = g_socket_get_local_address (raw.listener, NULL);
  endpoint = g_strdup_printf ("http://127.0.0.1:%u", g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound)));
  client = client_for ("s3", endpoint);
  thread = g_thread_new ("raw-server", serve_raw, &raw);
  for (guint i = 0; i < G_N_ELEMENTS (paths); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(ThumbingAwsResponse) response =
        thumbing_test_aws_send (client, thumbing_aws_request_new ("GET", "ignored", paths[i]), &error);

      g_assert_no_error (error);
      g_assert_cmpuint (response->status, ==, 200);
    }
  g_thread_join (thread);
  g_object_unref (raw.listener);
  g_assert_cmpuint (lines->len, ==, G_N_ELEMENTS (paths));
  for (guint i = 0; i < G_N_ELEMENTS (paths); i++)
    {
      g_autofree char *expected = g_strdup_printf ("GET %s HTTP/1.1", paths[i]);

      g_assert_cmpstr (lines->pdata[i], ==, expected);
    }
}

static void
test_s3rver_round_trip (void)
{
  g_autoptr(GSubprocess) stack = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autofree char *endpoints = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(ThumbingAwsCredentials) credentials = thumbing_aws_credentials_new ("S3RVER", "S3RVER", NULL, NULL, "test");
  g_autoptr(ThumbingAwsClient) client = NULL;
  g_autoptr(ThumbingAwsResponse) put = NULL, get = NULL;
  g_autoptr(GBytes) body = g_bytes_new_static ("\x89PNG thumbnail bytes", 20);
  const char *endpoint;
  const char *key = "/thumbs/uploads/a b+c%d~(e)/日本 photo!.png";
  ThumbingAwsRequest *request;

  stack = thumbing_test_start_aws_stack ("{\"buckets\": [\"thumbs\"]}", &endpoints);
  g_assert_true (json_parser_load_from_data (parser, endpoints, -1, &error));
  endpoint = json_object_get_string_member (json_node_get_object (json_parser_get_root (parser)), "s3");
  client = thumbing_aws_client_new ("s3", endpoint, "us-east-1", credentials);

  request = thumbing_aws_request_new ("PUT", "ignored", key);
  thumbing_aws_request_add_header (request, "Content-Type", "image/png");
  thumbing_aws_request_set_body (request, body);
  put = thumbing_test_aws_send (client, request, &error);
  g_assert_no_error (error);
  g_assert_nonnull (soup_message_headers_get_one (put->headers, "ETag"));

  get = thumbing_test_aws_send (client, thumbing_aws_request_new ("GET", "ignored", key), &error);
  g_assert_no_error (error);
  g_assert_true (g_bytes_equal (get->body, body));
  g_assert_cmpstr (soup_message_headers_get_content_type (get->headers, NULL), ==, "image/png");

  thumbing_test_stop_aws_stack (stack);
}

int
main (int    argc,
      char **argv)
{
  thumbing_test_init (&argc, &argv);
  g_test_add_func ("/aws-client/retries-then-succeeds", test_retries_then_succeeds);
  g_test_add_func ("/aws-client/gives-up-with-the-aws-error", test_gives_up_with_the_aws_error);
  g_test_add_func ("/aws-client/errors-are-parsed-and-not-retried", test_errors_are_parsed_and_not_retried);
  g_test_add_func ("/aws-client/sqs-throttling-is-retried", test_sqs_throttling_is_retried);
  g_test_add_func ("/aws-client/clock-skew-is-corrected", test_clock_skew_is_corrected);
  g_test_add_func ("/aws-client/unreachable-endpoint", test_unreachable_endpoint);
  g_test_add_func ("/aws-client/large-bodies", test_large_bodies);
  g_test_add_func ("/aws-client/body-cut-short", test_body_cut_short);
  g_test_add_func ("/aws-client/response-limit", test_response_limit);
  g_test_add_func ("/aws-client/no-credentials", test_no_credentials);
  g_test_add_func ("/aws-client/xml-text", test_xml_text);
  g_test_add_func ("/aws-client/keys-with-dot-segments-are-sent-as-signed", test_keys_with_dot_segments_are_sent_as_signed);
  g_test_add_func ("/aws-client/s3rver-round-trip", test_s3rver_round_trip);
  return g_test_run ();
}
