/* thumbing-pipeline-metrics.c: what a running pipeline counts for its operator
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "config.h"

#include <string.h>
#include <unistd.h>

#include <glib/gi18n-lib.h>

#include "thumbing-element-factory.h"
#include "thumbing-enum-types.h"
#include "thumbing-error.h"
#include "thumbing-pipeline-private.h"
#include "thumbing-version.h"

/* The names dashboards rely on; see doc/operations.md. */
#define ITEMS_STARTED  "thumbing_items_started_total"
#define ITEMS          "thumbing_items_total"
#define FAILURES       "thumbing_item_failures_total"
#define ITEM_DURATION  "thumbing_item_duration_seconds"
#define STAGE_DURATION "thumbing_stage_duration_seconds"
#define STAGE_FAILURES "thumbing_stage_failures_total"
#define IN_FLIGHT      "thumbing_items_in_flight"
#define WORKERS        "thumbing_workers"
#define JOBS           "thumbing_worker_jobs"
#define OUTPUT_BYTES   "thumbing_output_bytes_total"
#define INPUT_BYTES    "thumbing_input_bytes_total"
#define RSS            "process_resident_memory_bytes"
#define BUILD_INFO     "thumbing_build_info"

static const char *
pipeline_label (ThumbingPipeline *self)
{
  return self->name != NULL ? self->name : "";
}

static long
resident_bytes (void)
{
  g_autofree char *statm = NULL;
  const char *resident;

  /* “size resident shared …”, in pages. */
  if (!g_file_get_contents ("/proc/self/statm", &statm, NULL, NULL) || (resident = strchr (statm, ' ')) == NULL)
    return 0;
  return (long) g_ascii_strtoll (resident + 1, NULL, 10) * sysconf (_SC_PAGESIZE);
}

static void
on_collect (ThumbingMetrics  *metrics,
            ThumbingPipeline *self)
{
  g_autofree char *pipeline = thumbing_metrics_labels ("pipeline", pipeline_label (self), NULL);
  g_autofree char *version = thumbing_metrics_labels ("version", THUMBING_VERSION_STRING, NULL);

  thumbing_metrics_set (metrics, IN_FLIGHT, pipeline, self->in_flight);
  thumbing_metrics_set (metrics, WORKERS, pipeline,
                        self->pool != NULL ? g_thread_pool_get_max_threads (self->pool) : 0);
  {
    g_autofree char *running = thumbing_metrics_labels ("pipeline", pipeline_label (self), "state", "running", NULL);
    g_autofree char *queued = thumbing_metrics_labels ("pipeline", pipeline_label (self), "state", "queued", NULL);

    thumbing_metrics_set (metrics, JOBS, running, self->pool != NULL ? g_thread_pool_get_num_threads (self->pool) : 0);
    thumbing_metrics_set (metrics, JOBS, queued, self->pool != NULL ? g_thread_pool_unprocessed (self->pool) : 0);
  }
  thumbing_metrics_set (metrics, RSS, NULL, resident_bytes ());
  thumbing_metrics_set (metrics, BUILD_INFO, version, 1);
}

void
_thumbing_pipeline_metrics_init (ThumbingPipeline *self)
{
  ThumbingMetrics *m = self->metrics = thumbing_metrics_new ();

  thumbing_metrics_declare (m, ITEMS_STARTED, THUMBING_METRIC_COUNTER, "Items the source handed to the pipeline");
  thumbing_metrics_declare (m, ITEMS, THUMBING_METRIC_COUNTER, "Items settled, by result (succeeded or failed)");
  thumbing_metrics_declare (m, FAILURES, THUMBING_METRIC_COUNTER,
                            "Failed items, by reason (the error's kind, a fixed set)");
  thumbing_metrics_declare (m, ITEM_DURATION, THUMBING_METRIC_HISTOGRAM,
                            "Seconds from an item's creation to its settling");
  thumbing_metrics_declare (m, STAGE_DURATION, THUMBING_METRIC_HISTOGRAM, "Seconds an item spent in a stage");
  thumbing_metrics_declare (m, STAGE_FAILURES, THUMBING_METRIC_COUNTER, "Items a stage failed");
  thumbing_metrics_declare (m, IN_FLIGHT, THUMBING_METRIC_GAUGE, "Items being processed now");
  thumbing_metrics_declare (m, WORKERS, THUMBING_METRIC_GAUGE, "Threads of the pipeline's worker pool");
  thumbing_metrics_declare (m, JOBS, THUMBING_METRIC_GAUGE,
                            "Stage jobs on the worker pool, by state (running, queued): busy workers and backlog");
  thumbing_metrics_declare (m, OUTPUT_BYTES, THUMBING_METRIC_COUNTER, "Bytes of the outputs of settled items");
  thumbing_metrics_declare (m, INPUT_BYTES, THUMBING_METRIC_COUNTER, "Bytes of the inputs of settled items, as read");
  thumbing_metrics_declare (m, RSS, THUMBING_METRIC_GAUGE, "Resident memory of the process in bytes");
  thumbing_metrics_declare (m, BUILD_INFO, THUMBING_METRIC_GAUGE, "Always 1; the version is a label");
  g_signal_connect_object (m, "collect", G_CALLBACK (on_collect), self, 0);
}

/* metrics-address=HOST:PORT: the metrics-server service it asks for,
 * added once, before the pipeline starts. */
gboolean
_thumbing_pipeline_add_metrics_server (ThumbingPipeline *self,
                                       GError          **error)
{
  g_autoptr(ThumbingElement) server = NULL;
  g_autofree char *host = NULL;
  const char *colon;
  ThumbingElementFactory *factory;
  guint64 port = 0;

  if (self->metrics_address == NULL || g_hash_table_contains (self->elements, "metrics"))
    return TRUE;
  colon = strrchr (self->metrics_address, ':');
  if (colon == NULL || colon == self->metrics_address
      || !g_ascii_string_to_unsigned (colon + 1, 10, 0, 65535, &port, NULL))
    {
      g_set_error (error, THUMBING_ERROR, THUMBING_ERROR_INVALID_VALUE,
                   _("metrics-address: “%s” is not HOST:PORT (as 127.0.0.1:9464)"), self->metrics_address);
      return FALSE;
    }
  host = g_strndup (self->metrics_address, colon - self->metrics_address);
  /* [::1]:9464 */
  if (host[0] == '[' && host[strlen (host) - 1] == ']')
    {
      host[strlen (host) - 1] = '\0';
      memmove (host, host + 1, strlen (host));
    }
  factory = thumbing_registry_lookup (thumbing_registry_get_default (), "metrics-server");
  if (factory == NULL)
    {
      g_set_error (error, THUMBING_ERROR, THUMBING_ERROR_UNKNOWN_ELEMENT,
                   _("metrics-address needs the metrics-server element of the http plugin, which was not found"));
      return FALSE;
    }
  server = thumbing_element_factory_create (factory, "metrics");
  g_object_set (server, "address", host, "port", (guint) port, NULL);
  return thumbing_pipeline_add_service (self, THUMBING_SERVICE (server), error);
}

void
_thumbing_pipeline_metrics_item_started (ThumbingPipeline *self)
{
  g_autofree char *labels = thumbing_metrics_labels ("pipeline", pipeline_label (self), NULL);

  thumbing_metrics_add (self->metrics, ITEMS_STARTED, labels, 1);
}

void
_thumbing_pipeline_metrics_stage_done (ThumbingPipeline *self,
                                       ThumbingElement  *stage,
                                       gint64            started_us,
                                       gboolean          failed)
{
  g_autofree char *labels = thumbing_metrics_labels ("pipeline", pipeline_label (self),
                                                     "stage", thumbing_element_get_name (stage), NULL);

  thumbing_metrics_observe (self->metrics, STAGE_DURATION, labels,
                            (double) (g_get_monotonic_time () - started_us) / G_USEC_PER_SEC);
  if (failed)
    thumbing_metrics_add (self->metrics, STAGE_FAILURES, labels, 1);
}

/* A bounded label for a failure: thumbing's own error codes by their nick
 * (bad-input, too-large, io…), cancellation, or the domain's kind. */
static const char *
failure_reason (const GError *error)
{
  if (error->domain == THUMBING_ERROR)
    {
      GEnumClass *codes = g_type_class_ref (THUMBING_TYPE_ERROR);
      GEnumValue *value = g_enum_get_value (codes, error->code);

      g_type_class_unref (codes);
      return value != NULL ? value->value_nick : "failed";
    }
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return "cancelled";
  if (error->domain == G_IO_ERROR || error->domain == G_FILE_ERROR)
    return "io";
  if (g_str_has_prefix (g_quark_to_string (error->domain), "thumbing-aws"))
    return "aws";
  return "other";
}

void
_thumbing_pipeline_metrics_item_done (ThumbingPipeline *self,
                                      ThumbingItem     *item,
                                      const GError     *error)
{
  g_autofree char *pipeline = thumbing_metrics_labels ("pipeline", pipeline_label (self), NULL);
  g_autofree char *result = thumbing_metrics_labels ("pipeline", pipeline_label (self),
                                                     "result", error == NULL ? "succeeded" : "failed", NULL);

  thumbing_metrics_add (self->metrics, ITEMS, result, 1);
  if (thumbing_item_get_metadata (item, THUMBING_METADATA_INPUT_BYTES) != NULL)
    thumbing_metrics_add (self->metrics, INPUT_BYTES, pipeline,
                          g_ascii_strtod (thumbing_item_get_metadata (item, THUMBING_METADATA_INPUT_BYTES), NULL));
  if (error == NULL && thumbing_item_get_metadata (item, THUMBING_METADATA_BYTES) != NULL)
    thumbing_metrics_add (self->metrics, OUTPUT_BYTES, pipeline,
                          g_ascii_strtod (thumbing_item_get_metadata (item, THUMBING_METADATA_BYTES), NULL));
  thumbing_metrics_observe (self->metrics, ITEM_DURATION, pipeline, thumbing_item_get_elapsed_ms (item) / 1000);
  if (error != NULL)
    {
      g_autofree char *reason = thumbing_metrics_labels ("pipeline", pipeline_label (self),
                                                         "reason", failure_reason (error), NULL);

      thumbing_metrics_add (self->metrics, FAILURES, reason, 1);
    }
}
