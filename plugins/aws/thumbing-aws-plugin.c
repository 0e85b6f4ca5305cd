/* thumbing-aws-plugin.c: S3, SQS and SNS elements on one signed HTTP client
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "config.h"

#include "thumbing-lambda-source.h"
#include "thumbing-s3-bucket.h"
#include "thumbing-s3-event-source.h"
#include "thumbing-s3-get.h"
#include "thumbing-s3-list-source.h"
#include "thumbing-s3-put.h"
#include "thumbing-sns-publish.h"
#include "thumbing-sqs-source.h"

/* Here, not beside the bucket code, which the http plugin links too: a
 * type is registered by one module only. */
G_DEFINE_ENUM_TYPE (ThumbingS3Addressing, thumbing_s3_addressing,
  G_DEFINE_ENUM_VALUE (THUMBING_S3_ADDRESSING_AUTO, "auto"),
  G_DEFINE_ENUM_VALUE (THUMBING_S3_ADDRESSING_PATH, "path"),
  G_DEFINE_ENUM_VALUE (THUMBING_S3_ADDRESSING_VIRTUAL, "virtual"))

static gboolean
aws_plugin_init (ThumbingPlugin *plugin,
                 GError        **error)
{
  return thumbing_plugin_add_element (plugin, THUMBING_TYPE_S3_GET, error)
      && thumbing_plugin_add_element (plugin, THUMBING_TYPE_S3_PUT, error)
      && thumbing_plugin_add_element (plugin, THUMBING_TYPE_SQS_SOURCE, error)
      && thumbing_plugin_add_element (plugin, THUMBING_TYPE_SNS_PUBLISH, error)
      && thumbing_plugin_add_element (plugin, THUMBING_TYPE_S3_EVENT_SOURCE, error)
      && thumbing_plugin_add_element (plugin, THUMBING_TYPE_LAMBDA_SOURCE, error)
      && thumbing_plugin_add_element (plugin, THUMBING_TYPE_S3_LIST_SOURCE, error);
}

THUMBING_PLUGIN_DEFINE (aws, "Amazon S3, SQS and SNS, and compatible services", aws_plugin_init,
                        PACKAGE_VERSION, "LGPL-2.1-or-later")
