/* thumbing-transform.c
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "config.h"

#include "thumbing-transform.h"

/**
 * ThumbingTransform:
 *
 * The base of elements that turn one item into another: resizers and
 * encoders. A transform implements the `process` method of
 * #ThumbingElementClass, which runs on the pipeline's bounded worker pool so
 * CPU-bound work never blocks the main context; it replaces the item's
 * payload and passes the item on.
 */
G_DEFINE_ABSTRACT_TYPE (ThumbingTransform, thumbing_transform, THUMBING_TYPE_ELEMENT)

static void
thumbing_transform_class_init (ThumbingTransformClass *klass)
{
}

static void
thumbing_transform_init (ThumbingTransform *self)
{
}
