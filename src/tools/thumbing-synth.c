/* thumbing-synth.c: a CloudFormation template, or an IAM policy, derived from a pipeline file
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * What runs and what is deployed come from the same file: the pipeline is
 * loaded and checked as `thumbing run` would, then each element is mapped
 * to the AWS resources it needs, and each permission its factory declares
 * is scoped to the bucket, prefix, queue or topic its properties name.
 * A property written as a single ${VAR} becomes a template Parameter
 * (THUMBING_BUCKET_NAME → BucketName, its default the value at synth time)
 * and, for a Lambda function, the variable of its environment, so a value
 * changed at deploy time changes both.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <glib/gi18n.h>
#include <thumbing/thumbing.h>

#include "thumbing-synth.h"

#define DEFAULT_QUEUE_URL "https://sqs.us-east-1.amazonaws.com/000000000000/thumbing-synth"
#define DEFAULT_RUNTIME_API "127.0.0.1:9001"

/* A value of the pipeline: a template parameter, or a literal. */
typedef struct
{
  char *param;
  char *value;
} SynthValue;

typedef struct
{
  char      *sid;
  GPtrArray *actions;    /* char* */
  JsonNode  *resources;  /* array */
  JsonNode  *condition;  /* object, or NULL */
} Statement;

typedef struct
{
  const char         *file;
  GKeyFile           *raw;
  gboolean            policy_only;
  gboolean            lambda;
  JsonObject         *parameters;
  JsonObject         *conditions;
  JsonObject         *resources;
  JsonObject         *outputs;
  GHashTable         *env;          /* variable → JsonNode, the function's environment */
  GHashTable         *stand_ins;    /* variables synth set, for resources the template creates */
  GHashTable         *buckets;      /* param or literal → logical id */
  GPtrArray          *statements;   /* Statement, the pipeline's own */
  ThumbingElement    *source;
  SynthValue          input_bucket;
  SynthValue          input_prefix;
  SynthValue          input_suffix;
  char               *topic;        /* Fn::Sub text of the topic's ARN */
  char               *queue_arn;    /* Fn::Sub text of the queue's ARN */
  char               *dead_letter_arn;
} Synth;

static void
synth_value_clear (SynthValue *v)
{
  g_clear_pointer (&v->param, g_free);
  g_clear_pointer (&v->value, g_free);
}

static void
statement_free (Statement *st)
{
  g_free (st->sid);
  g_ptr_array_unref (st->actions);
  json_node_unref (st->resources);
  if (st->condition != NULL)
    json_node_unref (st->condition);
  g_free (st);
}

static void
synth_clear (Synth *s)
{
  g_clear_pointer (&s->raw, g_key_file_unref);
  g_clear_pointer (&s->parameters, json_object_unref);
  g_clear_pointer (&s->conditions, json_object_unref);
  g_clear_pointer (&s->resources, json_object_unref);
  g_clear_pointer (&s->outputs, json_object_unref);
  g_clear_pointer (&s->env, g_hash_table_unref);
  g_clear_pointer (&s->stand_ins, g_hash_table_unref);
  g_clear_pointer (&s->buckets, g_hash_table_unref);
  g_clear_pointer (&s->statements, g_ptr_array_unref);
  synth_value_clear (&s->input_bucket);
  synth_value_clear (&s->input_prefix);
  synth_value_clear (&s->input_suffix);
  g_clear_pointer (&s->topic, g_free);
  g_clear_pointer (&s->queue_arn, g_free);
  g_clear_pointer (&s->dead_letter_arn, g_free);
}

/* JSON in the template's own shape: small constructors that take ownership. */

static JsonNode *
str_node (const char *text)
{
  JsonNode *node = json_node_new (JSON_NODE_VALUE);

  json_node_set_string (node, text);
  return node;
}

static JsonNode *
int_node (gint64 number)
{
  JsonNode *node = json_node_new (JSON_NODE_VALUE);

  json_node_set_int (node, number);
  return node;
}

static JsonNode *
bool_node (gboolean value)
{
  JsonNode *node = json_node_new (JSON_NODE_VALUE);

  json_node_set_boolean (node, value);
  return node;
}

/* object ("Key", node, "Key", node, …, NULL) */
static JsonNode *
object (const char *first_key,
        ...)
{
  JsonObject *o = json_object_new ();
  JsonNode *node = json_node_new (JSON_NODE_OBJECT);
  va_list args;

  va_start (args, first_key);
  for (const char *key = first_key; key != NULL; key = va_arg (args, const char *))
    {
      JsonNode *value = va_arg (args, JsonNode *);

      if (value != NULL)
        json_object_set_member (o, key, value);
    }
  va_end (args);
  json_node_take_object (node, o);
  return node;
}

/* array (node, node, …, NULL) */
static JsonNode *
array (JsonNode *first,
       ...)
{
  JsonArray *a = json_array_new ();
  JsonNode *node = json_node_new (JSON_NODE_ARRAY);
  va_list args;

  va_start (args, first);
  for (JsonNode *item = first; item != NULL; item = va_arg (args, JsonNode *))
    json_array_add_element (a, item);
  va_end (args);
  json_node_take_array (node, a);
  return node;
}

static JsonNode *
ref (const char *name)
{
  return object ("Ref", str_node (name), NULL);
}

static JsonNode *
get_att (const char *resource,
         const char *attribute)
{
  return object ("Fn::GetAtt", array (str_node (resource), str_node (attribute), NULL), NULL);
}

/* A text that may name parameters and attributes as ${Name}: Fn::Sub in a
 * template, already literal in a policy printed alone. */
static JsonNode *
sub (Synth      *s,
     const char *text)
{
  if (s->policy_only || strstr (text, "${") == NULL)
    return str_node (text);
  return object ("Fn::Sub", str_node (text), NULL);
}

static void
add_resource (Synth      *s,
              const char *id,
              JsonNode   *resource)
{
  json_object_set_member (s->resources, id, resource);
}

static JsonObject *
resource_properties (Synth      *s,
                     const char *id)
{
  return json_object_get_object_member (json_object_get_object_member (s->resources, id), "Properties");
}

static void
add_output (Synth      *s,
            const char *id,
            const char *description,
            JsonNode   *value)
{
  json_object_set_member (s->outputs, id,
                          object ("Description", str_node (description), "Value", value, NULL));
}

static void
add_parameter (Synth      *s,
               const char *name,
               JsonNode   *definition)
{
  if (!json_object_has_member (s->parameters, name))
    json_object_set_member (s->parameters, name, definition);
  else
    json_node_unref (definition);
}

static void
set_env (Synth      *s,
         const char *variable,
         JsonNode   *value)
{
  g_hash_table_replace (s->env, g_strdup (variable), value);
}

static gboolean G_GNUC_PRINTF (5, 6)
refuse (Synth            *s,
        GError          **error,
        ThumbingElement  *element,
        const char       *key,
        const char       *format,
        ...)
{
  va_list args;
  g_autofree char *message = NULL;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);
  g_set_error (error, THUMBING_ERROR, THUMBING_ERROR_CONFIG, "%s: [%s]%s%s: %s", s->file,
               thumbing_element_get_name (element), key != NULL ? " " : "", key != NULL ? key : "", message);
  return FALSE;
}

/* THUMBING_S3_FOLDER_INPUT → S3FolderInput: the seed's names, as CamelCase. */
static char *
parameter_name (const char *variable)
{
  GString *name = g_string_new (NULL);
  gboolean upper = TRUE;

  if (g_str_has_prefix (variable, "THUMBING_"))
    variable += strlen ("THUMBING_");
  for (const char *p = variable; *p != '\0'; p++)
    {
      if (*p == '_')
        {
          upper = TRUE;
          continue;
        }
      g_string_append_c (name, upper ? g_ascii_toupper (*p) : g_ascii_tolower (*p));
      upper = FALSE;
    }
  return g_string_free (name, FALSE);
}

/* The variable a raw value is, when it is a single ${VAR} or ${VAR:-default}
 * and nothing else; an unset ${A:-${B}} is B's. */
static char *
single_variable (const char *raw)
{
  g_autoptr(GRegex) pattern = g_regex_new ("^\\$\\{([A-Za-z_][A-Za-z0-9_]*)(?::-(.*))?\\}$", G_REGEX_DOTALL, 0, NULL);
  g_autoptr(GMatchInfo) match = NULL;
  g_autofree char *name = NULL;
  g_autofree char *fallback = NULL;

  if (raw == NULL || !g_regex_match (pattern, raw, 0, &match))
    return NULL;
  name = g_match_info_fetch (match, 1);
  fallback = g_match_info_fetch (match, 2);
  if (g_getenv (name) == NULL && fallback != NULL && g_str_has_prefix (fallback, "${"))
    return single_variable (fallback);
  return g_steal_pointer (&name);
}

static char *
property_text (ThumbingElement *element,
               const char      *property)
{
  GParamSpec *pspec = g_object_class_find_property (G_OBJECT_GET_CLASS (element), property);
  g_auto(GValue) value = G_VALUE_INIT;
  g_auto(GValue) text = G_VALUE_INIT;

  if (pspec == NULL)
    return NULL;
  g_value_init (&value, pspec->value_type);
  g_object_get_property (G_OBJECT (element), property, &value);
  if (G_VALUE_HOLDS_STRING (&value))
    return g_value_dup_string (&value);
  if (G_VALUE_HOLDS (&value, G_TYPE_STRV))
    return g_value_get_boxed (&value) != NULL ? g_strjoinv (";", g_value_get_boxed (&value)) : NULL;
  g_value_init (&text, G_TYPE_STRING);
  return g_value_transform (&value, &text) ? g_value_dup_string (&text) : NULL;
}

static gboolean
is_secret (ThumbingElement *element,
           const char      *property)
{
  GParamSpec *pspec = g_object_class_find_property (G_OBJECT_GET_CLASS (element), property);

  return pspec != NULL && (pspec->flags & THUMBING_PARAM_SECRET) != 0;
}

/* Reads @property of @element; when the file writes it as one ${VAR}, it
 * becomes the template parameter named after VAR, and VAR of the
 * function's environment refers to it. */
static void
read_value (Synth           *s,
            ThumbingElement *element,
            const char      *property,
            const char      *description,
            SynthValue      *out)
{
  g_autofree char *raw = g_key_file_get_value (s->raw, thumbing_element_get_name (element), property, NULL);
  g_autofree char *variable = single_variable (raw);
  g_autofree char *value = property_text (element, property);

  synth_value_clear (out);
  out->value = g_strdup (value != NULL ? value : "");
  if (s->policy_only || variable == NULL || g_hash_table_contains (s->stand_ins, variable))
    return;

  out->param = parameter_name (variable);
  if (is_secret (element, property))
    add_parameter (s, out->param,
                   object ("Type", str_node ("String"), "NoEcho", bool_node (TRUE),
                           "Description", str_node (description), NULL));
  else
    add_parameter (s, out->param,
                   object ("Type", str_node ("String"), "Default", str_node (out->value),
                           "Description", str_node (description), NULL));
  set_env (s, variable, ref (out->param));
}

/* The value inside a Fn::Sub text. */
static char *
fragment (const SynthValue *v)
{
  g_auto(GStrv) parts = NULL;

  if (v->param != NULL)
    return g_strdup_printf ("${%s}", v->param);
  parts = g_strsplit (v->value, "${", -1);
  return g_strjoinv ("${!", parts);
}

static JsonNode *
value_node (const SynthValue *v)
{
  return v->param != NULL ? ref (v->param) : str_node (v->value);
}

static const char *
partition (Synth *s)
{
  return s->policy_only ? "aws" : "${AWS::Partition}";
}

/* The ARN of the objects under a bucket's prefix, ending in *[suffix]. */
static char *
objects_arn (Synth            *s,
             const SynthValue *bucket,
             const SynthValue *prefix,
             const SynthValue *suffix)
{
  g_autofree char *b = fragment (bucket);
  g_autofree char *p = prefix != NULL ? fragment (prefix) : g_strdup ("");
  g_autofree char *x = suffix != NULL ? fragment (suffix) : g_strdup ("");

  return g_strdup_printf ("arn:%s:s3:::%s/%s*%s", partition (s), b, p, x);
}

/* Adds @action on @resource to the statement of @element with the same
 * resources and condition, or a new one. */
static void
grant (Synth           *s,
       const char      *sid_base,
       const char      *action,
       JsonNode        *resources,
       JsonNode        *condition)
{
  g_autofree char *sid = NULL;
  guint same_base = 0;

  for (guint i = 0; i < s->statements->len; i++)
    {
      Statement *st = s->statements->pdata[i];

      if (!g_str_has_prefix (st->sid, sid_base))
        continue;
      same_base++;
      if (json_node_equal (st->resources, resources)
          && ((st->condition == NULL && condition == NULL)
              || (st->condition != NULL && condition != NULL && json_node_equal (st->condition, condition))))
        {
          gboolean present = FALSE;

          for (guint j = 0; j < st->actions->len; j++)
            present |= strcmp (st->actions->pdata[j], action) == 0;
          if (!present)
            g_ptr_array_add (st->actions, g_strdup (action));
          json_node_unref (resources);
          if (condition != NULL)
            json_node_unref (condition);
          return;
        }
    }

  sid = same_base == 0 ? g_strdup (sid_base) : g_strdup_printf ("%s%u", sid_base, same_base + 1);
  {
    Statement *st = g_new0 (Statement, 1);

    st->sid = g_steal_pointer (&sid);
    st->actions = g_ptr_array_new_with_free_func (g_free);
    g_ptr_array_add (st->actions, g_strdup (action));
    st->resources = resources;
    st->condition = condition;
    g_ptr_array_add (s->statements, st);
  }
}

static JsonNode *
policy_document (GPtrArray *statements)
{
  JsonArray *list = json_array_new ();
  JsonNode *node;

  for (guint i = 0; i < statements->len; i++)
    {
      Statement *st = statements->pdata[i];
      JsonArray *actions = json_array_new ();
      JsonNode *actions_node = json_node_new (JSON_NODE_ARRAY);

      for (guint j = 0; j < st->actions->len; j++)
        json_array_add_string_element (actions, st->actions->pdata[j]);
      json_node_take_array (actions_node, actions);
      json_array_add_element (list, object ("Sid", str_node (st->sid), "Effect", str_node ("Allow"),
                                            "Action", actions_node,
                                            "Resource", json_node_copy (st->resources),
                                            "Condition", st->condition != NULL ? json_node_copy (st->condition) : NULL,
                                            NULL));
    }
  node = json_node_new (JSON_NODE_ARRAY);
  json_node_take_array (node, list);
  return object ("Version", str_node ("2012-10-17"), "Statement", node, NULL);
}

static char *
stage_sid (ThumbingElement *element)
{
  g_autofree char *upper = g_ascii_strup (thumbing_element_get_name (element), -1);
  g_autoptr(GString) sid = g_string_new (NULL);
  g_autofree char *camel = parameter_name (upper);

  /* Sids are alphanumeric: stage names may hold '-' or '.'. */
  for (const char *p = camel; *p != '\0'; p++)
    if (g_ascii_isalnum (*p))
      g_string_append_c (sid, *p);
  return g_strdup (sid->len > 0 ? sid->str : "Stage");
}

/* Buckets: one resource per distinct name. */
static const char *
bucket_resource (Synth            *s,
                 const SynthValue *bucket)
{
  const char *key = bucket->param != NULL ? bucket->param : bucket->value;
  const char *id = g_hash_table_lookup (s->buckets, key);
  g_autofree char *new_id = NULL;
  guint n = g_hash_table_size (s->buckets);

  if (id != NULL)
    return id;
  new_id = n == 0 ? g_strdup ("InputBucket") : n == 1 ? g_strdup ("OutputBucket") : g_strdup_printf ("OutputBucket%u", n);
  if (!s->policy_only)
    add_resource (s, new_id,
                  object ("Type", str_node ("AWS::S3::Bucket"),
                          "DeletionPolicy", ref ("DataDeletionPolicy"),
                          "UpdateReplacePolicy", ref ("DataDeletionPolicy"),
                          "Properties", object (
                            "BucketName", value_node (bucket),
                            "PublicAccessBlockConfiguration", object (
                              "BlockPublicAcls", bool_node (TRUE), "BlockPublicPolicy", bool_node (TRUE),
                              "IgnorePublicAcls", bool_node (TRUE), "RestrictPublicBuckets", bool_node (TRUE), NULL),
                            "BucketEncryption", object (
                              "ServerSideEncryptionConfiguration", array (object (
                                "ServerSideEncryptionByDefault", object ("SSEAlgorithm", str_node ("AES256"), NULL),
                                NULL), NULL), NULL),
                            "OwnershipControls", object (
                              "Rules", array (object ("ObjectOwnership", str_node ("BucketOwnerEnforced"), NULL), NULL),
                              NULL),
                            NULL),
                          NULL));
  g_hash_table_insert (s->buckets, g_strdup (key), g_strdup (new_id));
  return g_hash_table_lookup (s->buckets, key);
}

static gboolean
read_bucket (Synth            *s,
             ThumbingElement  *element,
             SynthValue       *bucket,
             SynthValue       *prefix,
             const char       *what,
             GError          **error)
{
  g_autofree char *bucket_description = g_strdup_printf (_("The bucket %s"), what);
  g_autofree char *prefix_description = g_strdup_printf (_("The key prefix %s"), what);

  read_value (s, element, "bucket", bucket_description, bucket);
  read_value (s, element, "prefix", prefix_description, prefix);
  if (*bucket->value == '\0')
    return refuse (s, error, element, "bucket",
                   _("set the bucket, as bucket=${THUMBING_BUCKET_NAME}: the template creates it and scopes "
                     "the permissions to it"));
  if (!g_regex_match_simple ("^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$", bucket->value, 0, 0)
      || strstr (bucket->value, "..") != NULL)
    return refuse (s, error, element, "bucket",
                   _("“%s” is not an S3 bucket name (3 to 63 lowercase letters, digits, “.” and “-”)"),
                   bucket->value);
  bucket_resource (s, bucket);
  return TRUE;
}

static char *
queue_arn_from_url (const char *url)
{
  g_autoptr(GUri) uri = g_uri_parse (url, G_URI_FLAGS_NONE, NULL);
  g_auto(GStrv) host = NULL;
  g_auto(GStrv) path = NULL;
  const char *region = g_getenv ("AWS_REGION");

  if (uri == NULL || g_uri_get_host (uri) == NULL)
    return NULL;
  path = g_strsplit (g_uri_get_path (uri), "/", -1);
  if (g_strv_length (path) != 3 || *path[1] == '\0' || *path[2] == '\0')
    return NULL;
  host = g_strsplit (g_uri_get_host (uri), ".", -1);
  if (g_strv_length (host) >= 3 && strcmp (host[0], "sqs") == 0)
    region = host[1];
  return g_strdup_printf ("arn:aws:sqs:%s:%s:%s", region != NULL ? region : "*", path[1], path[2]);
}

/* The source decides the trigger: a queue the bucket notifies, read by
 * the daemon or by the function's event source mapping. */
static gboolean
add_source (Synth            *s,
            ThumbingElement  *source,
            GError          **error)
{
  const char *factory = thumbing_element_get_factory_name (source);
  g_autofree char *events = property_text (source, "events");
  g_autofree char *sid = stage_sid (source);
  g_autoptr(JsonNode) rules = NULL;

  s->source = source;
  s->lambda = strcmp (factory, "lambda-source") == 0;
  if (!s->lambda && strcmp (factory, "sqs-source") != 0 && strcmp (factory, "s3-list-source") != 0)
    {
      if (g_str_has_prefix (factory, "folder-"))
        return refuse (s, error, source, "element",
                       _("%s reads a local folder: there is nothing to deploy (use sqs-source or lambda-source)"),
                       factory);
      return refuse (s, error, source, "element",
                     _("%s cannot be deployed by synth: its sources are sqs-source (a daemon on a queue), "
                       "lambda-source (a Lambda function) and s3-list-source (a backfill)"), factory);
    }
  if (!read_bucket (s, source, &s->input_bucket, &s->input_prefix, _("uploads land in"), error))
    return FALSE;
  read_value (s, source, "suffix", _("Only keys ending so are processed"), &s->input_suffix);

  if (strcmp (factory, "s3-list-source") == 0)
    {
      g_autofree char *bucket = fragment (&s->input_bucket);
      g_autofree char *prefix = fragment (&s->input_prefix);
      g_autofree char *arn = g_strdup_printf ("arn:%s:s3:::%s", partition (s), bucket);
      g_autofree char *like = g_strdup_printf ("%s*", prefix);
      g_autofree char *done_prefix = property_text (source, "skip-done-prefix");
      JsonNode *prefixes = array (sub (s, like), NULL);

      if (done_prefix != NULL && *done_prefix != '\0')
        {
          g_autofree char *done_like = g_strdup_printf ("%s*", done_prefix);

          json_array_add_element (json_node_get_array (prefixes), str_node (done_like));
        }
      grant (s, sid, "s3:ListBucket", array (sub (s, arn), NULL),
             object ("StringLike", object ("s3:prefix", prefixes, NULL), NULL));
      return TRUE;
    }

  if (s->policy_only)
    {
      g_autofree char *url = property_text (source, "queue-url");

      if (!s->lambda)
        {
          s->queue_arn = queue_arn_from_url (url);
          if (s->queue_arn == NULL)
            return refuse (s, error, source, "queue-url", _("“%s” is not a queue URL (as https://sqs.REGION.amazonaws.com/ACCOUNT/NAME)"), url);
        }
      return TRUE;
    }

  s->queue_arn = g_strdup ("${Queue.Arn}");
  s->dead_letter_arn = g_strdup ("${DeadLetterQueue.Arn}");
  add_parameter (s, "MaxReceiveCount",
                 object ("Type", str_node ("Number"), "Default", int_node (5), "MinValue", int_node (1),
                         "Description", str_node (_("Receives of a failing message before it moves to the dead-letter queue")),
                         NULL));
  add_resource (s, "DeadLetterQueue",
                object ("Type", str_node ("AWS::SQS::Queue"),
                        "Properties", object ("MessageRetentionPeriod", int_node (1209600),
                                              "SqsManagedSseEnabled", bool_node (TRUE), NULL),
                        NULL));
  if (s->lambda)
    add_parameter (s, "QueueVisibilityTimeout",
                   object ("Type", str_node ("Number"), "Default", int_node (360), "MinValue", int_node (1),
                           "Description", str_node (_("Seconds a message stays hidden while the function works on it: "
                                                      "at least six times FunctionTimeout, as AWS advises")), NULL));
  {
    g_autofree char *visibility = property_text (source, "visibility-timeout");

    add_resource (s, "Queue",
                  object ("Type", str_node ("AWS::SQS::Queue"),
                          "Properties", object (
                            "VisibilityTimeout", s->lambda ? ref ("QueueVisibilityTimeout")
                                                           : int_node (g_ascii_strtoll (visibility, NULL, 10)),
                            "SqsManagedSseEnabled", bool_node (TRUE),
                            "RedrivePolicy", object ("deadLetterTargetArn", get_att ("DeadLetterQueue", "Arn"),
                                                     "maxReceiveCount", ref ("MaxReceiveCount"), NULL),
                            NULL),
                          NULL));
  }
  {
    g_autofree char *bucket = fragment (&s->input_bucket);
    g_autofree char *bucket_arn = g_strdup_printf ("arn:%s:s3:::%s", partition (s), bucket);

    /* Only this bucket, in this account, may send: not any S3 bucket. */
    add_resource (s, "QueuePolicy",
                  object ("Type", str_node ("AWS::SQS::QueuePolicy"),
                          "Properties", object (
                            "Queues", array (ref ("Queue"), NULL),
                            "PolicyDocument", object (
                              "Version", str_node ("2012-10-17"),
                              "Statement", array (object (
                                "Sid", str_node ("InputBucketNotifies"),
                                "Effect", str_node ("Allow"),
                                "Principal", object ("Service", str_node ("s3.amazonaws.com"), NULL),
                                "Action", str_node ("sqs:SendMessage"),
                                "Resource", get_att ("Queue", "Arn"),
                                "Condition", object (
                                  "ArnEquals", object ("aws:SourceArn", sub (s, bucket_arn), NULL),
                                  "StringEquals", object ("aws:SourceAccount", ref ("AWS::AccountId"), NULL),
                                  NULL),
                                NULL), NULL),
                              NULL),
                            NULL),
                          NULL));
  }

  rules = array (object ("Name", str_node ("prefix"), "Value", value_node (&s->input_prefix), NULL), NULL);
  if (*s->input_suffix.value != '\0')
    json_array_add_element (json_node_get_array (rules),
                            object ("Name", str_node ("suffix"), "Value", value_node (&s->input_suffix), NULL));
  {
    g_autofree char *event = g_strconcat ("s3:", events != NULL && *events != '\0' ? events : "ObjectCreated:*", NULL);
    const char *id = bucket_resource (s, &s->input_bucket);
    JsonObject *resource = json_object_get_object_member (s->resources, id);

    json_object_set_member (resource_properties (s, id), "NotificationConfiguration",
                            object ("QueueConfigurations", array (object (
                                      "Event", str_node (event),
                                      "Queue", get_att ("Queue", "Arn"),
                                      "Filter", object ("S3Key", object ("Rules", g_steal_pointer (&rules), NULL), NULL),
                                      NULL), NULL), NULL));
    /* S3 checks that it may send when the notification is created. */
    json_object_set_member (resource, "DependsOn", array (str_node ("QueuePolicy"), NULL));
  }
  add_output (s, "QueueUrl", _("The queue S3 notifies: THUMBING_QUEUE_URL of the workers"), ref ("Queue"));
  add_output (s, "DeadLetterQueueUrl", _("Where messages that keep failing end"), ref ("DeadLetterQueue"));
  return TRUE;
}

static gboolean
add_topic (Synth            *s,
           ThumbingElement  *element,
           GError          **error)
{
  g_autofree char *arn = property_text (element, "topic-arn");
  g_autofree char *sid = stage_sid (element);
  SynthValue name = { 0 };
  SynthValue given = { 0 };

  if (arn != NULL && *arn != '\0')
    {
      g_autofree char *text = NULL;

      read_value (s, element, "topic-arn", _("The SNS topic completions are published to"), &given);
      text = fragment (&given);
      grant (s, sid, "sns:Publish", array (sub (s, text), NULL), NULL);
      synth_value_clear (&given);
      return TRUE;
    }

  read_value (s, element, "topic-name", _("The SNS topic completions are published to (created)"), &name);
  /* The topic is found by name at run time: ListTopics grants nothing on a
   * resource, so AWS allows it only on "*". */
  grant (s, sid, "sns:ListTopics", array (str_node ("*"), NULL), NULL);
  if (s->policy_only)
    {
      const char *region = g_getenv ("AWS_REGION");
      g_autofree char *text = g_strdup_printf ("arn:aws:sns:%s:*:%s", region != NULL ? region : "*", name.value);

      grant (s, sid, "sns:Publish", array (str_node (text), NULL), NULL);
      synth_value_clear (&name);
      return TRUE;
    }
  if (s->topic != NULL)
    {
      synth_value_clear (&name);
      return refuse (s, error, element, "element", _("a second sns-publish: synth creates one topic"));
    }
  add_resource (s, "Topic", object ("Type", str_node ("AWS::SNS::Topic"),
                                    "Properties", object ("TopicName", value_node (&name), NULL), NULL));
  s->topic = g_strdup ("${Topic}");
  grant (s, sid, "sns:Publish", array (sub (s, s->topic), NULL), NULL);
  add_output (s, "TopicArn", _("The topic completions are published to"), ref ("Topic"));
  synth_value_clear (&name);
  return TRUE;
}

static gboolean
check_webhook (Synth            *s,
               ThumbingElement  *element,
               SynthValue       *urls,
               GError          **error)
{
  g_auto(GStrv) list = NULL;

  read_value (s, element, "urls", _("Webhook subscribers, separated by “;”"), urls);
  list = g_strsplit (urls->value, ";", -1);
  for (char **url = list; *url != NULL; url++)
    if (**url != '\0' && g_ascii_strncasecmp (*url, "https://", 8) != 0)
      return refuse (s, error, element, "urls",
                     _("“%s” is not an https URL: a deployed webhook must not send its signed documents in the clear"),
                     *url);
  {
    SynthValue secret = { 0 };

    read_value (s, element, "secret", _("The webhook's HMAC secret (at least 16 characters)"), &secret);
    synth_value_clear (&secret);
  }
  return TRUE;
}

/* The seed's subscription: S3's topic posts to the webhook URL itself. */
static void
add_topic_subscription (Synth      *s,
                        SynthValue *urls)
{
  if (s->topic == NULL || urls->value == NULL || *urls->value == '\0' || strchr (urls->value, ';') != NULL)
    return;
  add_parameter (s, "SubscribeWebhookToTopic",
                 object ("Type", str_node ("String"), "Default", str_node ("false"),
                         "AllowedValues", array (str_node ("true"), str_node ("false"), NULL),
                         "Description", str_node (_("Also subscribe the webhook URL to the topic over HTTPS, as the seed did")),
                         NULL));
  json_object_set_member (s->conditions, "SubscribeWebhook",
                          object ("Fn::Equals", array (ref ("SubscribeWebhookToTopic"), str_node ("true"), NULL), NULL));
  add_resource (s, "WebhookSubscription",
                object ("Type", str_node ("AWS::SNS::Subscription"), "Condition", str_node ("SubscribeWebhook"),
                        "Properties", object ("TopicArn", ref ("Topic"), "Protocol", str_node ("https"),
                                              "Endpoint", value_node (urls), NULL),
                        NULL));
}

static gboolean
add_output_cdn (Synth            *s,
                ThumbingElement  *element,
                GError          **error)
{
  SynthValue bucket = { 0 };
  SynthValue prefix = { 0 };
  g_autofree char *sid = stage_sid (element);
  g_autofree char *arn = NULL;
  const char *id;

  if (!read_bucket (s, element, &bucket, &prefix, _("the CDN serves"), error))
    return FALSE;
  arn = objects_arn (s, &bucket, &prefix, NULL);
  if (!s->lambda)
    grant (s, sid, "s3:GetObject", array (sub (s, arn), NULL), NULL);
  id = bucket_resource (s, &bucket);
  synth_value_clear (&bucket);
  synth_value_clear (&prefix);
  if (s->policy_only)
    return TRUE;

  add_parameter (s, "CdnDomainName",
                 object ("Type", str_node ("String"), "Default", str_node (""),
                         "Description", str_node (_("An alternate domain name of the CDN, used when CdnCertificateArn is set")),
                         NULL));
  add_parameter (s, "CdnCertificateArn",
                 object ("Type", str_node ("String"), "Default", str_node (""),
                         "AllowedPattern", str_node ("^(arn:aws[a-zA-Z-]*:acm:us-east-1:[0-9]{12}:certificate/.+)?$"),
                         "Description", str_node (_("The ACM certificate (in us-east-1) of CdnDomainName, or empty for the CDN's own name only")), NULL));
  json_object_set_member (s->conditions, "HasCdnDomain",
                          object ("Fn::Not", array (object ("Fn::Equals", array (ref ("CdnCertificateArn"), str_node (""), NULL),
                                                            NULL), NULL), NULL));
  add_resource (s, "OutputOriginAccessControl",
                object ("Type", str_node ("AWS::CloudFront::OriginAccessControl"),
                        "Properties", object ("OriginAccessControlConfig", object (
                          "Name", object ("Fn::Sub", str_node ("${AWS::StackName}-outputs"), NULL),
                          "OriginAccessControlOriginType", str_node ("s3"),
                          "SigningBehavior", str_node ("always"),
                          "SigningProtocol", str_node ("sigv4"), NULL), NULL),
                        NULL));
  /* The managed policies of the seed's console steps: CachingOptimized,
   * CORS-S3Origin and SimpleCORS. */
  add_resource (s, "OutputDistribution",
                object ("Type", str_node ("AWS::CloudFront::Distribution"),
                        "Properties", object ("DistributionConfig", object (
                          "Enabled", bool_node (TRUE),
                          "HttpVersion", str_node ("http2and3"),
                          "Aliases", object ("Fn::If", array (str_node ("HasCdnDomain"), array (ref ("CdnDomainName"), NULL),
                                                              ref ("AWS::NoValue"), NULL), NULL),
                          "ViewerCertificate", object ("Fn::If", array (
                            str_node ("HasCdnDomain"),
                            object ("AcmCertificateArn", ref ("CdnCertificateArn"), "SslSupportMethod", str_node ("sni-only"),
                                    "MinimumProtocolVersion", str_node ("TLSv1.2_2021"), NULL),
                            object ("CloudFrontDefaultCertificate", bool_node (TRUE), NULL), NULL), NULL),
                          "Origins", array (object (
                            "Id", str_node ("outputs"),
                            "DomainName", get_att (id, "RegionalDomainName"),
                            "OriginAccessControlId", get_att ("OutputOriginAccessControl", "Id"),
                            "S3OriginConfig", object ("OriginAccessIdentity", str_node (""), NULL), NULL), NULL),
                          "DefaultCacheBehavior", object (
                            "TargetOriginId", str_node ("outputs"),
                            "ViewerProtocolPolicy", str_node ("redirect-to-https"),
                            "AllowedMethods", array (str_node ("GET"), str_node ("HEAD"), str_node ("OPTIONS"), NULL),
                            "CachedMethods", array (str_node ("GET"), str_node ("HEAD"), NULL),
                            "Compress", bool_node (TRUE),
                            "CachePolicyId", str_node ("658327ea-f89d-4fab-a63d-7e88639e58f6"),
                            "OriginRequestPolicyId", str_node ("88a5eaf4-2fd4-4709-b370-b4c650ea3fcf"),
                            "ResponseHeadersPolicyId", str_node ("60669652-455b-4ae9-85a4-c4c02393f86c"), NULL),
                          NULL), NULL),
                        NULL));
  /* Only this distribution reads, and only the outputs. */
  add_resource (s, "OutputBucketPolicy",
                object ("Type", str_node ("AWS::S3::BucketPolicy"),
                        "Properties", object (
                          "Bucket", ref (id),
                          "PolicyDocument", object (
                            "Version", str_node ("2012-10-17"),
                            "Statement", array (object (
                              "Sid", str_node ("CdnReadsOutputs"),
                              "Effect", str_node ("Allow"),
                              "Principal", object ("Service", str_node ("cloudfront.amazonaws.com"), NULL),
                              "Action", str_node ("s3:GetObject"),
                              "Resource", sub (s, arn),
                              "Condition", object ("StringEquals", object (
                                "AWS:SourceArn", object ("Fn::Sub", str_node (
                                  "arn:${AWS::Partition}:cloudfront::${AWS::AccountId}:distribution/${OutputDistribution}"), NULL),
                                NULL), NULL),
                              NULL), NULL),
                            NULL),
                          NULL),
                        NULL));
  add_output (s, "CdnDomainName", _("Where the outputs are served"), get_att ("OutputDistribution", "DomainName"));
  return TRUE;
}

/* The browser origins CORS allows, ";"-separated in the pipeline. */
static JsonNode *
origins_node (const SynthValue *origins)
{
  g_auto(GStrv) list = NULL;
  JsonNode *allowed;

  if (origins->param != NULL)
    return object ("Fn::Split", array (str_node (";"), ref (origins->param), NULL), NULL);
  allowed = array (NULL, NULL);
  list = g_strsplit (*origins->value != '\0' ? origins->value : "*", ";", -1);
  for (char **o = list; *o != NULL; o++)
    json_array_add_string_element (json_node_get_array (allowed), *o);
  return allowed;
}

/* The seed's API Gateway route behind a Cognito JWT authorizer, whose
 * requests the function answers with the same upload-api (as events). */
static void
add_http_api (Synth            *s,
              ThumbingElement  *element,
              const SynthValue *origins)
{
  SynthValue issuer = { 0 };
  SynthValue client = { 0 };
  g_autofree char *path = property_text (element, "path");
  g_autofree char *route = g_strdup_printf ("POST %s", path);

  read_value (s, element, "issuer", _("The Cognito user pool's issuer, https://cognito-idp.REGION.amazonaws.com/POOL"),
              &issuer);
  read_value (s, element, "client-id", _("The Cognito app client id (the seed's CLIENT_ID)"), &client);
  add_resource (s, "UploadApi",
                object ("Type", str_node ("AWS::ApiGatewayV2::Api"),
                        "Properties", object (
                          "Name", object ("Fn::Sub", str_node ("${AWS::StackName}-uploads"), NULL),
                          "ProtocolType", str_node ("HTTP"),
                          "CorsConfiguration", object (
                            "AllowOrigins", origins_node (origins),
                            "AllowMethods", array (str_node ("POST"), NULL),
                            "AllowHeaders", array (str_node ("authorization"), str_node ("content-type"), NULL),
                            "MaxAge", int_node (600), NULL),
                          NULL),
                        NULL));
  add_resource (s, "UploadAuthorizer",
                object ("Type", str_node ("AWS::ApiGatewayV2::Authorizer"),
                        "Properties", object (
                          "ApiId", ref ("UploadApi"),
                          "Name", str_node ("cognito"),
                          "AuthorizerType", str_node ("JWT"),
                          "IdentitySource", array (str_node ("$request.header.Authorization"), NULL),
                          "JwtConfiguration", object ("Issuer", value_node (&issuer),
                                                      "Audience", array (value_node (&client), NULL), NULL),
                          NULL),
                        NULL));
  add_resource (s, "UploadIntegration",
                object ("Type", str_node ("AWS::ApiGatewayV2::Integration"),
                        "Properties", object (
                          "ApiId", ref ("UploadApi"),
                          "IntegrationType", str_node ("AWS_PROXY"),
                          "IntegrationUri", get_att ("Function", "Arn"),
                          "PayloadFormatVersion", str_node ("2.0"), NULL),
                        NULL));
  add_resource (s, "UploadRoute",
                object ("Type", str_node ("AWS::ApiGatewayV2::Route"),
                        "Properties", object (
                          "ApiId", ref ("UploadApi"),
                          "RouteKey", str_node (route),
                          "AuthorizationType", str_node ("JWT"),
                          "AuthorizerId", ref ("UploadAuthorizer"),
                          "Target", object ("Fn::Sub", str_node ("integrations/${UploadIntegration}"), NULL), NULL),
                        NULL));
  add_resource (s, "UploadStage",
                object ("Type", str_node ("AWS::ApiGatewayV2::Stage"),
                        "Properties", object ("ApiId", ref ("UploadApi"), "StageName", str_node ("$default"),
                                              "AutoDeploy", bool_node (TRUE), NULL),
                        NULL));
  /* Only this API, and only its routes, may invoke the function. */
  add_resource (s, "UploadApiInvokes",
                object ("Type", str_node ("AWS::Lambda::Permission"),
                        "Properties", object (
                          "Action", str_node ("lambda:InvokeFunction"),
                          "FunctionName", ref ("Function"),
                          "Principal", str_node ("apigateway.amazonaws.com"),
                          "SourceArn", object ("Fn::Sub", str_node (
                            "arn:${AWS::Partition}:execute-api:${AWS::Region}:${AWS::AccountId}:${UploadApi}/*/*"), NULL),
                          NULL),
                        NULL));
  add_output (s, "UploadApiUrl", _("The upload API: POST {url}/avatar/get_upload with a Cognito access token"),
              get_att ("UploadApi", "ApiEndpoint"));
  synth_value_clear (&issuer);
  synth_value_clear (&client);
}

static gboolean
add_upload_api (Synth            *s,
                ThumbingElement  *element,
                GError          **error)
{
  SynthValue bucket = { 0 };
  SynthValue prefix = { 0 };
  SynthValue origins = { 0 };
  g_autofree char *sid = stage_sid (element);
  g_autofree char *arn = NULL;
  const char *id;

  if (!read_bucket (s, element, &bucket, &prefix, _("the upload API hands out URLs for"), error))
    return FALSE;
  /* Presigning a PUT needs the signer to be allowed to PUT. */
  arn = objects_arn (s, &bucket, &prefix, NULL);
  grant (s, sid, "s3:PutObject", array (sub (s, arn), NULL), NULL);
  id = bucket_resource (s, &bucket);
  read_value (s, element, "origins", _("Frontend origins allowed to upload (the seed's FRONTEND_URL)"), &origins);
  if (!s->policy_only)
    {
      json_object_set_member (resource_properties (s, id), "CorsConfiguration",
                              object ("CorsRules", array (object (
                                "AllowedMethods", array (str_node ("PUT"), NULL),
                                "AllowedOrigins", origins_node (&origins),
                                "AllowedHeaders", array (str_node ("content-type"), NULL),
                                "MaxAge", int_node (3000), NULL), NULL), NULL));
    }
  if (s->lambda && !s->policy_only)
    add_http_api (s, element, &origins);
  synth_value_clear (&bucket);
  synth_value_clear (&prefix);
  synth_value_clear (&origins);
  return TRUE;
}

/* Each permission a factory declares, scoped by the element's properties;
 * one this cannot scope stops synth, rather than becoming "*". */
static gboolean
add_permissions (Synth            *s,
                 ThumbingElement  *element,
                 GError          **error)
{
  ThumbingRegistry *registry = thumbing_registry_get_default ();
  ThumbingElementFactory *factory = thumbing_registry_lookup (registry, thumbing_element_get_factory_name (element));
  const char * const *permissions = thumbing_element_factory_get_permissions (factory);
  const char *name = thumbing_element_get_factory_name (element);
  g_autofree char *sid = stage_sid (element);

  for (guint i = 0; permissions != NULL && permissions[i] != NULL; i++)
    {
      const char *action = permissions[i];

      if (g_str_has_prefix (action, "sqs:") && s->queue_arn != NULL && element == s->source)
        {
          gboolean also_dead_letter = s->dead_letter_arn != NULL
            && (strcmp (action, "sqs:GetQueueUrl") == 0 || strcmp (action, "sqs:GetQueueAttributes") == 0);

          grant (s, sid, action,
                 also_dead_letter ? array (sub (s, s->queue_arn), sub (s, s->dead_letter_arn), NULL)
                                  : array (sub (s, s->queue_arn), NULL), NULL);
        }
      else if ((strcmp (action, "s3:GetObject") == 0 && strcmp (name, "s3-get") == 0))
        {
          g_autofree char *arn = objects_arn (s, &s->input_bucket, &s->input_prefix, &s->input_suffix);

          grant (s, sid, action, array (sub (s, arn), NULL), NULL);
        }
      else if (g_str_has_prefix (action, "s3:") && strcmp (name, "s3-put") == 0)
        {
          SynthValue bucket = { 0 };
          SynthValue prefix = { 0 };
          g_autofree char *arn = NULL;

          if (!read_bucket (s, element, &bucket, &prefix, _("thumbnails are stored in"), error))
            return FALSE;
          arn = objects_arn (s, &bucket, &prefix, NULL);
          grant (s, sid, action, array (sub (s, arn), NULL), NULL);
          synth_value_clear (&bucket);
          synth_value_clear (&prefix);
        }
      else if (g_str_has_prefix (action, "sns:") && strcmp (name, "sns-publish") == 0)
        continue;    /* add_topic () */
      else if (THUMBING_IS_SERVICE (element) || element == s->source)
        continue;    /* add_source (), add_output_cdn (), add_upload_api () */
      else
        return refuse (s, error, element, "element",
                       _("%s declares the permission %s, which synth cannot scope to a resource "
                         "(it scopes S3, SQS and SNS actions of the shipped elements)"), name, action);
    }
  return TRUE;
}

/* A service on a local folder has nothing to deploy. */
static gboolean
serves_a_bucket (Synth            *s,
                 ThumbingElement  *element,
                 const char       *message,
                 GError          **error)
{
  g_autofree char *bucket = property_text (element, "bucket");

  if (bucket == NULL || *bucket == '\0')
    return refuse (s, error, element, "folder", "%s", message);
  return TRUE;
}

static gboolean
add_element (Synth            *s,
             ThumbingElement  *element,
             GError          **error)
{
  const char *name = thumbing_element_get_factory_name (element);
  SynthValue urls = { 0 };
  gboolean ok = TRUE;

  if (g_str_has_prefix (name, "folder-"))
    return refuse (s, error, element, "element",
                   _("%s writes to a local folder: a deployed pipeline stores with s3-put"), name);
  if (strcmp (name, "sns-publish") == 0)
    ok = add_topic (s, element, error);
  else if (strcmp (name, "webhook") == 0)
    {
      ok = check_webhook (s, element, &urls, error);
      if (ok)
        add_topic_subscription (s, &urls);
      synth_value_clear (&urls);
    }
  else if (strcmp (name, "output-server") == 0)
    ok = serves_a_bucket (s, element, _("output-server serves a local folder: give it bucket= to deploy a CDN "
                                        "in front of the outputs"), error)
         && add_output_cdn (s, element, error);
  else if (strcmp (name, "upload-api") == 0)
    ok = serves_a_bucket (s, element, _("upload-api takes uploads into a local folder: give it bucket= to deploy it"),
                          error)
         && add_upload_api (s, element, error);
  return ok && add_permissions (s, element, error);
}

/* Every other ${VAR} of the file set at synth time goes to the function
 * as it was, so the function runs what was checked. */
static void
add_remaining_environment (Synth *s)
{
  g_autoptr(GRegex) pattern = g_regex_new ("\\$\\{([A-Za-z_][A-Za-z0-9_]*)", 0, 0, NULL);
  g_autofree char *data = g_key_file_to_data (s->raw, NULL, NULL);
  g_autoptr(GMatchInfo) match = NULL;

  g_regex_match (pattern, data, 0, &match);
  for (; g_match_info_matches (match); g_match_info_next (match, NULL))
    {
      g_autofree char *variable = g_match_info_fetch (match, 1);
      const char *value = g_getenv (variable);

      if (value == NULL || g_hash_table_contains (s->env, variable) || g_hash_table_contains (s->stand_ins, variable)
          || g_str_has_prefix (variable, "AWS_"))
        continue;
      set_env (s, variable, str_node (value));
    }
}

static int
compare_names (const void *a,
               const void *b)
{
  return strcmp (*(const char * const *) a, *(const char * const *) b);
}

static void
add_function (Synth *s)
{
  g_autofree const char **names = NULL;
  guint n_names = 0;
  JsonNode *variables = object (NULL, NULL);
  GPtrArray *statements = g_ptr_array_new ();
  g_autoptr(GPtrArray) function_statements = g_ptr_array_new_with_free_func ((GDestroyNotify) statement_free);
  Synth scratch = { .policy_only = FALSE, .statements = function_statements };
  JsonNode *document;

  add_parameter (s, "CodeBucket", object ("Type", str_node ("String"),
                                          "Description", str_node (_("The bucket holding the function's zip (data/package-lambda.sh)")),
                                          NULL));
  add_parameter (s, "CodeKey", object ("Type", str_node ("String"), "Default", str_node ("thumbing-lambda.zip"),
                                       "Description", str_node (_("The key of the function's zip")), NULL));
  add_parameter (s, "FunctionMemorySize", object ("Type", str_node ("Number"), "Default", int_node (1536),
                                                  "MinValue", int_node (128), "MaxValue", int_node (10240),
                                                  "Description", str_node (_("Memory of the function, in MB")), NULL));
  add_parameter (s, "FunctionTimeout", object ("Type", str_node ("Number"), "Default", int_node (60),
                                               "MinValue", int_node (1), "MaxValue", int_node (900),
                                               "Description", str_node (_("Seconds an invocation may take")), NULL));
  add_parameter (s, "LogRetentionDays", object ("Type", str_node ("Number"), "Default", int_node (30),
                                                "Description", str_node (_("Days the function's logs are kept")), NULL));

  add_resource (s, "FunctionLogGroup",
                object ("Type", str_node ("AWS::Logs::LogGroup"),
                        "Properties", object (
                          "LogGroupName", object ("Fn::Sub", str_node ("/aws/lambda/${AWS::StackName}-thumbnails"), NULL),
                          "RetentionInDays", ref ("LogRetentionDays"), NULL),
                        NULL));

  /* The event source mapping polls with the function's role; the function
   * writes only to its own log group. */
  grant (&scratch, "ReadQueue", "sqs:ReceiveMessage", array (sub (&scratch, "${Queue.Arn}"), NULL), NULL);
  grant (&scratch, "ReadQueue", "sqs:DeleteMessage", array (sub (&scratch, "${Queue.Arn}"), NULL), NULL);
  grant (&scratch, "ReadQueue", "sqs:ChangeMessageVisibility", array (sub (&scratch, "${Queue.Arn}"), NULL), NULL);
  grant (&scratch, "ReadQueue", "sqs:GetQueueAttributes", array (sub (&scratch, "${Queue.Arn}"), NULL), NULL);
  grant (&scratch, "WriteLogs", "logs:CreateLogStream", array (sub (&scratch, "${FunctionLogGroup.Arn}"), NULL), NULL);
  grant (&scratch, "WriteLogs", "logs:PutLogEvents", array (sub (&scratch, "${FunctionLogGroup.Arn}"), NULL), NULL);
  for (guint i = 0; i < s->statements->len; i++)
    g_ptr_array_add (statements, s->statements->pdata[i]);
  for (guint i = 0; i < function_statements->len; i++)
    g_ptr_array_add (statements, function_statements->pdata[i]);
  document = policy_document (statements);
  g_ptr_array_unref (statements);

  add_resource (s, "FunctionRole",
                object ("Type", str_node ("AWS::IAM::Role"),
                        "Properties", object (
                          "AssumeRolePolicyDocument", object (
                            "Version", str_node ("2012-10-17"),
                            "Statement", array (object (
                              "Effect", str_node ("Allow"),
                              "Principal", object ("Service", str_node ("lambda.amazonaws.com"), NULL),
                              "Action", str_node ("sts:AssumeRole"), NULL), NULL),
                            NULL),
                          "Policies", array (object ("PolicyName", str_node ("thumbing-pipeline"),
                                                     "PolicyDocument", document, NULL), NULL),
                          NULL),
                        NULL));

  add_remaining_environment (s);
  names = (const char **) g_hash_table_get_keys_as_array (s->env, &n_names);
  qsort (names, n_names, sizeof (char *), compare_names);
  for (guint i = 0; i < n_names; i++)
    json_object_set_member (json_node_get_object (variables), names[i],
                            json_node_copy (g_hash_table_lookup (s->env, names[i])));

  add_resource (s, "Function",
                object ("Type", str_node ("AWS::Lambda::Function"),
                        "DependsOn", array (str_node ("FunctionLogGroup"), NULL),
                        "Properties", object (
                          "FunctionName", object ("Fn::Sub", str_node ("${AWS::StackName}-thumbnails"), NULL),
                          "Runtime", str_node ("provided.al2023"),
                          "Handler", str_node ("bootstrap"),
                          "Architectures", array (str_node ("x86_64"), NULL),
                          "Code", object ("S3Bucket", ref ("CodeBucket"), "S3Key", ref ("CodeKey"), NULL),
                          "Role", get_att ("FunctionRole", "Arn"),
                          "MemorySize", ref ("FunctionMemorySize"),
                          "Timeout", ref ("FunctionTimeout"),
                          "Environment", object ("Variables", variables, NULL),
                          NULL),
                        NULL));
  add_resource (s, "FunctionTrigger",
                object ("Type", str_node ("AWS::Lambda::EventSourceMapping"),
                        "Properties", object (
                          "EventSourceArn", get_att ("Queue", "Arn"),
                          "FunctionName", ref ("Function"),
                          "BatchSize", int_node (10),
                          "FunctionResponseTypes", array (str_node ("ReportBatchItemFailures"), NULL),
                          NULL),
                        NULL));
  add_output (s, "FunctionName", _("The function that makes the thumbnails"), ref ("Function"));
}

static void
add_worker_policy (Synth *s)
{
  add_resource (s, "WorkerPolicy",
                object ("Type", str_node ("AWS::IAM::ManagedPolicy"),
                        "Properties", object (
                          "Description", str_node (_("What the thumbing daemon running this pipeline may do; attach it "
                                                     "to the role of the hosts or tasks that run it")),
                          "PolicyDocument", policy_document (s->statements), NULL),
                        NULL));
  add_output (s, "WorkerPolicyArn", _("The managed policy to attach to the workers' role"), ref ("WorkerPolicy"));
}

/* Names of created resources are not known at synth time: the variables
 * that would give them get stand-ins, so the pipeline checks. */
static void
set_stand_ins (Synth *s)
{
  g_auto(GStrv) groups = g_key_file_get_groups (s->raw, NULL);

  for (char **group = groups; *group != NULL; group++)
    {
      g_autofree char *element = g_key_file_get_string (s->raw, *group, "element", NULL);
      g_autofree char *raw = NULL;
      g_autofree char *variable = NULL;

      if (g_strcmp0 (element, "lambda-source") == 0 && g_getenv ("AWS_LAMBDA_RUNTIME_API") == NULL)
        {
          g_setenv ("AWS_LAMBDA_RUNTIME_API", DEFAULT_RUNTIME_API, TRUE);
          g_hash_table_add (s->stand_ins, g_strdup ("AWS_LAMBDA_RUNTIME_API"));
        }
      if (g_strcmp0 (element, "sqs-source") != 0 || s->policy_only)
        continue;
      raw = g_key_file_get_value (s->raw, *group, "queue-url", NULL);
      variable = single_variable (raw);
      if (variable != NULL)
        {
          if (g_getenv (variable) == NULL)
            g_setenv (variable, DEFAULT_QUEUE_URL, TRUE);
          g_hash_table_add (s->stand_ins, g_steal_pointer (&variable));
        }
    }
}

static void
add_common_parameters (Synth *s)
{
  add_parameter (s, "DataDeletionPolicy",
                 object ("Type", str_node ("String"), "Default", str_node ("Retain"),
                         "AllowedValues", array (str_node ("Retain"), str_node ("Delete"), NULL),
                         "Description", str_node (_("What deleting the stack does to the buckets: Retain keeps "
                                                    "uploads and thumbnails")), NULL));
}

/**
 * thumbing_synth:
 * @file: a pipeline file
 * @output: a template, or the IAM policy alone
 * @error: return location for a #GError
 *
 * Derives an AWS CloudFormation template, or the IAM policy of the
 * pipeline's elements, from @file.
 *
 * Returns: (transfer full): the document, or %NULL with @error set
 */
JsonNode *
thumbing_synth (const char          *file,
                ThumbingSynthOutput  output,
                GError             **error)
{
  Synth s = {
    .file = file,
    .raw = g_key_file_new (),
    .policy_only = output == THUMBING_SYNTH_POLICY,
    .parameters = json_object_new (),
    .conditions = json_object_new (),
    .resources = json_object_new (),
    .outputs = json_object_new (),
    .env = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) json_node_unref),
    .stand_ins = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL),
    .buckets = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free),
    .statements = g_ptr_array_new_with_free_func ((GDestroyNotify) statement_free),
  };
  g_autoptr(ThumbingPipeline) pipeline = NULL;
  g_autoptr(GError) local_error = NULL;
  JsonNode *result = NULL;
  GList *elements = NULL;
  gboolean ok = TRUE;

  if (!g_key_file_load_from_file (s.raw, file, G_KEY_FILE_NONE, &local_error))
    {
      g_set_error (error, THUMBING_ERROR, THUMBING_ERROR_CONFIG, "%s: %s", file, local_error->message);
      synth_clear (&s);
      return NULL;
    }
  set_stand_ins (&s);
  pipeline = thumbing_pipeline_new_from_file (file, error);
  if (pipeline == NULL || !thumbing_pipeline_check (pipeline, error))
    {
      synth_clear (&s);
      return NULL;
    }

  if (!s.policy_only)
    add_common_parameters (&s);
  elements = thumbing_pipeline_list_elements (pipeline);
  ok = add_source (&s, elements->data, error);
  for (GList *l = elements->next; ok && l != NULL; l = l->next)
    ok = add_element (&s, l->data, error);
  ok = ok && add_permissions (&s, elements->data, error);
  g_list_free (elements);

  if (ok && s.policy_only)
    result = policy_document (s.statements);
  else if (ok)
    {
      g_autofree char *description = g_strdup_printf (_("thumbing pipeline “%s” (%s), from thumbing synth"),
                                                      thumbing_pipeline_get_name (pipeline), file);
      GHashTableIter iter;
      gpointer key, value;

      if (s.lambda)
        add_function (&s);
      else
        add_worker_policy (&s);
      g_hash_table_iter_init (&iter, s.buckets);
      while (g_hash_table_iter_next (&iter, &key, &value))
        {
          g_autofree char *id = g_strdup_printf ("%sName", (char *) value);

          add_output (&s, id, _("A bucket of the pipeline"), ref (value));
        }
      result = object ("AWSTemplateFormatVersion", str_node ("2010-09-09"),
                       "Transform", str_node ("AWS::LanguageExtensions"),
                       "Description", str_node (description),
                       "Parameters", json_node_init_object (json_node_alloc (), s.parameters),
                       "Conditions", json_object_get_size (s.conditions) > 0
                                       ? json_node_init_object (json_node_alloc (), s.conditions) : NULL,
                       "Resources", json_node_init_object (json_node_alloc (), s.resources),
                       "Outputs", json_node_init_object (json_node_alloc (), s.outputs),
                       NULL);
    }
  synth_clear (&s);
  return result;
}

/* YAML: JSON's scalars, quoted, in block style. */
static void
append_yaml (GString    *out,
             JsonNode   *node,
             int         indent,
             gboolean    in_sequence);

static void
append_scalar (GString  *out,
               JsonNode *node)
{
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autofree char *text = NULL;

  json_generator_set_root (generator, node);
  text = json_generator_to_data (generator, NULL);
  g_string_append (out, text);
}

static gboolean
is_block (JsonNode *node)
{
  if (JSON_NODE_HOLDS_OBJECT (node))
    return json_object_get_size (json_node_get_object (node)) > 0;
  if (JSON_NODE_HOLDS_ARRAY (node))
    return json_array_get_length (json_node_get_array (node)) > 0;
  return FALSE;
}

static void
append_yaml (GString  *out,
             JsonNode *node,
             int       indent,
             gboolean  in_sequence)
{
  if (!is_block (node))
    {
      if (JSON_NODE_HOLDS_OBJECT (node))
        g_string_append (out, "{}");
      else if (JSON_NODE_HOLDS_ARRAY (node))
        g_string_append (out, "[]");
      else
        append_scalar (out, node);
      g_string_append_c (out, '\n');
      return;
    }
  if (JSON_NODE_HOLDS_OBJECT (node))
    {
      JsonObject *o = json_node_get_object (node);
      g_autoptr(GList) keys = json_object_get_members (o);
      gboolean first = TRUE;

      for (GList *l = keys; l != NULL; l = l->next)
        {
          JsonNode *member = json_object_get_member (o, l->data);
          g_autoptr(JsonNode) key_node = str_node (l->data);

          if (!(first && in_sequence))
            g_string_append_printf (out, "%*s", indent, "");
          first = FALSE;
          append_scalar (out, key_node);
          g_string_append (out, is_block (member) ? ":\n" : ": ");
          append_yaml (out, member, indent + 2, FALSE);
        }
      return;
    }
  for (guint i = 0; i < json_array_get_length (json_node_get_array (node)); i++)
    {
      JsonNode *item = json_array_get_element (json_node_get_array (node), i);

      g_string_append_printf (out, "%*s- ", indent, "");
      if (JSON_NODE_HOLDS_ARRAY (item) && is_block (item))
        g_string_append_c (out, '\n');
      append_yaml (out, item, indent + 2, JSON_NODE_HOLDS_OBJECT (item));
    }
}

/**
 * thumbing_synth_to_yaml:
 * @node: a template
 *
 * Writes @node as YAML, its scalars quoted as in JSON (which YAML reads).
 *
 * Returns: (transfer full): the text
 */
char *
thumbing_synth_to_yaml (JsonNode *node)
{
  GString *out = g_string_new (NULL);

  append_yaml (out, node, 0, FALSE);
  return g_string_free (out, FALSE);
}
