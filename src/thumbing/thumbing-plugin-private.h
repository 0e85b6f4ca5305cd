/* thumbing-plugin-private.h
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include "thumbing-plugin.h"
#include "thumbing-registry.h"

G_BEGIN_DECLS

ThumbingPlugin *_thumbing_plugin_new (ThumbingRegistry         *registry,
                                      const ThumbingPluginDesc *desc,
                                      const char               *filename);

G_END_DECLS
