/* thumbing-gif-encode.h
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include "thumbing-vips-encoder.h"

G_BEGIN_DECLS

#define THUMBING_TYPE_GIF_ENCODE (thumbing_gif_encode_get_type ())
G_DECLARE_FINAL_TYPE (ThumbingGifEncode, thumbing_gif_encode, THUMBING, GIF_ENCODE, ThumbingVipsEncoder)

G_END_DECLS
