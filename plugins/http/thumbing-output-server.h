/* thumbing-output-server.h
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <thumbing/thumbing.h>

G_BEGIN_DECLS

#define THUMBING_TYPE_OUTPUT_SERVER (thumbing_output_server_get_type ())
G_DECLARE_FINAL_TYPE (ThumbingOutputServer, thumbing_output_server, THUMBING, OUTPUT_SERVER, ThumbingService)

G_END_DECLS
