/* thumbing-delivery.h: the handle that acks or nacks one source item exactly once
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#if !defined(THUMBING_INSIDE) && !defined(THUMBING_COMPILATION)
#error "Only <thumbing/thumbing.h> can be included directly."
#endif

#include <glib-object.h>

G_BEGIN_DECLS

#define THUMBING_TYPE_DELIVERY (thumbing_delivery_get_type ())

typedef struct _ThumbingDelivery ThumbingDelivery;

/**
 * ThumbingDeliveryFunc:
 * @delivery: the delivery that resolved
 * @error: (nullable): the first error of any branch, or %NULL when every branch succeeded
 * @user_data: the data given to thumbing_delivery_new()
 *
 * Called once, when the last outstanding branch of @delivery resolved.
 */
typedef void (*ThumbingDeliveryFunc) (ThumbingDelivery *delivery,
                                      const GError     *error,
                                      gpointer          user_data);

GType              thumbing_delivery_get_type      (void) G_GNUC_CONST;
ThumbingDelivery  *thumbing_delivery_new           (ThumbingDeliveryFunc  func,
                                                    gpointer              user_data,
                                                    GDestroyNotify        destroy);
ThumbingDelivery  *thumbing_delivery_ref           (ThumbingDelivery     *self);
void               thumbing_delivery_unref         (ThumbingDelivery     *self);
void               thumbing_delivery_add_branches  (ThumbingDelivery     *self,
                                                    guint                 n_branches);
void               thumbing_delivery_resolve       (ThumbingDelivery     *self,
                                                    const GError         *error);
gboolean           thumbing_delivery_is_resolved   (ThumbingDelivery     *self);
guint              thumbing_delivery_get_pending   (ThumbingDelivery     *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ThumbingDelivery, thumbing_delivery_unref)

G_END_DECLS
