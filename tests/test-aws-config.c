/* test-aws-config.c: credentials, region and endpoints as the AWS SDKs resolve them
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "config.h"

#include <string.h>

#include "thumbing-aws-config.h"
#include "thumbing-test-util.h"

static const char * const aws_variables[] = {
  "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE", "AWS_REGION",
  "AWS_DEFAULT_REGION", "AWS_SHARED_CREDENTIALS_FILE", "AWS_CONFIG_FILE", "AWS_ENDPOINT_URL",
  "AWS_ENDPOINT_URL_S3", "AWS_ENDPOINT_URL_SQS", "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS",
};

typedef struct
{
  char *dir;
  char *credentials;
  char *config;
} Fixture;

static void
fixture_set_up (Fixture *f, gconstpointer data)
{
  for (guint i = 0; i < G_N_ELEMENTS (aws_variables); i++)
    g_unsetenv (aws_variables[i]);
  f->dir = thumbing_test_make_tempdir ();
  f->credentials = g_build_filename (f->dir, "credentials", NULL);
  f->config = g_build_filename (f->dir, "config", NULL);
  g_setenv ("AWS_SHARED_CREDENTIALS_FILE", f->credentials, TRUE);
  g_setenv ("AWS_CONFIG_FILE", f->config, TRUE);
}

static void
fixture_tear_down (Fixture *f, gconstpointer data)
{
  thumbing_test_remove_tree (f->dir);
  g_free (f->dir);
  g_free (f->credentials);
  g_free (f->config);
}

static void
write_text (const char *path, const char *text)
{
  g_assert_true (g_file_set_contents (path, text, -1, NULL));
}

static ThumbingAwsConfig *
load (void)
{
  g_autoptr(GError) error = NULL;
  ThumbingAwsConfig *config = thumbing_aws_config_load (&error);

  g_assert_no_error (error);
  return config;
}

static void
test_environment_credentials (Fixture *f, gconstpointer data)
{
  g_autoptr(ThumbingAwsConfig) config = NULL;
  g_autoptr(ThumbingAwsCredentials) credentials = NULL;
  g_autoptr(GError) error = NULL;

  write_text (f->credentials, "[default]\naws_access_key_id = FILEKEY\naws_secret_access_key = filesecret\n");
  g_setenv ("AWS_ACCESS_KEY_ID", "ENVKEY", TRUE);
  g_setenv ("AWS_SECRET_ACCESS_KEY", "envsecret", TRUE);
  g_setenv ("AWS_SESSION_TOKEN", "envtoken", TRUE);
  config = load ();
  credentials = thumbing_aws_config_static_credentials (config, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (credentials->access_key_id, ==, "ENVKEY");
  g_assert_cmpstr (credentials->session_token, ==, "envtoken");
  g_assert_cmpstr (credentials->source, ==, "environment");

  g_clear_pointer (&credentials, thumbing_aws_credentials_unref);
  g_unsetenv ("AWS_SECRET_ACCESS_KEY");
  credentials = thumbing_aws_config_static_credentials (config, &error);
  g_assert_null (credentials);
  g_assert_error (error, THUMBING_ERROR, THUMBING_ERROR_CONFIG);
}

static void
test_profiles (Fixture *f, gconstpointer data)
{
  g_autoptr(ThumbingAwsConfig) config = NULL;
  g_autoptr(ThumbingAwsCredentials) credentials = NULL;
  g_autoptr(GError) error = NULL;

  write_text (f->credentials,
         "# shared credentials\n"
         "[default]\naws_access_key_id = DEFAULTKEY\naws_secret_access_key = defaultsecret\n"
         "; another comment\n"
         "[dev]\naws_access_key_id=DEVKEY\naws_secret_access_key=devsecret\naws_session_token = devtoken\n");
  write_text (f->config, "[default]\nregion = eu-west-1\n[profile dev]\nregion = ap-south-1\n"
                    "[profile ci]\naws_access_key_id = CIKEY\naws_secret_access_key = cisecret\n");

  config = load ();
  credentials = thumbing_aws_config_static_credentials (config, &error);
  g_assert_cmpstr (credentials->access_key_id, ==, "DEFAULTKEY");
  g_assert_null (credentials->session_token);
  g_clear_pointer (&credentials, thumbing_aws_credentials_unref);
  g_clear_pointer (&config, thumbing_aws_config_free);

  g_setenv ("AWS_PROFILE", "dev", TRUE);
  config = load ();
  credentials = thumbing_aws_config_static_credentials (config, &error);
  g_assert_cmpstr (credentials->access_key_id, ==, "DEVKEY");
  g_assert_cmpstr (credentials->session_token, ==, "devtoken");
  g_assert_true (g_str_has_prefix (credentials->source, "profile dev in "));
  g_assert_null (strstr (credentials->source, "devsecret"));
  g_clear_pointer (&credentials, thumbing_aws_credentials_unref);
  g_clear_pointer (&config, thumbing_aws_config_free);

  /* Keys may also stand in the config file's [profile NAME]. */
  g_setenv ("AWS_PROFILE", "ci", TRUE);
  config = load ();
  credentials = thumbing_aws_config_static_credentials (config, &error);
  g_assert_cmpstr (credentials->access_key_id, ==, "CIKEY");
  g_clear_pointer (&credentials, thumbing_aws_credentials_unref);
  g_clear_pointer (&config, thumbing_aws_config_free);

  /* A profile without keys leaves the chain to the next provider. */
  g_setenv ("AWS_PROFILE", "nobody", TRUE);
  config = load ();
  credentials = thumbing_aws_config_static_credentials (config, &error);
  g_assert_null (credentials);
  g_assert_no_error (error);
}

static void
test_half_a_profile_is_an_error (Fixture *f, gconstpointer data)
{
  g_autoptr(ThumbingAwsConfig) config = NULL;
  g_autoptr(ThumbingAwsCredentials) credentials = NULL;
  g_autoptr(GError) error = NULL;

  write_text (f->credentials, "[default]\naws_access_key_id = ONLYKEY\n");
  config = load ();
  credentials = thumbing_aws_config_static_credentials (config, &error);
  g_assert_null (credentials);
  g_assert_error (error, THUMBING_ERROR, THUMBING_ERROR_CONFIG);
  g_assert_true (g_str_has_suffix (error->message, "[default] needs both aws_access_key_id and aws_secret_access_key"));
}

static void
test_malformed_file (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(ThumbingAwsConfig) config = NULL;
  g_autofree char *expected = NULL;

  write_text (f->config, "[default]\nregion = eu-west-1\nthis line is wrong\n");
  config = thumbing_aws_config_load (&error);
  g_assert_null (config);
  g_assert_error (error, THUMBING_ERROR, THUMBING_ERROR_CONFIG);
  expected = g_strdup_printf ("%s:3: expected “key = value” inside a [section]", f->config);
  g_assert_cmpstr (error->message, ==, expected);
}

static void
test_region_order (Fixture *f, gconstpointer data)
{
  g_autoptr(ThumbingAwsConfig) config = NULL;
  g_autofree char *r1 = NULL, *r2 = NULL, *r3 = NULL;

  write_text (f->config, "[default]\nregion = eu-west-1\n");
  config = load ();
  r1 = thumbing_aws_config_get_region (config);
  g_setenv ("AWS_DEFAULT_REGION", "us-west-2", TRUE);
  r2 = thumbing_aws_config_get_region (config);
  g_setenv ("AWS_REGION", "eu-central-1", TRUE);
  r3 = thumbing_aws_config_get_region (config);
  g_assert_cmpstr (r1, ==, "eu-west-1");
  g_assert_cmpstr (r2, ==, "us-west-2");
  g_assert_cmpstr (r3, ==, "eu-central-1");
}

static char *
endpoint (ThumbingAwsConfig *config, const char *service, const char *configured, const char *region)
{
  g_autoptr(GError) error = NULL;
  char *value = thumbing_aws_config_get_endpoint (config, service, configured, region, &error);

  g_assert_no_error (error);
  return value;
}

static void
test_endpoint_order (Fixture *f, gconstpointer data)
{
  g_autoptr(ThumbingAwsConfig) config = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *e1 = NULL, *e2 = NULL, *e3 = NULL, *e4 = NULL, *e5 = NULL, *e6 = NULL, *e7 = NULL;
  g_autofree char *e8 = NULL, *bad = NULL, *none = NULL;

  write_text (f->config, "[default]\nservices = local\nendpoint_url = http://profile-wide:1\n"
                    "[services local]\ns3 =\n  endpoint_url = http://127.0.0.1:4569\n"
                    "  addressing_style = path\n");
  config = load ();

  e1 = endpoint (config, "s3", NULL, "us-east-1");
  g_assert_cmpstr (e1, ==, "http://127.0.0.1:4569");
  e2 = endpoint (config, "sqs", NULL, "us-east-1");
  g_assert_cmpstr (e2, ==, "http://profile-wide:1");
  e3 = endpoint (config, "s3", "http://from-property:2/", "us-east-1");
  g_assert_cmpstr (e3, ==, "http://from-property:2");
  g_setenv ("AWS_ENDPOINT_URL", "http://global:3", TRUE);
  e4 = endpoint (config, "s3", "http://from-property:2", "us-east-1");
  g_assert_cmpstr (e4, ==, "http://global:3");
  g_setenv ("AWS_ENDPOINT_URL_S3", "http://just-s3:4/prefix", TRUE);
  e5 = endpoint (config, "s3", "http://from-property:2", "us-east-1");
  g_assert_cmpstr (e5, ==, "http://just-s3:4/prefix");
  e6 = endpoint (config, "sqs", NULL, "us-east-1");
  g_assert_cmpstr (e6, ==, "http://global:3");

  g_setenv ("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "true", TRUE);
  e7 = endpoint (config, "sns", NULL, "eu-west-1");
  g_assert_cmpstr (e7, ==, "https://sns.eu-west-1.amazonaws.com");
  e8 = endpoint (config, "s3", NULL, "cn-north-1");
  g_assert_cmpstr (e8, ==, "https://s3.cn-north-1.amazonaws.com.cn");

  bad = thumbing_aws_config_get_endpoint (config, "s3", "ftp://nope", "us-east-1", &error);
  g_assert_null (bad);
  g_assert_error (error, THUMBING_ERROR, THUMBING_ERROR_CONFIG);
  g_assert_cmpstr (error->message, ==, "endpoint: “ftp://nope” is not an http or https URL");
  g_clear_error (&error);
  none = thumbing_aws_config_get_endpoint (config, "s3", NULL, NULL, &error);
  g_assert_null (none);
  g_assert_error (error, THUMBING_ERROR, THUMBING_ERROR_CONFIG);
  g_assert_true (g_str_has_prefix (error->message, "no AWS region"));
}

static void
test_nested_ini_keys (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(ThumbingAwsIni) ini = thumbing_aws_ini_parse ("[profile x]\ns3 =\n  addressing_style = path\n"
                                                          "  max_concurrent_requests = 20\nregion = us-east-2\n",
                                                          "config", &error);

  g_assert_no_error (error);
  g_assert_cmpstr (thumbing_aws_ini_get (ini, "profile x", "s3.addressing_style"), ==, "path");
  g_assert_cmpstr (thumbing_aws_ini_get (ini, "profile x", "s3.max_concurrent_requests"), ==, "20");
  g_assert_cmpstr (thumbing_aws_ini_get (ini, "profile x", "region"), ==, "us-east-2");
  g_assert_null (thumbing_aws_ini_get (ini, "profile y", "region"));
}

static void
test_path_style (Fixture *f, gconstpointer data)
{
  g_assert_true (thumbing_aws_endpoint_wants_path_style ("http://127.0.0.1:4569"));
  g_assert_true (thumbing_aws_endpoint_wants_path_style ("http://[::1]:4569"));
  g_assert_true (thumbing_aws_endpoint_wants_path_style ("http://localhost:9000"));
  g_assert_true (thumbing_aws_endpoint_wants_path_style ("http://minio.localhost"));
  g_assert_false (thumbing_aws_endpoint_wants_path_style ("https://s3.eu-west-1.amazonaws.com"));
  g_assert_false (thumbing_aws_endpoint_wants_path_style ("https://storage.example.com"));
}

static void
test_expiry_margin (Fixture *f, gconstpointer data)
{
  g_autoptr(GDateTime) now = g_date_time_new_utc (2026, 11, 24, 12, 0, 0);
  g_autoptr(GDateTime) soon = g_date_time_add_minutes (now, 4);
  g_autoptr(GDateTime) later = g_date_time_add_hours (now, 1);
  g_autoptr(ThumbingAwsCredentials) expiring = thumbing_aws_credentials_new ("K", "S", "T", soon, "container");
  g_autoptr(ThumbingAwsCredentials) fresh = thumbing_aws_credentials_new ("K", "S", "T", later, "container");
  g_autoptr(ThumbingAwsCredentials) forever = thumbing_aws_credentials_new ("K", "S", "", NULL, "environment");
  ThumbingAwsKeys keys = thumbing_aws_credentials_keys (forever);

  g_assert_true (thumbing_aws_credentials_expire_within (expiring, now, 5 * G_TIME_SPAN_MINUTE));
  g_assert_false (thumbing_aws_credentials_expire_within (fresh, now, 5 * G_TIME_SPAN_MINUTE));
  g_assert_false (thumbing_aws_credentials_expire_within (forever, now, 5 * G_TIME_SPAN_MINUTE));
  g_assert_null (keys.session_token);
}

int
main (int    argc,
      char **argv)
{
  thumbing_test_init (&argc, &argv);
#define ADD(path, func) g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("/aws-config/environment-credentials", test_environment_credentials);
  ADD ("/aws-config/profiles", test_profiles);
  ADD ("/aws-config/half-a-profile-is-an-error", test_half_a_profile_is_an_error);
  ADD ("/aws-config/malformed-file", test_malformed_file);
  ADD ("/aws-config/region-order", test_region_order);
  ADD ("/aws-config/endpoint-order", test_endpoint_order);
  ADD ("/aws-config/nested-ini-keys", test_nested_ini_keys);
  ADD ("/aws-config/path-style", test_path_style);
  ADD ("/aws-config/expiry-margin", test_expiry_margin);
  return g_test_run ();
}
