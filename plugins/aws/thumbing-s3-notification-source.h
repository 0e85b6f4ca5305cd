/* thumbing-s3-notification-source.h: the base of sources that take S3 event notifications
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <thumbing/thumbing.h>

#include "thumbing-s3-event.h"

G_BEGIN_DECLS

#define THUMBING_TYPE_S3_NOTIFICATION_SOURCE (thumbing_s3_notification_source_get_type ())
G_DECLARE_DERIVABLE_TYPE (ThumbingS3NotificationSource, thumbing_s3_notification_source,
                          THUMBING, S3_NOTIFICATION_SOURCE, ThumbingSource)

/*
 * ThumbingS3NotificationSourceClass:
 *
 * The base keeps the pipeline's credit and the items made but not pushed
 * yet: a subclass queues the items of the records it takes, and chains up
 * from its `request` (which pushes what the credit allows) and its `stop`
 * (which drops what was never pushed: unacknowledged, it comes back).
 */
struct _ThumbingS3NotificationSourceClass
{
  ThumbingSourceClass parent_class;
};

gboolean      thumbing_s3_notification_source_wants           (ThumbingS3NotificationSource *self,
                                                               const ThumbingS3Record       *record);
ThumbingItem *thumbing_s3_notification_source_item_for_record (ThumbingS3NotificationSource *self,
                                                               const ThumbingS3Record       *record);
void          thumbing_s3_notification_source_queue           (ThumbingS3NotificationSource *self,
                                                               ThumbingItem                 *item);
void          thumbing_s3_notification_source_push_queued     (ThumbingS3NotificationSource *self);
void          thumbing_s3_notification_source_drop_queued     (ThumbingS3NotificationSource *self);
guint         thumbing_s3_notification_source_get_n_queued    (ThumbingS3NotificationSource *self);
guint         thumbing_s3_notification_source_get_credit      (ThumbingS3NotificationSource *self);

G_END_DECLS
