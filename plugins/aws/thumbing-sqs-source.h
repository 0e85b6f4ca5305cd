/* thumbing-sqs-source.h
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include "thumbing-s3-notification-source.h"

G_BEGIN_DECLS

#define THUMBING_TYPE_SQS_SOURCE (thumbing_sqs_source_get_type ())
G_DECLARE_FINAL_TYPE (ThumbingSqsSource, thumbing_sqs_source, THUMBING, SQS_SOURCE, ThumbingS3NotificationSource)

G_END_DECLS
