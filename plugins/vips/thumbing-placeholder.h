/* thumbing-placeholder.h
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <thumbing/thumbing.h>

G_BEGIN_DECLS

#define THUMBING_TYPE_PLACEHOLDER (thumbing_placeholder_get_type ())
G_DECLARE_FINAL_TYPE (ThumbingPlaceholder, thumbing_placeholder, THUMBING, PLACEHOLDER, ThumbingTransform)

G_END_DECLS
