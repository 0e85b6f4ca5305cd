/* thumbing-upload-api.h
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <thumbing/thumbing.h>

G_BEGIN_DECLS

#define THUMBING_TYPE_UPLOAD_API (thumbing_upload_api_get_type ())
G_DECLARE_FINAL_TYPE (ThumbingUploadApi, thumbing_upload_api, THUMBING, UPLOAD_API, ThumbingService)

G_END_DECLS
