/* thumbing-sns-message.h: SNS HTTP(S) deliveries and their signatures
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct
{
  char *type;                /* Notification, SubscriptionConfirmation, UnsubscribeConfirmation */
  char *message_id;
  char *topic_arn;
  char *subject;             /* Notification only, and optional */
  char *message;
  char *timestamp;
  char *token;               /* the confirmations only */
  char *subscribe_url;       /* the confirmations only */
  char *signature_version;
  char *signature;
  char *signing_cert_url;
} ThumbingSnsMessage;

void                thumbing_sns_message_free            (ThumbingSnsMessage *message);
ThumbingSnsMessage *thumbing_sns_message_parse           (const char         *body,
                                                          gsize               length,
                                                          GError            **error);
char               *thumbing_sns_message_string_to_sign  (const ThumbingSnsMessage *message);
gboolean            thumbing_sns_url_is_aws              (const char         *url);
gboolean            thumbing_sns_message_verify          (const ThumbingSnsMessage *message,
                                                          GBytes             *certificate_pem,
                                                          GError            **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ThumbingSnsMessage, thumbing_sns_message_free)

G_END_DECLS
