/* thumbing-sink.h: the base of elements that store or announce an item, then pass it on so later stages can use what they did
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#if !defined(THUMBING_INSIDE) && !defined(THUMBING_COMPILATION)
#error "Only <thumbing/thumbing.h> can be included directly."
#endif

#include "thumbing-element.h"

G_BEGIN_DECLS

#define THUMBING_TYPE_SINK (thumbing_sink_get_type ())

G_DECLARE_DERIVABLE_TYPE (ThumbingSink, thumbing_sink, THUMBING, SINK, ThumbingElement)

/**
 * ThumbingSinkClass:
 * @parent_class: the parent class
 *
 * The class of #ThumbingSink; subclasses implement the #ThumbingElementClass methods.
 */
struct _ThumbingSinkClass
{
  ThumbingElementClass parent_class;

  /*< private >*/
  gpointer padding[8];
};

G_END_DECLS
