/* thumbing-aws-credentials-provider.h: the SDKs' credential chain, cached and refreshed
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <gio/gio.h>

#include "thumbing-aws-config.h"

G_BEGIN_DECLS

/* Temporary credentials are replaced this long before they expire. */
#define THUMBING_AWS_REFRESH_MARGIN (5 * G_TIME_SPAN_MINUTE)

typedef struct _ThumbingAwsCredentialsProvider ThumbingAwsCredentialsProvider;

ThumbingAwsCredentialsProvider *thumbing_aws_credentials_provider_new_static (ThumbingAwsCredentials *credentials);
ThumbingAwsCredentialsProvider *thumbing_aws_credentials_provider_new_chain  (ThumbingAwsConfig      *config,
                                                                             GError                **error);
ThumbingAwsCredentialsProvider *thumbing_aws_credentials_provider_ref        (ThumbingAwsCredentialsProvider *self);
void                            thumbing_aws_credentials_provider_unref      (ThumbingAwsCredentialsProvider *self);
const char                     *thumbing_aws_credentials_provider_describe   (ThumbingAwsCredentialsProvider *self);
void                            thumbing_aws_credentials_provider_get_async  (ThumbingAwsCredentialsProvider *self,
                                                                             GCancellable           *cancellable,
                                                                             GAsyncReadyCallback     callback,
                                                                             gpointer                user_data);
ThumbingAwsCredentials         *thumbing_aws_credentials_provider_get_finish (ThumbingAwsCredentialsProvider *self,
                                                                             GAsyncResult           *result,
                                                                             GError                **error);
gboolean                        thumbing_aws_credentials_provider_forget     (ThumbingAwsCredentialsProvider *self,
                                                                             ThumbingAwsCredentials *stale);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ThumbingAwsCredentialsProvider, thumbing_aws_credentials_provider_unref)

G_END_DECLS
