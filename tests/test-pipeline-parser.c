/* test-pipeline-parser.c: keyfiles and launch strings, and the errors they earn
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "config.h"

#include <string.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "thumbing-test-util.h"

static ThumbingPipeline *
from_keyfile (const char *text,
              GError    **error)
{
  g_autoptr(GKeyFile) keyfile = g_key_file_new ();

  g_assert_true (g_key_file_load_from_data (keyfile, text, -1, G_KEY_FILE_NONE, NULL));
  return thumbing_pipeline_new_from_keyfile (keyfile, "test.conf", error);
}

/* Builds (and for build_ok, checks) a pipeline and expects this exact error. */
static void
assert_keyfile_error (const char *text,
                      gboolean    build_ok,
                      int         code,
                      const char *message)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(ThumbingPipeline) pipeline = from_keyfile (text, &error);

  if (build_ok)
    {
      g_assert_no_error (error);
      g_assert_nonnull (pipeline);
      g_assert_false (thumbing_pipeline_check (pipeline, &error));
    }
  else
    g_assert_null (pipeline);
  g_assert_error (error, THUMBING_ERROR, code);
  g_assert_cmpstr (error->message, ==, message);
}

#define GOOD_STAGES \
  "[in]\nelement=folder-source\npath=/tmp\n" \
  "[thumb]\nelement=resize\n" \
  "[png]\nelement=png-encode\n" \
  "[out]\nelement=folder-sink\npath=/tmp/thumbing-parser-out\n"

static void
test_keyfile_builds (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(ThumbingPipeline) pipeline = NULL;
  g_autofree char *path = NULL;
  int width = 0;

  g_setenv ("THUMBING_TEST_WIDTH", "300", TRUE);
  g_setenv ("THUMBING_TEST_EMPTY", "", TRUE);
  pipeline = from_keyfile ("[pipeline]\nname=thumbs\nstages=in; thumb ;png;out\nmax-in-flight=3\nworkers=2\n"
                           "[in]\nelement=folder-source\npath=${THUMBING_TEST_EMPTY:-/tmp}\n"
                           "[thumb]\nelement=resize\nwidth=${THUMBING_TEST_WIDTH}\nheight=${THUMBING_TEST_UNSET:-200}\n"
                           "[png]\nelement=png-encode\n"
                           "[out]\nelement=folder-sink\npath=/tmp/out$$1\n"
                           "template=${THUMBING_TEST_UNSET:-${THUMBING_TEST_WIDTH}}/{name}\n",
                           &error);
  g_assert_no_error (error);
  g_assert_true (thumbing_pipeline_check (pipeline, &error));
  g_assert_no_error (error);

  g_assert_cmpstr (thumbing_pipeline_get_name (pipeline), ==, "thumbs");
  g_assert_cmpstr (thumbing_pipeline_get_filename (pipeline), ==, "test.conf");
  g_assert_cmpuint (thumbing_pipeline_get_max_in_flight (pipeline), ==, 3);
  g_assert_cmpuint (thumbing_pipeline_get_workers (pipeline), ==, 2);
  g_object_get (thumbing_pipeline_get_element (pipeline, "thumb"), "width", &width, NULL);
  g_assert_cmpint (width, ==, 300);
  g_object_get (thumbing_pipeline_get_element (pipeline, "in"), "path", &path, NULL);
  g_assert_cmpstr (path, ==, "/tmp");
  g_clear_pointer (&path, g_free);
  g_object_get (thumbing_pipeline_get_element (pipeline, "out"), "path", &path, NULL);
  g_assert_cmpstr (path, ==, "/tmp/out$1");
  g_clear_pointer (&path, g_free);
  g_object_get (thumbing_pipeline_get_element (pipeline, "out"), "template", &path, NULL);
  g_assert_cmpstr (path, ==, "300/{name}");
  g_assert_true (THUMBING_IS_SOURCE (thumbing_pipeline_get_source (pipeline)));
  {
    g_autoptr(GList) elements = thumbing_pipeline_list_elements (pipeline);

    g_assert_cmpuint (g_list_length (elements), ==, 4);
  }
}

/* ${VAR:+…} adds a stage only when VAR is set: the optional webhook of thumbing.conf. */
static void
test_keyfile_optional_stage (void)
{
  const char *conf = "[pipeline]\nstages=in;png${THUMBING_TEST_WIDTH:+;report}${THUMBING_TEST_UNSET:+;notify}\n"
                     "[in]\nelement=folder-source\npath=/tmp\n"
                     "[png]\nelement=png-encode\n"
                     "[report]\nelement=log\njson=${THUMBING_TEST_WIDTH:+true}\n"
                     "[notify]\nelement=log\n";
  g_autoptr(GError) error = NULL;
  g_autoptr(ThumbingPipeline) pipeline = NULL;
  g_autoptr(GList) elements = NULL;
  gboolean json = FALSE;

  g_setenv ("THUMBING_TEST_WIDTH", "300", TRUE);
  pipeline = from_keyfile (conf, &error);
  g_assert_no_error (error);
  elements = thumbing_pipeline_list_elements (pipeline);
  g_assert_cmpuint (g_list_length (elements), ==, 3);
  g_assert_null (thumbing_pipeline_get_element (pipeline, "notify"));
  g_object_get (thumbing_pipeline_get_element (pipeline, "report"), "json", &json, NULL);
  g_assert_true (json);
}

static void
test_keyfile_fan_out (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(ThumbingPipeline) pipeline = NULL;
  g_autofree char *description = NULL;

  pipeline = from_keyfile ("[pipeline]\nstages=in;renditions\n"
                           "[in]\nelement=folder-source\npath=/tmp\n"
                           "[renditions]\nbranches=small;large\n"
                           "[small]\nstages=s-resize;s-png;s-out\n"
                           "[large]\nstages=l-resize;l-webp;l-out\n"
                           "[s-resize]\nelement=resize\nwidth=64\nheight=64\n"
                           "[s-png]\nelement=png-encode\n"
                           "[s-out]\nelement=folder-sink\npath=/tmp/s\n"
                           "[l-resize]\nelement=resize\nwidth=1024\nheight=1024\nfit=inside\n"
                           "[l-webp]\nelement=webp-encode\n"
                           "[l-out]\nelement=folder-sink\npath=/tmp/l\n",
                           &error);
  g_assert_no_error (error);
  g_assert_true (thumbing_pipeline_check (pipeline, &error));
  description = thumbing_pipeline_describe (pipeline);
  g_assert_cmpstr (description, ==,
                   "folder-source name=in path=/tmp ! "
                   "( resize name=s-resize width=64 height=64 ! png-encode name=s-png ! folder-sink name=s-out path=/tmp/s ) "
                   "( resize name=l-resize width=1024 height=1024 fit=inside ! webp-encode name=l-webp ! folder-sink name=l-out path=/tmp/l )");
}

static void
test_keyfile_errors (void)
{
  g_unsetenv ("THUMBING_TEST_UNSET");

  assert_keyfile_error ("[x]\nelement=log\n", FALSE, THUMBING_ERROR_CONFIG,
                        "test.conf: no [pipeline] group");
  assert_keyfile_error ("[pipeline]\nname=x\n", FALSE, THUMBING_ERROR_CONFIG,
                        "test.conf: [pipeline]: missing key “stages” (the stage groups, in order, separated by “;”)");
  assert_keyfile_error ("[pipeline]\nstages=in;thumb;png;out\nmax-in-fligth=2\n" GOOD_STAGES, FALSE,
                        THUMBING_ERROR_UNKNOWN_PROPERTY,
                        "test.conf: [pipeline] max-in-fligth: unknown key (did you mean “max-in-flight”?)");
  assert_keyfile_error ("[pipeline]\nstages=in;thumb;png;out\nmax-in-flight=0\n" GOOD_STAGES, FALSE,
                        THUMBING_ERROR_INVALID_VALUE,
                        "test.conf: [pipeline] max-in-flight: 0 is out of range (1 to 10000)");
  assert_keyfile_error ("[pipeline]\nstages=in;thumb;png;out\n"
                        "[in]\nelement=folder-source\npath=/tmp\n[thumb]\nelement=resise\n"
                        "[png]\nelement=png-encode\n[out]\nelement=folder-sink\npath=/tmp/o\n",
                        FALSE, THUMBING_ERROR_UNKNOWN_ELEMENT,
                        "test.conf: [thumb] element: no element named “resise” (did you mean “resize”?)");
  assert_keyfile_error ("[pipeline]\nstages=in;thumb;png;out\n"
                        "[in]\nelement=folder-source\npath=/tmp\n[thumb]\nelement=resize\nwidht=3\n"
                        "[png]\nelement=png-encode\n[out]\nelement=folder-sink\npath=/tmp/o\n",
                        FALSE, THUMBING_ERROR_UNKNOWN_PROPERTY,
                        "test.conf: [thumb] widht: resize has no property “widht” (did you mean “width”?)");
  assert_keyfile_error ("[pipeline]\nstages=in;thumb;png;out\n"
                        "[in]\nelement=folder-source\npath=/tmp\n[thumb]\nelement=resize\nfit=squash\n"
                        "[png]\nelement=png-encode\n[out]\nelement=folder-sink\npath=/tmp/o\n",
                        FALSE, THUMBING_ERROR_INVALID_VALUE,
                        "test.conf: [thumb] fit: “squash” is not one of: cover, contain, fill, inside, outside");
  assert_keyfile_error ("[pipeline]\nstages=in;thumb;png;out\n"
                        "[in]\nelement=folder-source\npath=/tmp\n[thumb]\nelement=resize\nwidth=big\n"
                        "[png]\nelement=png-encode\n[out]\nelement=folder-sink\npath=/tmp/o\n",
                        FALSE, THUMBING_ERROR_INVALID_VALUE,
                        "test.conf: [thumb] width: “big” is not a whole number");
  assert_keyfile_error ("[pipeline]\nstages=in;thumb;png;out\n"
                        "[in]\nelement=folder-source\npath=/tmp\n[thumb]\nelement=resize\n"
                        "[png]\nelement=png-encode\n[out]\nelement=folder-sink\npath=${THUMBING_TEST_UNSET}/x\n",
                        FALSE, THUMBING_ERROR_CONFIG,
                        "test.conf: [out] path: environment variable THUMBING_TEST_UNSET is not set "
                        "(write ${THUMBING_TEST_UNSET:-default} to give a default)");
  assert_keyfile_error ("[pipeline]\nstages=in;thumb;png;out\n"
                        "[in]\nelement=folder-source\npath=${oops\n[thumb]\nelement=resize\n"
                        "[png]\nelement=png-encode\n[out]\nelement=folder-sink\npath=/tmp/o\n",
                        FALSE, THUMBING_ERROR_CONFIG,
                        "test.conf: [in] path: “${” without a closing “}” in “${oops”");
  /* Found by fuzz-keyfile: GLib 2.74 warned about its own error here. */
  assert_keyfile_error ("[pipeline]\nstages=in;thumb;png;out\n"
                        "[in]\nelement=folder-source\npath=/a\\}b\\\n[thumb]\nelement=resize\n"
                        "[png]\nelement=png-encode\n[out]\nelement=folder-sink\npath=/tmp/o\n",
                        FALSE, THUMBING_ERROR_CONFIG,
                        "test.conf: [in] path: “\\}” at byte 3 is not an escape GKeyFile knows: \\s \\n \\t \\r \\\\");
  assert_keyfile_error ("[pipeline]\nstages=in;thumb;png;out\n"
                        "[in]\nelement=folder-source\npath=/tmp\\\n[thumb]\nelement=resize\n"
                        "[png]\nelement=png-encode\n[out]\nelement=folder-sink\npath=/tmp/o\n",
                        FALSE, THUMBING_ERROR_CONFIG,
                        "test.conf: [in] path: the value ends with a lone “\\” (write “\\\\” for a backslash)");
  assert_keyfile_error ("[pipeline]\nstages=in;thumb;png;out;more\n" GOOD_STAGES, FALSE, THUMBING_ERROR_CONFIG,
                        "test.conf: [pipeline] stages: no group [more] describes stage “more”");
  assert_keyfile_error ("[pipeline]\nstages=in;thumb;png;out;png\n" GOOD_STAGES, FALSE, THUMBING_ERROR_CONFIG,
                        "test.conf: [pipeline] stages: group [png] is used more than once");
  assert_keyfile_error ("[pipeline]\nstages=in;thumb;out\n" GOOD_STAGES, FALSE, THUMBING_ERROR_CONFIG,
                        "test.conf: [png]: the group is not listed in any “stages” or “branches”");
  assert_keyfile_error ("[pipeline]\nstages=thumb;in;png;out\n" GOOD_STAGES, FALSE, THUMBING_ERROR_CONFIG,
                        "test.conf: [thumb] element: the first stage must be a source, but resize is not one");
  assert_keyfile_error ("[pipeline]\nstages=in;thumb;png;out;again\n" GOOD_STAGES
                        "[again]\nelement=folder-source\npath=/tmp\n", FALSE, THUMBING_ERROR_CONFIG,
                        "test.conf: [again] element: folder-source is a source; only the first stage can be a source");
  assert_keyfile_error ("[pipeline]\nstages=in;thumb;png;out\n"
                        "[in]\nelement=folder-source\npath=/tmp\nname=other\n[thumb]\nelement=resize\n"
                        "[png]\nelement=png-encode\n[out]\nelement=folder-sink\npath=/tmp/o\n",
                        FALSE, THUMBING_ERROR_CONFIG,
                        "test.conf: [in] name: the stage name is the group name and cannot be set");
  assert_keyfile_error ("[pipeline]\nstages=in;thumb;png;out\n"
                        "[in]\nelement=folder-source\npath=/tmp\n[thumb]\nwidth=3\n"
                        "[png]\nelement=png-encode\n[out]\nelement=folder-sink\npath=/tmp/o\n",
                        FALSE, THUMBING_ERROR_CONFIG,
                        "test.conf: [thumb]: a stage needs an “element” key (or “branches” for a fan-out)");
  assert_keyfile_error ("[pipeline]\nstages=in;fan;thumb\n[in]\nelement=folder-source\npath=/tmp\n"
                        "[fan]\nbranches=a;b\n[a]\nstages=x\n[b]\nstages=y\n[x]\nelement=log\n[y]\nelement=log\n"
                        "[thumb]\nelement=resize\n",
                        FALSE, THUMBING_ERROR_CONFIG,
                        "test.conf: [fan] branches: a fan-out must be the last stage of its list");
  assert_keyfile_error ("[pipeline]\nstages=in;fan\n[in]\nelement=folder-source\npath=/tmp\n"
                        "[fan]\nbranches=a\n[a]\nstages=x\n[x]\nelement=log\n",
                        FALSE, THUMBING_ERROR_CONFIG,
                        "test.conf: [fan] branches: a fan-out needs at least two branches");
  assert_keyfile_error ("[pipeline]\nstages=in;fan\n[in]\nelement=folder-source\npath=/tmp\n"
                        "[fan]\nbranches=a;b\n[a]\nstages=x\nelement=log\n[b]\nstages=y\n[x]\nelement=log\n[y]\nelement=log\n",
                        FALSE, THUMBING_ERROR_CONFIG,
                        "test.conf: [a] element: unknown key (a group with “stages” takes no other keys)");

  /* Mistakes only a check finds: media, required properties, feedback. */
  assert_keyfile_error ("[pipeline]\nstages=in;png;out\n"
                        "[in]\nelement=folder-source\npath=/tmp\n[png]\nelement=png-encode\n"
                        "[out]\nelement=folder-sink\npath=/tmp/o\n",
                        TRUE, THUMBING_ERROR_INCOMPATIBLE,
                        "test.conf: [png] element: png-encode cannot follow folder-source (stage “in”): "
                        "folder-source produces */*, but png-encode accepts image/x-decoded");
  assert_keyfile_error ("[pipeline]\nstages=in;thumb;out\n"
                        "[in]\nelement=folder-source\npath=/tmp\n[thumb]\nelement=resize\n"
                        "[out]\nelement=folder-sink\npath=/tmp/o\n",
                        TRUE, THUMBING_ERROR_INCOMPATIBLE,
                        "test.conf: [out] element: folder-sink cannot follow resize (stage “thumb”): "
                        "resize produces image/x-decoded, but folder-sink accepts */*");
  assert_keyfile_error ("[pipeline]\nstages=in;thumb;png;out\n"
                        "[in]\nelement=folder-source\npath=/tmp\n[thumb]\nelement=resize\n"
                        "[png]\nelement=png-encode\n[out]\nelement=folder-sink\n",
                        TRUE, THUMBING_ERROR_MISSING_PROPERTY,
                        "test.conf: [out] path: required property of folder-sink is not set");
  assert_keyfile_error ("[pipeline]\nstages=in;thumb;png;out\n"
                        "[in]\nelement=folder-source\npath=/tmp\n[thumb]\nelement=resize\n"
                        "[png]\nelement=png-encode\n[out]\nelement=folder-sink\npath=/tmp/o\ntemplate={stem}.{bogus}\n",
                        TRUE, THUMBING_ERROR_INVALID_VALUE,
                        "test.conf: [out]: template: unknown placeholder {bogus} in template “{stem}.{bogus}” "
                        "(known: {path} {dir} {name} {stem} {ext} {width} {height})");
  assert_keyfile_error ("[pipeline]\nstages=in;thumb;png;out\n"
                        "[in]\nelement=folder-source\npath=/tmp\n[thumb]\nelement=resize\n"
                        "[png]\nelement=png-encode\n[out]\nelement=folder-sink\npath=/tmp\n",
                        TRUE, THUMBING_ERROR_CONFIG,
                        "test.conf: [out]: folder-sink writes to file:///tmp/, where source “in” reads (file:///tmp/): "
                        "every output would come back as an input; write elsewhere, or set allow-feedback=true "
                        "in [pipeline] if that is intended");
}

static void
test_feedback_allowed_when_asked (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(ThumbingPipeline) pipeline =
    from_keyfile ("[pipeline]\nstages=in;thumb;png;out\nallow-feedback=true\n"
                  "[in]\nelement=folder-source\npath=/tmp\n[thumb]\nelement=resize\n"
                  "[png]\nelement=png-encode\n[out]\nelement=folder-sink\npath=/tmp/sub\n", &error);

  g_assert_no_error (error);
  g_assert_true (thumbing_pipeline_check (pipeline, &error));
  g_assert_no_error (error);
}

static void
test_launch_builds (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(ThumbingPipeline) pipeline = NULL;
  g_autofree char *path = NULL;
  g_autofree char *description = NULL;
  g_autofree char *again = NULL;
  g_autoptr(ThumbingPipeline) rebuilt = NULL;

  pipeline = thumbing_pipeline_new_from_launch ("folder-source path=\"/tmp/with space\" ! resize width=64 "
                                                "! resize name=second height=32 ! png-encode "
                                                "! folder-sink path='/tmp/o (1)' ! log json=true",
                                                &error);
  g_assert_no_error (error);
  g_assert_null (thumbing_pipeline_get_filename (pipeline));
  g_object_get (thumbing_pipeline_get_element (pipeline, "folder-source"), "path", &path, NULL);
  g_assert_cmpstr (path, ==, "/tmp/with space");
  g_assert_nonnull (thumbing_pipeline_get_element (pipeline, "resize"));
  g_assert_nonnull (thumbing_pipeline_get_element (pipeline, "second"));

  description = thumbing_pipeline_describe (pipeline);
  rebuilt = thumbing_pipeline_new_from_launch (description, &error);
  g_assert_no_error (error);
  again = thumbing_pipeline_describe (rebuilt);
  g_assert_cmpstr (again, ==, description);
}

/* Found by fuzz-launch: a value with quotes, backslashes or a line break
 * must come back from describe as the same value. */
static void
test_launch_describe_quotes_values (void)
{
  const char *awkward = "/tmp/a \"quoted\" \\ back'slash\nnext line";
  g_autoptr(GError) error = NULL;
  g_autoptr(ThumbingPipeline) pipeline = thumbing_pipeline_new_from_launch ("folder-source path=/tmp ! log", &error);
  g_autoptr(ThumbingPipeline) rebuilt = NULL;
  g_autofree char *description = NULL;
  g_autofree char *path = NULL;

  g_assert_no_error (error);
  g_object_set (thumbing_pipeline_get_element (pipeline, "folder-source"), "path", awkward, NULL);
  description = thumbing_pipeline_describe (pipeline);
  rebuilt = thumbing_pipeline_new_from_launch (description, &error);
  g_assert_no_error (error);
  g_object_get (thumbing_pipeline_get_element (rebuilt, "folder-source"), "path", &path, NULL);
  g_assert_cmpstr (path, ==, awkward);
}

static void
test_launch_fan_out_and_names (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(ThumbingPipeline) pipeline =
    thumbing_pipeline_new_from_launch ("folder-source path=/tmp ! resize ! "
                                       "( png-encode ! folder-sink path=/tmp/a ) "
                                       "( webp-encode ! folder-sink path=/tmp/b ) "
                                       "( jpeg-encode ! ( folder-sink path=/tmp/c ) ( log ) )",
                                       &error);

  g_assert_no_error (error);
  g_assert_true (thumbing_pipeline_check (pipeline, &error));
  g_assert_nonnull (thumbing_pipeline_get_element (pipeline, "folder-sink"));
  g_assert_nonnull (thumbing_pipeline_get_element (pipeline, "folder-sink-2"));
  g_assert_nonnull (thumbing_pipeline_get_element (pipeline, "folder-sink-3"));
}

static void
assert_launch_error (const char *description,
                     int         code,
                     const char *message)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(ThumbingPipeline) pipeline = thumbing_pipeline_new_from_launch (description, &error);

  g_assert_null (pipeline);
  g_assert_error (error, THUMBING_ERROR, code);
  g_assert_cmpstr (error->message, ==, message);
}

static void
test_launch_errors (void)
{
  assert_launch_error ("folder-source path=\"/tmp ! log", THUMBING_ERROR_CONFIG,
                       "launch string, column 20: unterminated quote");
  assert_launch_error ("folder-source path=/tmp !", THUMBING_ERROR_CONFIG,
                       "launch string, column 26: expected an element name, found “the end”");
  assert_launch_error ("folder-source path=/tmp resize", THUMBING_ERROR_CONFIG,
                       "launch string, column 25: expected “key=value” or “!” between elements, found “resize”");
  assert_launch_error ("folder-source path=/tmp ! resize widht=3", THUMBING_ERROR_UNKNOWN_PROPERTY,
                       "launch string, column 34: widht: resize has no property “widht” (did you mean “width”?)");
  assert_launch_error ("folder-source path=/tmp ! resise", THUMBING_ERROR_UNKNOWN_ELEMENT,
                       "launch string, column 27: no element named “resise” (did you mean “resize”?)");
  assert_launch_error ("resize ! png-encode", THUMBING_ERROR_CONFIG,
                       "launch string, column 1: the first stage must be a source, but resize is not one");
  assert_launch_error ("folder-source path=/tmp ! ( log )", THUMBING_ERROR_CONFIG,
                       "launch string, column 34: a fan-out needs at least two branches, as “( … ) ( … )”");
  assert_launch_error ("folder-source path=/tmp ! ( log ) ( log", THUMBING_ERROR_CONFIG,
                       "launch string, column 40: expected “)” to close the branch, found “the end”");
  assert_launch_error ("folder-source path=/tmp ! log name=a ! log name=a", THUMBING_ERROR_CONFIG,
                       "launch string, column 40: two stages are named “a”");
  assert_launch_error ("folder-source path=/tmp ! log name=\"a b\"", THUMBING_ERROR_CONFIG,
                       "launch string, column 27: “a b” is not a stage name: up to 64 letters, digits, “_”, “-” and “.”");
  /* Found by fuzz-launch: “$” alone also matched before a final line break. */
  assert_launch_error ("folder-source path=/tmp ! log name=\"a\n\"", THUMBING_ERROR_CONFIG,
                       "launch string, column 27: “a\\n” is not a stage name: up to 64 letters, digits, “_”, “-” and “.”");
  assert_launch_error ("folder-source path=/tmp ! log name=\"x\ty\"", THUMBING_ERROR_CONFIG,
                       "launch string, column 27: “x\\ty” is not a stage name: up to 64 letters, digits, “_”, “-” and “.”");
  assert_launch_error ("folder-source path=/tmp ! log )", THUMBING_ERROR_CONFIG,
                       "launch string, column 31: expected “!” or the end, found “)”");
}

/* A launch string expands ${VAR} as a keyfile does: the README's
 * `token=${EVENTS_TOKEN}` once configured the placeholder itself. */
static void
test_launch_expands_variables (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(ThumbingPipeline) pipeline = NULL;
  g_autoptr(ThumbingPipeline) rebuilt = NULL;
  g_autofree char *path = NULL;
  g_autofree char *token = NULL;
  g_autofree char *description = NULL;
  g_autofree char *secret_file = NULL;
  g_autofree char *launch = NULL;
  int fd;

  g_setenv ("THUMBING_TEST_TOKEN", "token-from-the-environment", TRUE);
  pipeline = thumbing_pipeline_new_from_launch ("s3-event-source token=${THUMBING_TEST_TOKEN} bucket=b "
                                                "! folder-sink path=\"/tmp/$${HOME} ${THUMBING_TEST_UNSET:-x}\"",
                                                &error);
  g_assert_no_error (error);
  g_object_get (thumbing_pipeline_get_element (pipeline, "s3-event-source"), "token", &token, NULL);
  g_assert_cmpstr (token, ==, "token-from-the-environment");
  g_object_get (thumbing_pipeline_get_element (pipeline, "folder-sink"), "path", &path, NULL);
  g_assert_cmpstr (path, ==, "/tmp/${HOME} x");
  /* A described dollar sign survives the trip back. */
  description = thumbing_pipeline_describe (pipeline);
  g_assert_nonnull (strstr (description, "$${HOME}"));
  g_assert_null (strstr (description, "token-from-the-environment"));

  assert_launch_error ("s3-event-source token=${THUMBING_TEST_UNSET} ! log", THUMBING_ERROR_CONFIG,
                       "launch string, column 17: token: environment variable THUMBING_TEST_UNSET is not set "
                       "(write ${THUMBING_TEST_UNSET:-default} to give a default)");
  /* Never a literal placeholder as a secret, however it got there. */
  assert_launch_error ("s3-event-source token=$${EVENTS_TOKEN} ! log", THUMBING_ERROR_INVALID_VALUE,
                       "launch string, column 17: token: token is a secret and holds “${”, an unexpanded "
                       "placeholder: set the variable, or use token-file=PATH");

  /* A secret read from a file, its line break dropped. */
  fd = g_file_open_tmp ("thumbing-secret-XXXXXX", &secret_file, &error);
  g_assert_no_error (error);
  g_assert_cmpint (write (fd, "from-a-file-0123456789\n", 23), ==, 23);
  close (fd);
  launch = g_strdup_printf ("s3-event-source token-file=%s ! log", secret_file);
  rebuilt = thumbing_pipeline_new_from_launch (launch, &error);
  g_assert_no_error (error);
  g_clear_pointer (&token, g_free);
  g_object_get (thumbing_pipeline_get_element (rebuilt, "s3-event-source"), "token", &token, NULL);
  g_assert_cmpstr (token, ==, "from-a-file-0123456789");
  g_unlink (secret_file);
  g_clear_pointer (&launch, g_free);
  launch = g_strdup_printf ("s3-event-source token-file=%s ! log", secret_file);
  g_clear_object (&rebuilt);
  rebuilt = thumbing_pipeline_new_from_launch (launch, &error);
  g_assert_null (rebuilt);
  g_assert_error (error, THUMBING_ERROR, THUMBING_ERROR_INVALID_VALUE);
  g_clear_error (&error);
  /* Only secrets have a -file form. */
  assert_launch_error ("s3-event-source bucket-file=/etc/hostname ! log", THUMBING_ERROR_UNKNOWN_PROPERTY,
                       "launch string, column 17: bucket-file: s3-event-source has no property “bucket-file”");
}

int
main (int    argc,
      char **argv)
{
  thumbing_test_init (&argc, &argv);
  g_test_add_func ("/pipeline-parser/keyfile-builds", test_keyfile_builds);
  g_test_add_func ("/pipeline-parser/keyfile-optional-stage", test_keyfile_optional_stage);
  g_test_add_func ("/pipeline-parser/keyfile-fan-out", test_keyfile_fan_out);
  g_test_add_func ("/pipeline-parser/keyfile-errors", test_keyfile_errors);
  g_test_add_func ("/pipeline-parser/feedback-allowed-when-asked", test_feedback_allowed_when_asked);
  g_test_add_func ("/pipeline-parser/launch-builds", test_launch_builds);
  g_test_add_func ("/pipeline-parser/launch-fan-out-and-names", test_launch_fan_out_and_names);
  g_test_add_func ("/pipeline-parser/launch-describe-quotes-values", test_launch_describe_quotes_values);
  g_test_add_func ("/pipeline-parser/launch-errors", test_launch_errors);
  g_test_add_func ("/pipeline-parser/launch-expands-variables", test_launch_expands_variables);
  return g_test_run ();
}
