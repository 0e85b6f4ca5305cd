/* thumbing-metrics-server.h
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <thumbing/thumbing.h>

G_BEGIN_DECLS

#define THUMBING_TYPE_METRICS_SERVER (thumbing_metrics_server_get_type ())
G_DECLARE_FINAL_TYPE (ThumbingMetricsServer, thumbing_metrics_server, THUMBING, METRICS_SERVER, ThumbingService)

G_END_DECLS
