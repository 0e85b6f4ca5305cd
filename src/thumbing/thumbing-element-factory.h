/* thumbing-element-factory.h: what the registry knows of one element
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#if !defined(THUMBING_INSIDE) && !defined(THUMBING_COMPILATION)
#error "Only <thumbing/thumbing.h> can be included directly."
#endif

#include "thumbing-element.h"

G_BEGIN_DECLS

#define THUMBING_TYPE_ELEMENT_FACTORY (thumbing_element_factory_get_type ())

G_DECLARE_FINAL_TYPE (ThumbingElementFactory, thumbing_element_factory, THUMBING, ELEMENT_FACTORY, GObject)

ThumbingElementFactory *thumbing_element_factory_new             (GType                    element_type,
                                                                   const char              *plugin_name,
                                                                   GError                 **error);
const char             *thumbing_element_factory_get_name        (ThumbingElementFactory  *self);
const char             *thumbing_element_factory_get_description (ThumbingElementFactory  *self);
const char             *thumbing_element_factory_get_plugin_name (ThumbingElementFactory  *self);
ThumbingElementKind     thumbing_element_factory_get_kind        (ThumbingElementFactory  *self);
GType                   thumbing_element_factory_get_element_type (ThumbingElementFactory *self);
const char * const     *thumbing_element_factory_get_accepts     (ThumbingElementFactory  *self);
const char * const     *thumbing_element_factory_get_produces    (ThumbingElementFactory  *self);
const char * const     *thumbing_element_factory_get_permissions (ThumbingElementFactory  *self);
const char * const     *thumbing_element_factory_get_metadata_reads  (ThumbingElementFactory *self);
const char * const     *thumbing_element_factory_get_metadata_leaves (ThumbingElementFactory *self);
ThumbingElement        *thumbing_element_factory_create          (ThumbingElementFactory  *self,
                                                                   const char              *stage_name);

G_END_DECLS
