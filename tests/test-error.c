/* test-error.c: error quarks, first made on several threads at once
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "config.h"

#include "thumbing-test-util.h"

GQuark thumbing_test_error_quark (void);

THUMBING_DEFINE_QUARK (thumbing-test-error-quark, thumbing_test_error)

#define N_THREADS 8

typedef struct
{
  gint   waiting;
  GQuark seen[N_THREADS];
} Race;

static gpointer
first_call (gpointer data)
{
  Race *race = data;
  guint index = (guint) g_atomic_int_add (&race->waiting, -1) - 1;

  /* Every thread makes its first call at the same moment. */
  while (g_atomic_int_get (&race->waiting) > 0)
    ;
  race->seen[index] = thumbing_test_error_quark ();
  return NULL;
}

/* Under ThreadSanitizer, G_DEFINE_QUARK's plain static races here. */
static void
test_first_calls_on_many_threads (void)
{
  Race race = { N_THREADS, { 0 } };
  GThread *threads[N_THREADS];

  for (guint i = 0; i < N_THREADS; i++)
    threads[i] = g_thread_new ("quark", first_call, &race);
  for (guint i = 0; i < N_THREADS; i++)
    g_thread_join (threads[i]);
  for (guint i = 0; i < N_THREADS; i++)
    g_assert_cmpuint (race.seen[i], ==, g_quark_from_string ("thumbing-test-error-quark"));
  g_assert_cmpuint (THUMBING_ERROR, ==, g_quark_from_string ("thumbing-error-quark"));
}

int
main (int    argc,
      char **argv)
{
  thumbing_test_init (&argc, &argv);
  g_test_add_func ("/error/first-calls-on-many-threads", test_first_calls_on_many_threads);
  return g_test_run ();
}
