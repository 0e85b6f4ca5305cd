/* test-aws-credentials.c: container and instance-metadata credentials, cached and refreshed
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "config.h"

#include <string.h>

#include "thumbing-test-aws.h"
#include "thumbing-test-util.h"

static const char * const variables[] = {
  "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE",
  "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "AWS_CONTAINER_CREDENTIALS_FULL_URI",
  "AWS_CONTAINER_AUTHORIZATION_TOKEN", "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE",
  "AWS_EC2_METADATA_DISABLED", "AWS_EC2_METADATA_SERVICE_ENDPOINT",
};

typedef struct
{
  SoupServer *server;
  char       *base;
  guint       fetches;
  guint       minutes_valid;
  guint       revoked;      /* keys up to ASIA<revoked> are refused */
  char       *last_authorization;
  char       *last_security_token;
  char       *dir;
} Fake;

static void
credentials_json (Fake *fake, SoupServerMessage *msg, const char *token)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr(GDateTime) expiry = g_date_time_add_minutes (now, fake->minutes_valid);
  g_autofree char *expires = g_date_time_format_iso8601 (expiry);
  g_autofree char *body = g_strdup_printf ("{\"Code\":\"Success\",\"AccessKeyId\":\"ASIA%u\",\"SecretAccessKey\":\"secret\","
                                           "\"Token\":\"%s\",\"Expiration\":\"%s\"}", fake->fetches, token, expires);

  soup_server_message_set_status (msg, 200, NULL);
  soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_COPY, body, strlen (body));
}

/* N of the ASIA<N> key an Authorization header signs with; 0 for none. */
static guint
key_number (const char *authorization)
{
  const char *key = authorization != NULL ? strstr (authorization, "Credential=ASIA") : NULL;

  return key != NULL ? (guint) g_ascii_strtoull (key + strlen ("Credential=ASIA"), NULL, 10) : 0;
}

static void
handle (SoupServer *server, SoupServerMessage *msg, const char *path, GHashTable *query, gpointer user_data)
{
  Fake *fake = user_data;
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);
  const char *method = soup_server_message_get_method (msg);
  const char *imds_token = soup_message_headers_get_one (headers, "X-aws-ec2-metadata-token");

  g_free (fake->last_authorization);
  fake->last_authorization = g_strdup (soup_message_headers_get_one (headers, "Authorization"));
  g_free (fake->last_security_token);
  fake->last_security_token = g_strdup (soup_message_headers_get_one (headers, "X-Amz-Security-Token"));

  if (strcmp (path, "/container") == 0)
    {
      if (g_strcmp0 (fake->last_authorization, "agent-secret") != 0)
        {
          soup_server_message_set_status (msg, 401, NULL);
          return;
        }
      fake->fetches++;
      credentials_json (fake, msg, "container-session");
    }
  else if (strcmp (path, "/latest/api/token") == 0 && strcmp (method, "PUT") == 0
           && soup_message_headers_get_one (headers, "X-aws-ec2-metadata-token-ttl-seconds") != NULL)
    {
      soup_server_message_set_status (msg, 200, NULL);
      soup_server_message_set_response (msg, "text/plain", SOUP_MEMORY_STATIC, "imds-token", 10);
    }
  else if (g_strcmp0 (imds_token, "imds-token") != 0 && g_str_has_prefix (path, "/latest/"))
    soup_server_message_set_status (msg, 401, NULL);
  else if (strcmp (path, "/latest/meta-data/iam/security-credentials/") == 0)
    {
      soup_server_message_set_status (msg, 200, NULL);
      soup_server_message_set_response (msg, "text/plain", SOUP_MEMORY_STATIC, "thumbing-role\n", 14);
    }
  else if (strcmp (path, "/latest/meta-data/iam/security-credentials/thumbing-role") == 0)
    {
      fake->fetches++;
      credentials_json (fake, msg, "instance-session");
    }
  else if (fake->revoked > 0 && key_number (fake->last_authorization) <= fake->revoked)
    {
      static const char expired[] = "<Error><Code>ExpiredToken</Code>"
                                    "<Message>The provided token has expired.</Message></Error>";

      soup_server_message_set_status (msg, 400, NULL);
      soup_server_message_set_response (msg, "application/xml", SOUP_MEMORY_STATIC, expired, strlen (expired));
    }
  else
    {
      soup_server_message_set_status (msg, 200, NULL);
      soup_server_message_set_response (msg, "text/plain", SOUP_MEMORY_STATIC, "ok", 2);
    }
}

static void
fake_set_up (Fake *fake, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  GSList *uris;
  g_autofree char *uri = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (variables); i++)
    g_unsetenv (variables[i]);
  fake->dir = thumbing_test_make_tempdir ();
  /* No profile files: the chain must come to the services. */
  g_setenv ("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent/credentials", TRUE);
  g_setenv ("AWS_CONFIG_FILE", "/nonexistent/config", TRUE);
  fake->minutes_valid = 60;
  fake->server = soup_server_new (NULL, NULL);
  soup_server_add_handler (fake->server, NULL, handle, fake, NULL);
  g_assert_true (soup_server_listen_local (fake->server, 0, SOUP_SERVER_LISTEN_IPV4_ONLY, &error));
  uris = soup_server_get_uris (fake->server);
  uri = g_uri_to_string (uris->data);
  fake->base = g_strndup (uri, strlen (uri) - 1);
  g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);
}

static void
fake_tear_down (Fake *fake, gconstpointer data)
{
  soup_server_disconnect (fake->server);
  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_object_unref (fake->server);
  thumbing_test_remove_tree (fake->dir);
  g_free (fake->dir);
  g_free (fake->base);
  g_free (fake->last_authorization);
  g_free (fake->last_security_token);
}

typedef struct
{
  gboolean                done;
  ThumbingAwsCredentials *credentials;
  GError                 *error;
} Got;

static void
on_got (GObject *object, GAsyncResult *result, gpointer user_data)
{
  Got *got = user_data;

  got->credentials = thumbing_aws_credentials_provider_get_finish (NULL, result, &got->error);
  got->done = TRUE;
}

static ThumbingAwsCredentials *
get (ThumbingAwsCredentialsProvider *provider, GError **error)
{
  Got got = { FALSE, NULL, NULL };

  thumbing_aws_credentials_provider_get_async (provider, NULL, on_got, &got);
  while (!got.done)
    g_main_context_iteration (NULL, TRUE);
  if (got.error != NULL)
    g_propagate_error (error, got.error);
  return got.credentials;
}

static ThumbingAwsCredentialsProvider *
chain (GError **error)
{
  g_autoptr(ThumbingAwsConfig) config = thumbing_aws_config_load (error);

  g_assert_nonnull (config);
  return thumbing_aws_credentials_provider_new_chain (config, error);
}

static void
test_container_credentials (Fake *fake, gconstpointer data)
{
  g_autofree char *url = g_strconcat (fake->base, "/container", NULL);
  g_autofree char *token_file = g_build_filename (fake->dir, "token", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(ThumbingAwsCredentialsProvider) provider = NULL;
  g_autoptr(ThumbingAwsCredentials) first = NULL, second = NULL;

  g_assert_true (g_file_set_contents (token_file, "agent-secret\n", -1, NULL));
  g_setenv ("AWS_CONTAINER_CREDENTIALS_FULL_URI", url, TRUE);
  g_setenv ("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE", token_file, TRUE);
  provider = chain (&error);
  g_assert_no_error (error);
  g_assert_cmpstr (thumbing_aws_credentials_provider_describe (provider), ==, "container credentials");

  first = get (provider, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (first->access_key_id, ==, "ASIA1");
  g_assert_cmpstr (first->session_token, ==, "container-session");
  g_assert_nonnull (first->expiration);
  /* Valid for an hour: the second request is served from the cache. */
  second = get (provider, &error);
  g_assert_true (second == first);
  g_assert_cmpuint (fake->fetches, ==, 1);
}

static void
test_refreshed_before_expiry (Fake *fake, gconstpointer data)
{
  g_autofree char *url = g_strconcat (fake->base, "/container", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(ThumbingAwsCredentialsProvider) provider = NULL;
  g_autoptr(ThumbingAwsCredentials) first = NULL, second = NULL;

  g_setenv ("AWS_CONTAINER_CREDENTIALS_FULL_URI", url, TRUE);
  g_setenv ("AWS_CONTAINER_AUTHORIZATION_TOKEN", "agent-secret", TRUE);
  fake->minutes_valid = 3;   /* inside the five-minute margin */
  provider = chain (&error);
  first = get (provider, &error);
  second = get (provider, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (fake->fetches, ==, 2);
  g_assert_cmpstr (second->access_key_id, ==, "ASIA2");
}

static void
test_container_refusals (Fake *fake, gconstpointer data)
{
  g_autofree char *url = g_strconcat (fake->base, "/container", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(ThumbingAwsCredentialsProvider) provider = NULL;
  g_autoptr(ThumbingAwsCredentials) credentials = NULL;

  g_setenv ("AWS_CONTAINER_CREDENTIALS_FULL_URI", url, TRUE);
  g_setenv ("AWS_CONTAINER_AUTHORIZATION_TOKEN", "wrong", TRUE);
  provider = chain (&error);
  credentials = get (provider, &error);
  g_assert_null (credentials);
  g_assert_error (error, THUMBING_AWS_ERROR, THUMBING_AWS_ERROR_ACCESS_DENIED);
  g_clear_error (&error);
  g_clear_pointer (&provider, thumbing_aws_credentials_provider_unref);

  /* Credentials are never fetched in clear text from just anywhere. */
  g_setenv ("AWS_CONTAINER_CREDENTIALS_FULL_URI", "http://example.com/credentials", TRUE);
  provider = chain (&error);
  g_assert_null (provider);
  g_assert_error (error, THUMBING_ERROR, THUMBING_ERROR_CONFIG);
}

static void
test_instance_metadata (Fake *fake, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(ThumbingAwsCredentialsProvider) provider = NULL;
  g_autoptr(ThumbingAwsCredentials) credentials = NULL;

  g_setenv ("AWS_EC2_METADATA_SERVICE_ENDPOINT", fake->base, TRUE);
  provider = chain (&error);
  g_assert_cmpstr (thumbing_aws_credentials_provider_describe (provider), ==, "instance metadata (IMDSv2)");
  credentials = get (provider, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (credentials->session_token, ==, "instance-session");
}

static void
test_nothing_found (Fake *fake, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(ThumbingAwsCredentialsProvider) provider = NULL;

  g_setenv ("AWS_EC2_METADATA_DISABLED", "true", TRUE);
  provider = chain (&error);
  g_assert_null (provider);
  g_assert_no_error (error);
}

static void
test_client_signs_with_the_session_token (Fake *fake, gconstpointer data)
{
  g_autofree char *url = g_strconcat (fake->base, "/container", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(ThumbingAwsCredentialsProvider) provider = NULL;
  g_autoptr(ThumbingAwsClient) client = NULL;
  g_autoptr(ThumbingAwsResponse) response = NULL;

  g_setenv ("AWS_CONTAINER_CREDENTIALS_FULL_URI", url, TRUE);
  g_setenv ("AWS_CONTAINER_AUTHORIZATION_TOKEN", "agent-secret", TRUE);
  provider = chain (&error);
  client = thumbing_aws_client_new_with_provider ("s3", fake->base, "eu-west-1", provider);
  response = thumbing_test_aws_send (client, thumbing_aws_request_new ("GET", "", "/bucket/key"), &error);
  g_assert_no_error (error);
  g_assert_nonnull (response);
  g_assert_true (g_str_has_prefix (fake->last_authorization, "AWS4-HMAC-SHA256 Credential=ASIA1/"));
  g_assert_nonnull (strstr (fake->last_authorization, "x-amz-security-token"));
  g_assert_cmpstr (fake->last_security_token, ==, "container-session");
}

/* A session revoked before the expiry it came with: the request that is
 * refused fetches new credentials once and goes through with them. */
static void
test_expired_token_renews_once (Fake *fake, gconstpointer data)
{
  g_autofree char *url = g_strconcat (fake->base, "/container", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(ThumbingAwsCredentialsProvider) provider = NULL;
  g_autoptr(ThumbingAwsClient) client = NULL;
  g_autoptr(ThumbingAwsResponse) before = NULL, after = NULL, refused = NULL;

  g_setenv ("AWS_CONTAINER_CREDENTIALS_FULL_URI", url, TRUE);
  g_setenv ("AWS_CONTAINER_AUTHORIZATION_TOKEN", "agent-secret", TRUE);
  provider = chain (&error);
  client = thumbing_aws_client_new_with_provider ("s3", fake->base, "eu-west-1", provider);
  thumbing_aws_client_set_retries (client, 4, 1, 5);
  before = thumbing_test_aws_send (client, thumbing_aws_request_new ("GET", "", "/bucket/key"), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (fake->fetches, ==, 1);

  fake->revoked = 1;
  after = thumbing_test_aws_send (client, thumbing_aws_request_new ("GET", "", "/bucket/key"), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (after->status, ==, 200);
  g_assert_cmpuint (fake->fetches, ==, 2);
  g_assert_cmpuint (key_number (fake->last_authorization), ==, 2);

  /* New credentials that are refused too: one renewal, then the error. */
  fake->revoked = G_MAXUINT;
  refused = thumbing_test_aws_send (client, thumbing_aws_request_new ("GET", "", "/bucket/key"), &error);
  g_assert_null (refused);
  g_assert_error (error, THUMBING_AWS_ERROR, THUMBING_AWS_ERROR_ACCESS_DENIED);
  g_assert_nonnull (strstr (error->message, "ExpiredToken"));
  g_assert_cmpuint (fake->fetches, ==, 3);
}

int
main (int    argc,
      char **argv)
{
  thumbing_test_init (&argc, &argv);
#define ADD(path, func) g_test_add (path, Fake, NULL, fake_set_up, func, fake_tear_down)
  ADD ("/aws-credentials/container", test_container_credentials);
  ADD ("/aws-credentials/refreshed-before-expiry", test_refreshed_before_expiry);
  ADD ("/aws-credentials/container-refusals", test_container_refusals);
  ADD ("/aws-credentials/instance-metadata", test_instance_metadata);
  ADD ("/aws-credentials/nothing-found", test_nothing_found);
  ADD ("/aws-credentials/client-signs-with-the-session-token", test_client_signs_with_the_session_token);
  ADD ("/aws-credentials/expired-token-renews-once", test_expired_token_renews_once);
  return g_test_run ();
}
