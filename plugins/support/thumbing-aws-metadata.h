/* thumbing-aws-metadata.h: the item metadata the AWS elements share
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

/* The media of an item that names an S3 object not fetched yet: what
 * sqs-source produces and s3-get accepts. */
#define THUMBING_MEDIA_S3_OBJECT "application/x-s3-object"

/* Where an item came from in S3, set by sqs-source and read by s3-get. */
#define THUMBING_S3_BUCKET     "s3.bucket"
#define THUMBING_S3_KEY        "s3.key"
#define THUMBING_S3_ETAG       "s3.etag"
#define THUMBING_S3_SIZE       "s3.size"
#define THUMBING_S3_EVENT      "s3.event"

/* Where s3-put stored an item, for later stages (sns-publish). */
#define THUMBING_S3_OUTPUT_BUCKET "s3.output-bucket"
#define THUMBING_S3_OUTPUT_KEY    "s3.output-key"
#define THUMBING_S3_OUTPUT_ETAG   "s3.output-etag"
#define THUMBING_S3_OUTPUT_URL    "s3.output-url"

/* The user metadata s3-put writes, so a pipeline recognises its own outputs. */
#define THUMBING_S3_SOURCE_HEADER      "x-amz-meta-thumbing-source"
#define THUMBING_S3_SOURCE_ETAG_HEADER "x-amz-meta-thumbing-source-etag"
