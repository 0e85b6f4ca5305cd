/* thumbing-stack.c: `thumbing synth` and `thumbing deploy`, in a program of their own
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The thumbing program runs this one for these two commands (see
 * cli_run_stack_program()), so the AWS client's libsoup is loaded only
 * when a stack is synthesised or deployed.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <glib/gi18n.h>
#include <thumbing/thumbing.h>

#include "thumbing-cli.h"
#include "thumbing-deploy.h"
#include "thumbing-synth.h"

static char *opt_synth_output;
static char *opt_synth_format;
static gboolean opt_synth_policy;

static const GOptionEntry synth_entries[] = {
  { "output", 'o', 0, G_OPTION_ARG_FILENAME, &opt_synth_output, N_("Write to FILE instead of standard output"), N_("FILE") },
  { "format", 0, 0, G_OPTION_ARG_STRING, &opt_synth_format, N_("json (default) or yaml"), N_("FORMAT") },
  { "policy", 0, 0, G_OPTION_ARG_NONE, &opt_synth_policy,
    N_("Print only the IAM policy of the pipeline's elements, for hosts that run the daemon"), NULL },
  G_OPTION_ENTRY_NULL
};

static int
command_synth (int    argc,
               char **argv)
{
  g_autoptr(JsonNode) document = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *file = NULL;
  g_autofree char *text = NULL;
  gboolean yaml;

  if (!cli_parse_options (&argc, &argv, _("FILE.conf"),
                      _("Prints an AWS CloudFormation template for the pipeline: its buckets, queue, function, topic, "
                        "CDN and IAM policy, each permission scoped to what the elements' properties name. "
                        "Properties written as ${VAR} become template parameters."),
                      synth_entries))
    return EXIT_USAGE;
  if (argc != 2)
    {
      fprintf (stderr, _("thumbing synth: give one pipeline file (see thumbing synth --help)\n"));
      return EXIT_USAGE;
    }
  if (opt_synth_format != NULL && strcmp (opt_synth_format, "json") != 0 && strcmp (opt_synth_format, "yaml") != 0)
    {
      cli_print_line (_("thumbing synth: --format takes json or yaml, not “%s”"), opt_synth_format);
      return EXIT_USAGE;
    }
  yaml = g_strcmp0 (opt_synth_format, "yaml") == 0;

  file = cli_resolve_pipeline_file (argv[1]);
  document = thumbing_synth (file, opt_synth_policy ? THUMBING_SYNTH_POLICY : THUMBING_SYNTH_TEMPLATE, &error);
  if (document == NULL)
    {
      cli_print_line (_("thumbing synth: %s"), error->message);
      return EXIT_FAILED;
    }
  if (yaml)
    text = thumbing_synth_to_yaml (document);
  else
    {
      g_autoptr(JsonGenerator) generator = json_generator_new ();

      json_generator_set_pretty (generator, TRUE);
      json_generator_set_root (generator, document);
      text = json_generator_to_data (generator, NULL);
      text = g_realloc (text, strlen (text) + 2);
      strcat (text, "\n");
    }
  if (opt_synth_output == NULL)
    {
      fputs (text, stdout);
      return fflush (stdout) == 0 ? EXIT_OK : EXIT_FAILED;
    }
  if (!g_file_set_contents (opt_synth_output, text, -1, &error))
    {
      cli_print_line (_("thumbing synth: %s"), error->message);
      return EXIT_FAILED;
    }
  return EXIT_OK;
}

static char *opt_deploy_stack;
static char **opt_deploy_parameters;
static char *opt_deploy_code;
static char *opt_deploy_artifacts;
static gboolean opt_deploy_dry_run;

static const GOptionEntry deploy_entries[] = {
  { "stack-name", 0, 0, G_OPTION_ARG_STRING, &opt_deploy_stack, N_("The CloudFormation stack to create or update"), N_("NAME") },
  { "parameter", 'p', 0, G_OPTION_ARG_STRING_ARRAY, &opt_deploy_parameters,
    N_("A template parameter's value (repeat for more)"), N_("KEY=VALUE") },
  { "code", 0, 0, G_OPTION_ARG_FILENAME, &opt_deploy_code,
    N_("The Lambda zip to upload (data/package-lambda.sh makes it)"), N_("FILE.zip") },
  { "artifacts-bucket", 0, 0, G_OPTION_ARG_STRING, &opt_deploy_artifacts, N_("The bucket --code is uploaded to"), N_("BUCKET") },
  { "dry-run", 0, 0, G_OPTION_ARG_NONE, &opt_deploy_dry_run, N_("Print the change set, and change nothing"), NULL },
  G_OPTION_ENTRY_NULL
};

static int
command_deploy (int    argc,
                char **argv)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *file = NULL;
  ThumbingDeployOptions options = { 0 };

  if (!cli_parse_options (&argc, &argv, _("FILE.conf --stack-name NAME"),
                      _("Creates or updates the CloudFormation stack thumbing synth derives from the pipeline, "
                        "through a change set, and follows its events until it settles."),
                      deploy_entries))
    return EXIT_USAGE;
  if (argc != 2 || opt_deploy_stack == NULL)
    {
      fprintf (stderr, _("thumbing deploy: give one pipeline file and --stack-name (see thumbing deploy --help)\n"));
      return EXIT_USAGE;
    }
  file = cli_resolve_pipeline_file (argv[1]);
  options.file = file;
  options.stack_name = opt_deploy_stack;
  options.parameters = (const char * const *) opt_deploy_parameters;
  options.code = opt_deploy_code;
  options.artifacts_bucket = opt_deploy_artifacts;
  options.dry_run = opt_deploy_dry_run;
  options.terminal = isatty (STDOUT_FILENO);
  if (!thumbing_deploy (&options, &error))
    {
      cli_print_line (_("thumbing deploy: %s"), error->message);
      return EXIT_FAILED;
    }
  return EXIT_OK;
}

int
main (int    argc,
      char **argv)
{
  cli_set_up_locale ();
  cli_add_static_plugins ();
  if (argc >= 2 && strcmp (argv[1], "synth") == 0)
    {
      g_set_prgname ("thumbing synth");
      return command_synth (argc - 1, argv + 1);
    }
  if (argc >= 2 && strcmp (argv[1], "deploy") == 0)
    {
      g_set_prgname ("thumbing deploy");
      return command_deploy (argc - 1, argv + 1);
    }
  fprintf (stderr, _("thumbing-stack: run it as thumbing synth or thumbing deploy\n"));
  return EXIT_USAGE;
}
