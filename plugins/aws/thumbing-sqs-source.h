/* thumbing-sqs-source.h
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <thumbing/thumbing.h>

G_BEGIN_DECLS

#define THUMBING_TYPE_SQS_SOURCE (thumbing_sqs_source_get_type ())
G_DECLARE_FINAL_TYPE (ThumbingSqsSource, thumbing_sqs_source, THUMBING, SQS_SOURCE, ThumbingSource)

G_END_DECLS
