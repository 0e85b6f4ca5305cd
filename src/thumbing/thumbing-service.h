/* thumbing-service.h: the base of elements that run beside a pipeline's chain, as an HTTP API
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#if !defined(THUMBING_INSIDE) && !defined(THUMBING_COMPILATION)
#error "Only <thumbing/thumbing.h> can be included directly."
#endif

#include "thumbing-element.h"

G_BEGIN_DECLS

#define THUMBING_TYPE_SERVICE (thumbing_service_get_type ())

G_DECLARE_DERIVABLE_TYPE (ThumbingService, thumbing_service, THUMBING, SERVICE, ThumbingElement)

/**
 * ThumbingServiceClass:
 * @parent_class: the parent class
 *
 * The class of #ThumbingService; subclasses implement the check, start and
 * stop methods of #ThumbingElementClass. Items never reach a service.
 */
struct _ThumbingServiceClass
{
  ThumbingElementClass parent_class;

  /*< private >*/
  gpointer padding[8];
};

G_END_DECLS
