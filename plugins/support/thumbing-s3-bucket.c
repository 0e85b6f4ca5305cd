/* thumbing-s3-bucket.c
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "thumbing-s3-bucket.h"

/* A client for @service, with the endpoint, region and credentials an AWS
 * SDK would pick, the element's own settings taking their place in that
 * order (see thumbing_aws_config_get_endpoint()). */
ThumbingAwsClient *
thumbing_aws_element_make_client (const char *service,
                                  const char *endpoint,
                                  const char *region,
                                  GError    **error)
{
  g_autoptr(ThumbingAwsConfig) config = thumbing_aws_config_load (error);
  g_autoptr(ThumbingAwsCredentialsProvider) provider = NULL;
  g_autofree char *resolved_region = NULL;
  g_autofree char *resolved_endpoint = NULL;
  g_autoptr(GError) local_error = NULL;

  if (config == NULL)
    return NULL;
  resolved_region = region != NULL && *region != '\0' ? g_strdup (region) : thumbing_aws_config_get_region (config);
  resolved_endpoint = thumbing_aws_config_get_endpoint (config, service, endpoint, resolved_region, &local_error);
  if (resolved_endpoint == NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }
  /* Local stacks accept any region; sign for the usual default. */
  if (resolved_region == NULL)
    resolved_region = g_strdup ("us-east-1");

  provider = thumbing_aws_credentials_provider_new_chain (config, error);
  if (provider == NULL)
    {
      if (error != NULL && *error == NULL)
        g_set_error (error, THUMBING_ERROR, THUMBING_ERROR_CONFIG,
                     _("no AWS credentials: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, a profile with "
                       "keys (AWS_PROFILE=%s), or container credentials; instance metadata is disabled"),
                     thumbing_aws_config_get_profile (config));
      return NULL;
    }
  return thumbing_aws_client_new_with_provider (service, resolved_endpoint, resolved_region, provider);
}

ThumbingS3Bucket *
thumbing_s3_bucket_open (const char           *name,
                         const char           *endpoint,
                         const char           *region,
                         ThumbingS3Addressing  addressing,
                         GError              **error)
{
  g_autoptr(ThumbingAwsClient) base = thumbing_aws_element_make_client ("s3", endpoint, region, error);
  ThumbingS3Bucket *bucket;
  const char *base_endpoint;

  if (base == NULL)
    return NULL;
  base_endpoint = thumbing_aws_client_get_endpoint (base);

  bucket = g_new0 (ThumbingS3Bucket, 1);
  bucket->name = g_strdup (name);
  bucket->path_style = addressing == THUMBING_S3_ADDRESSING_PATH
                       || (addressing == THUMBING_S3_ADDRESSING_AUTO
                           && (thumbing_aws_endpoint_wants_path_style (base_endpoint) || strchr (name, '.') != NULL));
  if (bucket->path_style)
    bucket->client = g_steal_pointer (&base);
  else
    {
      g_autoptr(GUri) uri = g_uri_parse (base_endpoint, G_URI_FLAGS_NONE, NULL);
      g_autofree char *host = g_strdup_printf ("%s.%s", name, g_uri_get_host (uri));
      g_autoptr(GUri) bucket_uri = g_uri_build (G_URI_FLAGS_NONE, g_uri_get_scheme (uri), NULL, host,
                                                g_uri_get_port (uri), g_uri_get_path (uri), NULL, NULL);
      g_autofree char *bucket_endpoint = g_uri_to_string (bucket_uri);

      bucket->client = thumbing_aws_client_new_for_endpoint (base, bucket_endpoint);
    }
  return bucket;
}

void
thumbing_s3_bucket_free (ThumbingS3Bucket *bucket)
{
  if (bucket == NULL)
    return;
  g_free (bucket->name);
  g_clear_pointer (&bucket->client, thumbing_aws_client_unref);
  g_free (bucket);
}

ThumbingAwsRequest *
thumbing_s3_bucket_request (ThumbingS3Bucket *bucket,
                            const char       *method,
                            const char       *key)
{
  g_autofree char *path = bucket->path_style ? g_strdup_printf ("/%s/%s", bucket->name, key)
                                             : g_strdup_printf ("/%s", key);

  return thumbing_aws_request_new (method, "", path);
}

/* Where the object can be fetched, for messages and announcements. */
char *
thumbing_s3_bucket_url (ThumbingS3Bucket *bucket,
                        const char       *key)
{
  g_autofree char *encoded = thumbing_aws_uri_encode (key, TRUE);

  return bucket->path_style
           ? g_strdup_printf ("%s/%s/%s", thumbing_aws_client_get_endpoint (bucket->client), bucket->name, encoded)
           : g_strdup_printf ("%s/%s", thumbing_aws_client_get_endpoint (bucket->client), encoded);
}
