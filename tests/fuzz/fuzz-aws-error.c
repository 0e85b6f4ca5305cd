/* fuzz-aws-error.c: the XML documents AWS answers with, read for their fields
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "config.h"

#include "fuzz-common.h"
#include "thumbing-aws-client.h"

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(GBytes) xml = g_bytes_new (data, size);
  static const char * const fields[] = { "Code", "Message", "RequestId", "UploadId", "NextToken", "TopicArn" };

  for (guint i = 0; i < G_N_ELEMENTS (fields); i++)
    g_free (thumbing_aws_xml_text (xml, fields[i]));
  return 0;
}
