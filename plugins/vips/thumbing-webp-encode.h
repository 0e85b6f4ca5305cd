/* thumbing-webp-encode.h
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include "thumbing-vips-encoder.h"

G_BEGIN_DECLS

#define THUMBING_TYPE_WEBP_ENCODE (thumbing_webp_encode_get_type ())
G_DECLARE_FINAL_TYPE (ThumbingWebpEncode, thumbing_webp_encode, THUMBING, WEBP_ENCODE, ThumbingVipsEncoder)

G_END_DECLS
