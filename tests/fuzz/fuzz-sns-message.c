/* fuzz-sns-message.c: SNS HTTP(S) deliveries, parsed and prepared for verification
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "config.h"

#include "fuzz-common.h"
#include "thumbing-sns-message.h"

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(ThumbingSnsMessage) message = thumbing_sns_message_parse ((const char *) data, size, NULL);
  g_autofree char *to_sign = NULL;
  g_autoptr(GBytes) not_a_certificate = g_bytes_new_static ("-----BEGIN CERTIFICATE-----\nAAAA\n", 33);

  if (message == NULL)
    return 0;
  to_sign = thumbing_sns_message_string_to_sign (message);
  thumbing_sns_url_is_aws (message->signing_cert_url);
  thumbing_sns_url_is_aws (message->subscribe_url);
  g_assert (!thumbing_sns_message_verify (message, not_a_certificate, NULL));
  return 0;
}
