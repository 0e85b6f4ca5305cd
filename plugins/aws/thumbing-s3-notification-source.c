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
} ThumbingS3NotificationSourcePrivate;

G_DEFINE_ABSTRACT_TYPE_WITH_PRIVATE (ThumbingS3NotificationSource, thumbing_s3_notification_source,
                                     THUMBING_TYPE_SOURCE)

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

  element_class->get_location = thumbing_s3_notification_source_get_location;

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
