/* thumbing-metrics.h: counters, gauges and histograms in Prometheus's text format
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#if !defined(THUMBING_INSIDE) && !defined(THUMBING_COMPILATION)
#error "Only <thumbing/thumbing.h> can be included directly."
#endif

#include <glib-object.h>

G_BEGIN_DECLS

/**
 * ThumbingMetricKind:
 * @THUMBING_METRIC_COUNTER: a total that only goes up
 * @THUMBING_METRIC_GAUGE: a value that goes up and down
 * @THUMBING_METRIC_HISTOGRAM: observations counted in fixed buckets of seconds
 *
 * What a metric family is, as Prometheus's `# TYPE` line says it.
 */
typedef enum {
  THUMBING_METRIC_COUNTER,
  THUMBING_METRIC_GAUGE,
  THUMBING_METRIC_HISTOGRAM,
} ThumbingMetricKind;

#define THUMBING_TYPE_METRICS (thumbing_metrics_get_type ())

G_DECLARE_FINAL_TYPE (ThumbingMetrics, thumbing_metrics, THUMBING, METRICS, GObject)

ThumbingMetrics *thumbing_metrics_new       (void);
void             thumbing_metrics_declare   (ThumbingMetrics    *self,
                                             const char         *name,
                                             ThumbingMetricKind  kind,
                                             const char         *help);
char            *thumbing_metrics_labels    (const char         *first_name,
                                             ...) G_GNUC_NULL_TERMINATED;
void             thumbing_metrics_add       (ThumbingMetrics    *self,
                                             const char         *name,
                                             const char         *labels,
                                             double              amount);
void             thumbing_metrics_set       (ThumbingMetrics    *self,
                                             const char         *name,
                                             const char         *labels,
                                             double              value);
void             thumbing_metrics_observe   (ThumbingMetrics    *self,
                                             const char         *name,
                                             const char         *labels,
                                             double              seconds);
double           thumbing_metrics_get       (ThumbingMetrics    *self,
                                             const char         *name,
                                             const char         *labels);
void             thumbing_metrics_set_ready (ThumbingMetrics    *self,
                                             gboolean            ready);
gboolean         thumbing_metrics_get_ready (ThumbingMetrics    *self);
char            *thumbing_metrics_render    (ThumbingMetrics    *self);

G_END_DECLS
