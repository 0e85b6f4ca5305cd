/* thumbing-registry.h: finds plugins and answers which factory makes an element
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#if !defined(THUMBING_INSIDE) && !defined(THUMBING_COMPILATION)
#error "Only <thumbing/thumbing.h> can be included directly."
#endif

#include "thumbing-element-factory.h"
#include "thumbing-plugin.h"

G_BEGIN_DECLS

#define THUMBING_TYPE_REGISTRY (thumbing_registry_get_type ())

G_DECLARE_FINAL_TYPE (ThumbingRegistry, thumbing_registry, THUMBING, REGISTRY, GObject)

ThumbingRegistry       *thumbing_registry_get_default      (void);
ThumbingRegistry       *thumbing_registry_new              (void);
void                    thumbing_registry_scan             (ThumbingRegistry          *self);
void                    thumbing_registry_scan_path        (ThumbingRegistry          *self,
                                                            const char                *directory);
gboolean                thumbing_registry_load_plugin      (ThumbingRegistry          *self,
                                                            const char                *filename,
                                                            GError                   **error);
gboolean                thumbing_registry_add_static_plugin (ThumbingRegistry         *self,
                                                            const ThumbingPluginDesc  *desc,
                                                            GError                   **error);
gboolean                thumbing_registry_add_element      (ThumbingRegistry          *self,
                                                            GType                      element_type,
                                                            const char                *plugin_name,
                                                            GError                   **error);
gboolean                thumbing_registry_add_element_type (ThumbingRegistry *self,
                                                            GType             element_type,
                                                            const char       *name,
                                                            const char       *description,
                                                            const char       *accepts,
                                                            const char       *produces,
                                                            const char       *plugin_name,
                                                            GError          **error);
ThumbingElementFactory *thumbing_registry_lookup           (ThumbingRegistry          *self,
                                                            const char                *name);
GList                  *thumbing_registry_list_factories   (ThumbingRegistry          *self);
GList                  *thumbing_registry_list_plugins     (ThumbingRegistry          *self);
const char * const     *thumbing_registry_get_problems     (ThumbingRegistry          *self);
void                    thumbing_registry_report_start_failure (ThumbingRegistry      *self,
                                                            const GError              *error);
ThumbingElement        *thumbing_registry_create_element   (ThumbingRegistry          *self,
                                                            const char                *element_name,
                                                            const char                *stage_name,
                                                            GError                   **error);

G_END_DECLS
