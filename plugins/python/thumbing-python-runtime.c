/* thumbing-python-runtime.c: the embedded interpreter behind the python plugin
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * A module of its own, which only the python plugin opens and only when
 * there are *.py element files: libpython's relocations alone make a
 * process 2.4 MB larger, paid by every pipeline otherwise. Its name does
 * not end in the module suffix, so the registry never takes it for a
 * plugin. Each file is run once in the interpreter, and the element classes
 * it lists in `thumbing_elements` — tuples (class, name, description,
 * accepts, produces) — become elements of the plugin. Elements run their
 * do_process on the pipeline's worker threads; PyGObject takes the GIL for
 * each call, which is released once the files are loaded.
 */
#include "config.h"

#define PY_SSIZE_T_CLEAN
#include <Python.h>

#include <dlfcn.h>

#include <glib/gi18n-lib.h>
#include <gmodule.h>
#include <thumbing/thumbing.h>

#include "thumbing-python-runtime.h"

/* The text of the Python exception being handled, cleared. */
static char *
python_error (void)
{
  PyObject *type = NULL, *value = NULL, *traceback = NULL;
  PyObject *text;
  char *message = NULL;

  PyErr_Fetch (&type, &value, &traceback);
  PyErr_NormalizeException (&type, &value, &traceback);
  text = value != NULL ? PyObject_Str (value) : NULL;
  if (text != NULL)
    message = g_strdup_printf ("%s: %s", type != NULL ? ((PyTypeObject *) type)->tp_name : "Error",
                               PyUnicode_AsUTF8 (text));
  Py_XDECREF (text);
  Py_XDECREF (type);
  Py_XDECREF (value);
  Py_XDECREF (traceback);
  return message != NULL ? message : g_strdup (_("an unknown Python error"));
}

static const char *
item_string (PyObject *tuple,
             Py_ssize_t index)
{
  PyObject *value = PyTuple_GetItem (tuple, index);

  return value != NULL && PyUnicode_Check (value) ? PyUnicode_AsUTF8 (value) : NULL;
}

/* PyGObject prints an exception raised in do_process (other than a
 * GLib.Error) and returns NULL without an error, which means "dropped":
 * the item would be acknowledged at its source as if done. So each
 * element's process is wrapped, and an exception hook keeps, per thread,
 * what was raised; a NULL without an error after one is a failure. */
/* Keyed by the OS thread: a worker thread's Python thread state, and
 * with it any threading.local(), lasts only as long as one call. */
static const char failure_hook[] =
  "import sys, threading\n"
  "failures = {}\n"
  "previous_hook = sys.excepthook\n"
  "def hook(kind, value, traceback):\n"
  "    failures[threading.get_ident()] = '%s: %s' % (kind.__name__, value)\n"
  "    previous_hook(kind, value, traceback)\n"
  "sys.excepthook = hook\n"
  "def take():\n"
  "    return failures.pop(threading.get_ident(), None)\n";

typedef ThumbingItem *(*ProcessFunc) (ThumbingElement *self,
                                      ThumbingItem    *item,
                                      GCancellable    *cancellable,
                                      GError         **error);

static GHashTable *python_process;   /* GType → its PyGObject process; filled while loading */
static PyObject *take_failure;

static ThumbingItem *
process_catching (ThumbingElement  *self,
                  ThumbingItem     *item,
                  GCancellable     *cancellable,
                  GError          **error)
{
  ProcessFunc process = g_hash_table_lookup (python_process, GSIZE_TO_POINTER (G_OBJECT_TYPE (self)));
  GError *local_error = NULL;
  ThumbingItem *result = process (self, item, cancellable, &local_error);

  if (result == NULL && local_error == NULL)
    {
      PyGILState_STATE state = PyGILState_Ensure ();
      PyObject *message = PyObject_CallNoArgs (take_failure);

      if (message != NULL && PyUnicode_Check (message))
        local_error = g_error_new_literal (THUMBING_ERROR, THUMBING_ERROR_FAILED, PyUnicode_AsUTF8 (message));
      Py_XDECREF (message);
      PyErr_Clear ();
      PyGILState_Release (state);
    }
  if (local_error != NULL)
    g_propagate_error (error, local_error);
  return result;
}

/* One listed class: its GType found by name, its metadata set, added. */
static gboolean
add_listed (ThumbingPlugin  *plugin,
            const char      *file,
            PyObject        *entry,
            GError         **error)
{
  PyObject *gtype, *gtype_name;
  const char *name, *description;
  GType type = G_TYPE_INVALID;

  if (!PyTuple_Check (entry) || PyTuple_Size (entry) != 5
      || (name = item_string (entry, 1)) == NULL || (description = item_string (entry, 2)) == NULL)
    {
      g_set_error (error, THUMBING_ERROR, THUMBING_ERROR_PLUGIN,
                   _("%s: each entry of thumbing_elements is (class, name, description, accepts, produces)"), file);
      return FALSE;
    }
  gtype = PyObject_GetAttrString (PyTuple_GetItem (entry, 0), "__gtype__");
  gtype_name = gtype != NULL ? PyObject_GetAttrString (gtype, "name") : NULL;
  if (gtype_name != NULL && PyUnicode_Check (gtype_name))
    type = g_type_from_name (PyUnicode_AsUTF8 (gtype_name));
  Py_XDECREF (gtype_name);
  Py_XDECREF (gtype);
  PyErr_Clear ();
  if (type == G_TYPE_INVALID || !g_type_is_a (type, THUMBING_TYPE_ELEMENT) || G_TYPE_IS_ABSTRACT (type))
    {
      g_set_error (error, THUMBING_ERROR, THUMBING_ERROR_PLUGIN,
                   _("%s: element %s: its class is not a Thumbing.Transform, Sink, Source or Service subclass"),
                   file, name);
      return FALSE;
    }
  {
    g_autoptr(GTypeClass) klass = g_type_class_ref (type);
    const char *accepts = item_string (entry, 3);

    ThumbingElementClass *element_class = THUMBING_ELEMENT_CLASS (klass);

    if (element_class->process != NULL && element_class->process != process_catching)
      {
        g_hash_table_insert (python_process, GSIZE_TO_POINTER (type), element_class->process);
        element_class->process = process_catching;
      }
    thumbing_element_class_set_metadata (THUMBING_ELEMENT_CLASS (klass), name, description);
    thumbing_element_class_set_media (THUMBING_ELEMENT_CLASS (klass), accepts != NULL ? accepts : "*/*",
                                      item_string (entry, 4));
  }
  if (!thumbing_plugin_add_element (plugin, type, error))
    {
      g_prefix_error (error, "%s: ", file);
      return FALSE;
    }
  return TRUE;
}

static gboolean
load_script (ThumbingPlugin  *plugin,
             const char      *file,
             GError         **error)
{
  PyObject *runpy = PyImport_ImportModule ("runpy");
  PyObject *run_path = runpy != NULL ? PyObject_GetAttrString (runpy, "run_path") : NULL;
  PyObject *args = Py_BuildValue ("(s)", file);
  PyObject *kwargs = Py_BuildValue ("{s:s}", "run_name", "thumbing_elements");
  PyObject *globals = run_path != NULL && args != NULL && kwargs != NULL ? PyObject_Call (run_path, args, kwargs) : NULL;
  PyObject *listed;
  gboolean ok = TRUE;

  Py_XDECREF (kwargs);
  Py_XDECREF (args);
  Py_XDECREF (run_path);
  Py_XDECREF (runpy);
  if (globals == NULL)
    {
      g_autofree char *why = python_error ();

      g_set_error (error, THUMBING_ERROR, THUMBING_ERROR_PLUGIN, _("%s: %s"), file, why);
      return FALSE;
    }
  listed = PyDict_GetItemString (globals, "thumbing_elements");
  if (listed == NULL || !PyList_Check (listed))
    {
      g_set_error (error, THUMBING_ERROR, THUMBING_ERROR_PLUGIN,
                   _("%s: it defines no list thumbing_elements of (class, name, description, accepts, produces)"),
                   file);
      ok = FALSE;
    }
  for (Py_ssize_t i = 0; ok && i < PyList_Size (listed); i++)
    ok = add_listed (plugin, file, PyList_GetItem (listed, i), error);
  /* The module's globals stay alive: its classes must. */
  return ok;
}

/**
 * thumbing_python_runtime_load:
 * @plugin: the python plugin
 * @files: (element-type filename): the *.py files, at least one
 * @error: return location for a #GError
 *
 * Starts the interpreter (or joins one the process already runs) and adds
 * the elements each of @files lists to @plugin.
 *
 * Returns: %TRUE if every file loaded
 */
G_MODULE_EXPORT gboolean
thumbing_python_runtime_load (ThumbingPlugin *plugin,
                              GPtrArray      *files,
                              GError        **error)
{
  PyGILState_STATE state = PyGILState_UNLOCKED;
  gboolean started_here = FALSE;
  PyObject *gi;
  gboolean ok = TRUE;

  if (!Py_IsInitialized ())
    {
      Dl_info info;

      /* This module was loaded with its symbols private, libpython's with
       * them; Python's own extension modules (gi's among them) look for
       * those symbols globally, so libpython is made global first. */
      if (dladdr ((void *) Py_InitializeEx, &info) != 0 && info.dli_fname != NULL)
        dlopen (info.dli_fname, RTLD_NOW | RTLD_GLOBAL | RTLD_NOLOAD);
      Py_InitializeEx (0);
      started_here = TRUE;
    }
  else
    state = PyGILState_Ensure ();

  gi = PyImport_ImportModule ("gi");
  if (gi == NULL)
    {
      g_autofree char *why = python_error ();

      g_set_error (error, THUMBING_ERROR, THUMBING_ERROR_PLUGIN,
                   _("%s: elements written in Python need PyGObject (Debian's python3-gi): %s"),
                   (const char *) files->pdata[0], why);
      ok = FALSE;
    }
  Py_XDECREF (gi);
  if (ok && take_failure == NULL)
    {
      PyObject *support = PyModule_New ("thumbing_python_support");
      PyObject *globals = support != NULL ? PyModule_GetDict (support) : NULL;
      PyObject *done = globals != NULL ? (PyDict_SetItemString (globals, "__builtins__", PyEval_GetBuiltins ()),
                                          PyRun_String (failure_hook, Py_file_input, globals, globals)) : NULL;

      take_failure = done != NULL ? PyDict_GetItemString (globals, "take") : NULL;
      Py_XINCREF (take_failure);
      Py_XDECREF (done);
      python_process = g_hash_table_new (g_direct_hash, g_direct_equal);
      if (take_failure == NULL)
        {
          g_autofree char *why = python_error ();

          g_set_error (error, THUMBING_ERROR, THUMBING_ERROR_PLUGIN, "%s", why);
          ok = FALSE;
        }
    }
  for (guint i = 0; ok && i < files->len; i++)
    ok = load_script (plugin, files->pdata[i], error);

  if (started_here)
    PyEval_SaveThread ();
  else
    PyGILState_Release (state);
  return ok;
}

