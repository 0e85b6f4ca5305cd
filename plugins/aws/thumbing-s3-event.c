/* thumbing-s3-event.c
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>
#include <json-glib/json-glib.h>
#include <thumbing/thumbing.h>

#include "thumbing-s3-event.h"
#include "thumbing-json-util.h"

void
thumbing_s3_record_free (ThumbingS3Record *record)
{
  if (record == NULL)
    return;
  g_free (record->event_name);
  g_free (record->region);
  g_free (record->bucket);
  g_free (record->key);
  g_free (record->etag);
  g_free (record->sequencer);
  g_free (record);
}

/* Keys in events are form-encoded: “+” is a space, then %XX. */
char *
thumbing_s3_decode_key (const char *encoded)
{
  g_autofree char *spaced = g_strdup (encoded);

  for (char *p = spaced; *p != '\0'; p++)
    if (*p == '+')
      *p = ' ';
  return g_uri_unescape_string (spaced, NULL);
}

static ThumbingS3Record *
parse_record (JsonObject *record,
              guint       index,
              GError    **error)
{
  g_autoptr(ThumbingS3Record) parsed = g_new0 (ThumbingS3Record, 1);
  JsonObject *s3 = thumbing_json_member_object (record, "s3");
  JsonObject *bucket = thumbing_json_member_object (s3, "bucket");
  JsonObject *object = thumbing_json_member_object (s3, "object");
  const char *version = thumbing_json_member_string (record, "eventVersion");
  const char *source = thumbing_json_member_string (record, "eventSource");
  const char *event_name = thumbing_json_member_string (record, "eventName");
  const char *bucket_name = thumbing_json_member_string (bucket, "name");
  const char *key = thumbing_json_member_string (object, "key");
  JsonNode *size;

  /* Versions 2.x share a layout; check the major version only. */
  if (version == NULL || !g_str_has_prefix (version, "2."))
    {
      g_set_error (error, THUMBING_ERROR, THUMBING_ERROR_BAD_INPUT,
                   _("record %u: event version “%s” is not 2.x"), index, version != NULL ? version : "");
      return NULL;
    }
  /* S3-compatible stores name themselves: minio:s3, ceph:s3. */
  if (source == NULL || !g_str_has_suffix (source, ":s3"))
    {
      g_set_error (error, THUMBING_ERROR, THUMBING_ERROR_BAD_INPUT,
                   _("record %u: not an S3 event (eventSource “%s”)"), index, source != NULL ? source : "");
      return NULL;
    }
  if (event_name == NULL || bucket_name == NULL || key == NULL)
    {
      g_set_error (error, THUMBING_ERROR, THUMBING_ERROR_BAD_INPUT,
                   _("record %u: eventName, s3.bucket.name or s3.object.key is missing"), index);
      return NULL;
    }

  /* MinIO prefixes the names AWS uses with “s3:”. */
  parsed->event_name = g_strdup (g_str_has_prefix (event_name, "s3:") ? event_name + 3 : event_name);
  parsed->region = g_strdup (thumbing_json_member_string (record, "awsRegion"));
  parsed->bucket = g_strdup (bucket_name);
  parsed->key = thumbing_s3_decode_key (key);
  if (parsed->key == NULL)
    {
      g_set_error (error, THUMBING_ERROR, THUMBING_ERROR_BAD_INPUT,
                   _("record %u: the key “%s” is not validly encoded"), index, key);
      return NULL;
    }
  size = json_object_get_member (object, "size");
  parsed->size = size != NULL && JSON_NODE_HOLDS_VALUE (size) ? json_node_get_int (size) : -1;
  if (thumbing_json_member_string (object, "eTag") != NULL)
    {
      g_autofree char *etag = g_strdup (thumbing_json_member_string (object, "eTag"));

      parsed->etag = g_strdup (g_strstrip (g_strdelimit (etag, "\"", ' ')));
    }
  parsed->sequencer = g_strdup (thumbing_json_member_string (object, "sequencer"));
  return g_steal_pointer (&parsed);
}

/* Parses an S3 event: the event itself (S3 to SQS, SNS with raw delivery,
 * an S3-compatible store's webhook) or, with @unwrap_sns, an SNS
 * notification whose Message is the event; without it such an envelope,
 * whose signature no one checked, is refused. The test event S3 sends when
 * a notification is configured gives no records and sets @is_test_event. */
GPtrArray *
thumbing_s3_event_parse (const char *body,
                         gboolean    unwrap_sns,
                         gboolean   *is_test_event,
                         GError    **error)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(JsonParser) inner = NULL;
  g_autoptr(GPtrArray) records = g_ptr_array_new_with_free_func ((GDestroyNotify) thumbing_s3_record_free);
  g_autoptr(GError) local_error = NULL;
  JsonObject *root;
  JsonNode *list;

  *is_test_event = FALSE;
  if (!json_parser_load_from_data (parser, body, -1, &local_error)
      || thumbing_json_root_object (parser) == NULL)
    {
      g_set_error (error, THUMBING_ERROR, THUMBING_ERROR_BAD_INPUT, _("not a JSON object: %s"),
                   local_error != NULL ? local_error->message : _("another JSON value"));
      return NULL;
    }
  root = thumbing_json_root_object (parser);

  if (g_strcmp0 (thumbing_json_member_string (root, "Type"), "Notification") == 0 && !unwrap_sns)
    {
      g_set_error (error, THUMBING_ERROR, THUMBING_ERROR_BAD_INPUT,
                   _("an SNS notification where a bare S3 event was expected"));
      return NULL;
    }
  if (g_strcmp0 (thumbing_json_member_string (root, "Type"), "Notification") == 0 && thumbing_json_member_string (root, "Message") != NULL)
    {
      inner = json_parser_new ();
      if (!json_parser_load_from_data (inner, thumbing_json_member_string (root, "Message"), -1, &local_error)
          || thumbing_json_root_object (inner) == NULL)
        {
          g_set_error (error, THUMBING_ERROR, THUMBING_ERROR_BAD_INPUT,
                   _("an SNS notification whose Message is not an S3 event: %s"),
                   local_error != NULL ? local_error->message : _("not a JSON object"));
          return NULL;
        }
      root = thumbing_json_root_object (inner);
    }

  if (g_strcmp0 (thumbing_json_member_string (root, "Event"), "s3:TestEvent") == 0)
    {
      *is_test_event = TRUE;
      return g_steal_pointer (&records);
    }

  list = json_object_get_member (root, "Records");
  if (list == NULL || !JSON_NODE_HOLDS_ARRAY (list))
    {
      g_set_error (error, THUMBING_ERROR, THUMBING_ERROR_BAD_INPUT, _("no “Records” list: not an S3 event"));
      return NULL;
    }
  for (guint i = 0; i < json_array_get_length (json_node_get_array (list)); i++)
    {
      JsonNode *node = json_array_get_element (json_node_get_array (list), i);
      ThumbingS3Record *record;

      if (!JSON_NODE_HOLDS_OBJECT (node))
        {
          g_set_error (error, THUMBING_ERROR, THUMBING_ERROR_BAD_INPUT, _("record %u is not an object"), i);
          return NULL;
        }
      record = parse_record (json_node_get_object (node), i, error);
      if (record == NULL)
        return NULL;
      g_ptr_array_add (records, record);
    }
  return g_steal_pointer (&records);
}
