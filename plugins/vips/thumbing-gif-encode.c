/* thumbing-gif-encode.c: GIF output, animated where resize kept the frames
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "thumbing-gif-encode.h"

struct _ThumbingGifEncode
{
  ThumbingVipsEncoder parent_instance;

  int                 effort;
  gboolean            dither;
};

G_DEFINE_FINAL_TYPE (ThumbingGifEncode, thumbing_gif_encode, THUMBING_TYPE_VIPS_ENCODER)

static int
thumbing_gif_encode_save (ThumbingVipsEncoder *encoder,
                          VipsImage           *image,
                          gboolean             strip,
                          void               **buffer,
                          size_t              *length)
{
  ThumbingGifEncode *self = THUMBING_GIF_ENCODE (encoder);

  return vips_gifsave_buffer (image, buffer, length,
                              "effort", self->effort,
                              "dither", self->dither ? 1.0 : 0.0,
                              "strip", strip,
                              NULL);
}

static void
thumbing_gif_encode_class_init (ThumbingGifEncodeClass *klass)
{
  ThumbingVipsEncoderClass *encoder_class = THUMBING_VIPS_ENCODER_CLASS (klass);

  encoder_class->save = thumbing_gif_encode_save;
  encoder_class->animates = TRUE;

  thumbing_vips_encoder_class_setup (encoder_class, "gif-encode",
                                     _("Encodes decoded images as GIF, every frame of an animation resize kept"),
                                     "image/gif", "gif");

  THUMBING_ELEMENT_FIELD (klass, ThumbingGifEncode, effort,
    g_param_spec_int ("effort", NULL, _("CPU effort of the palette: 1 is fastest, 10 best"),
                      1, 10, 7,
                      G_PARAM_READWRITE | G_PARAM_CONSTRUCT | G_PARAM_STATIC_STRINGS));
  THUMBING_ELEMENT_FIELD (klass, ThumbingGifEncode, dither,
    g_param_spec_boolean ("dither", NULL, _("Dither to the palette"),
                          TRUE,
                          G_PARAM_READWRITE | G_PARAM_CONSTRUCT | G_PARAM_STATIC_STRINGS));
}

static void
thumbing_gif_encode_init (ThumbingGifEncode *self)
{
}
