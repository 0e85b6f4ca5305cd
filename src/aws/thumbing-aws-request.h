/* thumbing-aws-request.h: an HTTP request as SigV4 sees it
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* A request before encoding: the path and query are plain text (a key
 * with spaces is written with spaces); signing and sending encode them. */
typedef struct
{
  char      *method;
  char      *host;      /* with :port when not the scheme's default */
  char      *path;      /* starts with '/', not percent-encoded */
  GPtrArray *query;     /* alternating name, value; not percent-encoded */
  GPtrArray *headers;   /* alternating name, value, in the order added */
  GBytes    *body;      /* may be NULL for an empty body */
  guint64    max_response_bytes;   /* a longer response body is refused unread; 0: any */
} ThumbingAwsRequest;

ThumbingAwsRequest *thumbing_aws_request_new        (const char         *method,
                                                     const char         *host,
                                                     const char         *path);
void                thumbing_aws_request_free       (ThumbingAwsRequest *request);
void                thumbing_aws_request_add_query  (ThumbingAwsRequest *request,
                                                     const char         *name,
                                                     const char         *value);
void                thumbing_aws_request_add_trace  (ThumbingAwsRequest *request,
                                                     const char         *trace_header);
void                thumbing_aws_request_add_header (ThumbingAwsRequest *request,
                                                     const char         *name,
                                                     const char         *value);
const char         *thumbing_aws_request_get_header (ThumbingAwsRequest *request,
                                                     const char         *name);
void                thumbing_aws_request_set_body   (ThumbingAwsRequest *request,
                                                     GBytes             *body);
char               *thumbing_aws_request_encoded_path  (ThumbingAwsRequest *request);
char               *thumbing_aws_request_encoded_query (ThumbingAwsRequest *request);

void                thumbing_aws_form_append        (GString            *form,
                                                     const char         *name,
                                                     const char         *value);
char               *thumbing_aws_uri_encode         (const char         *text,
                                                     gboolean            keep_slash);
char               *thumbing_aws_hex                (const guint8       *bytes,
                                                     gsize               length);
char               *thumbing_aws_sha256_hex         (const void         *data,
                                                     gsize               length);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ThumbingAwsRequest, thumbing_aws_request_free)

G_END_DECLS
