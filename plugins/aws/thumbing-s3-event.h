/* thumbing-s3-event.h: S3 event notifications, as S3 sends them to SQS or SNS
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct
{
  char   *event_name;   /* as “ObjectCreated:Put” */
  char   *region;
  char   *bucket;
  char   *key;          /* decoded: “red flower.jpg”, not “red+flower.jpg” */
  gint64  size;         /* -1 when the event has none */
  char   *etag;         /* without quotes; NULL when the event has none */
  char   *sequencer;
} ThumbingS3Record;

void       thumbing_s3_record_free  (ThumbingS3Record *record);
char      *thumbing_s3_decode_key   (const char       *encoded);
GPtrArray *thumbing_s3_event_parse  (const char       *body,
                                     gboolean          unwrap_sns,
                                     gboolean         *is_test_event,
                                     GError          **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ThumbingS3Record, thumbing_s3_record_free)

G_END_DECLS
