/* thumbing-lambda-source.c: invocations of an AWS Lambda custom runtime
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * `thumbing run` becomes the function's bootstrap: it asks the Runtime API
 * for the next invocation, turns the S3 event in it (direct, through SNS, or
 * an SQS batch of them) into items and answers once they settle. An SQS
 * batch is answered with the messages that failed (ReportBatchItemFailures),
 * so only those come back; any other event fails as a whole, so Lambda
 * retries it. Unfinished work is reported as failed shortly before the
 * invocation's deadline.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include <glib/gi18n-lib.h>
#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

#include "thumbing-aws-metadata.h"
#include "thumbing-lambda-event.h"
#include "thumbing-lambda-source.h"

#define API_VERSION "2018-06-01"
#define METADATA_MESSAGE_ID "lambda.message-id"
#define METADATA_REQUEST_ID "lambda.request-id"
/* EMF takes at most 100 values per metric and line. */
#define EMF_MAX_VALUES 100
#define ERROR_TYPE_HEADER "Lambda-Runtime-Function-Error-Type"
#define INIT_ERROR_TYPE "Thumbing.InitError"

/* Time kept back from the deadline to report before Lambda cuts us off. */
#define DEADLINE_MARGIN_MS 1000
#define RETRY_SECONDS 1

typedef struct
{
  char       *request_id;
  char       *trace_header;  /* Lambda-Runtime-Trace-Id, if X-Ray is on */
  guint       succeeded;     /* items, for the metrics line */
  GArray     *milliseconds;  /* double: each settled item's time */
  gboolean    sqs;
  guint       outstanding;
  guint       taken;
  GHashTable *failed;       /* SQS message id → itself; or "" for a whole event */
  GHashTable *unsettled;    /* message id → count of items not yet settled */
  guint       deadline_timer;
} Invocation;

struct _ThumbingLambdaSource
{
  ThumbingS3NotificationSource parent_instance;

  char        *runtime_api;

  SoupSession *session;
  GCancellable *cancellable;
  gboolean     polling;
  guint        retry_timer;
  Invocation  *current;
  guint        answered;
};

G_DEFINE_FINAL_TYPE (ThumbingLambdaSource, thumbing_lambda_source, THUMBING_TYPE_S3_NOTIFICATION_SOURCE)

static void poll_next (ThumbingLambdaSource *self);

static void
invocation_free (ThumbingLambdaSource *self,
                 Invocation           *invocation)
{
  thumbing_element_source_remove (THUMBING_ELEMENT (self), invocation->deadline_timer);
  g_free (invocation->request_id);
  g_free (invocation->trace_header);
  g_array_unref (invocation->milliseconds);
  g_hash_table_unref (invocation->failed);
  g_hash_table_unref (invocation->unsettled);
  g_free (invocation);
}

static const char *
runtime_api (ThumbingLambdaSource *self)
{
  if (self->runtime_api != NULL && *self->runtime_api != '\0')
    return self->runtime_api;
  return g_getenv ("AWS_LAMBDA_RUNTIME_API");
}

static gboolean
thumbing_lambda_source_check (ThumbingElement *element,
                              GError         **error)
{
  ThumbingLambdaSource *self = THUMBING_LAMBDA_SOURCE (element);
  const char *api = runtime_api (self);
  g_autofree char *url = NULL;

  if (api == NULL || *api == '\0')
    {
      g_set_error (error, THUMBING_ERROR, THUMBING_ERROR_CONFIG,
                   _("no Runtime API: AWS_LAMBDA_RUNTIME_API is not set (this source runs inside AWS Lambda)"));
      return FALSE;
    }
  url = g_strdup_printf ("http://%s/", api);
  if (!g_uri_is_valid (url, G_URI_FLAGS_NONE, NULL) || strchr (api, '/') != NULL)
    {
      g_set_error (error, THUMBING_ERROR, THUMBING_ERROR_INVALID_VALUE,
                   _("runtime-api: “%s” is not a HOST:PORT"), api);
      return FALSE;
    }
  return TRUE;
}

static gboolean
thumbing_lambda_source_start (ThumbingElement *element,
                              GError         **error)
{
  ThumbingLambdaSource *self = THUMBING_LAMBDA_SOURCE (element);

  /* invocation/next waits as long as there is no work: no timeout. */
  self->session = soup_session_new_with_options ("user-agent", "thumbing/" PACKAGE_VERSION, NULL);
  self->cancellable = g_cancellable_new ();
  self->answered = 0;
  return TRUE;
}

static void
thumbing_lambda_source_stop (ThumbingElement *element)
{
  ThumbingLambdaSource *self = THUMBING_LAMBDA_SOURCE (element);

  g_cancellable_cancel (self->cancellable);
  thumbing_element_source_remove (THUMBING_ELEMENT (self), self->retry_timer);
  self->retry_timer = 0;
  THUMBING_ELEMENT_CLASS (thumbing_lambda_source_parent_class)->stop (element);
}

static char *
api_url (ThumbingLambdaSource *self,
         const char           *path)
{
  return g_strdup_printf ("http://%s/" API_VERSION "/runtime/%s", runtime_api (self), path);
}

static char *
to_json (JsonBuilder *builder)
{
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonNode) root = json_builder_get_root (builder);

  json_generator_set_root (generator, root);
  return json_generator_to_data (generator, NULL);
}

static void
on_posted (GObject      *object,
           GAsyncResult *result,
           gpointer      data)
{
  ThumbingLambdaSource *self = data;
  SoupMessage *message = soup_session_get_async_result_message (SOUP_SESSION (object), result);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) reply = soup_session_send_and_read_finish (SOUP_SESSION (object), result, &error);

  if (reply == NULL || !SOUP_STATUS_IS_SUCCESSFUL (soup_message_get_status (message)))
    thumbing_element_warn (THUMBING_ELEMENT (self), _("the Runtime API refused an answer: %s"),
                           error != NULL ? error->message : soup_message_get_reason_phrase (message));
  self->answered++;
  if (thumbing_source_get_once (THUMBING_SOURCE (self)))
    thumbing_source_end (THUMBING_SOURCE (self));
  else
    poll_next (self);
  thumbing_source_release (THUMBING_SOURCE (self));
  g_object_unref (self);
}

static void
post_answer (ThumbingLambdaSource *self,
             const char           *request_id,
             const char           *kind,
             const char           *body,
             const char           *error_type)
{
  g_autofree char *path = g_strdup_printf ("invocation/%s/%s", request_id, kind);
  g_autofree char *url = api_url (self, path);
  g_autoptr(SoupMessage) message = soup_message_new (SOUP_METHOD_POST, url);
  g_autoptr(GBytes) bytes = g_bytes_new (body, strlen (body));

  if (error_type != NULL)
    soup_message_headers_replace (soup_message_get_request_headers (message), ERROR_TYPE_HEADER, error_type);
  soup_message_set_request_body_from_bytes (message, "application/json", bytes);
  /* Held, so a graceful stop waits for the answer to be delivered. */
  thumbing_source_hold (THUMBING_SOURCE (self));
  soup_session_send_and_read_async (self->session, message, G_PRIORITY_DEFAULT, NULL, on_posted, g_object_ref (self));
}

/* The Runtime API's error document. */
static char *
error_body (const char *error_type,
            const char *text)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "errorMessage");
  json_builder_add_string_value (builder, text);
  json_builder_set_member_name (builder, "errorType");
  json_builder_add_string_value (builder, error_type);
  json_builder_end_object (builder);
  return to_json (builder);
}

static void
post_error (ThumbingLambdaSource *self,
            const char           *request_id,
            const char           *error_type,
            const char           *text)
{
  g_autofree char *body = error_body (error_type, text);

  post_answer (self, request_id, "error", body, error_type);
}

/* As a Lambda function's bootstrap, a pipeline that cannot start is
 * reported to the Runtime API, so invocations fail with its reason rather
 * than a bare “Runtime exited”. The process is about to exit: a blocking
 * request with a short timeout is the right tool. */
static void
thumbing_lambda_source_report_start_failure (ThumbingElementClass *klass,
                                             const GError         *error)
{
  const char *api = g_getenv ("AWS_LAMBDA_RUNTIME_API");
  g_autofree char *url = NULL;
  g_autofree char *body = NULL;
  g_autoptr(SoupSession) session = NULL;
  g_autoptr(SoupMessage) message = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GBytes) reply = NULL;
  gsize length;

  if (api == NULL || *api == '\0')
    return;
  url = g_strdup_printf ("http://%s/" API_VERSION "/runtime/init/error", api);
  message = soup_message_new (SOUP_METHOD_POST, url);
  if (message == NULL)
    return;
  body = error_body (INIT_ERROR_TYPE, error->message);
  length = strlen (body);
  bytes = g_bytes_new_take (g_steal_pointer (&body), length);
  soup_message_headers_replace (soup_message_get_request_headers (message), ERROR_TYPE_HEADER, INIT_ERROR_TYPE);
  soup_message_set_request_body_from_bytes (message, "application/json", bytes);
  session = soup_session_new_with_options ("timeout", 5, NULL);
  reply = soup_session_send_and_read (session, message, NULL, NULL);
}

static void
add_emf_metric (JsonBuilder *builder,
                const char  *name,
                const char  *unit)
{
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "Name");
  json_builder_add_string_value (builder, name);
  json_builder_set_member_name (builder, "Unit");
  json_builder_add_string_value (builder, unit);
  json_builder_end_object (builder);
}

/* One CloudWatch Embedded Metric Format line per invocation on stdout, the
 * function's log: CloudWatch makes metrics of it with no API call (and no
 * cloudwatch:PutMetricData permission). */
static void
print_metrics (Invocation *invocation)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autofree char *line = NULL;
  const char *function = g_getenv ("AWS_LAMBDA_FUNCTION_NAME");

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "_aws");
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "Timestamp");
  json_builder_add_int_value (builder, g_get_real_time () / 1000);
  json_builder_set_member_name (builder, "CloudWatchMetrics");
  json_builder_begin_array (builder);
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "Namespace");
  json_builder_add_string_value (builder, "thumbing");
  json_builder_set_member_name (builder, "Dimensions");
  json_builder_begin_array (builder);
  json_builder_begin_array (builder);
  json_builder_add_string_value (builder, "function");
  json_builder_end_array (builder);
  json_builder_end_array (builder);
  json_builder_set_member_name (builder, "Metrics");
  json_builder_begin_array (builder);
  add_emf_metric (builder, "ItemsSucceeded", "Count");
  add_emf_metric (builder, "ItemsFailed", "Count");
  add_emf_metric (builder, "ItemDuration", "Milliseconds");
  json_builder_end_array (builder);
  json_builder_end_object (builder);
  json_builder_end_array (builder);
  json_builder_end_object (builder);
  json_builder_set_member_name (builder, "function");
  json_builder_add_string_value (builder, function != NULL ? function : "thumbing");
  json_builder_set_member_name (builder, "requestId");
  json_builder_add_string_value (builder, invocation->request_id);
  json_builder_set_member_name (builder, "ItemsSucceeded");
  json_builder_add_int_value (builder, invocation->succeeded);
  json_builder_set_member_name (builder, "ItemsFailed");
  json_builder_add_int_value (builder, invocation->taken - MIN (invocation->succeeded, invocation->taken));
  json_builder_set_member_name (builder, "ItemDuration");
  json_builder_begin_array (builder);
  for (guint i = 0; i < invocation->milliseconds->len; i++)
    json_builder_add_double_value (builder, g_array_index (invocation->milliseconds, double, i));
  json_builder_end_array (builder);
  json_builder_end_object (builder);
  line = to_json (builder);
  printf ("%s\n", line);
  fflush (stdout);
}

/* Answers the current invocation; items still running are counted failed. */
static void
answer (ThumbingLambdaSource *self)
{
  Invocation *invocation = g_steal_pointer (&self->current);
  GHashTableIter iter;
  gpointer key;

  print_metrics (invocation);

  g_hash_table_iter_init (&iter, invocation->unsettled);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    g_hash_table_add (invocation->failed, g_strdup (key));

  if (invocation->sqs)
    {
      g_autoptr(JsonBuilder) builder = json_builder_new ();
      g_autofree char *body = NULL;

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "batchItemFailures");
      json_builder_begin_array (builder);
      g_hash_table_iter_init (&iter, invocation->failed);
      while (g_hash_table_iter_next (&iter, &key, NULL))
        {
          json_builder_begin_object (builder);
          json_builder_set_member_name (builder, "itemIdentifier");
          json_builder_add_string_value (builder, key);
          json_builder_end_object (builder);
        }
      json_builder_end_array (builder);
      json_builder_end_object (builder);
      body = to_json (builder);
      post_answer (self, invocation->request_id, "response", body, NULL);
    }
  else if (g_hash_table_size (invocation->failed) > 0)
    {
      g_autofree char *text = g_strdup_printf (_("%u of %u images failed; see the function’s log"),
                                               g_hash_table_size (invocation->failed), invocation->taken);

      post_error (self, invocation->request_id, "Thumbing.ProcessingFailed", text);
    }
  else
    {
      g_autoptr(JsonBuilder) builder = json_builder_new ();
      g_autofree char *body = NULL;

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "processed");
      json_builder_add_int_value (builder, invocation->taken);
      json_builder_end_object (builder);
      body = to_json (builder);
      post_answer (self, invocation->request_id, "response", body, NULL);
    }
  invocation_free (self, invocation);
}

static gboolean
on_deadline (gpointer data)
{
  ThumbingLambdaSource *self = data;

  self->current->deadline_timer = 0;
  thumbing_element_warn (THUMBING_ELEMENT (self), _("invocation %s: %u images unfinished at the deadline; reported failed"),
                         self->current->request_id, self->current->outstanding);
  /* Their items still finish; they are answered for already. */
  thumbing_s3_notification_source_drop_queued (THUMBING_S3_NOTIFICATION_SOURCE (self));
  answer (self);
  return G_SOURCE_REMOVE;
}

/* Adds the wanted records of one S3 event; @id names the SQS message it
 * came in, or is "" for a direct event. */
static gboolean
take_records (ThumbingLambdaSource *self,
              Invocation           *invocation,
              const char           *event,
              const char           *id,
              GError              **error)
{
  ThumbingS3NotificationSource *source = THUMBING_S3_NOTIFICATION_SOURCE (self);
  gboolean test_event;
  g_autoptr(GPtrArray) records = thumbing_s3_event_parse (event, TRUE, &test_event, error);

  if (records == NULL)
    return FALSE;
  for (guint i = 0; i < records->len; i++)
    if (thumbing_s3_notification_source_wants (source, records->pdata[i]))
      {
        ThumbingItem *item = thumbing_s3_notification_source_item_for_record (source, records->pdata[i]);

        thumbing_item_set_metadata (item, METADATA_MESSAGE_ID, id);
        thumbing_item_set_metadata (item, METADATA_REQUEST_ID, invocation->request_id);
        thumbing_item_set_metadata (item, THUMBING_METADATA_SOURCE_ID, invocation->request_id);
        if (invocation->trace_header != NULL)
          thumbing_item_set_metadata (item, THUMBING_METADATA_TRACE_HEADER, invocation->trace_header);
        g_hash_table_replace (invocation->unsettled, g_strdup (id),
                              GUINT_TO_POINTER (GPOINTER_TO_UINT (g_hash_table_lookup (invocation->unsettled, id)) + 1));
        thumbing_s3_notification_source_queue (source, item);
        invocation->outstanding++;
        invocation->taken++;
      }
  return TRUE;
}

/* Reads the event; a batch from SQS keeps going past bad messages, which
 * are reported as failures of their own. */
static gboolean
take_event (ThumbingLambdaSource *self,
            Invocation           *invocation,
            const char           *event,
            GError              **error)
{
  g_autoptr(GPtrArray) messages = thumbing_lambda_event_split (event, &invocation->sqs, error);

  if (messages == NULL)
    return FALSE;
  if (!invocation->sqs)
    return take_records (self, invocation, ((ThumbingLambdaMessage *) messages->pdata[0])->body, "", error);
  for (guint i = 0; i < messages->len; i++)
    {
      ThumbingLambdaMessage *message = messages->pdata[i];
      g_autoptr(GError) record_error = NULL;

      if (message->body == NULL || !take_records (self, invocation, message->body, message->message_id, &record_error))
        {
          thumbing_element_warn (THUMBING_ELEMENT (self), _("SQS message %s is not an S3 event (%s); reported failed"),
                                 message->message_id, record_error != NULL ? record_error->message : _("no body"));
          g_hash_table_add (invocation->failed, g_strdup (message->message_id));
        }
    }
  return TRUE;
}

static gboolean
retry_poll (gpointer data)
{
  ThumbingLambdaSource *self = data;

  self->retry_timer = 0;
  poll_next (self);
  return G_SOURCE_REMOVE;
}

/* An HTTP request through API Gateway: the service's answer is the
 * invocation's; no item was taken. */
static void
on_http_answered (GObject      *object,
                  GAsyncResult *result,
                  gpointer      data)
{
  ThumbingLambdaSource *self = data;
  Invocation *invocation = g_steal_pointer (&self->current);
  g_autoptr(GError) error = NULL;
  g_autofree char *answer = thumbing_source_dispatch_event_finish (THUMBING_SOURCE (self), result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    ;
  else if (answer == NULL)
    post_error (self, invocation->request_id, "Thumbing.BadEvent", error->message);
  else
    post_answer (self, invocation->request_id, "response", answer, NULL);
  invocation_free (self, invocation);
  g_object_unref (self);
}

static void
on_next (GObject      *object,
         GAsyncResult *result,
         gpointer      data)
{
  ThumbingLambdaSource *self = data;
  SoupMessage *message = soup_session_get_async_result_message (SOUP_SESSION (object), result);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) event = soup_session_send_and_read_finish (SOUP_SESSION (object), result, &error);
  SoupMessageHeaders *headers;
  const char *request_id;
  const char *deadline;
  g_autofree char *text = NULL;
  Invocation *invocation;
  gint64 remaining_ms;

  self->polling = FALSE;
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_object_unref (self);
      return;
    }
  if (event == NULL || !SOUP_STATUS_IS_SUCCESSFUL (soup_message_get_status (message)))
    {
      thumbing_element_warn (THUMBING_ELEMENT (self), _("asking the Runtime API for work failed; trying again: %s"),
                             error != NULL ? error->message : soup_message_get_reason_phrase (message));
      self->retry_timer = thumbing_element_timeout_add_seconds (THUMBING_ELEMENT (self), RETRY_SECONDS, retry_poll, self);
      g_object_unref (self);
      return;
    }

  headers = soup_message_get_response_headers (message);
  request_id = soup_message_headers_get_one (headers, "Lambda-Runtime-Aws-Request-Id");
  deadline = soup_message_headers_get_one (headers, "Lambda-Runtime-Deadline-Ms");
  if (request_id == NULL || strchr (request_id, '/') != NULL || strchr (request_id, '?') != NULL)
    {
      thumbing_element_warn (THUMBING_ELEMENT (self), _("the Runtime API sent work without a usable request id"));
      self->retry_timer = thumbing_element_timeout_add_seconds (THUMBING_ELEMENT (self), RETRY_SECONDS, retry_poll, self);
      g_object_unref (self);
      return;
    }

  invocation = g_new0 (Invocation, 1);
  invocation->request_id = g_strdup (request_id);
  invocation->trace_header = g_strdup (soup_message_headers_get_one (headers, "Lambda-Runtime-Trace-Id"));
  invocation->milliseconds = g_array_new (FALSE, FALSE, sizeof (double));
  invocation->failed = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  invocation->unsettled = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->current = invocation;
  text = g_strndup (g_bytes_get_data (event, NULL), g_bytes_get_size (event));

  if (thumbing_lambda_event_is_http (text))
    {
      thumbing_source_dispatch_event_async (THUMBING_SOURCE (self), text, self->cancellable, on_http_answered, self);
      return;
    }
  if (!take_event (self, invocation, text, &error))
    {
      self->current = NULL;
      post_error (self, invocation->request_id, "Thumbing.BadEvent", error->message);
      invocation_free (self, invocation);
      g_object_unref (self);
      return;
    }
  if (invocation->outstanding == 0)
    {
      answer (self);
      g_object_unref (self);
      return;
    }
  remaining_ms = deadline != NULL ? g_ascii_strtoll (deadline, NULL, 10) - g_get_real_time () / 1000 : -1;
  if (remaining_ms > 0)
    invocation->deadline_timer = thumbing_element_timeout_add (THUMBING_ELEMENT (self), MAX (remaining_ms - DEADLINE_MARGIN_MS, remaining_ms / 2),
                                                on_deadline, self);
  thumbing_s3_notification_source_push_queued (THUMBING_S3_NOTIFICATION_SOURCE (self));
  g_object_unref (self);
}

/* One invocation at a time, as the Runtime API expects. */
static void
poll_next (ThumbingLambdaSource *self)
{
  g_autofree char *url = NULL;
  g_autoptr(SoupMessage) message = NULL;

  if (self->polling || self->current != NULL || self->retry_timer != 0
      || thumbing_s3_notification_source_get_credit (THUMBING_S3_NOTIFICATION_SOURCE (self)) == 0
      || self->session == NULL || g_cancellable_is_cancelled (self->cancellable))
    return;
  url = api_url (self, "invocation/next");
  message = soup_message_new (SOUP_METHOD_GET, url);
  self->polling = TRUE;
  soup_session_send_and_read_async (self->session, message, G_PRIORITY_DEFAULT, self->cancellable, on_next,
                                    g_object_ref (self));
}

static void
thumbing_lambda_source_request (ThumbingSource *source,
                                guint           n_items)
{
  ThumbingLambdaSource *self = THUMBING_LAMBDA_SOURCE (source);

  THUMBING_SOURCE_CLASS (thumbing_lambda_source_parent_class)->request (source, n_items);
  poll_next (self);
}

static void
settle (ThumbingLambdaSource *self,
        ThumbingItem         *item,
        gboolean              failed)
{
  Invocation *invocation = self->current;
  const char *id = thumbing_item_get_metadata (item, METADATA_MESSAGE_ID);
  guint left;

  /* An item of an invocation answered at its deadline. */
  if (invocation == NULL || id == NULL || !g_hash_table_contains (invocation->unsettled, id)
      || g_strcmp0 (thumbing_item_get_metadata (item, METADATA_REQUEST_ID), invocation->request_id) != 0)
    return;
  if (failed)
    g_hash_table_add (invocation->failed, g_strdup (id));
  else
    invocation->succeeded++;
  if (invocation->milliseconds->len < EMF_MAX_VALUES)
    {
      double elapsed = thumbing_item_get_elapsed_ms (item);

      g_array_append_val (invocation->milliseconds, elapsed);
    }
  left = GPOINTER_TO_UINT (g_hash_table_lookup (invocation->unsettled, id)) - 1;
  if (left == 0)
    g_hash_table_remove (invocation->unsettled, id);
  else
    g_hash_table_replace (invocation->unsettled, g_strdup (id), GUINT_TO_POINTER (left));
  if (--invocation->outstanding == 0)
    answer (self);
}

static void
thumbing_lambda_source_ack (ThumbingSource *source,
                            ThumbingItem   *item)
{
  settle (THUMBING_LAMBDA_SOURCE (source), item, FALSE);
}

static void
thumbing_lambda_source_nack (ThumbingSource *source,
                             ThumbingItem   *item,
                             const GError   *error)
{
  settle (THUMBING_LAMBDA_SOURCE (source), item, TRUE);
}

static void
thumbing_lambda_source_class_init (ThumbingLambdaSourceClass *klass)
{
  ThumbingElementClass *element_class = THUMBING_ELEMENT_CLASS (klass);
  ThumbingSourceClass *source_class = THUMBING_SOURCE_CLASS (klass);

  element_class->check = thumbing_lambda_source_check;
  element_class->start = thumbing_lambda_source_start;
  element_class->stop = thumbing_lambda_source_stop;
  element_class->report_start_failure = thumbing_lambda_source_report_start_failure;
  source_class->request = thumbing_lambda_source_request;
  source_class->ack = thumbing_lambda_source_ack;
  source_class->nack = thumbing_lambda_source_nack;

  thumbing_element_class_set_metadata (element_class, "lambda-source",
                                       _("Runs as an AWS Lambda custom runtime: S3 events, direct, through SNS or in SQS batches"));
  thumbing_element_class_set_metadata_keys (element_class, NULL,
                                            METADATA_MESSAGE_ID ";" METADATA_REQUEST_ID ";" THUMBING_METADATA_SOURCE_ID
                                            ";" THUMBING_METADATA_TRACE_HEADER);
  thumbing_element_class_set_media (element_class, NULL, THUMBING_MEDIA_S3_OBJECT);

  THUMBING_ELEMENT_FIELD (klass, ThumbingLambdaSource, runtime_api,
    g_param_spec_string ("runtime-api", NULL, _("HOST:PORT of the Runtime API (default: AWS_LAMBDA_RUNTIME_API)"),
                         NULL, G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS));
}

static void
thumbing_lambda_source_init (ThumbingLambdaSource *self)
{
}
