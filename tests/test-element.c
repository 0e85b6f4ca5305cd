/* test-element.c: properties from text, required properties, checks
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "config.h"

#include <string.h>

#include "thumbing-test-util.h"

#define TEST_TYPE_PROPS (test_props_get_type ())
G_DECLARE_FINAL_TYPE (TestProps, test_props, TEST, PROPS, ThumbingTransform)

struct _TestProps
{
  ThumbingTransform    parent_instance;
  int                  count;
  guint64              big;
  double               ratio;
  gboolean             flag;
  char                *target;
  ThumbingElementKind  kind;
  GFileMonitorFlags    flags;
  GStrv                list;
  guint                starts;
  guint                stops;
};

G_DEFINE_FINAL_TYPE (TestProps, test_props, THUMBING_TYPE_TRANSFORM)

enum { PROP_0, PROP_COUNT, PROP_BIG, PROP_RATIO, PROP_FLAG, PROP_TARGET, PROP_KIND, PROP_FLAGS, PROP_LIST };

static void
test_props_get_property (GObject *object, guint id, GValue *value, GParamSpec *pspec)
{
  TestProps *self = TEST_PROPS (object);

  switch (id)
    {
    case PROP_COUNT: g_value_set_int (value, self->count); break;
    case PROP_BIG: g_value_set_uint64 (value, self->big); break;
    case PROP_RATIO: g_value_set_double (value, self->ratio); break;
    case PROP_FLAG: g_value_set_boolean (value, self->flag); break;
    case PROP_TARGET: g_value_set_string (value, self->target); break;
    case PROP_KIND: g_value_set_enum (value, self->kind); break;
    case PROP_FLAGS: g_value_set_flags (value, self->flags); break;
    case PROP_LIST: g_value_set_boxed (value, self->list); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, id, pspec);
    }
}

static void
test_props_set_property (GObject *object, guint id, const GValue *value, GParamSpec *pspec)
{
  TestProps *self = TEST_PROPS (object);

  switch (id)
    {
    case PROP_COUNT: self->count = g_value_get_int (value); break;
    case PROP_BIG: self->big = g_value_get_uint64 (value); break;
    case PROP_RATIO: self->ratio = g_value_get_double (value); break;
    case PROP_FLAG: self->flag = g_value_get_boolean (value); break;
    case PROP_TARGET: g_free (self->target); self->target = g_value_dup_string (value); break;
    case PROP_KIND: self->kind = g_value_get_enum (value); break;
    case PROP_FLAGS: self->flags = g_value_get_flags (value); break;
    case PROP_LIST: g_strfreev (self->list); self->list = g_value_dup_boxed (value); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, id, pspec);
    }
}

static void
test_props_finalize (GObject *object)
{
  TestProps *self = TEST_PROPS (object);

  g_free (self->target);
  g_strfreev (self->list);
  G_OBJECT_CLASS (test_props_parent_class)->finalize (object);
}

static gboolean
test_props_check (ThumbingElement *element, GError **error)
{
  TestProps *self = TEST_PROPS (element);

  if (self->flag && self->count > 50)
    {
      g_set_error (error, THUMBING_ERROR, THUMBING_ERROR_INVALID_VALUE, "flag and count > 50 conflict");
      return FALSE;
    }
  return TRUE;
}

static gboolean
test_props_start (ThumbingElement *element, GError **error)
{
  TEST_PROPS (element)->starts++;
  return TRUE;
}

static void
test_props_stop (ThumbingElement *element)
{
  TEST_PROPS (element)->stops++;
}

static void
test_props_class_init (TestPropsClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  ThumbingElementClass *element_class = THUMBING_ELEMENT_CLASS (klass);
  GParamFlags rw = G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS;

  object_class->get_property = test_props_get_property;
  object_class->set_property = test_props_set_property;
  object_class->finalize = test_props_finalize;
  element_class->check = test_props_check;
  element_class->start = test_props_start;
  element_class->stop = test_props_stop;
  thumbing_element_class_set_metadata (element_class, "test-props", "Has one property of each type");
  thumbing_element_class_set_media (element_class, "*/*", NULL);

  g_object_class_install_property (object_class, PROP_COUNT, g_param_spec_int ("count", NULL, NULL, 1, 100, 10, rw));
  g_object_class_install_property (object_class, PROP_BIG, g_param_spec_uint64 ("big", NULL, NULL, 0, G_MAXUINT64, 0, rw));
  g_object_class_install_property (object_class, PROP_RATIO, g_param_spec_double ("ratio", NULL, NULL, 0.0, 1.0, 0.5, rw));
  g_object_class_install_property (object_class, PROP_FLAG, g_param_spec_boolean ("flag", NULL, NULL, FALSE, rw));
  g_object_class_install_property (object_class, PROP_TARGET,
                                   g_param_spec_string ("target", NULL, NULL, NULL, rw | THUMBING_PARAM_REQUIRED));
  g_object_class_install_property (object_class, PROP_KIND,
                                   g_param_spec_enum ("kind", NULL, NULL, THUMBING_TYPE_ELEMENT_KIND,
                                                      THUMBING_ELEMENT_KIND_TRANSFORM, rw));
  g_object_class_install_property (object_class, PROP_FLAGS,
                                   g_param_spec_flags ("flags", NULL, NULL, G_TYPE_FILE_MONITOR_FLAGS, 0, rw));
  g_object_class_install_property (object_class, PROP_LIST,
                                   g_param_spec_boxed ("list", NULL, NULL, G_TYPE_STRV, rw));
}

static void
test_props_init (TestProps *self)
{
  self->count = 10;
  self->ratio = 0.5;
  self->kind = THUMBING_ELEMENT_KIND_TRANSFORM;
}

static TestProps *
new_props (void)
{
  return g_object_new (TEST_TYPE_PROPS, "name", "stage", NULL);
}

static void
set_ok (TestProps *self, const char *key, const char *value)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (thumbing_element_set_property_from_string (THUMBING_ELEMENT (self), key, value, &error));
  g_assert_no_error (error);
}

static void
set_fails (TestProps *self, const char *key, const char *value, int code, const char *pattern)
{
  g_autoptr(GError) error = NULL;

  g_assert_false (thumbing_element_set_property_from_string (THUMBING_ELEMENT (self), key, value, &error));
  g_assert_error (error, THUMBING_ERROR, code);
  if (!g_pattern_match_simple (pattern, error->message))
    g_error ("message “%s” does not match “%s”", error->message, pattern);
}

static void
test_values_parse (void)
{
  g_autoptr(TestProps) self = new_props ();

  set_ok (self, "count", "42");
  set_ok (self, "big", "18446744073709551615");
  set_ok (self, "ratio", "0.25");
  set_ok (self, "flag", "yes");
  set_ok (self, "target", "s3://bucket/a b");
  set_ok (self, "kind", "sink");
  set_ok (self, "flags", "watch-moves+send-moved");
  set_ok (self, "list", "a; b ;;c");

  g_assert_cmpint (self->count, ==, 42);
  g_assert_cmpuint (self->big, ==, G_MAXUINT64);
  g_assert_cmpfloat (self->ratio, ==, 0.25);
  g_assert_true (self->flag);
  g_assert_cmpstr (self->target, ==, "s3://bucket/a b");
  g_assert_cmpint (self->kind, ==, THUMBING_ELEMENT_KIND_SINK);
  g_assert_cmpuint (self->flags, ==, G_FILE_MONITOR_WATCH_MOVES | G_FILE_MONITOR_SEND_MOVED);
  g_assert_cmpuint (g_strv_length (self->list), ==, 3);
  g_assert_cmpstr (self->list[2], ==, "c");
  set_ok (self, "flag", "OFF");
  g_assert_false (self->flag);
}

static void
test_values_refused (void)
{
  g_autoptr(TestProps) self = new_props ();

  set_fails (self, "count", "0", THUMBING_ERROR_INVALID_VALUE, "0 is out of range (1 to 100)");
  set_fails (self, "count", "101", THUMBING_ERROR_INVALID_VALUE, "*out of range*");
  set_fails (self, "count", "12abc", THUMBING_ERROR_INVALID_VALUE, "“12abc” is not a whole number");
  set_fails (self, "count", "", THUMBING_ERROR_INVALID_VALUE, "*not a whole number");
  set_fails (self, "big", "-1", THUMBING_ERROR_INVALID_VALUE, "*non-negative*");
  set_fails (self, "ratio", "1.5", THUMBING_ERROR_INVALID_VALUE, "*out of range*");
  set_fails (self, "ratio", "nan", THUMBING_ERROR_INVALID_VALUE, "*not a number");
  set_fails (self, "flag", "maybe", THUMBING_ERROR_INVALID_VALUE, "*not a boolean*");
  set_fails (self, "kind", "sideways", THUMBING_ERROR_INVALID_VALUE, "“sideways” is not one of: source, transform, sink, service");
  set_fails (self, "flags", "watch-moves+bogus", THUMBING_ERROR_INVALID_VALUE, "“bogus” is not one of:*");
  set_fails (self, "cuont", "1", THUMBING_ERROR_UNKNOWN_PROPERTY, "test-props has no property “cuont” (did you mean “count”?)");
  set_fails (self, "zzzzzzzz", "1", THUMBING_ERROR_UNKNOWN_PROPERTY, "test-props has no property “zzzzzzzz”");
  g_assert_cmpint (self->count, ==, 10);
}

static void
test_required_and_check (void)
{
  g_autoptr(TestProps) self = new_props ();
  g_autoptr(GError) error = NULL;

  g_assert_cmpstr (thumbing_element_get_unset_required (THUMBING_ELEMENT (self)), ==, "target");
  set_ok (self, "target", "");
  g_assert_cmpstr (thumbing_element_get_unset_required (THUMBING_ELEMENT (self)), ==, "target");
  g_assert_false (thumbing_element_check (THUMBING_ELEMENT (self), &error));
  g_assert_error (error, THUMBING_ERROR, THUMBING_ERROR_MISSING_PROPERTY);
  g_assert_nonnull (strstr (error->message, "“target”"));
  g_clear_error (&error);

  set_ok (self, "target", "x");
  g_assert_null (thumbing_element_get_unset_required (THUMBING_ELEMENT (self)));
  g_assert_true (thumbing_element_check (THUMBING_ELEMENT (self), &error));
  g_assert_no_error (error);

  set_ok (self, "flag", "true");
  set_ok (self, "count", "60");
  g_assert_false (thumbing_element_check (THUMBING_ELEMENT (self), &error));
  g_assert_error (error, THUMBING_ERROR, THUMBING_ERROR_INVALID_VALUE);
}

static void
test_names_and_lifecycle (void)
{
  g_autoptr(TestProps) self = new_props ();
  g_autoptr(GError) error = NULL;

  g_assert_cmpstr (thumbing_element_get_name (THUMBING_ELEMENT (self)), ==, "stage");
  g_assert_cmpstr (thumbing_element_get_factory_name (THUMBING_ELEMENT (self)), ==, "test-props");
  g_assert_true (thumbing_element_start (THUMBING_ELEMENT (self), &error));
  g_assert_true (thumbing_element_start (THUMBING_ELEMENT (self), &error));
  g_assert_cmpuint (self->starts, ==, 1);
  thumbing_element_stop (THUMBING_ELEMENT (self));
  thumbing_element_stop (THUMBING_ELEMENT (self));
  g_assert_cmpuint (self->stops, ==, 1);
  g_assert_false (thumbing_element_is_started (THUMBING_ELEMENT (self)));
}

static void
on_warning (ThumbingElement *element, const char *message, gpointer user_data)
{
  g_free (*(char **) user_data);
  *(char **) user_data = g_strdup (message);
}

static void
test_warning_signal (void)
{
  g_autoptr(TestProps) self = new_props ();
  g_autofree char *seen = NULL;

  g_signal_connect (self, "warning", G_CALLBACK (on_warning), &seen);
  thumbing_element_warn (THUMBING_ELEMENT (self), "disk %d%% full", 93);
  while (seen == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpstr (seen, ==, "stage: disk 93% full");
}

static gboolean
count_call (gpointer data)
{
  (*(guint *) data)++;
  return G_SOURCE_REMOVE;
}

/* Timers go on the element's context, never on GLib's global default one:
 * a program may run its pipeline on a context of its own. */
static void
test_timers_on_the_element_context (void)
{
  g_autoptr(TestProps) self = new_props ();
  g_autoptr(GMainContext) own = g_main_context_new ();
  guint calls = 0;
  guint timeout, idle, removed;

  g_main_context_push_thread_default (own);
  g_assert_true (thumbing_element_get_context (THUMBING_ELEMENT (self)) == own);
  timeout = thumbing_element_timeout_add (THUMBING_ELEMENT (self), 1, count_call, &calls);
  idle = thumbing_element_idle_add (THUMBING_ELEMENT (self), count_call, &calls);
  removed = thumbing_element_timeout_add_seconds (THUMBING_ELEMENT (self), 1, count_call, &calls);
  g_assert_nonnull (g_main_context_find_source_by_id (own, timeout));
  g_assert_nonnull (g_main_context_find_source_by_id (own, idle));
  g_assert_null (g_main_context_find_source_by_id (g_main_context_default (), timeout));
  thumbing_element_source_remove (THUMBING_ELEMENT (self), removed);
  g_assert_null (g_main_context_find_source_by_id (own, removed));
  while (calls < 2)
    g_main_context_iteration (own, TRUE);
  g_assert_cmpuint (calls, ==, 2);
  g_main_context_pop_thread_default (own);
}

int
main (int    argc,
      char **argv)
{
  thumbing_test_init (&argc, &argv);
  g_test_add_func ("/element/values-parse", test_values_parse);
  g_test_add_func ("/element/values-refused", test_values_refused);
  g_test_add_func ("/element/required-and-check", test_required_and_check);
  g_test_add_func ("/element/names-and-lifecycle", test_names_and_lifecycle);
  g_test_add_func ("/element/warning-signal", test_warning_signal);
  g_test_add_func ("/element/timers-on-the-element-context", test_timers_on_the_element_context);
  return g_test_run ();
}
