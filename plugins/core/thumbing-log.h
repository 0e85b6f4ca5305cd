/* thumbing-log.h
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <thumbing/thumbing.h>

G_BEGIN_DECLS

#define THUMBING_TYPE_LOG (thumbing_log_get_type ())
G_DECLARE_FINAL_TYPE (ThumbingLog, thumbing_log, THUMBING, LOG, ThumbingSink)

G_END_DECLS
