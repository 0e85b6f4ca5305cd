/* thumbing-test-aws.h: helpers shared by the AWS tests
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include "thumbing-aws-client.h"

G_BEGIN_DECLS

ThumbingAwsResponse *thumbing_test_aws_send (ThumbingAwsClient  *client,
                                             ThumbingAwsRequest *request,
                                             GError            **error);
char                *thumbing_test_aws_presign (ThumbingAwsClient  *client,
                                                ThumbingAwsRequest *request,
                                                guint               expires,
                                                GError            **error);

G_END_DECLS
