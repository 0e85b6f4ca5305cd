/* thumbing-core-plugin.c: local folders and logging, with no cloud and no image library
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "thumbing-folder-sink.h"
#include "thumbing-folder-source.h"
#include "thumbing-log.h"

static gboolean
core_plugin_init (ThumbingPlugin *plugin,
                  GError        **error)
{
  return thumbing_plugin_add_element (plugin, THUMBING_TYPE_FOLDER_SOURCE, error)
      && thumbing_plugin_add_element (plugin, THUMBING_TYPE_FOLDER_SINK, error)
      && thumbing_plugin_add_element (plugin, THUMBING_TYPE_LOG, error);
}

THUMBING_PLUGIN_DEFINE (core, "Local folders and logging", core_plugin_init,
                        PACKAGE_VERSION, "LGPL-2.1-or-later")
