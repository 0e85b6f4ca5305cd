/* thumbing-jpeg-encode.c
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "thumbing-jpeg-encode.h"

struct _ThumbingJpegEncode
{
  ThumbingVipsEncoder parent_instance;

  int                 quality;
  gboolean            progressive;
  gboolean            optimize_coding;
  ThumbingChromaSubsampling subsample;
};

G_DEFINE_FINAL_TYPE (ThumbingJpegEncode, thumbing_jpeg_encode, THUMBING_TYPE_VIPS_ENCODER)

G_DEFINE_ENUM_TYPE (ThumbingChromaSubsampling, thumbing_chroma_subsampling,
  G_DEFINE_ENUM_VALUE (THUMBING_CHROMA_SUBSAMPLING_AUTO, "auto"),
  G_DEFINE_ENUM_VALUE (THUMBING_CHROMA_SUBSAMPLING_ON, "on"),
  G_DEFINE_ENUM_VALUE (THUMBING_CHROMA_SUBSAMPLING_OFF, "off"))

static int
thumbing_jpeg_encode_save (ThumbingVipsEncoder *encoder,
                           VipsImage           *image,
                           gboolean             strip,
                           void               **buffer,
                           size_t              *length)
{
  ThumbingJpegEncode *self = THUMBING_JPEG_ENCODE (encoder);
  g_autoptr(VipsImage) flat = NULL;

  /* JPEG has no alpha: flatten onto white rather than let it turn black. */
  if (vips_image_hasalpha (image))
    {
      VipsImage *out = NULL;
      double white[] = { 255, 255, 255 };
      VipsArrayDouble *background = vips_array_double_new (white, 3);
      int status = vips_flatten (image, &out, "background", background, NULL);

      vips_area_unref (VIPS_AREA (background));
      if (status != 0)
        return status;
      flat = out;
      image = flat;
    }

  return vips_jpegsave_buffer (image, buffer, length,
                               "Q", self->quality,
                               "interlace", self->progressive,
                               "optimize_coding", self->optimize_coding,
                               "subsample_mode", self->subsample == THUMBING_CHROMA_SUBSAMPLING_ON ? VIPS_FOREIGN_SUBSAMPLE_ON
                                                 : self->subsample == THUMBING_CHROMA_SUBSAMPLING_OFF ? VIPS_FOREIGN_SUBSAMPLE_OFF
                                                 : VIPS_FOREIGN_SUBSAMPLE_AUTO,
                               "strip", strip,
                               NULL);
}

static void
thumbing_jpeg_encode_class_init (ThumbingJpegEncodeClass *klass)
{
  ThumbingVipsEncoderClass *encoder_class = THUMBING_VIPS_ENCODER_CLASS (klass);

  encoder_class->save = thumbing_jpeg_encode_save;

  thumbing_vips_encoder_class_setup (encoder_class, "jpeg-encode",
                                     _("Encodes decoded images as baseline or progressive sRGB JPEG"),
                                     "image/jpeg", "jpg");

  THUMBING_ELEMENT_FIELD (klass, ThumbingJpegEncode, quality,
    g_param_spec_int ("quality", NULL, _("Quality factor"),
                      1, 100, 80,
                      G_PARAM_READWRITE | G_PARAM_CONSTRUCT | G_PARAM_STATIC_STRINGS));
  THUMBING_ELEMENT_FIELD (klass, ThumbingJpegEncode, progressive,
    g_param_spec_boolean ("progressive", NULL, _("Write a progressive JPEG"),
                          FALSE,
                          G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS));
  THUMBING_ELEMENT_FIELD (klass, ThumbingJpegEncode, optimize_coding,
    g_param_spec_boolean ("optimize-coding", NULL, _("Compute optimal Huffman tables (smaller, slower)"),
                          FALSE,
                          G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS));
  THUMBING_ELEMENT_FIELD (klass, ThumbingJpegEncode, subsample,
    g_param_spec_enum ("chroma-subsampling", NULL, _("4:2:0 chroma subsampling: auto (off at quality 90 and up), on, off"),
                       thumbing_chroma_subsampling_get_type (), THUMBING_CHROMA_SUBSAMPLING_AUTO,
                       G_PARAM_READWRITE | G_PARAM_CONSTRUCT | G_PARAM_STATIC_STRINGS));
}

static void
thumbing_jpeg_encode_init (ThumbingJpegEncode *self)
{
}
