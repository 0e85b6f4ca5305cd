/* thumbing-s3-event-source.c: S3 event notifications pushed over HTTP
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Two kinds of sender POST here: S3-compatible stores' webhook targets
 * (MinIO, Ceph RGW, Garage), whose bare S3 event JSON is trusted through a
 * bearer token, and SNS HTTP(S) subscriptions, whose messages are trusted
 * through their signature. A request is answered only once its items
 * settle: 200 when every one succeeded, 500 otherwise, so the sender's own
 * retries stand in for a queue.
 */
#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>
#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

#include "thumbing-aws-metadata.h"
#include "thumbing-http-server.h"
#include "thumbing-http-util.h"
#include "thumbing-s3-event-source.h"
#include "thumbing-sns-message.h"

#define SNS_TYPE_HEADER "x-amz-sns-message-type"
#define RETRY_AFTER_SECONDS "5"

struct _ThumbingS3EventSource
{
  ThumbingS3NotificationSource parent_instance;

  char        *address;
  guint        port;
  char        *path;
  char        *token;
  gboolean     allow_unauthenticated;
  char       **topic_arns;
  char        *trust_certificate_url;
  char        *ca_file;
  guint        max_body;
  guint        max_pending;
  guint        replay_window;

  ThumbingHttpServer *server;
  SoupSession *session;
  GHashTable  *certificates;   /* URL → GBytes of PEM */
  GHashTable  *pending;        /* ThumbingItem → Request, pushed or waiting */
  GHashTable  *requests;       /* Request set: answered at stop if still open */
  GHashTable  *seen;           /* SNS MessageId → its arrival (monotonic µs) */
  GQueue       seen_order;     /* the same ids, oldest first, for pruning */
};

G_DEFINE_FINAL_TYPE (ThumbingS3EventSource, thumbing_s3_event_source, THUMBING_TYPE_S3_NOTIFICATION_SOURCE)

/* One POST waiting for its items, or for a certificate to verify it. */
typedef struct
{
  ThumbingS3EventSource *self;
  ThumbingHttpExchange  *exchange;
  char                  *peer;
  char                  *message_id;  /* an SNS Notification's, remembered while it is taken */
  guint                  outstanding;
  gboolean               failed;
} Request;

static gboolean
thumbing_s3_event_source_check (ThumbingElement *element,
                                GError         **error)
{
  ThumbingS3EventSource *self = THUMBING_S3_EVENT_SOURCE (element);
  g_autoptr(GInetAddress) address = g_inet_address_new_from_string (self->address);

  if (address == NULL)
    {
      g_set_error (error, THUMBING_ERROR, THUMBING_ERROR_INVALID_VALUE,
                   _("address: “%s” is not an IP address"), self->address);
      return FALSE;
    }
  if (self->path[0] != '/')
    {
      g_set_error (error, THUMBING_ERROR, THUMBING_ERROR_INVALID_VALUE, _("path: “%s” does not start with /"),
                   self->path);
      return FALSE;
    }
  if ((self->token == NULL || *self->token == '\0') && !self->allow_unauthenticated
      && (self->topic_arns == NULL || self->topic_arns[0] == NULL))
    {
      g_set_error (error, THUMBING_ERROR, THUMBING_ERROR_CONFIG,
                   _("nothing could send events: set token (S3-compatible stores), topic-arns (SNS) or both"));
      return FALSE;
    }
  return TRUE;
}

static void
request_free (Request *request)
{
  thumbing_http_exchange_unref (request->exchange);
  g_free (request->peer);
  g_free (request->message_id);
  g_free (request);
}

static void
respond (Request    *request,
         guint       status,
         const char *problem)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, problem != NULL ? "error" : "status");
  json_builder_add_string_value (builder, problem != NULL ? problem : "accepted");
  json_builder_end_object (builder);
  if (status == SOUP_STATUS_SERVICE_UNAVAILABLE)
    thumbing_http_exchange_set_header (request->exchange, "Retry-After", RETRY_AFTER_SECONDS);
  thumbing_http_exchange_respond_json (request->exchange, status, builder);
}

/* Answers and forgets @request; refusals are logged with who sent them. */
static void
finish (Request    *request,
        guint       status,
        const char *problem)
{
  ThumbingS3EventSource *self = request->self;

  if (problem != NULL && status < 500)
    thumbing_element_warn (THUMBING_ELEMENT (self), _("refused a request from %s: %s"), request->peer, problem);
  /* A failed notification may be sent again, and must then be taken. */
  if (request->message_id != NULL && !SOUP_STATUS_IS_SUCCESSFUL (status))
    g_hash_table_remove (self->seen, request->message_id);
  respond (request, status, problem);
  thumbing_http_exchange_finish (request->exchange);
  g_hash_table_remove (self->requests, request);
}

static void
take_event (Request    *request,
            const char *body)
{
  ThumbingS3EventSource *self = request->self;
  ThumbingS3NotificationSource *source = THUMBING_S3_NOTIFICATION_SOURCE (self);
  g_autoptr(GPtrArray) records = NULL;
  g_autoptr(GError) error = NULL;
  gboolean test_event = FALSE;
  guint wanted = 0;

  records = thumbing_s3_event_parse (body, FALSE, &test_event, &error);
  if (records == NULL)
    {
      finish (request, SOUP_STATUS_BAD_REQUEST, error->message);
      return;
    }
  for (guint i = 0; i < records->len; i++)
    wanted += thumbing_s3_notification_source_wants (source, records->pdata[i]);
  if (wanted == 0)
    {
      finish (request, SOUP_STATUS_OK, NULL);
      return;
    }
  if (thumbing_s3_notification_source_get_n_queued (source) + wanted > self->max_pending)
    {
      finish (request, SOUP_STATUS_SERVICE_UNAVAILABLE, _("too many events waiting; try again later"));
      return;
    }
  for (guint i = 0; i < records->len; i++)
    if (thumbing_s3_notification_source_wants (source, records->pdata[i]))
      {
        ThumbingItem *item = thumbing_s3_notification_source_item_for_record (source, records->pdata[i]);

        g_hash_table_insert (self->pending, thumbing_item_ref (item), request);
        thumbing_s3_notification_source_queue (source, item);
        request->outstanding++;
      }
  thumbing_s3_notification_source_push_queued (source);
}

static gboolean
topic_configured (ThumbingS3EventSource *self,
                  const char            *topic_arn)
{
  return self->topic_arns != NULL && g_strv_contains ((const char * const *) self->topic_arns, topic_arn);
}

/* AWS's own hosts, or, for tests, URLs under trust-certificate-url. */
static gboolean
url_trusted (ThumbingS3EventSource *self,
             const char            *url)
{
  if (self->trust_certificate_url != NULL && *self->trust_certificate_url != '\0')
    return g_str_has_prefix (url, self->trust_certificate_url);
  return thumbing_sns_url_is_aws (url);
}

typedef struct
{
  Request            *request;
  ThumbingSnsMessage *message;
  char               *url;
} Fetch;

static void
fetch_free (Fetch *fetch)
{
  thumbing_sns_message_free (fetch->message);
  g_free (fetch->url);
  g_free (fetch);
}

static void
on_confirmed (GObject      *object,
              GAsyncResult *result,
              gpointer      data)
{
  Fetch *fetch = data;
  SoupMessage *message = soup_session_get_async_result_message (SOUP_SESSION (object), result);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) reply = soup_session_send_and_read_finish (SOUP_SESSION (object), result, &error);

  if (reply != NULL && SOUP_STATUS_IS_SUCCESSFUL (soup_message_get_status (message)))
    {
      g_message (_("%s: subscribed to %s"), thumbing_element_get_name (THUMBING_ELEMENT (fetch->request->self)),
                 fetch->message->topic_arn);
      finish (fetch->request, SOUP_STATUS_OK, NULL);
    }
  else
    {
      g_autofree char *problem = g_strdup_printf (_("confirming the subscription to %s failed: %s"),
                                                  fetch->message->topic_arn,
                                                  error != NULL ? error->message : soup_message_get_reason_phrase (message));

      thumbing_element_warn (THUMBING_ELEMENT (fetch->request->self), "%s", problem);
      finish (fetch->request, SOUP_STATUS_BAD_GATEWAY, problem);
    }
  fetch_free (fetch);
}

static void
act_on (Fetch *fetch)
{
  ThumbingS3EventSource *self = fetch->request->self;
  ThumbingSnsMessage *message = fetch->message;

  if (strcmp (message->type, "Notification") == 0)
    take_event (fetch->request, message->message);
  else if (strcmp (message->type, "UnsubscribeConfirmation") == 0)
    {
      g_message (_("%s: unsubscribed from %s"), thumbing_element_get_name (THUMBING_ELEMENT (self)), message->topic_arn);
      finish (fetch->request, SOUP_STATUS_OK, NULL);
    }
  else if (!url_trusted (self, message->subscribe_url))
    finish (fetch->request, SOUP_STATUS_FORBIDDEN, _("SubscribeURL is not an https URL of SNS"));
  else
    {
      g_autoptr(SoupMessage) confirm = soup_message_new (SOUP_METHOD_GET, message->subscribe_url);

      if (confirm == NULL)
        finish (fetch->request, SOUP_STATUS_BAD_REQUEST, _("SubscribeURL is not a URL"));
      else
        {
          soup_session_send_and_read_async (self->session, confirm, G_PRIORITY_DEFAULT, NULL, on_confirmed,
                                            g_steal_pointer (&fetch));
          return;
        }
    }
  fetch_free (fetch);
}

static void
forget_old_messages (ThumbingS3EventSource *self,
                     gint64                 now)
{
  gint64 horizon = now - (gint64) self->replay_window * G_USEC_PER_SEC;

  while (!g_queue_is_empty (&self->seen_order))
    {
      const char *id = g_queue_peek_head (&self->seen_order);
      gint64 *arrived = g_hash_table_lookup (self->seen, id);

      if (arrived != NULL && *arrived > horizon)
        break;
      g_hash_table_remove (self->seen, id);
      g_free (g_queue_pop_head (&self->seen_order));
    }
}

/* A signed message is only as fresh as its Timestamp: one from outside the
 * window, or a MessageId already taken within it, is a replay. */
static gboolean
check_replay (Fetch   *fetch,
              GError **error)
{
  ThumbingS3EventSource *self = fetch->request->self;
  ThumbingSnsMessage *message = fetch->message;
  g_autoptr(GDateTime) sent = g_date_time_new_from_iso8601 (message->timestamp, NULL);
  gint64 now = g_get_monotonic_time ();
  gint64 age;
  gint64 *arrived;

  if (sent == NULL)
    {
      g_set_error (error, THUMBING_ERROR, THUMBING_ERROR_INVALID_VALUE, _("Timestamp is not an ISO 8601 time"));
      return FALSE;
    }
  age = g_get_real_time () / G_USEC_PER_SEC - g_date_time_to_unix (sent);
  if (age > (gint64) self->replay_window || age < -(gint64) self->replay_window)
    {
      g_autofree char *seconds = g_strdup_printf ("%" G_GINT64_FORMAT, age);

      g_set_error (error, THUMBING_ERROR, THUMBING_ERROR_INVALID_VALUE,
                   _("Timestamp is %s s away from now, outside the replay window of %u s"), seconds, self->replay_window);
      return FALSE;
    }
  if (strcmp (message->type, "Notification") != 0)
    return TRUE;
  forget_old_messages (self, now);
  if (g_hash_table_contains (self->seen, message->message_id))
    {
      g_set_error (error, THUMBING_ERROR, THUMBING_ERROR_INVALID_VALUE,
                   _("MessageId %s was taken already"), message->message_id);
      return FALSE;
    }
  arrived = g_new (gint64, 1);
  *arrived = now;
  g_hash_table_insert (self->seen, g_strdup (message->message_id), arrived);
  g_queue_push_tail (&self->seen_order, g_strdup (message->message_id));
  fetch->request->message_id = g_strdup (message->message_id);
  return TRUE;
}

static void
verify_and_act (Fetch  *fetch,
                GBytes *certificate)
{
  g_autoptr(GError) error = NULL;

  if (!thumbing_sns_message_verify (fetch->message, certificate, &error)
      || !check_replay (fetch, &error))
    {
      finish (fetch->request, SOUP_STATUS_FORBIDDEN, error->message);
      fetch_free (fetch);
      return;
    }
  act_on (fetch);
}

static void
on_certificate (GObject      *object,
                GAsyncResult *result,
                gpointer      data)
{
  Fetch *fetch = data;
  ThumbingS3EventSource *self = fetch->request->self;
  SoupMessage *message = soup_session_get_async_result_message (SOUP_SESSION (object), result);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) pem = soup_session_send_and_read_finish (SOUP_SESSION (object), result, &error);

  if (pem == NULL || !SOUP_STATUS_IS_SUCCESSFUL (soup_message_get_status (message)))
    {
      g_autofree char *problem = g_strdup_printf (_("fetching the signing certificate %s failed: %s"), fetch->url,
                                                  error != NULL ? error->message : soup_message_get_reason_phrase (message));

      thumbing_element_warn (THUMBING_ELEMENT (self), "%s", problem);
      /* SNS retries; the certificate may be reachable then. */
      finish (fetch->request, SOUP_STATUS_SERVICE_UNAVAILABLE, problem);
      fetch_free (fetch);
      return;
    }
  g_hash_table_replace (self->certificates, g_strdup (fetch->url), g_bytes_ref (pem));
  verify_and_act (fetch, pem);
}

static void
take_sns (Request    *request,
          const char *header_type,
          GBytes     *body)
{
  ThumbingS3EventSource *self = request->self;
  g_autoptr(GError) error = NULL;
  g_autoptr(ThumbingSnsMessage) message = thumbing_sns_message_parse (g_bytes_get_data (body, NULL),
                                                                      g_bytes_get_size (body), &error);
  g_autoptr(SoupMessage) fetch_message = NULL;
  GBytes *certificate;
  Fetch *fetch;

  if (message == NULL)
    {
      finish (request, SOUP_STATUS_BAD_REQUEST, error->message);
      return;
    }
  if (strcmp (message->type, header_type) != 0)
    {
      finish (request, SOUP_STATUS_BAD_REQUEST, _("the message type differs from its header"));
      return;
    }
  if (!topic_configured (self, message->topic_arn))
    {
      g_autofree char *problem = g_strdup_printf (_("topic %s is not in topic-arns"), message->topic_arn);

      finish (request, SOUP_STATUS_FORBIDDEN, problem);
      return;
    }
  if (!url_trusted (self, message->signing_cert_url))
    {
      g_autofree char *problem = g_strdup_printf (_("SigningCertURL %s is not an https URL of SNS"),
                                                  message->signing_cert_url);

      finish (request, SOUP_STATUS_FORBIDDEN, problem);
      return;
    }

  fetch = g_new0 (Fetch, 1);
  fetch->request = request;
  fetch->url = g_strdup (message->signing_cert_url);
  fetch->message = g_steal_pointer (&message);
  certificate = g_hash_table_lookup (self->certificates, fetch->url);
  if (certificate != NULL)
    {
      verify_and_act (fetch, certificate);
      return;
    }
  fetch_message = soup_message_new (SOUP_METHOD_GET, fetch->url);
  if (fetch_message == NULL)
    {
      finish (request, SOUP_STATUS_BAD_REQUEST, _("SigningCertURL is not a URL"));
      fetch_free (fetch);
      return;
    }
  soup_session_send_and_read_async (self->session, fetch_message, G_PRIORITY_DEFAULT, NULL, on_certificate, fetch);
}

/* Every request is answered through finish(), now or once its items or
 * its certificate are in. */
static void
handle_post (gpointer              service,
             ThumbingHttpExchange *exchange)
{
  ThumbingS3EventSource *self = service;
  const char *sns_type = thumbing_http_exchange_get_header (exchange, SNS_TYPE_HEADER);
  const char *token = thumbing_http_exchange_bearer_token (exchange, FALSE);
  GBytes *body = thumbing_http_exchange_get_body (exchange);
  GInetAddress *remote = thumbing_http_exchange_get_remote (exchange);
  Request *request = g_new0 (Request, 1);

  request->self = self;
  request->exchange = thumbing_http_exchange_ref (exchange);
  request->peer = remote != NULL ? g_inet_address_to_string (remote) : g_strdup ("?");
  g_hash_table_add (self->requests, request);

  if (sns_type != NULL)
    take_sns (request, sns_type, body);
  else if (self->token != NULL && *self->token != '\0'
           && !thumbing_http_equal_secret (self->token, token))
    finish (request, SOUP_STATUS_UNAUTHORIZED, _("a bare S3 event without the configured bearer token"));
  else if ((self->token == NULL || *self->token == '\0') && !self->allow_unauthenticated)
    finish (request, SOUP_STATUS_UNAUTHORIZED, _("bare S3 events are not accepted here (no token is set)"));
  else if (!thumbing_http_body_is_json_text (body))
    finish (request, SOUP_STATUS_BAD_REQUEST, _("the body is not JSON text"));
  else
    {
      g_autofree char *text = g_strndup (g_bytes_get_data (body, NULL), g_bytes_get_size (body));

      take_event (request, text);
    }
}

/* Refuses other methods, and what is too big, before a body is read. */
static void
handle_early (gpointer              service,
              ThumbingHttpExchange *exchange)
{
  ThumbingS3EventSource *self = service;
  SoupMessageHeaders *headers = thumbing_http_exchange_get_request_headers (exchange);
  goffset length = soup_message_headers_get_content_length (headers);

  if (strcmp (thumbing_http_exchange_get_method (exchange), SOUP_METHOD_POST) != 0)
    thumbing_http_exchange_respond (exchange, SOUP_STATUS_METHOD_NOT_ALLOWED, NULL, NULL);
  else if (soup_message_headers_get_encoding (headers) != SOUP_ENCODING_CONTENT_LENGTH)
    thumbing_http_exchange_respond (exchange, SOUP_STATUS_LENGTH_REQUIRED, NULL, NULL);
  else if (length > (goffset) self->max_body)
    thumbing_http_exchange_respond (exchange, SOUP_STATUS_REQUEST_ENTITY_TOO_LARGE, NULL, NULL);
}

static gboolean
thumbing_s3_event_source_start (ThumbingElement *element,
                                GError         **error)
{
  ThumbingS3EventSource *self = THUMBING_S3_EVENT_SOURCE (element);

  if (thumbing_source_get_once (THUMBING_SOURCE (self)))
    {
      g_set_error (error, THUMBING_ERROR, THUMBING_ERROR_CONFIG,
                   _("events are pushed to this source as they happen, so there is no backlog to drain with --once"));
      return FALSE;
    }
  self->session = soup_session_new_with_options ("timeout", 10, "user-agent", "thumbing/" PACKAGE_VERSION, NULL);
  if (!thumbing_http_session_trust (self->session, self->ca_file, error))
    return FALSE;
  self->certificates = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) g_bytes_unref);
  self->pending = g_hash_table_new_full (NULL, NULL, (GDestroyNotify) thumbing_item_unref, NULL);
  self->requests = g_hash_table_new_full (NULL, NULL, (GDestroyNotify) request_free, NULL);
  self->seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->server = thumbing_http_server_new (element, THUMBING_HTTP_TIMEOUT_SECONDS, THUMBING_HTTP_MAX_CONNECTIONS);
  thumbing_http_server_set_handlers (self->server, self->path, handle_early, handle_post, self);
  if (!thumbing_http_server_listen (self->server, self->address, &self->port, error))
    return FALSE;
  g_message (_("%s: listening on http://%s:%u%s"), thumbing_element_get_name (element),
             self->address, self->port, self->path);
  return TRUE;
}

static void
thumbing_s3_event_source_stop (ThumbingElement *element)
{
  ThumbingS3EventSource *self = THUMBING_S3_EVENT_SOURCE (element);
  g_autoptr(GList) open = NULL;

  if (self->requests != NULL)
    {
      /* The senders try again later: nothing they sent is lost. */
      open = g_hash_table_get_keys (self->requests);
      for (GList *l = open; l != NULL; l = l->next)
        finish (l->data, SOUP_STATUS_SERVICE_UNAVAILABLE, _("shutting down"));
    }
  g_clear_pointer (&self->server, thumbing_http_server_free);
  if (self->session != NULL)
    soup_session_abort (self->session);
  g_clear_object (&self->session);
  THUMBING_ELEMENT_CLASS (thumbing_s3_event_source_parent_class)->stop (element);
  g_clear_pointer (&self->pending, g_hash_table_unref);
  g_clear_pointer (&self->requests, g_hash_table_unref);
  g_clear_pointer (&self->certificates, g_hash_table_unref);
  g_clear_pointer (&self->seen, g_hash_table_unref);
  g_queue_clear_full (&self->seen_order, g_free);
}

static void
settle (ThumbingS3EventSource *self,
        ThumbingItem          *item,
        gboolean               failed)
{
  Request *request = self->pending != NULL ? g_hash_table_lookup (self->pending, item) : NULL;

  if (request == NULL)
    return;
  g_hash_table_remove (self->pending, item);
  request->failed |= failed;
  if (--request->outstanding == 0)
    finish (request, request->failed ? SOUP_STATUS_INTERNAL_SERVER_ERROR : SOUP_STATUS_OK,
            request->failed ? _("processing failed; send the event again") : NULL);
}

static void
thumbing_s3_event_source_ack (ThumbingSource *source,
                              ThumbingItem   *item)
{
  settle (THUMBING_S3_EVENT_SOURCE (source), item, FALSE);
}

static void
thumbing_s3_event_source_nack (ThumbingSource *source,
                               ThumbingItem   *item,
                               const GError   *error)
{
  settle (THUMBING_S3_EVENT_SOURCE (source), item, TRUE);
}

static void
thumbing_s3_event_source_class_init (ThumbingS3EventSourceClass *klass)
{
  ThumbingElementClass *element_class = THUMBING_ELEMENT_CLASS (klass);
  ThumbingSourceClass *source_class = THUMBING_SOURCE_CLASS (klass);
  GParamFlags rw = G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS;

  element_class->check = thumbing_s3_event_source_check;
  element_class->start = thumbing_s3_event_source_start;
  element_class->stop = thumbing_s3_event_source_stop;
  source_class->ack = thumbing_s3_event_source_ack;
  source_class->nack = thumbing_s3_event_source_nack;

  thumbing_element_class_set_metadata (element_class, "s3-event-source",
                                       _("Receives S3 event notifications over HTTP from S3-compatible stores and SNS subscriptions"));
  thumbing_element_class_set_media (element_class, NULL, THUMBING_MEDIA_S3_OBJECT);

  thumbing_http_server_class_install_listener (element_class, G_STRUCT_OFFSET (ThumbingS3EventSource, address),
                                               G_STRUCT_OFFSET (ThumbingS3EventSource, port), 8080);
  THUMBING_ELEMENT_FIELD (klass, ThumbingS3EventSource, path,
    g_param_spec_string ("path", NULL, _("Path events are POSTed to"), "/events", rw | G_PARAM_CONSTRUCT));
  THUMBING_ELEMENT_FIELD (klass, ThumbingS3EventSource, token,
    g_param_spec_string ("token", NULL, _("Bearer token S3-compatible stores send with bare events; use ${VARIABLE} or token-file=PATH"),
                         NULL, rw | THUMBING_PARAM_SECRET));
  THUMBING_ELEMENT_FIELD (klass, ThumbingS3EventSource, allow_unauthenticated,
    g_param_spec_boolean ("allow-unauthenticated", NULL, _("Take bare events without a token (a trusted network only)"),
                          FALSE, rw | G_PARAM_CONSTRUCT));
  THUMBING_ELEMENT_FIELD (klass, ThumbingS3EventSource, topic_arns,
    g_param_spec_boxed ("topic-arns", NULL, _("SNS topics whose signed messages and subscriptions are taken, separated by “;”"),
                        G_TYPE_STRV, rw));
  THUMBING_ELEMENT_FIELD (klass, ThumbingS3EventSource, trust_certificate_url,
    g_param_spec_string ("trust-certificate-url", NULL,
                         _("For tests: trust signing certificates and subscription links under this URL instead of SNS’s hosts"),
                         NULL, rw));
  THUMBING_ELEMENT_FIELD (klass, ThumbingS3EventSource, ca_file,
    g_param_spec_string ("ca-file", NULL, _("PEM file of certificate authorities to trust when fetching certificates"),
                         NULL, rw));
  THUMBING_ELEMENT_FIELD (klass, ThumbingS3EventSource, max_body,
    g_param_spec_uint ("max-body", NULL, _("Largest request body in bytes"), 1024, 16 * 1024 * 1024, 512 * 1024,
                       rw | G_PARAM_CONSTRUCT));
  THUMBING_ELEMENT_FIELD (klass, ThumbingS3EventSource, max_pending,
    g_param_spec_uint ("max-pending", NULL, _("Items waiting for the pipeline before requests are turned away with 503"),
                       1, 1000000, 1000, rw | G_PARAM_CONSTRUCT));
  THUMBING_ELEMENT_FIELD (klass, ThumbingS3EventSource, replay_window,
    g_param_spec_uint ("replay-window", NULL,
                       _("Seconds an SNS message’s Timestamp may be from now; its MessageId is remembered as long"),
                       60, 7 * 24 * 3600, 3600, rw | G_PARAM_CONSTRUCT));
}

static void
thumbing_s3_event_source_init (ThumbingS3EventSource *self)
{
}
