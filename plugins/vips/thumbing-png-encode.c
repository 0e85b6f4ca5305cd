/* thumbing-png-encode.c
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "thumbing-png-encode.h"
#include "thumbing-png-writer.h"

struct _ThumbingPngEncode
{
  ThumbingVipsEncoder parent_instance;

  int                 compression;
  ThumbingPngFilter   filter;
  gboolean            palette;
  int                 quality;
  double              dither;
  int                 effort;
  gboolean            interlace;
};

G_DEFINE_FINAL_TYPE (ThumbingPngEncode, thumbing_png_encode, THUMBING_TYPE_VIPS_ENCODER)

G_DEFINE_ENUM_TYPE (ThumbingPngFilter, thumbing_png_filter,
  G_DEFINE_ENUM_VALUE (THUMBING_PNG_FILTER_NONE, "none"),
  G_DEFINE_ENUM_VALUE (THUMBING_PNG_FILTER_SUB, "sub"),
  G_DEFINE_ENUM_VALUE (THUMBING_PNG_FILTER_UP, "up"),
  G_DEFINE_ENUM_VALUE (THUMBING_PNG_FILTER_AVG, "avg"),
  G_DEFINE_ENUM_VALUE (THUMBING_PNG_FILTER_PAETH, "paeth"),
  G_DEFINE_ENUM_VALUE (THUMBING_PNG_FILTER_ADAPTIVE, "adaptive"))

static VipsForeignPngFilter
vips_filter (ThumbingPngFilter filter)
{
  switch (filter)
    {
    case THUMBING_PNG_FILTER_SUB:
      return VIPS_FOREIGN_PNG_FILTER_SUB;
    case THUMBING_PNG_FILTER_UP:
      return VIPS_FOREIGN_PNG_FILTER_UP;
    case THUMBING_PNG_FILTER_AVG:
      return VIPS_FOREIGN_PNG_FILTER_AVG;
    case THUMBING_PNG_FILTER_PAETH:
      return VIPS_FOREIGN_PNG_FILTER_PAETH;
    case THUMBING_PNG_FILTER_ADAPTIVE:
      return VIPS_FOREIGN_PNG_FILTER_ALL;
    case THUMBING_PNG_FILTER_NONE:
    default:
      return VIPS_FOREIGN_PNG_FILTER_NONE;
    }
}

static int
thumbing_png_encode_save (ThumbingVipsEncoder *encoder,
                          VipsImage           *image,
                          gboolean             strip,
                          void               **buffer,
                          size_t              *length)
{
  ThumbingPngEncode *self = THUMBING_PNG_ENCODE (encoder);

  /* The thumbnail case, with libdeflate; libvips's writer for the rest. */
  if (strip && !self->palette && !self->interlace
      && thumbing_png_writer_write (image, self->filter, self->compression, buffer, length))
    return 0;
  return vips_pngsave_buffer (image, buffer, length,
                              /* The level by the pixels (-1) is the
                               * writer's; level 1 here, zlib's nearest. */
                              "compression", self->compression < 0 ? 1 : self->compression,
                              /* Filters only hurt palette indices (the PNG
                               * specification's advice). */
                              "filter", vips_filter (self->palette ? THUMBING_PNG_FILTER_NONE : self->filter),
                              "palette", self->palette,
                              "Q", self->quality,
                              "dither", self->dither,
                              "effort", self->effort,
                              "interlace", self->interlace,
                              "strip", strip,
                              NULL);
}

static void
thumbing_png_encode_class_init (ThumbingPngEncodeClass *klass)
{
  ThumbingVipsEncoderClass *encoder_class = THUMBING_VIPS_ENCODER_CLASS (klass);

  encoder_class->save = thumbing_png_encode_save;

  thumbing_vips_encoder_class_setup (encoder_class, "png-encode",
                                     _("Encodes decoded images as 8-bit sRGB PNG"),
                                     "image/png", "png");

  THUMBING_ELEMENT_FIELD (klass, ThumbingPngEncode, compression,
    g_param_spec_int ("compression", NULL, _("zlib compression level: 0 is fastest, 9 smallest; -1 chooses by the pixels: a palette for 256 colours or fewer, else runs of a byte as the only matches (level 1 without row filters), or 6 without row filters for flat artwork"),
                      -1, 9, -1,
                      G_PARAM_READWRITE | G_PARAM_CONSTRUCT | G_PARAM_STATIC_STRINGS));
  THUMBING_ELEMENT_FIELD (klass, ThumbingPngEncode, filter,
    g_param_spec_enum ("filter", NULL, _("Row filter before compression (palette images are never filtered)"),
                       thumbing_png_filter_get_type (), THUMBING_PNG_FILTER_ADAPTIVE,
                       G_PARAM_READWRITE | G_PARAM_CONSTRUCT | G_PARAM_STATIC_STRINGS));
  THUMBING_ELEMENT_FIELD (klass, ThumbingPngEncode, palette,
    g_param_spec_boolean ("palette", NULL, _("Quantise to an 8-bit palette (much smaller, lossy)"),
                          FALSE,
                          G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS));
  THUMBING_ELEMENT_FIELD (klass, ThumbingPngEncode, quality,
    g_param_spec_int ("quality", NULL, _("Quantisation quality, with palette"),
                      0, 100, 100,
                      G_PARAM_READWRITE | G_PARAM_CONSTRUCT | G_PARAM_STATIC_STRINGS));
  THUMBING_ELEMENT_FIELD (klass, ThumbingPngEncode, dither,
    g_param_spec_double ("dither", NULL, _("Amount of dithering, with palette"),
                         0.0, 1.0, 1.0,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT | G_PARAM_STATIC_STRINGS));
  THUMBING_ELEMENT_FIELD (klass, ThumbingPngEncode, effort,
    g_param_spec_int ("effort", NULL, _("Quantisation effort, with palette: 1 is fastest"),
                      1, 10, 7,
                      G_PARAM_READWRITE | G_PARAM_CONSTRUCT | G_PARAM_STATIC_STRINGS));
  THUMBING_ELEMENT_FIELD (klass, ThumbingPngEncode, interlace,
    g_param_spec_boolean ("interlace", NULL, _("Write an interlaced (Adam7) PNG"),
                          FALSE,
                          G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS));
}

static void
thumbing_png_encode_init (ThumbingPngEncode *self)
{
}
