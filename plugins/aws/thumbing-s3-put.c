/* thumbing-s3-put.c: stores encoded items in a bucket, named by a template
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "thumbing-aws-metadata.h"
#include "thumbing-s3-bucket.h"
#include "thumbing-s3-put.h"

struct _ThumbingS3Put
{
  ThumbingSink          parent_instance;

  char                 *bucket_name;
  char                 *prefix;
  char                 *template_text;
  char                 *cache_control;
  char                 *endpoint;
  char                 *region;
  ThumbingS3Addressing  addressing;
  guint64               multipart_threshold;
  guint64               part_size;

  ThumbingNameTemplate *name_template;
  ThumbingS3Bucket     *bucket;
};

G_DEFINE_FINAL_TYPE (ThumbingS3Put, thumbing_s3_put, THUMBING_TYPE_SINK)

static void
thumbing_s3_put_finalize (GObject *object)
{
  ThumbingS3Put *self = THUMBING_S3_PUT (object);

  g_clear_pointer (&self->name_template, thumbing_name_template_unref);
  g_clear_pointer (&self->bucket, thumbing_s3_bucket_free);
  G_OBJECT_CLASS (thumbing_s3_put_parent_class)->finalize (object);
}

static gboolean
thumbing_s3_put_check (ThumbingElement *element,
                       GError         **error)
{
  ThumbingS3Put *self = THUMBING_S3_PUT (element);

  if (!thumbing_name_template_set (&self->name_template, self->template_text, error))
    return FALSE;
  if (self->prefix != NULL && self->prefix[0] == '/')
    {
      g_set_error (error, THUMBING_ERROR, THUMBING_ERROR_INVALID_VALUE,
                   _("prefix: S3 keys do not start with “/” (write “%s”)"), self->prefix + 1);
      return FALSE;
    }
  return TRUE;
}

static gboolean
thumbing_s3_put_start (ThumbingElement *element,
                       GError         **error)
{
  ThumbingS3Put *self = THUMBING_S3_PUT (element);

  if (self->name_template == NULL && !thumbing_s3_put_check (element, error))
    return FALSE;
  g_clear_pointer (&self->bucket, thumbing_s3_bucket_free);
  self->bucket = thumbing_s3_bucket_open (self->bucket_name, self->endpoint, self->region, self->addressing, error);
  if (self->bucket == NULL)
    return FALSE;
  thumbing_aws_client_set_retry_func (self->bucket->client, (ThumbingAwsRetryFunc) thumbing_element_count_retry, self);
  return TRUE;
}

static void
thumbing_s3_put_stop (ThumbingElement *element)
{
  g_clear_pointer (&THUMBING_S3_PUT (element)->bucket, thumbing_s3_bucket_free);
}

typedef struct
{
  ThumbingItem *item;
  char         *key;
  /* Multipart uploads only. */
  GBytes       *body;
  char         *upload_id;
  gsize         offset;
  guint         part;
  GString      *parts;      /* the CompleteMultipartUpload document so far */
} Put;

static void
put_free (gpointer data)
{
  Put *put = data;

  thumbing_item_unref (put->item);
  g_free (put->key);
  g_clear_pointer (&put->body, g_bytes_unref);
  g_free (put->upload_id);
  if (put->parts != NULL)
    g_string_free (put->parts, TRUE);
  g_free (put);
}

/* Records where the item went, for later stages, and completes the task. */
static void
stored (GTask      *task,
        const char *etag)
{
  ThumbingS3Put *self = g_task_get_source_object (task);
  Put *put = g_task_get_task_data (task);
  g_autofree char *output = NULL;
  g_autofree char *url = NULL;

  output = g_strdup_printf ("s3://%s/%s", self->bucket_name, put->key);
  url = thumbing_s3_bucket_url (self->bucket, put->key);
  thumbing_item_set_metadata (put->item, THUMBING_METADATA_OUTPUT, output);
  thumbing_item_set_metadata (put->item, THUMBING_S3_OUTPUT_BUCKET, self->bucket_name);
  thumbing_item_set_metadata (put->item, THUMBING_S3_OUTPUT_KEY, put->key);
  thumbing_item_set_metadata (put->item, THUMBING_S3_OUTPUT_URL, url);
  if (etag != NULL)
    {
      g_autofree char *bare = g_strdup (etag);

      thumbing_item_set_metadata (put->item, THUMBING_S3_OUTPUT_ETAG, g_strstrip (g_strdelimit (bare, "\"", ' ')));
    }
  g_task_return_pointer (task, thumbing_item_ref (put->item), (GDestroyNotify) thumbing_item_unref);
}

static void
fail (GTask  *task,
      GError *error)
{
  ThumbingS3Put *self = g_task_get_source_object (task);
  Put *put = g_task_get_task_data (task);

  g_prefix_error (&error, _("storing s3://%s/%s: "), self->bucket_name, put->key);
  g_task_return_error (task, error);
}

static void
on_put (GObject      *object,
        GAsyncResult *result,
        gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;
  g_autoptr(ThumbingAwsResponse) response = thumbing_aws_client_send_finish (NULL, result, &error);

  if (response == NULL)
    fail (task, error);
  else
    stored (task, soup_message_headers_get_one (response->headers, "ETag"));
}

/* Multipart: create, upload the parts one after the other, complete; an
 * upload that fails is aborted, so no parts are left to pay for. */

static void send_next_part (GTask *task);

static ThumbingAwsRequest *
multipart_request (ThumbingS3Put *self,
                   Put           *put,
                   const char    *method)
{
  ThumbingAwsRequest *request = thumbing_s3_bucket_request (self->bucket, method, put->key);

  thumbing_aws_request_add_trace (request, thumbing_item_get_metadata (put->item, THUMBING_METADATA_TRACE_HEADER));
  thumbing_aws_request_add_query (request, "uploadId", put->upload_id);
  return request;
}

static void
on_aborted (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  thumbing_aws_response_free (thumbing_aws_client_send_finish (NULL, result, &error));
}

static void
abort_and_fail (GTask  *task,
                GError *error)
{
  ThumbingS3Put *self = g_task_get_source_object (task);
  Put *put = g_task_get_task_data (task);

  if (put->upload_id != NULL)
    thumbing_aws_client_send_async (self->bucket->client, multipart_request (self, put, "DELETE"),
                                    NULL, on_aborted, NULL);
  fail (task, error);
}

static void
on_completed (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;
  g_autoptr(ThumbingAwsResponse) response = thumbing_aws_client_send_finish (NULL, result, &error);
  g_autofree char *code = NULL;
  g_autofree char *etag = NULL;

  if (response == NULL)
    {
      abort_and_fail (task, error);
      return;
    }
  /* CompleteMultipartUpload may answer 200 with an error inside. */
  code = thumbing_aws_xml_text (response->body, "Code");
  if (code != NULL)
    {
      g_autofree char *message = thumbing_aws_xml_text (response->body, "Message");

      abort_and_fail (task, g_error_new (THUMBING_AWS_ERROR, THUMBING_AWS_ERROR_SERVER, "s3 %s: %s",
                                         code, message != NULL ? message : ""));
      return;
    }
  etag = thumbing_aws_xml_text (response->body, "ETag");
  stored (task, etag);
}

static void
on_part_sent (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  GTask *task = user_data;
  Put *put = g_task_get_task_data (task);
  GError *error = NULL;
  g_autoptr(ThumbingAwsResponse) response = thumbing_aws_client_send_finish (NULL, result, &error);
  const char *etag;

  if (response == NULL)
    {
      abort_and_fail (task, error);
      g_object_unref (task);
      return;
    }
  etag = soup_message_headers_get_one (response->headers, "ETag");
  g_string_append_printf (put->parts, "<Part><PartNumber>%u</PartNumber><ETag>%s</ETag></Part>",
                          put->part, etag != NULL ? etag : "");
  send_next_part (task);
}

static void
send_next_part (GTask *task)
{
  ThumbingS3Put *self = g_task_get_source_object (task);
  Put *put = g_task_get_task_data (task);
  gsize total = g_bytes_get_size (put->body);
  ThumbingAwsRequest *request;

  if (put->offset >= total)
    {
      g_string_append (put->parts, "</CompleteMultipartUpload>");
      request = multipart_request (self, put, "POST");
      thumbing_aws_request_add_header (request, "Content-Type", "application/xml");
      request->body = g_bytes_new (put->parts->str, put->parts->len);
      thumbing_aws_client_send_async (self->bucket->client, request, g_task_get_cancellable (task), on_completed, task);
      return;
    }

  {
    gsize length = MIN ((gsize) self->part_size, total - put->offset);
    g_autofree char *number = g_strdup_printf ("%u", ++put->part);

    request = multipart_request (self, put, "PUT");
    thumbing_aws_request_add_query (request, "partNumber", number);
    request->body = g_bytes_new_from_bytes (put->body, put->offset, length);
    put->offset += length;
    thumbing_aws_client_send_async (self->bucket->client, request, g_task_get_cancellable (task), on_part_sent, task);
  }
}

static void
on_created (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  GTask *task = user_data;
  Put *put = g_task_get_task_data (task);
  GError *error = NULL;
  g_autoptr(ThumbingAwsResponse) response = thumbing_aws_client_send_finish (NULL, result, &error);

  if (response == NULL || (put->upload_id = thumbing_aws_xml_text (response->body, "UploadId")) == NULL)
    {
      if (error == NULL)
        error = g_error_new (THUMBING_AWS_ERROR, THUMBING_AWS_ERROR_INVALID, _("s3 gave no UploadId"));
      fail (task, error);
      g_object_unref (task);
      return;
    }
  put->parts = g_string_new ("<CompleteMultipartUpload xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">");
  send_next_part (task);
}

/* The headers an object is stored with, whether in one piece or in parts. */
static void
add_object_headers (ThumbingS3Put      *self,
                    ThumbingAwsRequest *request,
                    ThumbingItem       *item,
                    const char         *source_etag)
{
  g_autofree char *source = thumbing_aws_uri_encode (thumbing_item_get_origin (item), TRUE);

  thumbing_aws_request_add_header (request, "Content-Type", thumbing_item_get_media_type (item));
  thumbing_aws_request_add_trace (request, thumbing_item_get_metadata (item, THUMBING_METADATA_TRACE_HEADER));
  if (self->cache_control != NULL && *self->cache_control != '\0')
    thumbing_aws_request_add_header (request, "Cache-Control", self->cache_control);
  /* Names the input, so a pipeline can tell its own outputs from uploads.
   * S3 user metadata is ASCII: the origin is percent-encoded. */
  thumbing_aws_request_add_header (request, THUMBING_S3_SOURCE_HEADER, source);
  if (source_etag != NULL)
    thumbing_aws_request_add_header (request, THUMBING_S3_SOURCE_ETAG_HEADER, source_etag);
}

static void
thumbing_s3_put_process_async (ThumbingElement     *element,
                               ThumbingItem        *item,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  ThumbingS3Put *self = THUMBING_S3_PUT (element);
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);
  g_autoptr(GError) error = NULL;
  g_autofree char *name = NULL;
  g_autoptr(GBytes) body = NULL;
  ThumbingAwsRequest *request;
  const char *source_etag = thumbing_item_get_metadata (item, THUMBING_S3_ETAG);
  Put *put;

  name = thumbing_name_template_expand (self->name_template, item, &error);
  if (name != NULL)
    body = thumbing_item_load_bytes (item, &error);
  if (body == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  put = g_new0 (Put, 1);
  put->item = thumbing_item_ref (item);
  put->key = g_strconcat (self->prefix != NULL ? self->prefix : "", name, NULL);
  g_task_set_task_data (task, put, put_free);

  /* Large outputs go in parts: a failure costs one part, not the object. */
  if (self->multipart_threshold > 0 && g_bytes_get_size (body) > self->multipart_threshold)
    {
      put->body = g_bytes_ref (body);
      request = thumbing_s3_bucket_request (self->bucket, "POST", put->key);
      thumbing_aws_request_add_query (request, "uploads", "");
      add_object_headers (self, request, item, source_etag);
      thumbing_aws_client_send_async (self->bucket->client, request, cancellable, on_created, g_steal_pointer (&task));
      return;
    }

  request = thumbing_s3_bucket_request (self->bucket, "PUT", put->key);
  add_object_headers (self, request, item, source_etag);
  thumbing_aws_request_set_body (request, body);
  thumbing_aws_client_send_async (self->bucket->client, request, cancellable, on_put, g_steal_pointer (&task));
}

static ThumbingItem *
thumbing_s3_put_process_finish (ThumbingElement *element,
                                GAsyncResult    *result,
                                GError         **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}

static char *
thumbing_s3_put_get_location (ThumbingElement *element)
{
  ThumbingS3Put *self = THUMBING_S3_PUT (element);

  if (self->bucket_name == NULL)
    return NULL;
  return g_strdup_printf ("s3://%s/%s", self->bucket_name, self->prefix != NULL ? self->prefix : "");
}

static void
thumbing_s3_put_class_init (ThumbingS3PutClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  ThumbingElementClass *element_class = THUMBING_ELEMENT_CLASS (klass);

  object_class->finalize = thumbing_s3_put_finalize;
  element_class->check = thumbing_s3_put_check;
  element_class->start = thumbing_s3_put_start;
  element_class->stop = thumbing_s3_put_stop;
  element_class->process_async = thumbing_s3_put_process_async;
  element_class->process_finish = thumbing_s3_put_process_finish;
  element_class->get_location = thumbing_s3_put_get_location;

  thumbing_element_class_set_metadata (element_class, "s3-put",
                                       _("Stores encoded items in an S3 bucket, with their media type and source"));
  thumbing_element_class_set_metadata_keys (element_class, NULL,
                                            THUMBING_METADATA_OUTPUT ";" THUMBING_S3_OUTPUT_BUCKET ";"
                                            THUMBING_S3_OUTPUT_KEY ";" THUMBING_S3_OUTPUT_URL ";"
                                            THUMBING_S3_OUTPUT_ETAG);
  thumbing_element_class_set_media (element_class, "*/*", NULL);
  thumbing_element_class_set_permissions (element_class, "s3:PutObject;s3:AbortMultipartUpload");

  THUMBING_ELEMENT_FIELD (klass, ThumbingS3Put, bucket_name,
    g_param_spec_string ("bucket", NULL, _("The bucket to store in"),
                         NULL, G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | THUMBING_PARAM_REQUIRED));
  THUMBING_ELEMENT_FIELD (klass, ThumbingS3Put, prefix,
    g_param_spec_string ("prefix", NULL, _("Put before every key, as “avatars/”"),
                         "", G_PARAM_READWRITE | G_PARAM_CONSTRUCT | G_PARAM_STATIC_STRINGS));
  THUMBING_ELEMENT_FIELD (klass, ThumbingS3Put, template_text,
    g_param_spec_string ("template", NULL,
                         _("Key after the prefix: {path} {dir} {name} {stem} {ext} {width} {height} (default keeps the input’s name)"),
                         "{path}", G_PARAM_READWRITE | G_PARAM_CONSTRUCT | G_PARAM_STATIC_STRINGS));
  THUMBING_ELEMENT_FIELD (klass, ThumbingS3Put, cache_control,
    g_param_spec_string ("cache-control", NULL, _("Cache-Control stored with each object, for the CDN in front"),
                         "public, max-age=86400", G_PARAM_READWRITE | G_PARAM_CONSTRUCT | G_PARAM_STATIC_STRINGS));
  THUMBING_ELEMENT_FIELD (klass, ThumbingS3Put, endpoint,
    g_param_spec_string ("endpoint", NULL, _("S3 endpoint URL; AWS_ENDPOINT_URL_S3 and AWS_ENDPOINT_URL come first"),
                         NULL, G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS));
  THUMBING_ELEMENT_FIELD (klass, ThumbingS3Put, region,
    g_param_spec_string ("region", NULL, _("AWS region; AWS_REGION, AWS_DEFAULT_REGION or the profile's when unset"),
                         NULL, G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS));
  THUMBING_ELEMENT_FIELD (klass, ThumbingS3Put, addressing,
    g_param_spec_enum ("addressing", NULL, _("Bucket in the path or in the host name"),
                       thumbing_s3_addressing_get_type (), THUMBING_S3_ADDRESSING_AUTO,
                       G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS));
  /* S3's smallest part is 5 MiB, but for the last. */
  THUMBING_ELEMENT_FIELD (klass, ThumbingS3Put, multipart_threshold,
    g_param_spec_uint64 ("multipart-threshold", NULL, _("Upload objects larger than this in parts (0: never)"),
                         0, G_MAXUINT64, 64 * 1024 * 1024,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT | G_PARAM_STATIC_STRINGS));
  THUMBING_ELEMENT_FIELD (klass, ThumbingS3Put, part_size,
    g_param_spec_uint64 ("part-size", NULL, _("Size of each part of a multipart upload"),
                         5 * 1024 * 1024, 5 * G_GUINT64_CONSTANT (1024) * 1024 * 1024, 16 * 1024 * 1024,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT | G_PARAM_STATIC_STRINGS));
}

static void
thumbing_s3_put_init (ThumbingS3Put *self)
{
}
