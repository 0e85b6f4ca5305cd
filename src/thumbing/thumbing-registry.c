/* thumbing-registry.c
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "config.h"

#include <gmodule.h>
#include <glib/gi18n-lib.h>

#include "thumbing-error.h"
#include "thumbing-plugin-private.h"
#include "thumbing-registry.h"
#include "thumbing-util-private.h"

/**
 * ThumbingRegistry:
 *
 * Knows every plugin and element factory.
 *
 * thumbing_registry_scan() loads the plugins in the directories listed in
 * `THUMBING_PLUGIN_PATH` (separated by `:`, searched recursively; `meson
 * devenv` sets it to the build tree), then those in the install directory.
 * A plugin or element found twice is taken from the first place, so a build
 * tree overrides an installed copy. Applications can register their own
 * element types with thumbing_registry_add_element().
 *
 * The registry is the one piece of process-wide state in thumbing; use it
 * from one thread.
 */
struct _ThumbingRegistry
{
  GObject     parent_instance;
  GHashTable *factories;    /* name → ThumbingElementFactory */
  GHashTable *plugins;      /* name → ThumbingPlugin */
  GPtrArray  *problems;     /* strings, NULL-terminated */
  gboolean    scanned;
};

G_DEFINE_FINAL_TYPE (ThumbingRegistry, thumbing_registry, G_TYPE_OBJECT)

/* Plugins loaded from build trees nest a few folders down; installed ones don't. */
#define MAX_SCAN_DEPTH 4

static void
thumbing_registry_finalize (GObject *object)
{
  ThumbingRegistry *self = THUMBING_REGISTRY (object);

  g_hash_table_unref (self->factories);
  g_hash_table_unref (self->plugins);
  g_ptr_array_unref (self->problems);
  G_OBJECT_CLASS (thumbing_registry_parent_class)->finalize (object);
}

static void
thumbing_registry_class_init (ThumbingRegistryClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = thumbing_registry_finalize;
}

static void
thumbing_registry_init (ThumbingRegistry *self)
{
  self->factories = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_object_unref);
  self->plugins = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_object_unref);
  self->problems = g_ptr_array_new_null_terminated (0, g_free, TRUE);
}

/**
 * thumbing_registry_new:
 *
 * Creates an empty registry, for programs and tests that want their own set
 * of elements. Most callers want thumbing_registry_get_default().
 *
 * Returns: (transfer full): a new, empty registry
 */
ThumbingRegistry *
thumbing_registry_new (void)
{
  return g_object_new (THUMBING_TYPE_REGISTRY, NULL);
}

/**
 * thumbing_registry_get_default:
 *
 * Gets the default registry.
 *
 * Returns the process-wide registry, scanning for plugins the first time.
 *
 * Returns: (transfer none): the default registry
 */
ThumbingRegistry *
thumbing_registry_get_default (void)
{
  static ThumbingRegistry *registry;

  if (g_once_init_enter (&registry))
    {
      ThumbingRegistry *created;

      /* The library's messages are translated even when no program binds
       * them; THUMBING_LOCALEDIR points at the build tree's catalogues. */
      bindtextdomain (GETTEXT_PACKAGE, g_getenv ("THUMBING_LOCALEDIR") != NULL ? g_getenv ("THUMBING_LOCALEDIR")
                                                                              : LOCALEDIR);
      bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
      created = thumbing_registry_new ();

      thumbing_registry_scan (created);
      g_once_init_leave (&registry, created);
    }
  return registry;
}

static void
add_problem (ThumbingRegistry *self,
             const char       *message)
{
  g_debug ("%s", message);
  g_ptr_array_add (self->problems, g_strdup (message));
}

static gboolean
register_plugin (ThumbingRegistry         *self,
                 const ThumbingPluginDesc *desc,
                 const char               *filename,
                 GError                  **error)
{
  g_autoptr(ThumbingPlugin) plugin = NULL;
  g_autoptr(GError) local_error = NULL;

  if (desc->major_version != THUMBING_MAJOR_VERSION || desc->name == NULL || desc->init == NULL)
    {
      g_set_error (error, THUMBING_ERROR, THUMBING_ERROR_PLUGIN,
                   _("%s: plugin built for thumbing %d.%d, not %d.x"),
                   filename != NULL ? filename : desc->name,
                   desc->major_version, desc->minor_version, THUMBING_MAJOR_VERSION);
      return FALSE;
    }

  plugin = _thumbing_plugin_new (self, desc, filename);
  g_hash_table_insert (self->plugins, g_strdup (desc->name), g_object_ref (plugin));
  if (!desc->init (plugin, &local_error))
    {
      g_hash_table_remove (self->plugins, desc->name);
      g_set_error (error, THUMBING_ERROR, THUMBING_ERROR_PLUGIN,
                   _("plugin %s failed to initialise: %s"), desc->name,
                   local_error != NULL ? local_error->message : _("no reason given"));
      return FALSE;
    }
  return TRUE;
}

/**
 * thumbing_registry_load_plugin:
 * @self: a #ThumbingRegistry
 * @filename: a plugin module
 * @error: return location for a #GError
 *
 * Loads one plugin module and registers its elements. A plugin whose name is
 * already registered is skipped without error.
 *
 * Returns: %TRUE if the plugin is registered (now or before)
 */
gboolean
thumbing_registry_load_plugin (ThumbingRegistry *self,
                               const char       *filename,
                               GError          **error)
{
  GModule *module;
  gpointer symbol = NULL;
  const ThumbingPluginDesc *desc;

  g_return_val_if_fail (THUMBING_IS_REGISTRY (self), FALSE);
  g_return_val_if_fail (filename != NULL, FALSE);

  module = g_module_open (filename, G_MODULE_BIND_LAZY | G_MODULE_BIND_LOCAL);
  if (module == NULL)
    {
      g_set_error (error, THUMBING_ERROR, THUMBING_ERROR_PLUGIN,
                   _("cannot load plugin %s: %s"), filename, g_module_error ());
      return FALSE;
    }
  if (!g_module_symbol (module, THUMBING_PLUGIN_DESC_SYMBOL, &symbol) || symbol == NULL)
    {
      g_set_error (error, THUMBING_ERROR, THUMBING_ERROR_PLUGIN,
                   _("%s is not a thumbing plugin (no %s symbol)"),
                   filename, THUMBING_PLUGIN_DESC_SYMBOL);
      g_module_close (module);
      return FALSE;
    }

  desc = symbol;
  if (desc->name != NULL && g_hash_table_contains (self->plugins, desc->name))
    {
      g_module_close (module);
      return TRUE;
    }

  /* Element types are registered statically and cannot be unloaded. */
  g_module_make_resident (module);
  return register_plugin (self, desc, filename, error);
}

static int
compare_name_pointers (gconstpointer a,
                       gconstpointer b)
{
  return g_strcmp0 (*(char * const *) a, *(char * const *) b);
}

static void
scan_directory (ThumbingRegistry *self,
                const char       *directory,
                guint             depth)
{
  g_autoptr(GDir) dir = NULL;
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  const char *name;

  if (depth > MAX_SCAN_DEPTH)
    return;
  dir = g_dir_open (directory, 0, NULL);
  if (dir == NULL)
    return;

  while ((name = g_dir_read_name (dir)) != NULL)
    if (name[0] != '.')
      g_ptr_array_add (names, g_strdup (name));
  /* Sorted, so which duplicate wins never depends on the file system. */
  g_ptr_array_sort (names, compare_name_pointers);

  for (guint i = 0; i < names->len; i++)
    {
      g_autofree char *path = g_build_filename (directory, names->pdata[i], NULL);
      g_autoptr(GError) error = NULL;

      if (g_file_test (path, G_FILE_TEST_IS_DIR))
        scan_directory (self, path, depth + 1);
      else if (g_str_has_suffix (path, "." G_MODULE_SUFFIX)
               && !thumbing_registry_load_plugin (self, path, &error))
        add_problem (self, error->message);
    }
}

/**
 * thumbing_registry_scan_path:
 * @self: a #ThumbingRegistry
 * @directory: a folder holding plugin modules, possibly in subfolders
 *
 * Loads every plugin found under @directory. Problems (a module that fails
 * to load) do not stop the scan; thumbing_registry_get_problems() lists them.
 */
void
thumbing_registry_scan_path (ThumbingRegistry *self,
                             const char       *directory)
{
  g_return_if_fail (THUMBING_IS_REGISTRY (self));
  g_return_if_fail (directory != NULL);

  scan_directory (self, directory, 0);
}

/**
 * thumbing_registry_scan:
 * @self: a #ThumbingRegistry
 *
 * Loads the plugins from `THUMBING_PLUGIN_PATH`, then from the install
 * directory. Only the first call scans.
 */
void
thumbing_registry_scan (ThumbingRegistry *self)
{
  const char *path;

  g_return_if_fail (THUMBING_IS_REGISTRY (self));
  if (self->scanned)
    return;
  self->scanned = TRUE;

  path = g_getenv ("THUMBING_PLUGIN_PATH");
  if (path != NULL)
    {
      g_auto(GStrv) directories = g_strsplit (path, G_SEARCHPATH_SEPARATOR_S, -1);

      for (char **d = directories; *d != NULL; d++)
        if (**d != '\0')
          scan_directory (self, *d, 0);
    }
  scan_directory (self, THUMBING_PLUGINDIR, 0);
}

/**
 * thumbing_registry_add_static_plugin:
 * @self: a #ThumbingRegistry
 * @desc: the descriptor of a plugin linked into the program
 * @error: return location for a #GError
 *
 * Registers a plugin built with `THUMBING_PLUGIN_BUILD_STATIC`, whose
 * descriptor `thumbing_plugin_<name>_describe()` returns.
 *
 * Returns: %TRUE on success
 */
gboolean
thumbing_registry_add_static_plugin (ThumbingRegistry         *self,
                                     const ThumbingPluginDesc *desc,
                                     GError                  **error)
{
  g_return_val_if_fail (THUMBING_IS_REGISTRY (self), FALSE);
  g_return_val_if_fail (desc != NULL, FALSE);

  if (desc->name != NULL && g_hash_table_contains (self->plugins, desc->name))
    return TRUE;
  return register_plugin (self, desc, NULL, error);
}

/**
 * thumbing_registry_add_element:
 * @self: a #ThumbingRegistry
 * @element_type: an element type whose class set its metadata
 * @plugin_name: who provides it (a plugin, or the application's name)
 * @error: return location for a #GError
 *
 * Registers one element type.
 *
 * Returns: %TRUE on success; %FALSE with %THUMBING_ERROR_PLUGIN set when the
 *   type is not a usable element or its name is taken
 */
gboolean
thumbing_registry_add_element (ThumbingRegistry *self,
                               GType             element_type,
                               const char       *plugin_name,
                               GError          **error)
{
  g_autoptr(ThumbingElementFactory) factory = NULL;
  ThumbingElementFactory *existing;
  const char *name;

  g_return_val_if_fail (THUMBING_IS_REGISTRY (self), FALSE);
  g_return_val_if_fail (plugin_name != NULL, FALSE);

  factory = thumbing_element_factory_new (element_type, plugin_name, error);
  if (factory == NULL)
    return FALSE;

  name = thumbing_element_factory_get_name (factory);
  existing = g_hash_table_lookup (self->factories, name);
  if (existing != NULL)
    {
      if (thumbing_element_factory_get_element_type (existing) == element_type)
        return TRUE;
      g_set_error (error, THUMBING_ERROR, THUMBING_ERROR_PLUGIN,
                   _("element %s of plugin %s is already provided by plugin %s"),
                   name, plugin_name, thumbing_element_factory_get_plugin_name (existing));
      return FALSE;
    }
  g_hash_table_insert (self->factories, g_strdup (name), g_steal_pointer (&factory));
  return TRUE;
}

/**
 * thumbing_registry_add_element_type:
 * @self: a #ThumbingRegistry
 * @element_type: a subclass of #ThumbingTransform, #ThumbingSink,
 *   #ThumbingSource or #ThumbingService
 * @name: the element's name in pipelines, as `watermark`
 * @description: one line for `thumbing inspect`
 * @accepts: (nullable): media types it takes, separated by “;” (%NULL:
 *   anything), as for thumbing_element_class_set_media()
 * @produces: (nullable): media types it gives (%NULL: what it takes)
 * @plugin_name: who provides it (a script's or an application's name)
 * @error: return location for a #GError
 *
 * Sets the class metadata of @element_type and registers it: for element
 * classes written in a language that runs no C class initialiser, such as
 * Python through GObject-Introspection, where a class cannot call
 * thumbing_element_class_set_metadata() itself.
 *
 * Returns: %TRUE on success; %FALSE with @error set as for
 *   thumbing_registry_add_element()
 */
gboolean
thumbing_registry_add_element_type (ThumbingRegistry *self,
                                    GType             element_type,
                                    const char       *name,
                                    const char       *description,
                                    const char       *accepts,
                                    const char       *produces,
                                    const char       *plugin_name,
                                    GError          **error)
{
  g_autoptr(GTypeClass) klass = NULL;

  g_return_val_if_fail (THUMBING_IS_REGISTRY (self), FALSE);
  g_return_val_if_fail (name != NULL && description != NULL, FALSE);
  if (!g_type_is_a (element_type, THUMBING_TYPE_ELEMENT) || G_TYPE_IS_ABSTRACT (element_type))
    {
      g_set_error (error, THUMBING_ERROR, THUMBING_ERROR_PLUGIN,
                   _("element %s: %s is not a concrete element class"), name, g_type_name (element_type));
      return FALSE;
    }
  klass = g_type_class_ref (element_type);
  thumbing_element_class_set_metadata (THUMBING_ELEMENT_CLASS (klass), name, description);
  thumbing_element_class_set_media (THUMBING_ELEMENT_CLASS (klass), accepts != NULL ? accepts : "*/*", produces);
  return thumbing_registry_add_element (self, element_type, plugin_name, error);
}

/**
 * thumbing_registry_lookup:
 * @self: a #ThumbingRegistry
 * @name: an element name, as `resize`
 *
 * Gets the factory, or %NULL if no plugin provides @name.
 *
 * Returns: (transfer none) (nullable): the factory, or %NULL if no plugin provides @name
 */
ThumbingElementFactory *
thumbing_registry_lookup (ThumbingRegistry *self,
                          const char       *name)
{
  g_return_val_if_fail (THUMBING_IS_REGISTRY (self), NULL);
  g_return_val_if_fail (name != NULL, NULL);
  return g_hash_table_lookup (self->factories, name);
}

static int
compare_factories (gconstpointer a,
                   gconstpointer b)
{
  return g_strcmp0 (thumbing_element_factory_get_name ((ThumbingElementFactory *) a),
                    thumbing_element_factory_get_name ((ThumbingElementFactory *) b));
}

/**
 * thumbing_registry_list_factories:
 * @self: a #ThumbingRegistry
 *
 * Gets every factory, sorted by name.
 *
 * Returns: (transfer container) (element-type ThumbingElementFactory): every
 *   factory, sorted by name
 */
GList *
thumbing_registry_list_factories (ThumbingRegistry *self)
{
  g_return_val_if_fail (THUMBING_IS_REGISTRY (self), NULL);
  return g_list_sort (g_hash_table_get_values (self->factories), compare_factories);
}

static int
compare_plugins (gconstpointer a,
                 gconstpointer b)
{
  return g_strcmp0 (thumbing_plugin_get_name ((ThumbingPlugin *) a),
                    thumbing_plugin_get_name ((ThumbingPlugin *) b));
}

/**
 * thumbing_registry_list_plugins:
 * @self: a #ThumbingRegistry
 *
 * Gets every loaded plugin, sorted by name.
 *
 * Returns: (transfer container) (element-type ThumbingPlugin): every loaded
 *   plugin, sorted by name
 */
GList *
thumbing_registry_list_plugins (ThumbingRegistry *self)
{
  g_return_val_if_fail (THUMBING_IS_REGISTRY (self), NULL);
  return g_list_sort (g_hash_table_get_values (self->plugins), compare_plugins);
}

/**
 * thumbing_registry_get_problems:
 * @self: a #ThumbingRegistry
 *
 * Gets what went wrong while scanning, one message per module.
 *
 * Returns: (transfer none) (array zero-terminated=1): what went wrong while
 *   scanning, one message per module
 */
const char * const *
thumbing_registry_get_problems (ThumbingRegistry *self)
{
  static const char * const none[] = { NULL };

  g_return_val_if_fail (THUMBING_IS_REGISTRY (self), NULL);
  /* An empty null-terminated array may not have allocated its terminator. */
  return self->problems->len > 0 ? (const char * const *) self->problems->pdata : none;
}

/**
 * thumbing_registry_report_start_failure:
 * @self: a #ThumbingRegistry
 * @error: why a pipeline could not be built or started
 *
 * Tells every element class that implements
 * #ThumbingElementClass.report_start_failure, so a host waiting for the
 * process to become ready (a Lambda runtime) hears why it will not.
 */
void
thumbing_registry_report_start_failure (ThumbingRegistry *self,
                                        const GError     *error)
{
  GHashTableIter iter;
  gpointer factory;

  g_return_if_fail (THUMBING_IS_REGISTRY (self));
  g_return_if_fail (error != NULL);

  g_hash_table_iter_init (&iter, self->factories);
  while (g_hash_table_iter_next (&iter, NULL, &factory))
    {
      ThumbingElementClass *klass = g_type_class_ref (thumbing_element_factory_get_element_type (factory));

      if (klass->report_start_failure != NULL)
        klass->report_start_failure (klass, error);
      g_type_class_unref (klass);
    }
}

/**
 * thumbing_registry_create_element:
 * @self: a #ThumbingRegistry
 * @element_name: an element name, as `resize`
 * @stage_name: (nullable): the stage name; the element name when %NULL
 * @error: return location for a #GError
 *
 * Creates an element by its name, suggesting the closest name on a typo.
 *
 * Returns: (transfer full): a new element, or %NULL with
 *   %THUMBING_ERROR_UNKNOWN_ELEMENT set
 */
ThumbingElement *
thumbing_registry_create_element (ThumbingRegistry *self,
                                  const char       *element_name,
                                  const char       *stage_name,
                                  GError          **error)
{
  ThumbingElementFactory *factory;

  g_return_val_if_fail (THUMBING_IS_REGISTRY (self), NULL);
  g_return_val_if_fail (element_name != NULL, NULL);

  factory = thumbing_registry_lookup (self, element_name);
  if (factory == NULL)
    {
      g_autofree const char **names =
        (const char **) g_hash_table_get_keys_as_array (self->factories, NULL);
      const char *suggestion = _thumbing_suggest (element_name, names);

      if (suggestion != NULL)
        g_set_error (error, THUMBING_ERROR, THUMBING_ERROR_UNKNOWN_ELEMENT,
                     _("no element named “%s” (did you mean “%s”?)"), element_name, suggestion);
      else
        g_set_error (error, THUMBING_ERROR, THUMBING_ERROR_UNKNOWN_ELEMENT,
                     _("no element named “%s” (thumbing inspect lists them; is THUMBING_PLUGIN_PATH set?)"),
                     element_name);
      return NULL;
    }
  return thumbing_element_factory_create (factory, stage_name);
}
