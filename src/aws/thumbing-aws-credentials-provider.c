/* thumbing-aws-credentials-provider.c
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>
#include <json-glib/json-glib.h>
#include <libsoup/soup.h>
#include <thumbing/thumbing.h>

#include "thumbing-aws-client.h"
#include "thumbing-aws-credentials-provider.h"
#include "thumbing-json-util.h"

typedef enum {
  KIND_STATIC,
  KIND_CONTAINER,
  KIND_INSTANCE,
} Kind;

struct _ThumbingAwsCredentialsProvider
{
  gatomicrefcount         ref_count;
  Kind                    kind;
  char                   *description;
  char                   *url;              /* container: the credentials URL; instance: the IMDS base */
  ThumbingAwsCredentials *cached;
  SoupSession            *session;
  GQueue                  waiting;          /* GTask, while a fetch is under way */
  gboolean                fetching;
};

static ThumbingAwsCredentialsProvider *
provider_new (Kind        kind,
              const char *description)
{
  ThumbingAwsCredentialsProvider *self = g_new0 (ThumbingAwsCredentialsProvider, 1);

  g_atomic_ref_count_init (&self->ref_count);
  self->kind = kind;
  self->description = g_strdup (description);
  g_queue_init (&self->waiting);
  if (kind != KIND_STATIC)
    /* Metadata services answer at once or not at all. */
    self->session = soup_session_new_with_options ("timeout", 3, NULL);
  return self;
}

ThumbingAwsCredentialsProvider *
thumbing_aws_credentials_provider_new_static (ThumbingAwsCredentials *credentials)
{
  ThumbingAwsCredentialsProvider *self = provider_new (KIND_STATIC, credentials->source);

  self->cached = thumbing_aws_credentials_ref (credentials);
  return self;
}

static const char *
env_nonempty (const char *name)
{
  const char *value = g_getenv (name);

  return value != NULL && *value != '\0' ? value : NULL;
}

/* A full container credentials URL must be https or point at the container
 * agent, so credentials never travel in clear text to anyone else. */
static gboolean
container_url_allowed (const char *url)
{
  g_autoptr(GUri) uri = g_uri_parse (url, G_URI_FLAGS_NONE, NULL);
  const char *host;

  if (uri == NULL || (host = g_uri_get_host (uri)) == NULL)
    return FALSE;
  if (g_strcmp0 (g_uri_get_scheme (uri), "https") == 0)
    return TRUE;
  if (g_strcmp0 (g_uri_get_scheme (uri), "http") != 0)
    return FALSE;
  return strcmp (host, "169.254.170.2") == 0 || strcmp (host, "169.254.170.23") == 0
      || strcmp (host, "fd00:ec2::23") == 0 || strcmp (host, "localhost") == 0
      || g_str_has_prefix (host, "127.") || strcmp (host, "::1") == 0;
}

/* The chain, as the SDKs walk it: the environment and the profile (static),
 * then a container's credentials endpoint, then the instance metadata
 * service (IMDSv2), unless AWS_EC2_METADATA_DISABLED is true. */
ThumbingAwsCredentialsProvider *
thumbing_aws_credentials_provider_new_chain (ThumbingAwsConfig *config,
                                             GError           **error)
{
  g_autoptr(ThumbingAwsCredentials) credentials = thumbing_aws_config_static_credentials (config, error);
  const char *relative = env_nonempty ("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI");
  const char *full = env_nonempty ("AWS_CONTAINER_CREDENTIALS_FULL_URI");
  const char *disabled = env_nonempty ("AWS_EC2_METADATA_DISABLED");
  const char *imds = env_nonempty ("AWS_EC2_METADATA_SERVICE_ENDPOINT");
  ThumbingAwsCredentialsProvider *self;

  if (credentials != NULL)
    return thumbing_aws_credentials_provider_new_static (credentials);
  if (error != NULL && *error != NULL)
    return NULL;

  if (relative != NULL || full != NULL)
    {
      g_autofree char *url = relative != NULL ? g_strconcat ("http://169.254.170.2", relative, NULL) : g_strdup (full);

      if (relative == NULL && !container_url_allowed (url))
        {
          g_set_error (error, THUMBING_ERROR, THUMBING_ERROR_CONFIG,
                       _("AWS_CONTAINER_CREDENTIALS_FULL_URI: “%s” must be https, or the container agent or loopback over http"),
                       url);
          return NULL;
        }
      self = provider_new (KIND_CONTAINER, "container credentials");
      self->url = g_steal_pointer (&url);
      return self;
    }

  if (disabled != NULL && g_ascii_strcasecmp (disabled, "true") == 0)
    return NULL;
  self = provider_new (KIND_INSTANCE, "instance metadata (IMDSv2)");
  self->url = g_strdup (imds != NULL ? imds : "http://169.254.169.254");
  if (g_str_has_suffix (self->url, "/"))
    self->url[strlen (self->url) - 1] = '\0';
  return self;
}

ThumbingAwsCredentialsProvider *
thumbing_aws_credentials_provider_ref (ThumbingAwsCredentialsProvider *self)
{
  g_atomic_ref_count_inc (&self->ref_count);
  return self;
}

void
thumbing_aws_credentials_provider_unref (ThumbingAwsCredentialsProvider *self)
{
  if (!g_atomic_ref_count_dec (&self->ref_count))
    return;
  g_free (self->description);
  g_free (self->url);
  g_clear_pointer (&self->cached, thumbing_aws_credentials_unref);
  g_clear_object (&self->session);
  g_queue_clear_full (&self->waiting, g_object_unref);
  g_free (self);
}

const char *
thumbing_aws_credentials_provider_describe (ThumbingAwsCredentialsProvider *self)
{
  return self->description;
}

static void
finish_waiting (ThumbingAwsCredentialsProvider *self,
                const GError                   *error)
{
  GTask *task;

  self->fetching = FALSE;
  while ((task = g_queue_pop_head (&self->waiting)) != NULL)
    {
      if (error != NULL)
        g_task_return_error (task, g_error_copy (error));
      else
        g_task_return_pointer (task, thumbing_aws_credentials_ref (self->cached),
                               (GDestroyNotify) thumbing_aws_credentials_unref);
      g_object_unref (task);
    }
}

/* {AccessKeyId, SecretAccessKey, Token, Expiration}: what both services answer. */
static ThumbingAwsCredentials *
parse_credentials (GBytes     *body,
                   const char *source,
                   GError    **error)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GDateTime) expiration = NULL;
  gsize length = 0;
  const char *data = g_bytes_get_data (body, &length);
  JsonObject *object;
  const char *id, *secret, *token, *expires;

  if (!json_parser_load_from_data (parser, data, length, NULL) || thumbing_json_root_object (parser) == NULL)
    {
      g_set_error (error, THUMBING_AWS_ERROR, THUMBING_AWS_ERROR_INVALID,
                   _("%s: the answer is not a JSON object"), source);
      return NULL;
    }
  object = thumbing_json_root_object (parser);
  id = json_object_get_string_member_with_default (object, "AccessKeyId", NULL);
  secret = json_object_get_string_member_with_default (object, "SecretAccessKey", NULL);
  token = json_object_get_string_member_with_default (object, "Token", NULL);
  expires = json_object_get_string_member_with_default (object, "Expiration", NULL);
  if (id == NULL || secret == NULL)
    {
      g_set_error (error, THUMBING_AWS_ERROR, THUMBING_AWS_ERROR_ACCESS_DENIED,
                   _("%s: the answer holds no AccessKeyId and SecretAccessKey"), source);
      return NULL;
    }
  if (expires != NULL)
    expiration = g_date_time_new_from_iso8601 (expires, NULL);
  return thumbing_aws_credentials_new (id, secret, token, expiration, source);
}

typedef struct
{
  ThumbingAwsCredentialsProvider *self;
  char                           *token;     /* IMDSv2 session token */
  char                           *role;      /* the instance profile's role */
  int                             step;
} Fetch;

static void fetch_step (Fetch *fetch);

static void
fetch_done (Fetch        *fetch,
            const GError *error)
{
  finish_waiting (fetch->self, error);
  thumbing_aws_credentials_provider_unref (fetch->self);
  g_free (fetch->token);
  g_free (fetch->role);
  g_free (fetch);
}

static void
on_fetched (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  Fetch *fetch = user_data;
  ThumbingAwsCredentialsProvider *self = fetch->self;
  SoupMessage *message = soup_session_get_async_result_message (SOUP_SESSION (object), result);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) body = soup_session_send_and_read_finish (SOUP_SESSION (object), result, &error);
  guint status = message != NULL ? soup_message_get_status (message) : 0;

  if (body == NULL || status < 200 || status >= 300)
    {
      g_autoptr(GError) failure = g_error_new (THUMBING_AWS_ERROR,
                                               body == NULL ? THUMBING_AWS_ERROR_NETWORK : THUMBING_AWS_ERROR_ACCESS_DENIED,
                                               _("%s at %s: %s"), self->description, self->url,
                                               body == NULL ? error->message : soup_status_get_phrase (status));
      fetch_done (fetch, failure);
      return;
    }

  if (self->kind == KIND_INSTANCE && fetch->step == 0)
    {
      fetch->token = g_strndup (g_bytes_get_data (body, NULL), g_bytes_get_size (body));
      fetch->step = 1;
      fetch_step (fetch);
      return;
    }
  if (self->kind == KIND_INSTANCE && fetch->step == 1)
    {
      /* The first role the instance profile lists. */
      g_autofree char *roles = g_strndup (g_bytes_get_data (body, NULL), g_bytes_get_size (body));

      g_strdelimit (roles, "\r\n", '\0');
      fetch->role = g_strdup (roles);
      fetch->step = 2;
      fetch_step (fetch);
      return;
    }

  {
    ThumbingAwsCredentials *fresh = parse_credentials (body, self->description, &error);

    if (fresh == NULL)
      {
        fetch_done (fetch, error);
        return;
      }
    g_clear_pointer (&self->cached, thumbing_aws_credentials_unref);
    self->cached = fresh;
    fetch_done (fetch, NULL);
  }
}

static void
fetch_step (Fetch *fetch)
{
  ThumbingAwsCredentialsProvider *self = fetch->self;
  g_autoptr(SoupMessage) message = NULL;
  g_autofree char *url = NULL;

  if (self->kind == KIND_CONTAINER)
    {
      const char *token_file = env_nonempty ("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE");
      g_autofree char *token = NULL;

      message = soup_message_new ("GET", self->url);
      /* The token file is read for each fetch: the agent rotates it. */
      if (token_file != NULL)
        g_file_get_contents (token_file, &token, NULL, NULL);
      else
        token = g_strdup (env_nonempty ("AWS_CONTAINER_AUTHORIZATION_TOKEN"));
      if (token != NULL)
        soup_message_headers_replace (soup_message_get_request_headers (message), "Authorization", g_strstrip (token));
    }
  else if (fetch->step == 0)
    {
      url = g_strconcat (self->url, "/latest/api/token", NULL);
      message = soup_message_new ("PUT", url);
      soup_message_headers_replace (soup_message_get_request_headers (message),
                                    "X-aws-ec2-metadata-token-ttl-seconds", "21600");
    }
  else
    {
      url = fetch->step == 1 ? g_strconcat (self->url, "/latest/meta-data/iam/security-credentials/", NULL)
                             : g_strconcat (self->url, "/latest/meta-data/iam/security-credentials/", fetch->role, NULL);
      message = soup_message_new ("GET", url);
      soup_message_headers_replace (soup_message_get_request_headers (message), "X-aws-ec2-metadata-token", fetch->token);
    }
  soup_session_send_and_read_async (self->session, message, G_PRIORITY_DEFAULT, NULL, on_fetched, fetch);
}

void
thumbing_aws_credentials_provider_get_async (ThumbingAwsCredentialsProvider *self,
                                             GCancellable                   *cancellable,
                                             GAsyncReadyCallback             callback,
                                             gpointer                        user_data)
{
  GTask *task = g_task_new (NULL, cancellable, callback, user_data);
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  Fetch *fetch;

  if (self->cached != NULL
      && !thumbing_aws_credentials_expire_within (self->cached, now, THUMBING_AWS_REFRESH_MARGIN))
    {
      g_task_return_pointer (task, thumbing_aws_credentials_ref (self->cached),
                             (GDestroyNotify) thumbing_aws_credentials_unref);
      g_object_unref (task);
      return;
    }

  /* One fetch at a time; everyone asking meanwhile gets its result. */
  g_queue_push_tail (&self->waiting, task);
  if (self->fetching)
    return;
  self->fetching = TRUE;
  fetch = g_new0 (Fetch, 1);
  fetch->self = thumbing_aws_credentials_provider_ref (self);
  fetch_step (fetch);
}

/* Drops @stale from the cache when it is still there, so the next get
 * fetches anew. Returns FALSE for static credentials, which cannot be
 * renewed. */
gboolean
thumbing_aws_credentials_provider_forget (ThumbingAwsCredentialsProvider *self,
                                          ThumbingAwsCredentials         *stale)
{
  if (self->kind == KIND_STATIC)
    return FALSE;
  if (self->cached == stale)
    g_clear_pointer (&self->cached, thumbing_aws_credentials_unref);
  return TRUE;
}

ThumbingAwsCredentials *
thumbing_aws_credentials_provider_get_finish (ThumbingAwsCredentialsProvider *self,
                                              GAsyncResult                   *result,
                                              GError                        **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}
