/* test-delivery.c: a delivery resolves exactly once, after every branch
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "config.h"

#include "thumbing-test-util.h"

typedef struct
{
  guint   calls;
  GError *error;
  guint   destroyed;
} Outcome;

static void
record (ThumbingDelivery *delivery,
        const GError     *error,
        gpointer          user_data)
{
  Outcome *outcome = user_data;

  outcome->calls++;
  g_clear_error (&outcome->error);
  if (error != NULL)
    outcome->error = g_error_copy (error);
}

static void
count_destroy (gpointer user_data)
{
  ((Outcome *) user_data)->destroyed++;
}

static void
test_single_success (void)
{
  Outcome outcome = { 0 };
  g_autoptr(ThumbingDelivery) delivery = thumbing_delivery_new (record, &outcome, count_destroy);

  g_assert_false (thumbing_delivery_is_resolved (delivery));
  thumbing_delivery_resolve (delivery, NULL);
  g_assert_cmpuint (outcome.calls, ==, 1);
  g_assert_null (outcome.error);
  g_assert_true (thumbing_delivery_is_resolved (delivery));
  g_assert_cmpuint (outcome.destroyed, ==, 1);
}

static void
test_branches_wait_for_all (void)
{
  Outcome outcome = { 0 };
  g_autoptr(ThumbingDelivery) delivery = thumbing_delivery_new (record, &outcome, NULL);
  g_autoptr(GError) failure = g_error_new (THUMBING_ERROR, THUMBING_ERROR_IO, "disk full");

  thumbing_delivery_add_branches (delivery, 2);
  g_assert_cmpuint (thumbing_delivery_get_pending (delivery), ==, 3);

  thumbing_delivery_resolve (delivery, NULL);
  thumbing_delivery_resolve (delivery, failure);
  g_assert_cmpuint (outcome.calls, ==, 0);
  thumbing_delivery_resolve (delivery, NULL);

  g_assert_cmpuint (outcome.calls, ==, 1);
  g_assert_error (outcome.error, THUMBING_ERROR, THUMBING_ERROR_IO);
  g_assert_cmpstr (outcome.error->message, ==, "disk full");
  g_clear_error (&outcome.error);
}

static void
test_first_error_wins (void)
{
  Outcome outcome = { 0 };
  g_autoptr(ThumbingDelivery) delivery = thumbing_delivery_new (record, &outcome, NULL);
  g_autoptr(GError) first = g_error_new (THUMBING_ERROR, THUMBING_ERROR_BAD_INPUT, "first");
  g_autoptr(GError) second = g_error_new (THUMBING_ERROR, THUMBING_ERROR_IO, "second");

  thumbing_delivery_add_branches (delivery, 1);
  thumbing_delivery_resolve (delivery, first);
  thumbing_delivery_resolve (delivery, second);
  g_assert_error (outcome.error, THUMBING_ERROR, THUMBING_ERROR_BAD_INPUT);
  g_clear_error (&outcome.error);
}

static void
test_resolving_twice_is_refused (void)
{
  if (g_test_subprocess ())
    {
      Outcome outcome = { 0 };
      g_autoptr(ThumbingDelivery) delivery = thumbing_delivery_new (record, &outcome, NULL);

      g_log_set_always_fatal (G_LOG_FATAL_MASK);
      thumbing_delivery_resolve (delivery, NULL);
      thumbing_delivery_resolve (delivery, NULL);
      g_assert_cmpuint (outcome.calls, ==, 1);
      return;
    }
  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_passed ();
  g_test_trap_assert_stderr ("*CRITICAL*resolved more often than it has branches*");
}

static void
test_unresolved_never_calls (void)
{
  Outcome outcome = { 0 };
  ThumbingDelivery *delivery = thumbing_delivery_new (record, &outcome, count_destroy);

  thumbing_delivery_unref (delivery);
  g_assert_cmpuint (outcome.calls, ==, 0);
  g_assert_cmpuint (outcome.destroyed, ==, 1);
}

int
main (int    argc,
      char **argv)
{
  thumbing_test_init (&argc, &argv);
  g_test_add_func ("/delivery/single-success", test_single_success);
  g_test_add_func ("/delivery/branches-wait-for-all", test_branches_wait_for_all);
  g_test_add_func ("/delivery/first-error-wins", test_first_error_wins);
  g_test_add_func ("/delivery/resolving-twice-is-refused", test_resolving_twice_is_refused);
  g_test_add_func ("/delivery/unresolved-never-calls", test_unresolved_never_calls);
  return g_test_run ();
}
