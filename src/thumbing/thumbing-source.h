/* thumbing-source.h: the base of elements that produce items
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#if !defined(THUMBING_INSIDE) && !defined(THUMBING_COMPILATION)
#error "Only <thumbing/thumbing.h> can be included directly."
#endif

#include "thumbing-element.h"

G_BEGIN_DECLS

#define THUMBING_TYPE_SOURCE (thumbing_source_get_type ())

G_DECLARE_DERIVABLE_TYPE (ThumbingSource, thumbing_source, THUMBING, SOURCE, ThumbingElement)

/**
 * ThumbingSourceClass:
 * @parent_class: the parent class
 * @request: the pipeline can take @n_items more items; push at most that
 *   many with thumbing_source_push(), now or later
 * @ack: every stage handled @item: mark it done at the origin (delete the
 *   message, record the file)
 * @nack: a stage failed on @item: leave it to be retried or dead-lettered
 *   at the origin
 * @reads_from: whether an object written under @location would come back
 *   as an input of this source; the default compares @location with the
 *   source's #ThumbingElementClass.get_location() as a prefix
 *
 * The virtual methods of #ThumbingSource. All run on the pipeline's main context.
 */
struct _ThumbingSourceClass
{
  ThumbingElementClass parent_class;

  void (*request) (ThumbingSource *self,
                   guint           n_items);
  void (*ack)     (ThumbingSource *self,
                   ThumbingItem   *item);
  void (*nack)    (ThumbingSource *self,
                   ThumbingItem   *item,
                   const GError   *error);
  gboolean (*reads_from) (ThumbingSource *self,
                          const char     *location);

  /*< private >*/
  gpointer padding[7];
};

void      thumbing_source_push            (ThumbingSource *self,
                                           ThumbingItem   *item);
void      thumbing_source_end             (ThumbingSource *self);
void      thumbing_source_fail            (ThumbingSource *self,
                                           const GError   *error);
gboolean  thumbing_source_is_ended        (ThumbingSource *self);
gboolean  thumbing_source_get_once        (ThumbingSource *self);
void      thumbing_source_set_once        (ThumbingSource *self,
                                           gboolean        once);
void      thumbing_source_set_connected   (ThumbingSource *self,
                                           gboolean        connected);
gboolean  thumbing_source_is_connected    (ThumbingSource *self);
void      thumbing_source_set_total_hint  (ThumbingSource *self,
                                           gint64          total);
gint64    thumbing_source_get_total_hint  (ThumbingSource *self);
void      thumbing_source_request         (ThumbingSource *self,
                                           guint           n_items);
gboolean  thumbing_source_reads_from      (ThumbingSource *self,
                                           const char     *location);
void      thumbing_source_hold            (ThumbingSource *self);
void      thumbing_source_release         (ThumbingSource *self);
guint     thumbing_source_get_holds       (ThumbingSource *self);
void      thumbing_source_settle          (ThumbingSource *self,
                                           ThumbingItem   *item,
                                           const GError   *error);
void      thumbing_source_dispatch_event_async  (ThumbingSource      *self,
                                                 const char          *event,
                                                 GCancellable        *cancellable,
                                                 GAsyncReadyCallback  callback,
                                                 gpointer             user_data);
char     *thumbing_source_dispatch_event_finish (ThumbingSource      *self,
                                                 GAsyncResult        *result,
                                                 GError             **error);

G_END_DECLS
