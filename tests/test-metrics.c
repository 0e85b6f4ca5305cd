/* test-metrics.c: ThumbingMetrics's families, series and exposition text
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "config.h"

#include <string.h>

#include "thumbing-test-util.h"

static void
test_counters_gauges_and_labels (void)
{
  g_autoptr(ThumbingMetrics) metrics = thumbing_metrics_new ();
  g_autofree char *a = thumbing_metrics_labels ("pipeline", "seed", "result", "failed", NULL);
  g_autofree char *hostile = thumbing_metrics_labels ("stage", "a\"b\\c\nd", NULL);
  g_autofree char *text = NULL;

  thumbing_metrics_declare (metrics, "thumbing_items_total", THUMBING_METRIC_COUNTER, "Items");
  thumbing_metrics_declare (metrics, "thumbing_items_in_flight", THUMBING_METRIC_GAUGE, "In flight");
  thumbing_metrics_add (metrics, "thumbing_items_total", a, 1);
  thumbing_metrics_add (metrics, "thumbing_items_total", a, 2);
  thumbing_metrics_set (metrics, "thumbing_items_in_flight", hostile, 7);
  thumbing_metrics_set (metrics, "thumbing_items_in_flight", hostile, 5);
  g_assert_cmpfloat (thumbing_metrics_get (metrics, "thumbing_items_total", a), ==, 3);
  g_assert_cmpfloat (thumbing_metrics_get (metrics, "thumbing_items_in_flight", hostile), ==, 5);
  g_assert_cmpfloat (thumbing_metrics_get (metrics, "thumbing_items_total", NULL), ==, 0);

  text = thumbing_metrics_render (metrics);
  g_assert_cmpstr (text, ==,
                   "# HELP thumbing_items_in_flight In flight\n"
                   "# TYPE thumbing_items_in_flight gauge\n"
                   "thumbing_items_in_flight{stage=\"a\\\"b\\\\c\\nd\"} 5\n"
                   "# HELP thumbing_items_total Items\n"
                   "# TYPE thumbing_items_total counter\n"
                   "thumbing_items_total{pipeline=\"seed\",result=\"failed\"} 3\n");
}

static void
test_histogram_buckets_are_cumulative (void)
{
  g_autoptr(ThumbingMetrics) metrics = thumbing_metrics_new ();
  g_autofree char *text = NULL;

  thumbing_metrics_declare (metrics, "thumbing_stage_duration_seconds", THUMBING_METRIC_HISTOGRAM, "Stage");
  thumbing_metrics_observe (metrics, "thumbing_stage_duration_seconds", NULL, 0.003);
  thumbing_metrics_observe (metrics, "thumbing_stage_duration_seconds", NULL, 0.2);
  thumbing_metrics_observe (metrics, "thumbing_stage_duration_seconds", NULL, 120);
  g_assert_cmpfloat (thumbing_metrics_get (metrics, "thumbing_stage_duration_seconds", NULL), ==, 3);

  text = thumbing_metrics_render (metrics);
  g_assert_nonnull (strstr (text, "thumbing_stage_duration_seconds_bucket{le=\"0.005\"} 1\n"));
  g_assert_nonnull (strstr (text, "thumbing_stage_duration_seconds_bucket{le=\"0.1\"} 1\n"));
  g_assert_nonnull (strstr (text, "thumbing_stage_duration_seconds_bucket{le=\"0.25\"} 2\n"));
  g_assert_nonnull (strstr (text, "thumbing_stage_duration_seconds_bucket{le=\"60\"} 2\n"));
  g_assert_nonnull (strstr (text, "thumbing_stage_duration_seconds_bucket{le=\"+Inf\"} 3\n"));
  g_assert_nonnull (strstr (text, "thumbing_stage_duration_seconds_sum 120.203\n"));
  g_assert_nonnull (strstr (text, "thumbing_stage_duration_seconds_count 3\n"));
}

static void
on_collect (ThumbingMetrics *metrics,
            guint           *calls)
{
  (*calls)++;
  thumbing_metrics_set (metrics, "process_resident_memory_bytes", NULL, 1234);
}

static void
test_collect_and_readiness (void)
{
  g_autoptr(ThumbingMetrics) metrics = thumbing_metrics_new ();
  g_autofree char *text = NULL;
  guint calls = 0;

  thumbing_metrics_declare (metrics, "process_resident_memory_bytes", THUMBING_METRIC_GAUGE, "RSS");
  g_signal_connect (metrics, "collect", G_CALLBACK (on_collect), &calls);
  text = thumbing_metrics_render (metrics);
  g_assert_cmpuint (calls, ==, 1);
  g_assert_nonnull (strstr (text, "process_resident_memory_bytes 1234\n"));
  g_assert_false (thumbing_metrics_get_ready (metrics));
  thumbing_metrics_set_ready (metrics, TRUE);
  g_assert_true (thumbing_metrics_get_ready (metrics));
}

/* Stages on workers record while the main context renders. */
static gpointer
count_a_lot (gpointer data)
{
  for (guint i = 0; i < 10000; i++)
    thumbing_metrics_add (data, "thumbing_items_total", NULL, 1);
  return NULL;
}

static void
test_threads_count_together (void)
{
  g_autoptr(ThumbingMetrics) metrics = thumbing_metrics_new ();
  GThread *threads[4];

  thumbing_metrics_declare (metrics, "thumbing_items_total", THUMBING_METRIC_COUNTER, "Items");
  for (guint i = 0; i < G_N_ELEMENTS (threads); i++)
    threads[i] = g_thread_new ("counter", count_a_lot, metrics);
  for (guint i = 0; i < 10; i++)
    g_free (thumbing_metrics_render (metrics));
  for (guint i = 0; i < G_N_ELEMENTS (threads); i++)
    g_thread_join (threads[i]);
  g_assert_cmpfloat (thumbing_metrics_get (metrics, "thumbing_items_total", NULL), ==, 40000);
}

int
main (int    argc,
      char **argv)
{
  thumbing_test_init (&argc, &argv);
  g_test_add_func ("/metrics/counters-gauges-and-labels", test_counters_gauges_and_labels);
  g_test_add_func ("/metrics/histogram-buckets-are-cumulative", test_histogram_buckets_are_cumulative);
  g_test_add_func ("/metrics/collect-and-readiness", test_collect_and_readiness);
  g_test_add_func ("/metrics/threads-count-together", test_threads_count_together);
  return g_test_run ();
}
