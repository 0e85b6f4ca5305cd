/* thumbing-aws-config.h: credentials, region and endpoints, resolved as the AWS SDKs do
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <glib.h>

#include "thumbing-aws-sigv4.h"

G_BEGIN_DECLS

typedef struct
{
  gatomicrefcount  ref_count;
  char            *access_key_id;
  char            *secret_access_key;
  char            *session_token;   /* NULL for long-term keys */
  GDateTime       *expiration;      /* NULL when they do not expire */
  char            *source;          /* where they came from, for messages: never the secret */
} ThumbingAwsCredentials;

ThumbingAwsCredentials *thumbing_aws_credentials_new       (const char             *access_key_id,
                                                            const char             *secret_access_key,
                                                            const char             *session_token,
                                                            GDateTime              *expiration,
                                                            const char             *source);
ThumbingAwsCredentials *thumbing_aws_credentials_ref       (ThumbingAwsCredentials *credentials);
void                    thumbing_aws_credentials_unref     (ThumbingAwsCredentials *credentials);
ThumbingAwsKeys         thumbing_aws_credentials_keys      (ThumbingAwsCredentials *credentials);
gboolean                thumbing_aws_credentials_expire_within (ThumbingAwsCredentials *credentials,
                                                            GDateTime              *now,
                                                            GTimeSpan               margin);

/* An AWS shared config or credentials file: sections of keys, where an
 * indented block under an empty key becomes “key.subkey”. */
typedef struct _ThumbingAwsIni ThumbingAwsIni;

ThumbingAwsIni *thumbing_aws_ini_load    (const char     *path,
                                          GError        **error);
ThumbingAwsIni *thumbing_aws_ini_parse   (const char     *text,
                                          const char     *path,
                                          GError        **error);
void            thumbing_aws_ini_free    (ThumbingAwsIni *ini);
const char     *thumbing_aws_ini_get     (ThumbingAwsIni *ini,
                                          const char     *section,
                                          const char     *key);

/* Settings from the environment and the shared files, read once. */
typedef struct _ThumbingAwsConfig ThumbingAwsConfig;

ThumbingAwsConfig      *thumbing_aws_config_load           (GError               **error);
void                    thumbing_aws_config_free           (ThumbingAwsConfig     *config);
const char             *thumbing_aws_config_get_profile    (ThumbingAwsConfig     *config);
char                   *thumbing_aws_config_get_region     (ThumbingAwsConfig     *config);
ThumbingAwsCredentials *thumbing_aws_config_static_credentials (ThumbingAwsConfig *config,
                                                            GError               **error);
char                   *thumbing_aws_config_get_endpoint   (ThumbingAwsConfig     *config,
                                                            const char            *service,
                                                            const char            *configured,
                                                            const char            *region,
                                                            GError               **error);
gboolean                thumbing_aws_endpoint_wants_path_style (const char        *endpoint);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ThumbingAwsCredentials, thumbing_aws_credentials_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (ThumbingAwsIni, thumbing_aws_ini_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (ThumbingAwsConfig, thumbing_aws_config_free)

G_END_DECLS
