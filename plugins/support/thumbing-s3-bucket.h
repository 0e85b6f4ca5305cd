/* thumbing-s3-bucket.h: a bucket as the S3 elements address it
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <thumbing/thumbing.h>

#include "thumbing-aws-client.h"

G_BEGIN_DECLS

/**
 * ThumbingS3Addressing:
 * @THUMBING_S3_ADDRESSING_AUTO: path-style for IP-address and localhost endpoints, else virtual-hosted
 * @THUMBING_S3_ADDRESSING_PATH: the bucket in the path: `endpoint/bucket/key`
 * @THUMBING_S3_ADDRESSING_VIRTUAL: the bucket in the host name: `bucket.endpoint/key`
 */
typedef enum {
  THUMBING_S3_ADDRESSING_AUTO,
  THUMBING_S3_ADDRESSING_PATH,
  THUMBING_S3_ADDRESSING_VIRTUAL,
} ThumbingS3Addressing;

GType thumbing_s3_addressing_get_type (void) G_GNUC_CONST;

typedef struct
{
  char              *name;
  ThumbingAwsClient *client;
  gboolean           path_style;
} ThumbingS3Bucket;

ThumbingAwsClient  *thumbing_aws_element_make_client (const char            *service,
                                                      const char            *endpoint,
                                                      const char            *region,
                                                      GError               **error);
ThumbingS3Bucket   *thumbing_s3_bucket_open          (const char            *name,
                                                      const char            *endpoint,
                                                      const char            *region,
                                                      ThumbingS3Addressing   addressing,
                                                      GError               **error);
void                thumbing_s3_bucket_free          (ThumbingS3Bucket      *bucket);
ThumbingAwsRequest *thumbing_s3_bucket_request       (ThumbingS3Bucket      *bucket,
                                                      const char            *method,
                                                      const char            *key);
char               *thumbing_s3_bucket_url           (ThumbingS3Bucket      *bucket,
                                                      const char            *key);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ThumbingS3Bucket, thumbing_s3_bucket_free)

G_END_DECLS
