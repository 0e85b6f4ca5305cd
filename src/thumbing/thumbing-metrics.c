/* thumbing-metrics.c
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "config.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "thumbing-handoff-private.h"
#include "thumbing-metrics.h"

/**
 * ThumbingMetrics:
 *
 * What a pipeline has done, for an operator: metric families declared once
 * with their kind and help, each holding one series per label set, and
 * rendered in Prometheus's text exposition format (version 0.0.4). Stages on
 * worker threads may record as well as the main context, so every call
 * takes the object's lock. Label values come from a small fixed set chosen
 * by the caller (pipeline, stage, result, reason), never from item names,
 * so the number of series stays bounded.
 *
 * Before rendering, #ThumbingMetrics::collect is emitted so owners can set
 * the gauges that are read rather than counted (items in flight, memory).
 */

/* Upper bounds in seconds, from a fast thumbnail to a slow decode. */
static const double bucket_bounds[] = { 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60 };
#define N_BUCKETS G_N_ELEMENTS (bucket_bounds)

typedef struct
{
  double  value;                   /* counter or gauge */
  guint64 buckets[N_BUCKETS];      /* histogram, not cumulative */
  guint64 count;
  double  sum;
} Series;

typedef struct
{
  ThumbingMetricKind kind;
  char              *help;
  GHashTable        *series;       /* labels → Series */
} Family;

struct _ThumbingMetrics
{
  GObject     parent_instance;
  GMutex      lock;
  GHashTable *families;            /* name → Family */
  gboolean    ready;
};

G_DEFINE_FINAL_TYPE (ThumbingMetrics, thumbing_metrics, G_TYPE_OBJECT)

enum {
  SIGNAL_COLLECT,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* GMutex is a futex inside libglib, which ThreadSanitizer cannot see. */
static void
lock (ThumbingMetrics *self)
{
  g_mutex_lock (&self->lock);
  THUMBING_HANDOFF_ACQUIRE (&self->lock);
}

static void
unlock (ThumbingMetrics *self)
{
  THUMBING_HANDOFF_RELEASE (&self->lock);
  g_mutex_unlock (&self->lock);
}

static void
family_free (gpointer data)
{
  Family *family = data;

  g_free (family->help);
  g_hash_table_unref (family->series);
  g_free (family);
}

static void
thumbing_metrics_finalize (GObject *object)
{
  ThumbingMetrics *self = THUMBING_METRICS (object);

  g_hash_table_unref (self->families);
  g_mutex_clear (&self->lock);
  G_OBJECT_CLASS (thumbing_metrics_parent_class)->finalize (object);
}

static void
thumbing_metrics_class_init (ThumbingMetricsClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = thumbing_metrics_finalize;

  /**
   * ThumbingMetrics::collect:
   * @metrics: the metrics about to be rendered
   *
   * Emitted by thumbing_metrics_render() before it reads the series, on the
   * thread that renders, so gauges can be brought up to date.
   */
  signals[SIGNAL_COLLECT] =
    g_signal_new ("collect", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
thumbing_metrics_init (ThumbingMetrics *self)
{
  g_mutex_init (&self->lock);
  self->families = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, family_free);
}

/**
 * thumbing_metrics_new:
 *
 * Creates an empty set of metrics; a pipeline makes its own.
 *
 * Returns: (transfer full): metrics with no family declared, not ready
 */
ThumbingMetrics *
thumbing_metrics_new (void)
{
  return g_object_new (THUMBING_TYPE_METRICS, NULL);
}

/**
 * thumbing_metrics_declare:
 * @self: a #ThumbingMetrics
 * @name: the family's name, by Prometheus's conventions (`thumbing_items_total`)
 * @kind: what it is
 * @help: one line saying what it counts
 *
 * Declares a family; declaring it again with the same kind does nothing.
 */
void
thumbing_metrics_declare (ThumbingMetrics    *self,
                          const char         *name,
                          ThumbingMetricKind  kind,
                          const char         *help)
{
  Family *family;

  g_return_if_fail (THUMBING_IS_METRICS (self));
  g_return_if_fail (name != NULL && help != NULL);

  lock (self);
  family = g_hash_table_lookup (self->families, name);
  if (family == NULL)
    {
      family = g_new0 (Family, 1);
      family->kind = kind;
      family->help = g_strdup (help);
      family->series = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
      g_hash_table_insert (self->families, g_strdup (name), family);
    }
  unlock (self);
  g_return_if_fail (family->kind == kind);
}

static void
append_label_value (GString    *out,
                    const char *value)
{
  for (const char *c = value; *c != '\0'; c++)
    {
      if (*c == '\\')
        g_string_append (out, "\\\\");
      else if (*c == '"')
        g_string_append (out, "\\\"");
      else if (*c == '\n')
        g_string_append (out, "\\n");
      else
        g_string_append_c (out, *c);
    }
}

/**
 * thumbing_metrics_labels:
 * @first_name: the first label's name
 * @...: its value, then more name and value pairs, ending with %NULL
 *
 * Builds a label set as the series are keyed and rendered:
 * `pipeline="seed",stage="png"`, values escaped.
 *
 * Returns: (transfer full): the label set
 */
char *
thumbing_metrics_labels (const char *first_name,
                         ...)
{
  g_autoptr(GString) out = g_string_new (NULL);
  va_list args;

  va_start (args, first_name);
  for (const char *name = first_name; name != NULL; name = va_arg (args, const char *))
    {
      const char *value = va_arg (args, const char *);

      g_string_append_printf (out, "%s%s=\"", out->len > 0 ? "," : "", name);
      append_label_value (out, value != NULL ? value : "");
      g_string_append_c (out, '"');
    }
  va_end (args);
  return g_string_free (g_steal_pointer (&out), FALSE);
}

/* The series for @labels in @name's family, made when first used; NULL
 * (and a critical) for a family nobody declared. Called with the lock held. */
static Series *
series_of (ThumbingMetrics    *self,
           const char         *name,
           const char         *labels,
           ThumbingMetricKind  kind)
{
  Family *family = g_hash_table_lookup (self->families, name);
  Series *series;

  if (family == NULL || family->kind != kind)
    {
      g_critical ("metric %s is not declared as that kind", name);
      return NULL;
    }
  series = g_hash_table_lookup (family->series, labels != NULL ? labels : "");
  if (series == NULL)
    {
      series = g_new0 (Series, 1);
      g_hash_table_insert (family->series, g_strdup (labels != NULL ? labels : ""), series);
    }
  return series;
}

/**
 * thumbing_metrics_add:
 * @self: a #ThumbingMetrics
 * @name: a declared counter
 * @labels: (nullable): a label set from thumbing_metrics_labels()
 * @amount: how much to add (not negative)
 *
 * Adds to a counter.
 */
void
thumbing_metrics_add (ThumbingMetrics *self,
                      const char      *name,
                      const char      *labels,
                      double           amount)
{
  Series *series;

  g_return_if_fail (THUMBING_IS_METRICS (self));
  g_return_if_fail (amount >= 0);

  lock (self);
  series = series_of (self, name, labels, THUMBING_METRIC_COUNTER);
  if (series != NULL)
    series->value += amount;
  unlock (self);
}

/**
 * thumbing_metrics_set:
 * @self: a #ThumbingMetrics
 * @name: a declared gauge
 * @labels: (nullable): a label set from thumbing_metrics_labels()
 * @value: its value now
 *
 * Sets a gauge.
 */
void
thumbing_metrics_set (ThumbingMetrics *self,
                      const char      *name,
                      const char      *labels,
                      double           value)
{
  Series *series;

  g_return_if_fail (THUMBING_IS_METRICS (self));

  lock (self);
  series = series_of (self, name, labels, THUMBING_METRIC_GAUGE);
  if (series != NULL)
    series->value = value;
  unlock (self);
}

/**
 * thumbing_metrics_observe:
 * @self: a #ThumbingMetrics
 * @name: a declared histogram
 * @labels: (nullable): a label set from thumbing_metrics_labels()
 * @seconds: the duration observed
 *
 * Counts one observation in a histogram.
 */
void
thumbing_metrics_observe (ThumbingMetrics *self,
                          const char      *name,
                          const char      *labels,
                          double           seconds)
{
  Series *series;

  g_return_if_fail (THUMBING_IS_METRICS (self));

  lock (self);
  series = series_of (self, name, labels, THUMBING_METRIC_HISTOGRAM);
  if (series != NULL)
    {
      for (guint i = 0; i < N_BUCKETS; i++)
        if (seconds <= bucket_bounds[i])
          {
            series->buckets[i]++;
            break;
          }
      series->count++;
      series->sum += seconds;
    }
  unlock (self);
}

/**
 * thumbing_metrics_get:
 * @self: a #ThumbingMetrics
 * @name: a declared family
 * @labels: (nullable): a label set from thumbing_metrics_labels()
 *
 * Reads one series, as a test or an element's own logic may.
 *
 * Returns: a counter's or gauge's value, or a histogram's number of
 *   observations; 0 for a series never recorded
 */
double
thumbing_metrics_get (ThumbingMetrics *self,
                      const char      *name,
                      const char      *labels)
{
  Family *family;
  Series *series = NULL;
  double value = 0;

  g_return_val_if_fail (THUMBING_IS_METRICS (self), 0);

  lock (self);
  family = g_hash_table_lookup (self->families, name);
  if (family != NULL)
    series = g_hash_table_lookup (family->series, labels != NULL ? labels : "");
  if (series != NULL)
    value = family->kind == THUMBING_METRIC_HISTOGRAM ? (double) series->count : series->value;
  unlock (self);
  return value;
}

/**
 * thumbing_metrics_set_ready:
 * @self: a #ThumbingMetrics
 * @ready: whether the pipeline takes work: started, its source connected,
 *   not stopping
 *
 * Sets what a readiness probe answers.
 */
void
thumbing_metrics_set_ready (ThumbingMetrics *self,
                           gboolean         ready)
{
  g_return_if_fail (THUMBING_IS_METRICS (self));
  g_atomic_int_set (&self->ready, ready != FALSE);
}

/**
 * thumbing_metrics_get_ready:
 * @self: a #ThumbingMetrics
 *
 * Gets what a readiness probe answers.
 *
 * Returns: what thumbing_metrics_set_ready() last set
 */
gboolean
thumbing_metrics_get_ready (ThumbingMetrics *self)
{
  g_return_val_if_fail (THUMBING_IS_METRICS (self), FALSE);
  return g_atomic_int_get (&self->ready);
}

static void
append_number (GString *out,
               double   value)
{
  char buffer[G_ASCII_DTOSTR_BUF_SIZE];

  g_string_append (out, g_ascii_formatd (buffer, sizeof buffer, "%.15g", value));
}

static void
append_sample (GString    *out,
               const char *name,
               const char *suffix,
               const char *labels,
               const char *extra,
               double      value)
{
  gboolean any = *labels != '\0' || extra != NULL;

  g_string_append_printf (out, "%s%s%s%s%s%s%s ", name, suffix, any ? "{" : "", labels,
                          *labels != '\0' && extra != NULL ? "," : "", extra != NULL ? extra : "", any ? "}" : "");
  append_number (out, value);
  g_string_append_c (out, '\n');
}

static int
compare_strings (gconstpointer a,
                 gconstpointer b)
{
  return strcmp (*(const char * const *) a, *(const char * const *) b);
}

static void
render_family (GString    *out,
               const char *name,
               Family     *family)
{
  static const char * const kinds[] = { "counter", "gauge", "histogram" };
  g_autofree const char **labels = (const char **) g_hash_table_get_keys_as_array (family->series, NULL);
  guint n = g_hash_table_size (family->series);

  g_string_append_printf (out, "# HELP %s %s\n# TYPE %s %s\n", name, family->help, name, kinds[family->kind]);
  qsort (labels, n, sizeof *labels, compare_strings);
  for (guint i = 0; i < n; i++)
    {
      Series *series = g_hash_table_lookup (family->series, labels[i]);
      guint64 cumulative = 0;

      if (family->kind != THUMBING_METRIC_HISTOGRAM)
        {
          append_sample (out, name, "", labels[i], NULL, series->value);
          continue;
        }
      for (guint b = 0; b < N_BUCKETS; b++)
        {
          char bound[G_ASCII_DTOSTR_BUF_SIZE];
          g_autofree char *le = NULL;

          cumulative += series->buckets[b];
          le = g_strdup_printf ("le=\"%s\"", g_ascii_formatd (bound, sizeof bound, "%g", bucket_bounds[b]));
          append_sample (out, name, "_bucket", labels[i], le, (double) cumulative);
        }
      append_sample (out, name, "_bucket", labels[i], "le=\"+Inf\"", (double) series->count);
      append_sample (out, name, "_sum", labels[i], NULL, series->sum);
      append_sample (out, name, "_count", labels[i], NULL, (double) series->count);
    }
}

/**
 * thumbing_metrics_render:
 * @self: a #ThumbingMetrics
 *
 * Emits #ThumbingMetrics::collect, then writes every family, by name, in
 * Prometheus's text exposition format.
 *
 * Returns: (transfer full): the exposition
 */
char *
thumbing_metrics_render (ThumbingMetrics *self)
{
  g_autoptr(GString) out = g_string_new (NULL);
  g_autofree const char **names = NULL;
  guint n;

  g_return_val_if_fail (THUMBING_IS_METRICS (self), NULL);

  g_signal_emit (self, signals[SIGNAL_COLLECT], 0);
  lock (self);
  names = (const char **) g_hash_table_get_keys_as_array (self->families, &n);
  qsort (names, n, sizeof *names, compare_strings);
  for (guint i = 0; i < n; i++)
    render_family (out, names[i], g_hash_table_lookup (self->families, names[i]));
  unlock (self);
  return g_string_free (g_steal_pointer (&out), FALSE);
}
