/* thumbing-aws-config.c
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "config.h"

#include <string.h>

#include <gio/gio.h>
#include <glib/gi18n-lib.h>
#include <thumbing/thumbing.h>

#include "thumbing-aws-config.h"

ThumbingAwsCredentials *
thumbing_aws_credentials_new (const char *access_key_id,
                              const char *secret_access_key,
                              const char *session_token,
                              GDateTime  *expiration,
                              const char *source)
{
  ThumbingAwsCredentials *credentials = g_new0 (ThumbingAwsCredentials, 1);

  g_atomic_ref_count_init (&credentials->ref_count);
  credentials->access_key_id = g_strdup (access_key_id);
  credentials->secret_access_key = g_strdup (secret_access_key);
  credentials->session_token = session_token != NULL && *session_token != '\0' ? g_strdup (session_token) : NULL;
  credentials->expiration = expiration != NULL ? g_date_time_ref (expiration) : NULL;
  credentials->source = g_strdup (source);
  return credentials;
}

ThumbingAwsCredentials *
thumbing_aws_credentials_ref (ThumbingAwsCredentials *credentials)
{
  g_atomic_ref_count_inc (&credentials->ref_count);
  return credentials;
}

void
thumbing_aws_credentials_unref (ThumbingAwsCredentials *credentials)
{
  if (!g_atomic_ref_count_dec (&credentials->ref_count))
    return;
  g_free (credentials->access_key_id);
  /* Secrets do not linger in freed memory. */
  if (credentials->secret_access_key != NULL)
    memset (credentials->secret_access_key, 0, strlen (credentials->secret_access_key));
  g_free (credentials->secret_access_key);
  g_free (credentials->session_token);
  g_clear_pointer (&credentials->expiration, g_date_time_unref);
  g_free (credentials->source);
  g_free (credentials);
}

ThumbingAwsKeys
thumbing_aws_credentials_keys (ThumbingAwsCredentials *credentials)
{
  ThumbingAwsKeys keys = { credentials->access_key_id, credentials->secret_access_key, credentials->session_token };

  return keys;
}

/* Temporary credentials are refreshed a margin before they expire, so a
 * request signed now is not refused in flight. */
gboolean
thumbing_aws_credentials_expire_within (ThumbingAwsCredentials *credentials,
                                        GDateTime              *now,
                                        GTimeSpan               margin)
{
  if (credentials->expiration == NULL)
    return FALSE;
  return g_date_time_difference (credentials->expiration, now) <= margin;
}

/* Shared files */

struct _ThumbingAwsIni
{
  GHashTable *sections;   /* name → GHashTable (key → value) */
};

void
thumbing_aws_ini_free (ThumbingAwsIni *ini)
{
  if (ini == NULL)
    return;
  g_hash_table_unref (ini->sections);
  g_free (ini);
}

ThumbingAwsIni *
thumbing_aws_ini_parse (const char *text,
                        const char *path,
                        GError    **error)
{
  g_autoptr(ThumbingAwsIni) ini = g_new0 (ThumbingAwsIni, 1);
  g_auto(GStrv) lines = g_strsplit (text, "\n", -1);
  GHashTable *section = NULL;
  g_autofree char *parent = NULL;

  ini->sections = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) g_hash_table_unref);
  for (guint n = 0; lines[n] != NULL; n++)
    {
      char *line = lines[n];
      gboolean indented = line[0] == ' ' || line[0] == '\t';
      char *eq;
      g_autofree char *key = NULL;

      g_strstrip (line);
      if (line[0] == '\0' || line[0] == '#' || line[0] == ';')
        continue;
      if (line[0] == '[')
        {
          char *close = strchr (line, ']');

          if (close == NULL)
            {
              g_set_error (error, THUMBING_ERROR, THUMBING_ERROR_CONFIG,
                           _("%s:%u: a section header without “]”"), path, n + 1);
              return NULL;
            }
          *close = '\0';
          section = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
          g_hash_table_replace (ini->sections, g_strdup (g_strstrip (line + 1)), section);
          g_clear_pointer (&parent, g_free);
          continue;
        }
      eq = strchr (line, '=');
      if (eq == NULL || section == NULL)
        {
          g_set_error (error, THUMBING_ERROR, THUMBING_ERROR_CONFIG,
                       _("%s:%u: expected “key = value” inside a [section]"), path, n + 1);
          return NULL;
        }
      *eq = '\0';
      key = g_strdup (g_strstrip (line));
      g_strstrip (eq + 1);
      if (indented && parent != NULL)
        {
          g_hash_table_replace (section, g_strdup_printf ("%s.%s", parent, key), g_strdup (eq + 1));
          continue;
        }
      g_clear_pointer (&parent, g_free);
      if (eq[1] == '\0')
        parent = g_strdup (key);
      g_hash_table_replace (section, g_steal_pointer (&key), g_strdup (eq + 1));
    }
  return g_steal_pointer (&ini);
}

ThumbingAwsIni *
thumbing_aws_ini_load (const char *path,
                       GError    **error)
{
  g_autofree char *text = NULL;
  g_autoptr(GError) local_error = NULL;

  if (!g_file_get_contents (path, &text, NULL, &local_error))
    {
      if (g_error_matches (local_error, G_FILE_ERROR, G_FILE_ERROR_NOENT))
        return thumbing_aws_ini_parse ("", path, error);
      g_set_error (error, THUMBING_ERROR, THUMBING_ERROR_IO, "%s", local_error->message);
      return NULL;
    }
  return thumbing_aws_ini_parse (text, path, error);
}

const char *
thumbing_aws_ini_get (ThumbingAwsIni *ini,
                      const char     *section,
                      const char     *key)
{
  GHashTable *table = g_hash_table_lookup (ini->sections, section);

  return table != NULL ? g_hash_table_lookup (table, key) : NULL;
}

/* Configuration */

struct _ThumbingAwsConfig
{
  char           *profile;
  char           *credentials_path;
  char           *config_path;
  ThumbingAwsIni *credentials;
  ThumbingAwsIni *config;
};

void
thumbing_aws_config_free (ThumbingAwsConfig *config)
{
  if (config == NULL)
    return;
  g_free (config->profile);
  g_free (config->credentials_path);
  g_free (config->config_path);
  g_clear_pointer (&config->credentials, thumbing_aws_ini_free);
  g_clear_pointer (&config->config, thumbing_aws_ini_free);
  g_free (config);
}

static const char *
env_nonempty (const char *name)
{
  const char *value = g_getenv (name);

  return value != NULL && *value != '\0' ? value : NULL;
}

/* Reads AWS_PROFILE and the shared files (AWS_SHARED_CREDENTIALS_FILE,
 * AWS_CONFIG_FILE, else ~/.aws/credentials and ~/.aws/config). Missing
 * files are fine; malformed ones are errors naming the line. */
ThumbingAwsConfig *
thumbing_aws_config_load (GError **error)
{
  g_autoptr(ThumbingAwsConfig) config = g_new0 (ThumbingAwsConfig, 1);
  const char *value;

  value = env_nonempty ("AWS_PROFILE");
  config->profile = g_strdup (value != NULL ? value : "default");
  value = env_nonempty ("AWS_SHARED_CREDENTIALS_FILE");
  config->credentials_path = value != NULL ? g_strdup (value)
                                           : g_build_filename (g_get_home_dir (), ".aws", "credentials", NULL);
  value = env_nonempty ("AWS_CONFIG_FILE");
  config->config_path = value != NULL ? g_strdup (value)
                                      : g_build_filename (g_get_home_dir (), ".aws", "config", NULL);

  config->credentials = thumbing_aws_ini_load (config->credentials_path, error);
  if (config->credentials == NULL)
    return NULL;
  config->config = thumbing_aws_ini_load (config->config_path, error);
  if (config->config == NULL)
    return NULL;
  return g_steal_pointer (&config);
}

const char *
thumbing_aws_config_get_profile (ThumbingAwsConfig *config)
{
  return config->profile;
}

/* In the config file the default profile is [default] and others are
 * [profile NAME]. */
static const char *
config_value (ThumbingAwsConfig *config,
              const char        *key)
{
  g_autofree char *section = g_strcmp0 (config->profile, "default") == 0
                               ? g_strdup ("default")
                               : g_strdup_printf ("profile %s", config->profile);

  return thumbing_aws_ini_get (config->config, section, key);
}

/* AWS_REGION (the SDKs; Lambda sets it), then AWS_DEFAULT_REGION (the CLI),
 * then the profile's region. */
char *
thumbing_aws_config_get_region (ThumbingAwsConfig *config)
{
  const char *value = env_nonempty ("AWS_REGION");

  if (value == NULL)
    value = env_nonempty ("AWS_DEFAULT_REGION");
  if (value == NULL)
    value = config_value (config, "region");
  return g_strdup (value);
}

/* The static links of the chain: the environment, then the profile in the
 * credentials file, then in the config file. NULL without error when none
 * holds keys, so the caller moves on to container and instance credentials. */
ThumbingAwsCredentials *
thumbing_aws_config_static_credentials (ThumbingAwsConfig *config,
                                        GError           **error)
{
  const char *id = env_nonempty ("AWS_ACCESS_KEY_ID");
  const char *secret = env_nonempty ("AWS_SECRET_ACCESS_KEY");
  const char *files[] = { "credentials", "config" };

  if (id != NULL || secret != NULL)
    {
      if (id == NULL || secret == NULL)
        {
          g_set_error (error, THUMBING_ERROR, THUMBING_ERROR_CONFIG,
                       _("AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY must be set together"));
          return NULL;
        }
      return thumbing_aws_credentials_new (id, secret, env_nonempty ("AWS_SESSION_TOKEN"), NULL, "environment");
    }

  for (guint i = 0; i < G_N_ELEMENTS (files); i++)
    {
      ThumbingAwsIni *ini = i == 0 ? config->credentials : config->config;
      const char *path = i == 0 ? config->credentials_path : config->config_path;
      g_autofree char *section = i == 0 || g_strcmp0 (config->profile, "default") == 0
                                   ? g_strdup (config->profile)
                                   : g_strdup_printf ("profile %s", config->profile);
      const char *file_id = thumbing_aws_ini_get (ini, section, "aws_access_key_id");
      const char *file_secret = thumbing_aws_ini_get (ini, section, "aws_secret_access_key");
      g_autofree char *source = NULL;

      if (file_id == NULL && file_secret == NULL)
        continue;
      if (file_id == NULL || file_secret == NULL || *file_id == '\0' || *file_secret == '\0')
        {
          g_set_error (error, THUMBING_ERROR, THUMBING_ERROR_CONFIG,
                       _("%s: [%s] needs both aws_access_key_id and aws_secret_access_key"), path, section);
          return NULL;
        }
      source = g_strdup_printf ("profile %s in %s", config->profile, path);
      return thumbing_aws_credentials_new (file_id, file_secret,
                                           thumbing_aws_ini_get (ini, section, "aws_session_token"),
                                           NULL, source);
    }
  return NULL;
}

static gboolean
ignore_configured_endpoints (void)
{
  const char *value = env_nonempty ("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS");

  return value != NULL && g_ascii_strcasecmp (value, "true") == 0;
}

static gboolean
check_endpoint (const char *endpoint,
                const char *where,
                GError    **error)
{
  g_autoptr(GUri) uri = g_uri_parse (endpoint, G_URI_FLAGS_NONE, NULL);

  if (uri == NULL || g_uri_get_host (uri) == NULL || *g_uri_get_host (uri) == '\0'
      || (g_strcmp0 (g_uri_get_scheme (uri), "http") != 0 && g_strcmp0 (g_uri_get_scheme (uri), "https") != 0))
    {
      g_set_error (error, THUMBING_ERROR, THUMBING_ERROR_CONFIG,
                   _("%s: “%s” is not an http or https URL"), where, endpoint);
      return FALSE;
    }
  return TRUE;
}

/* AWS_ENDPOINT_URL_<SERVICE>, then AWS_ENDPOINT_URL, then @configured (an
 * element's endpoint property), then the profile's services section or
 * endpoint_url, then AWS's own endpoint for @region. */
char *
thumbing_aws_config_get_endpoint (ThumbingAwsConfig *config,
                                  const char        *service,
                                  const char        *configured,
                                  const char        *region,
                                  GError           **error)
{
  g_autofree char *upper = g_ascii_strup (service, -1);
  g_autofree char *variable = g_strdup_printf ("AWS_ENDPOINT_URL_%s", upper);
  const char *value = NULL;
  const char *where = NULL;

  if (!ignore_configured_endpoints ())
    {
      if ((value = env_nonempty (variable)) != NULL)
        where = variable;
      else if ((value = env_nonempty ("AWS_ENDPOINT_URL")) != NULL)
        where = "AWS_ENDPOINT_URL";
    }
  if (value == NULL && configured != NULL && *configured != '\0')
    {
      value = configured;
      where = "endpoint";
    }
  if (value == NULL && !ignore_configured_endpoints ())
    {
      const char *services = config_value (config, "services");
      g_autofree char *key = g_strdup_printf ("%s.endpoint_url", service);

      if (services != NULL)
        {
          g_autofree char *section = g_strdup_printf ("services %s", services);

          value = thumbing_aws_ini_get (config->config, section, key);
        }
      if (value == NULL)
        value = config_value (config, "endpoint_url");
      where = config->config_path;
    }

  if (value != NULL)
    {
      if (!check_endpoint (value, where, error))
        return NULL;
      /* A trailing slash would double the first one of every path. */
      return g_strndup (value, strlen (value) - (g_str_has_suffix (value, "/") ? 1 : 0));
    }

  if (region == NULL || *region == '\0')
    {
      g_set_error (error, THUMBING_ERROR, THUMBING_ERROR_CONFIG,
                   _("no AWS region: set AWS_REGION, AWS_DEFAULT_REGION or region in %s, or an endpoint"),
                   config->config_path);
      return NULL;
    }
  return g_strdup_printf ("https://%s.%s.amazonaws.com%s", service, region,
                          g_str_has_prefix (region, "cn-") ? ".cn" : "");
}

/* Local and IP-address endpoints have no per-bucket host names, so they
 * take the bucket in the path. */
gboolean
thumbing_aws_endpoint_wants_path_style (const char *endpoint)
{
  g_autoptr(GUri) uri = g_uri_parse (endpoint, G_URI_FLAGS_NONE, NULL);
  const char *host;

  if (uri == NULL || (host = g_uri_get_host (uri)) == NULL)
    return FALSE;
  return g_hostname_is_ip_address (host) || g_ascii_strcasecmp (host, "localhost") == 0
      || g_str_has_suffix (host, ".localhost");
}
