/* fuzz-common.c: the set-up every libFuzzer target of thumbing shares
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "config.h"

#include <stdlib.h>

#include "fuzz-common.h"

int LLVMFuzzerInitialize (int *argc, char ***argv);

#define FATAL_LEVELS (G_LOG_LEVEL_ERROR | G_LOG_LEVEL_CRITICAL | G_LOG_LEVEL_WARNING)

/* A critical or a warning from GLib or thumbing is a bug the fuzzer found.
 * GLib's own fatal path raises SIGTRAP, which libFuzzer does not catch, so
 * abort() instead: that writes the input to the crash folder. */
static GLogWriterOutput
write_or_abort (GLogLevelFlags   log_level,
                const GLogField *fields,
                gsize            n_fields,
                gpointer         user_data)
{
  g_log_writer_standard_streams (log_level, fields, n_fields, user_data);
  if (log_level & FATAL_LEVELS)
    abort ();
  return G_LOG_WRITER_HANDLED;
}

static void
log_or_abort (const char     *log_domain,
              GLogLevelFlags  log_level,
              const char     *message,
              gpointer        user_data)
{
  g_log_default_handler (log_domain, log_level, message, user_data);
  if (log_level & FATAL_LEVELS)
    abort ();
}

__attribute__((weak)) void
fuzz_set_up (void)
{
}

int
LLVMFuzzerInitialize (int    *argc,
                      char ***argv)
{
  (void) argc;
  (void) argv;
  g_log_set_default_handler (log_or_abort, NULL);
  g_log_set_writer_func (write_or_abort, NULL, NULL);
  g_setenv ("FUZZ_SET", "value", TRUE);
  g_setenv ("FUZZ_EMPTY", "", TRUE);
  fuzz_set_up ();
  return 0;
}
