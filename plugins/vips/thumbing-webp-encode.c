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

enum {
  PROP_0,
  PROP_QUALITY,
  PROP_LOSSLESS,
  PROP_EFFORT,
  PROP_ALPHA_QUALITY,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
thumbing_webp_encode_get_property (GObject    *object,
                                   guint       prop_id,
                                   GValue     *value,
                                   GParamSpec *pspec)
{
  ThumbingWebpEncode *self = THUMBING_WEBP_ENCODE (object);

  switch (prop_id)
    {
    case PROP_QUALITY:
      g_value_set_int (value, self->quality);
      break;
    case PROP_LOSSLESS:
      g_value_set_boolean (value, self->lossless);
      break;
    case PROP_EFFORT:
      g_value_set_int (value, self->effort);
      break;
    case PROP_ALPHA_QUALITY:
      g_value_set_int (value, self->alpha_quality);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
thumbing_webp_encode_set_property (GObject      *object,
                                   guint         prop_id,
                                   const GValue *value,
                                   GParamSpec   *pspec)
{
  ThumbingWebpEncode *self = THUMBING_WEBP_ENCODE (object);

  switch (prop_id)
    {
    case PROP_QUALITY:
      self->quality = g_value_get_int (value);
      break;
    case PROP_LOSSLESS:
      self->lossless = g_value_get_boolean (value);
      break;
    case PROP_EFFORT:
      self->effort = g_value_get_int (value);
      break;
    case PROP_ALPHA_QUALITY:
      self->alpha_quality = g_value_get_int (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

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
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  ThumbingVipsEncoderClass *encoder_class = THUMBING_VIPS_ENCODER_CLASS (klass);

  object_class->get_property = thumbing_webp_encode_get_property;
  object_class->set_property = thumbing_webp_encode_set_property;
  encoder_class->save = thumbing_webp_encode_save;

  thumbing_vips_encoder_class_setup (encoder_class, "webp-encode",
                                     _("Encodes decoded images as lossy or lossless WebP"),
                                     "image/webp", "webp");

  properties[PROP_QUALITY] =
    g_param_spec_int ("quality", NULL, _("Quality factor, when lossy"),
                      1, 100, 80,
                      G_PARAM_READWRITE | G_PARAM_CONSTRUCT | G_PARAM_STATIC_STRINGS);
  properties[PROP_LOSSLESS] =
    g_param_spec_boolean ("lossless", NULL, _("Encode without loss"),
                          FALSE,
                          G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS);
  properties[PROP_EFFORT] =
    g_param_spec_int ("effort", NULL, _("CPU effort: 0 is fastest, 6 smallest"),
                      0, 6, 4,
                      G_PARAM_READWRITE | G_PARAM_CONSTRUCT | G_PARAM_STATIC_STRINGS);
  properties[PROP_ALPHA_QUALITY] =
    g_param_spec_int ("alpha-quality", NULL, _("Quality of the alpha channel"),
                      0, 100, 100,
                      G_PARAM_READWRITE | G_PARAM_CONSTRUCT | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
thumbing_webp_encode_init (ThumbingWebpEncode *self)
{
}
