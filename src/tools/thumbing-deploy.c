/* thumbing-deploy.c: creates or updates the CloudFormation stack of a pipeline file
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Through thumbing's own SigV4 client and CloudFormation's Query API: the
 * template `thumbing synth` derives is proposed as a change set (what it
 * would add, modify or replace is printed), executed, and followed by its
 * stack events until the stack settles; a rollback ends the command with
 * the first failing resource and its reason.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include <glib/gi18n.h>
#include <json-glib/json-glib.h>
#include <thumbing/thumbing.h>

#include "thumbing-aws-client.h"
#include "thumbing-s3-bucket.h"
#include "thumbing-deploy.h"
#include "thumbing-synth.h"

#define POLL_MS 1000

typedef struct
{
  const ThumbingDeployOptions *options;
  ThumbingAwsClient           *client;
  GHashTable                  *values;      /* parameter → value given */
  gboolean                     status_shown;
} Deploy;

typedef struct
{
  gboolean             done;
  ThumbingAwsResponse *response;
  GError              *error;
} Pending;

static void
sent (GObject      *source,
      GAsyncResult *result,
      gpointer      data)
{
  Pending *pending = data;

  pending->response = thumbing_aws_client_send_finish (NULL, result, &pending->error);
  pending->done = TRUE;
}

/* One request, waited for: the command has nothing else to do meanwhile. */
static ThumbingAwsResponse *
send_and_wait (ThumbingAwsClient   *client,
               ThumbingAwsRequest  *request,
               GError             **error)
{
  Pending pending = { 0 };

  thumbing_aws_client_send_async (client, request, NULL, sent, &pending);
  while (!pending.done)
    g_main_context_iteration (NULL, TRUE);
  if (pending.error != NULL)
    {
      g_propagate_error (error, pending.error);
      return NULL;
    }
  return pending.response;
}

/* A CloudFormation action, its parameters already form-encoded in @form. */
static GBytes *
call (Deploy      *d,
      const char  *action,
      GString     *form,
      GError     **error)
{
  g_autofree char *body = g_strdup_printf ("Action=%s&Version=2010-05-15%s", action, form != NULL ? form->str : "");
  ThumbingAwsRequest *request = thumbing_aws_request_new ("POST", "", "/");
  g_autoptr(ThumbingAwsResponse) response = NULL;

  thumbing_aws_request_add_header (request, "Content-Type", "application/x-www-form-urlencoded; charset=utf-8");
  request->body = g_bytes_new (body, strlen (body));
  response = send_and_wait (d->client, request, error);
  if (response == NULL)
    {
      g_prefix_error (error, "%s: ", action);
      return NULL;
    }
  return g_bytes_ref (response->body);
}

/* The top-level <member> blocks of the list element @list. */
static GPtrArray *
members (GBytes     *xml,
         const char *list)
{
  GPtrArray *found = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  gsize length = 0;
  const char *data = g_bytes_get_data (xml, &length);
  g_autofree char *open_list = g_strdup_printf ("<%s>", list);
  const char *at = g_strstr_len (data, length, open_list);
  const char *end = data + length;
  int depth = 0;
  const char *start = NULL;

  if (at == NULL)
    return found;
  for (at += strlen (open_list); at < end; at++)
    {
      if (*at != '<')
        continue;
      if (end - at >= 8 && memcmp (at, "<member>", 8) == 0)
        {
          if (depth++ == 0)
            start = at;
        }
      else if (end - at >= 9 && memcmp (at, "</member>", 9) == 0)
        {
          if (--depth == 0)
            g_ptr_array_add (found, g_bytes_new (start, at + 9 - start));
        }
      else if (depth == 0 && at[1] == '/')
        break;    /* the end of the list */
    }
  return found;
}

static char *
text (GBytes     *xml,
      const char *element)
{
  char *value = thumbing_aws_xml_text (xml, element);

  return value != NULL ? value : g_strdup ("");
}

/* Parameter names are the variables' (THUMBING_WEBHOOK_SECRET →
 * WebhookSecret): one left without a value is read from the variable, as
 * synth read the others, so a secret never passes through the template. */
static char *
parameter_variable (const char *name)
{
  GString *variable = g_string_new ("THUMBING_");

  for (const char *p = name; *p != '\0'; p++)
    {
      if (p != name && g_ascii_isupper (*p) && (g_ascii_islower (p[-1]) || g_ascii_isdigit (p[-1])))
        g_string_append_c (variable, '_');
      g_string_append_c (variable, g_ascii_toupper (*p));
    }
  return g_string_free (variable, FALSE);
}

static gboolean
read_parameters (Deploy      *d,
                 JsonObject  *declared,
                 GError     **error)
{
  for (const char * const *p = d->options->parameters; p != NULL && *p != NULL; p++)
    {
      const char *equals = strchr (*p, '=');
      g_autofree char *name = equals != NULL ? g_strndup (*p, equals - *p) : NULL;

      if (name == NULL || !json_object_has_member (declared, name))
        {
          g_autoptr(GList) names = json_object_get_members (declared);
          g_autoptr(GString) known = g_string_new (NULL);

          for (GList *l = names; l != NULL; l = l->next)
            g_string_append_printf (known, "%s%s", known->len > 0 ? ", " : "", (char *) l->data);
          g_set_error (error, THUMBING_ERROR, THUMBING_ERROR_INVALID_VALUE,
                       _("--parameter %s: the template has no such parameter (it has %s)"), *p, known->str);
          return FALSE;
        }
      g_hash_table_replace (d->values, g_steal_pointer (&name), g_strdup (equals + 1));
    }
  return TRUE;
}

/* The zip goes under a name made of its digest, so a new build is a new
 * key and CloudFormation sees the function's code change. */
static gboolean
upload_code (Deploy      *d,
             GError     **error)
{
  g_autoptr(GMappedFile) zip = g_mapped_file_new (d->options->code, FALSE, error);
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(ThumbingS3Bucket) bucket = NULL;
  g_autoptr(ThumbingAwsResponse) response = NULL;
  g_autofree char *digest = NULL;
  g_autofree char *key = NULL;
  ThumbingAwsRequest *request;

  if (zip == NULL)
    {
      g_prefix_error (error, "--code: ");
      return FALSE;
    }
  if (d->options->artifacts_bucket == NULL)
    {
      g_set_error (error, THUMBING_ERROR, THUMBING_ERROR_CONFIG,
                   _("--code needs --artifacts-bucket, the bucket the zip is uploaded to"));
      return FALSE;
    }
  bytes = g_mapped_file_get_bytes (zip);
  digest = thumbing_aws_sha256_hex (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
  key = g_strdup_printf ("thumbing/%s/thumbing-lambda-%.16s.zip", d->options->stack_name, digest);
  bucket = thumbing_s3_bucket_open (d->options->artifacts_bucket, NULL, NULL, THUMBING_S3_ADDRESSING_AUTO, error);
  if (bucket == NULL)
    return FALSE;
  printf (_("Uploading %s to s3://%s/%s\n"), d->options->code, d->options->artifacts_bucket, key);
  fflush (stdout);
  request = thumbing_s3_bucket_request (bucket, "PUT", key);
  thumbing_aws_request_add_header (request, "Content-Type", "application/zip");
  request->body = g_steal_pointer (&bytes);
  response = send_and_wait (bucket->client, request, error);
  if (response == NULL)
    {
      g_prefix_error (error, _("uploading the code to s3://%s/%s: "), d->options->artifacts_bucket, key);
      return FALSE;
    }
  g_hash_table_replace (d->values, g_strdup ("CodeBucket"), g_strdup (d->options->artifacts_bucket));
  g_hash_table_replace (d->values, g_strdup ("CodeKey"), g_steal_pointer (&key));
  return TRUE;
}

static gboolean
append_parameters (Deploy      *d,
                   JsonObject  *declared,
                   GString     *form,
                   GError     **error)
{
  g_autoptr(GList) names = json_object_get_members (declared);
  guint n = 0;

  for (GList *l = names; l != NULL; l = l->next)
    {
      const char *name = l->data;
      JsonObject *parameter = json_object_get_object_member (declared, name);
      const char *value = g_hash_table_lookup (d->values, name);
      g_autofree char *variable = parameter_variable (name);
      g_autofree char *key = NULL;

      if (value == NULL && !json_object_has_member (parameter, "Default"))
        value = g_getenv (variable);
      if (value == NULL && json_object_has_member (parameter, "Default"))
        continue;
      if (value == NULL)
        {
          g_set_error (error, THUMBING_ERROR, THUMBING_ERROR_MISSING_PROPERTY,
                       g_strcmp0 (name, "CodeBucket") == 0
                         ? _("the template needs CodeBucket: give --code FILE.zip --artifacts-bucket BUCKET "
                             "(data/package-lambda.sh makes the zip), or --parameter CodeBucket=BUCKET")
                         : _("the template needs a value for %s: give --parameter %s=VALUE, or set %s"),
                       name, name, variable);
          return FALSE;
        }
      n++;
      key = g_strdup_printf ("Parameters.member.%u.ParameterKey", n);
      thumbing_aws_form_append (form, key, name);
      g_free (g_steal_pointer (&key));
      key = g_strdup_printf ("Parameters.member.%u.ParameterValue", n);
      thumbing_aws_form_append (form, key, value);
    }
  return TRUE;
}

static const char *
stack_status (Deploy      *d,
              GBytes     **stack,
              GError     **error)
{
  g_autoptr(GString) form = g_string_new (NULL);
  g_autoptr(GError) local_error = NULL;
  g_autoptr(GBytes) reply = NULL;
  static char status[64];
  g_autofree char *value = NULL;

  thumbing_aws_form_append (form, "StackName", d->options->stack_name);
  reply = call (d, "DescribeStacks", form, &local_error);
  if (reply == NULL)
    {
      if (strstr (local_error->message, "does not exist") != NULL)
        return "";
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }
  value = text (reply, "StackStatus");
  g_strlcpy (status, value, sizeof status);
  if (stack != NULL)
    *stack = g_steal_pointer (&reply);
  return status;
}

static void
clear_status_line (Deploy *d)
{
  if (d->status_shown)
    {
      fputs ("\r\033[K", stdout);
      d->status_shown = FALSE;
    }
}

static void G_GNUC_PRINTF (2, 3)
show_status_line (Deploy     *d,
                  const char *format,
                  ...)
{
  va_list args;
  g_autofree char *line = NULL;

  if (!d->options->terminal)
    return;
  va_start (args, format);
  line = g_strdup_vprintf (format, args);
  va_end (args);
  clear_status_line (d);
  fputs (line, stdout);
  fflush (stdout);
  d->status_shown = TRUE;
}

static void
wait_a_moment (void)
{
  g_usleep (POLL_MS * 1000);
}

/* The change set, once CloudFormation has worked it out; NULL with
 * *unchanged set when the template changes nothing. */
static GBytes *
describe_change_set (Deploy      *d,
                     const char  *change_set,
                     gboolean    *unchanged,
                     GError     **error)
{
  g_autoptr(GString) form = g_string_new (NULL);

  thumbing_aws_form_append (form, "StackName", d->options->stack_name);
  thumbing_aws_form_append (form, "ChangeSetName", change_set);
  for (guint waited = 0;; waited++)
    {
      g_autoptr(GBytes) reply = call (d, "DescribeChangeSet", form, error);
      g_autofree char *status = NULL;
      g_autofree char *reason = NULL;

      if (reply == NULL)
        return NULL;
      status = text (reply, "Status");
      if (strcmp (status, "CREATE_COMPLETE") == 0)
        return g_steal_pointer (&reply);
      if (strcmp (status, "FAILED") == 0)
        {
          reason = text (reply, "StatusReason");
          if (strstr (reason, "didn't contain changes") != NULL || strstr (reason, "No updates") != NULL)
            {
              *unchanged = TRUE;
              return NULL;
            }
          g_set_error (error, THUMBING_ERROR, THUMBING_ERROR_FAILED,
                       _("CloudFormation refused the change set: %s"), reason);
          return NULL;
        }
      show_status_line (d, _("Waiting for the change set (%s, %u s)"), status, waited);
      wait_a_moment ();
    }
}

static void
print_changes (Deploy *d,
               GBytes *change_set)
{
  g_autoptr(GPtrArray) changes = members (change_set, "Changes");

  clear_status_line (d);
  printf (_("Changes to stack %s:\n"), d->options->stack_name);
  for (guint i = 0; i < changes->len; i++)
    {
      g_autofree char *action = text (changes->pdata[i], "Action");
      g_autofree char *id = text (changes->pdata[i], "LogicalResourceId");
      g_autofree char *type = text (changes->pdata[i], "ResourceType");
      g_autofree char *replacement = text (changes->pdata[i], "Replacement");

      printf ("  %-8s %-28s %s%s\n", action, id, type,
              strcmp (replacement, "True") == 0 ? _("  (replaced: a new resource, the old one deleted)") : "");
    }
  if (changes->len == 0)
    printf (_("  (none listed)\n"));
  fflush (stdout);
}

static gboolean
is_settled (const char *status)
{
  return g_str_has_suffix (status, "_COMPLETE") || g_str_has_suffix (status, "_FAILED");
}

static gboolean
is_success (const char *status)
{
  return strcmp (status, "CREATE_COMPLETE") == 0 || strcmp (status, "UPDATE_COMPLETE") == 0;
}

/* Prints the events not seen yet, oldest first; remembers the first
 * resource that failed. */
static void
print_new_events (Deploy      *d,
                  GBytes      *reply,
                  GHashTable  *seen,
                  char       **failure,
                  gboolean     quiet)
{
  g_autoptr(GPtrArray) events = members (reply, "StackEvents");

  /* CloudFormation lists the newest first. */
  for (guint i = events->len; i > 0; i--)
    {
      GBytes *event = events->pdata[i - 1];
      g_autofree char *id = text (event, "EventId");
      g_autofree char *when = NULL;
      g_autofree char *status = NULL;
      g_autofree char *resource = NULL;
      g_autofree char *type = NULL;
      g_autofree char *reason = NULL;

      if (g_hash_table_contains (seen, id))
        continue;
      when = text (event, "Timestamp");
      status = text (event, "ResourceStatus");
      resource = text (event, "LogicalResourceId");
      type = text (event, "ResourceType");
      reason = text (event, "ResourceStatusReason");
      g_hash_table_add (seen, g_steal_pointer (&id));
      if (quiet)
        continue;
      clear_status_line (d);
      printf ("%.19s  %-22s %-28s %s%s%s\n", when, status, resource, type, *reason != '\0' ? ": " : "", reason);
      if (failure != NULL && *failure == NULL && g_str_has_suffix (status, "_FAILED")
          && strcmp (type, "AWS::CloudFormation::Stack") != 0 && *reason != '\0'
          && strstr (reason, "cancelled") == NULL)
        *failure = g_strdup_printf ("%s (%s): %s", resource, type, reason);
    }
  fflush (stdout);
}

static GBytes *
describe_events (Deploy  *d,
                 GError **error)
{
  g_autoptr(GString) form = g_string_new (NULL);

  thumbing_aws_form_append (form, "StackName", d->options->stack_name);
  return call (d, "DescribeStackEvents", form, error);
}

static void
print_outputs (GBytes *stack)
{
  g_autoptr(GPtrArray) outputs = members (stack, "Outputs");

  if (outputs->len > 0)
    printf (_("Outputs:\n"));
  for (guint i = 0; i < outputs->len; i++)
    {
      g_autofree char *key = text (outputs->pdata[i], "OutputKey");
      g_autofree char *value = text (outputs->pdata[i], "OutputValue");

      printf ("  %-24s %s\n", key, value);
    }
}

static gboolean
run_deploy (Deploy      *d,
            GError     **error)
{
  g_autoptr(JsonNode) template = NULL;
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(GString) form = g_string_new (NULL);
  g_autoptr(GBytes) change_set = NULL;
  g_autoptr(GBytes) reply = NULL;
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autofree char *body = NULL;
  g_autofree char *change_set_name = NULL;
  g_autofree char *failure = NULL;
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  JsonObject *declared;
  const char *status;
  gboolean unchanged = FALSE;
  gboolean exists;

  template = thumbing_synth (d->options->file, THUMBING_SYNTH_TEMPLATE, error);
  if (template == NULL)
    return FALSE;
  declared = json_object_get_object_member (json_node_get_object (template), "Parameters");
  if (!read_parameters (d, declared, error))
    return FALSE;
  d->client = thumbing_aws_element_make_client ("cloudformation", NULL, NULL, error);
  if (d->client == NULL)
    return FALSE;
  if (d->options->code != NULL && !upload_code (d, error))
    return FALSE;

  status = stack_status (d, NULL, error);
  if (status == NULL)
    return FALSE;
  if (g_str_has_suffix (status, "_IN_PROGRESS") && strcmp (status, "REVIEW_IN_PROGRESS") != 0)
    {
      g_set_error (error, THUMBING_ERROR, THUMBING_ERROR_STATE,
                   _("stack %s is busy (%s): wait for it to settle"), d->options->stack_name, status);
      return FALSE;
    }
  if (strcmp (status, "ROLLBACK_COMPLETE") == 0 || strcmp (status, "ROLLBACK_FAILED") == 0)
    {
      g_set_error (error, THUMBING_ERROR, THUMBING_ERROR_STATE,
                   _("stack %s failed to be created (%s) and can only be deleted: "
                     "aws cloudformation delete-stack --stack-name %s"),
                   d->options->stack_name, status, d->options->stack_name);
      return FALSE;
    }
  exists = *status != '\0' && strcmp (status, "REVIEW_IN_PROGRESS") != 0;

  json_generator_set_root (generator, template);
  body = json_generator_to_data (generator, NULL);
  change_set_name = g_date_time_format (now, "thumbing-%Y%m%d%H%M%S");
  thumbing_aws_form_append (form, "StackName", d->options->stack_name);
  thumbing_aws_form_append (form, "ChangeSetName", change_set_name);
  thumbing_aws_form_append (form, "ChangeSetType", exists ? "UPDATE" : "CREATE");
  thumbing_aws_form_append (form, "TemplateBody", body);
  thumbing_aws_form_append (form, "Capabilities.member.1", "CAPABILITY_IAM");
  thumbing_aws_form_append (form, "Capabilities.member.2", "CAPABILITY_AUTO_EXPAND");
  thumbing_aws_form_append (form, "Description", "thumbing deploy");
  if (!append_parameters (d, declared, form, error))
    return FALSE;
  reply = call (d, "CreateChangeSet", form, error);
  if (reply == NULL)
    return FALSE;
  change_set = describe_change_set (d, change_set_name, &unchanged, error);
  if (change_set == NULL && !unchanged)
    return FALSE;

  g_string_truncate (form, 0);
  thumbing_aws_form_append (form, "StackName", d->options->stack_name);
  thumbing_aws_form_append (form, "ChangeSetName", change_set_name);
  if (unchanged || d->options->dry_run)
    {
      g_autoptr(GBytes) deleted = NULL;

      clear_status_line (d);
      if (unchanged)
        printf (_("Stack %s is up to date: the pipeline changes nothing.\n"), d->options->stack_name);
      else
        print_changes (d, change_set);
      deleted = call (d, "DeleteChangeSet", form, error);
      if (deleted == NULL)
        return FALSE;
      if (d->options->dry_run && !unchanged)
        printf (_("Dry run: nothing was changed.\n"));
      return TRUE;
    }
  print_changes (d, change_set);

  /* What happened before this change set is not news. */
  g_clear_pointer (&reply, g_bytes_unref);
  reply = describe_events (d, error);
  if (reply == NULL)
    return FALSE;
  print_new_events (d, reply, seen, NULL, TRUE);
  g_clear_pointer (&reply, g_bytes_unref);
  reply = call (d, "ExecuteChangeSet", form, error);
  if (reply == NULL)
    return FALSE;

  for (guint waited = 0;; waited++)
    {
      g_autoptr(GBytes) stack = NULL;

      g_clear_pointer (&reply, g_bytes_unref);
      reply = describe_events (d, error);
      if (reply == NULL)
        return FALSE;
      print_new_events (d, reply, seen, &failure, FALSE);
      status = stack_status (d, &stack, error);
      if (status == NULL)
        return FALSE;
      if (is_settled (status) && strcmp (status, "REVIEW_IN_PROGRESS") != 0)
        {
          clear_status_line (d);
          if (is_success (status))
            {
              printf (_("Stack %s: %s\n"), d->options->stack_name, status);
              print_outputs (stack);
              return TRUE;
            }
          g_set_error (error, THUMBING_ERROR, THUMBING_ERROR_FAILED, _("stack %s ended %s: %s"),
                       d->options->stack_name, status,
                       failure != NULL ? failure : _("no resource said why (see the events above)"));
          return FALSE;
        }
      show_status_line (d, _("%s … %u s"), status, waited * POLL_MS / 1000);
      wait_a_moment ();
    }
}

/**
 * thumbing_deploy:
 * @options: what to deploy, and where
 * @error: return location for a #GError
 *
 * Creates or updates the stack of @options->file through a change set and
 * follows it to the end, printing what changes and the stack events.
 *
 * Returns: %TRUE if the stack ended created or updated, or had nothing to change
 */
gboolean
thumbing_deploy (const ThumbingDeployOptions *options,
                 GError                     **error)
{
  Deploy d = {
    .options = options,
    .values = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free),
  };
  gboolean ok = run_deploy (&d, error);

  clear_status_line (&d);
  g_clear_pointer (&d.client, thumbing_aws_client_unref);
  g_hash_table_unref (d.values);
  return ok;
}
