/* thumbing-s3-list-source.c: every object already under a prefix, for a backfill
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Lists the bucket's keys under the prefix with ListObjectsV2, page by page
 * as the pipeline takes them, and ends when every item has settled: how a
 * user re-thumbnails a bucket after changing the size, or adopts thumbing
 * on a bucket that already holds uploads. With `skip-done-prefix` an object
 * whose output (the same name under that prefix, as s3-put writes it by
 * default) is newer than the object is left alone. With `checkpoint-file`
 * the last key through which everything settled is written down as the run
 * goes, so a killed run starts after it (ListObjectsV2's StartAfter).
 */
#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "thumbing-aws-metadata.h"
#include "thumbing-s3-bucket.h"
#include "thumbing-s3-list-source.h"

/* Pages are fetched while fewer items than this wait to be pushed. */
#define QUEUE_LOW 500
/* The checkpoint is written at most this often, and at the end. */
#define CHECKPOINT_INTERVAL_US G_USEC_PER_SEC

typedef struct
{
  char    *key;
  gboolean settled;
} Taken;

struct _ThumbingS3ListSource
{
  ThumbingS3NotificationSource parent_instance;

  char                *endpoint;
  char                *region;
  ThumbingS3Addressing addressing;
  char                *skip_done_prefix;
  char                *checkpoint_file;

  ThumbingS3Bucket    *bucket;
  GCancellable        *cancellable;
  char                *prefix;
  GHashTable          *outputs;        /* output key → LastModified, with skip-done-prefix */
  gboolean             listing_outputs;
  char                *token;          /* the next page's continuation token */
  char                *start_after;    /* from the checkpoint */
  gboolean             fetching;
  gboolean             listed;         /* the last page came */
  GQueue               taken;          /* Taken, in key order */
  char                *done_through;
  gint64               checkpointed_us;
  guint                n_taken;
  guint                n_skipped;
};

G_DEFINE_FINAL_TYPE (ThumbingS3ListSource, thumbing_s3_list_source, THUMBING_TYPE_S3_NOTIFICATION_SOURCE)

static void
taken_free (gpointer data)
{
  Taken *taken = data;

  g_free (taken->key);
  g_free (taken);
}

static void
thumbing_s3_list_source_finalize (GObject *object)
{
  ThumbingS3ListSource *self = THUMBING_S3_LIST_SOURCE (object);

  g_clear_pointer (&self->bucket, thumbing_s3_bucket_free);
  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->outputs, g_hash_table_unref);
  g_queue_clear_full (&self->taken, taken_free);
  g_free (self->prefix);
  g_free (self->token);
  g_free (self->start_after);
  g_free (self->done_through);
  G_OBJECT_CLASS (thumbing_s3_list_source_parent_class)->finalize (object);
}

static gboolean
thumbing_s3_list_source_check (ThumbingElement *element,
                               GError         **error)
{
  g_autofree char *bucket = NULL;

  g_object_get (element, "bucket", &bucket, NULL);
  if (!thumbing_text_is_set (bucket))
    {
      g_set_error (error, THUMBING_ERROR, THUMBING_ERROR_MISSING_PROPERTY, _("bucket: the bucket to list must be set"));
      return FALSE;
    }
  return TRUE;
}

static void
write_checkpoint (ThumbingS3ListSource *self,
                  gboolean              now)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;

  if (!thumbing_text_is_set (self->checkpoint_file) || self->done_through == NULL
      || (!now && g_get_monotonic_time () - self->checkpointed_us < CHECKPOINT_INTERVAL_US))
    return;
  self->checkpointed_us = g_get_monotonic_time ();
  text = g_strconcat (self->done_through, "\n", NULL);
  /* Written aside and renamed: a kill leaves the old checkpoint or the new. */
  if (!g_file_set_contents (self->checkpoint_file, text, -1, &error))
    thumbing_element_warn (THUMBING_ELEMENT (self), _("cannot write the checkpoint: %s"), error->message);
}

static void maybe_fetch (ThumbingS3ListSource *self);

static void
maybe_end (ThumbingS3ListSource *self)
{
  if (self->listed && g_queue_is_empty (&self->taken)
      && thumbing_s3_notification_source_get_n_queued (THUMBING_S3_NOTIFICATION_SOURCE (self)) == 0
      && !thumbing_source_is_ended (THUMBING_SOURCE (self)))
    {
      write_checkpoint (self, TRUE);
      if (self->n_skipped > 0)
        g_message (_("%s: %u objects skipped, their outputs are newer"),
                   thumbing_element_get_name (THUMBING_ELEMENT (self)), self->n_skipped);
      thumbing_source_end (THUMBING_SOURCE (self));
    }
}

/* The text of each <Contents> of a ListObjectsV2 page, in order. */
static GPtrArray *
split_contents (GBytes *page)
{
  GPtrArray *contents = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  gsize length = 0;
  const char *data = g_bytes_get_data (page, &length);
  const char *end = data + length;

  for (const char *at = g_strstr_len (data, length, "<Contents>"); at != NULL;)
    {
      const char *close = g_strstr_len (at, end - at, "</Contents>");

      if (close == NULL)
        break;
      g_ptr_array_add (contents, g_bytes_new (at, close - at));
      at = g_strstr_len (close, end - close, "<Contents>");
    }
  return contents;
}

static void
take_object (ThumbingS3ListSource *self,
             GBytes               *content)
{
  g_autofree char *key = thumbing_aws_xml_text (content, "Key");
  g_autofree char *size = thumbing_aws_xml_text (content, "Size");
  g_autofree char *etag = thumbing_aws_xml_text (content, "ETag");
  g_autofree char *modified = thumbing_aws_xml_text (content, "LastModified");
  g_autofree char *bucket = NULL;
  ThumbingS3Record record = { (char *) "ObjectCreated:Put", NULL, NULL, NULL, -1, NULL, NULL };
  Taken *taken;

  if (key == NULL)
    return;
  if (self->listing_outputs)
    {
      g_hash_table_replace (self->outputs, g_steal_pointer (&key), g_strdup (modified != NULL ? modified : ""));
      return;
    }
  g_object_get (self, "bucket", &bucket, NULL);
  record.bucket = bucket;
  record.key = key;
  record.size = size != NULL ? g_ascii_strtoll (size, NULL, 10) : -1;
  /* ETags come quoted: the item keeps them bare, as events give them. */
  if (etag != NULL && g_str_has_prefix (etag, "\"") && g_str_has_suffix (etag, "\"") && strlen (etag) >= 2)
    {
      etag[strlen (etag) - 1] = '\0';
      memmove (etag, etag + 1, strlen (etag));
    }
  record.etag = etag;
  if (!thumbing_s3_notification_source_wants (THUMBING_S3_NOTIFICATION_SOURCE (self), &record))
    return;
  if (self->outputs != NULL)
    {
      g_autofree char *output = g_strconcat (self->skip_done_prefix, key + strlen (self->prefix), NULL);
      const char *output_modified = g_hash_table_lookup (self->outputs, output);

      /* ISO 8601 times of one format compare as text. */
      if (output_modified != NULL && modified != NULL && strcmp (output_modified, modified) >= 0)
        {
          self->n_skipped++;
          return;
        }
    }
  taken = g_new0 (Taken, 1);
  taken->key = g_strdup (key);
  g_queue_push_tail (&self->taken, taken);
  self->n_taken++;
  thumbing_s3_notification_source_queue (THUMBING_S3_NOTIFICATION_SOURCE (self),
                                         thumbing_s3_notification_source_item_for_record (
                                           THUMBING_S3_NOTIFICATION_SOURCE (self), &record));
}

static void
on_page (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  ThumbingS3ListSource *self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(ThumbingAwsResponse) response = thumbing_aws_client_send_finish (NULL, result, &error);
  g_autoptr(GPtrArray) contents = NULL;
  g_autofree char *truncated = NULL;

  self->fetching = FALSE;
  if (response == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          g_prefix_error (&error, _("listing s3://%s/%s: "), self->bucket->name,
                          self->listing_outputs ? self->skip_done_prefix : self->prefix);
          thumbing_source_fail (THUMBING_SOURCE (self), error);
        }
      g_object_unref (self);
      return;
    }

  contents = split_contents (response->body);
  for (guint i = 0; i < contents->len; i++)
    take_object (self, contents->pdata[i]);
  g_free (self->token);
  self->token = thumbing_aws_xml_text (response->body, "NextContinuationToken");
  truncated = thumbing_aws_xml_text (response->body, "IsTruncated");
  if (g_strcmp0 (truncated, "true") != 0 || self->token == NULL)
    {
      g_clear_pointer (&self->token, g_free);
      if (self->listing_outputs)
        self->listing_outputs = FALSE;
      else
        {
          self->listed = TRUE;
          thumbing_source_set_total_hint (THUMBING_SOURCE (self), self->n_taken);
        }
    }
  thumbing_s3_notification_source_push_queued (THUMBING_S3_NOTIFICATION_SOURCE (self));
  maybe_fetch (self);
  maybe_end (self);
  g_object_unref (self);
}

static void
maybe_fetch (ThumbingS3ListSource *self)
{
  ThumbingAwsRequest *request;

  if (self->fetching || self->listed || thumbing_source_is_ended (THUMBING_SOURCE (self))
      || thumbing_s3_notification_source_get_n_queued (THUMBING_S3_NOTIFICATION_SOURCE (self)) >= QUEUE_LOW)
    return;
  request = thumbing_s3_bucket_request (self->bucket, "GET", "");
  thumbing_aws_request_add_query (request, "list-type", "2");
  thumbing_aws_request_add_query (request, "prefix", self->listing_outputs ? self->skip_done_prefix : self->prefix);
  if (self->token != NULL)
    thumbing_aws_request_add_query (request, "continuation-token", self->token);
  else if (!self->listing_outputs && self->start_after != NULL)
    thumbing_aws_request_add_query (request, "start-after", self->start_after);
  self->fetching = TRUE;
  thumbing_aws_client_send_async (self->bucket->client, request, self->cancellable, on_page, g_object_ref (self));
}

static gboolean
thumbing_s3_list_source_start (ThumbingElement *element,
                               GError         **error)
{
  ThumbingS3ListSource *self = THUMBING_S3_LIST_SOURCE (element);
  g_autofree char *bucket = NULL;
  g_autofree char *checkpoint = NULL;

  g_object_get (self, "bucket", &bucket, NULL);
  g_free (self->prefix);
  g_object_get (self, "prefix", &self->prefix, NULL);
  self->bucket = thumbing_s3_bucket_open (bucket, self->endpoint, self->region, self->addressing, error);
  if (self->bucket == NULL)
    return FALSE;
  if (thumbing_text_is_set (self->checkpoint_file)
      && g_file_get_contents (self->checkpoint_file, &checkpoint, NULL, NULL))
    {
      g_strchomp (checkpoint);
      if (*checkpoint != '\0')
        {
          self->start_after = g_strdup (checkpoint);
          self->done_through = g_strdup (checkpoint);
          g_message (_("%s: continuing after “%s” (%s)"), thumbing_element_get_name (element), checkpoint,
                     self->checkpoint_file);
        }
    }
  if (thumbing_text_is_set (self->skip_done_prefix))
    {
      self->outputs = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
      self->listing_outputs = TRUE;
    }
  self->cancellable = g_cancellable_new ();
  return TRUE;
}

static void
thumbing_s3_list_source_stop (ThumbingElement *element)
{
  ThumbingS3ListSource *self = THUMBING_S3_LIST_SOURCE (element);

  g_cancellable_cancel (self->cancellable);
  write_checkpoint (self, TRUE);
  THUMBING_ELEMENT_CLASS (thumbing_s3_list_source_parent_class)->stop (element);
}

static void
thumbing_s3_list_source_request (ThumbingSource *source,
                                 guint           n_items)
{
  ThumbingS3ListSource *self = THUMBING_S3_LIST_SOURCE (source);

  THUMBING_SOURCE_CLASS (thumbing_s3_list_source_parent_class)->request (source, n_items);
  maybe_fetch (self);
  maybe_end (self);
}

/* Everything up to the first unsettled key is done: the checkpoint moves
 * to the last of them. Failed items count as settled: their failure was
 * reported, and a rerun without the checkpoint takes them again. */
static void
settle (ThumbingS3ListSource *self,
        ThumbingItem         *item)
{
  const char *key = thumbing_item_get_metadata (item, THUMBING_S3_KEY);
  Taken *head;

  for (GList *l = self->taken.head; l != NULL && key != NULL; l = l->next)
    if (strcmp (((Taken *) l->data)->key, key) == 0 && !((Taken *) l->data)->settled)
      {
        ((Taken *) l->data)->settled = TRUE;
        break;
      }
  while ((head = g_queue_peek_head (&self->taken)) != NULL && head->settled)
    {
      g_free (self->done_through);
      self->done_through = g_steal_pointer (&head->key);
      taken_free (g_queue_pop_head (&self->taken));
    }
  write_checkpoint (self, FALSE);
  maybe_fetch (self);
  maybe_end (self);
}

static void
thumbing_s3_list_source_ack (ThumbingSource *source,
                             ThumbingItem   *item)
{
  settle (THUMBING_S3_LIST_SOURCE (source), item);
}

static void
thumbing_s3_list_source_nack (ThumbingSource *source,
                              ThumbingItem   *item,
                              const GError   *error)
{
  settle (THUMBING_S3_LIST_SOURCE (source), item);
}

static void
thumbing_s3_list_source_class_init (ThumbingS3ListSourceClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  ThumbingElementClass *element_class = THUMBING_ELEMENT_CLASS (klass);
  ThumbingSourceClass *source_class = THUMBING_SOURCE_CLASS (klass);
  GParamFlags rw = G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS;

  object_class->finalize = thumbing_s3_list_source_finalize;
  element_class->check = thumbing_s3_list_source_check;
  element_class->start = thumbing_s3_list_source_start;
  element_class->stop = thumbing_s3_list_source_stop;
  source_class->request = thumbing_s3_list_source_request;
  source_class->ack = thumbing_s3_list_source_ack;
  source_class->nack = thumbing_s3_list_source_nack;

  thumbing_element_class_set_metadata (element_class, "s3-list-source",
                                       _("Takes every object already under a bucket’s prefix, for a backfill; "
                                         "resumable"));
  thumbing_element_class_set_media (element_class, NULL, THUMBING_MEDIA_S3_OBJECT);
  thumbing_element_class_set_permissions (element_class, "s3:ListBucket");

  THUMBING_ELEMENT_FIELD (klass, ThumbingS3ListSource, endpoint,
    g_param_spec_string ("endpoint", NULL, _("S3 endpoint URL (default as the AWS SDKs find it)"), NULL, rw));
  THUMBING_ELEMENT_FIELD (klass, ThumbingS3ListSource, region,
    g_param_spec_string ("region", NULL, _("AWS region (default: AWS_REGION)"), NULL, rw));
  THUMBING_ELEMENT_FIELD (klass, ThumbingS3ListSource, addressing,
    g_param_spec_enum ("addressing", NULL, _("Bucket in the path or in the host name"),
                       thumbing_s3_addressing_get_type (), THUMBING_S3_ADDRESSING_AUTO, rw));
  THUMBING_ELEMENT_FIELD (klass, ThumbingS3ListSource, skip_done_prefix,
    g_param_spec_string ("skip-done-prefix", NULL,
                         _("Skip objects whose output, the same name under this prefix, is newer"), NULL, rw));
  THUMBING_ELEMENT_FIELD (klass, ThumbingS3ListSource, checkpoint_file,
    g_param_spec_string ("checkpoint-file", NULL,
                         _("Where the last key through which everything settled is kept, to resume after it"),
                         NULL, rw));
}

static void
thumbing_s3_list_source_init (ThumbingS3ListSource *self)
{
  g_queue_init (&self->taken);
}
