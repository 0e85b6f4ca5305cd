/* thumbing-jpeg-encode.h
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include "thumbing-vips-encoder.h"

G_BEGIN_DECLS

#define THUMBING_TYPE_JPEG_ENCODE (thumbing_jpeg_encode_get_type ())
G_DECLARE_FINAL_TYPE (ThumbingJpegEncode, thumbing_jpeg_encode, THUMBING, JPEG_ENCODE, ThumbingVipsEncoder)

/**
 * ThumbingChromaSubsampling:
 * @THUMBING_CHROMA_SUBSAMPLING_AUTO: 4:2:0 below quality 90, none from 90 up
 * @THUMBING_CHROMA_SUBSAMPLING_ON: always 4:2:0
 * @THUMBING_CHROMA_SUBSAMPLING_OFF: never subsample
 */
typedef enum {
  THUMBING_CHROMA_SUBSAMPLING_AUTO,
  THUMBING_CHROMA_SUBSAMPLING_ON,
  THUMBING_CHROMA_SUBSAMPLING_OFF,
} ThumbingChromaSubsampling;

GType thumbing_chroma_subsampling_get_type (void) G_GNUC_CONST;

G_END_DECLS
