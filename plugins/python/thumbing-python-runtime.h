/* thumbing-python-runtime.h: what the python plugin calls in its runtime module
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <thumbing/thumbing.h>

G_BEGIN_DECLS

/* The runtime module's file, beside the plugin's. */
#define THUMBING_PYTHON_RUNTIME_FILE "thumbing-python.runtime"
#define THUMBING_PYTHON_RUNTIME_LOAD "thumbing_python_runtime_load"

typedef gboolean (*ThumbingPythonRuntimeLoad) (ThumbingPlugin *plugin,
                                               GPtrArray      *files,
                                               GError        **error);

gboolean thumbing_python_runtime_load (ThumbingPlugin *plugin,
                                       GPtrArray      *files,
                                       GError        **error);

G_END_DECLS
