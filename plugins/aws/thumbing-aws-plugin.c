/* thumbing-aws-plugin.c: S3 for now; SQS and SNS elements build on the same client
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "config.h"

#include "thumbing-s3-get.h"
#include "thumbing-s3-put.h"

static gboolean
aws_plugin_init (ThumbingPlugin *plugin,
                 GError        **error)
{
  return thumbing_plugin_add_element (plugin, THUMBING_TYPE_S3_GET, error)
      && thumbing_plugin_add_element (plugin, THUMBING_TYPE_S3_PUT, error);
}

THUMBING_PLUGIN_DEFINE (aws, "Amazon S3, and S3-compatible stores", aws_plugin_init,
                        PACKAGE_VERSION, "LGPL-2.1-or-later")
