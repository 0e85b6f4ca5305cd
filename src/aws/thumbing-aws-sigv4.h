/* thumbing-aws-sigv4.h: AWS Signature Version 4, header and presigned forms
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <glib.h>

#include "thumbing-aws-request.h"

G_BEGIN_DECLS

/* S3's marker for a body that is not part of the signature. */
#define THUMBING_AWS_UNSIGNED_PAYLOAD "UNSIGNED-PAYLOAD"

/* The longest a presigned URL may live, as S3 allows: seven days. */
#define THUMBING_AWS_MAX_PRESIGN_SECONDS 604800

typedef struct
{
  const char *access_key_id;
  const char *secret_access_key;
  const char *session_token;   /* NULL for long-term credentials */
} ThumbingAwsKeys;

typedef enum {
  THUMBING_AWS_SIGN_HEADER,    /* an Authorization header */
  THUMBING_AWS_SIGN_QUERY,     /* a presigned URL */
} ThumbingAwsSignForm;

typedef struct
{
  ThumbingAwsSignForm  form;
  const char          *region;
  const char          *service;
  GDateTime           *time;                /* the clock is injected */
  gboolean             normalize_path;      /* FALSE for S3: “//” and “.” stay */
  gboolean             add_content_sha256;  /* x-amz-content-sha256, which S3 requires */
  const char          *payload_hash;        /* NULL: SHA-256 of the body */
  gboolean             omit_session_token;  /* add the token after signing, unsigned */
  guint                expires;             /* presigned URLs: seconds, 1 to 7 days */
} ThumbingAwsSigning;

/* What signing computed, for tests and debugging. */
typedef struct
{
  char *canonical_request;
  char *string_to_sign;
  char *signature;
} ThumbingAwsSigned;

char     *thumbing_aws_normalize_path  (const char               *path);
gboolean  thumbing_aws_sign            (ThumbingAwsRequest       *request,
                                        const ThumbingAwsKeys    *keys,
                                        const ThumbingAwsSigning *signing,
                                        ThumbingAwsSigned        *signed_out,
                                        GError                  **error);
void      thumbing_aws_signed_clear    (ThumbingAwsSigned        *signed_out);

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (ThumbingAwsSigned, thumbing_aws_signed_clear)

G_END_DECLS
