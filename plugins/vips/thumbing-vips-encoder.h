/* thumbing-vips-encoder.h: the private base of the vips plugin's encoders
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <thumbing/thumbing.h>
#include <vips/vips.h>

G_BEGIN_DECLS

#ifdef THUMBING_DEFINE_VIPS_AUTOPTR
G_DEFINE_AUTOPTR_CLEANUP_FUNC (VipsImage, g_object_unref)
#endif

/**
 * ThumbingVipsProfile:
 * @THUMBING_VIPS_PROFILE_AUTO: the sRGB profile travels with the metadata:
 *   left out when strip is on, written when it is off
 * @THUMBING_VIPS_PROFILE_SRGB: the sRGB profile the pixels are in is always
 *   written, even when strip leaves out everything else
 * @THUMBING_VIPS_PROFILE_NONE: no profile is written, even when strip is off
 *
 * Whether an encoder embeds a colour profile. The pixels are converted to
 * sRGB either way (from an embedded profile where the input has one).
 */
typedef enum {
  THUMBING_VIPS_PROFILE_AUTO,
  THUMBING_VIPS_PROFILE_SRGB,
  THUMBING_VIPS_PROFILE_NONE,
} ThumbingVipsProfile;

GType thumbing_vips_profile_get_type (void) G_GNUC_CONST;

#define THUMBING_TYPE_VIPS_ENCODER (thumbing_vips_encoder_get_type ())
G_DECLARE_DERIVABLE_TYPE (ThumbingVipsEncoder, thumbing_vips_encoder, THUMBING, VIPS_ENCODER, ThumbingTransform)

/*
 * ThumbingVipsEncoderClass:
 * @save: encodes @image (8-bit sRGB, with or without alpha) into a buffer
 *   freed with g_free(), the libvips way: 0 on success
 * @media_type: what @save produces, as `image/png`
 * @extension: its usual file extension, as `png`
 * @animates: whether @save writes every frame of an animation (an image of
 *   frames one above the other, with page-height); others get the first
 */
struct _ThumbingVipsEncoderClass
{
  ThumbingTransformClass parent_class;

  int          (*save) (ThumbingVipsEncoder *self,
                        VipsImage           *image,
                        gboolean             strip,
                        void               **buffer,
                        size_t              *length);
  const char   *media_type;
  const char   *extension;
  gboolean      animates;
};

void     thumbing_vips_encoder_class_setup (ThumbingVipsEncoderClass *klass,
                                            const char               *name,
                                            const char               *description,
                                            const char               *media_type,
                                            const char               *extension);
void     thumbing_vips_set_error            (GError                  **error,
                                             int                       code,
                                             const char               *fallback);

G_END_DECLS
