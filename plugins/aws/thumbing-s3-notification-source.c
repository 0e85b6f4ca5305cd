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

enum {
  PROP_0,
  PROP_BUCKET,
  PROP_PREFIX,
  PROP_SUFFIX,
  PROP_EVENTS,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
thumbing_s3_notification_source_finalize (GObject *object)
{
  ThumbingS3NotificationSourcePrivate *priv =
    thumbing_s3_notification_source_get_instance_private (THUMBING_S3_NOTIFICATION_SOURCE (object));

  g_free (priv->bucket);
  g_free (priv->prefix);
  g_free (priv->suffix);
  g_free (priv->events);
  G_OBJECT_CLASS (thumbing_s3_notification_source_parent_class)->finalize (object);
}

static char **
field_of (ThumbingS3NotificationSourcePrivate *priv,
          guint                                prop_id)
{
  switch (prop_id)
    {
    case PROP_BUCKET: return &priv->bucket;
    case PROP_PREFIX: return &priv->prefix;
    case PROP_SUFFIX: return &priv->suffix;
    case PROP_EVENTS: return &priv->events;
    default: return NULL;
    }
}

static void
thumbing_s3_notification_source_get_property (GObject    *object,
                                              guint       prop_id,
                                              GValue     *value,
                                              GParamSpec *pspec)
{
  ThumbingS3NotificationSourcePrivate *priv =
    thumbing_s3_notification_source_get_instance_private (THUMBING_S3_NOTIFICATION_SOURCE (object));
  char **field = field_of (priv, prop_id);

  if (field != NULL)
    g_value_set_string (value, *field);
  else
    G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
}

static void
thumbing_s3_notification_source_set_property (GObject      *object,
                                              guint         prop_id,
                                              const GValue *value,
                                              GParamSpec   *pspec)
{
  ThumbingS3NotificationSourcePrivate *priv =
    thumbing_s3_notification_source_get_instance_private (THUMBING_S3_NOTIFICATION_SOURCE (object));
  char **field = field_of (priv, prop_id);

  if (field == NULL)
    {
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
      return;
    }
  g_free (*field);
  *field = g_value_dup_string (value);
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
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  ThumbingElementClass *element_class = THUMBING_ELEMENT_CLASS (klass);
  GParamFlags rw = G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS;

  object_class->finalize = thumbing_s3_notification_source_finalize;
  object_class->get_property = thumbing_s3_notification_source_get_property;
  object_class->set_property = thumbing_s3_notification_source_set_property;
  element_class->get_location = thumbing_s3_notification_source_get_location;

  properties[PROP_BUCKET] =
    g_param_spec_string ("bucket", NULL, _("Only events of this bucket (also lets check refuse outputs that would come back)"),
                         NULL, rw);
  properties[PROP_PREFIX] =
    g_param_spec_string ("prefix", NULL, _("Only keys under this prefix, as “uploads/”; item names are relative to it"),
                         "", rw | G_PARAM_CONSTRUCT);
  properties[PROP_SUFFIX] =
    g_param_spec_string ("suffix", NULL, _("Only keys ending so, as “.jpg”"), "", rw | G_PARAM_CONSTRUCT);
  properties[PROP_EVENTS] =
    g_param_spec_string ("events", NULL, _("Event names to take, a wildcard pattern"),
                         "ObjectCreated:*", rw | G_PARAM_CONSTRUCT);
  g_object_class_install_properties (object_class, N_PROPS, properties);
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
