/* thumbing-item.c
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "thumbing-error.h"
#include "thumbing-item.h"
#include "thumbing-handoff-private.h"

/**
 * ThumbingItem:
 *
 * One unit of work: where it came from, its payload and what the stages
 * learned about it.
 *
 * The origin is a human-readable location (a path, or `s3://bucket/key`) used
 * in every message about the item. The name is the item's path relative to
 * the root or prefix its source reads from; sinks build output names from it.
 *
 * The payload is either encoded bytes (a #GBytes, or a local file that is
 * mapped on demand) or a decoded image held as an opaque #GObject, each with a
 * media type. Metadata is a string map that later stages read, for example the
 * output location a sink wrote.
 *
 * An item is handled by one stage at a time, so it needs no locking; fan-out
 * gives every branch its own item with thumbing_item_branch().
 */
struct _ThumbingItem
{
  gatomicrefcount   ref_count;
  char             *origin;
  char             *name;
  char             *media_type;
  GBytes           *bytes;
  char             *file;
  GObject          *image;
  GHashTable       *metadata;
  ThumbingDelivery *delivery;
  gint64            created_us;
  char              id[17];        /* 16 hex digits, shared by branches */
};

G_DEFINE_BOXED_TYPE (ThumbingItem, thumbing_item, thumbing_item_ref, thumbing_item_unref)

/**
 * thumbing_item_new:
 * @origin: where the item comes from, as shown to people
 * @name: (nullable): the item's name relative to its source's root; the
 *   basename of @origin when %NULL
 *
 * Creates an item; its source sets the payload next.
 *
 * Returns: (transfer full): a new item with no payload
 */
ThumbingItem *
thumbing_item_new (const char *origin,
                   const char *name)
{
  ThumbingItem *self;

  g_return_val_if_fail (origin != NULL, NULL);

  self = g_new0 (ThumbingItem, 1);
  g_atomic_ref_count_init (&self->ref_count);
  self->origin = g_strdup (origin);
  self->name = name != NULL ? g_strdup (name) : g_path_get_basename (origin);
  self->metadata = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->created_us = g_get_monotonic_time ();
  g_snprintf (self->id, sizeof self->id, "%08x%08x", g_random_int (), g_random_int ());
  return self;
}

/**
 * thumbing_item_ref:
 * @self: a #ThumbingItem
 *
 * Adds a reference.
 *
 * Returns: (transfer full): @self
 */
ThumbingItem *
thumbing_item_ref (ThumbingItem *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  g_atomic_ref_count_inc (&self->ref_count);
  return self;
}

static void
thumbing_item_clear_payload (ThumbingItem *self)
{
  g_clear_pointer (&self->bytes, g_bytes_unref);
  g_clear_pointer (&self->file, g_free);
  g_clear_object (&self->image);
  g_clear_pointer (&self->media_type, g_free);
}

/**
 * thumbing_item_unref:
 * @self: (transfer full): a #ThumbingItem
 *
 * Drops a reference, freeing the object with the last one.
 */
void
thumbing_item_unref (ThumbingItem *self)
{
  g_return_if_fail (self != NULL);
  /* Whichever thread drops the last reference frees what the others used. */
  THUMBING_HANDOFF_RELEASE (self);
  if (!g_atomic_ref_count_dec (&self->ref_count))
    return;
  THUMBING_HANDOFF_ACQUIRE (self);
  thumbing_item_clear_payload (self);
  g_free (self->origin);
  g_free (self->name);
  g_hash_table_unref (self->metadata);
  g_clear_pointer (&self->delivery, thumbing_delivery_unref);
  g_free (self);
}

/**
 * thumbing_item_branch:
 * @self: a #ThumbingItem
 *
 * Makes the item for one fan-out branch: same origin, name, delivery and
 * start time, the payload shared (payloads are never modified in place, only
 * replaced), and a copy of the metadata that the branch may change freely.
 *
 * Returns: (transfer full): the branch's item
 */
ThumbingItem *
thumbing_item_branch (ThumbingItem *self)
{
  ThumbingItem *copy;
  GHashTableIter iter;
  gpointer key, value;

  g_return_val_if_fail (self != NULL, NULL);

  copy = thumbing_item_new (self->origin, self->name);
  copy->created_us = self->created_us;
  memcpy (copy->id, self->id, sizeof copy->id);
  copy->media_type = g_strdup (self->media_type);
  copy->bytes = self->bytes != NULL ? g_bytes_ref (self->bytes) : NULL;
  copy->file = g_strdup (self->file);
  copy->image = self->image != NULL ? g_object_ref (self->image) : NULL;
  g_hash_table_iter_init (&iter, self->metadata);
  while (g_hash_table_iter_next (&iter, &key, &value))
    g_hash_table_insert (copy->metadata, g_strdup (key), g_strdup (value));
  copy->delivery = self->delivery != NULL ? thumbing_delivery_ref (self->delivery) : NULL;
  return copy;
}

/**
 * thumbing_item_get_id:
 * @self: a #ThumbingItem
 *
 * Gets the item's id: 16 random hexadecimal digits given when the source
 * made it, kept by every stage and shared by its fan-out branches, so log
 * lines about one upload can be found together.
 *
 * Returns: (transfer none): the item's id
 */
const char *
thumbing_item_get_id (ThumbingItem *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->id;
}

/**
 * thumbing_item_get_origin:
 * @self: a #ThumbingItem
 *
 * Gets where the item comes from, as shown to people.
 *
 * Returns: (transfer none): where the item comes from, as shown to people
 */
const char *
thumbing_item_get_origin (ThumbingItem *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->origin;
}

/**
 * thumbing_item_get_public_origin:
 * @self: a #ThumbingItem
 *
 * Gets where the item comes from, as documents sent to others may say it:
 * the origin when it is a URI (`s3://bucket/key`), otherwise the item's
 * name relative to its source, so no path of the host leaves it.
 *
 * Returns: (transfer none): the origin to put in announcements
 */
const char *
thumbing_item_get_public_origin (ThumbingItem *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return g_uri_peek_scheme (self->origin) != NULL ? self->origin : self->name;
}

/**
 * thumbing_item_get_public_output:
 * @self: a #ThumbingItem
 *
 * Gets where the last sink stored the item, as documents sent to others may
 * say it: #THUMBING_METADATA_OUTPUT when it is a URI, otherwise
 * #THUMBING_METADATA_OUTPUT_NAME, so no path of the host leaves it.
 *
 * Returns: (transfer none) (nullable): the output to put in announcements,
 *   or %NULL when no sink stored the item
 */
const char *
thumbing_item_get_public_output (ThumbingItem *self)
{
  const char *output;

  g_return_val_if_fail (self != NULL, NULL);
  output = thumbing_item_get_metadata (self, THUMBING_METADATA_OUTPUT);
  if (output == NULL || g_uri_peek_scheme (output) != NULL)
    return output;
  return thumbing_item_get_metadata (self, THUMBING_METADATA_OUTPUT_NAME);
}

/**
 * thumbing_item_get_name:
 * @self: a #ThumbingItem
 *
 * Gets the item's name relative to its source's root.
 *
 * Returns: (transfer none): the item's name relative to its source's root
 */
const char *
thumbing_item_get_name (ThumbingItem *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->name;
}

/**
 * thumbing_item_get_media_type:
 * @self: a #ThumbingItem
 *
 * Gets the payload's media type, or %NULL when the item has no payload.
 *
 * Returns: (transfer none) (nullable): the payload's media type, or %NULL
 *   when the item has no payload
 */
const char *
thumbing_item_get_media_type (ThumbingItem *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->media_type;
}

/**
 * thumbing_item_set_bytes:
 * @self: a #ThumbingItem
 * @bytes: the encoded payload
 * @media_type: its media type, as `image/png`
 *
 * Replaces the payload with @bytes and records its size under
 * %THUMBING_METADATA_BYTES.
 */
void
thumbing_item_set_bytes (ThumbingItem *self,
                         GBytes       *bytes,
                         const char   *media_type)
{
  g_return_if_fail (self != NULL);
  g_return_if_fail (bytes != NULL);
  g_return_if_fail (media_type != NULL);

  g_bytes_ref (bytes);
  thumbing_item_clear_payload (self);
  self->bytes = bytes;
  self->media_type = g_strdup (media_type);
  thumbing_item_set_metadata_int (self, THUMBING_METADATA_BYTES, g_bytes_get_size (bytes));
}

/**
 * thumbing_item_get_bytes:
 * @self: a #ThumbingItem
 *
 * Gets the in-memory encoded payload, if any.
 *
 * Returns: (transfer none) (nullable): the in-memory encoded payload, if any
 */
GBytes *
thumbing_item_get_bytes (ThumbingItem *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->bytes;
}

/**
 * thumbing_item_set_file:
 * @self: a #ThumbingItem
 * @path: a local file that holds the encoded payload
 * @media_type: its media type
 *
 * Makes a local file the payload, read only when a stage needs it, so that
 * decoders can stream from disk.
 */
void
thumbing_item_set_file (ThumbingItem *self,
                        const char   *path,
                        const char   *media_type)
{
  g_return_if_fail (self != NULL);
  g_return_if_fail (path != NULL);
  g_return_if_fail (media_type != NULL);

  thumbing_item_clear_payload (self);
  self->file = g_strdup (path);
  self->media_type = g_strdup (media_type);
}

/**
 * thumbing_item_get_file:
 * @self: a #ThumbingItem
 *
 * Gets the local file holding the payload, if any.
 *
 * Returns: (transfer none) (nullable): the local file holding the payload, if any
 */
const char *
thumbing_item_get_file (ThumbingItem *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->file;
}

/**
 * thumbing_item_set_image:
 * @self: a #ThumbingItem
 * @image: a decoded image; the framework treats it as opaque
 *
 * Replaces the payload with a decoded image, of media type
 * %THUMBING_MEDIA_DECODED_IMAGE.
 */
void
thumbing_item_set_image (ThumbingItem *self,
                         GObject      *image)
{
  g_return_if_fail (self != NULL);
  g_return_if_fail (G_IS_OBJECT (image));

  g_object_ref (image);
  thumbing_item_clear_payload (self);
  self->image = image;
  self->media_type = g_strdup (THUMBING_MEDIA_DECODED_IMAGE);
}

/**
 * thumbing_item_get_image:
 * @self: a #ThumbingItem
 *
 * Gets the decoded image, if the payload is one.
 *
 * Returns: (transfer none) (nullable): the decoded image, if the payload is one
 */
GObject *
thumbing_item_get_image (ThumbingItem *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->image;
}

/**
 * thumbing_item_load_bytes:
 * @self: a #ThumbingItem
 * @error: return location for a #GError
 *
 * Gets the encoded payload as bytes, mapping the payload file if the item
 * has one. Fails for an item whose payload is a decoded image or absent.
 *
 * Returns: (transfer full): the encoded payload, or %NULL with @error set
 */
GBytes *
thumbing_item_load_bytes (ThumbingItem *self,
                          GError      **error)
{
  g_autoptr(GMappedFile) mapped = NULL;
  g_autoptr(GError) local_error = NULL;

  g_return_val_if_fail (self != NULL, NULL);

  if (self->bytes != NULL)
    return g_bytes_ref (self->bytes);

  if (self->file == NULL)
    {
      g_set_error (error, THUMBING_ERROR, THUMBING_ERROR_STATE,
                   _("the item holds no encoded payload (media type %s)"),
                   self->media_type != NULL ? self->media_type : _("none"));
      return NULL;
    }

  mapped = g_mapped_file_new (self->file, FALSE, &local_error);
  if (mapped == NULL)
    {
      g_set_error (error, THUMBING_ERROR, THUMBING_ERROR_IO, "%s", local_error->message);
      return NULL;
    }
  return g_mapped_file_get_bytes (mapped);
}

/**
 * thumbing_item_set_metadata:
 * @self: a #ThumbingItem
 * @key: a metadata key
 * @value: (nullable): its value, or %NULL to remove it
 *
 * Sets or removes a metadata value.
 */
void
thumbing_item_set_metadata (ThumbingItem *self,
                            const char   *key,
                            const char   *value)
{
  g_return_if_fail (self != NULL);
  g_return_if_fail (key != NULL);

  if (value == NULL)
    g_hash_table_remove (self->metadata, key);
  else
    g_hash_table_insert (self->metadata, g_strdup (key), g_strdup (value));
}

/**
 * thumbing_item_set_metadata_int:
 * @self: a #ThumbingItem
 * @key: a metadata key
 * @value: its value, stored in decimal
 *
 * Sets a metadata value from a number.
 */
void
thumbing_item_set_metadata_int (ThumbingItem *self,
                                const char   *key,
                                gint64        value)
{
  char text[G_ASCII_DTOSTR_BUF_SIZE];

  g_snprintf (text, sizeof text, "%" G_GINT64_FORMAT, value);
  thumbing_item_set_metadata (self, key, text);
}

/**
 * thumbing_item_get_metadata:
 * @self: a #ThumbingItem
 * @key: a metadata key
 *
 * Gets a metadata value.
 *
 * Returns: (transfer none) (nullable): the value, or %NULL if unset
 */
const char *
thumbing_item_get_metadata (ThumbingItem *self,
                            const char   *key)
{
  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (key != NULL, NULL);
  return g_hash_table_lookup (self->metadata, key);
}

static int
compare_string_pointers (gconstpointer a,
                         gconstpointer b,
                         gpointer      user_data)
{
  return strcmp (*(char * const *) a, *(char * const *) b);
}

/**
 * thumbing_item_get_metadata_keys:
 * @self: a #ThumbingItem
 *
 * Gets the metadata keys, sorted.
 *
 * Returns: (transfer full): the metadata keys, sorted
 */
GStrv
thumbing_item_get_metadata_keys (ThumbingItem *self)
{
  g_autofree const char **keys = NULL;
  GStrv result;

  g_return_val_if_fail (self != NULL, NULL);

  keys = (const char **) g_hash_table_get_keys_as_array (self->metadata, NULL);
  result = g_strdupv ((char **) keys);
  g_qsort_with_data (result, g_strv_length (result), sizeof (char *),
                     compare_string_pointers, NULL);
  return result;
}

/**
 * thumbing_item_get_delivery:
 * @self: a #ThumbingItem
 *
 * Gets the delivery handle the item resolves.
 *
 * Returns: (transfer none) (nullable): the delivery handle the item resolves
 */
ThumbingDelivery *
thumbing_item_get_delivery (ThumbingItem *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->delivery;
}

/**
 * thumbing_item_set_delivery:
 * @self: a #ThumbingItem
 * @delivery: (nullable): the delivery handle
 *
 * Sets the delivery handle the item resolves; fan-out branches share it.
 */
void
thumbing_item_set_delivery (ThumbingItem     *self,
                            ThumbingDelivery *delivery)
{
  g_return_if_fail (self != NULL);
  if (delivery != NULL)
    thumbing_delivery_ref (delivery);
  g_clear_pointer (&self->delivery, thumbing_delivery_unref);
  self->delivery = delivery;
}

/**
 * thumbing_item_get_elapsed_ms:
 * @self: a #ThumbingItem
 *
 * Gets milliseconds since the source created the item.
 *
 * Returns: milliseconds since the source created the item
 */
double
thumbing_item_get_elapsed_ms (ThumbingItem *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return (g_get_monotonic_time () - self->created_us) / 1000.0;
}
