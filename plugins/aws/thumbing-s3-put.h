/* thumbing-s3-put.h
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <thumbing/thumbing.h>

G_BEGIN_DECLS

#define THUMBING_TYPE_S3_PUT (thumbing_s3_put_get_type ())
G_DECLARE_FINAL_TYPE (ThumbingS3Put, thumbing_s3_put, THUMBING, S3_PUT, ThumbingSink)

G_END_DECLS
