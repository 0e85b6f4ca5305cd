/* thumbing-s3-list-source.h
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include "thumbing-s3-notification-source.h"

G_BEGIN_DECLS

#define THUMBING_TYPE_S3_LIST_SOURCE (thumbing_s3_list_source_get_type ())
G_DECLARE_FINAL_TYPE (ThumbingS3ListSource, thumbing_s3_list_source, THUMBING, S3_LIST_SOURCE,
                      ThumbingS3NotificationSource)

G_END_DECLS
