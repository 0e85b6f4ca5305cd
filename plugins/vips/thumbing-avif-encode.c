/* thumbing-avif-encode.c
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "thumbing-avif-encode.h"

struct _ThumbingAvifEncode
{
  ThumbingVipsEncoder parent_instance;

  int                 quality;
  gboolean            lossless;
  int                 effort;
};

G_DEFINE_FINAL_TYPE (ThumbingAvifEncode, thumbing_avif_encode, THUMBING_TYPE_VIPS_ENCODER)

static int
thumbing_avif_encode_save (ThumbingVipsEncoder *encoder,
                           VipsImage           *image,
                           gboolean             strip,
                           void               **buffer,
                           size_t              *length)
{
  ThumbingAvifEncode *self = THUMBING_AVIF_ENCODE (encoder);

  return vips_heifsave_buffer (image, buffer, length,
                               "compression", VIPS_FOREIGN_HEIF_COMPRESSION_AV1,
                               "Q", self->quality,
                               "lossless", self->lossless,
                               "effort", self->effort,
                               "strip", strip,
                               NULL);
}

/* Debian's libvips may be built without an AV1 encoder in libheif: find
 * out at start, with a tiny image, rather than on every item. */
static gboolean
thumbing_avif_encode_start (ThumbingElement *element,
                            GError         **error)
{
  g_autoptr(VipsImage) probe = NULL;
  VipsImage *black = NULL;
  void *buffer = NULL;
  size_t length = 0;
  g_autoptr(GError) cause = NULL;

  if (vips_type_find ("VipsOperation", "heifsave_buffer") == 0)
    {
      g_set_error (error, THUMBING_ERROR, THUMBING_ERROR_UNSUPPORTED,
                   _("AVIF encoding is not supported by this libvips (built without libheif)"));
      return FALSE;
    }
  if (vips_black (&black, 16, 16, "bands", 3, NULL) != 0)
    {
      thumbing_vips_set_error (error, THUMBING_ERROR_FAILED, _("cannot create a probe image"));
      return FALSE;
    }
  probe = black;
  if (thumbing_avif_encode_save (THUMBING_VIPS_ENCODER (element), probe, TRUE, &buffer, &length) != 0)
    {
      thumbing_vips_set_error (&cause, THUMBING_ERROR_UNSUPPORTED, "");
      g_set_error (error, THUMBING_ERROR, THUMBING_ERROR_UNSUPPORTED,
                   _("AVIF encoding is not supported by this libvips: %s"), cause->message);
      return FALSE;
    }
  g_free (buffer);
  return TRUE;
}

static void
thumbing_avif_encode_class_init (ThumbingAvifEncodeClass *klass)
{
  ThumbingElementClass *element_class = THUMBING_ELEMENT_CLASS (klass);
  ThumbingVipsEncoderClass *encoder_class = THUMBING_VIPS_ENCODER_CLASS (klass);

  element_class->start = thumbing_avif_encode_start;
  encoder_class->save = thumbing_avif_encode_save;

  thumbing_vips_encoder_class_setup (encoder_class, "avif-encode",
                                     _("Encodes decoded images as AVIF (AV1 in HEIF), where libvips can write it"),
                                     "image/avif", "avif");

  THUMBING_ELEMENT_FIELD (klass, ThumbingAvifEncode, quality,
    g_param_spec_int ("quality", NULL, _("Quality factor, when lossy"),
                      1, 100, 50,
                      G_PARAM_READWRITE | G_PARAM_CONSTRUCT | G_PARAM_STATIC_STRINGS));
  THUMBING_ELEMENT_FIELD (klass, ThumbingAvifEncode, lossless,
    g_param_spec_boolean ("lossless", NULL, _("Encode without loss"),
                          FALSE,
                          G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS));
  THUMBING_ELEMENT_FIELD (klass, ThumbingAvifEncode, effort,
    g_param_spec_int ("effort", NULL, _("CPU effort: 0 is fastest, 9 smallest"),
                      0, 9, 4,
                      G_PARAM_READWRITE | G_PARAM_CONSTRUCT | G_PARAM_STATIC_STRINGS));
}

static void
thumbing_avif_encode_init (ThumbingAvifEncode *self)
{
}
