/* thumbing-aws-client.h: signed, retried AWS requests over libsoup
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <gio/gio.h>
#include <libsoup/soup.h>

#include "thumbing-aws-config.h"
#include "thumbing-aws-credentials-provider.h"
#include "thumbing-aws-request.h"

G_BEGIN_DECLS

#define THUMBING_AWS_ERROR (thumbing_aws_error_quark ())

/* What went wrong with an AWS call, by what a caller can do about it. The
 * message names the service, AWS's error code, the HTTP status and the
 * request id. */
typedef enum {
  THUMBING_AWS_ERROR_NOT_FOUND,       /* NoSuchKey, NoSuchBucket, QueueDoesNotExist…: retrying cannot help */
  THUMBING_AWS_ERROR_ACCESS_DENIED,   /* credentials or permissions */
  THUMBING_AWS_ERROR_THROTTLED,       /* still throttled after every retry */
  THUMBING_AWS_ERROR_SERVER,          /* still failing with 5xx after every retry */
  THUMBING_AWS_ERROR_NETWORK,         /* unreachable or timed out after every retry */
  THUMBING_AWS_ERROR_PRECONDITION,    /* an If-Match or similar condition did not hold */
  THUMBING_AWS_ERROR_INVALID,         /* any other refusal of the request */
  THUMBING_AWS_ERROR_TOO_LARGE,       /* the response body is longer than the request allows */
} ThumbingAwsError;

GQuark thumbing_aws_error_quark (void);

typedef struct
{
  guint               status;
  SoupMessageHeaders *headers;
  GBytes             *body;
} ThumbingAwsResponse;

void thumbing_aws_response_free (ThumbingAwsResponse *response);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (ThumbingAwsResponse, thumbing_aws_response_free)

typedef struct _ThumbingAwsClient ThumbingAwsClient;

ThumbingAwsClient *thumbing_aws_client_new          (const char             *service,
                                                     const char             *endpoint,
                                                     const char             *region,
                                                     ThumbingAwsCredentials *credentials);
ThumbingAwsClient *thumbing_aws_client_new_with_provider (const char                    *service,
                                                     const char                     *endpoint,
                                                     const char                     *region,
                                                     ThumbingAwsCredentialsProvider *provider);
ThumbingAwsClient *thumbing_aws_client_new_for_endpoint (ThumbingAwsClient *self,
                                                     const char             *endpoint);
typedef void (*ThumbingAwsRetryFunc) (gpointer data);

void               thumbing_aws_client_set_retry_func (ThumbingAwsClient   *self,
                                                       ThumbingAwsRetryFunc func,
                                                       gpointer             data);
ThumbingAwsClient *thumbing_aws_client_ref          (ThumbingAwsClient      *self);
void               thumbing_aws_client_unref        (ThumbingAwsClient      *self);
const char        *thumbing_aws_client_get_endpoint (ThumbingAwsClient      *self);
void               thumbing_aws_client_set_retries  (ThumbingAwsClient      *self,
                                                     guint                   max_attempts,
                                                     guint                   base_delay_ms,
                                                     guint                   max_delay_ms);
void               thumbing_aws_client_send_async   (ThumbingAwsClient      *self,
                                                     ThumbingAwsRequest     *request,
                                                     GCancellable           *cancellable,
                                                     GAsyncReadyCallback     callback,
                                                     gpointer                user_data);
ThumbingAwsResponse *thumbing_aws_client_send_finish (ThumbingAwsClient     *self,
                                                     GAsyncResult           *result,
                                                     GError                **error);
void               thumbing_aws_client_presign_async  (ThumbingAwsClient    *self,
                                                       ThumbingAwsRequest   *request,
                                                       guint                 expires,
                                                       GCancellable         *cancellable,
                                                       GAsyncReadyCallback   callback,
                                                       gpointer              user_data);
char              *thumbing_aws_client_presign_finish (ThumbingAwsClient    *self,
                                                       GAsyncResult         *result,
                                                       GError              **error);

char              *thumbing_aws_xml_text            (GBytes                 *xml,
                                                     const char             *element);
gboolean           thumbing_aws_error_is_retryable  (guint                   status,
                                                     const char             *code);
GTlsDatabase      *thumbing_ssl_cert_file_database  (void);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ThumbingAwsClient, thumbing_aws_client_unref)

G_END_DECLS
