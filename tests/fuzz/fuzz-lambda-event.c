/* fuzz-lambda-event.c: Lambda invocations split into S3 events, each parsed
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "config.h"

#include "fuzz-common.h"
#include "thumbing-lambda-event.h"
#include "thumbing-s3-event.h"

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autofree char *event = fuzz_text (data, size);
  gboolean is_batch;
  g_autoptr(GPtrArray) messages = thumbing_lambda_event_split (event, &is_batch, NULL);

  for (guint i = 0; messages != NULL && i < messages->len; i++)
    {
      ThumbingLambdaMessage *message = messages->pdata[i];
      gboolean test_event;
      g_autoptr(GPtrArray) records = NULL;

      g_assert (message->message_id != NULL);
      if (message->body != NULL)
        records = thumbing_s3_event_parse (message->body, TRUE, &test_event, NULL);
    }
  return 0;
}
