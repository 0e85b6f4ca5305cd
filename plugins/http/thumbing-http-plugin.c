/* thumbing-http-plugin.c: elements that speak plain HTTP
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "config.h"

#include "thumbing-metrics-server.h"
#include "thumbing-output-server.h"
#include "thumbing-upload-api.h"
#include "thumbing-webhook.h"

static gboolean
http_plugin_init (ThumbingPlugin *plugin,
                  GError        **error)
{
  return thumbing_plugin_add_element (plugin, THUMBING_TYPE_WEBHOOK, error)
      && thumbing_plugin_add_element (plugin, THUMBING_TYPE_UPLOAD_API, error)
      && thumbing_plugin_add_element (plugin, THUMBING_TYPE_OUTPUT_SERVER, error)
      && thumbing_plugin_add_element (plugin, THUMBING_TYPE_METRICS_SERVER, error);
}

THUMBING_PLUGIN_DEFINE (http, "Webhooks, the upload API and other plain HTTP", http_plugin_init,
                        PACKAGE_VERSION, "LGPL-2.1-or-later")
