/* test-pipeline.c: scheduling, delivery, fan-out and stopping
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "config.h"

#include <string.h>

#include "thumbing-test-util.h"

/* What the test elements saw, shared across them. */
static struct
{
  GMutex      lock;
  GHashTable *acks;        /* item name → count */
  GHashTable *nacks;       /* item name → count */
  GHashTable *collected;   /* "stage:item" → count */
  gint        running;
  gint        peak;
  guint       pushed;
  guint       max_in_flight_seen;
  gboolean    branches_done_at_settle;
  ThumbingPipeline *pipeline;
} seen;

static void
seen_reset (void)
{
  g_clear_pointer (&seen.acks, g_hash_table_unref);
  g_clear_pointer (&seen.nacks, g_hash_table_unref);
  g_clear_pointer (&seen.collected, g_hash_table_unref);
  seen.acks = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  seen.nacks = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  seen.collected = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  seen.running = seen.peak = 0;
  seen.pushed = seen.max_in_flight_seen = 0;
  seen.branches_done_at_settle = TRUE;
  seen.pipeline = NULL;
}

static guint
count_of (GHashTable *table,
          const char *key)
{
  return GPOINTER_TO_UINT (g_hash_table_lookup (table, key));
}

static void
bump (GHashTable *table,
      const char *key)
{
  g_mutex_lock (&seen.lock);
  g_hash_table_insert (table, g_strdup (key), GUINT_TO_POINTER (count_of (table, key) + 1));
  g_mutex_unlock (&seen.lock);
}

/* test-source: pushes item-0 … item-(count-1), or without end */

#define TEST_TYPE_SOURCE (test_source_get_type ())
G_DECLARE_FINAL_TYPE (TestSource, test_source, TEST, SOURCE, ThumbingSource)

struct _TestSource
{
  ThumbingSource parent_instance;
  guint          count;
  gboolean       endless;
  guint          fail_after;
  guint          next;
  guint          credit;
  guint          idle;
  guint          settle_ms;
  guint          released;
  GPtrArray     *check_stages;
};

G_DEFINE_FINAL_TYPE (TestSource, test_source, THUMBING_TYPE_SOURCE)

enum { SOURCE_PROP_0, SOURCE_PROP_COUNT, SOURCE_PROP_ENDLESS, SOURCE_PROP_FAIL_AFTER, SOURCE_PROP_SETTLE_MS };

static void
test_source_set_property (GObject *object, guint id, const GValue *value, GParamSpec *pspec)
{
  TestSource *self = TEST_SOURCE (object);

  switch (id)
    {
    case SOURCE_PROP_COUNT: self->count = g_value_get_uint (value); break;
    case SOURCE_PROP_ENDLESS: self->endless = g_value_get_boolean (value); break;
    case SOURCE_PROP_FAIL_AFTER: self->fail_after = g_value_get_uint (value); break;
    case SOURCE_PROP_SETTLE_MS: self->settle_ms = g_value_get_uint (value); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, id, pspec);
    }
}

static void
test_source_get_property (GObject *object, guint id, GValue *value, GParamSpec *pspec)
{
  TestSource *self = TEST_SOURCE (object);

  switch (id)
    {
    case SOURCE_PROP_COUNT: g_value_set_uint (value, self->count); break;
    case SOURCE_PROP_ENDLESS: g_value_set_boolean (value, self->endless); break;
    case SOURCE_PROP_FAIL_AFTER: g_value_set_uint (value, self->fail_after); break;
    case SOURCE_PROP_SETTLE_MS: g_value_set_uint (value, self->settle_ms); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, id, pspec);
    }
}

/* Pushes from an idle, as a network source would after a round trip. */
static gboolean
test_source_push_some (gpointer data)
{
  TestSource *self = data;

  self->idle = 0;
  while (self->credit > 0 && (self->endless || self->next < self->count))
    {
      g_autofree char *name = g_strdup_printf ("item-%u", self->next);
      g_autofree char *origin = g_strdup_printf ("test://%s", name);
      g_autoptr(ThumbingItem) item = thumbing_item_new (origin, name);
      g_autoptr(GBytes) bytes = g_bytes_new_static ("data", 4);

      if (self->fail_after > 0 && self->next == self->fail_after)
        {
          g_autoptr(GError) error = g_error_new (THUMBING_ERROR, THUMBING_ERROR_IO, "connection lost");

          thumbing_source_fail (THUMBING_SOURCE (self), error);
          return G_SOURCE_REMOVE;
        }
      thumbing_item_set_bytes (item, bytes, "application/octet-stream");
      self->next++;
      self->credit--;
      seen.pushed++;
      thumbing_source_push (THUMBING_SOURCE (self), item);
      if (seen.pipeline != NULL)
        seen.max_in_flight_seen = MAX (seen.max_in_flight_seen,
                                       thumbing_pipeline_get_n_in_flight (seen.pipeline));
    }
  if (!self->endless && self->next >= self->count)
    thumbing_source_end (THUMBING_SOURCE (self));
  return G_SOURCE_REMOVE;
}

static void
test_source_request (ThumbingSource *source, guint n_items)
{
  TestSource *self = TEST_SOURCE (source);

  self->credit += n_items;
  if (self->idle == 0)
    self->idle = g_idle_add (test_source_push_some, self);
}

/* Finishes an acknowledgement later, as a queue's DeleteMessage would. */
static gboolean
test_source_finish_settling (gpointer data)
{
  TestSource *self = data;

  self->released++;
  thumbing_source_release (THUMBING_SOURCE (self));
  g_object_unref (self);
  return G_SOURCE_REMOVE;
}

static void
test_source_ack (ThumbingSource *source, ThumbingItem *item)
{
  TestSource *self = TEST_SOURCE (source);

  if (self->settle_ms > 0)
    {
      thumbing_source_hold (source);
      g_timeout_add (self->settle_ms, test_source_finish_settling, g_object_ref (self));
    }

  for (guint i = 0; self->check_stages != NULL && i < self->check_stages->len; i++)
    {
      g_autofree char *key = g_strdup_printf ("%s:%s", (char *) self->check_stages->pdata[i],
                                              thumbing_item_get_name (item));
      if (count_of (seen.collected, key) == 0)
        seen.branches_done_at_settle = FALSE;
    }
  bump (seen.acks, thumbing_item_get_name (item));
}

static void
test_source_nack (ThumbingSource *source, ThumbingItem *item, const GError *error)
{
  bump (seen.nacks, thumbing_item_get_name (item));
}

static void
test_source_stop (ThumbingElement *element)
{
  TestSource *self = TEST_SOURCE (element);

  g_clear_handle_id (&self->idle, g_source_remove);
}

static void
test_source_finalize (GObject *object)
{
  TestSource *self = TEST_SOURCE (object);

  g_clear_handle_id (&self->idle, g_source_remove);
  g_clear_pointer (&self->check_stages, g_ptr_array_unref);
  G_OBJECT_CLASS (test_source_parent_class)->finalize (object);
}

static void
test_source_class_init (TestSourceClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags rw = G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS;

  object_class->set_property = test_source_set_property;
  object_class->get_property = test_source_get_property;
  object_class->finalize = test_source_finalize;
  THUMBING_ELEMENT_CLASS (klass)->stop = test_source_stop;
  THUMBING_SOURCE_CLASS (klass)->request = test_source_request;
  THUMBING_SOURCE_CLASS (klass)->ack = test_source_ack;
  THUMBING_SOURCE_CLASS (klass)->nack = test_source_nack;
  thumbing_element_class_set_metadata (THUMBING_ELEMENT_CLASS (klass), "test-source", "Pushes numbered items");
  thumbing_element_class_set_media (THUMBING_ELEMENT_CLASS (klass), NULL, "application/octet-stream");
  g_object_class_install_property (object_class, SOURCE_PROP_COUNT,
                                   g_param_spec_uint ("count", NULL, NULL, 0, G_MAXUINT, 10, rw));
  g_object_class_install_property (object_class, SOURCE_PROP_ENDLESS,
                                   g_param_spec_boolean ("endless", NULL, NULL, FALSE, rw));
  g_object_class_install_property (object_class, SOURCE_PROP_FAIL_AFTER,
                                   g_param_spec_uint ("fail-after", NULL, NULL, 0, G_MAXUINT, 0, rw));
  g_object_class_install_property (object_class, SOURCE_PROP_SETTLE_MS,
                                   g_param_spec_uint ("settle-ms", NULL, NULL, 0, 10000, 0, rw));
}

static void
test_source_init (TestSource *self)
{
  self->count = 10;
}

/* test-work: blocking work on the pool; fails items whose name matches */

#define TEST_TYPE_WORK (test_work_get_type ())
G_DECLARE_FINAL_TYPE (TestWork, test_work, TEST, WORK, ThumbingTransform)

struct _TestWork
{
  ThumbingTransform parent_instance;
  char             *fail;
  char             *drop;
  guint             delay_ms;
};

G_DEFINE_FINAL_TYPE (TestWork, test_work, THUMBING_TYPE_TRANSFORM)

enum { WORK_PROP_0, WORK_PROP_FAIL, WORK_PROP_DROP, WORK_PROP_DELAY };

static void
test_work_set_property (GObject *object, guint id, const GValue *value, GParamSpec *pspec)
{
  TestWork *self = TEST_WORK (object);

  switch (id)
    {
    case WORK_PROP_FAIL: g_free (self->fail); self->fail = g_value_dup_string (value); break;
    case WORK_PROP_DROP: g_free (self->drop); self->drop = g_value_dup_string (value); break;
    case WORK_PROP_DELAY: self->delay_ms = g_value_get_uint (value); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, id, pspec);
    }
}

static void
test_work_get_property (GObject *object, guint id, GValue *value, GParamSpec *pspec)
{
  TestWork *self = TEST_WORK (object);

  switch (id)
    {
    case WORK_PROP_FAIL: g_value_set_string (value, self->fail); break;
    case WORK_PROP_DROP: g_value_set_string (value, self->drop); break;
    case WORK_PROP_DELAY: g_value_set_uint (value, self->delay_ms); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, id, pspec);
    }
}

static ThumbingItem *
test_work_process (ThumbingElement *element, ThumbingItem *item, GCancellable *cancellable, GError **error)
{
  TestWork *self = TEST_WORK (element);
  const char *name = thumbing_item_get_name (item);
  gint now = g_atomic_int_add (&seen.running, 1) + 1;
  gint peak;
  g_autofree char *key = g_strdup_printf ("%s:%s", thumbing_element_get_name (element), name);

  while ((peak = g_atomic_int_get (&seen.peak)) < now && !g_atomic_int_compare_and_exchange (&seen.peak, peak, now))
    ;
  g_usleep (self->delay_ms * 1000);
  g_atomic_int_add (&seen.running, -1);
  bump (seen.collected, key);

  if (self->fail != NULL && g_pattern_match_simple (self->fail, name))
    {
      g_set_error (error, THUMBING_ERROR, THUMBING_ERROR_BAD_INPUT, "told to fail");
      return NULL;
    }
  if (self->drop != NULL && g_pattern_match_simple (self->drop, name))
    return NULL;
  return thumbing_item_ref (item);
}

static void
test_work_finalize (GObject *object)
{
  TestWork *self = TEST_WORK (object);

  g_free (self->fail);
  g_free (self->drop);
  G_OBJECT_CLASS (test_work_parent_class)->finalize (object);
}

static void
test_work_class_init (TestWorkClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags rw = G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS;

  object_class->set_property = test_work_set_property;
  object_class->get_property = test_work_get_property;
  object_class->finalize = test_work_finalize;
  THUMBING_ELEMENT_CLASS (klass)->process = test_work_process;
  thumbing_element_class_set_metadata (THUMBING_ELEMENT_CLASS (klass), "test-work", "Sleeps, maybe fails");
  thumbing_element_class_set_media (THUMBING_ELEMENT_CLASS (klass), "application/*", NULL);
  g_object_class_install_property (object_class, WORK_PROP_FAIL, g_param_spec_string ("fail", NULL, NULL, NULL, rw));
  g_object_class_install_property (object_class, WORK_PROP_DROP, g_param_spec_string ("drop", NULL, NULL, NULL, rw));
  g_object_class_install_property (object_class, WORK_PROP_DELAY,
                                   g_param_spec_uint ("delay-ms", NULL, NULL, 0, 10000, 0, rw));
}

static void
test_work_init (TestWork *self)
{
}

/* A service that records when it runs, and can refuse its check. */
#define TEST_TYPE_SERVICE (test_service_get_type ())
G_DECLARE_FINAL_TYPE (TestService, test_service, TEST, SERVICE, ThumbingService)

struct _TestService
{
  ThumbingService parent_instance;
  gboolean        refuse;
  gboolean        running;
  guint           items_seen_at_start;
};

G_DEFINE_FINAL_TYPE (TestService, test_service, THUMBING_TYPE_SERVICE)

static gboolean
test_service_check (ThumbingElement *element, GError **error)
{
  if (TEST_SERVICE (element)->refuse)
    {
      g_set_error (error, THUMBING_ERROR, THUMBING_ERROR_CONFIG, "refused as asked");
      return FALSE;
    }
  return TRUE;
}

static gboolean
test_service_start (ThumbingElement *element, GError **error)
{
  TEST_SERVICE (element)->running = TRUE;
  /* Started before the source: nothing was collected yet. */
  TEST_SERVICE (element)->items_seen_at_start = g_hash_table_size (seen.collected);
  return TRUE;
}

static void
test_service_stop (ThumbingElement *element)
{
  TestService *self = TEST_SERVICE (element);

  self->running = FALSE;
  /* Stopped after every item settled. */
  g_assert_cmpuint (g_hash_table_size (seen.acks) + g_hash_table_size (seen.nacks), ==, 4);
}

static void
test_service_set_property (GObject *object, guint id, const GValue *value, GParamSpec *pspec)
{
  TEST_SERVICE (object)->refuse = g_value_get_boolean (value);
}

static void
test_service_get_property (GObject *object, guint id, GValue *value, GParamSpec *pspec)
{
  g_value_set_boolean (value, TEST_SERVICE (object)->refuse);
}

static void
test_service_class_init (TestServiceClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  ThumbingElementClass *element_class = THUMBING_ELEMENT_CLASS (klass);

  object_class->set_property = test_service_set_property;
  object_class->get_property = test_service_get_property;
  element_class->check = test_service_check;
  element_class->start = test_service_start;
  element_class->stop = test_service_stop;
  thumbing_element_class_set_metadata (element_class, "test-service", "Runs beside the chain");
  g_object_class_install_property (object_class, 1,
                                   g_param_spec_boolean ("refuse", NULL, NULL, FALSE, G_PARAM_READWRITE));
}

static void
test_service_init (TestService *self)
{
}

/* Sinks that read and leave metadata keys, for the check of keys. */
#define TEST_TYPE_TAGGER (test_tagger_get_type ())
G_DECLARE_FINAL_TYPE (TestTagger, test_tagger, TEST, TAGGER, ThumbingSink)
struct _TestTagger { ThumbingSink parent_instance; };
G_DEFINE_FINAL_TYPE (TestTagger, test_tagger, THUMBING_TYPE_SINK)
static void
test_tagger_class_init (TestTaggerClass *klass)
{
  thumbing_element_class_set_metadata (THUMBING_ELEMENT_CLASS (klass), "test-tagger", "Leaves test.owner");
  thumbing_element_class_set_media (THUMBING_ELEMENT_CLASS (klass), "*/*", NULL);
  thumbing_element_class_set_metadata_keys (THUMBING_ELEMENT_CLASS (klass), NULL, "test.owner;test.colour");
}
static void test_tagger_init (TestTagger *self) { }

#define TEST_TYPE_READER (test_reader_get_type ())
G_DECLARE_FINAL_TYPE (TestReader, test_reader, TEST, READER, ThumbingSink)
struct _TestReader { ThumbingSink parent_instance; };
G_DEFINE_FINAL_TYPE (TestReader, test_reader, THUMBING_TYPE_SINK)
static void
test_reader_class_init (TestReaderClass *klass)
{
  thumbing_element_class_set_metadata (THUMBING_ELEMENT_CLASS (klass), "test-reader", "Reads test.owner");
  thumbing_element_class_set_media (THUMBING_ELEMENT_CLASS (klass), "*/*", NULL);
  thumbing_element_class_set_metadata_keys (THUMBING_ELEMENT_CLASS (klass), "test.owner", NULL);
}
static void test_reader_init (TestReader *self) { }

static void
register_test_elements (void)
{
  g_autoptr(GError) error = NULL;
  ThumbingRegistry *registry = thumbing_registry_get_default ();

  g_assert_true (thumbing_registry_add_element (registry, TEST_TYPE_SOURCE, "test", &error));
  g_assert_true (thumbing_registry_add_element (registry, TEST_TYPE_WORK, "test", &error));
  g_assert_true (thumbing_registry_add_element (registry, TEST_TYPE_SERVICE, "test", &error));
  g_assert_true (thumbing_registry_add_element (registry, TEST_TYPE_TAGGER, "test", &error));
  g_assert_true (thumbing_registry_add_element (registry, TEST_TYPE_READER, "test", &error));
  g_assert_no_error (error);
}

typedef struct
{
  guint   done;
  guint   errors;
  GString *messages;
  guint   stop_after;
} Watch;

static void
on_item_done (ThumbingPipeline *pipeline, ThumbingItem *item, const GError *error, Watch *watch)
{
  watch->done++;
  if (error != NULL)
    {
      watch->errors++;
      g_string_append_printf (watch->messages, "%s\n", error->message);
    }
  if (watch->stop_after > 0 && watch->done == watch->stop_after)
    thumbing_pipeline_stop (pipeline);
}

static ThumbingPipeline *
build (const char *description,
       Watch      *watch)
{
  g_autoptr(GError) error = NULL;
  ThumbingPipeline *pipeline = thumbing_pipeline_new_from_launch (description, &error);

  g_assert_no_error (error);
  watch->messages = g_string_new (NULL);
  g_signal_connect (pipeline, "item-done", G_CALLBACK (on_item_done), watch);
  seen.pipeline = pipeline;
  return pipeline;
}

static void
assert_settled_once (guint n)
{
  for (guint i = 0; i < n; i++)
    {
      g_autofree char *name = g_strdup_printf ("item-%u", i);

      g_assert_cmpuint (count_of (seen.acks, name) + count_of (seen.nacks, name), ==, 1);
    }
}

static void
test_processes_all (void)
{
  Watch watch = { 0 };
  g_autoptr(ThumbingPipeline) pipeline = NULL;
  g_autoptr(GError) error = NULL;

  seen_reset ();
  pipeline = build ("test-source count=25 ! test-work name=a ! test-work name=b", &watch);
  g_assert_true (thumbing_pipeline_run (pipeline, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (thumbing_pipeline_get_n_succeeded (pipeline), ==, 25);
  g_assert_cmpuint (thumbing_pipeline_get_n_failed (pipeline), ==, 0);
  g_assert_cmpuint (thumbing_pipeline_get_n_in_flight (pipeline), ==, 0);
  g_assert_cmpuint (watch.done, ==, 25);
  g_assert_cmpuint (g_hash_table_size (seen.acks), ==, 25);
  assert_settled_once (25);
  g_assert_cmpuint (count_of (seen.collected, "b:item-24"), ==, 1);
  g_assert_false (thumbing_pipeline_is_running (pipeline));
  g_string_free (watch.messages, TRUE);
}

static void
test_max_in_flight (void)
{
  Watch watch = { 0 };
  g_autoptr(ThumbingPipeline) pipeline = NULL;
  g_autoptr(GError) error = NULL;

  seen_reset ();
  pipeline = build ("test-source count=24 ! test-work delay-ms=15", &watch);
  thumbing_pipeline_set_max_in_flight (pipeline, 3);
  thumbing_pipeline_set_workers (pipeline, 8);
  g_assert_true (thumbing_pipeline_run (pipeline, &error));
  g_assert_cmpuint (thumbing_pipeline_get_n_succeeded (pipeline), ==, 24);
  /* Eight workers were free, yet never more than three items ran. */
  g_assert_cmpint (seen.peak, <=, 3);
  g_assert_cmpint (seen.peak, >=, 2);
  g_assert_cmpuint (seen.max_in_flight_seen, <=, 3);
  g_string_free (watch.messages, TRUE);
}

static void
test_ack_exactly_once_under_failure (void)
{
  Watch watch = { 0 };
  g_autoptr(ThumbingPipeline) pipeline = NULL;
  g_autoptr(GError) error = NULL;

  seen_reset ();
  pipeline = build ("test-source count=20 ! test-work name=work fail=*5 ! test-work name=after", &watch);
  g_assert_true (thumbing_pipeline_run (pipeline, &error));
  g_assert_cmpuint (thumbing_pipeline_get_n_succeeded (pipeline), ==, 18);
  g_assert_cmpuint (thumbing_pipeline_get_n_failed (pipeline), ==, 2);
  assert_settled_once (20);
  g_assert_cmpuint (count_of (seen.nacks, "item-5"), ==, 1);
  g_assert_cmpuint (count_of (seen.nacks, "item-15"), ==, 1);
  /* A failed item goes no further. */
  g_assert_cmpuint (count_of (seen.collected, "after:item-5"), ==, 0);
  g_assert_nonnull (strstr (watch.messages->str, "test://item-5: work: told to fail\n"));
  g_assert_nonnull (strstr (watch.messages->str, "test://item-15: work: told to fail\n"));
  g_string_free (watch.messages, TRUE);
}

static void
test_dropped_item_is_acked (void)
{
  Watch watch = { 0 };
  g_autoptr(ThumbingPipeline) pipeline = NULL;
  g_autoptr(GError) error = NULL;

  seen_reset ();
  pipeline = build ("test-source count=4 ! test-work name=filter drop=item-2 ! test-work name=after", &watch);
  g_assert_true (thumbing_pipeline_run (pipeline, &error));
  g_assert_cmpuint (thumbing_pipeline_get_n_succeeded (pipeline), ==, 4);
  g_assert_cmpuint (count_of (seen.acks, "item-2"), ==, 1);
  g_assert_cmpuint (count_of (seen.collected, "after:item-2"), ==, 0);
  g_string_free (watch.messages, TRUE);
}

static void
test_fan_out_waits_for_every_branch (void)
{
  Watch watch = { 0 };
  g_autoptr(ThumbingPipeline) pipeline = NULL;
  g_autoptr(GError) error = NULL;
  TestSource *source;

  seen_reset ();
  pipeline = build ("test-source count=12 ! test-work name=common ! "
                    "( test-work name=fast ) "
                    "( test-work name=slow delay-ms=20 fail=item-7 ) "
                    "( test-work name=nested ! ( test-work name=n1 ) ( test-work name=n2 delay-ms=5 ) )",
                    &watch);
  source = TEST_SOURCE (thumbing_pipeline_get_source (pipeline));
  source->check_stages = g_ptr_array_new ();
  g_ptr_array_add (source->check_stages, "fast");
  g_ptr_array_add (source->check_stages, "slow");
  g_ptr_array_add (source->check_stages, "n1");
  g_ptr_array_add (source->check_stages, "n2");

  g_assert_true (thumbing_pipeline_run (pipeline, &error));
  g_assert_cmpuint (thumbing_pipeline_get_n_succeeded (pipeline), ==, 11);
  g_assert_cmpuint (thumbing_pipeline_get_n_failed (pipeline), ==, 1);
  assert_settled_once (12);
  /* Every branch had finished with an item before its source acked it. */
  g_assert_true (seen.branches_done_at_settle);
  g_assert_cmpuint (count_of (seen.nacks, "item-7"), ==, 1);
  /* The failing branch did not stop the others. */
  g_assert_cmpuint (count_of (seen.collected, "fast:item-7"), ==, 1);
  g_assert_cmpuint (count_of (seen.collected, "n2:item-7"), ==, 1);
  g_assert_cmpuint (watch.errors, ==, 1);
  g_string_free (watch.messages, TRUE);
}

static void
test_graceful_stop (void)
{
  Watch watch = { 0 };
  g_autoptr(ThumbingPipeline) pipeline = NULL;
  g_autoptr(GError) error = NULL;
  guint settled;

  seen_reset ();
  pipeline = build ("test-source endless=true ! test-work delay-ms=10", &watch);
  thumbing_pipeline_set_max_in_flight (pipeline, 4);
  watch.stop_after = 6;
  g_assert_true (thumbing_pipeline_run (pipeline, &error));
  g_assert_no_error (error);

  settled = thumbing_pipeline_get_n_succeeded (pipeline) + thumbing_pipeline_get_n_failed (pipeline);
  /* Whatever was taken before the stop was finished: at most the six done
   * and the four in flight then. */
  g_assert_cmpuint (thumbing_pipeline_get_n_failed (pipeline), ==, 0);
  g_assert_cmpuint (settled, >=, 6);
  g_assert_cmpuint (settled, <=, 6 + 4);
  g_assert_cmpuint (thumbing_pipeline_get_n_in_flight (pipeline), ==, 0);
  /* Anything pushed after the stop went straight back, unprocessed; every
   * item was acked or nacked exactly once. */
  g_assert_cmpuint (g_hash_table_size (seen.acks), ==, settled);
  g_assert_cmpuint (g_hash_table_size (seen.nacks), ==, seen.pushed - settled);
  assert_settled_once (seen.pushed);
  g_assert_false (thumbing_element_is_started (THUMBING_ELEMENT (thumbing_pipeline_get_source (pipeline))));
  g_string_free (watch.messages, TRUE);
}

static void
test_source_failure_stops_pipeline (void)
{
  Watch watch = { 0 };
  g_autoptr(ThumbingPipeline) pipeline = NULL;
  g_autoptr(GError) error = NULL;

  seen_reset ();
  pipeline = build ("test-source name=queue endless=true fail-after=5 ! test-work delay-ms=5", &watch);
  thumbing_pipeline_set_max_in_flight (pipeline, 2);
  g_assert_false (thumbing_pipeline_run (pipeline, &error));
  g_assert_error (error, THUMBING_ERROR, THUMBING_ERROR_IO);
  g_assert_cmpstr (error->message, ==, "queue: connection lost");
  g_assert_cmpuint (seen.pushed, ==, 5);
  assert_settled_once (5);
  g_string_free (watch.messages, TRUE);
}

static void
test_empty_source_finishes (void)
{
  Watch watch = { 0 };
  g_autoptr(ThumbingPipeline) pipeline = NULL;
  g_autoptr(GError) error = NULL;

  seen_reset ();
  pipeline = build ("test-source count=0 ! test-work", &watch);
  g_assert_true (thumbing_pipeline_run (pipeline, &error));
  g_assert_cmpuint (watch.done, ==, 0);

  /* A pipeline runs once. */
  g_assert_false (thumbing_pipeline_run (pipeline, &error));
  g_assert_error (error, THUMBING_ERROR, THUMBING_ERROR_STATE);
  g_string_free (watch.messages, TRUE);
}

static void
on_finished_count_releases (ThumbingPipeline *pipeline, gpointer user_data)
{
  *(guint *) user_data = TEST_SOURCE (thumbing_pipeline_get_source (pipeline))->released;
}

static void
test_finishing_waits_for_async_settling (void)
{
  Watch watch = { 0 };
  g_autoptr(ThumbingPipeline) pipeline = NULL;
  g_autoptr(GError) error = NULL;
  guint released_at_finish = 0;

  seen_reset ();
  pipeline = build ("test-source count=5 settle-ms=40 ! test-work", &watch);
  g_signal_connect (pipeline, "finished", G_CALLBACK (on_finished_count_releases), &released_at_finish);
  g_assert_true (thumbing_pipeline_run (pipeline, &error));
  /* Every acknowledgement had completed before the pipeline finished. */
  g_assert_cmpuint (released_at_finish, ==, 5);
  g_assert_cmpuint (thumbing_source_get_holds (thumbing_pipeline_get_source (pipeline)), ==, 0);
  g_string_free (watch.messages, TRUE);
}

static void
test_append_api (void)
{
  g_autoptr(ThumbingPipeline) pipeline = thumbing_pipeline_new ("built");
  g_autoptr(GError) error = NULL;
  g_autoptr(ThumbingElement) work = thumbing_registry_create_element (thumbing_registry_get_default (),
                                                                      "test-work", NULL, &error);
  g_autoptr(ThumbingElement) source = thumbing_registry_create_element (thumbing_registry_get_default (),
                                                                        "test-source", NULL, &error);
  g_autoptr(ThumbingElement) late = thumbing_registry_create_element (thumbing_registry_get_default (),
                                                                      "test-work", "late", &error);

  g_assert_false (thumbing_pipeline_check (pipeline, &error));
  g_assert_error (error, THUMBING_ERROR, THUMBING_ERROR_CONFIG);
  g_clear_error (&error);
  g_assert_false (thumbing_pipeline_append (pipeline, work, &error));
  g_assert_error (error, THUMBING_ERROR, THUMBING_ERROR_CONFIG);
  g_clear_error (&error);
  g_assert_true (thumbing_pipeline_append (pipeline, source, &error));
  g_assert_false (thumbing_pipeline_check (pipeline, &error));
  g_assert_cmpstr (error->message, ==, "pipeline: the pipeline has no stage after its source");
  g_clear_error (&error);
  g_assert_true (thumbing_pipeline_append (pipeline, work, &error));

  seen_reset ();
  g_object_set (source, "count", 3, NULL);
  g_assert_true (thumbing_pipeline_run (pipeline, &error));
  g_assert_cmpuint (thumbing_pipeline_get_n_succeeded (pipeline), ==, 3);
  g_assert_false (thumbing_pipeline_append (pipeline, late, &error));
  g_assert_error (error, THUMBING_ERROR, THUMBING_ERROR_STATE);
}

static void
test_services_run_beside_the_chain (void)
{
  g_autoptr(ThumbingPipeline) pipeline = NULL;
  g_autoptr(GKeyFile) keyfile = g_key_file_new ();
  g_autoptr(GError) error = NULL;
  TestService *api;

  seen_reset ();
  g_assert_true (g_key_file_load_from_data (keyfile,
                                            "[pipeline]\nstages=in;work\nservices=api\n"
                                            "[in]\nelement=test-source\ncount=4\n"
                                            "[work]\nelement=test-work\n"
                                            "[api]\nelement=test-service\n", -1, 0, &error));
  pipeline = thumbing_pipeline_new_from_keyfile (keyfile, "services.conf", &error);
  g_assert_no_error (error);
  api = TEST_SERVICE (thumbing_pipeline_get_element (pipeline, "api"));
  g_assert_true (thumbing_pipeline_run (pipeline, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (thumbing_pipeline_get_n_succeeded (pipeline), ==, 4);
  g_assert_cmpuint (api->items_seen_at_start, ==, 0);
  g_assert_false (api->running);

  /* A service's check is the pipeline's. */
  g_clear_object (&pipeline);
  g_key_file_set_string (keyfile, "api", "refuse", "true");
  pipeline = thumbing_pipeline_new_from_keyfile (keyfile, "services.conf", &error);
  g_assert_no_error (error);
  g_assert_false (thumbing_pipeline_check (pipeline, &error));
  g_assert_nonnull (strstr (error->message, "refused as asked"));
  g_clear_error (&error);

  /* Services and stages do not mix. */
  g_clear_object (&pipeline);
  g_key_file_set_string (keyfile, "pipeline", "stages", "in;work;api");
  g_key_file_set_string (keyfile, "pipeline", "services", "");
  pipeline = thumbing_pipeline_new_from_keyfile (keyfile, "services.conf", &error);
  g_assert_null (pipeline);
  g_assert_nonnull (strstr (error->message, "test-service is a service, which no item passes through"));
  g_clear_error (&error);
  g_key_file_set_string (keyfile, "pipeline", "stages", "in;api");
  g_key_file_set_string (keyfile, "pipeline", "services", "work");
  pipeline = thumbing_pipeline_new_from_keyfile (keyfile, "services.conf", &error);
  g_assert_null (pipeline);
  g_assert_nonnull (strstr (error->message, "is a service"));
}

/* Metadata keys are checked as media are: read only what an earlier stage
 * leaves, branch by branch. */
#define MISSING_OWNER "test-reader: element: test-reader reads the item metadata “test.owner”, which no earlier stage leaves"

static void
test_metadata_keys_checked (void)
{
  static const struct { const char *launch; const char *error; } cases[] = {
    { "test-source ! test-tagger ! test-reader", NULL },
    { "test-source ! test-reader", MISSING_OWNER },
    { "test-source ! test-reader ! test-tagger", MISSING_OWNER },
    { "test-source ! test-tagger ! ( test-reader ) ( test-reader )", NULL },
    { "test-source ! ( test-tagger ) ( test-reader )", MISSING_OWNER },
  };
  g_autoptr(ThumbingElementFactory) factory = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(ThumbingPipeline) pipeline = thumbing_pipeline_new_from_launch (cases[i].launch, &error);
      gboolean ok;

      g_assert_no_error (error);
      ok = thumbing_pipeline_check (pipeline, &error);
      if (cases[i].error == NULL)
        {
          g_assert_no_error (error);
          g_assert_true (ok);
        }
      else
        {
          g_assert_error (error, THUMBING_ERROR, THUMBING_ERROR_INCOMPATIBLE);
          g_assert_cmpstr (error->message, ==, cases[i].error);
        }
    }
  factory = g_object_ref (thumbing_registry_lookup (thumbing_registry_get_default (), "test-tagger"));
  g_assert_cmpstr (thumbing_element_factory_get_metadata_leaves (factory)[1], ==, "test.colour");
  g_assert_null (thumbing_element_factory_get_metadata_reads (factory)[0]);
}

int
main (int    argc,
      char **argv)
{
  thumbing_test_init (&argc, &argv);
  register_test_elements ();
  g_test_add_func ("/pipeline/processes-all", test_processes_all);
  g_test_add_func ("/pipeline/metadata-keys-checked", test_metadata_keys_checked);
  g_test_add_func ("/pipeline/max-in-flight", test_max_in_flight);
  g_test_add_func ("/pipeline/ack-exactly-once-under-failure", test_ack_exactly_once_under_failure);
  g_test_add_func ("/pipeline/dropped-item-is-acked", test_dropped_item_is_acked);
  g_test_add_func ("/pipeline/fan-out-waits-for-every-branch", test_fan_out_waits_for_every_branch);
  g_test_add_func ("/pipeline/graceful-stop", test_graceful_stop);
  g_test_add_func ("/pipeline/source-failure-stops-pipeline", test_source_failure_stops_pipeline);
  g_test_add_func ("/pipeline/empty-source-finishes", test_empty_source_finishes);
  g_test_add_func ("/pipeline/finishing-waits-for-async-settling", test_finishing_waits_for_async_settling);
  g_test_add_func ("/pipeline/append-api", test_append_api);
  g_test_add_func ("/pipeline/services-run-beside-the-chain", test_services_run_beside_the_chain);
  return g_test_run ();
}
