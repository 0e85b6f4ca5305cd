/* thumbing-avif-encode.h
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include "thumbing-vips-encoder.h"

G_BEGIN_DECLS

#define THUMBING_TYPE_AVIF_ENCODE (thumbing_avif_encode_get_type ())
G_DECLARE_FINAL_TYPE (ThumbingAvifEncode, thumbing_avif_encode, THUMBING, AVIF_ENCODE, ThumbingVipsEncoder)

G_END_DECLS
