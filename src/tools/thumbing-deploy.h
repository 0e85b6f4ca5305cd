/* thumbing-deploy.h: creates or updates the CloudFormation stack of a pipeline file
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct
{
  const char         *file;              /* the pipeline file */
  const char         *stack_name;
  const char * const *parameters;        /* KEY=VALUE, or NULL */
  const char         *code;              /* a Lambda zip to upload, or NULL */
  const char         *artifacts_bucket;  /* where the zip goes */
  gboolean            dry_run;           /* print the change set only */
  gboolean            terminal;          /* redraw a status line */
} ThumbingDeployOptions;

gboolean thumbing_deploy (const ThumbingDeployOptions *options,
                          GError                     **error);

G_END_DECLS
