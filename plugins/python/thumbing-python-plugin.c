/* thumbing-python-plugin.c: elements written in Python, from *.py files beside the plugins
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * As gst-python does for GStreamer: each *.py file in a folder of
 * THUMBING_PLUGIN_PATH or in the plugin directory is run once in an
 * embedded interpreter (thumbing-python-runtime.c), and the element
 * classes it lists become elements of this plugin. This module does not
 * link libpython: the runtime module that does is opened only when there
 * is such a file.
 */
#include "config.h"

#include <dlfcn.h>

#include <glib/gi18n-lib.h>
#include <gmodule.h>
#include <thumbing/thumbing.h>

#include "thumbing-python-runtime.h"

static int
compare_paths (gconstpointer a,
               gconstpointer b)
{
  return g_strcmp0 (*(const char * const *) a, *(const char * const *) b);
}

static void
add_scripts (GPtrArray  *files,
             const char *folder)
{
  g_autoptr(GDir) dir = g_dir_open (folder, 0, NULL);
  g_autoptr(GPtrArray) found = g_ptr_array_new_with_free_func (g_free);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    if (g_str_has_suffix (name, ".py"))
      g_ptr_array_add (found, g_build_filename (folder, name, NULL));
  g_ptr_array_sort (found, compare_paths);
  for (guint i = 0; i < found->len; i++)
    g_ptr_array_add (files, g_strdup (found->pdata[i]));
}

static GPtrArray *
find_scripts (void)
{
  GPtrArray *files = g_ptr_array_new_with_free_func (g_free);
  const char *path = g_getenv ("THUMBING_PLUGIN_PATH");
  g_auto(GStrv) folders = path != NULL ? g_strsplit (path, G_SEARCHPATH_SEPARATOR_S, -1) : NULL;

  for (char **folder = folders; folder != NULL && *folder != NULL; folder++)
    if (**folder != '\0')
      add_scripts (files, *folder);
  add_scripts (files, THUMBING_PLUGINDIR);
  return files;
}

/* The runtime module beside this one, opened for good: the interpreter
 * and the element types it registers cannot be unloaded. */
static ThumbingPythonRuntimeLoad
open_runtime (GError **error)
{
  Dl_info info;
  g_autofree char *folder = NULL;
  g_autofree char *path = NULL;
  GModule *module;
  gpointer load = NULL;

  if (dladdr ((void *) open_runtime, &info) == 0 || info.dli_fname == NULL)
    {
      g_set_error (error, THUMBING_ERROR, THUMBING_ERROR_PLUGIN, _("cannot find where the python plugin was loaded from"));
      return NULL;
    }
  folder = g_path_get_dirname (info.dli_fname);
  path = g_build_filename (folder, THUMBING_PYTHON_RUNTIME_FILE, NULL);
  module = g_module_open (path, G_MODULE_BIND_LAZY | G_MODULE_BIND_LOCAL);
  if (module == NULL)
    {
      g_set_error (error, THUMBING_ERROR, THUMBING_ERROR_PLUGIN, _("cannot load the Python runtime %s: %s"), path,
                   g_module_error ());
      return NULL;
    }
  if (!g_module_symbol (module, THUMBING_PYTHON_RUNTIME_LOAD, &load) || load == NULL)
    {
      g_set_error (error, THUMBING_ERROR, THUMBING_ERROR_PLUGIN, _("%s has no %s"), path, THUMBING_PYTHON_RUNTIME_LOAD);
      g_module_close (module);
      return NULL;
    }
  g_module_make_resident (module);
  return (ThumbingPythonRuntimeLoad) load;
}

static gboolean
python_plugin_init (ThumbingPlugin *plugin,
                    GError        **error)
{
  g_autoptr(GPtrArray) files = find_scripts ();
  ThumbingPythonRuntimeLoad load;

  if (files->len == 0)
    return TRUE;
  load = open_runtime (error);
  return load != NULL && load (plugin, files, error);
}

THUMBING_PLUGIN_DEFINE (python, "Elements written in Python, from *.py files beside the plugins", python_plugin_init,
                        PACKAGE_VERSION, "LGPL-2.1-or-later")
