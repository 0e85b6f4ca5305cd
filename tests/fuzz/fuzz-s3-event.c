/* fuzz-s3-event.c: S3 event notifications, direct, SNS-wrapped and MinIO's
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "config.h"

#include "fuzz-common.h"
#include "thumbing-s3-event.h"

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autofree char *text = fuzz_text (data, size);
  gboolean unwrap_sns = size > 0 && (data[0] & 1);
  gboolean test_event = FALSE;
  g_autoptr(GPtrArray) records = thumbing_s3_event_parse (text, unwrap_sns, &test_event, NULL);

  for (guint i = 0; records != NULL && i < records->len; i++)
    {
      ThumbingS3Record *record = records->pdata[i];

      g_assert (record->key != NULL && record->bucket != NULL);
    }
  g_free (thumbing_s3_decode_key (text));
  return 0;
}
