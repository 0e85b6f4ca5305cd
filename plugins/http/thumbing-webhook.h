/* thumbing-webhook.h
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <thumbing/thumbing.h>

G_BEGIN_DECLS

#define THUMBING_TYPE_WEBHOOK (thumbing_webhook_get_type ())
G_DECLARE_FINAL_TYPE (ThumbingWebhook, thumbing_webhook, THUMBING, WEBHOOK, ThumbingSink)

G_END_DECLS
