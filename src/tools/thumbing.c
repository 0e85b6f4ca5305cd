/* thumbing.c: the thumbing command: run, launch, inspect, check
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "config.h"

#include <locale.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <glib-unix.h>
#include <glib/gi18n.h>
#include <thumbing/thumbing.h>

#include "thumbing-cli.h"
#include "thumbing-json-log.h"
#include "thumbing-systemd.h"

typedef struct
{
  ThumbingPipeline *pipeline;
  gboolean          progress;
  gboolean          progress_shown;
  gint64            started_us;
  guint             signals;
  guint             progress_timer;
  guint             ready_idle;
  guint             status_timer;
  guint             watchdog_timer;
  guint             trim_timer;
  const char       *file;           /* what SIGHUP reads again, or NULL */
  ThumbingPipeline *next;           /* checked, waiting for the running one to finish */
} Run;

/* --log-format=json: every line on stderr is a JSON object. */
static gboolean log_json;


typedef enum {
  REPORT_INFO,
  REPORT_WARNING,
  REPORT_ERROR,
} ReportLevel;

/* One line about the run, not about an item, as the log format says. */
static void
report (ReportLevel  level,
        const char  *message)
{
  static const char * const json_levels[] = { "info", "warning", "error" };

  if (log_json)
    thumbing_json_log (json_levels[level], NULL, message, NULL);
  else if (level == REPORT_ERROR)
    cli_print_line (_("thumbing: error: %s"), message);
  else if (level == REPORT_WARNING)
    cli_print_line (_("thumbing: warning: %s"), message);
  else
    cli_print_line ("thumbing: %s", message);
}

/* GLib's messages quote outside input too: escape them before the default
 * writer (the terminal, or the journal) sees them, or write them as JSON. */
static GLogWriterOutput
write_escaped_log (GLogLevelFlags   level,
                   const GLogField *fields,
                   gsize            n_fields,
                   gpointer         data)
{
  g_autofree GLogField *copy = NULL;
  g_autofree char *safe = NULL;

  if (log_json)
    return thumbing_json_log_writer (level, fields, n_fields, data);
  copy = g_memdup2 (fields, n_fields * sizeof (GLogField));
  for (gsize i = 0; i < n_fields; i++)
    if (strcmp (copy[i].key, "MESSAGE") == 0 && copy[i].length < 0)
      {
        safe = thumbing_text_escape_controls (copy[i].value);
        copy[i].value = safe;
        break;
      }
  return g_log_writer_default (level, copy, n_fields, data);
}

static void
clear_progress_line (Run *run)
{
  if (run->progress_shown)
    {
      fputs ("\r\033[K", stderr);
      run->progress_shown = FALSE;
    }
}

static char *
format_duration (double seconds)
{
  if (seconds < 60)
    return g_strdup_printf ("%.0fs", seconds);
  if (seconds < 3600)
    return g_strdup_printf ("%dm%02ds", (int) seconds / 60, (int) seconds % 60);
  return g_strdup_printf ("%dh%02dm", (int) seconds / 3600, ((int) seconds % 3600) / 60);
}

static gboolean
show_progress (gpointer user_data)
{
  Run *run = user_data;
  guint done = thumbing_pipeline_get_n_succeeded (run->pipeline) + thumbing_pipeline_get_n_failed (run->pipeline);
  gint64 total = thumbing_pipeline_get_total_hint (run->pipeline);
  double elapsed = (g_get_monotonic_time () - run->started_us) / 1e6;
  double rate = elapsed > 0 ? done / elapsed : 0;
  g_autoptr(GString) line = g_string_new (NULL);

  if (total >= 0)
    {
      g_autofree char *total_text = g_strdup_printf ("%" G_GINT64_FORMAT, total);

      g_string_append_printf (line, _("%u/%s done"), done, total_text);
    }
  else
    g_string_append_printf (line, _("%u done"), done);
  if (thumbing_pipeline_get_n_failed (run->pipeline) > 0)
    g_string_append_printf (line, _(", %u failed"), thumbing_pipeline_get_n_failed (run->pipeline));
  g_string_append_printf (line, _(", %.1f images/s"), rate);
  if (total >= 0 && rate > 0 && (gint64) done < total)
    {
      g_autofree char *eta = format_duration ((total - done) / rate);

      g_string_append_printf (line, _(", ETA %s"), eta);
    }

  fprintf (stderr, "\r\033[K%s", line->str);
  fflush (stderr);
  run->progress_shown = TRUE;
  return G_SOURCE_CONTINUE;
}

/* Under systemd, stderr is the journal: an item's failure goes there as one
 * entry whose fields (THUMBING_ITEM_ID, THUMBING_SOURCE_ID, THUMBING_ORIGIN,
 * THUMBING_TRACE) journalctl can match, as `journalctl THUMBING_ITEM_ID=…`. */
static void
journal_item_error (ThumbingItem *item,
                    const char   *message)
{
  const char *optional[][2] = {
    { "THUMBING_SOURCE_ID", thumbing_item_get_metadata (item, THUMBING_METADATA_SOURCE_ID) },
    { "THUMBING_TRACE", thumbing_item_get_metadata (item, THUMBING_METADATA_TRACE_HEADER) },
  };
  GLogField fields[8] = {
    { "MESSAGE", message, -1 },
    { "PRIORITY", "3", -1 },
    { "GLIB_DOMAIN", "thumbing", -1 },
    { "THUMBING_ITEM_ID", thumbing_item_get_id (item), -1 },
    { "THUMBING_ORIGIN", thumbing_item_get_public_origin (item), -1 },
  };
  gsize n = 5;

  for (guint i = 0; i < G_N_ELEMENTS (optional); i++)
    if (optional[i][1] != NULL)
      fields[n++] = (GLogField) { optional[i][0], optional[i][1], -1 };
  g_log_structured_array (G_LOG_LEVEL_MESSAGE, fields, n);
}

static void
on_item_done (ThumbingPipeline *pipeline,
              ThumbingItem     *item,
              const GError     *error,
              Run              *run)
{
  if (error == NULL)
    return;
  clear_progress_line (run);
  if (log_json)
    thumbing_json_log ("error", item, error->message, NULL);
  else if (g_log_writer_is_journald (fileno (stderr)))
    journal_item_error (item, error->message);
  else
    cli_print_line (_("thumbing: error: %s"), error->message);
}

static void
on_warning (ThumbingPipeline *pipeline,
            const char       *message,
            Run              *run)
{
  clear_progress_line (run);
  report (REPORT_WARNING, message);
}

static gboolean
on_signal (gpointer user_data)
{
  Run *run = user_data;

  if (++run->signals > 1)
    {
      clear_progress_line (run);
      fprintf (stderr, _("thumbing: stopped at once; %u items were in flight and stay unacknowledged\n"),
               thumbing_pipeline_get_n_in_flight (run->pipeline));
      _exit (128 + SIGINT);
    }
  clear_progress_line (run);
  if (log_json)
    {
      g_autofree char *message = g_strdup_printf (_("stopping: finishing %u items in flight"),
                                                  thumbing_pipeline_get_n_in_flight (run->pipeline));

      thumbing_json_log ("info", NULL, message, NULL);
    }
  else
    fprintf (stderr, _("thumbing: stopping: finishing %u items in flight (signal again to quit at once)\n"),
             thumbing_pipeline_get_n_in_flight (run->pipeline));
  thumbing_systemd_notify ("STOPPING=1\nSTATUS=stopping: finishing what is in flight");
  thumbing_pipeline_stop (run->pipeline);
  return G_SOURCE_CONTINUE;
}

/* Under systemd: the counts in `systemctl status`. */
static gboolean
notify_status (gpointer user_data)
{
  Run *run = user_data;
  g_autofree char *state = g_strdup_printf ("STATUS=processed %u, failed %u, in flight %u",
                                            thumbing_pipeline_get_n_succeeded (run->pipeline),
                                            thumbing_pipeline_get_n_failed (run->pipeline),
                                            thumbing_pipeline_get_n_in_flight (run->pipeline));

  thumbing_systemd_notify (state);
  return G_SOURCE_CONTINUE;
}

/* Sent from the main loop, so a loop that stopped turning is restarted. */
static gboolean
notify_watchdog (gpointer user_data)
{
  thumbing_systemd_notify ("WATCHDOG=1");
  return G_SOURCE_CONTINUE;
}

#ifdef __GLIBC__
/* The heap keeps freed buffers for the next image (see main), and the
 * holes left between them add up: in a 100,000 image soak (bench/soak.py,
 * then with four arenas) the peaks rose from 427 to 491 MiB over the first
 * quarter without this, and stayed near 420 MiB with it. Handing back what
 * is free now and then costs refaulting a few buffers. */
#define HEAP_TRIM_SECONDS 10

static gboolean
trim_heap (gpointer user_data)
{
  malloc_trim (0);
  return G_SOURCE_CONTINUE;
}
#endif

/* The first turn of the main loop comes after every element started. */
static gboolean
notify_ready (gpointer user_data)
{
  Run *run = user_data;

  run->ready_idle = 0;
  if (thumbing_pipeline_is_running (run->pipeline))
    {
      thumbing_systemd_notify ("READY=1");
      notify_status (run);
    }
  return G_SOURCE_REMOVE;
}

static void
print_registry_problems (void)
{
  const char * const *problems = thumbing_registry_get_problems (thumbing_registry_get_default ());

  for (guint i = 0; problems[i] != NULL; i++)
    cli_print_line (_("thumbing: warning: %s"), problems[i]);
}

static gboolean apply_run_options (ThumbingPipeline *pipeline);

/* SIGHUP: the file is read and checked again; only a valid pipeline takes
 * over, once the running one has finished what it has in flight. */
static gboolean
on_reload (gpointer user_data)
{
  Run *run = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(ThumbingPipeline) next = NULL;

  if (run->next != NULL || run->signals > 0)
    return G_SOURCE_CONTINUE;
  next = thumbing_pipeline_new_from_file (run->file, &error);
  if (next != NULL && !thumbing_pipeline_check (next, &error))
    g_clear_object (&next);
  if (next == NULL || !apply_run_options (next))
    {
      g_autofree char *message = g_strdup_printf (_("reload refused, the running pipeline stays: %s"),
                                                  error != NULL ? error->message : _("see above"));

      clear_progress_line (run);
      report (REPORT_ERROR, message);
      return G_SOURCE_CONTINUE;
    }
  {
    g_autofree char *message = g_strdup_printf (_("reloading %s: the running pipeline finishes its %u items first"),
                                                run->file, thumbing_pipeline_get_n_in_flight (run->pipeline));

    clear_progress_line (run);
    report (REPORT_INFO, message);
  }
  thumbing_systemd_notify ("RELOADING=1");
  run->next = g_steal_pointer (&next);
  thumbing_pipeline_stop (run->pipeline);
  return G_SOURCE_CONTINUE;
}

/* Runs @pipeline until it ends; with @file, SIGHUP swaps in the pipeline the
 * file describes then, and the run goes on with it. */
static int
run_pipeline (ThumbingPipeline *pipeline,
              const char       *file,
              gboolean          quiet)
{
  g_autoptr(GError) error = NULL;
  Run run = { g_object_ref (pipeline), FALSE, FALSE, 0, 0, 0 };
  guint sigint, sigterm, sighup = 0;
  double elapsed;
  guint failed = 0, succeeded = 0;
  gboolean ok;

  run.file = file;
  run.progress = !quiet && isatty (STDERR_FILENO);
  run.started_us = g_get_monotonic_time ();
  sigint = g_unix_signal_add (SIGINT, on_signal, &run);
  sigterm = g_unix_signal_add (SIGTERM, on_signal, &run);
  if (file != NULL)
    sighup = g_unix_signal_add (SIGHUP, on_reload, &run);
  if (run.progress)
    run.progress_timer = g_timeout_add (250, show_progress, &run);
#ifdef __GLIBC__
  if (g_getenv ("THUMBING_NO_MALLOPT") == NULL)
    run.trim_timer = g_timeout_add_seconds (HEAP_TRIM_SECONDS, trim_heap, NULL);
#endif
  if (g_getenv ("NOTIFY_SOCKET") != NULL)
    {
      run.status_timer = g_timeout_add_seconds (5, notify_status, &run);
      if (thumbing_systemd_watchdog_interval () > 0)
        run.watchdog_timer = g_timeout_add (thumbing_systemd_watchdog_interval (), notify_watchdog, &run);
    }

  for (;;)
    {
      if (g_getenv ("NOTIFY_SOCKET") != NULL)
        run.ready_idle = g_idle_add (notify_ready, &run);
      g_signal_connect (run.pipeline, "item-done", G_CALLBACK (on_item_done), &run);
      g_signal_connect (run.pipeline, "warning", G_CALLBACK (on_warning), &run);
      ok = thumbing_pipeline_run (run.pipeline, &error);
      /* A start that failed leaves READY=1 unsent. */
      if (run.ready_idle != 0)
        g_source_remove (run.ready_idle);
      run.ready_idle = 0;
      succeeded += thumbing_pipeline_get_n_succeeded (run.pipeline);
      failed += thumbing_pipeline_get_n_failed (run.pipeline);
      g_signal_handlers_disconnect_by_data (run.pipeline, &run);
      if (!ok || run.next == NULL || run.signals > 0)
        break;
      g_object_unref (run.pipeline);
      run.pipeline = g_steal_pointer (&run.next);
    }

  g_source_remove (sigint);
  g_source_remove (sigterm);
  if (sighup != 0)
    g_source_remove (sighup);
  if (run.progress_timer != 0)
    g_source_remove (run.progress_timer);
  if (run.status_timer != 0)
    g_source_remove (run.status_timer);
  if (run.watchdog_timer != 0)
    g_source_remove (run.watchdog_timer);
  if (run.trim_timer != 0)
    g_source_remove (run.trim_timer);
  clear_progress_line (&run);
  g_clear_object (&run.next);
  g_clear_object (&run.pipeline);

  if (!ok)
    {
      report (REPORT_ERROR, error->message);
      if (g_error_matches (error, THUMBING_ERROR, THUMBING_ERROR_CONFIG)
          || g_error_matches (error, THUMBING_ERROR, THUMBING_ERROR_INCOMPATIBLE)
          || g_error_matches (error, THUMBING_ERROR, THUMBING_ERROR_MISSING_PROPERTY))
        {
          thumbing_registry_report_start_failure (thumbing_registry_get_default (), error);
          return EXIT_USAGE;
        }
      return EXIT_FAILED;
    }

  elapsed = (g_get_monotonic_time () - run.started_us) / 1e6;
  if (log_json)
    {
      g_autofree char *message = g_strdup_printf (_("processed %u, failed %u"), succeeded, failed);
      g_autofree char *processed = g_strdup_printf ("%u", succeeded);
      g_autofree char *failures = g_strdup_printf ("%u", failed);
      char seconds[G_ASCII_DTOSTR_BUF_SIZE];

      thumbing_json_log ("info", NULL, message, "processed", processed, "failed", failures,
                         "elapsed_seconds", g_ascii_formatd (seconds, sizeof seconds, "%.2f", elapsed), NULL);
    }
  else
    fprintf (stderr, _("thumbing: processed %u, failed %u, elapsed %.2f s (%.1f images/s)\n"),
             succeeded, failed, elapsed, elapsed > 0 ? (succeeded + failed) / elapsed : 0.0);
  return failed > 0 ? EXIT_FAILED : EXIT_OK;
}

static gboolean opt_once;
static gboolean opt_quiet;
static int opt_max_in_flight;
static int opt_workers = -1;
static char *opt_metrics_address;
static char *opt_log_format;

static const GOptionEntry run_entries[] = {
  { "once", 0, 0, G_OPTION_ARG_NONE, &opt_once, N_("Process what is there now, then exit"), NULL },
  { "max-in-flight", 0, 0, G_OPTION_ARG_INT, &opt_max_in_flight, N_("Items in flight at once (overrides the pipeline)"), "N" },
  { "workers", 0, 0, G_OPTION_ARG_INT, &opt_workers, N_("Worker threads (0: one per processor)"), "N" },
  { "quiet", 'q', 0, G_OPTION_ARG_NONE, &opt_quiet, N_("No progress line"), NULL },
  { "log-format", 0, 0, G_OPTION_ARG_STRING, &opt_log_format,
    N_("text (the default) or json: one JSON object per line, item lines with their item_id"), N_("FORMAT") },
  { "metrics-address", 0, 0, G_OPTION_ARG_STRING, &opt_metrics_address,
    N_("Serve /metrics, /healthz and /readyz on this address (a metrics-server service)"), N_("HOST:PORT") },
  G_OPTION_ENTRY_NULL
};

static gboolean
apply_run_options (ThumbingPipeline *pipeline)
{
  if (opt_max_in_flight < 0 || opt_max_in_flight > 10000 || opt_workers > 1024)
    {
      fprintf (stderr, _("thumbing: --max-in-flight takes 1 to 10000, --workers 0 to 1024\n"));
      return FALSE;
    }
  if (opt_max_in_flight > 0)
    thumbing_pipeline_set_max_in_flight (pipeline, opt_max_in_flight);
  if (opt_workers >= 0)
    thumbing_pipeline_set_workers (pipeline, opt_workers);
  thumbing_pipeline_set_once (pipeline, opt_once);
  if (log_json)
    {
      /* Its log stages print result documents, one JSON line each, too. */
      g_autoptr(GList) elements = thumbing_pipeline_list_elements (pipeline);

      for (GList *l = elements; l != NULL; l = l->next)
        if (g_strcmp0 (thumbing_element_get_factory_name (l->data), "log") == 0)
          g_object_set (l->data, "json", TRUE, NULL);
    }
  if (opt_metrics_address != NULL)
    g_object_set (pipeline, "metrics-address", opt_metrics_address, NULL);
  return TRUE;
}

/* --log-format: checked before anything is printed. */
static gboolean
set_log_format (void)
{
  if (opt_log_format == NULL || strcmp (opt_log_format, "text") == 0)
    return TRUE;
  if (strcmp (opt_log_format, "json") != 0)
    {
      cli_print_line (_("thumbing: --log-format takes text or json, not “%s”"), opt_log_format);
      return FALSE;
    }
  log_json = TRUE;
  return TRUE;
}

/* Runs what run or launch built, or reports why it could not be built. */
static int
run_built_pipeline (ThumbingPipeline *pipeline,
                    const char       *file,
                    const GError     *build_error)
{
  if (pipeline == NULL)
    {
      print_registry_problems ();
      report (REPORT_ERROR, build_error->message);
      thumbing_registry_report_start_failure (thumbing_registry_get_default (), build_error);
      return EXIT_USAGE;
    }
  if (!apply_run_options (pipeline))
    return EXIT_USAGE;
  return run_pipeline (pipeline, file, opt_quiet);
}

static int
command_run (int    argc,
             char **argv)
{
  g_autoptr(ThumbingPipeline) pipeline = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *file = NULL;

  if (!cli_parse_options (&argc, &argv, _("FILE.conf"),
                      _("Runs the pipeline a keyfile describes, as a daemon or, with --once, as a batch."),
                      run_entries)
      || !set_log_format ())
    return EXIT_USAGE;
  if (argc != 2)
    {
      fprintf (stderr, _("thumbing run: give one pipeline file (see thumbing run --help)\n"));
      return EXIT_USAGE;
    }

  file = cli_resolve_pipeline_file (argv[1]);
  pipeline = thumbing_pipeline_new_from_file (file, &error);
  return run_built_pipeline (pipeline, file, error);
}

/* Arguments holding spaces were one word to the shell: keep them one. */
static char *
join_launch_arguments (int    argc,
                       char **argv)
{
  g_autoptr(GString) text = g_string_new (NULL);

  for (int i = 1; i < argc; i++)
    {
      const char *arg = argv[i];
      const char *eq = strchr (arg, '=');

      if (i > 1)
        g_string_append_c (text, ' ');
      if (argc > 2 && eq != NULL && strpbrk (arg, " \t") != NULL)
        {
          g_autofree char *escaped = g_strescape (eq + 1, NULL);

          g_string_append_len (text, arg, eq - arg + 1);
          g_string_append_printf (text, "\"%s\"", escaped);
        }
      else
        g_string_append (text, arg);
    }
  return g_string_free (g_steal_pointer (&text), FALSE);
}

static int
command_launch (int    argc,
                char **argv)
{
  g_autoptr(ThumbingPipeline) pipeline = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *description = NULL;

  if (!cli_parse_options (&argc, &argv, _("'ELEMENT key=value ! ELEMENT … [! ( BRANCH ) ( BRANCH )]'"),
                      _("Runs a pipeline written inline, as in\n"
                        "  thumbing launch 'folder-source path=in ! resize width=512 height=512 ! png-encode ! folder-sink path=out'"),
                      run_entries)
      || !set_log_format ())
    return EXIT_USAGE;
  if (argc < 2)
    {
      fprintf (stderr, _("thumbing launch: give a pipeline (see thumbing launch --help)\n"));
      return EXIT_USAGE;
    }

  description = join_launch_arguments (argc, argv);
  pipeline = thumbing_pipeline_new_from_launch (description, &error);
  return run_built_pipeline (pipeline, NULL, error);
}

static gboolean opt_verbose;

static const GOptionEntry check_entries[] = {
  { "verbose", 'v', 0, G_OPTION_ARG_NONE, &opt_verbose, N_("Print each pipeline as a launch string"), NULL },
  G_OPTION_ENTRY_NULL
};

static int
command_check (int    argc,
               char **argv)
{
  int status = EXIT_OK;

  if (!cli_parse_options (&argc, &argv, _("FILE.conf…"),
                      _("Validates pipeline files without running them: elements, keys, values, "
                        "${VAR} expansion, the chain’s media and required properties."),
                      check_entries))
    return EXIT_USAGE;
  if (argc < 2)
    {
      fprintf (stderr, _("thumbing check: give at least one pipeline file\n"));
      return EXIT_USAGE;
    }

  for (int i = 1; i < argc; i++)
    {
      g_autoptr(ThumbingPipeline) pipeline = NULL;
      g_autoptr(GError) error = NULL;
      g_autofree char *file = cli_resolve_pipeline_file (argv[i]);

      pipeline = thumbing_pipeline_new_from_file (file, &error);
      if (pipeline != NULL && thumbing_pipeline_check (pipeline, &error))
        {
          printf (_("%s: ok\n"), file);
          if (opt_verbose)
            {
              g_autofree char *description = thumbing_pipeline_describe (pipeline);

              printf ("  %s\n", description);
            }
          continue;
        }
      cli_print_line ("%s", error->message);
      status = EXIT_FAILED;
    }
  if (status != EXIT_OK)
    print_registry_problems ();
  return status;
}

static const char *
kind_name (ThumbingElementKind kind)
{
  switch (kind)
    {
    case THUMBING_ELEMENT_KIND_SOURCE:
      return _("source");
    case THUMBING_ELEMENT_KIND_SINK:
      return _("sink");
    case THUMBING_ELEMENT_KIND_SERVICE:
      return _("service");
    case THUMBING_ELEMENT_KIND_TRANSFORM:
    default:
      return _("transform");
    }
}

static char *
join_or (const char * const *list,
         const char         *fallback)
{
  return list != NULL && list[0] != NULL ? g_strjoinv ("; ", (char **) list) : g_strdup (fallback);
}

static char *
describe_value (GParamSpec   *pspec,
                const GValue *value)
{
  if (G_VALUE_HOLDS_STRING (value))
    return g_value_get_string (value) != NULL ? g_strdup_printf ("\"%s\"", g_value_get_string (value))
                                              : g_strdup (_("(none)"));
  if (G_VALUE_HOLDS_ENUM (value))
    {
      g_autoptr(GEnumClass) klass = g_type_class_ref (G_VALUE_TYPE (value));
      GEnumValue *ev = g_enum_get_value (klass, g_value_get_enum (value));

      return g_strdup (ev != NULL ? ev->value_nick : "?");
    }
  if (G_VALUE_HOLDS_BOOLEAN (value))
    return g_strdup (g_value_get_boolean (value) ? "true" : "false");
  /* A list left unset means what the description says. */
  if (G_VALUE_HOLDS (value, G_TYPE_STRV))
    return g_value_get_boxed (value) != NULL ? g_strjoinv (";", g_value_get_boxed (value)) : g_strdup (_("(none)"));
  return g_strdup_value_contents (value);
}

static void
print_property (GParamSpec *pspec)
{
  GType type = G_PARAM_SPEC_VALUE_TYPE (pspec);
  g_autofree char *default_text = describe_value (pspec, g_param_spec_get_default_value (pspec));
  const char *type_name = g_type_name (type);

  if (type == G_TYPE_INT || type == G_TYPE_UINT || type == G_TYPE_INT64 || type == G_TYPE_UINT64)
    type_name = "integer";
  else if (type == G_TYPE_BOOLEAN)
    type_name = "boolean";
  else if (type == G_TYPE_DOUBLE)
    type_name = "number";
  else if (G_TYPE_IS_ENUM (type))
    type_name = "enum";
  else if (G_TYPE_IS_FLAGS (type))
    type_name = "flags";
  else if (type == G_TYPE_STRING)
    type_name = "string";
  else if (type == G_TYPE_STRV)
    type_name = "list";

  printf ("  %-20s %s%s. %s\n", pspec->name, type_name,
          (pspec->flags & THUMBING_PARAM_REQUIRED) ? _(", required") : "",
          g_param_spec_get_blurb (pspec) != NULL ? g_param_spec_get_blurb (pspec) : "");

  if (G_IS_PARAM_SPEC_INT (pspec))
    printf ("  %-20s %s %d – %d\n", "", _("Range:"), G_PARAM_SPEC_INT (pspec)->minimum, G_PARAM_SPEC_INT (pspec)->maximum);
  else if (G_IS_PARAM_SPEC_UINT (pspec))
    printf ("  %-20s %s %u – %u\n", "", _("Range:"), G_PARAM_SPEC_UINT (pspec)->minimum, G_PARAM_SPEC_UINT (pspec)->maximum);
  else if (G_IS_PARAM_SPEC_UINT64 (pspec))
    printf ("  %-20s %s %" G_GUINT64_FORMAT " – %" G_GUINT64_FORMAT "\n", "", _("Range:"),
            G_PARAM_SPEC_UINT64 (pspec)->minimum, G_PARAM_SPEC_UINT64 (pspec)->maximum);
  else if (G_IS_PARAM_SPEC_INT64 (pspec))
    printf ("  %-20s %s %" G_GINT64_FORMAT " – %" G_GINT64_FORMAT "\n", "", _("Range:"),
            G_PARAM_SPEC_INT64 (pspec)->minimum, G_PARAM_SPEC_INT64 (pspec)->maximum);
  else if (G_IS_PARAM_SPEC_DOUBLE (pspec))
    printf ("  %-20s %s %g – %g\n", "", _("Range:"), G_PARAM_SPEC_DOUBLE (pspec)->minimum, G_PARAM_SPEC_DOUBLE (pspec)->maximum);
  else if (G_IS_PARAM_SPEC_ENUM (pspec))
    {
      GEnumClass *klass = G_PARAM_SPEC_ENUM (pspec)->enum_class;
      g_autoptr(GString) values = g_string_new (NULL);

      for (guint i = 0; i < klass->n_values; i++)
        g_string_append_printf (values, "%s%s", i > 0 ? ", " : "", klass->values[i].value_nick);
      printf ("  %-20s %s %s\n", "", _("Values:"), values->str);
    }
  printf ("  %-20s %s %s\n", "", _("Default:"), default_text);
}

static int
inspect_one (ThumbingRegistry *registry,
             const char       *name)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(ThumbingElement) element = thumbing_registry_create_element (registry, name, NULL, &error);
  ThumbingElementFactory *factory;
  g_autofree GParamSpec **pspecs = NULL;
  g_autofree char *accepts = NULL;
  g_autofree char *produces = NULL;
  g_autofree char *permissions = NULL;
  g_autofree char *reads = NULL;
  g_autofree char *leaves = NULL;
  ThumbingPlugin *plugin = NULL;
  GList *plugins;
  guint n_pspecs = 0;

  if (element == NULL)
    {
      cli_print_line (_("thumbing: error: %s"), error->message);
      return EXIT_FAILED;
    }
  factory = thumbing_registry_lookup (registry, name);
  plugins = thumbing_registry_list_plugins (registry);
  for (GList *l = plugins; l != NULL; l = l->next)
    if (g_strcmp0 (thumbing_plugin_get_name (l->data), thumbing_element_factory_get_plugin_name (factory)) == 0)
      plugin = l->data;
  g_list_free (plugins);

  accepts = join_or (thumbing_element_factory_get_accepts (factory), _("(nothing: a source)"));
  produces = join_or (thumbing_element_factory_get_produces (factory), _("(what it accepts, unchanged)"));
  permissions = join_or (thumbing_element_factory_get_permissions (factory), _("(none)"));
  reads = join_or (thumbing_element_factory_get_metadata_reads (factory), _("(none)"));
  leaves = join_or (thumbing_element_factory_get_metadata_leaves (factory), _("(none)"));

  printf (_("Element\n"));
  printf ("  %-20s %s\n", _("Name"), thumbing_element_factory_get_name (factory));
  printf ("  %-20s %s\n", _("Kind"), kind_name (thumbing_element_factory_get_kind (factory)));
  printf ("  %-20s %s\n", _("Description"), thumbing_element_factory_get_description (factory));
  printf ("  %-20s %s%s%s%s\n", _("Plugin"), thumbing_element_factory_get_plugin_name (factory),
          plugin != NULL && thumbing_plugin_get_filename (plugin) != NULL ? " (" : "",
          plugin != NULL && thumbing_plugin_get_filename (plugin) != NULL ? thumbing_plugin_get_filename (plugin) : "",
          plugin != NULL && thumbing_plugin_get_filename (plugin) != NULL ? ")" : "");
  printf ("  %-20s %s\n", _("Accepts"), accepts);
  printf ("  %-20s %s\n", _("Produces"), produces);
  printf ("  %-20s %s\n", _("Permissions"), permissions);
  printf ("  %-20s %s\n", _("Reads metadata"), reads);
  printf ("  %-20s %s\n", _("Leaves metadata"), leaves);
  printf (_("\nProperties\n"));

  pspecs = g_object_class_list_properties (G_OBJECT_GET_CLASS (element), &n_pspecs);
  for (guint i = 0; i < n_pspecs; i++)
    if ((pspecs[i]->flags & G_PARAM_WRITABLE) && strcmp (pspecs[i]->name, "name") != 0)
      print_property (pspecs[i]);
  return EXIT_OK;
}

static int
command_inspect (int    argc,
                 char **argv)
{
  ThumbingRegistry *registry;
  GList *factories;

  if (!cli_parse_options (&argc, &argv, _("[ELEMENT]"),
                      _("Lists the elements, or describes one with all its properties."), NULL))
    return EXIT_USAGE;
  registry = thumbing_registry_get_default ();
  print_registry_problems ();
  if (argc > 2)
    {
      fprintf (stderr, _("thumbing inspect: give at most one element\n"));
      return EXIT_USAGE;
    }
  if (argc == 2)
    return inspect_one (registry, argv[1]);

  factories = thumbing_registry_list_factories (registry);
  for (GList *l = factories; l != NULL; l = l->next)
    printf ("%-16s %-10s %-6s %s\n",
            thumbing_element_factory_get_name (l->data),
            kind_name (thumbing_element_factory_get_kind (l->data)),
            thumbing_element_factory_get_plugin_name (l->data),
            thumbing_element_factory_get_description (l->data));
  if (factories == NULL)
    fprintf (stderr, _("thumbing: no elements found; is THUMBING_PLUGIN_PATH set?\n"));
  g_list_free (factories);
  return EXIT_OK;
}

static void
print_usage (FILE *out)
{
  fprintf (out, "%s",
           _("Usage: thumbing COMMAND [OPTION…]\n"
             "\n"
             "Commands:\n"
             "  run FILE.conf     Run a pipeline file (--once: process what is there, then exit)\n"
             "  launch PIPELINE   Run a pipeline written inline\n"
             "  inspect [ELEMENT] List the elements, or describe one\n"
             "  check FILE.conf…  Validate pipeline files without running them\n"
             "  synth FILE.conf   Print the AWS CloudFormation template (or --policy) it deploys as\n"
             "  deploy FILE.conf  Create or update that stack (--stack-name NAME), following its events\n"
             "\n"
             "Options:\n"
             "  --version         Print the version\n"
             "  --help            Print this help; COMMAND --help describes a command\n"));
}

int
main (int    argc,
      char **argv)
{
  static const struct {
    const char *name;
    int (*func) (int argc, char **argv);
  } commands[] = {
    { "run", command_run },
    { "launch", command_launch },
    { "inspect", command_inspect },
    { "check", command_check },
    { "synth", cli_run_stack_program },
    { "deploy", cli_run_stack_program },
  };

#ifdef __GLIBC__
  /* Every image needs the same large buffers again: kept in the heap rather
   * than handed back to the kernel, they spare a page fault per page of
   * every image, about a seventh of a thumbnail's time. glibc's default of
   * eight arenas per processor lets each of libvips's threads keep its own
   * heap of such buffers, and the daemon's size wander with the image mix:
   * even with four, a thread moving to another arena left a step of one
   * more set of buffers (65 then 73 MiB for a stream of 2 MP JPEGs). One
   * arena holds one set (55 MiB, flat) at the same speed with two workers,
   * small blocks coming from each thread's cache without its lock; what
   * stays free is handed back every HEAP_TRIM_SECONDS. free() trims the
   * heap's top past M_TRIM_THRESHOLD at once: at 64 MiB, a progressive
   * 5120×2880 JPEG's coefficient buffers (44 MB, freed together) went back
   * every image and were refaulted, 15 ms of each one's 150. THUMBING_NO_MALLOPT
   * keeps glibc's defaults, to compare (bench/soak.py --no-mallopt). */
  if (g_getenv ("THUMBING_NO_MALLOPT") == NULL)
    {
      mallopt (M_MMAP_THRESHOLD, 32 * 1024 * 1024);
      mallopt (M_TRIM_THRESHOLD, 128 * 1024 * 1024);
      mallopt (M_ARENA_MAX, 1);
    }
#endif
  cli_set_up_locale ();
  g_set_prgname ("thumbing");
  g_log_set_writer_func (write_escaped_log, NULL, NULL);
  cli_add_static_plugins ();

  if (argc < 2 || strcmp (argv[1], "--help") == 0 || strcmp (argv[1], "-h") == 0 || strcmp (argv[1], "help") == 0)
    {
      print_usage (argc < 2 ? stderr : stdout);
      return argc < 2 ? EXIT_USAGE : EXIT_OK;
    }
  if (strcmp (argv[1], "--version") == 0)
    {
      printf ("thumbing %s\n", THUMBING_VERSION_STRING);
      return EXIT_OK;
    }

  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    if (strcmp (argv[1], commands[i].name) == 0)
      {
        g_autofree char *prgname = g_strdup_printf ("thumbing %s", commands[i].name);

        g_set_prgname (prgname);
        return commands[i].func (argc - 1, argv + 1);
      }

  fprintf (stderr, _("thumbing: unknown command “%s”\n\n"), argv[1]);
  print_usage (stderr);
  return EXIT_USAGE;
}
