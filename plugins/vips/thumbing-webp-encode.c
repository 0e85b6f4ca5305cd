/* thumbing-webp-encode.c
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "thumbing-webp-encode.h"

struct _ThumbingWebpEncode
{
  ThumbingVipsEncoder parent_instance;

  int                 quality;
  gboolean            lossless;
  int                 effort;
  int                 alpha_quality;
};

G_DEFINE_FINAL_TYPE (ThumbingWebpEncode, thumbing_webp_encode, THUMBING_TYPE_VIPS_ENCODER)

static int
thumbing_webp_encode_save (ThumbingVipsEncoder *encoder,
                           VipsImage           *image,
                           gboolean             strip,
                           void               **buffer,
                           size_t              *length)
{
  ThumbingWebpEncode *self = THUMBING_WEBP_ENCODE (encoder);

  return vips_webpsave_buffer (image, buffer, length,
                               "Q", self->quality,
                               "lossless", self->lossless,
                               "effort", self->effort,
                               "alpha_q", self->alpha_quality,
                               "strip", strip,
                               NULL);
}

static void
thumbing_webp_encode_class_init (ThumbingWebpEncodeClass *klass)
{
  ThumbingVipsEncoderClass *encoder_class = THUMBING_VIPS_ENCODER_CLASS (klass);

  encoder_class->save = thumbing_webp_encode_save;
  encoder_class->animates = TRUE;

  thumbing_vips_encoder_class_setup (encoder_class, "webp-encode",
                                     _("Encodes decoded images as lossy or lossless WebP"),
                                     "image/webp", "webp");

  THUMBING_ELEMENT_FIELD (klass, ThumbingWebpEncode, quality,
    g_param_spec_int ("quality", NULL, _("Quality factor, when lossy"),
                      1, 100, 80,
                      G_PARAM_READWRITE | G_PARAM_CONSTRUCT | G_PARAM_STATIC_STRINGS));
  THUMBING_ELEMENT_FIELD (klass, ThumbingWebpEncode, lossless,
    g_param_spec_boolean ("lossless", NULL, _("Encode without loss"),
                          FALSE,
                          G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS));
  THUMBING_ELEMENT_FIELD (klass, ThumbingWebpEncode, effort,
    g_param_spec_int ("effort", NULL, _("CPU effort: 0 is fastest, 6 smallest"),
                      0, 6, 4,
                      G_PARAM_READWRITE | G_PARAM_CONSTRUCT | G_PARAM_STATIC_STRINGS));
  THUMBING_ELEMENT_FIELD (klass, ThumbingWebpEncode, alpha_quality,
    g_param_spec_int ("alpha-quality", NULL, _("Quality of the alpha channel"),
                      0, 100, 100,
                      G_PARAM_READWRITE | G_PARAM_CONSTRUCT | G_PARAM_STATIC_STRINGS));
}

static void
thumbing_webp_encode_init (ThumbingWebpEncode *self)
{
}
