/* thumbing-delivery.c
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "config.h"

#include "thumbing-delivery.h"
#include "thumbing-handoff-private.h"

/**
 * ThumbingDelivery:
 *
 * The delivery handle of one item taken from a source.
 *
 * A delivery starts with one outstanding branch. Fan-out adds branches with
 * thumbing_delivery_add_branches(); each branch calls thumbing_delivery_resolve()
 * once, with an error if it failed. When the last branch resolved, the
 * #ThumbingDeliveryFunc runs exactly once: with %NULL when every branch
 * succeeded (the source acks), otherwise with the first error (the source
 * nacks). Nothing is acked while any branch is still running.
 *
 * A delivery is used from the pipeline's main context only.
 */
struct _ThumbingDelivery
{
  gatomicrefcount      ref_count;
  guint                pending;
  gboolean             resolved;
  GError              *first_error;
  ThumbingDeliveryFunc func;
  gpointer             user_data;
  GDestroyNotify       destroy;
};

G_DEFINE_BOXED_TYPE (ThumbingDelivery, thumbing_delivery,
                     thumbing_delivery_ref, thumbing_delivery_unref)

/**
 * thumbing_delivery_new:
 * @func: (scope notified): called once when the delivery resolves
 * @user_data: (closure): data for @func
 * @destroy: (nullable): frees @user_data after @func ran or the delivery was freed
 *
 * Creates a delivery with one outstanding branch.
 *
 * Returns: (transfer full): a new #ThumbingDelivery
 */
ThumbingDelivery *
thumbing_delivery_new (ThumbingDeliveryFunc func,
                       gpointer             user_data,
                       GDestroyNotify       destroy)
{
  ThumbingDelivery *self = g_new0 (ThumbingDelivery, 1);

  g_atomic_ref_count_init (&self->ref_count);
  self->pending = 1;
  self->func = func;
  self->user_data = user_data;
  self->destroy = destroy;
  return self;
}

/**
 * thumbing_delivery_ref:
 * @self: a #ThumbingDelivery
 *
 * Adds a reference.
 *
 * Returns: (transfer full): @self
 */
ThumbingDelivery *
thumbing_delivery_ref (ThumbingDelivery *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  g_atomic_ref_count_inc (&self->ref_count);
  return self;
}

static void
thumbing_delivery_drop_user_data (ThumbingDelivery *self)
{
  if (self->destroy != NULL)
    self->destroy (self->user_data);
  self->destroy = NULL;
  self->user_data = NULL;
  self->func = NULL;
}

/**
 * thumbing_delivery_unref:
 * @self: (transfer full): a #ThumbingDelivery
 *
 * Drops a reference. A delivery freed before it resolved never calls its
 * function: the source keeps the item unacknowledged, which is the safe side
 * for at-least-once delivery.
 */
void
thumbing_delivery_unref (ThumbingDelivery *self)
{
  g_return_if_fail (self != NULL);
  /* Whichever thread drops the last reference frees what the others used. */
  THUMBING_HANDOFF_RELEASE (self);
  if (!g_atomic_ref_count_dec (&self->ref_count))
    return;
  THUMBING_HANDOFF_ACQUIRE (self);
  thumbing_delivery_drop_user_data (self);
  g_clear_error (&self->first_error);
  g_free (self);
}

/**
 * thumbing_delivery_add_branches:
 * @self: a #ThumbingDelivery
 * @n_branches: how many more branches must resolve
 *
 * Adds outstanding branches, for fan-out. Must be called before the delivery
 * resolved.
 */
void
thumbing_delivery_add_branches (ThumbingDelivery *self,
                                guint             n_branches)
{
  g_return_if_fail (self != NULL);
  g_return_if_fail (!self->resolved);
  self->pending += n_branches;
}

/**
 * thumbing_delivery_resolve:
 * @self: a #ThumbingDelivery
 * @error: (nullable): why this branch failed, or %NULL if it succeeded
 *
 * Resolves one outstanding branch. The delivery's function runs when the last
 * one resolves. Resolving more branches than were added is a programming
 * error and is ignored with a critical warning, so an item is never acked twice.
 */
void
thumbing_delivery_resolve (ThumbingDelivery *self,
                           const GError     *error)
{
  g_autoptr(ThumbingDelivery) hold = NULL;

  g_return_if_fail (self != NULL);
  if (self->resolved || self->pending == 0)
    {
      g_critical ("thumbing_delivery_resolve: delivery %p resolved more often than it has branches", self);
      return;
    }

  if (error != NULL && self->first_error == NULL)
    self->first_error = g_error_copy (error);

  if (--self->pending > 0)
    return;

  self->resolved = TRUE;
  hold = thumbing_delivery_ref (self);
  if (self->func != NULL)
    self->func (self, self->first_error, self->user_data);
  thumbing_delivery_drop_user_data (self);
}

/**
 * thumbing_delivery_is_resolved:
 * @self: a #ThumbingDelivery
 *
 * Tells whether the delivery resolved.
 *
 * Returns: %TRUE once every branch resolved and the function ran
 */
gboolean
thumbing_delivery_is_resolved (ThumbingDelivery *self)
{
  g_return_val_if_fail (self != NULL, FALSE);
  return self->resolved;
}

/**
 * thumbing_delivery_get_pending:
 * @self: a #ThumbingDelivery
 *
 * Tells how many branches have not resolved yet.
 *
 * Returns: how many branches have not resolved yet
 */
guint
thumbing_delivery_get_pending (ThumbingDelivery *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->pending;
}
