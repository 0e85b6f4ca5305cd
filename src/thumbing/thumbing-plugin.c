/* thumbing-plugin.c
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "config.h"

#include "thumbing-plugin-private.h"
#include "thumbing-registry.h"

/**
 * ThumbingPlugin:
 *
 * A module that provides elements. It exports one #ThumbingPluginDesc made
 * with THUMBING_PLUGIN_DEFINE(); its init function registers each element
 * class with thumbing_plugin_add_element().
 */
struct _ThumbingPlugin
{
  GObject                   parent_instance;
  ThumbingRegistry         *registry;   /* not owned: the registry owns its plugins */
  const ThumbingPluginDesc *desc;
  char                     *filename;
};

G_DEFINE_FINAL_TYPE (ThumbingPlugin, thumbing_plugin, G_TYPE_OBJECT)

static void
thumbing_plugin_finalize (GObject *object)
{
  ThumbingPlugin *self = THUMBING_PLUGIN (object);

  g_free (self->filename);
  G_OBJECT_CLASS (thumbing_plugin_parent_class)->finalize (object);
}

static void
thumbing_plugin_class_init (ThumbingPluginClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = thumbing_plugin_finalize;
}

static void
thumbing_plugin_init (ThumbingPlugin *self)
{
}

ThumbingPlugin *
_thumbing_plugin_new (ThumbingRegistry         *registry,
                      const ThumbingPluginDesc *desc,
                      const char               *filename)
{
  ThumbingPlugin *self = g_object_new (THUMBING_TYPE_PLUGIN, NULL);

  self->registry = registry;
  self->desc = desc;
  self->filename = g_strdup (filename);
  return self;
}

/**
 * thumbing_plugin_get_name:
 * @self: a #ThumbingPlugin
 *
 * Gets the plugin's name.
 *
 * Returns: (transfer none): the plugin's name
 */
const char *
thumbing_plugin_get_name (ThumbingPlugin *self)
{
  g_return_val_if_fail (THUMBING_IS_PLUGIN (self), NULL);
  return self->desc->name;
}

/**
 * thumbing_plugin_get_description:
 * @self: a #ThumbingPlugin
 *
 * Gets one sentence about the plugin.
 *
 * Returns: (transfer none) (nullable): one sentence about the plugin
 */
const char *
thumbing_plugin_get_description (ThumbingPlugin *self)
{
  g_return_val_if_fail (THUMBING_IS_PLUGIN (self), NULL);
  return self->desc->description;
}

/**
 * thumbing_plugin_get_version:
 * @self: a #ThumbingPlugin
 *
 * Gets the plugin's version.
 *
 * Returns: (transfer none) (nullable): the plugin's version
 */
const char *
thumbing_plugin_get_version (ThumbingPlugin *self)
{
  g_return_val_if_fail (THUMBING_IS_PLUGIN (self), NULL);
  return self->desc->version;
}

/**
 * thumbing_plugin_get_license:
 * @self: a #ThumbingPlugin
 *
 * Gets the plugin's licence.
 *
 * Returns: (transfer none) (nullable): the plugin's licence
 */
const char *
thumbing_plugin_get_license (ThumbingPlugin *self)
{
  g_return_val_if_fail (THUMBING_IS_PLUGIN (self), NULL);
  return self->desc->license;
}

/**
 * thumbing_plugin_get_filename:
 * @self: a #ThumbingPlugin
 *
 * Gets the module file, or %NULL for a statically linked plugin.
 *
 * Returns: (transfer none) (nullable): the module file, or %NULL for a
 *   statically linked plugin
 */
const char *
thumbing_plugin_get_filename (ThumbingPlugin *self)
{
  g_return_val_if_fail (THUMBING_IS_PLUGIN (self), NULL);
  return self->filename;
}

/**
 * thumbing_plugin_add_element:
 * @self: a #ThumbingPlugin
 * @element_type: an element type whose class set its metadata
 * @error: return location for a #GError
 *
 * Registers an element; call it from the plugin's init function.
 *
 * Returns: %TRUE on success
 */
gboolean
thumbing_plugin_add_element (ThumbingPlugin *self,
                             GType           element_type,
                             GError        **error)
{
  g_return_val_if_fail (THUMBING_IS_PLUGIN (self), FALSE);
  return thumbing_registry_add_element (self->registry, element_type, self->desc->name, error);
}
