/* thumbing-http-plugin.c: elements that speak plain HTTP
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "config.h"

#include "thumbing-webhook.h"

static gboolean
http_plugin_init (ThumbingPlugin *plugin,
                  GError        **error)
{
  return thumbing_plugin_add_element (plugin, THUMBING_TYPE_WEBHOOK, error);
}

THUMBING_PLUGIN_DEFINE (http, "Webhooks and other plain HTTP", http_plugin_init,
                        PACKAGE_VERSION, "LGPL-2.1-or-later")
