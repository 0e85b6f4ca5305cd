/* thumbing-sns-publish.c: announces each result on an SNS topic
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>
#include <json-glib/json-glib.h>

#include "thumbing-aws-metadata.h"
#include "thumbing-result-document.h"
#include "thumbing-s3-bucket.h"
#include "thumbing-sns-publish.h"

#define METADATA_SNS_MESSAGE_ID "sns.message-id"

struct _ThumbingSnsPublish
{
  ThumbingSink       parent_instance;

  char              *topic_arn;
  char              *topic_name;
  char              *subject;
  char              *endpoint;
  char              *region;

  ThumbingAwsClient *client;
  char              *resolved_arn;
  gboolean           resolving;
  GPtrArray         *waiting;      /* GTask, publishing once the topic is found */
};

G_DEFINE_FINAL_TYPE (ThumbingSnsPublish, thumbing_sns_publish, THUMBING_TYPE_SINK)

static void
thumbing_sns_publish_finalize (GObject *object)
{
  ThumbingSnsPublish *self = THUMBING_SNS_PUBLISH (object);

  g_free (self->resolved_arn);
  g_clear_pointer (&self->client, thumbing_aws_client_unref);
  g_clear_pointer (&self->waiting, g_ptr_array_unref);
  G_OBJECT_CLASS (thumbing_sns_publish_parent_class)->finalize (object);
}

static gboolean
thumbing_sns_publish_check (ThumbingElement *element,
                            GError         **error)
{
  ThumbingSnsPublish *self = THUMBING_SNS_PUBLISH (element);

  if (thumbing_text_is_set (self->topic_arn) == thumbing_text_is_set (self->topic_name))
    {
      g_set_error (error, THUMBING_ERROR, THUMBING_ERROR_MISSING_PROPERTY,
                   _("topic-arn, topic-name: set exactly one of them"));
      return FALSE;
    }
  if (thumbing_text_is_set (self->topic_arn) && !g_str_has_prefix (self->topic_arn, "arn:"))
    {
      g_set_error (error, THUMBING_ERROR, THUMBING_ERROR_INVALID_VALUE,
                   _("topic-arn: “%s” is not an ARN (as arn:aws:sns:REGION:ACCOUNT:NAME)"), self->topic_arn);
      return FALSE;
    }
  return TRUE;
}

static void publish (ThumbingSnsPublish *self, GTask *task);

static void
send_form (ThumbingSnsPublish  *self,
           const char          *form,
           gsize                length,
           const char          *trace_header,
           GCancellable        *cancellable,
           GAsyncReadyCallback  callback,
           gpointer             data)
{
  ThumbingAwsRequest *request = thumbing_aws_request_new ("POST", "", "/");

  thumbing_aws_request_add_header (request, "Content-Type", "application/x-www-form-urlencoded; charset=utf-8");
  thumbing_aws_request_add_trace (request, trace_header);
  request->body = g_bytes_new (form, length);
  thumbing_aws_client_send_async (self->client, request, cancellable, callback, data);
}

static void list_topics (ThumbingSnsPublish *self, const char *next);

/* The topic is found, or cannot be: what waited is published, or fails
 * with the reason (and the next item asks again). */
static void
resolved (ThumbingSnsPublish *self,
          const GError       *error)
{
  g_autoptr(GPtrArray) waiting = NULL;

  self->resolving = FALSE;
  /* Stopped meanwhile: nothing waits any more. */
  if (self->waiting == NULL)
    return;
  waiting = g_steal_pointer (&self->waiting);
  self->waiting = g_ptr_array_new ();
  if (error != NULL)
    thumbing_element_warn (THUMBING_ELEMENT (self), "%s", error->message);
  for (guint i = 0; i < waiting->len; i++)
    {
      GTask *task = waiting->pdata[i];

      if (error != NULL)
        {
          g_task_return_error (task, g_error_copy (error));
          g_object_unref (task);
        }
      else
        publish (self, task);
    }
}

/* ListTopics pages through every topic; the ARN ends with “:NAME”. */
static void
on_topics (GObject      *object,
           GAsyncResult *result,
           gpointer      data)
{
  ThumbingSnsPublish *self = data;
  g_autoptr(GError) error = NULL;
  g_autoptr(ThumbingAwsResponse) response = thumbing_aws_client_send_finish (NULL, result, &error);
  g_autofree char *suffix = g_strdup_printf (":%s", self->topic_name);
  g_autofree char *text = NULL;
  g_autofree char *next = NULL;
  gsize length = 0;
  const char *data_bytes;

  if (response == NULL)
    {
      g_prefix_error (&error, _("topic-name: finding the topic “%s”: "), self->topic_name);
      resolved (self, error);
      g_object_unref (self);
      return;
    }
  data_bytes = g_bytes_get_data (response->body, &length);
  text = g_strndup (data_bytes, length);
  for (const char *cursor = strstr (text, "<TopicArn>"); cursor != NULL; cursor = strstr (cursor + 1, "<TopicArn>"))
    {
      const char *end = strstr (cursor, "</TopicArn>");
      g_autofree char *arn = end != NULL ? g_strndup (cursor + 10, end - cursor - 10) : NULL;

      if (arn != NULL && g_str_has_suffix (arn, suffix))
        {
          g_free (self->resolved_arn);
          self->resolved_arn = g_steal_pointer (&arn);
          resolved (self, NULL);
          g_object_unref (self);
          return;
        }
    }
  next = thumbing_aws_xml_text (response->body, "NextToken");
  if (next != NULL && *next != '\0')
    list_topics (self, next);
  else
    {
      g_set_error (&error, THUMBING_ERROR, THUMBING_ERROR_CONFIG,
                   _("topic-name: no SNS topic is named “%s” (set topic-arn, or create the topic)"), self->topic_name);
      resolved (self, error);
    }
  g_object_unref (self);
}

static void
list_topics (ThumbingSnsPublish *self,
             const char         *next)
{
  g_autoptr(GString) form = g_string_new ("Action=ListTopics&Version=2010-03-31");

  if (next != NULL)
    {
      g_autofree char *encoded = thumbing_aws_uri_encode (next, FALSE);

      g_string_append_printf (form, "&NextToken=%s", encoded);
    }
  self->resolving = TRUE;
  send_form (self, form->str, form->len, NULL, NULL, on_topics, g_object_ref (self));
}

static gboolean
thumbing_sns_publish_start (ThumbingElement *element,
                            GError         **error)
{
  ThumbingSnsPublish *self = THUMBING_SNS_PUBLISH (element);
  g_autofree char *region = NULL;

  /* An ARN names its region: arn:aws:sns:REGION:ACCOUNT:NAME. */
  if (thumbing_text_is_set (self->topic_arn) && !thumbing_text_is_set (self->region))
    {
      g_auto(GStrv) parts = g_strsplit (self->topic_arn, ":", 6);

      if (g_strv_length (parts) == 6)
        region = g_strdup (parts[3]);
    }
  self->client = thumbing_aws_element_make_client ("sns", self->endpoint, region != NULL ? region : self->region, error);
  if (self->client == NULL)
    return FALSE;
  thumbing_aws_client_set_retry_func (self->client, (ThumbingAwsRetryFunc) thumbing_element_count_retry, self);
  g_clear_pointer (&self->resolved_arn, g_free);
  self->waiting = g_ptr_array_new ();
  /* A name is looked up now, without blocking: what is published before
   * the answer waits for it. */
  if (thumbing_text_is_set (self->topic_arn))
    self->resolved_arn = g_strdup (self->topic_arn);
  else
    list_topics (self, NULL);
  return TRUE;
}

static void
thumbing_sns_publish_stop (ThumbingElement *element)
{
  ThumbingSnsPublish *self = THUMBING_SNS_PUBLISH (element);

  g_clear_pointer (&self->client, thumbing_aws_client_unref);
  g_clear_pointer (&self->waiting, g_ptr_array_unref);
}

/* Attributes subscribers can filter on, as format = png or width >= 512. */
static void
append_attribute (GString    *form,
                  guint      *index,
                  const char *name,
                  const char *type,
                  const char *value)
{
  g_autofree char *prefix = NULL;
  g_autofree char *key = NULL;

  if (value == NULL || *value == '\0')
    return;
  (*index)++;
  prefix = g_strdup_printf ("MessageAttributes.entry.%u", *index);
  key = g_strconcat (prefix, ".Name", NULL);
  thumbing_aws_form_append (form, key, name);
  g_free (key);
  key = g_strconcat (prefix, ".Value.DataType", NULL);
  thumbing_aws_form_append (form, key, type);
  g_free (key);
  key = g_strconcat (prefix, ".Value.StringValue", NULL);
  thumbing_aws_form_append (form, key, value);
}

static void
on_published (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  ThumbingSnsPublish *self = g_task_get_source_object (task);
  ThumbingItem *item = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(ThumbingAwsResponse) response = thumbing_aws_client_send_finish (NULL, result, &error);
  g_autofree char *message_id = NULL;

  if (response == NULL)
    {
      g_prefix_error (&error, _("publishing to %s: "), self->resolved_arn);
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  message_id = thumbing_aws_xml_text (response->body, "MessageId");
  thumbing_item_set_metadata (item, METADATA_SNS_MESSAGE_ID, message_id);
  g_task_return_pointer (task, thumbing_item_ref (item), (GDestroyNotify) thumbing_item_unref);
}

static void
publish (ThumbingSnsPublish *self,
         GTask              *task)
{
  ThumbingItem *item = g_task_get_task_data (task);
  g_autoptr(JsonNode) document = thumbing_result_document_new (item, NULL, NULL);
  g_autofree char *message = thumbing_result_document_to_string (document, NULL);
  g_autoptr(GString) form = g_string_new ("Action=Publish&Version=2010-03-31");
  guint attributes = 0;

  thumbing_aws_form_append (form, "TopicArn", self->resolved_arn);
  thumbing_aws_form_append (form, "Message", message);
  if (thumbing_text_is_set (self->subject))
    thumbing_aws_form_append (form, "Subject", self->subject);
  append_attribute (form, &attributes, "format", "String", thumbing_item_get_metadata (item, THUMBING_METADATA_FORMAT));
  append_attribute (form, &attributes, "width", "Number", thumbing_item_get_metadata (item, THUMBING_METADATA_WIDTH));
  append_attribute (form, &attributes, "height", "Number", thumbing_item_get_metadata (item, THUMBING_METADATA_HEIGHT));
  append_attribute (form, &attributes, "bucket", "String", thumbing_item_get_metadata (item, THUMBING_S3_OUTPUT_BUCKET));

  send_form (self, form->str, form->len, thumbing_item_get_metadata (item, THUMBING_METADATA_TRACE_HEADER),
             g_task_get_cancellable (task), on_published, task);
}

static void
thumbing_sns_publish_process_async (ThumbingElement     *element,
                                    ThumbingItem        *item,
                                    GCancellable        *cancellable,
                                    GAsyncReadyCallback  callback,
                                    gpointer             user_data)
{
  ThumbingSnsPublish *self = THUMBING_SNS_PUBLISH (element);
  GTask *task = g_task_new (self, cancellable, callback, user_data);

  g_task_set_task_data (task, thumbing_item_ref (item), (GDestroyNotify) thumbing_item_unref);
  if (self->resolved_arn != NULL)
    {
      publish (self, task);
      return;
    }
  g_ptr_array_add (self->waiting, task);
  if (!self->resolving)
    list_topics (self, NULL);
}

static ThumbingItem *
thumbing_sns_publish_process_finish (ThumbingElement *element,
                                     GAsyncResult    *result,
                                     GError         **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
thumbing_sns_publish_class_init (ThumbingSnsPublishClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  ThumbingElementClass *element_class = THUMBING_ELEMENT_CLASS (klass);
  GParamFlags rw = G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS;

  object_class->finalize = thumbing_sns_publish_finalize;
  element_class->check = thumbing_sns_publish_check;
  element_class->start = thumbing_sns_publish_start;
  element_class->stop = thumbing_sns_publish_stop;
  element_class->process_async = thumbing_sns_publish_process_async;
  element_class->process_finish = thumbing_sns_publish_process_finish;

  thumbing_element_class_set_metadata (element_class, "sns-publish",
                                       _("Announces each result on an SNS topic: a JSON message and filterable attributes"));
  thumbing_element_class_set_metadata_keys (element_class, NULL, METADATA_SNS_MESSAGE_ID);
  thumbing_element_class_set_media (element_class, "*/*;" THUMBING_MEDIA_DECODED_IMAGE, NULL);
  thumbing_element_class_set_permissions (element_class, "sns:Publish;sns:ListTopics");

  THUMBING_ELEMENT_FIELD (klass, ThumbingSnsPublish, topic_arn,
    g_param_spec_string ("topic-arn", NULL, _("The topic, as arn:aws:sns:REGION:ACCOUNT:NAME"), NULL, rw));
  THUMBING_ELEMENT_FIELD (klass, ThumbingSnsPublish, topic_name,
    g_param_spec_string ("topic-name", NULL, _("The topic by name, found with ListTopics (as THUMBING_TOPIC_NAME in the seed)"),
                         NULL, rw));
  THUMBING_ELEMENT_FIELD (klass, ThumbingSnsPublish, subject,
    g_param_spec_string ("subject", NULL, _("Subject of each message (e-mail subscribers see it)"),
                         "thumbing: thumbnail ready", rw | G_PARAM_CONSTRUCT));
  THUMBING_ELEMENT_FIELD (klass, ThumbingSnsPublish, endpoint,
    g_param_spec_string ("endpoint", NULL, _("SNS endpoint URL; AWS_ENDPOINT_URL_SNS and AWS_ENDPOINT_URL come first"),
                         NULL, rw));
  THUMBING_ELEMENT_FIELD (klass, ThumbingSnsPublish, region,
    g_param_spec_string ("region", NULL, _("AWS region (default: the topic ARN’s, or AWS_REGION)"), NULL, rw));
}

static void
thumbing_sns_publish_init (ThumbingSnsPublish *self)
{
}
