/* thumbing-s3-notification-source.c: what every S3-event source shares
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Whether notifications arrive from SQS, an HTTP push or a Lambda
 * invocation, the same settings choose the records to take, and a taken
 * record becomes the same item: an S3 object for s3-get to fetch.
 */
#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "thumbing-aws-metadata.h"
#include "thumbing-s3-notification-source.h"

typedef struct
{
  char *bucket;
  char *prefix;
  char *suffix;
  char *events;

  guint  credit;     /* items the pipeline asked for and has not had */
  GQueue queued;     /* ThumbingItem, made but not pushed yet */
} ThumbingS3NotificationSourcePrivate;

G_DEFINE_ABSTRACT_TYPE_WITH_PRIVATE (ThumbingS3NotificationSource, thumbing_s3_notification_source,
                                     THUMBING_TYPE_SOURCE)

static void
thumbing_s3_notification_source_request (ThumbingSource *source,
                                         guint           n_items)
{
  ThumbingS3NotificationSource *self = THUMBING_S3_NOTIFICATION_SOURCE (source);
  ThumbingS3NotificationSourcePrivate *priv = thumbing_s3_notification_source_get_instance_private (self);

  priv->credit += n_items;
  thumbing_s3_notification_source_push_queued (self);
}

static void
thumbing_s3_notification_source_stop (ThumbingElement *element)
{
  ThumbingS3NotificationSourcePrivate *priv =
    thumbing_s3_notification_source_get_instance_private (THUMBING_S3_NOTIFICATION_SOURCE (element));

  /* Never pushed, so never acknowledged: the queue or the sender has them. */
  g_queue_clear_full (&priv->queued, (GDestroyNotify) thumbing_item_unref);
  priv->credit = 0;
}

static void
thumbing_s3_notification_source_finalize (GObject *object)
{
  ThumbingS3NotificationSourcePrivate *priv =
    thumbing_s3_notification_source_get_instance_private (THUMBING_S3_NOTIFICATION_SOURCE (object));

  g_queue_clear_full (&priv->queued, (GDestroyNotify) thumbing_item_unref);
  G_OBJECT_CLASS (thumbing_s3_notification_source_parent_class)->finalize (object);
}

static char *
thumbing_s3_notification_source_get_location (ThumbingElement *element)
{
  ThumbingS3NotificationSourcePrivate *priv =
    thumbing_s3_notification_source_get_instance_private (THUMBING_S3_NOTIFICATION_SOURCE (element));

  if (priv->bucket == NULL || *priv->bucket == '\0')
    return NULL;
  return g_strdup_printf ("s3://%s/%s", priv->bucket, priv->prefix);
}

static void
thumbing_s3_notification_source_class_init (ThumbingS3NotificationSourceClass *klass)
{
  ThumbingElementClass *element_class = THUMBING_ELEMENT_CLASS (klass);
  GParamFlags rw = G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS;

  G_OBJECT_CLASS (klass)->finalize = thumbing_s3_notification_source_finalize;
  element_class->get_location = thumbing_s3_notification_source_get_location;
  element_class->stop = thumbing_s3_notification_source_stop;
  THUMBING_SOURCE_CLASS (klass)->request = thumbing_s3_notification_source_request;
  thumbing_element_class_set_metadata_keys (element_class, NULL,
                                            THUMBING_S3_BUCKET ";" THUMBING_S3_KEY ";" THUMBING_S3_ETAG ";"
                                            THUMBING_S3_SIZE ";" THUMBING_S3_EVENT);

  THUMBING_ELEMENT_PRIVATE_FIELD (klass, ThumbingS3NotificationSource, bucket,
    g_param_spec_string ("bucket", NULL, _("Only events of this bucket (also lets check refuse outputs that would come back)"),
                         NULL, rw));
  THUMBING_ELEMENT_PRIVATE_FIELD (klass, ThumbingS3NotificationSource, prefix,
    g_param_spec_string ("prefix", NULL, _("Only keys under this prefix, as “uploads/”; item names are relative to it"),
                         "", rw | G_PARAM_CONSTRUCT));
  THUMBING_ELEMENT_PRIVATE_FIELD (klass, ThumbingS3NotificationSource, suffix,
    g_param_spec_string ("suffix", NULL, _("Only keys ending so, as “.jpg”"), "", rw | G_PARAM_CONSTRUCT));
  THUMBING_ELEMENT_PRIVATE_FIELD (klass, ThumbingS3NotificationSource, events,
    g_param_spec_string ("events", NULL, _("Event names to take, a wildcard pattern"),
                         "ObjectCreated:*", rw | G_PARAM_CONSTRUCT));
}

static void
thumbing_s3_notification_source_init (ThumbingS3NotificationSource *self)
{
  ThumbingS3NotificationSourcePrivate *priv = thumbing_s3_notification_source_get_instance_private (self);

  g_queue_init (&priv->queued);
}

static gboolean
key_has_dot_segment (const char *key)
{
  g_auto(GStrv) segments = g_strsplit (key, "/", -1);

  for (char **segment = segments; *segment != NULL; segment++)
    if (strcmp (*segment, ".") == 0 || strcmp (*segment, "..") == 0)
      return TRUE;
  return FALSE;
}

/**
 * thumbing_s3_notification_source_wants:
 * @self: a source
 * @record: an event record
 *
 * Returns: whether @record is an event, bucket and key this source takes
 */
gboolean
thumbing_s3_notification_source_wants (ThumbingS3NotificationSource *self,
                                       const ThumbingS3Record       *record)
{
  ThumbingS3NotificationSourcePrivate *priv = thumbing_s3_notification_source_get_instance_private (self);
  gboolean wanted = g_pattern_match_simple (priv->events, record->event_name)
                    && (priv->bucket == NULL || *priv->bucket == '\0' || strcmp (record->bucket, priv->bucket) == 0)
                    && g_str_has_prefix (record->key, priv->prefix)
                    && g_str_has_suffix (record->key, priv->suffix)
                    && strlen (record->key) > strlen (priv->prefix);

  /* “uploads/../private/x” starts with the prefix but names no object
   * under it to anything that resolves dot segments, and its output key
   * would escape the output prefix the same way. */
  if (wanted && key_has_dot_segment (record->key))
    {
      thumbing_element_warn (THUMBING_ELEMENT (self), _("refused the key “%s” of bucket %s: it has a “.” or “..” segment"),
                             record->key, record->bucket);
      return FALSE;
    }
  return wanted;
}

/**
 * thumbing_s3_notification_source_item_for_record:
 * @self: a source
 * @record: a record thumbing_s3_notification_source_wants() took
 *
 * Returns: (transfer full): an item naming the object, named relative to the prefix
 */
ThumbingItem *
thumbing_s3_notification_source_item_for_record (ThumbingS3NotificationSource *self,
                                                 const ThumbingS3Record       *record)
{
  ThumbingS3NotificationSourcePrivate *priv = thumbing_s3_notification_source_get_instance_private (self);
  g_autofree char *origin = g_strdup_printf ("s3://%s/%s", record->bucket, record->key);
  ThumbingItem *item = thumbing_item_new (origin, record->key + strlen (priv->prefix));
  g_autoptr(GBytes) empty = g_bytes_new_static ("", 0);

  thumbing_item_set_bytes (item, empty, THUMBING_MEDIA_S3_OBJECT);
  thumbing_item_set_metadata (item, THUMBING_S3_BUCKET, record->bucket);
  thumbing_item_set_metadata (item, THUMBING_S3_KEY, record->key);
  thumbing_item_set_metadata (item, THUMBING_S3_ETAG, record->etag);
  thumbing_item_set_metadata (item, THUMBING_S3_EVENT, record->event_name);
  if (record->size >= 0)
    thumbing_item_set_metadata_int (item, THUMBING_S3_SIZE, record->size);
  return item;
}

/**
 * thumbing_s3_notification_source_queue:
 * @self: a source
 * @item: (transfer full): an item made from a record
 *
 * Queues @item to be pushed when the pipeline has room; nothing is pushed
 * until thumbing_s3_notification_source_push_queued().
 */
void
thumbing_s3_notification_source_queue (ThumbingS3NotificationSource *self,
                                       ThumbingItem                 *item)
{
  ThumbingS3NotificationSourcePrivate *priv = thumbing_s3_notification_source_get_instance_private (self);

  g_queue_push_tail (&priv->queued, item);
}

/**
 * thumbing_s3_notification_source_push_queued:
 * @self: a source
 *
 * Pushes queued items, oldest first, as far as the pipeline's credit goes.
 */
void
thumbing_s3_notification_source_push_queued (ThumbingS3NotificationSource *self)
{
  ThumbingS3NotificationSourcePrivate *priv = thumbing_s3_notification_source_get_instance_private (self);

  while (priv->credit > 0 && !g_queue_is_empty (&priv->queued))
    {
      g_autoptr(ThumbingItem) item = g_queue_pop_head (&priv->queued);

      priv->credit--;
      thumbing_source_push (THUMBING_SOURCE (self), item);
    }
}

/**
 * thumbing_s3_notification_source_drop_queued:
 * @self: a source
 *
 * Forgets the items not pushed yet. Never pushed, they are never
 * acknowledged either: the queue or the sender has them still.
 */
void
thumbing_s3_notification_source_drop_queued (ThumbingS3NotificationSource *self)
{
  ThumbingS3NotificationSourcePrivate *priv = thumbing_s3_notification_source_get_instance_private (self);

  g_queue_clear_full (&priv->queued, (GDestroyNotify) thumbing_item_unref);
}

/**
 * thumbing_s3_notification_source_get_n_queued:
 * @self: a source
 *
 * Returns: how many items wait to be pushed
 */
guint
thumbing_s3_notification_source_get_n_queued (ThumbingS3NotificationSource *self)
{
  ThumbingS3NotificationSourcePrivate *priv = thumbing_s3_notification_source_get_instance_private (self);

  return g_queue_get_length (&priv->queued);
}

/**
 * thumbing_s3_notification_source_get_credit:
 * @self: a source
 *
 * Returns: how many more items the pipeline would take now
 */
guint
thumbing_s3_notification_source_get_credit (ThumbingS3NotificationSource *self)
{
  ThumbingS3NotificationSourcePrivate *priv = thumbing_s3_notification_source_get_instance_private (self);

  return priv->credit;
}
