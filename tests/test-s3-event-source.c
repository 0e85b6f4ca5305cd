/* test-s3-event-source.c: pushed S3 events and signed SNS messages, over real HTTP
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The tests play SNS: they make an RSA key and certificate, serve the
 * certificate over HTTPS, and sign messages as AWS documents it.
 */
#include "config.h"

#include <string.h>

#include <json-glib/json-glib.h>
#include <libsoup/soup.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "thumbing-test-util.h"

#define TOPIC        "arn:aws:sns:eu-west-1:123456789012:uploads"
#define OTHER_TOPIC  "arn:aws:sns:eu-west-1:123456789012:someone-elses"
#define TOKEN        "s3-webhook-token-0123456789"
#define SECRET       "whsec-0123456789abcdef"

typedef struct
{
  char             *folder;
  char             *ca_file;
  EVP_PKEY         *key;
  EVP_PKEY         *other_key;
  SoupServer       *https;
  guint             https_port;
  guint             subscribed;
  guint             hooks;
  guint             warnings;      /* about dot segments */
  ThumbingPipeline *pipeline;
  guint             port;
  SoupSession      *client;
} Fixture;

/* Made once: key generation is slow under valgrind. */
static EVP_PKEY *signing_key;
static EVP_PKEY *other_signing_key;

static EVP_PKEY *
make_key (void)
{
  EVP_PKEY *key = EVP_RSA_gen (2048);

  g_assert_nonnull (key);
  return key;
}

/* A self-signed certificate for 127.0.0.1, its own CA. */
static char *
make_certificate_pem (EVP_PKEY *key)
{
  X509 *certificate = X509_new ();
  X509_NAME *name;
  X509_EXTENSION *extension;
  X509V3_CTX context;
  BIO *bio = BIO_new (BIO_s_mem ());
  char *data;
  long length;
  char *pem;

  X509_set_version (certificate, 2);
  ASN1_INTEGER_set (X509_get_serialNumber (certificate), g_random_int_range (1, G_MAXINT32));
  X509_gmtime_adj (X509_getm_notBefore (certificate), -3600);
  X509_gmtime_adj (X509_getm_notAfter (certificate), 86400);
  X509_set_pubkey (certificate, key);
  name = X509_get_subject_name (certificate);
  X509_NAME_add_entry_by_txt (name, "CN", MBSTRING_ASC, (const guchar *) "127.0.0.1", -1, -1, 0);
  X509_set_issuer_name (certificate, name);
  X509V3_set_ctx (&context, certificate, certificate, NULL, NULL, 0);
  extension = X509V3_EXT_conf_nid (NULL, &context, NID_subject_alt_name, "IP:127.0.0.1");
  X509_add_ext (certificate, extension, -1);
  X509_EXTENSION_free (extension);
  extension = X509V3_EXT_conf_nid (NULL, &context, NID_basic_constraints, "critical,CA:TRUE");
  X509_add_ext (certificate, extension, -1);
  X509_EXTENSION_free (extension);
  g_assert_cmpint (X509_sign (certificate, key, EVP_sha256 ()), >, 0);

  PEM_write_bio_X509 (bio, certificate);
  length = BIO_get_mem_data (bio, &data);
  pem = g_strndup (data, length);
  BIO_free (bio);
  X509_free (certificate);
  return pem;
}

static char *
key_pem (EVP_PKEY *key)
{
  BIO *bio = BIO_new (BIO_s_mem ());
  char *data;
  long length;
  char *pem;

  PEM_write_bio_PrivateKey (bio, key, NULL, NULL, 0, NULL, NULL);
  length = BIO_get_mem_data (bio, &data);
  pem = g_strndup (data, length);
  BIO_free (bio);
  return pem;
}

static void
handle_https (SoupServer        *server,
              SoupServerMessage *message,
              const char        *path,
              GHashTable        *query,
              gpointer           data)
{
  Fixture *f = data;

  if (strcmp (path, "/cert.pem") == 0)
    {
      g_autofree char *pem = NULL;

      g_assert_true (g_file_get_contents (f->ca_file, &pem, NULL, NULL));
      soup_server_message_set_status (message, 200, NULL);
      soup_server_message_set_response (message, "application/x-pem-file", SOUP_MEMORY_COPY, pem, strlen (pem));
    }
  else if (strcmp (path, "/subscribe") == 0)
    {
      f->subscribed++;
      soup_server_message_set_status (message, 200, NULL);
    }
  else if (strcmp (path, "/hook/ok") == 0)
    {
      f->hooks++;
      soup_server_message_set_status (message, 200, NULL);
    }
  else
    soup_server_message_set_status (message, 500, NULL);
}

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_autofree char *certificate = NULL;
  g_autofree char *private_key = NULL;
  g_autofree char *both = NULL;
  g_autoptr(GTlsCertificate) tls = NULL;
  g_autoptr(GError) error = NULL;
  GSList *uris;

  f->folder = thumbing_test_make_tempdir ();
  f->key = EVP_PKEY_dup (signing_key);
  f->other_key = EVP_PKEY_dup (other_signing_key);
  certificate = make_certificate_pem (f->key);
  private_key = key_pem (f->key);
  f->ca_file = g_build_filename (f->folder, "ca.pem", NULL);
  g_assert_true (g_file_set_contents (f->ca_file, certificate, -1, NULL));
  both = g_strconcat (certificate, private_key, NULL);
  tls = g_tls_certificate_new_from_pem (both, -1, &error);
  g_assert_no_error (error);

  f->https = soup_server_new ("tls-certificate", tls, NULL);
  soup_server_add_handler (f->https, NULL, handle_https, f, NULL);
  soup_server_listen_local (f->https, 0, SOUP_SERVER_LISTEN_IPV4_ONLY | SOUP_SERVER_LISTEN_HTTPS, &error);
  g_assert_no_error (error);
  uris = soup_server_get_uris (f->https);
  f->https_port = g_uri_get_port (uris->data);
  g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);
  f->client = soup_session_new ();
}

static void
on_warning (ThumbingPipeline *pipeline,
            const char       *message,
            Fixture          *f)
{
  if (strstr (message, "“..” segment") != NULL)
    f->warnings++;
}

static void
start_pipeline (Fixture    *f,
                const char *hook)
{
  g_autofree char *description =
    g_strdup_printf ("s3-event-source name=events port=0 prefix=uploads/ token=" TOKEN " topic-arns=" TOPIC
                     " trust-certificate-url=https://127.0.0.1:%u/ ca-file=%s"
                     " ! webhook urls=https://127.0.0.1:%u%s ca-file=%s allow-private=true attempts=1 secret=" SECRET,
                     f->https_port, f->ca_file, f->https_port, hook, f->ca_file);
  g_autoptr(GError) error = NULL;

  f->pipeline = thumbing_pipeline_new_from_launch (description, &error);
  g_assert_no_error (error);
  g_signal_connect (f->pipeline, "warning", G_CALLBACK (on_warning), f);
  thumbing_pipeline_start (f->pipeline, &error);
  g_assert_no_error (error);
  g_object_get (thumbing_pipeline_get_element (f->pipeline, "events"), "port", &f->port, NULL);
  g_assert_cmpuint (f->port, >, 0);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  if (f->pipeline != NULL)
    {
      thumbing_pipeline_stop (f->pipeline);
      while (thumbing_pipeline_is_running (f->pipeline))
        g_main_context_iteration (NULL, TRUE);
      g_object_unref (f->pipeline);
    }
  g_object_unref (f->client);
  soup_server_disconnect (f->https);
  g_object_unref (f->https);
  EVP_PKEY_free (f->key);
  EVP_PKEY_free (f->other_key);
  thumbing_test_remove_tree (f->folder);
  g_free (f->folder);
  g_free (f->ca_file);
}

typedef struct
{
  gboolean  done;
  guint     status;
  GBytes   *body;
} Answer;

static void
on_answer (GObject      *object,
           GAsyncResult *result,
           gpointer      data)
{
  Answer *answer = data;

  answer->body = soup_session_send_and_read_finish (SOUP_SESSION (object), result, NULL);
  answer->status = soup_message_get_status (soup_session_get_async_result_message (SOUP_SESSION (object), result));
  answer->done = TRUE;
}

/* POSTs @body with @header_name: @header_value; returns the status. */
static guint
post (Fixture    *f,
      const char *method,
      const char *body,
      const char *header_name,
      const char *header_value)
{
  g_autofree char *url = g_strdup_printf ("http://127.0.0.1:%u/events", f->port);
  g_autoptr(SoupMessage) message = soup_message_new (method, url);
  g_autoptr(GBytes) bytes = g_bytes_new (body, strlen (body));
  Answer answer = { FALSE, 0, NULL };

  if (header_name != NULL)
    soup_message_headers_replace (soup_message_get_request_headers (message), header_name, header_value);
  if (strcmp (method, "POST") == 0)
    soup_message_set_request_body_from_bytes (message, "application/json", bytes);
  soup_session_send_and_read_async (f->client, message, G_PRIORITY_DEFAULT, NULL, on_answer, &answer);
  while (!answer.done)
    g_main_context_iteration (NULL, TRUE);
  g_clear_pointer (&answer.body, g_bytes_unref);
  return answer.status;
}

#define S3_EVENT(key) \
  "{\"Records\":[{\"eventVersion\":\"2.1\",\"eventSource\":\"aws:s3\",\"awsRegion\":\"eu-west-1\"," \
  "\"eventName\":\"ObjectCreated:Put\",\"s3\":{\"bucket\":{\"name\":\"photos\"}," \
  "\"object\":{\"key\":\"" key "\",\"size\":5,\"eTag\":\"abc\"}}}]}"

/* The string to sign, written from AWS's documentation independently of
 * the element's code. */
static char *
sign_message (EVP_PKEY   *key,
              const char *version,
              const char *type,
              const char *message,
              const char *subscribe_url,
              const char *message_id,
              const char *timestamp)
{
  gboolean confirmation = strcmp (type, "Notification") != 0;
  g_autofree char *text = NULL;
  EVP_MD_CTX *context = EVP_MD_CTX_new ();
  guchar signature[512];
  gsize length = sizeof signature;

  if (confirmation)
    text = g_strdup_printf ("Message\n%s\nMessageId\n%s\nSubscribeURL\n%s\nTimestamp\n%s\n"
                            "Token\ntok-1\nTopicArn\n" TOPIC "\nType\n%s\n", message, message_id, subscribe_url,
                            timestamp, type);
  else
    text = g_strdup_printf ("Message\n%s\nMessageId\n%s\nSubject\nAmazon S3 Notification\n"
                            "Timestamp\n%s\nTopicArn\n" TOPIC "\nType\n%s\n", message, message_id, timestamp, type);
  g_assert_cmpint (EVP_DigestSignInit (context, NULL, strcmp (version, "1") == 0 ? EVP_sha1 () : EVP_sha256 (),
                                       NULL, key), ==, 1);
  g_assert_cmpint (EVP_DigestSign (context, signature, &length, (const guchar *) text, strlen (text)), ==, 1);
  EVP_MD_CTX_free (context);
  return g_base64_encode (signature, length);
}

typedef struct
{
  const char *version;
  const char *type;
  const char *topic;
  const char *certificate_url;   /* NULL: the test server's */
  gboolean    other_key;
  gboolean    tamper;
  const char *message_id;        /* NULL: a new one */
  gint64      age;               /* seconds before now it was sent */
} SnsCase;

static char *
sns_body (Fixture       *f,
          const SnsCase *c)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonNode) root = NULL;
  gboolean confirmation = strcmp (c->type, "Notification") != 0;
  const char *message = confirmation ? "You have chosen to subscribe" : S3_EVENT ("uploads/a.jpg");
  g_autofree char *subscribe = g_strdup_printf ("https://127.0.0.1:%u/subscribe?Token=tok-1", f->https_port);
  g_autofree char *certificate = c->certificate_url != NULL ? g_strdup (c->certificate_url)
                                                            : g_strdup_printf ("https://127.0.0.1:%u/cert.pem", f->https_port);
  static guint sent;
  g_autofree char *message_id = c->message_id != NULL ? g_strdup (c->message_id) : g_strdup_printf ("m-%u", ++sent);
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr(GDateTime) when = g_date_time_add_seconds (now, (double) -c->age);
  g_autofree char *timestamp = g_date_time_format_iso8601 (when);
  g_autofree char *signature = sign_message (c->other_key ? f->other_key : f->key, c->version, c->type, message,
                                             subscribe, message_id, timestamp);

  json_builder_begin_object (builder);
#define MEMBER(name, value) G_STMT_START { json_builder_set_member_name (builder, name); json_builder_add_string_value (builder, value); } G_STMT_END
  MEMBER ("Type", c->type);
  MEMBER ("MessageId", message_id);
  MEMBER ("TopicArn", c->topic != NULL ? c->topic : TOPIC);
  if (confirmation)
    {
      MEMBER ("Token", "tok-1");
      MEMBER ("SubscribeURL", subscribe);
    }
  else
    MEMBER ("Subject", "Amazon S3 Notification");
  MEMBER ("Message", c->tamper ? S3_EVENT ("uploads/other.jpg") : message);
  MEMBER ("Timestamp", timestamp);
  MEMBER ("SignatureVersion", c->version);
  MEMBER ("Signature", signature);
  MEMBER ("SigningCertURL", certificate);
#undef MEMBER
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  json_generator_set_root (generator, root);
  return json_generator_to_data (generator, NULL);
}

static guint
post_sns (Fixture       *f,
          const SnsCase *c)
{
  g_autofree char *body = sns_body (f, c);

  return post (f, "POST", body, "x-amz-sns-message-type", c->type);
}

static void
test_bare_events (Fixture *f, gconstpointer data)
{
  start_pipeline (f, "/hook/ok");

  g_assert_cmpuint (post (f, "POST", S3_EVENT ("uploads/a.jpg"), "Authorization", "Bearer " TOKEN), ==, 200);
  g_assert_cmpuint (thumbing_pipeline_get_n_succeeded (f->pipeline), ==, 1);
  g_assert_cmpuint (f->hooks, ==, 1);

  /* Outside the prefix: answered, nothing processed. */
  g_assert_cmpuint (post (f, "POST", S3_EVENT ("elsewhere/a.jpg"), "Authorization", "Bearer " TOKEN), ==, 200);
  g_assert_cmpuint (f->hooks, ==, 1);
  /* Under the prefix by text, outside it by meaning: refused, never fetched. */
  g_assert_cmpuint (post (f, "POST", S3_EVENT ("uploads/../private/secret.jpg"), "Authorization", "Bearer " TOKEN), ==, 200);
  g_assert_cmpuint (post (f, "POST", S3_EVENT ("uploads/./a.jpg"), "Authorization", "Bearer " TOKEN), ==, 200);
  g_assert_cmpuint (f->hooks, ==, 1);
  g_assert_cmpuint (thumbing_pipeline_get_n_succeeded (f->pipeline), ==, 1);
  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_assert_cmpuint (f->warnings, ==, 2);

  g_assert_cmpuint (post (f, "POST", S3_EVENT ("uploads/a.jpg"), NULL, NULL), ==, 401);
  g_assert_cmpuint (post (f, "POST", S3_EVENT ("uploads/a.jpg"), "Authorization", "Bearer wrong"), ==, 401);
  /* The scheme is case-insensitive (RFC 9110); the token is not. */
  g_assert_cmpuint (post (f, "POST", S3_EVENT ("uploads/b.jpg"), "Authorization", "bearer " TOKEN), ==, 200);
  g_assert_cmpuint (f->hooks, ==, 2);
  g_assert_cmpuint (post (f, "POST", S3_EVENT ("uploads/a.jpg"), "Authorization", "Bearer " TOKEN "x"), ==, 401);
  g_assert_cmpuint (post (f, "POST", "{\"Records\": [", "Authorization", "Bearer " TOKEN), ==, 400);
  /* An SNS envelope must come with its header, to be verified. */
  g_assert_cmpuint (post (f, "POST", "{\"Type\":\"Notification\",\"Message\":\"{}\"}", "Authorization", "Bearer " TOKEN), ==, 400);
  g_assert_cmpuint (post (f, "GET", "", "Authorization", "Bearer " TOKEN), ==, 405);
  g_assert_cmpuint (f->hooks, ==, 2);
  g_assert_cmpuint (thumbing_pipeline_get_n_succeeded (f->pipeline), ==, 2);
}

static void
test_oversized_body (Fixture *f, gconstpointer data)
{
  g_autoptr(GString) big = g_string_new ("{\"Records\":[],\"padding\":\"");

  start_pipeline (f, "/hook/ok");
  while (big->len < 600 * 1024)
    g_string_append (big, "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx");
  g_string_append (big, "\"}");
  g_assert_cmpuint (post (f, "POST", big->str, "Authorization", "Bearer " TOKEN), ==, 413);
}

static void
test_failure_is_answered_500 (Fixture *f, gconstpointer data)
{
  start_pipeline (f, "/hook/down");
  g_assert_cmpuint (post (f, "POST", S3_EVENT ("uploads/a.jpg"), "Authorization", "Bearer " TOKEN), ==, 500);
  g_assert_cmpuint (thumbing_pipeline_get_n_failed (f->pipeline), ==, 1);
}

static void
test_signed_notifications (Fixture *f, gconstpointer data)
{
  SnsCase v1 = { "1", "Notification", NULL, NULL, FALSE, FALSE };
  SnsCase v2 = { "2", "Notification", NULL, NULL, FALSE, FALSE };

  start_pipeline (f, "/hook/ok");
  g_assert_cmpuint (post_sns (f, &v1), ==, 200);
  g_assert_cmpuint (post_sns (f, &v2), ==, 200);
  g_assert_cmpuint (f->hooks, ==, 2);
  g_assert_cmpuint (thumbing_pipeline_get_n_succeeded (f->pipeline), ==, 2);
}

/* A signed message stays valid: what makes a replay fail is its age and
 * its MessageId. */
static void
test_replayed_notifications (Fixture *f, gconstpointer data)
{
  SnsCase once = { "2", "Notification", NULL, NULL, FALSE, FALSE, "m-replayed", 0 };
  SnsCase old = { "2", "Notification", NULL, NULL, FALSE, FALSE, NULL, 2 * 3600 };
  SnsCase future = { "2", "Notification", NULL, NULL, FALSE, FALSE, NULL, -2 * 3600 };
  SnsCase recent = { "2", "Notification", NULL, NULL, FALSE, FALSE, NULL, 50 * 60 };

  start_pipeline (f, "/hook/ok");
  g_assert_cmpuint (post_sns (f, &once), ==, 200);
  g_assert_cmpuint (post_sns (f, &once), ==, 403);
  g_assert_cmpuint (post_sns (f, &old), ==, 403);
  g_assert_cmpuint (post_sns (f, &future), ==, 403);
  g_assert_cmpuint (post_sns (f, &recent), ==, 200);
  g_assert_cmpuint (f->hooks, ==, 2);
}

/* SNS delivers a failed message again under its MessageId: taken again. */
static void
test_failed_notification_is_taken_again (Fixture *f, gconstpointer data)
{
  SnsCase retried = { "2", "Notification", NULL, NULL, FALSE, FALSE, "m-retried", 0 };

  start_pipeline (f, "/hook/down");
  g_assert_cmpuint (post_sns (f, &retried), ==, 500);
  g_assert_cmpuint (post_sns (f, &retried), ==, 500);
  g_assert_cmpuint (thumbing_pipeline_get_n_failed (f->pipeline), ==, 2);
}

static void
test_refused_notifications (Fixture *f, gconstpointer data)
{
  const SnsCase refused[] = {
    { "2", "Notification", NULL, NULL, FALSE, TRUE },                                         /* tampered */
    { "2", "Notification", NULL, NULL, TRUE, FALSE },                                         /* another key */
    { "1", "Notification", NULL, "https://evil.example.com/cert.pem", FALSE, FALSE },         /* certificate host */
    { "2", "Notification", NULL, "https://sns.eu-west-1.amazonaws.com.evil.net/c.pem", FALSE, FALSE },
    { "2", "Notification", OTHER_TOPIC, NULL, FALSE, FALSE },                                 /* unknown topic */
    { "2", "SubscriptionConfirmation", OTHER_TOPIC, NULL, FALSE, FALSE },
  };

  start_pipeline (f, "/hook/ok");
  for (guint i = 0; i < G_N_ELEMENTS (refused); i++)
    g_assert_cmpuint (post_sns (f, &refused[i]), ==, 403);
  /* Signed with a version SNS does not have. */
  {
    SnsCase bad_version = { "3", "Notification", NULL, NULL, FALSE, FALSE };

    g_assert_cmpuint (post_sns (f, &bad_version), ==, 403);
  }
  g_assert_cmpuint (post (f, "POST", "{\"Type\":\"Notification\"}", "x-amz-sns-message-type", "Notification"), ==, 400);
  g_assert_cmpuint (f->hooks, ==, 0);
  g_assert_cmpuint (f->subscribed, ==, 0);
}

static void
test_subscription (Fixture *f, gconstpointer data)
{
  SnsCase subscribe = { "2", "SubscriptionConfirmation", NULL, NULL, FALSE, FALSE };
  SnsCase unsubscribe = { "1", "UnsubscribeConfirmation", NULL, NULL, FALSE, FALSE };

  start_pipeline (f, "/hook/ok");
  g_assert_cmpuint (post_sns (f, &subscribe), ==, 200);
  g_assert_cmpuint (f->subscribed, ==, 1);
  g_assert_cmpuint (post_sns (f, &unsubscribe), ==, 200);
  g_assert_cmpuint (f->subscribed, ==, 1);
  g_assert_cmpuint (f->hooks, ==, 0);
}

static void
test_settings_refused (void)
{
  const char *bad[][2] = {
    { "s3-event-source ! log", "nothing could send events" },
    { "s3-event-source token=t address=localhost ! log", "address: “localhost” is not an IP address" },
    { "s3-event-source token=t path=events ! log", "path: “events” does not start with /" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(ThumbingPipeline) pipeline = thumbing_pipeline_new_from_launch (bad[i][0], &error);

      g_assert_no_error (error);
      g_assert_false (thumbing_pipeline_check (pipeline, &error));
      if (strstr (error->message, bad[i][1]) == NULL)
        g_error ("“%s”: “%s” lacks “%s”", bad[i][0], error->message, bad[i][1]);
    }
}

int
main (int   argc,
      char *argv[])
{
  int status;

  thumbing_test_init (&argc, &argv);
#define ADD(path, func) g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("/s3-event-source/bare-events", test_bare_events);
  ADD ("/s3-event-source/oversized-body", test_oversized_body);
  ADD ("/s3-event-source/failure-is-answered-500", test_failure_is_answered_500);
  ADD ("/s3-event-source/signed-notifications", test_signed_notifications);
  ADD ("/s3-event-source/replayed-notifications", test_replayed_notifications);
  ADD ("/s3-event-source/failed-notification-is-taken-again", test_failed_notification_is_taken_again);
  ADD ("/s3-event-source/refused-notifications", test_refused_notifications);
  ADD ("/s3-event-source/subscription", test_subscription);
#undef ADD
  g_test_add_func ("/s3-event-source/settings-refused", test_settings_refused);
  signing_key = make_key ();
  other_signing_key = make_key ();
  status = g_test_run ();
  EVP_PKEY_free (signing_key);
  EVP_PKEY_free (other_signing_key);
  return status;
}
