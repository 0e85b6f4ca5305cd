/* thumbing-sqs-source.c: S3 event notifications from an SQS queue
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>
#include <json-glib/json-glib.h>

#include "thumbing-aws-metadata.h"
#include "thumbing-s3-bucket.h"
#include "thumbing-s3-event.h"
#include "thumbing-s3-notification-source.h"
#include "thumbing-sqs-source.h"
#include "thumbing-json-util.h"

#define METADATA_MESSAGE_ID "sqs.message-id"

/* SQS's limits. */
#define MAX_BATCH 10
#define MAX_VISIBILITY 43200

/* After an outage the queue is polled again this long after a failed receive. */
#define RECEIVE_RETRY_SECONDS 5
/* How often the queue's depth is asked (GetQueueAttributes) for the metrics. */
#define DEPTH_INTERVAL_SECONDS 30

#define RECEIVED     "thumbing_sqs_messages_received_total"
#define DELETED      "thumbing_sqs_messages_deleted_total"
#define RETURNED     "thumbing_sqs_messages_returned_total"
#define EXTENSIONS   "thumbing_sqs_visibility_extensions_total"
#define DEPTH        "thumbing_sqs_queue_messages"
#define OLDEST       "thumbing_sqs_oldest_message_age_seconds"
#define DLQ_DEPTH    "thumbing_sqs_dead_letter_messages"

/* One SQS message: the items of its records settle it together. */
typedef struct
{
  char    *id;
  char    *receipt_handle;
  guint    receive_count;
  guint    outstanding;     /* records pushed or waiting, not yet settled */
  gboolean failed;
  char    *trace_header;    /* AWSTraceHeader, if the sender traced */
} Message;

struct _ThumbingSqsSource
{
  ThumbingS3NotificationSource parent_instance;

  char              *queue_url;
  char              *endpoint;
  char              *region;
  guint              wait_time;
  guint              visibility_timeout;
  guint              batch_size;
  guint              retry_delay;

  ThumbingAwsClient *client;
  GCancellable      *cancellable;
  gboolean           receiving;
  gboolean           drained;          /* --once: a receive came back empty */
  guint              handing_back;     /* failed messages whose visibility is being reset */
  gboolean           handed_back_while_receiving; /* so the receive's answer may predate it */
  GHashTable        *messages;         /* id → Message */
  GPtrArray         *ready_to_delete;  /* Message, succeeded; deleted in batches */
  guint              delete_idle;
  guint              heartbeat;
  guint              retry_timer;

  ThumbingMetrics   *metrics;          /* the pipeline's, when running in one */
  char              *queue_label;      /* queue="NAME" */
  char              *visible_label;    /* queue="NAME",state="visible" */
  char              *in_flight_label;  /* queue="NAME",state="in_flight" */
  guint              depth_timer;
  double             oldest_seen;      /* seconds: the oldest message received since the last depth poll */
  char              *dlq_url;          /* the dead-letter queue the redrive policy names, once found */
  gboolean           dlq_asked;
};

G_DEFINE_FINAL_TYPE (ThumbingSqsSource, thumbing_sqs_source, THUMBING_TYPE_S3_NOTIFICATION_SOURCE)

static void
message_free (gpointer data)
{
  Message *message = data;

  g_free (message->id);
  g_free (message->receipt_handle);
  g_free (message->trace_header);
  g_free (message);
}

static void
thumbing_sqs_source_finalize (GObject *object)
{
  ThumbingSqsSource *self = THUMBING_SQS_SOURCE (object);

  g_clear_pointer (&self->client, thumbing_aws_client_unref);
  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->messages, g_hash_table_unref);
  g_clear_pointer (&self->ready_to_delete, g_ptr_array_unref);
  g_clear_object (&self->metrics);
  g_free (self->queue_label);
  g_free (self->visible_label);
  g_free (self->in_flight_label);
  g_free (self->dlq_url);
  G_OBJECT_CLASS (thumbing_sqs_source_parent_class)->finalize (object);
}

static void count (ThumbingSqsSource *self, const char *name, double amount);

static gboolean
thumbing_sqs_source_check (ThumbingElement *element,
                           GError         **error)
{
  ThumbingSqsSource *self = THUMBING_SQS_SOURCE (element);
  g_autoptr(GUri) uri = g_uri_parse (self->queue_url, G_URI_FLAGS_NONE, NULL);

  if (uri == NULL || g_uri_get_host (uri) == NULL || g_uri_get_path (uri)[0] != '/' || g_uri_get_path (uri)[1] == '\0')
    {
      g_set_error (error, THUMBING_ERROR, THUMBING_ERROR_INVALID_VALUE,
                   _("queue-url: “%s” is not a queue URL (as https://sqs.REGION.amazonaws.com/ACCOUNT/NAME)"),
                   self->queue_url);
      return FALSE;
    }
  return TRUE;
}

/* The queue URL's origin is the SQS endpoint unless the environment or the
 * endpoint setting says otherwise; its host names the region on AWS. */
static void sqs_call_for_depth (ThumbingSqsSource *self);

static gboolean
poll_depth (gpointer data)
{
  sqs_call_for_depth (data);
  return G_SOURCE_CONTINUE;
}

/* What the queue does, for the operator: counted here, since only the
 * source sees messages (the pipeline sees items). */
static void
start_metrics (ThumbingSqsSource *self)
{
  ThumbingMetrics *metrics = thumbing_element_get_metrics (THUMBING_ELEMENT (self));
  const char *slash = strrchr (self->queue_url, '/');
  const char *queue = slash != NULL ? slash + 1 : self->queue_url;

  if (metrics == NULL)
    return;
  g_set_object (&self->metrics, metrics);
  g_free (self->queue_label);
  g_free (self->visible_label);
  g_free (self->in_flight_label);
  self->queue_label = thumbing_metrics_labels ("queue", queue, NULL);
  self->visible_label = thumbing_metrics_labels ("queue", queue, "state", "visible", NULL);
  self->in_flight_label = thumbing_metrics_labels ("queue", queue, "state", "in_flight", NULL);
  thumbing_metrics_declare (metrics, RECEIVED, THUMBING_METRIC_COUNTER, "SQS messages received");
  thumbing_metrics_declare (metrics, DELETED, THUMBING_METRIC_COUNTER, "SQS messages deleted once processed");
  thumbing_metrics_declare (metrics, RETURNED, THUMBING_METRIC_COUNTER,
                            "SQS messages handed back to the queue after a failure");
  thumbing_metrics_declare (metrics, EXTENSIONS, THUMBING_METRIC_COUNTER,
                            "Visibility extensions of messages still being processed");
  thumbing_metrics_declare (metrics, DEPTH, THUMBING_METRIC_GAUGE,
                            "Messages in the queue by state (visible, in_flight), as SQS approximates them");
  thumbing_metrics_declare (metrics, DLQ_DEPTH, THUMBING_METRIC_GAUGE,
                            "Messages in the dead-letter queue the redrive policy names");
  thumbing_metrics_declare (metrics, OLDEST, THUMBING_METRIC_GAUGE,
                            "Age when received of the oldest message this worker received in the last interval");
  sqs_call_for_depth (self);
  self->depth_timer = thumbing_element_timeout_add_seconds (THUMBING_ELEMENT (self), DEPTH_INTERVAL_SECONDS,
                                                            poll_depth, self);
}

static void
count (ThumbingSqsSource *self,
       const char        *name,
       double             amount)
{
  if (self->metrics != NULL && amount > 0)
    thumbing_metrics_add (self->metrics, name, self->queue_label, amount);
}

static gboolean
thumbing_sqs_source_start (ThumbingElement *element,
                           GError         **error)
{
  ThumbingSqsSource *self = THUMBING_SQS_SOURCE (element);
  g_autoptr(GUri) uri = g_uri_parse (self->queue_url, G_URI_FLAGS_NONE, NULL);
  g_autofree char *origin = NULL;
  g_autofree char *region = g_strdup (self->region);
  const char *host = g_uri_get_host (uri);

  if (g_uri_get_port (uri) > 0)
    origin = g_strdup_printf ("%s://%s:%d", g_uri_get_scheme (uri), host, g_uri_get_port (uri));
  else
    origin = g_strdup_printf ("%s://%s", g_uri_get_scheme (uri), host);
  if ((region == NULL || *region == '\0') && g_str_has_prefix (host, "sqs.") && strstr (host, ".amazonaws.com") != NULL)
    {
      g_free (region);
      region = g_strndup (host + 4, strstr (host, ".amazonaws.com") - (host + 4));
    }

  self->client = thumbing_aws_element_make_client ("sqs", self->endpoint != NULL ? self->endpoint : origin,
                                                   region, error);
  if (self->client == NULL)
    return FALSE;
  thumbing_aws_client_set_retry_func (self->client, (ThumbingAwsRetryFunc) thumbing_element_count_retry, self);
  self->cancellable = g_cancellable_new ();
  self->messages = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, message_free);
  self->ready_to_delete = g_ptr_array_new ();
  self->drained = FALSE;
  start_metrics (self);
  return TRUE;
}

static void
thumbing_sqs_source_stop (ThumbingElement *element)
{
  ThumbingSqsSource *self = THUMBING_SQS_SOURCE (element);

  g_cancellable_cancel (self->cancellable);
  thumbing_element_source_remove (THUMBING_ELEMENT (self), self->heartbeat);
  thumbing_element_source_remove (THUMBING_ELEMENT (self), self->retry_timer);
  thumbing_element_source_remove (THUMBING_ELEMENT (self), self->depth_timer);
  self->heartbeat = self->retry_timer = self->depth_timer = 0;
  g_clear_object (&self->metrics);
  THUMBING_ELEMENT_CLASS (thumbing_sqs_source_parent_class)->stop (element);
}

typedef void (*Reply) (ThumbingSqsSource *self, JsonObject *reply, const GError *error, gpointer data);

typedef struct
{
  ThumbingSqsSource *self;
  Reply              reply;
  gpointer           data;
  GDestroyNotify     destroy;
  gboolean           held;
} Call;

static void
on_call_done (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  Call *call = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(ThumbingAwsResponse) response = thumbing_aws_client_send_finish (NULL, result, &error);
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonObject *reply = NULL;

  if (response != NULL)
    {
      gsize length = 0;
      const char *data = g_bytes_get_data (response->body, &length);

      if (length == 0)
        reply = json_object_new ();
      else if (json_parser_load_from_data (parser, data, length, &error)
               && thumbing_json_root_object (parser) != NULL)
        reply = json_object_ref (thumbing_json_root_object (parser));
      else if (error == NULL)
        g_set_error (&error, THUMBING_ERROR, THUMBING_ERROR_FAILED, _("SQS answered something other than a JSON object"));
    }

  if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    call->reply (call->self, reply, error, call->data);
  if (reply != NULL)
    json_object_unref (reply);
  if (call->destroy != NULL)
    call->destroy (call->data);
  if (call->held)
    thumbing_source_release (THUMBING_SOURCE (call->self));
  g_object_unref (call->self);
  g_free (call);
}

/* Calls SQS's JSON protocol. A held call keeps the pipeline from finishing
 * until it completes: deletes and visibility changes must not be lost. */
static void
sqs_call (ThumbingSqsSource *self,
          const char        *operation,
          JsonBuilder       *body,
          gboolean           hold,
          GCancellable      *cancellable,
          Reply              reply,
          gpointer           data,
          GDestroyNotify     destroy)
{
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonNode) root = json_builder_get_root (body);
  g_autofree char *target = g_strdup_printf ("AmazonSQS.%s", operation);
  gsize length = 0;
  char *text;
  ThumbingAwsRequest *request = thumbing_aws_request_new ("POST", "", "/");
  Call *call = g_new0 (Call, 1);

  json_generator_set_root (generator, root);
  text = json_generator_to_data (generator, &length);
  thumbing_aws_request_add_header (request, "Content-Type", "application/x-amz-json-1.0");
  thumbing_aws_request_add_header (request, "X-Amz-Target", target);
  request->body = g_bytes_new_take (text, length);

  call->self = g_object_ref (self);
  call->reply = reply;
  call->data = data;
  call->destroy = destroy;
  call->held = hold;
  if (hold)
    thumbing_source_hold (THUMBING_SOURCE (self));
  thumbing_aws_client_send_async (self->client, request, cancellable, on_call_done, call);
}

static JsonBuilder *
body_for_queue (const char *url)
{
  JsonBuilder *builder = json_builder_new ();

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "QueueUrl");
  json_builder_add_string_value (builder, url);
  return builder;
}

static JsonBuilder *
queue_body (ThumbingSqsSource *self)
{
  return body_for_queue (self->queue_url);
}

static void maybe_receive (ThumbingSqsSource *self);
static void maybe_end (ThumbingSqsSource *self);

static void
on_dlq_depth (ThumbingSqsSource *self,
              JsonObject        *reply,
              const GError      *error,
              gpointer           data)
{
  JsonObject *attributes = error == NULL ? thumbing_json_member_object (reply, "Attributes") : NULL;

  if (attributes != NULL && self->metrics != NULL)
    thumbing_metrics_set (self->metrics, DLQ_DEPTH, self->queue_label,
                          g_ascii_strtod (json_object_get_string_member_with_default (attributes,
                                            "ApproximateNumberOfMessages", "0"), NULL));
}

static void
ask_dlq_depth (ThumbingSqsSource *self)
{
  g_autoptr(JsonBuilder) body = body_for_queue (self->dlq_url);

  json_builder_set_member_name (body, "AttributeNames");
  json_builder_begin_array (body);
  json_builder_add_string_value (body, "ApproximateNumberOfMessages");
  json_builder_end_array (body);
  json_builder_end_object (body);
  sqs_call (self, "GetQueueAttributes", body, FALSE, self->cancellable, on_dlq_depth, NULL, NULL);
}

static void
on_dlq_url (ThumbingSqsSource *self,
            JsonObject        *reply,
            const GError      *error,
            gpointer           data)
{
  if (error != NULL)
    {
      thumbing_element_warn (THUMBING_ELEMENT (self), _("cannot find the dead-letter queue for the metrics: %s"),
                             error->message);
      return;
    }
  self->dlq_url = g_strdup (json_object_get_string_member_with_default (reply, "QueueUrl", NULL));
  if (self->dlq_url != NULL)
    ask_dlq_depth (self);
}

/* The redrive policy names the dead-letter queue by ARN
 * (arn:aws:sqs:REGION:ACCOUNT:NAME); its URL comes from GetQueueUrl. */
static void
find_dlq (ThumbingSqsSource *self,
          const char        *redrive_policy)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(JsonBuilder) body = json_builder_new ();
  g_auto(GStrv) arn = NULL;
  const char *target;

  self->dlq_asked = TRUE;
  if (!json_parser_load_from_data (parser, redrive_policy, -1, NULL) || thumbing_json_root_object (parser) == NULL)
    return;
  target = thumbing_json_member_string (thumbing_json_root_object (parser), "deadLetterTargetArn");
  arn = target != NULL ? g_strsplit (target, ":", 6) : NULL;
  if (arn == NULL || g_strv_length (arn) != 6)
    return;
  json_builder_begin_object (body);
  json_builder_set_member_name (body, "QueueName");
  json_builder_add_string_value (body, arn[5]);
  json_builder_set_member_name (body, "QueueOwnerAWSAccountId");
  json_builder_add_string_value (body, arn[4]);
  json_builder_end_object (body);
  sqs_call (self, "GetQueueUrl", body, FALSE, self->cancellable, on_dlq_url, NULL, NULL);
}

static void
on_depth (ThumbingSqsSource *self,
          JsonObject        *reply,
          const GError      *error,
          gpointer           data)
{
  JsonObject *attributes;

  if (error != NULL || self->metrics == NULL)
    return;
  attributes = thumbing_json_member_object (reply, "Attributes");
  if (attributes == NULL)
    return;
  thumbing_metrics_set (self->metrics, DEPTH, self->visible_label,
                        g_ascii_strtod (json_object_get_string_member_with_default (attributes,
                                          "ApproximateNumberOfMessages", "0"), NULL));
  thumbing_metrics_set (self->metrics, DEPTH, self->in_flight_label,
                        g_ascii_strtod (json_object_get_string_member_with_default (attributes,
                                          "ApproximateNumberOfMessagesNotVisible", "0"), NULL));
  thumbing_metrics_set (self->metrics, OLDEST, self->queue_label, self->oldest_seen);
  self->oldest_seen = 0;
  if (!self->dlq_asked && json_object_has_member (attributes, "RedrivePolicy"))
    find_dlq (self, json_object_get_string_member_with_default (attributes, "RedrivePolicy", ""));
  else if (self->dlq_url != NULL)
    ask_dlq_depth (self);
}

static void
sqs_call_for_depth (ThumbingSqsSource *self)
{
  g_autoptr(JsonBuilder) body = queue_body (self);

  json_builder_set_member_name (body, "AttributeNames");
  json_builder_begin_array (body);
  json_builder_add_string_value (body, "ApproximateNumberOfMessages");
  json_builder_add_string_value (body, "ApproximateNumberOfMessagesNotVisible");
  json_builder_add_string_value (body, "RedrivePolicy");
  json_builder_end_array (body);
  json_builder_end_object (body);
  sqs_call (self, "GetQueueAttributes", body, FALSE, self->cancellable, on_depth, NULL, NULL);
}

static void
on_visibility_changed (ThumbingSqsSource *self,
                       JsonObject        *reply,
                       const GError      *error,
                       gpointer           data)
{
  gboolean hand_back = GPOINTER_TO_INT (data);

  if (error != NULL)
    thumbing_element_warn (THUMBING_ELEMENT (self), _("could not change a message's visibility: %s"), error->message);
  if (hand_back)
    {
      /* The message may be visible again: look before calling the queue drained. */
      self->handing_back--;
      if (self->receiving)
        self->handed_back_while_receiving = TRUE;
      maybe_receive (self);
      maybe_end (self);
    }
}

/* A hand-back (@hold) is a failed message returned to the queue; other
 * changes extend the visibility of messages still being processed. */
static void
change_visibility (ThumbingSqsSource *self,
                   Message           *message,
                   guint              seconds,
                   gboolean           hold)
{
  g_autoptr(JsonBuilder) body = queue_body (self);

  json_builder_set_member_name (body, "ReceiptHandle");
  json_builder_add_string_value (body, message->receipt_handle);
  json_builder_set_member_name (body, "VisibilityTimeout");
  json_builder_add_int_value (body, MIN (seconds, MAX_VISIBILITY));
  json_builder_end_object (body);
  if (hold)
    self->handing_back++;
  count (self, hold ? RETURNED : EXTENSIONS, 1);
  sqs_call (self, "ChangeMessageVisibility", body, hold, NULL, on_visibility_changed, GINT_TO_POINTER (hold), NULL);
}

static void
on_deleted (ThumbingSqsSource *self,
            JsonObject        *reply,
            const GError      *error,
            gpointer           data)
{
  if (error != NULL)
    thumbing_element_warn (THUMBING_ELEMENT (self),
                           _("could not delete processed messages; they will be processed again: %s"),
                           error->message);
  else if (json_object_has_member (reply, "Failed")
           && json_array_get_length (json_object_get_array_member (reply, "Failed")) > 0)
    thumbing_element_warn (THUMBING_ELEMENT (self),
                           _("SQS refused to delete %u processed messages; they will be processed again"),
                           json_array_get_length (json_object_get_array_member (reply, "Failed")));
  if (error == NULL && json_object_has_member (reply, "Successful"))
    count (self, DELETED, json_array_get_length (json_object_get_array_member (reply, "Successful")));
  maybe_end (self);
}

/* Deletes succeeded messages ten at a time, from an idle, so the acks of
 * one batch of items share requests. */
static gboolean
flush_deletes (gpointer data)
{
  ThumbingSqsSource *self = data;

  self->delete_idle = 0;
  while (self->ready_to_delete->len > 0)
    {
      g_autoptr(JsonBuilder) body = queue_body (self);
      guint n = MIN (self->ready_to_delete->len, MAX_BATCH);

      json_builder_set_member_name (body, "Entries");
      json_builder_begin_array (body);
      for (guint i = 0; i < n; i++)
        {
          Message *message = self->ready_to_delete->pdata[i];
          g_autofree char *id = g_strdup_printf ("%u", i);

          json_builder_begin_object (body);
          json_builder_set_member_name (body, "Id");
          json_builder_add_string_value (body, id);
          json_builder_set_member_name (body, "ReceiptHandle");
          json_builder_add_string_value (body, message->receipt_handle);
          json_builder_end_object (body);
          g_hash_table_remove (self->messages, message->id);
        }
      json_builder_end_array (body);
      json_builder_end_object (body);
      g_ptr_array_remove_range (self->ready_to_delete, 0, n);
      sqs_call (self, "DeleteMessageBatch", body, TRUE, NULL, on_deleted, NULL, NULL);
    }
  thumbing_source_release (THUMBING_SOURCE (self));
  return G_SOURCE_REMOVE;
}

/* Exponential backoff on the receive count, so the queue's redrive policy
 * moves a message that keeps failing to its dead-letter queue. */
static guint
backoff_seconds (ThumbingSqsSource *self,
                 Message           *message)
{
  guint shift = MIN (message->receive_count > 0 ? message->receive_count - 1 : 0, 15u);

  return (guint) MIN ((guint64) self->retry_delay << shift, (guint64) MAX_VISIBILITY);
}

static void
message_settled (ThumbingSqsSource *self,
                 Message           *message)
{
  if (message->outstanding > 0)
    return;
  if (message->failed)
    {
      change_visibility (self, message, backoff_seconds (self, message), TRUE);
      g_hash_table_remove (self->messages, message->id);
      maybe_end (self);
      return;
    }
  g_ptr_array_add (self->ready_to_delete, message);
  if (self->delete_idle == 0)
    {
      thumbing_source_hold (THUMBING_SOURCE (self));
      self->delete_idle = thumbing_element_idle_add (THUMBING_ELEMENT (self), flush_deletes, self);
    }
}

static ThumbingItem *
item_for_record (ThumbingSqsSource *self,
                 Message           *message,
                 ThumbingS3Record  *record)
{
  ThumbingItem *item =
    thumbing_s3_notification_source_item_for_record (THUMBING_S3_NOTIFICATION_SOURCE (self), record);

  thumbing_item_set_metadata (item, METADATA_MESSAGE_ID, message->id);
  thumbing_item_set_metadata (item, THUMBING_METADATA_SOURCE_ID, message->id);
  if (message->trace_header != NULL)
    thumbing_item_set_metadata (item, THUMBING_METADATA_TRACE_HEADER, message->trace_header);
  return item;
}

static void
take_message (ThumbingSqsSource *self,
              JsonObject        *json)
{
  const char *id = json_object_get_string_member_with_default (json, "MessageId", NULL);
  const char *handle = json_object_get_string_member_with_default (json, "ReceiptHandle", NULL);
  const char *body = json_object_get_string_member_with_default (json, "Body", "");
  JsonObject *attributes = json_object_get_object_member (json, "Attributes");
  g_autoptr(GPtrArray) records = NULL;
  g_autoptr(GError) error = NULL;
  gboolean test_event = FALSE;
  Message *message;

  if (id == NULL || handle == NULL)
    {
      /* Nothing to delete it by: it comes back after its visibility timeout. */
      thumbing_element_warn (THUMBING_ELEMENT (self), _("a received message has no MessageId or ReceiptHandle; it is left in the queue"));
      return;
    }
  if (g_hash_table_contains (self->messages, id))
    return;
  message = g_new0 (Message, 1);
  message->id = g_strdup (id);
  message->receipt_handle = g_strdup (handle);
  if (attributes != NULL)
    {
      const char *sent = json_object_get_string_member_with_default (attributes, "SentTimestamp", NULL);

      message->trace_header = g_strdup (json_object_get_string_member_with_default (attributes, "AWSTraceHeader",
                                                                                    NULL));

      message->receive_count = g_ascii_strtoull (json_object_get_string_member_with_default (attributes,
                                                   "ApproximateReceiveCount", "1"), NULL, 10);
      if (sent != NULL)
        self->oldest_seen = MAX (self->oldest_seen,
                                 (g_get_real_time () / 1000 - (gint64) g_ascii_strtoll (sent, NULL, 10)) / 1000.0);
    }
  g_hash_table_insert (self->messages, message->id, message);
  count (self, RECEIVED, 1);

  records = thumbing_s3_event_parse (body, TRUE, &test_event, &error);
  if (records == NULL)
    {
      /* Never deleted silently: it comes back, then goes to the dead-letter queue. */
      thumbing_element_warn (THUMBING_ELEMENT (self),
                             _("message %s is not an S3 event notification (%s); it is left for the dead-letter queue"),
                             id, error->message);
      message->failed = TRUE;
      message_settled (self, message);
      return;
    }

  for (guint i = 0; i < records->len; i++)
    if (thumbing_s3_notification_source_wants (THUMBING_S3_NOTIFICATION_SOURCE (self), records->pdata[i]))
      {
        thumbing_s3_notification_source_queue (THUMBING_S3_NOTIFICATION_SOURCE (self),
                                               item_for_record (self, message, records->pdata[i]));
        message->outstanding++;
      }
  /* A test event, or records no one asked for: done with at once. */
  message_settled (self, message);
}

static gboolean
retry_receive (gpointer data)
{
  ThumbingSqsSource *self = data;

  self->retry_timer = 0;
  maybe_receive (self);
  return G_SOURCE_REMOVE;
}

static void
on_received (ThumbingSqsSource *self,
             JsonObject        *reply,
             const GError      *error,
             gpointer           data)
{
  JsonArray *messages;
  guint n;
  gboolean stale = self->handed_back_while_receiving;

  self->receiving = FALSE;
  self->handed_back_while_receiving = FALSE;
  if (error != NULL)
    {
      if (g_error_matches (error, THUMBING_AWS_ERROR, THUMBING_AWS_ERROR_NOT_FOUND)
          || g_error_matches (error, THUMBING_AWS_ERROR, THUMBING_AWS_ERROR_ACCESS_DENIED)
          || g_error_matches (error, THUMBING_AWS_ERROR, THUMBING_AWS_ERROR_INVALID))
        {
          g_autoptr(GError) fatal = g_error_new (THUMBING_ERROR, THUMBING_ERROR_CONFIG, "%s: %s",
                                                 self->queue_url, error->message);
          thumbing_source_fail (THUMBING_SOURCE (self), fatal);
          return;
        }
      /* An outage outlasted the client's retries: keep polling, slowly,
       * and tell readiness probes. */
      thumbing_source_set_connected (THUMBING_SOURCE (self), FALSE);
      thumbing_element_warn (THUMBING_ELEMENT (self), _("receiving from %s failed; trying again in %u s: %s"),
                             self->queue_url, RECEIVE_RETRY_SECONDS, error->message);
      self->retry_timer = thumbing_element_timeout_add_seconds (THUMBING_ELEMENT (self), RECEIVE_RETRY_SECONDS, retry_receive, self);
      return;
    }

  thumbing_source_set_connected (THUMBING_SOURCE (self), TRUE);
  messages = json_object_has_member (reply, "Messages") ? json_object_get_array_member (reply, "Messages") : NULL;
  n = messages != NULL ? json_array_get_length (messages) : 0;
  for (guint i = 0; i < n; i++)
    if (JSON_NODE_HOLDS_OBJECT (json_array_get_element (messages, i)))
      take_message (self, json_array_get_object_element (messages, i));

  if (n == 0 && thumbing_source_get_once (THUMBING_SOURCE (self)))
    {
      /* Empty: drained, unless a hand-back may make a message visible again;
       * its completion looks once more. */
      if (self->handing_back > 0)
        return;
      /* An answer sent before a hand-back finished proves nothing. */
      if (!stale)
        self->drained = TRUE;
    }
  thumbing_s3_notification_source_push_queued (THUMBING_S3_NOTIFICATION_SOURCE (self));
  maybe_end (self);
  maybe_receive (self);
}

static void
maybe_receive (ThumbingSqsSource *self)
{
  g_autoptr(JsonBuilder) body = NULL;
  guint credit = thumbing_s3_notification_source_get_credit (THUMBING_S3_NOTIFICATION_SOURCE (self));
  guint queued = thumbing_s3_notification_source_get_n_queued (THUMBING_S3_NOTIFICATION_SOURCE (self));
  guint wanted;

  if (self->receiving || self->retry_timer != 0 || self->drained || self->client == NULL || g_cancellable_is_cancelled (self->cancellable))
    return;
  if (credit <= queued)
    return;
  wanted = MIN (MIN (self->batch_size, MAX_BATCH), credit - queued);

  body = queue_body (self);
  json_builder_set_member_name (body, "MaxNumberOfMessages");
  json_builder_add_int_value (body, wanted);
  json_builder_set_member_name (body, "WaitTimeSeconds");
  json_builder_add_int_value (body, thumbing_source_get_once (THUMBING_SOURCE (self)) ? 0 : self->wait_time);
  json_builder_set_member_name (body, "VisibilityTimeout");
  json_builder_add_int_value (body, self->visibility_timeout);
  json_builder_set_member_name (body, "MessageSystemAttributeNames");
  json_builder_begin_array (body);
  json_builder_add_string_value (body, "ApproximateReceiveCount");
  json_builder_add_string_value (body, "SentTimestamp");
  json_builder_add_string_value (body, "AWSTraceHeader");
  json_builder_end_array (body);
  json_builder_set_member_name (body, "AttributeNames");
  json_builder_begin_array (body);
  json_builder_add_string_value (body, "ApproximateReceiveCount");
  json_builder_add_string_value (body, "SentTimestamp");
  json_builder_end_array (body);
  json_builder_end_object (body);

  self->receiving = TRUE;
  sqs_call (self, "ReceiveMessage", body, FALSE, self->cancellable, on_received, NULL, NULL);
}

/* With --once, the source ends when the queue came back empty and every
 * message it took has been deleted or handed back. */
static void
maybe_end (ThumbingSqsSource *self)
{
  if (self->drained && self->handing_back == 0
      && thumbing_s3_notification_source_get_n_queued (THUMBING_S3_NOTIFICATION_SOURCE (self)) == 0
      && g_hash_table_size (self->messages) == 0)
    thumbing_source_end (THUMBING_SOURCE (self));
}

/* Items still being processed keep their messages invisible. */
static gboolean
extend_visibility (gpointer data)
{
  ThumbingSqsSource *self = data;
  GHashTableIter iter;
  gpointer value;

  g_hash_table_iter_init (&iter, self->messages);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    if (((Message *) value)->outstanding > 0)
      change_visibility (self, value, self->visibility_timeout, FALSE);
  return G_SOURCE_CONTINUE;
}

static void
thumbing_sqs_source_request (ThumbingSource *source,
                             guint           n_items)
{
  ThumbingSqsSource *self = THUMBING_SQS_SOURCE (source);

  THUMBING_SOURCE_CLASS (thumbing_sqs_source_parent_class)->request (source, n_items);
  if (self->heartbeat == 0)
    self->heartbeat = thumbing_element_timeout_add_seconds (THUMBING_ELEMENT (self), MAX (1, self->visibility_timeout / 2),
                                                            extend_visibility, self);
  maybe_receive (self);
}

static Message *
message_of (ThumbingSqsSource *self,
            ThumbingItem      *item)
{
  const char *id = thumbing_item_get_metadata (item, METADATA_MESSAGE_ID);

  return id != NULL ? g_hash_table_lookup (self->messages, id) : NULL;
}

static void
thumbing_sqs_source_ack (ThumbingSource *source,
                         ThumbingItem   *item)
{
  ThumbingSqsSource *self = THUMBING_SQS_SOURCE (source);
  Message *message = message_of (self, item);

  if (message == NULL)
    return;
  message->outstanding--;
  message_settled (self, message);
}

static void
thumbing_sqs_source_nack (ThumbingSource *source,
                          ThumbingItem   *item,
                          const GError   *error)
{
  ThumbingSqsSource *self = THUMBING_SQS_SOURCE (source);
  Message *message = message_of (self, item);

  if (message == NULL)
    return;
  message->failed = TRUE;
  message->outstanding--;
  message_settled (self, message);
}

static void
thumbing_sqs_source_class_init (ThumbingSqsSourceClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  ThumbingElementClass *element_class = THUMBING_ELEMENT_CLASS (klass);
  ThumbingSourceClass *source_class = THUMBING_SOURCE_CLASS (klass);
  GParamFlags rw = G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS;

  object_class->finalize = thumbing_sqs_source_finalize;
  element_class->check = thumbing_sqs_source_check;
  element_class->start = thumbing_sqs_source_start;
  element_class->stop = thumbing_sqs_source_stop;
  source_class->request = thumbing_sqs_source_request;
  source_class->ack = thumbing_sqs_source_ack;
  source_class->nack = thumbing_sqs_source_nack;

  thumbing_element_class_set_metadata (element_class, "sqs-source",
                                       _("Takes S3 event notifications from an SQS queue, sent by S3 directly or through SNS"));
  thumbing_element_class_set_metadata_keys (element_class, NULL, METADATA_MESSAGE_ID ";" THUMBING_METADATA_SOURCE_ID ";"
                                            THUMBING_METADATA_TRACE_HEADER);
  thumbing_element_class_set_media (element_class, NULL, THUMBING_MEDIA_S3_OBJECT);
  thumbing_element_class_set_permissions (element_class,
                                          "sqs:ReceiveMessage;sqs:DeleteMessage;sqs:ChangeMessageVisibility;"
                                          "sqs:GetQueueAttributes;sqs:GetQueueUrl");

  THUMBING_ELEMENT_FIELD (klass, ThumbingSqsSource, queue_url,
    g_param_spec_string ("queue-url", NULL, _("The queue, as https://sqs.REGION.amazonaws.com/ACCOUNT/NAME"),
                         NULL, rw | THUMBING_PARAM_REQUIRED));
  THUMBING_ELEMENT_FIELD (klass, ThumbingSqsSource, endpoint,
    g_param_spec_string ("endpoint", NULL, _("SQS endpoint URL (default: the queue URL’s); AWS_ENDPOINT_URL_SQS and AWS_ENDPOINT_URL come first"),
                         NULL, rw));
  THUMBING_ELEMENT_FIELD (klass, ThumbingSqsSource, region,
    g_param_spec_string ("region", NULL, _("AWS region (default: the queue URL’s, or AWS_REGION)"), NULL, rw));
  THUMBING_ELEMENT_FIELD (klass, ThumbingSqsSource, wait_time,
    g_param_spec_uint ("wait-time", NULL, _("Long polling: seconds a receive waits for messages"),
                       0, 20, 20, rw | G_PARAM_CONSTRUCT));
  THUMBING_ELEMENT_FIELD (klass, ThumbingSqsSource, visibility_timeout,
    g_param_spec_uint ("visibility-timeout", NULL, _("Seconds a taken message stays hidden; extended while its items are processed"),
                       1, MAX_VISIBILITY, 120, rw | G_PARAM_CONSTRUCT));
  THUMBING_ELEMENT_FIELD (klass, ThumbingSqsSource, batch_size,
    g_param_spec_uint ("batch-size", NULL, _("Messages per receive"), 1, MAX_BATCH, MAX_BATCH, rw | G_PARAM_CONSTRUCT));
  THUMBING_ELEMENT_FIELD (klass, ThumbingSqsSource, retry_delay,
    g_param_spec_uint ("retry-delay", NULL, _("Seconds before a failed message is retried, doubled on each receive"),
                       0, MAX_VISIBILITY, 30, rw | G_PARAM_CONSTRUCT));
}

static void
thumbing_sqs_source_init (ThumbingSqsSource *self)
{
}
