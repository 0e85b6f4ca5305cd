/* thumbing-sns-publish.h
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <thumbing/thumbing.h>

G_BEGIN_DECLS

#define THUMBING_TYPE_SNS_PUBLISH (thumbing_sns_publish_get_type ())
G_DECLARE_FINAL_TYPE (ThumbingSnsPublish, thumbing_sns_publish, THUMBING, SNS_PUBLISH, ThumbingSink)

G_END_DECLS
