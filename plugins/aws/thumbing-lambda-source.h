/* thumbing-lambda-source.h
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include "thumbing-s3-notification-source.h"

G_BEGIN_DECLS

#define THUMBING_TYPE_LAMBDA_SOURCE (thumbing_lambda_source_get_type ())
G_DECLARE_FINAL_TYPE (ThumbingLambdaSource, thumbing_lambda_source, THUMBING, LAMBDA_SOURCE,
                      ThumbingS3NotificationSource)

G_END_DECLS
