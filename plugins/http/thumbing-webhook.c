/* thumbing-webhook.c: tells HTTP subscribers about each result
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Each item is POSTed as one JSON document to every URL. Receivers verify
 * it as they would a Stripe or GitHub webhook:
 *
 *   Thumbing-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>
 *   Idempotency-Key: <the document's "id", the same on every retry>
 *   traceparent: 00-<trace id>-<span id>-<flags>   (W3C Trace Context)
 *
 * A receiver recomputes v1 over the raw body, compares in constant time and
 * rejects a t too far from its clock, which stops replays.
 */
#include "config.h"

#include <errno.h>
#include <string.h>

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

#include "thumbing-http-util.h"
#include "thumbing-result-document.h"
#include "thumbing-webhook.h"

#define SIGNATURE_HEADER   "Thumbing-Signature"
#define IDEMPOTENCY_HEADER "Idempotency-Key"

struct _ThumbingWebhook
{
  ThumbingSink  parent_instance;

  char        **urls;
  char         *secret;
  char         *event;
  guint         timeout;
  guint         attempts;
  guint         backoff;        /* milliseconds, doubled per attempt */
  guint         max_delay;      /* seconds */
  char         *dead_letter;
  gboolean      allow_private;
  guint         max_per_host;
  char         *ca_file;

  SoupSession  *session;
};

G_DEFINE_FINAL_TYPE (ThumbingWebhook, thumbing_webhook, THUMBING_TYPE_SINK)

/* One item on its way to every URL. */
typedef struct
{
  ThumbingWebhook *self;
  GTask           *task;
  GBytes          *body;
  char            *key;
  char            *traceparent;
  guint            pending;
  GPtrArray       *failures;    /* Failure, in URL order of completion */
} Notice;

typedef struct
{
  char   *url;
  GError *error;
  guint   attempts;
} Failure;

/* One URL of a notice, across its attempts. */
typedef struct
{
  Notice       *notice;
  char         *url;
  guint         attempt;
  GCancellable *cancellable;    /* this attempt's: cancelled by the timeout, the address check or the item's */
  gulong        item_cancel;
  guint         timer;
  GError       *refusal;        /* why the address check stopped the attempt */
  gboolean      timed_out;
} Post;

static void
failure_free (gpointer data)
{
  Failure *failure = data;

  g_free (failure->url);
  g_clear_error (&failure->error);
  g_free (failure);
}

static void
thumbing_webhook_finalize (GObject *object)
{
  ThumbingWebhook *self = THUMBING_WEBHOOK (object);

  g_clear_object (&self->session);
  G_OBJECT_CLASS (thumbing_webhook_parent_class)->finalize (object);
}

/* Addresses a webhook must not reach unless allowed: every block of the
 * IANA IPv4 and IPv6 special-purpose address registries that is not
 * globally reachable (the host itself, its LAN, link-local with the cloud
 * metadata at 169.254.169.254, carrier-grade NAT, benchmarking,
 * documentation, reserved and broadcast), multicast, and IPv4 carried
 * inside IPv6 (mapped, NAT64 and 6to4), judged by the IPv4 it carries. */
static const char * const non_global_blocks[] = {
  "0.0.0.0/8", "10.0.0.0/8", "100.64.0.0/10", "127.0.0.0/8", "169.254.0.0/16", "172.16.0.0/12",
  "192.0.0.0/24", "192.0.2.0/24", "192.31.196.0/24", "192.52.193.0/24", "192.88.99.0/24", "192.168.0.0/16",
  "192.175.48.0/24", "198.18.0.0/15", "198.51.100.0/24", "203.0.113.0/24", "224.0.0.0/4", "240.0.0.0/4",
  "::/128", "::1/128", "64:ff9b:1::/48", "100::/64", "2001::/23", "2001:db8::/32", "3fff::/20", "5f00::/16",
  "fc00::/7", "fe80::/10", "ff00::/8",
};

static gboolean
in_non_global_block (GInetAddress *address)
{
  static GPtrArray *masks;

  if (g_once_init_enter (&masks))
    {
      GPtrArray *parsed = g_ptr_array_new ();

      for (guint i = 0; i < G_N_ELEMENTS (non_global_blocks); i++)
        g_ptr_array_add (parsed, g_inet_address_mask_new_from_string (non_global_blocks[i], NULL));
      g_once_init_leave (&masks, parsed);
    }
  for (guint i = 0; i < masks->len; i++)
    if (g_inet_address_mask_matches (masks->pdata[i], address))
      return TRUE;
  return FALSE;
}

static gboolean
address_is_private (GInetAddress *address)
{
  const guint8 *bytes = g_inet_address_to_bytes (address);
  const guint8 *embedded = NULL;

  if (in_non_global_block (address))
    return TRUE;
  if (g_inet_address_get_family (address) == G_SOCKET_FAMILY_IPV4)
    return FALSE;
  if (memcmp (bytes, "\0\0\0\0\0\0\0\0\0\0\xff\xff", 12) == 0        /* ::ffff:0:0/96, mapped */
      || memcmp (bytes, "\0\x64\xff\x9b\0\0\0\0\0\0\0\0", 12) == 0)  /* 64:ff9b::/96, NAT64 */
    embedded = bytes + 12;
  else if (bytes[0] == 0x20 && bytes[1] == 0x02)                       /* 2002::/16, 6to4 */
    embedded = bytes + 2;
  if (embedded != NULL)
    {
      g_autoptr(GInetAddress) v4 = g_inet_address_new_from_bytes (embedded, G_SOCKET_FAMILY_IPV4);

      return address_is_private (v4);
    }
  return FALSE;
}

static gboolean
check_url (ThumbingWebhook *self,
           const char      *url,
           GError         **error)
{
  g_autoptr(GUri) uri = g_uri_parse (url, SOUP_HTTP_URI_FLAGS, NULL);
  g_autoptr(GInetAddress) literal = NULL;

  if (uri == NULL || g_uri_get_host (uri) == NULL || *g_uri_get_host (uri) == '\0'
      || (g_strcmp0 (g_uri_get_scheme (uri), "https") != 0 && g_strcmp0 (g_uri_get_scheme (uri), "http") != 0))
    {
      g_set_error (error, THUMBING_ERROR, THUMBING_ERROR_CONFIG,
                   _("“%s” is not an http:// or https:// URL"), url);
      return FALSE;
    }
  literal = g_inet_address_new_from_string (g_uri_get_host (uri));
  if (!self->allow_private && (g_ascii_strcasecmp (g_uri_get_host (uri), "localhost") == 0
                               || (literal != NULL && address_is_private (literal))))
    {
      g_set_error (error, THUMBING_ERROR, THUMBING_ERROR_CONFIG,
                   _("%s is a private, loopback or link-local address; set allow-private=true to reach it"),
                   url);
      return FALSE;
    }
  return TRUE;
}

static gboolean
thumbing_webhook_check (ThumbingElement *element,
                        GError         **error)
{
  ThumbingWebhook *self = THUMBING_WEBHOOK (element);

  if (self->urls == NULL || self->urls[0] == NULL)
    {
      g_set_error (error, THUMBING_ERROR, THUMBING_ERROR_CONFIG, _("urls names no URL"));
      return FALSE;
    }
  for (char **url = self->urls; *url != NULL; url++)
    if (!check_url (self, *url, error))
      return FALSE;
  if (self->secret == NULL || strlen (self->secret) < 16)
    {
      g_set_error (error, THUMBING_ERROR, THUMBING_ERROR_CONFIG,
                   _("secret must be at least 16 characters, so receivers can trust the signature"));
      return FALSE;
    }
  return TRUE;
}

static gboolean
thumbing_webhook_start (ThumbingElement *element,
                        GError         **error)
{
  ThumbingWebhook *self = THUMBING_WEBHOOK (element);

  /* The attempt's own timer bounds the whole exchange, not only each read. */
  self->session = soup_session_new_with_options ("max-conns-per-host", self->max_per_host,
                                                 "max-conns", MAX (self->max_per_host * 16, 64u),
                                                 "user-agent", "thumbing/" PACKAGE_VERSION " webhook",
                                                 NULL);
  return thumbing_http_session_trust (self->session, self->ca_file, error);
}

static void
thumbing_webhook_stop (ThumbingElement *element)
{
  ThumbingWebhook *self = THUMBING_WEBHOOK (element);

  if (self->session != NULL)
    soup_session_abort (self->session);
  g_clear_object (&self->session);
}

/* The same result always gets the same key, so a receiver can drop the
 * repeats a retry or a redelivered upload causes. */
static char *
idempotency_key (ThumbingItem *item,
                 GBytes       *payload)
{
  g_autoptr(GChecksum) checksum = g_checksum_new (G_CHECKSUM_SHA256);
  const char *output = thumbing_item_get_public_output (item);

  g_checksum_update (checksum, (const guchar *) thumbing_item_get_public_origin (item), -1);
  g_checksum_update (checksum, (const guchar *) "\n", 1);
  if (output != NULL)
    g_checksum_update (checksum, (const guchar *) output, -1);
  g_checksum_update (checksum, (const guchar *) "\n", 1);
  if (payload != NULL)
    g_checksum_update (checksum, g_bytes_get_data (payload, NULL), g_bytes_get_size (payload));
  return g_strndup (g_checksum_get_string (checksum), 32);
}

static GBytes *
build_document (ThumbingWebhook *self,
                ThumbingItem    *item,
                const char      *key)
{
  g_autoptr(JsonNode) document = thumbing_result_document_new (item, self->event, key);
  gsize length;
  char *text = thumbing_result_document_to_string (document, &length);

  return g_bytes_new_take (text, length);
}

static char *
sign (ThumbingWebhook *self,
      GBytes          *body,
      gint64           timestamp)
{
  g_autoptr(GHmac) hmac = g_hmac_new (G_CHECKSUM_SHA256, (const guchar *) self->secret, strlen (self->secret));
  g_autofree char *prefix = g_strdup_printf ("%" G_GINT64_FORMAT ".", timestamp);

  g_hmac_update (hmac, (const guchar *) prefix, -1);
  g_hmac_update (hmac, g_bytes_get_data (body, NULL), g_bytes_get_size (body));
  return g_strdup_printf ("t=%" G_GINT64_FORMAT ",v1=%s", timestamp, g_hmac_get_string (hmac));
}

static void
notice_free (Notice *notice)
{
  g_clear_object (&notice->task);
  g_bytes_unref (notice->body);
  g_free (notice->key);
  g_free (notice->traceparent);
  g_ptr_array_unref (notice->failures);
  g_free (notice);
}

static void
post_free (Post *post)
{
  g_free (post->url);
  g_clear_object (&post->cancellable);
  g_clear_error (&post->refusal);
  g_free (post);
}

/* Failed deliveries become files a person or a script can replay: the
 * document with where it was going and why it did not get there. */
static gboolean
write_dead_letter (ThumbingWebhook *self,
                   Notice          *notice,
                   Failure         *failure,
                   guint            index,
                   GError         **error)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(JsonNode) document = json_from_string (g_bytes_get_data (notice->body, NULL), NULL);
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autofree char *stamp = g_date_time_format (now, "%Y%m%dT%H%M%S");
  g_autofree char *name = g_strdup_printf ("%s-%s-%u.json", stamp, notice->key, index);
  g_autofree char *path = g_build_filename (self->dead_letter, name, NULL);
  g_autofree char *text = NULL;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "url");
  json_builder_add_string_value (builder, failure->url);
  json_builder_set_member_name (builder, "error");
  json_builder_add_string_value (builder, failure->error->message);
  json_builder_set_member_name (builder, "attempts");
  json_builder_add_int_value (builder, failure->attempts);
  json_builder_set_member_name (builder, "document");
  json_builder_add_value (builder, g_steal_pointer (&document));
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  json_generator_set_root (generator, root);
  json_generator_set_pretty (generator, TRUE);
  text = json_generator_to_data (generator, NULL);

  if (g_mkdir_with_parents (self->dead_letter, 0750) != 0)
    {
      int saved = errno;

      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved), _("dead-letter folder %s: %s"),
                   self->dead_letter, g_strerror (saved));
      return FALSE;
    }
  return g_file_set_contents_full (path, text, -1, G_FILE_SET_CONTENTS_CONSISTENT | G_FILE_SET_CONTENTS_DURABLE,
                                   0640, error);
}

static void
notice_finish (Notice *notice)
{
  ThumbingWebhook *self = notice->self;
  ThumbingItem *item = g_task_get_task_data (notice->task);
  g_autoptr(GError) error = NULL;

  if (g_task_return_error_if_cancelled (notice->task))
    ;
  else if (notice->failures->len > 0 && self->dead_letter != NULL && *self->dead_letter != '\0')
    {
      for (guint i = 0; i < notice->failures->len && error == NULL; i++)
        write_dead_letter (self, notice, notice->failures->pdata[i], i, &error);
      if (error != NULL)
        g_task_return_error (notice->task, g_steal_pointer (&error));
      else
        {
          thumbing_element_warn (THUMBING_ELEMENT (self), _("%s: %u webhook deliveries failed; recorded in %s"),
                                 thumbing_item_get_origin (item), notice->failures->len, self->dead_letter);
          g_task_return_pointer (notice->task, thumbing_item_ref (item), (GDestroyNotify) thumbing_item_unref);
        }
    }
  else if (notice->failures->len > 0)
    {
      Failure *first = notice->failures->pdata[0];

      g_task_return_new_error (notice->task, first->error->domain, first->error->code,
                               _("%s: %s (after %u attempts)"), first->url, first->error->message, first->attempts);
    }
  else
    g_task_return_pointer (notice->task, thumbing_item_ref (item), (GDestroyNotify) thumbing_item_unref);
  notice_free (notice);
}

static void post_attempt (Post *post);

static void
post_done (Post   *post,
           GError *error)
{
  Notice *notice = post->notice;

  if (error != NULL)
    {
      Failure *failure = g_new0 (Failure, 1);

      failure->url = g_strdup (post->url);
      failure->error = error;
      failure->attempts = post->attempt;
      g_ptr_array_add (notice->failures, failure);
    }
  post_free (post);
  if (--notice->pending == 0)
    notice_finish (notice);
}

static gboolean
retry_now (gpointer data)
{
  post_attempt (data);
  return G_SOURCE_REMOVE;
}

/* Seconds, from either form RFC 9110 allows; -1 when absent or unreadable. */
static gint64
retry_after_seconds (SoupMessage *message)
{
  const char *value = soup_message_headers_get_one (soup_message_get_response_headers (message), "Retry-After");
  g_autoptr(GDateTime) when = NULL;
  g_autoptr(GDateTime) now = NULL;
  guint64 seconds;

  if (value == NULL)
    return -1;
  if (g_ascii_string_to_unsigned (value, 10, 0, G_MAXINT32, &seconds, NULL))
    return (gint64) seconds;
  when = soup_date_time_new_from_http_string (value);
  if (when == NULL)
    return -1;
  now = g_date_time_new_now_utc ();
  return MAX (0, g_date_time_difference (when, now) / G_TIME_SPAN_SECOND);
}

static gboolean
status_is_retryable (guint status)
{
  return status >= 500 || status == 429 || status == SOUP_STATUS_REQUEST_TIMEOUT;
}

/* Full jitter: a random wait up to the doubled backoff, so receivers that
 * failed together are not hit together again. */
static guint
backoff_ms (ThumbingWebhook *self,
            guint            attempt)
{
  guint64 ceiling = (guint64) self->backoff << MIN (attempt - 1, 20u);

  ceiling = MIN (ceiling, (guint64) self->max_delay * 1000);
  return ceiling == 0 ? 0 : (guint) g_random_int_range (0, (gint32) MIN (ceiling, (guint64) G_MAXINT32));
}

static void
retry_or_fail (Post   *post,
               GError *error,
               gint64  retry_after)
{
  ThumbingWebhook *self = post->notice->self;
  guint delay;

  if (post->attempt >= self->attempts || g_cancellable_is_cancelled (g_task_get_cancellable (post->notice->task)))
    {
      post_done (post, error);
      return;
    }
  if (retry_after > (gint64) self->max_delay)
    {
      g_prefix_error (&error, _("the receiver asks for a retry in %" G_GINT64_FORMAT " s, beyond max-delay: "),
                      retry_after);
      post_done (post, error);
      return;
    }
  delay = retry_after >= 0 ? (guint) retry_after * 1000 : backoff_ms (self, post->attempt);
  g_debug ("%s: attempt %u failed (%s); retrying in %u ms", post->url, post->attempt, error->message, delay);
  thumbing_element_count_retry (THUMBING_ELEMENT (self));
  g_error_free (error);
  thumbing_element_timeout_add (THUMBING_ELEMENT (self), delay, retry_now, post);
}

static void
on_sent (GObject      *object,
         GAsyncResult *result,
         gpointer      data)
{
  Post *post = data;
  SoupMessage *message = soup_session_get_async_result_message (SOUP_SESSION (object), result);
  g_autoptr(GBytes) reply = NULL;
  GError *error = NULL;
  guint status;

  reply = soup_session_send_and_read_finish (SOUP_SESSION (object), result, &error);
  thumbing_element_source_remove (THUMBING_ELEMENT (post->notice->self), post->timer);
  post->timer = 0;
  g_cancellable_disconnect (g_task_get_cancellable (post->notice->task), post->item_cancel);
  post->item_cancel = 0;

  if (post->refusal != NULL)
    {
      g_clear_error (&error);
      post_done (post, g_steal_pointer (&post->refusal));
      return;
    }
  if (error != NULL)
    {
      if (post->timed_out)
        {
          g_clear_error (&error);
          error = g_error_new (G_IO_ERROR, G_IO_ERROR_TIMED_OUT, _("no answer within %u s"), post->notice->self->timeout);
        }
      retry_or_fail (post, error, -1);
      return;
    }

  status = soup_message_get_status (message);
  if (SOUP_STATUS_IS_SUCCESSFUL (status))
    {
      post_done (post, NULL);
      return;
    }
  error = g_error_new (THUMBING_ERROR, THUMBING_ERROR_FAILED, _("HTTP %u %s"), status,
                       soup_message_get_reason_phrase (message));
  if (status_is_retryable (status))
    retry_or_fail (post, error, retry_after_seconds (message));
  else
    post_done (post, error);
}

/* Every connection is checked where it lands, so a name that resolves to a
 * private address (or is rebound to one) is refused before a byte is sent. */
static void
on_network_event (SoupMessage        *message,
                  GSocketClientEvent  event,
                  GIOStream          *connection,
                  gpointer            data)
{
  Post *post = data;
  g_autoptr(GSocketAddress) remote = NULL;

  if (event != G_SOCKET_CLIENT_CONNECTED || post->notice->self->allow_private || !G_IS_SOCKET_CONNECTION (connection))
    return;
  remote = g_socket_connection_get_remote_address (G_SOCKET_CONNECTION (connection), NULL);
  if (G_IS_INET_SOCKET_ADDRESS (remote)
      && address_is_private (g_inet_socket_address_get_address (G_INET_SOCKET_ADDRESS (remote))))
    {
      g_autofree char *address = g_inet_address_to_string (g_inet_socket_address_get_address (G_INET_SOCKET_ADDRESS (remote)));

      g_clear_error (&post->refusal);
      post->refusal = g_error_new (THUMBING_ERROR, THUMBING_ERROR_CONFIG,
                                   _("refused: the host resolves to %s, a private, loopback or link-local address"),
                                   address);
      g_cancellable_cancel (post->cancellable);
    }
}

static gboolean
on_timeout (gpointer data)
{
  Post *post = data;

  post->timer = 0;
  post->timed_out = TRUE;
  g_cancellable_cancel (post->cancellable);
  return G_SOURCE_REMOVE;
}

static void
on_item_cancelled (GCancellable *item_cancellable,
                   gpointer      data)
{
  Post *post = data;

  g_cancellable_cancel (post->cancellable);
}

/* W3C Trace Context for the receiver: the item's X-Ray trace when it came
 * with one (Root=1-XXXXXXXX-YYYYYYYYYYYYYYYYYYYYYYYY is the same 128-bit
 * id), otherwise one made of the item's id, so the receiver's traces meet
 * thumbing's log lines; a span id of its own per item. */
static char *
traceparent_for (ThumbingItem *item)
{
  const char *xray = thumbing_item_get_metadata (item, THUMBING_METADATA_TRACE_HEADER);
  const char *root = xray != NULL ? strstr (xray, "Root=1-") : NULL;
  g_autofree char *trace = NULL;
  gboolean sampled = xray == NULL || strstr (xray, "Sampled=0") == NULL;

  if (root != NULL && strspn (root + 7, "0123456789abcdef") == 8 && root[15] == '-'
      && strspn (root + 16, "0123456789abcdef") >= 24)
    trace = g_strdup_printf ("%.8s%.24s", root + 7, root + 16);
  else
    trace = g_strdup_printf ("0000000000000000%s", thumbing_item_get_id (item));
  return g_strdup_printf ("00-%s-%08x%08x-%s", trace, g_random_int () | 1, g_random_int (), sampled ? "01" : "00");
}

static void
post_attempt (Post *post)
{
  ThumbingWebhook *self = post->notice->self;
  g_autoptr(SoupMessage) message = soup_message_new (SOUP_METHOD_POST, post->url);
  g_autofree char *signature = sign (self, post->notice->body, g_get_real_time () / G_USEC_PER_SEC);
  SoupMessageHeaders *headers = soup_message_get_request_headers (message);
  GCancellable *item_cancellable = g_task_get_cancellable (post->notice->task);

  post->attempt++;
  post->timed_out = FALSE;
  g_clear_object (&post->cancellable);
  post->cancellable = g_cancellable_new ();
  soup_message_headers_replace (headers, SIGNATURE_HEADER, signature);
  soup_message_headers_replace (headers, IDEMPOTENCY_HEADER, post->notice->key);
  soup_message_headers_replace (headers, "traceparent", post->notice->traceparent);
  soup_message_set_request_body_from_bytes (message, "application/json", post->notice->body);
  g_signal_connect (message, "network-event", G_CALLBACK (on_network_event), post);
  if (item_cancellable != NULL)
    post->item_cancel = g_cancellable_connect (item_cancellable, G_CALLBACK (on_item_cancelled), post, NULL);
  post->timer = thumbing_element_timeout_add_seconds (THUMBING_ELEMENT (self), self->timeout, on_timeout, post);
  soup_session_send_and_read_async (self->session, message, G_PRIORITY_DEFAULT, post->cancellable, on_sent, post);
}

/* Runs on the main context: every request is asynchronous. */
static void
thumbing_webhook_process_async (ThumbingElement     *element,
                                ThumbingItem        *item,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  ThumbingWebhook *self = THUMBING_WEBHOOK (element);
  Notice *notice = g_new0 (Notice, 1);
  g_autoptr(GBytes) payload = thumbing_item_load_bytes (item, NULL);

  notice->self = self;
  notice->task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_task_data (notice->task, thumbing_item_ref (item), (GDestroyNotify) thumbing_item_unref);
  notice->key = idempotency_key (item, payload);
  notice->traceparent = traceparent_for (item);
  notice->body = build_document (self, item, notice->key);
  notice->failures = g_ptr_array_new_with_free_func (failure_free);

  for (char **url = self->urls; *url != NULL; url++)
    {
      Post *post = g_new0 (Post, 1);

      post->notice = notice;
      post->url = g_strdup (*url);
      notice->pending++;
      post_attempt (post);
    }
}

static void
thumbing_webhook_class_init (ThumbingWebhookClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  ThumbingElementClass *element_class = THUMBING_ELEMENT_CLASS (klass);
  GParamFlags rw = G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS;

  object_class->finalize = thumbing_webhook_finalize;
  element_class->check = thumbing_webhook_check;
  element_class->start = thumbing_webhook_start;
  element_class->stop = thumbing_webhook_stop;
  element_class->process_async = thumbing_webhook_process_async;

  thumbing_element_class_set_metadata (element_class, "webhook",
                                       _("POSTs a signed JSON document about each result to HTTP subscribers"));
  thumbing_element_class_set_media (element_class, "*/*;" THUMBING_MEDIA_DECODED_IMAGE, NULL);

  THUMBING_ELEMENT_FIELD (klass, ThumbingWebhook, urls,
    g_param_spec_boxed ("urls", NULL, _("Subscriber URLs, separated by “;”"), G_TYPE_STRV, rw | THUMBING_PARAM_REQUIRED));
  THUMBING_ELEMENT_FIELD (klass, ThumbingWebhook, secret,
    g_param_spec_string ("secret", NULL, _("Shared secret of the HMAC-SHA256 signature (at least 16 characters); use ${VARIABLE} or secret-file=PATH"),
                         NULL, rw | THUMBING_PARAM_REQUIRED | THUMBING_PARAM_SECRET));
  THUMBING_ELEMENT_FIELD (klass, ThumbingWebhook, event,
    g_param_spec_string ("event", NULL, _("The document’s “type”"), "thumbing.image.processed", rw | G_PARAM_CONSTRUCT));
  THUMBING_ELEMENT_FIELD (klass, ThumbingWebhook, timeout,
    g_param_spec_uint ("timeout", NULL, _("Seconds an attempt may take"), 1, 600, 10, rw | G_PARAM_CONSTRUCT));
  THUMBING_ELEMENT_FIELD (klass, ThumbingWebhook, attempts,
    g_param_spec_uint ("attempts", NULL, _("Attempts per URL before the item fails (or goes to dead-letter)"),
                       1, 100, 5, rw | G_PARAM_CONSTRUCT));
  THUMBING_ELEMENT_FIELD (klass, ThumbingWebhook, backoff,
    g_param_spec_uint ("backoff", NULL, _("Milliseconds of the first retry’s backoff ceiling, doubled per attempt"),
                       0, 600000, 500, rw | G_PARAM_CONSTRUCT));
  THUMBING_ELEMENT_FIELD (klass, ThumbingWebhook, max_delay,
    g_param_spec_uint ("max-delay", NULL, _("Longest wait between attempts in seconds; a longer Retry-After fails the item"),
                       0, 3600, 60, rw | G_PARAM_CONSTRUCT));
  THUMBING_ELEMENT_FIELD (klass, ThumbingWebhook, dead_letter,
    g_param_spec_string ("dead-letter", NULL, _("Folder that records undeliverable documents instead of failing the item"),
                         NULL, rw));
  THUMBING_ELEMENT_FIELD (klass, ThumbingWebhook, allow_private,
    g_param_spec_boolean ("allow-private", NULL, _("Allow loopback, private and link-local addresses"),
                          FALSE, rw | G_PARAM_CONSTRUCT));
  THUMBING_ELEMENT_FIELD (klass, ThumbingWebhook, max_per_host,
    g_param_spec_uint ("max-per-host", NULL, _("Concurrent connections per receiving host"),
                       1, 256, 4, rw | G_PARAM_CONSTRUCT));
  THUMBING_ELEMENT_FIELD (klass, ThumbingWebhook, ca_file,
    g_param_spec_string ("ca-file", NULL, _("PEM file of certificate authorities to trust instead of the system’s"),
                         NULL, rw));
}

static void
thumbing_webhook_init (ThumbingWebhook *self)
{
}
