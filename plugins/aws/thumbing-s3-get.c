/* thumbing-s3-get.c: fetches the object an item names, checking it is the one the event announced
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "thumbing-aws-metadata.h"
#include "thumbing-s3-bucket.h"
#include "thumbing-s3-get.h"

/* Larger inputs are refused before they are fetched: 256 MiB. */
#define DEFAULT_MAX_BYTES (G_GUINT64_CONSTANT (256) * 1024 * 1024)

struct _ThumbingS3Get
{
  ThumbingTransform     parent_instance;

  char                 *endpoint;
  char                 *region;
  ThumbingS3Addressing  addressing;
  guint64               max_bytes;
  gboolean              check_etag;

  GHashTable           *buckets;   /* name → ThumbingS3Bucket */
};

G_DEFINE_FINAL_TYPE (ThumbingS3Get, thumbing_s3_get, THUMBING_TYPE_TRANSFORM)

static void
thumbing_s3_get_finalize (GObject *object)
{
  ThumbingS3Get *self = THUMBING_S3_GET (object);

  g_clear_pointer (&self->buckets, g_hash_table_unref);
  G_OBJECT_CLASS (thumbing_s3_get_parent_class)->finalize (object);
}

static gboolean
thumbing_s3_get_start (ThumbingElement *element,
                       GError         **error)
{
  ThumbingS3Get *self = THUMBING_S3_GET (element);
  g_autoptr(ThumbingAwsClient) probe = NULL;

  /* Settings and credentials are checked now, not on the first item. */
  probe = thumbing_aws_element_make_client ("s3", self->endpoint, self->region, error);
  if (probe == NULL)
    return FALSE;
  g_clear_pointer (&self->buckets, g_hash_table_unref);
  self->buckets = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) thumbing_s3_bucket_free);
  return TRUE;
}

static void
thumbing_s3_get_stop (ThumbingElement *element)
{
  g_clear_pointer (&THUMBING_S3_GET (element)->buckets, g_hash_table_unref);
}

/* ETags compare without their quotes; an event without one matches any. */
static gboolean
same_etag (const char *expected,
           const char *received)
{
  g_autofree char *bare = NULL;

  if (expected == NULL || received == NULL)
    return TRUE;
  bare = g_strdup (received);
  return g_strcmp0 (g_strstrip (g_strdelimit (bare, "\"", ' ')), expected) == 0;
}

static void
on_got (GObject      *object,
        GAsyncResult *result,
        gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  ThumbingS3Get *self = g_task_get_source_object (task);
  ThumbingItem *item = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(ThumbingAwsResponse) response = thumbing_aws_client_send_finish (NULL, result, &error);
  const char *content_type;

  if (response == NULL)
    {
      /* Retrying cannot bring back a deleted object, nor the version an
       * event announced once it was replaced (its own event follows):
       * report it and let the source acknowledge the item. */
      if (g_error_matches (error, THUMBING_AWS_ERROR, THUMBING_AWS_ERROR_NOT_FOUND))
        {
          thumbing_element_warn (THUMBING_ELEMENT (self), _("%s is gone; skipped: %s"),
                                 thumbing_item_get_origin (item), error->message);
          g_task_return_pointer (task, NULL, NULL);
          return;
        }
      /* Refused unread, past max-bytes. */
      if (g_error_matches (error, THUMBING_AWS_ERROR, THUMBING_AWS_ERROR_TOO_LARGE))
        {
          g_task_return_new_error (task, THUMBING_ERROR, THUMBING_ERROR_TOO_LARGE,
                                   _("the object has more than max-bytes (%" G_GUINT64_FORMAT "): %s"),
                                   self->max_bytes, error->message);
          return;
        }
      if (g_error_matches (error, THUMBING_AWS_ERROR, THUMBING_AWS_ERROR_PRECONDITION))
        {
          thumbing_element_warn (THUMBING_ELEMENT (self),
                                 _("%s was replaced since its event (the ETag changed); skipped"),
                                 thumbing_item_get_origin (item));
          g_task_return_pointer (task, NULL, NULL);
          return;
        }
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  /* Some S3-compatible stores ignore If-Match: compare what came back too. */
  if (self->check_etag && !same_etag (thumbing_item_get_metadata (item, THUMBING_S3_ETAG),
                                      soup_message_headers_get_one (response->headers, "ETag")))
    {
      thumbing_element_warn (THUMBING_ELEMENT (self),
                             _("%s was replaced since its event (the ETag changed); skipped"),
                             thumbing_item_get_origin (item));
      g_task_return_pointer (task, NULL, NULL);
      return;
    }
  if (soup_message_headers_get_one (response->headers, THUMBING_S3_SOURCE_HEADER) != NULL)
    {
      thumbing_element_warn (THUMBING_ELEMENT (self), _("%s is an output of thumbing, not an upload; skipped"),
                             thumbing_item_get_origin (item));
      g_task_return_pointer (task, NULL, NULL);
      return;
    }
  content_type = soup_message_headers_get_content_type (response->headers, NULL);
  thumbing_item_set_bytes (item, response->body, content_type != NULL ? content_type : "application/octet-stream");
  thumbing_item_set_metadata_int (item, THUMBING_METADATA_INPUT_BYTES, g_bytes_get_size (response->body));
  g_task_return_pointer (task, thumbing_item_ref (item), (GDestroyNotify) thumbing_item_unref);
}

static void
thumbing_s3_get_process_async (ThumbingElement     *element,
                               ThumbingItem        *item,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  ThumbingS3Get *self = THUMBING_S3_GET (element);
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);
  const char *bucket_name = thumbing_item_get_metadata (item, THUMBING_S3_BUCKET);
  const char *key = thumbing_item_get_metadata (item, THUMBING_S3_KEY);
  const char *etag = thumbing_item_get_metadata (item, THUMBING_S3_ETAG);
  const char *size = thumbing_item_get_metadata (item, THUMBING_S3_SIZE);
  ThumbingS3Bucket *bucket;
  ThumbingAwsRequest *request;
  g_autoptr(GError) error = NULL;

  g_task_set_task_data (task, thumbing_item_ref (item), (GDestroyNotify) thumbing_item_unref);
  if (bucket_name == NULL || key == NULL)
    {
      g_task_return_new_error (task, THUMBING_ERROR, THUMBING_ERROR_STATE,
                               _("the item names no S3 object (put a source of S3 events, as sqs-source, first)"));
      return;
    }
  if (self->max_bytes > 0 && size != NULL && g_ascii_strtoull (size, NULL, 10) > self->max_bytes)
    {
      g_task_return_new_error (task, THUMBING_ERROR, THUMBING_ERROR_TOO_LARGE,
                               _("the object has %s bytes, more than max-bytes (%" G_GUINT64_FORMAT ")"),
                               size, self->max_bytes);
      return;
    }

  bucket = g_hash_table_lookup (self->buckets, bucket_name);
  if (bucket == NULL)
    {
      bucket = thumbing_s3_bucket_open (bucket_name, self->endpoint, self->region, self->addressing, &error);
      if (bucket == NULL)
        {
          g_task_return_error (task, g_steal_pointer (&error));
          return;
        }
      thumbing_aws_client_set_retry_func (bucket->client, (ThumbingAwsRetryFunc) thumbing_element_count_retry, self);
      g_hash_table_insert (self->buckets, g_strdup (bucket_name), bucket);
    }

  request = thumbing_s3_bucket_request (bucket, "GET", key);
  /* The event's size may be missing or wrong: the body is held to it too. */
  request->max_response_bytes = self->max_bytes;
  thumbing_aws_request_add_trace (request, thumbing_item_get_metadata (item, THUMBING_METADATA_TRACE_HEADER));
  if (self->check_etag && etag != NULL)
    {
      g_autofree char *quoted = g_strdup_printf ("\"%s\"", etag);

      thumbing_aws_request_add_header (request, "If-Match", quoted);
    }
  thumbing_aws_client_send_async (bucket->client, request, cancellable, on_got, g_steal_pointer (&task));
}

static ThumbingItem *
thumbing_s3_get_process_finish (ThumbingElement *element,
                                GAsyncResult    *result,
                                GError         **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
thumbing_s3_get_class_init (ThumbingS3GetClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  ThumbingElementClass *element_class = THUMBING_ELEMENT_CLASS (klass);

  object_class->finalize = thumbing_s3_get_finalize;
  element_class->start = thumbing_s3_get_start;
  element_class->stop = thumbing_s3_get_stop;
  element_class->process_async = thumbing_s3_get_process_async;
  element_class->process_finish = thumbing_s3_get_process_finish;

  thumbing_element_class_set_metadata (element_class, "s3-get",
                                       _("Fetches the S3 object an event named, if it is still the one announced"));
  thumbing_element_class_set_metadata_keys (element_class, THUMBING_S3_BUCKET ";" THUMBING_S3_KEY,
                                            THUMBING_METADATA_INPUT_BYTES);
  thumbing_element_class_set_media (element_class, THUMBING_MEDIA_S3_OBJECT, "*/*");
  thumbing_element_class_set_permissions (element_class, "s3:GetObject");

  THUMBING_ELEMENT_FIELD (klass, ThumbingS3Get, endpoint,
    g_param_spec_string ("endpoint", NULL, _("S3 endpoint URL; AWS_ENDPOINT_URL_S3 and AWS_ENDPOINT_URL come first"),
                         NULL, G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS));
  THUMBING_ELEMENT_FIELD (klass, ThumbingS3Get, region,
    g_param_spec_string ("region", NULL, _("AWS region; AWS_REGION, AWS_DEFAULT_REGION or the profile's when unset"),
                         NULL, G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS));
  THUMBING_ELEMENT_FIELD (klass, ThumbingS3Get, addressing,
    g_param_spec_enum ("addressing", NULL, _("Bucket in the path or in the host name"),
                       thumbing_s3_addressing_get_type (), THUMBING_S3_ADDRESSING_AUTO,
                       G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS));
  THUMBING_ELEMENT_FIELD (klass, ThumbingS3Get, max_bytes,
    g_param_spec_uint64 ("max-bytes", NULL, _("Refuse objects larger than this (0: no limit)"),
                         0, G_MAXUINT64, DEFAULT_MAX_BYTES,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT | G_PARAM_STATIC_STRINGS));
  THUMBING_ELEMENT_FIELD (klass, ThumbingS3Get, check_etag,
    g_param_spec_boolean ("check-etag", NULL, _("Fetch only the version the event announced (If-Match)"),
                          TRUE, G_PARAM_READWRITE | G_PARAM_CONSTRUCT | G_PARAM_STATIC_STRINGS));
}

static void
thumbing_s3_get_init (ThumbingS3Get *self)
{
}
