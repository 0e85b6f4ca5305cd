/* thumbing-lambda-event.h: the S3 events inside a Lambda invocation
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct
{
  char *message_id;   /* an SQS record's messageId; "" outside a batch */
  char *body;         /* the S3 event's JSON; NULL when the record has none */
} ThumbingLambdaMessage;

void       thumbing_lambda_message_free (ThumbingLambdaMessage *message);
GPtrArray *thumbing_lambda_event_split  (const char *event,
                                         gboolean   *is_sqs_batch,
                                         GError    **error);
gboolean   thumbing_lambda_event_is_http (const char *event);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ThumbingLambdaMessage, thumbing_lambda_message_free)

G_END_DECLS
