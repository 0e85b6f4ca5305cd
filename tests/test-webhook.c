/* test-webhook.c: signed deliveries to a real HTTP receiver, retries, dead letters, refusals
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "config.h"

#include <string.h>

#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

#include "thumbing-test-util.h"

#define SECRET "whsec-0123456789abcdef"

/* What the receiver saw of one request. */
typedef struct
{
  char   *path;
  char   *key;
  char   *traceparent;
  char   *signature;
  GBytes *body;
  gint64  when;
  gboolean verified;
} Received;

typedef struct
{
  SoupServer *server;
  guint       port;
  GPtrArray  *requests;
  GPtrArray  *paused;
} Receiver;

static void
received_free (gpointer data)
{
  Received *received = data;

  g_free (received->path);
  g_free (received->key);
  g_free (received->traceparent);
  g_free (received->signature);
  g_bytes_unref (received->body);
  g_free (received);
}

/* The check a receiver makes, as the element's header comment documents it. */
static gboolean
verify_signature (const char *header,
                  GBytes     *body)
{
  g_autoptr(GHmac) hmac = g_hmac_new (G_CHECKSUM_SHA256, (const guchar *) SECRET, strlen (SECRET));
  g_auto(GStrv) parts = NULL;
  const char *t = NULL, *v1 = NULL;
  gint64 timestamp;

  if (header == NULL)
    return FALSE;
  parts = g_strsplit (header, ",", -1);
  for (char **p = parts; *p != NULL; p++)
    {
      if (g_str_has_prefix (*p, "t="))
        t = *p + 2;
      else if (g_str_has_prefix (*p, "v1="))
        v1 = *p + 3;
    }
  if (t == NULL || v1 == NULL)
    return FALSE;
  timestamp = g_ascii_strtoll (t, NULL, 10);
  if (ABS (timestamp - g_get_real_time () / G_USEC_PER_SEC) > 300)
    return FALSE;
  g_hmac_update (hmac, (const guchar *) t, -1);
  g_hmac_update (hmac, (const guchar *) ".", 1);
  g_hmac_update (hmac, g_bytes_get_data (body, NULL), g_bytes_get_size (body));
  return strcmp (g_hmac_get_string (hmac), v1) == 0;
}

static guint
count_for (Receiver   *receiver,
           const char *path)
{
  guint n = 0;

  for (guint i = 0; i < receiver->requests->len; i++)
    n += strcmp (((Received *) receiver->requests->pdata[i])->path, path) == 0;
  return n;
}

/* Each path behaves as its name says. */
static void
handle (SoupServer        *server,
        SoupServerMessage *message,
        const char        *path,
        GHashTable        *query,
        gpointer           data)
{
  Receiver *receiver = data;
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (message);
  SoupMessageBody *body = soup_server_message_get_request_body (message);
  Received *received = g_new0 (Received, 1);
  guint n;

  received->path = g_strdup (path);
  received->key = g_strdup (soup_message_headers_get_one (headers, "Idempotency-Key"));
  received->traceparent = g_strdup (soup_message_headers_get_one (headers, "traceparent"));
  received->signature = g_strdup (soup_message_headers_get_one (headers, "Thumbing-Signature"));
  received->body = soup_message_body_flatten (body);
  received->when = g_get_monotonic_time ();
  received->verified = verify_signature (received->signature, received->body);
  g_ptr_array_add (receiver->requests, received);
  n = count_for (receiver, path);

  if (!received->verified)
    soup_server_message_set_status (message, 401, NULL);
  else if (strcmp (path, "/ok") == 0)
    soup_server_message_set_status (message, 204, NULL);
  else if (strcmp (path, "/flaky") == 0)
    soup_server_message_set_status (message, n <= 2 ? 503 : 200, NULL);
  else if (strcmp (path, "/limited") == 0)
    {
      if (n == 1)
        soup_message_headers_replace (soup_server_message_get_response_headers (message), "Retry-After", "1");
      soup_server_message_set_status (message, n == 1 ? 429 : 200, NULL);
    }
  else if (strcmp (path, "/bad") == 0)
    soup_server_message_set_status (message, 400, NULL);
  else if (strcmp (path, "/slow") == 0)
    {
      soup_server_message_pause (message);
      g_ptr_array_add (receiver->paused, g_object_ref (message));
    }
  else
    soup_server_message_set_status (message, 500, NULL);
}

static Receiver *
receiver_new (void)
{
  Receiver *receiver = g_new0 (Receiver, 1);
  g_autoptr(GError) error = NULL;
  GSList *uris;

  receiver->requests = g_ptr_array_new_with_free_func (received_free);
  receiver->paused = g_ptr_array_new_with_free_func (g_object_unref);
  receiver->server = soup_server_new (NULL, NULL);
  soup_server_add_handler (receiver->server, NULL, handle, receiver, NULL);
  soup_server_listen_local (receiver->server, 0, SOUP_SERVER_LISTEN_IPV4_ONLY, &error);
  g_assert_no_error (error);
  uris = soup_server_get_uris (receiver->server);
  receiver->port = g_uri_get_port (uris->data);
  g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);
  return receiver;
}

static void
receiver_free (Receiver *receiver)
{
  soup_server_disconnect (receiver->server);
  g_object_unref (receiver->server);
  g_ptr_array_unref (receiver->paused);
  g_ptr_array_unref (receiver->requests);
  g_free (receiver);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Receiver, receiver_free)

static ThumbingItem *
result_item (void)
{
  ThumbingItem *item = thumbing_item_new ("/srv/thumbing/uploads/sub/photo.jpg", "sub/photo.jpg");
  g_autoptr(GBytes) bytes = g_bytes_new_static ("\x89PNG fake", 9);

  thumbing_item_set_bytes (item, bytes, "image/png");
  thumbing_item_set_metadata (item, THUMBING_METADATA_WIDTH, "512");
  thumbing_item_set_metadata (item, THUMBING_METADATA_HEIGHT, "512");
  thumbing_item_set_metadata_int (item, THUMBING_METADATA_BYTES, 9);
  thumbing_item_set_metadata (item, THUMBING_METADATA_OUTPUT, "/srv/thumbing/avatars/sub/photo.png");
  thumbing_item_set_metadata (item, THUMBING_METADATA_OUTPUT_NAME, "sub/photo.png");
  return item;
}

static ThumbingElement *
webhook_for (Receiver   *receiver,
             const char *paths,
             const char *extra)
{
  g_auto(GStrv) names = g_strsplit (paths, ";", -1);
  g_autoptr(GString) settings = g_string_new ("webhook allow-private=true secret=" SECRET " backoff=20 urls=");
  g_autoptr(GError) error = NULL;
  ThumbingElement *element;

  for (char **name = names; *name != NULL; name++)
    g_string_append_printf (settings, "%shttp://127.0.0.1:%u%s", name == names ? "" : ";", receiver->port, *name);
  if (extra != NULL)
    g_string_append_printf (settings, " %s", extra);
  element = thumbing_test_element (settings->str, &error);
  g_assert_no_error (error);
  return element;
}

static void
test_signed_document (void)
{
  g_autoptr(Receiver) receiver = receiver_new ();
  g_autoptr(ThumbingElement) webhook = webhook_for (receiver, "/ok", NULL);
  g_autoptr(ThumbingItem) item = result_item ();
  g_autoptr(GError) error = NULL;
  g_autoptr(ThumbingItem) result = thumbing_test_process (webhook, item, &error);
  g_autoptr(JsonNode) document = NULL;
  JsonObject *object;
  Received *received;

  g_assert_no_error (error);
  g_assert_true (result == item);
  g_assert_cmpuint (receiver->requests->len, ==, 1);
  received = receiver->requests->pdata[0];
  g_assert_true (received->verified);
  document = json_from_string (g_bytes_get_data (received->body, NULL), &error);
  g_assert_no_error (error);
  object = json_node_get_object (document);
  g_assert_cmpstr (json_object_get_string_member (object, "id"), ==, received->key);
  g_assert_cmpuint (strlen (received->key), ==, 32);
  /* W3C Trace Context, with the item's id in the trace id. */
  g_assert_nonnull (received->traceparent);
  g_assert_cmpuint (strlen (received->traceparent), ==, 55);
  g_assert_true (g_str_has_prefix (received->traceparent, "00-0000000000000000"));
  g_assert_cmpint (strncmp (json_object_get_string_member (object, "item_id"), received->traceparent + 19, 16), ==, 0);
  g_assert_true (g_str_has_suffix (received->traceparent, "-01"));
  g_assert_cmpstr (json_object_get_string_member (object, "type"), ==, "thumbing.image.processed");
  /* Names relative to the source and sink: no path of the host. */
  g_assert_cmpstr (json_object_get_string_member (object, "origin"), ==, "sub/photo.jpg");
  g_assert_cmpint (json_object_get_int_member (object, "version"), ==, 1);
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (object, "output"), "location"),
                   ==, "sub/photo.png");
  g_assert_null (strstr (g_bytes_get_data (received->body, NULL), "/srv/"));
  g_assert_cmpstr (json_object_get_string_member (object, "media_type"), ==, "image/png");
  g_assert_cmpint (json_object_get_int_member (object, "width"), ==, 512);
  g_assert_cmpint (json_object_get_int_member (object, "bytes"), ==, 9);
  g_assert_true (json_object_has_member (object, "time"));

  /* A tampered body no longer verifies. */
  {
    g_autofree char *tampered = g_strdup (g_bytes_get_data (received->body, NULL));
    g_autoptr(GBytes) bytes = NULL;

    tampered[strlen (tampered) - 2] = ' ';
    bytes = g_bytes_new (tampered, strlen (tampered));
    g_assert_false (verify_signature (received->signature, bytes));
  }
}

static void
test_retries_then_succeeds (void)
{
  g_autoptr(Receiver) receiver = receiver_new ();
  g_autoptr(ThumbingElement) webhook = webhook_for (receiver, "/flaky", NULL);
  g_autoptr(ThumbingItem) item = result_item ();
  g_autoptr(GError) error = NULL;
  g_autoptr(ThumbingItem) result = thumbing_test_process (webhook, item, &error);

  g_assert_no_error (error);
  g_assert_true (result == item);
  g_assert_cmpuint (receiver->requests->len, ==, 3);
  for (guint i = 0; i < 3; i++)
    {
      Received *received = receiver->requests->pdata[i];

      g_assert_true (received->verified);
      g_assert_cmpstr (received->key, ==, ((Received *) receiver->requests->pdata[0])->key);
    }
}

static void
test_honours_retry_after (void)
{
  g_autoptr(Receiver) receiver = receiver_new ();
  g_autoptr(ThumbingElement) webhook = webhook_for (receiver, "/limited", NULL);
  g_autoptr(ThumbingItem) item = result_item ();
  g_autoptr(GError) error = NULL;
  g_autoptr(ThumbingItem) result = thumbing_test_process (webhook, item, &error);
  Received *first, *second;

  g_assert_no_error (error);
  g_assert_true (result == item);
  g_assert_cmpuint (receiver->requests->len, ==, 2);
  first = receiver->requests->pdata[0];
  second = receiver->requests->pdata[1];
  /* The backoff alone would retry within 20 ms; Retry-After asked for 1 s. */
  g_assert_cmpint (second->when - first->when, >=, 900 * 1000);
}

static void
test_gives_up_and_fails_the_item (void)
{
  g_autoptr(Receiver) receiver = receiver_new ();
  g_autoptr(ThumbingElement) webhook = webhook_for (receiver, "/down", "attempts=3");
  g_autoptr(ThumbingItem) item = result_item ();
  g_autoptr(GError) error = NULL;
  g_autoptr(ThumbingItem) result = thumbing_test_process (webhook, item, &error);

  g_assert_null (result);
  g_assert_nonnull (error);
  g_assert_nonnull (strstr (error->message, "/down"));
  g_assert_nonnull (strstr (error->message, "HTTP 500"));
  g_assert_nonnull (strstr (error->message, "3 attempts"));
  g_assert_cmpuint (receiver->requests->len, ==, 3);
}

static void
test_client_error_is_not_retried (void)
{
  g_autoptr(Receiver) receiver = receiver_new ();
  g_autoptr(ThumbingElement) webhook = webhook_for (receiver, "/bad", NULL);
  g_autoptr(ThumbingItem) item = result_item ();
  g_autoptr(GError) error = NULL;
  g_autoptr(ThumbingItem) result = thumbing_test_process (webhook, item, &error);

  g_assert_null (result);
  g_assert_nonnull (strstr (error->message, "HTTP 400"));
  g_assert_cmpuint (receiver->requests->len, ==, 1);
}

static void
test_timeout (void)
{
  g_autoptr(Receiver) receiver = receiver_new ();
  g_autoptr(ThumbingElement) webhook = webhook_for (receiver, "/slow", "timeout=1 attempts=1");
  g_autoptr(ThumbingItem) item = result_item ();
  g_autoptr(GError) error = NULL;
  g_autoptr(ThumbingItem) result = thumbing_test_process (webhook, item, &error);

  g_assert_null (result);
  g_assert_nonnull (strstr (error->message, "no answer within 1 s"));
}

static void
on_warn (ThumbingElement *element,
         const char      *message,
         char           **warning)
{
  g_free (*warning);
  *warning = g_strdup (message);
}

static void
test_dead_letter (void)
{
  g_autoptr(Receiver) receiver = receiver_new ();
  g_autofree char *folder = thumbing_test_make_tempdir ();
  g_autofree char *settings = g_strdup_printf ("attempts=2 dead-letter=%s", folder);
  g_autoptr(ThumbingElement) webhook = webhook_for (receiver, "/ok;/down", settings);
  g_autoptr(ThumbingItem) item = result_item ();
  g_autoptr(GError) error = NULL;
  g_autoptr(ThumbingItem) result = NULL;
  g_autoptr(GDir) dir = NULL;
  g_autofree char *path = NULL;
  g_autofree char *text = NULL;
  g_autoptr(JsonNode) record = NULL;
  g_autofree char *warning = NULL;
  JsonObject *object;

  g_signal_connect (webhook, "warning", G_CALLBACK (on_warn), &warning);
  result = thumbing_test_process (webhook, item, &error);
  while (warning == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_assert_nonnull (strstr (warning, "1 webhook deliveries failed; recorded in"));
  g_assert_no_error (error);
  g_assert_true (result == item);
  g_assert_cmpuint (count_for (receiver, "/ok"), ==, 1);
  g_assert_cmpuint (count_for (receiver, "/down"), ==, 2);

  g_assert_cmpuint (thumbing_test_count_files (folder), ==, 1);
  dir = g_dir_open (folder, 0, NULL);
  path = g_build_filename (folder, g_dir_read_name (dir), NULL);
  g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
  record = json_from_string (text, &error);
  g_assert_no_error (error);
  object = json_node_get_object (record);
  g_assert_true (g_str_has_suffix (json_object_get_string_member (object, "url"), "/down"));
  g_assert_nonnull (strstr (json_object_get_string_member (object, "error"), "HTTP 500"));
  g_assert_cmpint (json_object_get_int_member (object, "attempts"), ==, 2);
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (json_object_get_object_member (
                     object, "document"), "output"), "location"), ==, "sub/photo.png");
  g_assert_null (strstr (text, SECRET));
  thumbing_test_remove_tree (folder);
}

static void
test_private_addresses_refused (void)
{
  const char *urls[] = {
    "http://127.0.0.1/hook", "http://10.1.2.3/hook", "http://192.168.0.10/hook", "http://172.20.0.1/hook",
    "http://169.254.169.254/latest/meta-data/", "http://[::1]/hook", "http://[fd00::1]/hook",
    "http://[::ffff:127.0.0.1]/hook", "http://100.64.0.1/hook", "http://0.0.0.0/hook", "http://localhost/hook",
    /* The rest of IANA's special-purpose blocks, and IPv4 inside IPv6. */
    "http://192.0.0.192/hook", "http://198.18.0.1/hook", "http://198.19.255.1/hook", "http://240.0.0.1/hook",
    "http://255.255.255.255/hook", "http://192.0.2.1/hook", "http://203.0.113.7/hook", "http://224.0.0.1/hook",
    "http://[64:ff9b::7f00:1]/hook", "http://[64:ff9b::a9fe:a9fe]/hook", "http://[2002:c0a8:0101::1]/hook",
    "http://[2002:7f00:1::]/hook", "http://[2001:db8::1]/hook", "http://[fe80::1]/hook", "http://[ff02::1]/hook",
    "http://[::]/hook", "http://[2001::1]/hook",
  };

  for (guint i = 0; i < G_N_ELEMENTS (urls); i++)
    {
      g_autofree char *settings = g_strdup_printf ("webhook secret=" SECRET " urls=%s", urls[i]);
      g_autoptr(GError) error = NULL;
      g_autoptr(ThumbingElement) webhook = thumbing_test_element (settings, &error);

      g_assert_null (webhook);
      g_assert_error (error, THUMBING_ERROR, THUMBING_ERROR_CONFIG);
      g_assert_nonnull (strstr (error->message, "allow-private"));
    }
}

/* Public addresses, and IPv6 forms that carry a public IPv4, pass. */
static void
test_public_addresses_allowed (void)
{
  const char *urls[] = {
    "https://93.184.216.34/hook", "https://[2606:2800:220:1:248:1893:25c8:1946]/hook",
    "https://[64:ff9b::5db8:d822]/hook", "https://[2002:5db8:d822::1]/hook", "https://hooks.example.com/hook",
  };

  for (guint i = 0; i < G_N_ELEMENTS (urls); i++)
    {
      g_autofree char *settings = g_strdup_printf ("webhook secret=" SECRET " urls=%s", urls[i]);
      g_autoptr(GError) error = NULL;
      g_autoptr(ThumbingElement) webhook = thumbing_test_element (settings, &error);

      g_assert_no_error (error);
      g_assert_nonnull (webhook);
    }
}

/* A name is checked where its connection lands, not only as written. */
static void
test_name_resolving_to_loopback_refused (void)
{
  g_autoptr(Receiver) receiver = receiver_new ();
  g_autofree char *settings = g_strdup_printf ("webhook secret=" SECRET " attempts=3 backoff=10 urls=http://localhost.:%u/ok",
                                               receiver->port);
  g_autoptr(GError) error = NULL;
  g_autoptr(ThumbingElement) webhook = thumbing_test_element (settings, &error);
  g_autoptr(ThumbingItem) item = result_item ();
  g_autoptr(ThumbingItem) result = NULL;

  g_assert_no_error (error);
  result = thumbing_test_process (webhook, item, &error);
  g_assert_null (result);
  g_assert_nonnull (strstr (error->message, "refused: the host resolves to 127.0.0.1"));
  g_assert_nonnull (strstr (error->message, "after 1 attempts"));
  g_assert_cmpuint (receiver->requests->len, ==, 0);
}

static void
test_settings_refused (void)
{
  const char *bad[][2] = {
    { "webhook secret=" SECRET " urls=ftp://example.com/x", "not an http:// or https:// URL" },
    { "webhook secret=short urls=https://example.com/x", "at least 16 characters" },
    { "webhook secret=" SECRET " urls=https://", "not an http:// or https:// URL" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(ThumbingElement) webhook = thumbing_test_element (bad[i][0], &error);

      g_assert_null (webhook);
      g_assert_nonnull (strstr (error->message, bad[i][1]));
    }
}

int
main (int   argc,
      char *argv[])
{
  thumbing_test_init (&argc, &argv);
  g_test_add_func ("/webhook/signed-document", test_signed_document);
  g_test_add_func ("/webhook/retries-then-succeeds", test_retries_then_succeeds);
  g_test_add_func ("/webhook/honours-retry-after", test_honours_retry_after);
  g_test_add_func ("/webhook/gives-up", test_gives_up_and_fails_the_item);
  g_test_add_func ("/webhook/client-error-not-retried", test_client_error_is_not_retried);
  g_test_add_func ("/webhook/timeout", test_timeout);
  g_test_add_func ("/webhook/dead-letter", test_dead_letter);
  g_test_add_func ("/webhook/private-addresses-refused", test_private_addresses_refused);
  g_test_add_func ("/webhook/public-addresses-allowed", test_public_addresses_allowed);
  g_test_add_func ("/webhook/name-resolving-to-loopback-refused", test_name_resolving_to_loopback_refused);
  g_test_add_func ("/webhook/settings-refused", test_settings_refused);
  return g_test_run ();
}
