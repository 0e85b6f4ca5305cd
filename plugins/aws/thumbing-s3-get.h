/* thumbing-s3-get.h
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <thumbing/thumbing.h>

G_BEGIN_DECLS

#define THUMBING_TYPE_S3_GET (thumbing_s3_get_get_type ())
G_DECLARE_FINAL_TYPE (ThumbingS3Get, thumbing_s3_get, THUMBING, S3_GET, ThumbingTransform)

G_END_DECLS
