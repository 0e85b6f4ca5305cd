/* thumbing-cli.h: what the thumbing program and its stack helper share
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Exit codes: 0 all items succeeded, 1 an item or the pipeline failed,
 * 2 the command line or pipeline description is wrong. */
enum {
  EXIT_OK = 0,
  EXIT_FAILED = 1,
  EXIT_USAGE = 2,
};

void      cli_print_line            (const char          *format,
                                     ...) G_GNUC_PRINTF (1, 2);
gboolean  cli_parse_options         (int                 *argc,
                                     char              ***argv,
                                     const char          *parameters,
                                     const char          *summary,
                                     const GOptionEntry  *entries);
char     *cli_resolve_pipeline_file (const char          *argument);
void      cli_set_up_locale         (void);
void      cli_add_static_plugins    (void);
int       cli_run_stack_program     (int                  argc,
                                     char               **argv);

G_END_DECLS
