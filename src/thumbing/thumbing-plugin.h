/* thumbing-plugin.h: a loadable module that provides elements
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#if !defined(THUMBING_INSIDE) && !defined(THUMBING_COMPILATION)
#error "Only <thumbing/thumbing.h> can be included directly."
#endif

#include <glib-object.h>

#include "thumbing-version.h"

G_BEGIN_DECLS

#define THUMBING_TYPE_PLUGIN (thumbing_plugin_get_type ())

G_DECLARE_FINAL_TYPE (ThumbingPlugin, thumbing_plugin, THUMBING, PLUGIN, GObject)

/**
 * ThumbingPluginInitFunc:
 * @plugin: the plugin being loaded
 * @error: return location for a #GError
 *
 * Registers the plugin's elements with thumbing_plugin_add_element().
 *
 * Returns: %TRUE on success
 */
typedef gboolean (*ThumbingPluginInitFunc) (ThumbingPlugin *plugin,
                                            GError        **error);

/**
 * ThumbingPluginDesc:
 * @major_version: the libthumbing major version the plugin was built against
 * @minor_version: the libthumbing minor version the plugin was built against
 * @name: the plugin's name, as `vips`
 * @description: one sentence about the plugin
 * @init: registers the plugin's elements
 * @version: the plugin's version
 * @license: the plugin's licence, as an SPDX identifier
 *
 * The descriptor every plugin exports, made with THUMBING_PLUGIN_DEFINE().
 */
typedef struct
{
  int                     major_version;
  int                     minor_version;
  const char             *name;
  const char             *description;
  ThumbingPluginInitFunc  init;
  const char             *version;
  const char             *license;

  /*< private >*/
  gpointer                padding[4];
} ThumbingPluginDesc;

/**
 * THUMBING_PLUGIN_DESC_SYMBOL:
 *
 * The name of the symbol a loadable plugin exports.
 */
#define THUMBING_PLUGIN_DESC_SYMBOL "thumbing_plugin_desc"

/**
 * THUMBING_PLUGIN_DEFINE:
 * @name: the plugin's name, a C identifier, as `vips`
 * @description: one sentence about the plugin
 * @init: a #ThumbingPluginInitFunc
 * @version: the plugin's version string
 * @license: the plugin's licence, as an SPDX identifier
 *
 * Defines a plugin's descriptor. Built as a loadable module it is exported as
 * %THUMBING_PLUGIN_DESC_SYMBOL; built with `THUMBING_PLUGIN_BUILD_STATIC`
 * defined it is returned by `thumbing_plugin_<name>_describe()` instead, to
 * be passed to thumbing_registry_add_static_plugin() by a program that links
 * its plugins in (a single-file Lambda `bootstrap`).
 */
#ifdef THUMBING_PLUGIN_BUILD_STATIC
#define THUMBING_PLUGIN_DEFINE(name, description, init, version, license)           \
  const ThumbingPluginDesc *thumbing_plugin_##name##_describe (void);                \
  const ThumbingPluginDesc *thumbing_plugin_##name##_describe (void)                 \
  {                                                                                  \
    static const ThumbingPluginDesc desc = {                                         \
      THUMBING_MAJOR_VERSION, THUMBING_MINOR_VERSION, #name, description, init,      \
      version, license, { NULL }                                                     \
    };                                                                               \
    return &desc;                                                                    \
  }
#else
#define THUMBING_PLUGIN_DEFINE(name, description, init, version, license)           \
  G_MODULE_EXPORT const ThumbingPluginDesc thumbing_plugin_desc = {                  \
    THUMBING_MAJOR_VERSION, THUMBING_MINOR_VERSION, #name, description, init,        \
    version, license, { NULL }                                                       \
  };
#endif

const char *thumbing_plugin_get_name        (ThumbingPlugin *self);
const char *thumbing_plugin_get_description (ThumbingPlugin *self);
const char *thumbing_plugin_get_version     (ThumbingPlugin *self);
const char *thumbing_plugin_get_license     (ThumbingPlugin *self);
const char *thumbing_plugin_get_filename    (ThumbingPlugin *self);
gboolean    thumbing_plugin_add_element     (ThumbingPlugin *self,
                                             GType           element_type,
                                             GError        **error);

G_END_DECLS
