/* thumbing-lambda-event.c: the S3 events inside a Lambda invocation
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Lambda hands a function an S3 event directly, wrapped in an SNS record,
 * or as a batch of SQS records whose bodies are S3 events. Splitting them
 * is kept apart from the runtime loop, so it can be tested and fuzzed.
 */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <json-glib/json-glib.h>
#include <thumbing/thumbing.h>

#include "thumbing-json-util.h"
#include "thumbing-lambda-event.h"

void
thumbing_lambda_message_free (ThumbingLambdaMessage *message)
{
  if (message == NULL)
    return;
  g_free (message->message_id);
  g_free (message->body);
  g_free (message);
}

static ThumbingLambdaMessage *
message_new (const char *message_id,
             const char *body)
{
  ThumbingLambdaMessage *message = g_new0 (ThumbingLambdaMessage, 1);

  message->message_id = g_strdup (message_id);
  message->body = g_strdup (body);
  return message;
}

/**
 * thumbing_lambda_event_split:
 * @event: the invocation's body
 * @is_sqs_batch: (out): set to whether @event is a batch of SQS records
 * @error: return location for a #GError
 *
 * Returns the messages of @event: one per SQS record, each with its
 * messageId and body (%NULL when it has none, for the caller to report that
 * message failed); the SNS Message of an SNS event; else @event itself.
 * A batch with a record that has no messageId fails as a whole, since that
 * record could not be reported failed on its own.
 *
 * Returns: (transfer full) (element-type ThumbingLambdaMessage): the
 *   messages, or %NULL with @error set
 */
GPtrArray *
thumbing_lambda_event_split (const char *event,
                             gboolean   *is_sqs_batch,
                             GError    **error)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GPtrArray) messages = g_ptr_array_new_with_free_func ((GDestroyNotify) thumbing_lambda_message_free);
  JsonObject *root;
  JsonNode *records_node;
  JsonArray *records = NULL;
  JsonObject *first;

  *is_sqs_batch = FALSE;
  if (!json_parser_load_from_data (parser, event, -1, NULL) || thumbing_json_root_object (parser) == NULL)
    {
      g_set_error (error, THUMBING_ERROR, THUMBING_ERROR_BAD_INPUT, _("the event is not a JSON object"));
      return NULL;
    }
  root = thumbing_json_root_object (parser);
  records_node = json_object_get_member (root, "Records");
  if (records_node != NULL && JSON_NODE_HOLDS_ARRAY (records_node))
    records = json_node_get_array (records_node);
  first = records != NULL && json_array_get_length (records) > 0
          ? thumbing_json_node_object (json_array_get_element (records, 0)) : NULL;

  if (g_strcmp0 (thumbing_json_member_string (first, "eventSource"), "aws:sqs") == 0)
    {
      *is_sqs_batch = TRUE;
      for (guint i = 0; i < json_array_get_length (records); i++)
        {
          JsonObject *record = thumbing_json_node_object (json_array_get_element (records, i));
          const char *id = thumbing_json_member_string (record, "messageId");

          if (id == NULL)
            {
              g_set_error (error, THUMBING_ERROR, THUMBING_ERROR_BAD_INPUT,
                           _("SQS record %u of the batch has no messageId; the whole batch is failed"), i);
              return NULL;
            }
          g_ptr_array_add (messages, message_new (id, thumbing_json_member_string (record, "body")));
        }
    }
  else if (g_strcmp0 (thumbing_json_member_string (first, "EventSource"), "aws:sns") == 0)
    {
      const char *message = thumbing_json_member_string (thumbing_json_member_object (first, "Sns"), "Message");

      if (message == NULL)
        {
          g_set_error (error, THUMBING_ERROR, THUMBING_ERROR_BAD_INPUT, _("an SNS event without a Message"));
          return NULL;
        }
      g_ptr_array_add (messages, message_new ("", message));
    }
  else
    g_ptr_array_add (messages, message_new ("", event));
  return g_steal_pointer (&messages);
}

/* An API Gateway HTTP API request (payload format 2.0), rather than S3's
 * events: the pipeline's upload service answers it. */
gboolean
thumbing_lambda_event_is_http (const char *event)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonObject *context;

  if (!json_parser_load_from_data (parser, event, -1, NULL) || thumbing_json_root_object (parser) == NULL)
    return FALSE;
  context = thumbing_json_node_object (json_object_get_member (thumbing_json_root_object (parser), "requestContext"));
  return context != NULL && thumbing_json_node_object (json_object_get_member (context, "http")) != NULL;
}
