/* thumbing-element-factory.c
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "thumbing-element-factory.h"
#include "thumbing-element-private.h"
#include "thumbing-error.h"
#include "thumbing-service.h"
#include "thumbing-sink.h"
#include "thumbing-source.h"
#include "thumbing-transform.h"

/**
 * ThumbingElementFactory:
 *
 * Describes one element class: its name, kind, media, permissions and
 * plugin, and creates elements of it. The registry holds one per element.
 */
struct _ThumbingElementFactory
{
  GObject              parent_instance;
  GType                element_type;
  ThumbingElementKind  kind;
  char                *plugin_name;
  GStrv                reads;        /* with the parent classes' */
  GStrv                leaves;
};

G_DEFINE_FINAL_TYPE (ThumbingElementFactory, thumbing_element_factory, G_TYPE_OBJECT)

static void
thumbing_element_factory_finalize (GObject *object)
{
  ThumbingElementFactory *self = THUMBING_ELEMENT_FACTORY (object);

  g_free (self->plugin_name);
  g_strfreev (self->reads);
  g_strfreev (self->leaves);
  G_OBJECT_CLASS (thumbing_element_factory_parent_class)->finalize (object);
}

static void
thumbing_element_factory_class_init (ThumbingElementFactoryClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = thumbing_element_factory_finalize;
}

static void
thumbing_element_factory_init (ThumbingElementFactory *self)
{
}

/**
 * thumbing_element_factory_new:
 * @element_type: a concrete subtype of #ThumbingSource, #ThumbingTransform
 *   or #ThumbingSink whose class set its metadata
 * @plugin_name: the plugin that provides it
 * @error: return location for a #GError
 *
 * Describes an element type, reading the metadata its class declared.
 *
 * Returns: (transfer full): a new factory, or %NULL with %THUMBING_ERROR_PLUGIN
 *   set when the type is not a usable element
 */
ThumbingElementFactory *
thumbing_element_factory_new (GType        element_type,
                              const char  *plugin_name,
                              GError     **error)
{
  g_autoptr(GTypeClass) klass = NULL;
  const ThumbingElementInfo *info;
  ThumbingElementFactory *self;
  ThumbingElementKind kind;

  g_return_val_if_fail (plugin_name != NULL, NULL);

  if (g_type_is_a (element_type, THUMBING_TYPE_SOURCE))
    kind = THUMBING_ELEMENT_KIND_SOURCE;
  else if (g_type_is_a (element_type, THUMBING_TYPE_TRANSFORM))
    kind = THUMBING_ELEMENT_KIND_TRANSFORM;
  else if (g_type_is_a (element_type, THUMBING_TYPE_SINK))
    kind = THUMBING_ELEMENT_KIND_SINK;
  else if (g_type_is_a (element_type, THUMBING_TYPE_SERVICE))
    kind = THUMBING_ELEMENT_KIND_SERVICE;
  else
    {
      g_set_error (error, THUMBING_ERROR, THUMBING_ERROR_PLUGIN,
                   _("plugin %s: type %s is not a source, transform, sink or service"),
                   plugin_name, g_type_name (element_type));
      return NULL;
    }
  if (G_TYPE_IS_ABSTRACT (element_type))
    {
      g_set_error (error, THUMBING_ERROR, THUMBING_ERROR_PLUGIN,
                   _("plugin %s: type %s is abstract"), plugin_name, g_type_name (element_type));
      return NULL;
    }

  /* The class's metadata is set in class_init, so the class must exist. */
  klass = g_type_class_ref (element_type);
  info = _thumbing_element_info_for_type (element_type);
  if (info == NULL || info->name == NULL)
    {
      g_set_error (error, THUMBING_ERROR, THUMBING_ERROR_PLUGIN,
                   _("plugin %s: element type %s has no metadata (call thumbing_element_class_set_metadata)"),
                   plugin_name, g_type_name (element_type));
      return NULL;
    }
  if (kind != THUMBING_ELEMENT_KIND_SOURCE && kind != THUMBING_ELEMENT_KIND_SERVICE && info->accepts == NULL)
    {
      g_set_error (error, THUMBING_ERROR, THUMBING_ERROR_PLUGIN,
                   _("plugin %s: element %s does not say what media it accepts"),
                   plugin_name, info->name);
      return NULL;
    }

  self = g_object_new (THUMBING_TYPE_ELEMENT_FACTORY, NULL);
  self->element_type = element_type;
  self->kind = kind;
  self->plugin_name = g_strdup (plugin_name);
  self->reads = _thumbing_element_collect_keys (element_type, TRUE);
  self->leaves = _thumbing_element_collect_keys (element_type, FALSE);
  return self;
}

static const ThumbingElementInfo *
factory_info (ThumbingElementFactory *self)
{
  return _thumbing_element_info_for_type (self->element_type);
}

/**
 * thumbing_element_factory_get_name:
 * @self: a #ThumbingElementFactory
 *
 * Gets the element name, as `resize`.
 *
 * Returns: (transfer none): the element name, as `resize`
 */
const char *
thumbing_element_factory_get_name (ThumbingElementFactory *self)
{
  g_return_val_if_fail (THUMBING_IS_ELEMENT_FACTORY (self), NULL);
  return factory_info (self)->name;
}

/**
 * thumbing_element_factory_get_description:
 * @self: a #ThumbingElementFactory
 *
 * Gets one sentence about the element.
 *
 * Returns: (transfer none) (nullable): one sentence about the element
 */
const char *
thumbing_element_factory_get_description (ThumbingElementFactory *self)
{
  g_return_val_if_fail (THUMBING_IS_ELEMENT_FACTORY (self), NULL);
  return factory_info (self)->description;
}

/**
 * thumbing_element_factory_get_plugin_name:
 * @self: a #ThumbingElementFactory
 *
 * Gets the name of the plugin that provides the element.
 *
 * Returns: (transfer none): the name of the plugin that provides the element
 */
const char *
thumbing_element_factory_get_plugin_name (ThumbingElementFactory *self)
{
  g_return_val_if_fail (THUMBING_IS_ELEMENT_FACTORY (self), NULL);
  return self->plugin_name;
}

/**
 * thumbing_element_factory_get_kind:
 * @self: a #ThumbingElementFactory
 *
 * Tells whether the element is a source, transform, sink or service.
 *
 * Returns: whether the element is a source, transform, sink or service
 */
ThumbingElementKind
thumbing_element_factory_get_kind (ThumbingElementFactory *self)
{
  g_return_val_if_fail (THUMBING_IS_ELEMENT_FACTORY (self), THUMBING_ELEMENT_KIND_TRANSFORM);
  return self->kind;
}

/**
 * thumbing_element_factory_get_element_type:
 * @self: a #ThumbingElementFactory
 *
 * Gets the #GType of the elements it creates.
 *
 * Returns: the #GType of the elements it creates
 */
GType
thumbing_element_factory_get_element_type (ThumbingElementFactory *self)
{
  g_return_val_if_fail (THUMBING_IS_ELEMENT_FACTORY (self), G_TYPE_INVALID);
  return self->element_type;
}

/**
 * thumbing_element_factory_get_accepts:
 * @self: a #ThumbingElementFactory
 *
 * Gets the media patterns the element accepts; %NULL for a source or a service.
 *
 * Returns: (transfer none) (nullable) (array zero-terminated=1): the media
 *   patterns the element accepts; %NULL for a source or a service
 */
const char * const *
thumbing_element_factory_get_accepts (ThumbingElementFactory *self)
{
  g_return_val_if_fail (THUMBING_IS_ELEMENT_FACTORY (self), NULL);
  return (const char * const *) factory_info (self)->accepts;
}

/**
 * thumbing_element_factory_get_produces:
 * @self: a #ThumbingElementFactory
 *
 * Gets the media patterns the element produces; %NULL when it passes its input's media on.
 *
 * Returns: (transfer none) (nullable) (array zero-terminated=1): the media
 *   patterns the element produces; %NULL when it passes its input's media on
 */
const char * const *
thumbing_element_factory_get_produces (ThumbingElementFactory *self)
{
  g_return_val_if_fail (THUMBING_IS_ELEMENT_FACTORY (self), NULL);
  return (const char * const *) factory_info (self)->produces;
}

/**
 * thumbing_element_factory_get_metadata_reads:
 * @self: a #ThumbingElementFactory
 *
 * Gets the item metadata keys the element needs an earlier stage to set
 * (see thumbing_element_class_set_metadata_keys()).
 *
 * Returns: (transfer none) (array zero-terminated=1): the keys, possibly none
 */
const char * const *
thumbing_element_factory_get_metadata_reads (ThumbingElementFactory *self)
{
  g_return_val_if_fail (THUMBING_IS_ELEMENT_FACTORY (self), NULL);
  return (const char * const *) self->reads;
}

/**
 * thumbing_element_factory_get_metadata_leaves:
 * @self: a #ThumbingElementFactory
 *
 * Gets the item metadata keys the element sets for later stages.
 *
 * Returns: (transfer none) (array zero-terminated=1): the keys, possibly none
 */
const char * const *
thumbing_element_factory_get_metadata_leaves (ThumbingElementFactory *self)
{
  g_return_val_if_fail (THUMBING_IS_ELEMENT_FACTORY (self), NULL);
  return (const char * const *) self->leaves;
}

/**
 * thumbing_element_factory_get_permissions:
 * @self: a #ThumbingElementFactory
 *
 * Gets the cloud permissions the element needs, as `s3:PutObject`.
 *
 * Returns: (transfer none) (nullable) (array zero-terminated=1): the cloud
 *   permissions the element needs, as `s3:PutObject`
 */
const char * const *
thumbing_element_factory_get_permissions (ThumbingElementFactory *self)
{
  g_return_val_if_fail (THUMBING_IS_ELEMENT_FACTORY (self), NULL);
  return (const char * const *) factory_info (self)->permissions;
}

/**
 * thumbing_element_factory_create:
 * @self: a #ThumbingElementFactory
 * @stage_name: (nullable): the stage name; the element name when %NULL
 *
 * Creates an element of the factory's type.
 *
 * Returns: (transfer full): a new element with default properties
 */
ThumbingElement *
thumbing_element_factory_create (ThumbingElementFactory *self,
                                 const char             *stage_name)
{
  g_return_val_if_fail (THUMBING_IS_ELEMENT_FACTORY (self), NULL);

  return g_object_new (self->element_type,
                       "name", stage_name != NULL ? stage_name : thumbing_element_factory_get_name (self),
                       NULL);
}
