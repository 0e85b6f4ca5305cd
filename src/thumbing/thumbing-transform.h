/* thumbing-transform.h: the base of elements that turn one item into another: decoders, resizers, encoders
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#if !defined(THUMBING_INSIDE) && !defined(THUMBING_COMPILATION)
#error "Only <thumbing/thumbing.h> can be included directly."
#endif

#include "thumbing-element.h"

G_BEGIN_DECLS

#define THUMBING_TYPE_TRANSFORM (thumbing_transform_get_type ())

G_DECLARE_DERIVABLE_TYPE (ThumbingTransform, thumbing_transform, THUMBING, TRANSFORM, ThumbingElement)

/**
 * ThumbingTransformClass:
 * @parent_class: the parent class
 *
 * The class of #ThumbingTransform; subclasses implement the #ThumbingElementClass methods.
 */
struct _ThumbingTransformClass
{
  ThumbingElementClass parent_class;

  /*< private >*/
  gpointer padding[8];
};

G_END_DECLS
