/* thumbing-cli.c: what the thumbing program and its stack helper share
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "config.h"

#include <errno.h>
#include <locale.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <gio/gio.h>
#include <glib/gi18n.h>
#include <thumbing/thumbing.h>

#include "thumbing-cli.h"

/* Prints one line of @format to stderr; its arguments may quote outside
 * input (file names, keys, request fields), so the line is escaped: it
 * cannot forge another line or drive the terminal. */
void
cli_print_line (const char *format,
            ...)
{
  va_list args;
  g_autofree char *text = NULL;
  g_autofree char *safe = NULL;

  va_start (args, format);
  text = g_strdup_vprintf (format, args);
  va_end (args);
  safe = thumbing_text_escape_controls (text);
  fprintf (stderr, "%s\n", safe);
}

gboolean
cli_parse_options (int                 *argc,
                   char              ***argv,
                   const char          *parameters,
                   const char          *summary,
                   const GOptionEntry  *entries)
{
  g_autoptr(GOptionContext) context = g_option_context_new (parameters);
  g_autoptr(GError) error = NULL;

  g_option_context_set_summary (context, summary);
  if (entries != NULL)
    g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!g_option_context_parse (context, argc, argv, &error))
    {
      cli_print_line ("thumbing: %s", error->message);
      return FALSE;
    }
  return TRUE;
}

/* A bare name finds an installed pipeline: `thumbing run local`. */
char *
cli_resolve_pipeline_file (const char *argument)
{
  g_autofree char *with_suffix = NULL;
  g_autofree char *installed = NULL;

  if (g_file_test (argument, G_FILE_TEST_EXISTS) || strchr (argument, G_DIR_SEPARATOR) != NULL)
    return g_strdup (argument);
  with_suffix = g_str_has_suffix (argument, ".conf") ? g_strdup (argument) : g_strconcat (argument, ".conf", NULL);
  installed = g_build_filename (THUMBING_PIPELINEDIR, with_suffix, NULL);
  return g_file_test (installed, G_FILE_TEST_EXISTS) ? g_steal_pointer (&installed) : g_strdup (argument);
}

void
cli_set_up_locale (void)
{
  setlocale (LC_ALL, "");
  /* THUMBING_LOCALEDIR: the build tree's catalogues, for tests and meson devenv. */
  bindtextdomain (GETTEXT_PACKAGE, g_getenv ("THUMBING_LOCALEDIR") != NULL ? g_getenv ("THUMBING_LOCALEDIR") : LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);
}

#ifdef THUMBING_STATIC_PLUGINS
/* Built with -Dstatic-plugins=true: the plugins are part of the program,
 * which then needs no plugin folder (a Lambda bootstrap, say). */
const ThumbingPluginDesc *thumbing_plugin_core_describe (void);
const ThumbingPluginDesc *thumbing_plugin_vips_describe (void);
const ThumbingPluginDesc *thumbing_plugin_aws_describe (void);
const ThumbingPluginDesc *thumbing_plugin_http_describe (void);

void
cli_add_static_plugins (void)
{
  const ThumbingPluginDesc *(*describe[]) (void) = {
    thumbing_plugin_core_describe, thumbing_plugin_vips_describe,
    thumbing_plugin_aws_describe, thumbing_plugin_http_describe,
  };

  for (guint i = 0; i < G_N_ELEMENTS (describe); i++)
    {
      g_autoptr(GError) error = NULL;

      if (!thumbing_registry_add_static_plugin (thumbing_registry_get_default (), describe[i] (), &error))
        cli_print_line (_("thumbing: warning: %s"), error->message);
    }
}
#endif
#ifndef THUMBING_STATIC_PLUGINS
void
cli_add_static_plugins (void)
{
}
#endif

/* `thumbing synth` and `thumbing deploy` run thumbing-stack: the AWS client
 * and its libsoup stay out of the program every pipeline runs in, whose
 * memory and start-up they would otherwise add to (10 MiB of RSS). It is
 * found next to the program (the build tree), else in libexecdir. */
int
cli_run_stack_program (int    argc,
                       char **argv)
{
  g_autofree char *self = g_file_read_link ("/proc/self/exe", NULL);
  g_autofree char *beside = self != NULL ? g_build_filename (g_path_get_dirname (self), "thumbing-stack", NULL) : NULL;
  const char *program = beside != NULL && g_file_test (beside, G_FILE_TEST_IS_EXECUTABLE)
                        ? beside : THUMBING_LIBEXECDIR G_DIR_SEPARATOR_S "thumbing-stack";
  g_autofree char **args = g_new0 (char *, argc + 2);

  args[0] = (char *) program;
  for (int i = 0; i < argc; i++)
    args[i + 1] = argv[i];
  execv (program, args);
  cli_print_line (_("thumbing: cannot run %s: %s"), program, g_strerror (errno));
  return EXIT_USAGE;
}
