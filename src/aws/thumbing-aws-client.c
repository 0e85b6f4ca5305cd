/* thumbing-aws-client.c
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>
#include <json-glib/json-glib.h>
#include <thumbing/thumbing.h>

#include "thumbing-aws-client.h"
#include "thumbing-json-util.h"

THUMBING_DEFINE_QUARK (thumbing-aws-error-quark, thumbing_aws_error)

struct _ThumbingAwsClient
{
  gatomicrefcount         ref_count;
  char                   *service;
  char                   *endpoint;       /* scheme://host[:port][/base], no trailing slash */
  char                   *base_path;      /* the endpoint's path, prefixed to every request */
  char                   *scheme;
  char                   *host;           /* host[:port] as sent in Host */
  char                   *hostname;       /* host alone */
  int                     port;           /* -1: the scheme's */
  char                   *region;
  ThumbingAwsCredentialsProvider *credentials;   /* NULL: none could be found */
  SoupSession            *session;
  guint                   max_attempts;
  guint                   base_delay_ms;
  guint                   max_delay_ms;
  int                     clock_offset;   /* seconds the endpoint's clock is ahead of ours */
  ThumbingAwsRetryFunc    on_retry;       /* told of each retry, for the metrics */
  gpointer                on_retry_data;
};

void
thumbing_aws_response_free (ThumbingAwsResponse *response)
{
  if (response == NULL)
    return;
  g_clear_pointer (&response->headers, soup_message_headers_unref);
  g_clear_pointer (&response->body, g_bytes_unref);
  g_free (response);
}

ThumbingAwsClient *
thumbing_aws_client_new (const char             *service,
                         const char             *endpoint,
                         const char             *region,
                         ThumbingAwsCredentials *credentials)
{
  g_autoptr(ThumbingAwsCredentialsProvider) provider =
    credentials != NULL ? thumbing_aws_credentials_provider_new_static (credentials) : NULL;

  return thumbing_aws_client_new_with_provider (service, endpoint, region, provider);
}

/* A client whose credentials come from @provider (nullable): the chain's
 * temporary credentials are refreshed before they expire. */
ThumbingAwsClient *
thumbing_aws_client_new_with_provider (const char                     *service,
                                       const char                     *endpoint,
                                       const char                     *region,
                                       ThumbingAwsCredentialsProvider *provider)
{
  ThumbingAwsClient *self = g_new0 (ThumbingAwsClient, 1);
  g_autoptr(GUri) uri = g_uri_parse (endpoint, G_URI_FLAGS_NONE, NULL);
  int port;

  g_return_val_if_fail (uri != NULL, NULL);

  g_atomic_ref_count_init (&self->ref_count);
  self->service = g_strdup (service);
  self->endpoint = g_strdup (endpoint);
  self->region = g_strdup (region);
  self->credentials = provider != NULL ? thumbing_aws_credentials_provider_ref (provider) : NULL;
  port = g_uri_get_port (uri);
  self->scheme = g_strdup (g_uri_get_scheme (uri));
  self->hostname = g_strdup (g_uri_get_host (uri));
  self->port = port;
  self->host = port > 0 ? g_strdup_printf ("%s:%d", g_uri_get_host (uri), port) : g_strdup (g_uri_get_host (uri));
  self->base_path = g_strdup (g_strcmp0 (g_uri_get_path (uri), "/") == 0 ? "" : g_uri_get_path (uri));
  /* One session: connections are reused across requests. */
  self->session = soup_session_new_with_options ("timeout", 60, "idle-timeout", 30,
                                                 "max-conns-per-host", 32, "max-conns", 128, NULL);
  if (thumbing_ssl_cert_file_database () != NULL)
    soup_session_set_tls_database (self->session, thumbing_ssl_cert_file_database ());
  self->max_attempts = 5;
  self->base_delay_ms = 100;
  self->max_delay_ms = 20000;
  return self;
}

/* The same service, region, credentials and retry settings, at another
 * endpoint: an S3 bucket's own virtual host. */
ThumbingAwsClient *
thumbing_aws_client_new_for_endpoint (ThumbingAwsClient *self,
                                      const char        *endpoint)
{
  ThumbingAwsClient *derived = thumbing_aws_client_new_with_provider (self->service, endpoint, self->region,
                                                                      self->credentials);

  thumbing_aws_client_set_retries (derived, self->max_attempts, self->base_delay_ms, self->max_delay_ms);
  g_atomic_int_set (&derived->clock_offset, g_atomic_int_get (&self->clock_offset));
  thumbing_aws_client_set_retry_func (derived, self->on_retry, self->on_retry_data);
  return derived;
}

/* @func is called with @data each time a request is tried again; the
 * caller keeps @data alive as long as the client. */
void
thumbing_aws_client_set_retry_func (ThumbingAwsClient   *self,
                                    ThumbingAwsRetryFunc func,
                                    gpointer             data)
{
  self->on_retry = func;
  self->on_retry_data = data;
}

ThumbingAwsClient *
thumbing_aws_client_ref (ThumbingAwsClient *self)
{
  g_atomic_ref_count_inc (&self->ref_count);
  return self;
}

void
thumbing_aws_client_unref (ThumbingAwsClient *self)
{
  if (!g_atomic_ref_count_dec (&self->ref_count))
    return;
  g_free (self->service);
  g_free (self->endpoint);
  g_free (self->base_path);
  g_free (self->scheme);
  g_free (self->host);
  g_free (self->hostname);
  g_free (self->region);
  g_clear_pointer (&self->credentials, thumbing_aws_credentials_provider_unref);
  g_object_unref (self->session);
  g_free (self);
}

const char *
thumbing_aws_client_get_endpoint (ThumbingAwsClient *self)
{
  return self->endpoint;
}

void
thumbing_aws_client_set_retries (ThumbingAwsClient *self,
                                 guint              max_attempts,
                                 guint              base_delay_ms,
                                 guint              max_delay_ms)
{
  self->max_attempts = MAX (1, max_attempts);
  self->base_delay_ms = base_delay_ms;
  self->max_delay_ms = MAX (base_delay_ms, max_delay_ms);
}

/* The text of the first <element> in an XML document, or NULL: enough for
 * AWS's error documents and the few response fields thumbing reads. */
char *
thumbing_aws_xml_text (GBytes     *xml,
                       const char *element)
{
  gsize length = 0;
  const char *data = xml != NULL ? g_bytes_get_data (xml, &length) : NULL;
  g_autofree char *open = g_strdup_printf ("<%s>", element);
  g_autofree char *close = g_strdup_printf ("</%s>", element);
  const char *start, *end;
  g_autofree char *text = NULL;

  if (data == NULL)
    return NULL;
  text = g_strndup (data, length);
  start = strstr (text, open);
  if (start == NULL)
    return NULL;
  start += strlen (open);
  end = strstr (start, close);
  if (end == NULL)
    return NULL;
  {
    g_autofree char *raw = g_strndup (start, end - start);
    g_autoptr(GString) out = g_string_new (raw);

    /* The five predefined entities are all AWS error text uses. */
    g_string_replace (out, "&lt;", "<", 0);
    g_string_replace (out, "&gt;", ">", 0);
    g_string_replace (out, "&quot;", "\"", 0);
    g_string_replace (out, "&apos;", "'", 0);
    g_string_replace (out, "&amp;", "&", 0);
    return g_string_free (g_steal_pointer (&out), FALSE);
  }
}

gboolean
thumbing_aws_error_is_retryable (guint       status,
                                 const char *code)
{
  static const char * const throttling[] = {
    "Throttling", "ThrottlingException", "ThrottledException", "RequestThrottledException",
    "TooManyRequestsException", "SlowDown", "RequestLimitExceeded", "RequestThrottled",
    "RequestTimeout", "RequestTimeoutException", "InternalError", "ServiceUnavailable", NULL,
  };

  if (status == 429 || status >= 500 || status == SOUP_STATUS_NONE)
    return TRUE;
  return code != NULL && g_strv_contains (throttling, code);
}

static ThumbingAwsError
classify (guint       status,
          const char *code)
{
  if (code != NULL && (g_str_has_prefix (code, "NoSuch") || strcmp (code, "NotFound") == 0
                       || strcmp (code, "QueueDoesNotExist") == 0 || strcmp (code, "NonExistentQueue") == 0
                       || strcmp (code, "ResourceNotFoundException") == 0))
    return THUMBING_AWS_ERROR_NOT_FOUND;
  if (status == 404)
    return THUMBING_AWS_ERROR_NOT_FOUND;
  if (status == 401 || status == 403
      || (code != NULL && (strcmp (code, "AccessDenied") == 0 || strcmp (code, "InvalidAccessKeyId") == 0
                           || strcmp (code, "SignatureDoesNotMatch") == 0 || strcmp (code, "ExpiredToken") == 0
                           || strcmp (code, "InvalidClientTokenId") == 0 || strcmp (code, "AuthorizationError") == 0)))
    return THUMBING_AWS_ERROR_ACCESS_DENIED;
  if (status == 412 || status == 304)
    return THUMBING_AWS_ERROR_PRECONDITION;
  if (thumbing_aws_error_is_retryable (status, code))
    return status >= 500 ? THUMBING_AWS_ERROR_SERVER : THUMBING_AWS_ERROR_THROTTLED;
  return THUMBING_AWS_ERROR_INVALID;
}

/* The time to sign with: ours, corrected by what the endpoint's clock
 * told us it is. */
static GDateTime *
client_now (ThumbingAwsClient *self)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();

  return g_date_time_add_seconds (now, g_atomic_int_get (&self->clock_offset));
}

/* Errors an endpoint answers when the signing time is too far from its own
 * clock; some services say it as a plain signature failure. */
static gboolean
is_clock_error (const char *code)
{
  static const char * const codes[] = {
    "RequestTimeTooSkewed", "RequestExpired", "RequestInTheFuture", "InvalidSignatureException",
    "SignatureDoesNotMatch", "AuthFailure", NULL,
  };

  return code != NULL && g_strv_contains (codes, code);
}

/* As the AWS SDKs do: when a clock error comes with a Date header more than
 * five minutes from the time the request was signed with, sign with the
 * endpoint's time from now on. Returns TRUE when that was the cause, so a
 * retry signed afresh may succeed; requests signed at once all retry, and
 * the first answer sets the offset. */
static gboolean
correct_clock (ThumbingAwsClient   *self,
               ThumbingAwsResponse *response,
               const char          *code,
               GDateTime           *signed_at)
{
  const char *date = soup_message_headers_get_one (response->headers, "Date");
  g_autoptr(GDateTime) theirs = NULL;
  g_autoptr(GDateTime) corrected = NULL;
  g_autoptr(GDateTime) local = g_date_time_new_now_utc ();
  gint64 offset;

  if (!is_clock_error (code) || date == NULL || signed_at == NULL)
    return FALSE;
  theirs = soup_date_time_new_from_http_string (date);
  if (theirs == NULL || ABS (g_date_time_difference (theirs, signed_at)) < 5 * G_TIME_SPAN_MINUTE)
    return FALSE;
  corrected = client_now (self);
  if (ABS (g_date_time_difference (theirs, corrected)) < 5 * G_TIME_SPAN_MINUTE)
    return TRUE;
  offset = CLAMP (g_date_time_difference (theirs, local) / G_TIME_SPAN_SECOND, -G_MAXINT / 2, G_MAXINT / 2);
  g_atomic_int_set (&self->clock_offset, (int) offset);
  g_message (_("%s at %s: the endpoint's clock is %+" G_GINT64_FORMAT " s from ours; signing with its time"),
             self->service, self->endpoint, offset);
  return TRUE;
}

/* AWS errors come as S3's <Error>, SNS's <ErrorResponse> or SQS's JSON
 * {"__type": "com.amazonaws.sqs#QueueDoesNotExist", "message": …}. */
static void
parse_error (ThumbingAwsResponse *response,
             char               **code,
             char               **message,
             char               **request_id)
{
  const char *content_type = soup_message_headers_get_content_type (response->headers, NULL);
  const char *header_id = soup_message_headers_get_one (response->headers, "x-amzn-RequestId");

  if (header_id == NULL)
    header_id = soup_message_headers_get_one (response->headers, "x-amz-request-id");
  *code = NULL;
  *message = NULL;

  if (content_type != NULL && strstr (content_type, "json") != NULL && response->body != NULL)
    {
      g_autoptr(JsonParser) parser = json_parser_new ();
      gsize length = 0;
      const char *data = g_bytes_get_data (response->body, &length);

      if (json_parser_load_from_data (parser, data, length, NULL)
          && thumbing_json_root_object (parser) != NULL)
        {
          JsonObject *object = thumbing_json_root_object (parser);
          const char *type = json_object_get_string_member_with_default (object, "__type", NULL);
          const char *text = json_object_get_string_member_with_default (object, "message", NULL);

          if (text == NULL)
            text = json_object_get_string_member_with_default (object, "Message", NULL);
          if (type != NULL)
            *code = g_strdup (strchr (type, '#') != NULL ? strchr (type, '#') + 1 : type);
          *message = g_strdup (text);
        }
    }
  else if (response->body != NULL)
    {
      *code = thumbing_aws_xml_text (response->body, "Code");
      *message = thumbing_aws_xml_text (response->body, "Message");
      if (header_id == NULL)
        *request_id = thumbing_aws_xml_text (response->body, "RequestId");
    }
  /* A query-protocol error also names its code in a header. */
  if (*code == NULL && soup_message_headers_get_one (response->headers, "x-amzn-query-error") != NULL)
    {
      const char *query_error = soup_message_headers_get_one (response->headers, "x-amzn-query-error");

      *code = g_strndup (query_error, strcspn (query_error, ";"));
    }
  if (header_id != NULL && *request_id == NULL)
    *request_id = g_strdup (header_id);
}

typedef struct
{
  ThumbingAwsClient  *client;
  ThumbingAwsRequest *request;
  guint               attempt;
  GError             *last_error;
  GSource            *delay;
  ThumbingAwsCredentials *signed_with;   /* the last attempt's */
  GDateTime          *signed_at;      /* the last attempt's */
  gboolean            renewed;        /* credentials were fetched again after an expiry */
  GInputStream       *stream;         /* the response body being read */
  GByteArray         *body;           /* room for it */
  gsize               filled;         /* how much of body has come */
} Send;

static void
send_free (gpointer data)
{
  Send *send = data;

  thumbing_aws_client_unref (send->client);
  thumbing_aws_request_free (send->request);
  g_clear_error (&send->last_error);
  g_clear_pointer (&send->signed_with, thumbing_aws_credentials_unref);
  g_clear_pointer (&send->signed_at, g_date_time_unref);
  g_clear_object (&send->stream);
  g_clear_pointer (&send->body, g_byte_array_unref);
  if (send->delay != NULL)
    {
      g_source_destroy (send->delay);
      g_source_unref (send->delay);
    }
  g_free (send);
}

static ThumbingAwsRequest *
copy_request (ThumbingAwsRequest *request)
{
  ThumbingAwsRequest *copy = thumbing_aws_request_new (request->method, request->host, request->path);

  for (guint i = 0; i + 1 < request->query->len; i += 2)
    thumbing_aws_request_add_query (copy, request->query->pdata[i], request->query->pdata[i + 1]);
  for (guint i = 0; i + 1 < request->headers->len; i += 2)
    thumbing_aws_request_add_header (copy, request->headers->pdata[i], request->headers->pdata[i + 1]);
  thumbing_aws_request_set_body (copy, request->body);
  return copy;
}

static gboolean attempt (GTask *task);

/* Temporary credentials can stop working before the expiry they came with
 * (a revoked session, a clock that is off): once per request, forget them
 * and fetch new ones. */
static gboolean
renew_credentials (Send       *send,
                   const char *code)
{
  static const char * const expired[] = {
    "ExpiredToken", "ExpiredTokenException", "InvalidToken", "TokenRefreshRequired", NULL,
  };

  if (send->renewed || code == NULL || !g_strv_contains (expired, code) || send->signed_with == NULL)
    return FALSE;
  send->renewed = TRUE;
  return thumbing_aws_credentials_provider_forget (send->client->credentials, send->signed_with);
}

static void
retry_later (GTask  *task,
             GError *error)
{
  Send *send = g_task_get_task_data (task);
  ThumbingAwsClient *client = send->client;
  guint64 ceiling;
  guint delay;

  g_clear_error (&send->last_error);
  send->last_error = error;
  if (send->attempt >= client->max_attempts || g_task_return_error_if_cancelled (task))
    {
      g_prefix_error (&send->last_error, _("after %u attempts: "), send->attempt);
      g_task_return_error (task, g_steal_pointer (&send->last_error));
      g_object_unref (task);
      return;
    }

  if (client->on_retry != NULL)
    client->on_retry (client->on_retry_data);
  /* Exponential backoff with full jitter: a random wait up to the ceiling,
   * so many clients retrying at once spread out. */
  ceiling = MIN ((guint64) client->max_delay_ms, (guint64) client->base_delay_ms << MIN (send->attempt, 20u));
  delay = ceiling > 0 ? g_random_int_range (0, (gint32) MIN (ceiling, G_MAXINT32) + 1) : 0;
  send->delay = g_timeout_source_new (delay);
  g_source_set_callback (send->delay, (GSourceFunc) attempt, task, NULL);
  g_source_attach (send->delay, g_main_context_get_thread_default ());
}

/* A transport failure: the caller's cancellation ends the request, any
 * other is retried. */
static void
send_failed (GTask  *task,
             GError *error)
{
  Send *send = g_task_get_task_data (task);

  g_clear_object (&send->stream);
  g_clear_pointer (&send->body, g_byte_array_unref);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_task_return_error (task, error);
      g_object_unref (task);
      return;
    }
  retry_later (task, g_error_new (THUMBING_AWS_ERROR, THUMBING_AWS_ERROR_NETWORK, "%s %s: %s",
                                  send->client->service, send->client->endpoint, error->message));
  g_error_free (error);
}

static void
on_response (GTask  *task,
             GBytes *body_read)
{
  Send *send = g_task_get_task_data (task);
  SoupMessage *message = g_object_get_data (G_OBJECT (task), "message");
  g_autoptr(GBytes) body = body_read;
  g_autoptr(ThumbingAwsResponse) response = NULL;
  g_autofree char *code = NULL;
  g_autofree char *text = NULL;
  g_autofree char *request_id = NULL;
  guint status;

  status = soup_message_get_status (message);
  response = g_new0 (ThumbingAwsResponse, 1);
  response->status = status;
  response->headers = soup_message_headers_ref (soup_message_get_response_headers (message));
  response->body = g_steal_pointer (&body);

  /* 304 answers a conditional GET the caller asked for: not a failure. */
  if ((status >= 200 && status < 300) || status == SOUP_STATUS_NOT_MODIFIED)
    {
      g_task_return_pointer (task, g_steal_pointer (&response), (GDestroyNotify) thumbing_aws_response_free);
      g_object_unref (task);
      return;
    }

  parse_error (response, &code, &text, &request_id);
  {
    GError *aws_error = g_error_new (THUMBING_AWS_ERROR, classify (status, code),
                                     _("%s %s: %s (HTTP %u%s%s)"),
                                     send->client->service, code != NULL ? code : soup_status_get_phrase (status),
                                     text != NULL && *text != '\0' ? text : _("no message"),
                                     status, request_id != NULL ? _(", request id ") : "",
                                     request_id != NULL ? request_id : "");

    if (thumbing_aws_error_is_retryable (status, code) || correct_clock (send->client, response, code, send->signed_at)
        || renew_credentials (send, code))
      retry_later (task, aws_error);
    else
      {
        g_task_return_error (task, aws_error);
        g_object_unref (task);
      }
  }
}

/* The response body is read in reads as large as what remains of its
 * stated length, or of BODY_READ bytes: soup_session_send_and_read_async()
 * splices in 8 KiB pieces, two main-loop turns each, which for a 3 MB
 * photograph was most of the daemon's main-loop time (perf). A stated
 * length is trusted for at most BODY_AHEAD bytes before they come; a
 * successful response is held to the request's max_response_bytes, an
 * error document to ERROR_BODY_MOST. */
#define BODY_READ  (64 * 1024)
#define BODY_AHEAD (64 * 1024 * 1024)
#define ERROR_BODY_MOST (1024 * 1024)
#define CHUNKED_READ_LEAST 64

static void read_body (GTask *task);

static void
on_body_read (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  GTask *task = user_data;
  Send *send = g_task_get_task_data (task);
  GError *error = NULL;
  gssize n = g_input_stream_read_finish (G_INPUT_STREAM (object), result, &error);

  if (n < 0)
    {
      send_failed (task, error);
      return;
    }
  if (n > 0)
    {
      send->filled += n;
      read_body (task);
      return;
    }
  g_byte_array_set_size (send->body, send->filled);
  g_clear_object (&send->stream);
  on_response (task, g_byte_array_free_to_bytes (g_steal_pointer (&send->body)));
}

/* A body longer than the request allows ends the request, unretried; the
 * connection is dropped with what was not read. */
static void
body_too_large (GTask   *task,
                guint64  length,
                guint64  most)
{
  Send *send = g_task_get_task_data (task);

  g_clear_object (&send->stream);
  g_clear_pointer (&send->body, g_byte_array_unref);
  if (length > 0)
    g_task_return_new_error (task, THUMBING_AWS_ERROR, THUMBING_AWS_ERROR_TOO_LARGE,
                             _("%s %s: the response has %" G_GUINT64_FORMAT " bytes, more than the %" G_GUINT64_FORMAT
                               " allowed"), send->client->service, send->client->endpoint, length, most);
  else
    g_task_return_new_error (task, THUMBING_AWS_ERROR, THUMBING_AWS_ERROR_TOO_LARGE,
                             _("%s %s: the response has more than the %" G_GUINT64_FORMAT " bytes allowed"),
                             send->client->service, send->client->endpoint, most);
  g_object_unref (task);
}

static void
read_body (GTask *task)
{
  Send *send = g_task_get_task_data (task);
  SoupMessage *message = g_object_get_data (G_OBJECT (task), "message");
  SoupMessageHeaders *headers = soup_message_get_response_headers (message);
  gsize filled = send->filled;
  guint status = soup_message_get_status (message);
  /* The request's limit is for what it asked for; an error document is
   * small whatever was asked. */
  guint64 most = SOUP_STATUS_IS_SUCCESSFUL (status) ? send->request->max_response_bytes : ERROR_BODY_MOST;
  /* A HEAD's or a 304's length is the object's, which does not come. */
  gboolean bodiless = soup_message_get_method (message) == SOUP_METHOD_HEAD || status == SOUP_STATUS_NOT_MODIFIED
                      || status == SOUP_STATUS_NO_CONTENT;
  goffset stated = !bodiless && soup_message_headers_get_encoding (headers) == SOUP_ENCODING_CONTENT_LENGTH
                   ? soup_message_headers_get_content_length (headers) : 0;
  gsize want = BODY_READ;

  if (most > 0 && ((guint64) stated > most || filled > most))
    {
      body_too_large (task, (guint64) stated > most ? (guint64) stated : 0, most);
      return;
    }
  /* With a stated length, the rest of it, then one byte to see the end. */
  if (bodiless)
    want = 1;
  else if (stated > 0)
    want = (guint64) stated > filled ? (gsize) MIN ((guint64) stated - filled, BODY_AHEAD) : 1;
  /* Never more than one byte past what is allowed, but libsoup's chunked
   * decoder cannot read fewer bytes than a chunk's end takes. */
  if (most > 0)
    want = MIN (want, most + 1 - filled);
  if (!bodiless && stated <= 0)
    want = MAX (want, CHUNKED_READ_LEAST);
  g_byte_array_set_size (send->body, filled + want);
  g_input_stream_read_async (send->stream, send->body->data + filled, want, G_PRIORITY_DEFAULT,
                             g_task_get_cancellable (task), on_body_read, task);
}

static void
on_sent (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  GTask *task = user_data;
  Send *send = g_task_get_task_data (task);
  GError *error = NULL;
  GInputStream *stream = soup_session_send_finish (SOUP_SESSION (object), result, &error);

  if (stream == NULL)
    {
      send_failed (task, error);
      return;
    }
  send->stream = stream;
  send->body = g_byte_array_new ();
  send->filled = 0;
  read_body (task);
}

static char *
request_uri (ThumbingAwsClient  *client,
             ThumbingAwsRequest *request)
{
  g_autofree char *path = thumbing_aws_request_encoded_path (request);
  g_autofree char *query = thumbing_aws_request_encoded_query (request);

  return g_strdup_printf ("%s://%s%s%s%s", client->scheme, client->host, path, *query != '\0' ? "?" : "", query);
}

/* The message for @request, its path sent exactly as it was signed: an S3
 * key may hold “..” or “.” segments, which parsing the URL as text would
 * remove (RFC 3986 5.2.4), so that “uploads/../private/x” would reach
 * “private/x” unsigned, or another bucket. */
static SoupMessage *
new_message (ThumbingAwsClient  *client,
             ThumbingAwsRequest *request)
{
  g_autofree char *path = thumbing_aws_request_encoded_path (request);
  g_autofree char *query = thumbing_aws_request_encoded_query (request);
  g_autoptr(GUri) target = g_uri_build (SOUP_HTTP_URI_FLAGS, client->scheme, NULL, client->hostname, client->port,
                                        path, *query != '\0' ? query : NULL, NULL);

  return g_uri_get_host (target) != NULL ? soup_message_new_from_uri (request->method, target) : NULL;
}

static void
sign_and_send (GTask                  *task,
               ThumbingAwsCredentials *credentials)
{
  Send *send = g_task_get_task_data (task);
  ThumbingAwsClient *client = send->client;
  g_autoptr(ThumbingAwsRequest) signed_request = copy_request (send->request);
  g_autoptr(GDateTime) now = client_now (client);
  g_autoptr(GError) error = NULL;
  g_autoptr(SoupMessage) message = NULL;
  g_autofree char *uri = NULL;
  ThumbingAwsKeys keys = thumbing_aws_credentials_keys (credentials);
  gboolean s3 = strcmp (client->service, "s3") == 0;
  ThumbingAwsSigning signing = { THUMBING_AWS_SIGN_HEADER, client->region, client->service, now,
                                 !s3, s3, NULL, FALSE, 0 };
  SoupMessageHeaders *headers;
  const char *content_type = NULL;

  g_clear_pointer (&send->signed_with, thumbing_aws_credentials_unref);
  send->signed_with = thumbing_aws_credentials_ref (credentials);
  g_clear_pointer (&send->signed_at, g_date_time_unref);
  send->signed_at = g_date_time_ref (now);

  /* Signed afresh on every attempt: the date is part of the signature. */
  if (!thumbing_aws_sign (signed_request, &keys, &signing, NULL, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      g_object_unref (task);
      return;
    }

  uri = request_uri (client, signed_request);
  message = new_message (client, signed_request);
  if (message == NULL)
    {
      g_task_return_new_error (task, THUMBING_AWS_ERROR, THUMBING_AWS_ERROR_INVALID,
                               _("%s: cannot request %s"), client->service, uri);
      g_object_unref (task);
      return;
    }
  headers = soup_message_get_request_headers (message);
  for (guint i = 0; i + 1 < signed_request->headers->len; i += 2)
    {
      const char *name = signed_request->headers->pdata[i];

      if (g_ascii_strcasecmp (name, "Content-Type") == 0)
        content_type = signed_request->headers->pdata[i + 1];
      else if (g_ascii_strcasecmp (name, "Host") != 0)
        soup_message_headers_append (headers, name, signed_request->headers->pdata[i + 1]);
    }
  if (signed_request->body != NULL || strcmp (signed_request->method, "PUT") == 0
      || strcmp (signed_request->method, "POST") == 0)
    {
      g_autoptr(GBytes) empty = g_bytes_new_static ("", 0);

      soup_message_set_request_body_from_bytes (message, content_type,
                                                signed_request->body != NULL ? signed_request->body : empty);
    }

  g_object_set_data_full (G_OBJECT (task), "message", g_object_ref (message), g_object_unref);
  soup_session_send_async (client->session, message, G_PRIORITY_DEFAULT, g_task_get_cancellable (task), on_sent,
                           task);
}

static void
on_credentials (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  GTask *task = user_data;
  Send *send = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(ThumbingAwsCredentials) credentials =
    thumbing_aws_credentials_provider_get_finish (send->client->credentials, result, &error);

  if (credentials == NULL)
    {
      /* A metadata service that is down now may answer on a retry. */
      if (g_error_matches (error, THUMBING_AWS_ERROR, THUMBING_AWS_ERROR_NETWORK))
        retry_later (task, g_steal_pointer (&error));
      else
        {
          g_task_return_error (task, g_steal_pointer (&error));
          g_object_unref (task);
        }
      return;
    }
  sign_and_send (task, credentials);
}

static gboolean
attempt (GTask *task)
{
  Send *send = g_task_get_task_data (task);

  g_clear_pointer (&send->delay, g_source_unref);
  send->attempt++;
  thumbing_aws_credentials_provider_get_async (send->client->credentials, g_task_get_cancellable (task),
                                               on_credentials, task);
  return G_SOURCE_REMOVE;
}

/* Points @request at the client's endpoint: its host, and its path joined
 * to the endpoint's own. */
static void
address_request (ThumbingAwsClient  *self,
                 ThumbingAwsRequest *request)
{
  if (*self->base_path != '\0')
    {
      char *joined = g_strconcat (self->base_path, request->path, NULL);

      g_free (request->path);
      request->path = joined;
    }
  g_free (request->host);
  request->host = g_strdup (self->host);
}

/* Ends @task (transfer full) with an error, and returns TRUE, when the
 * client has no credentials at all. */
static gboolean
refuse_without_credentials (ThumbingAwsClient *self,
                            GTask             *task)
{
  if (self->credentials != NULL)
    return FALSE;
  g_task_return_new_error (task, THUMBING_AWS_ERROR, THUMBING_AWS_ERROR_ACCESS_DENIED,
                           _("%s: no AWS credentials (set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, "
                             "or a profile)"), self->service);
  g_object_unref (task);
  return TRUE;
}

/* Sends @request (transfer full), signing it for each attempt, and retries
 * network errors, throttling and 5xx with backoff. The path is joined to
 * the endpoint's own path. */
void
thumbing_aws_client_send_async (ThumbingAwsClient   *self,
                                ThumbingAwsRequest  *request,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  GTask *task = g_task_new (NULL, cancellable, callback, user_data);
  Send *send = g_new0 (Send, 1);

  g_task_set_source_tag (task, thumbing_aws_client_send_async);
  send->client = thumbing_aws_client_ref (self);
  send->request = request;
  address_request (self, request);
  g_task_set_task_data (task, send, send_free);

  if (refuse_without_credentials (self, task))
    return;
  attempt (task);
}

static void
on_presign_credentials (GObject      *object,
                        GAsyncResult *result,
                        gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  ThumbingAwsClient *client = g_object_get_data (G_OBJECT (task), "client");
  ThumbingAwsRequest *request = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(ThumbingAwsCredentials) credentials =
    thumbing_aws_credentials_provider_get_finish (client->credentials, result, &error);
  g_autoptr(GDateTime) now = client_now (client);
  gboolean s3 = strcmp (client->service, "s3") == 0;
  ThumbingAwsSigning signing = { THUMBING_AWS_SIGN_QUERY, client->region, client->service, now,
                                 !s3, FALSE, THUMBING_AWS_UNSIGNED_PAYLOAD, FALSE,
                                 GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (task), "expires")) };
  ThumbingAwsKeys keys;

  if (credentials == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  keys = thumbing_aws_credentials_keys (credentials);
  if (!thumbing_aws_sign (request, &keys, &signing, NULL, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  g_task_return_pointer (task, request_uri (client, request), g_free);
}

/* Presigns @request (transfer full) for @expires seconds: a URL anyone may
 * use for that one request. Headers set on @request (Content-Type) are
 * signed, so the URL's user must send them as they are. */
void
thumbing_aws_client_presign_async (ThumbingAwsClient   *self,
                                   ThumbingAwsRequest  *request,
                                   guint                expires,
                                   GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data)
{
  GTask *task = g_task_new (NULL, cancellable, callback, user_data);

  g_task_set_source_tag (task, thumbing_aws_client_presign_async);
  address_request (self, request);
  g_task_set_task_data (task, request, (GDestroyNotify) thumbing_aws_request_free);
  g_object_set_data_full (G_OBJECT (task), "client", thumbing_aws_client_ref (self),
                          (GDestroyNotify) thumbing_aws_client_unref);
  g_object_set_data (G_OBJECT (task), "expires", GUINT_TO_POINTER (expires));
  if (refuse_without_credentials (self, task))
    return;
  thumbing_aws_credentials_provider_get_async (self->credentials, cancellable, on_presign_credentials, task);
}

char *
thumbing_aws_client_presign_finish (ThumbingAwsClient *self,
                                    GAsyncResult      *result,
                                    GError           **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}

ThumbingAwsResponse *
thumbing_aws_client_send_finish (ThumbingAwsClient *self,
                                 GAsyncResult      *result,
                                 GError           **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* SSL_CERT_FILE names the authorities HTTPS trusts instead of the system's,
 * as OpenSSL's tools and the AWS CLI read it (the Lambda package brings
 * Debian's bundle this way). Read once, when the first session that speaks
 * HTTPS is made: parsing a bundle and loading the TLS module costs a few
 * MiB, which a pipeline without HTTPS should not pay. NULL when unset, or
 * unreadable (warned once: the system's authorities apply). */
GTlsDatabase *
thumbing_ssl_cert_file_database (void)
{
  static GTlsDatabase *database;
  static gsize done;

  if (g_once_init_enter (&done))
    {
      const char *file = g_getenv ("SSL_CERT_FILE");
      g_autoptr(GError) error = NULL;

      if (file != NULL && *file != '\0')
        {
          database = g_tls_file_database_new (file, &error);
          if (database == NULL)
            g_warning (_("SSL_CERT_FILE: %s; the system's certificate authorities are used instead"), error->message);
        }
      g_once_init_leave (&done, 1);
    }
  return database;
}
