/* thumbing-vips-encoder.c
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "thumbing-vips-encoder.h"

typedef struct
{
  gboolean            strip;
  ThumbingVipsProfile profile;
} ThumbingVipsEncoderPrivate;

G_DEFINE_ENUM_TYPE (ThumbingVipsProfile, thumbing_vips_profile,
                    G_DEFINE_ENUM_VALUE (THUMBING_VIPS_PROFILE_AUTO, "auto"),
                    G_DEFINE_ENUM_VALUE (THUMBING_VIPS_PROFILE_SRGB, "srgb"),
                    G_DEFINE_ENUM_VALUE (THUMBING_VIPS_PROFILE_NONE, "none"))

G_DEFINE_ABSTRACT_TYPE_WITH_PRIVATE (ThumbingVipsEncoder, thumbing_vips_encoder, THUMBING_TYPE_TRANSFORM)

/* Takes libvips's process-wide error buffer into a GError and clears it, in
 * one step under libvips's lock: reading vips_error_buffer()'s text while a
 * failure on another worker appends to it would be a data race. */
void
thumbing_vips_set_error (GError    **error,
                         int         code,
                         const char *fallback)
{
  g_autofree char *text = vips_error_buffer_copy ();

  g_strstrip (text);
  /* libvips stacks one line per layer; the last one is the root cause. */
  if (strchr (text, '\n') != NULL)
    {
      g_auto(GStrv) lines = g_strsplit (text, "\n", -1);
      g_autoptr(GString) joined = g_string_new (NULL);

      for (char **l = lines; *l != NULL; l++)
        {
          g_strstrip (*l);
          if (**l == '\0' || (joined->len > 0 && strstr (joined->str, *l) != NULL))
            continue;
          g_string_append_printf (joined, "%s%s", joined->len > 0 ? "; " : "", *l);
        }
      g_free (text);
      text = g_string_free (g_steal_pointer (&joined), FALSE);
    }
  g_set_error (error, THUMBING_ERROR, code, "%s", text[0] != '\0' ? text : fallback);
}

static void *
collect_location_field (VipsImage  *image,
                        const char *name,
                        GValue     *value,
                        void       *names)
{
  if (g_str_has_prefix (name, "exif-ifd3-"))
    g_ptr_array_add (names, g_strdup (name));
  return NULL;
}

/* Where a photo was taken goes even when strip=false keeps the rest: the GPS
 * IFD's tags (libvips's exif-ifd3-* fields; every libvips 8.14 writer
 * rebuilds the EXIF it writes from the fields), and an XMP packet that
 * names a place. On a copy of the header: fan-out branches share the
 * decoded image. */
static VipsImage *
without_location (VipsImage *image,
                  GError   **error)
{
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  VipsImage *copy = NULL;

  if (vips_copy (image, &copy, NULL) != 0)
    {
      thumbing_vips_set_error (error, THUMBING_ERROR_FAILED, _("cannot copy the image"));
      return NULL;
    }
  vips_image_map (copy, collect_location_field, names);
  for (guint i = 0; i < names->len; i++)
    vips_image_remove (copy, names->pdata[i]);

  if (vips_image_get_typeof (copy, VIPS_META_XMP_NAME) != 0)
    {
      const void *xmp = NULL;
      size_t length = 0;

      if (vips_image_get_blob (copy, VIPS_META_XMP_NAME, &xmp, &length) != 0
          || g_strstr_len (xmp, length, "exif:GPS") != NULL || g_strstr_len (xmp, length, "photoshop:City") != NULL)
        vips_image_remove (copy, VIPS_META_XMP_NAME);
    }
  return copy;
}

static void *
collect_non_profile_field (VipsImage  *image,
                           const char *name,
                           GValue     *value,
                           void       *names)
{
  static const char * const metadata[] = { "exif-", "xmp-", "iptc-", "png-comment-", "jpeg-thumbnail", "orientation" };

  for (guint i = 0; i < G_N_ELEMENTS (metadata); i++)
    if (g_str_has_prefix (name, metadata[i]))
      g_ptr_array_add (names, g_strdup (name));
  return NULL;
}

/* A copy of @image whose colour profile is as @profile says, and which
 * holds no other metadata to write when @strip is on. */
static VipsImage *
with_profile (VipsImage          *image,
              ThumbingVipsProfile profile,
              gboolean            strip,
              GError            **error)
{
  VipsImage *copy = NULL;

  if (vips_copy (image, &copy, NULL) != 0)
    {
      thumbing_vips_set_error (error, THUMBING_ERROR_FAILED, _("cannot copy the image"));
      return NULL;
    }
  if (profile == THUMBING_VIPS_PROFILE_NONE || (profile == THUMBING_VIPS_PROFILE_AUTO && strip))
    vips_image_remove (copy, VIPS_META_ICC_NAME);
  if (profile == THUMBING_VIPS_PROFILE_SRGB)
    {
      VipsBlob *srgb = NULL;
      size_t length = 0;
      const void *data;

      if (vips_profile_load ("srgb", &srgb, NULL) != 0)
        {
          g_object_unref (copy);
          thumbing_vips_set_error (error, THUMBING_ERROR_FAILED, _("cannot load the sRGB profile"));
          return NULL;
        }
      data = vips_blob_get (srgb, &length);
      vips_image_set_blob_copy (copy, VIPS_META_ICC_NAME, data, length);
      vips_area_unref (VIPS_AREA (srgb));
    }
  if (strip)
    {
      g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);

      vips_image_map (copy, collect_non_profile_field, names);
      for (guint i = 0; i < names->len; i++)
        vips_image_remove (copy, names->pdata[i]);
    }
  return copy;
}

/* Encoders write 8-bit sRGB, so grey, 16-bit, CMYK and Lab inputs all come
 * out the same way a browser shows them. */
static VipsImage *
to_srgb8 (VipsImage *in,
          GError   **error)
{
  g_autoptr(VipsImage) srgb = NULL;
  VipsImage *out = NULL;

  if (in->Type == VIPS_INTERPRETATION_sRGB && in->BandFmt == VIPS_FORMAT_UCHAR)
    return g_object_ref (in);

  if (in->Type != VIPS_INTERPRETATION_sRGB)
    {
      if (vips_colourspace (in, &out, VIPS_INTERPRETATION_sRGB, NULL) != 0)
        {
          thumbing_vips_set_error (error, THUMBING_ERROR_BAD_INPUT, _("cannot convert to sRGB"));
          return NULL;
        }
      srgb = out;
    }
  else
    srgb = g_object_ref (in);

  if (srgb->BandFmt != VIPS_FORMAT_UCHAR)
    {
      if (vips_cast_uchar (srgb, &out, NULL) != 0)
        {
          thumbing_vips_set_error (error, THUMBING_ERROR_BAD_INPUT, _("cannot convert to 8 bits"));
          return NULL;
        }
      return out;
    }
  return g_steal_pointer (&srgb);
}

static ThumbingItem *
thumbing_vips_encoder_process (ThumbingElement *element,
                               ThumbingItem    *item,
                               GCancellable    *cancellable,
                               GError         **error)
{
  ThumbingVipsEncoder *self = THUMBING_VIPS_ENCODER (element);
  ThumbingVipsEncoderClass *klass = THUMBING_VIPS_ENCODER_GET_CLASS (self);
  ThumbingVipsEncoderPrivate *priv = thumbing_vips_encoder_get_instance_private (self);
  GObject *object = thumbing_item_get_image (item);
  g_autoptr(VipsImage) prepared = NULL;
  g_autoptr(GBytes) bytes = NULL;
  void *buffer = NULL;
  size_t length = 0;

  if (object == NULL || !VIPS_IS_IMAGE (object))
    {
      g_set_error (error, THUMBING_ERROR, THUMBING_ERROR_STATE,
                   _("expected a decoded image, got %s (put resize before the encoder)"),
                   thumbing_item_get_media_type (item));
      return NULL;
    }

  prepared = to_srgb8 (VIPS_IMAGE (object), error);
  if (prepared == NULL)
    return NULL;
  if (!klass->animates && vips_image_get_page_height (prepared) < prepared->Ysize)
    {
      VipsImage *first = NULL;

      if (vips_crop (prepared, &first, 0, 0, prepared->Xsize, vips_image_get_page_height (prepared), NULL) != 0)
        {
          thumbing_vips_set_error (error, THUMBING_ERROR_FAILED, _("cannot take the first frame"));
          return NULL;
        }
      g_object_unref (prepared);
      prepared = first;
    }
  if (!priv->strip)
    {
      VipsImage *private_copy = without_location (prepared, error);

      if (private_copy == NULL)
        return NULL;
      g_object_unref (prepared);
      prepared = private_copy;
    }
  /* Metadata is left out here too, not only by the saver: libvips 8.14's
   * webpsave writes the XMP packet even with strip set. */
  if (priv->profile != THUMBING_VIPS_PROFILE_AUTO || priv->strip)
    {
      VipsImage *profiled = with_profile (prepared, priv->profile, priv->strip, error);

      if (profiled == NULL)
        return NULL;
      g_object_unref (prepared);
      prepared = profiled;
    }
  /* Keeping the sRGB profile alone: the saver writes what the copy holds. */
  if (klass->save (self, prepared, priv->strip && priv->profile != THUMBING_VIPS_PROFILE_SRGB, &buffer, &length) != 0)
    {
      thumbing_vips_set_error (error, THUMBING_ERROR_FAILED, _("encoding failed"));
      return NULL;
    }

  bytes = g_bytes_new_take (buffer, length);
  thumbing_item_set_bytes (item, bytes, klass->media_type);
  thumbing_item_set_metadata (item, THUMBING_METADATA_FORMAT, klass->extension);
  thumbing_item_set_metadata_int (item, THUMBING_METADATA_WIDTH, prepared->Xsize);
  thumbing_item_set_metadata_int (item, THUMBING_METADATA_HEIGHT, vips_image_get_page_height (prepared));
  return thumbing_item_ref (item);
}

static void
thumbing_vips_encoder_class_init (ThumbingVipsEncoderClass *klass)
{
  ThumbingElementClass *element_class = THUMBING_ELEMENT_CLASS (klass);

  element_class->process = thumbing_vips_encoder_process;

  THUMBING_ELEMENT_PRIVATE_FIELD (klass, ThumbingVipsEncoder, strip,
    g_param_spec_boolean ("strip", NULL, _("Leave out metadata (EXIF, XMP, ICC profile); pixels are sRGB either way, "
                                           "and GPS location is always left out"),
                          TRUE,
                          G_PARAM_READWRITE | G_PARAM_CONSTRUCT | G_PARAM_STATIC_STRINGS));
  THUMBING_ELEMENT_PRIVATE_FIELD (klass, ThumbingVipsEncoder, profile,
    g_param_spec_enum ("profile", NULL, _("The colour profile written: auto (with the metadata, so not when strip), "
                                          "srgb (always, even when strip), none"),
                       thumbing_vips_profile_get_type (), THUMBING_VIPS_PROFILE_AUTO,
                       G_PARAM_READWRITE | G_PARAM_CONSTRUCT | G_PARAM_STATIC_STRINGS));
}

static void
thumbing_vips_encoder_init (ThumbingVipsEncoder *self)
{
}

void
thumbing_vips_encoder_class_setup (ThumbingVipsEncoderClass *klass,
                                   const char               *name,
                                   const char               *description,
                                   const char               *media_type,
                                   const char               *extension)
{
  klass->media_type = media_type;
  klass->extension = extension;
  thumbing_element_class_set_metadata (THUMBING_ELEMENT_CLASS (klass), name, description);
  thumbing_element_class_set_metadata_keys (THUMBING_ELEMENT_CLASS (klass), NULL,
                                            THUMBING_METADATA_FORMAT ";" THUMBING_METADATA_WIDTH ";"
                                            THUMBING_METADATA_HEIGHT ";" THUMBING_METADATA_BYTES);
  thumbing_element_class_set_media (THUMBING_ELEMENT_CLASS (klass), THUMBING_MEDIA_DECODED_IMAGE, media_type);
}
