/* thumbing-synth.h: a CloudFormation template, or an IAM policy, derived from a pipeline file
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

typedef enum {
  THUMBING_SYNTH_TEMPLATE,
  THUMBING_SYNTH_POLICY,
} ThumbingSynthOutput;

JsonNode *thumbing_synth          (const char          *file,
                                   ThumbingSynthOutput  output,
                                   GError             **error);
char     *thumbing_synth_to_yaml  (JsonNode            *node);

G_END_DECLS
