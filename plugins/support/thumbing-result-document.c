/* thumbing-result-document.c: the one document that says what became of an item
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The log's JSON lines, the webhook's body and the SNS message are this
 * document, so a consumer parses one schema wherever it listens. It names
 * the origin and output as URIs or names relative to the source and sink,
 * never paths of the host. The README's "Event schema" describes it.
 */
#include "config.h"

#include "thumbing-aws-metadata.h"
#include "thumbing-result-document.h"

static void
add_string_or_null (JsonBuilder *builder,
                    const char  *name,
                    const char  *value)
{
  json_builder_set_member_name (builder, name);
  if (value != NULL)
    json_builder_add_string_value (builder, value);
  else
    json_builder_add_null_value (builder);
}

static void
add_number_or_null (JsonBuilder *builder,
                    const char  *name,
                    const char  *text)
{
  gint64 number;

  json_builder_set_member_name (builder, name);
  if (text != NULL && g_ascii_string_to_signed (text, 10, G_MININT64, G_MAXINT64, &number, NULL))
    json_builder_add_int_value (builder, number);
  else
    json_builder_add_null_value (builder);
}

/**
 * thumbing_result_document_new:
 * @item: an item that went through a pipeline's stages
 * @type: (nullable): the document's "type", or %NULL for
 *   %THUMBING_RESULT_DOCUMENT_TYPE
 * @id: (nullable): an identifier to put first, as a webhook's idempotency key
 *
 * Returns: (transfer full): the result document, a JSON object
 */
JsonNode *
thumbing_result_document_new (ThumbingItem *item,
                              const char   *type,
                              const char   *id)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autofree char *time = g_date_time_format_iso8601 (now);
  g_auto(GStrv) keys = thumbing_item_get_metadata_keys (item);
  const char *output = thumbing_item_get_public_output (item);

  json_builder_begin_object (builder);
  if (id != NULL)
    add_string_or_null (builder, "id", id);
  json_builder_set_member_name (builder, "version");
  json_builder_add_int_value (builder, THUMBING_RESULT_DOCUMENT_VERSION);
  add_string_or_null (builder, "type", type != NULL ? type : THUMBING_RESULT_DOCUMENT_TYPE);
  add_string_or_null (builder, "time", time);
  /* The id the item's log lines carry, to find them from a message. */
  add_string_or_null (builder, "item_id", thumbing_item_get_id (item));
  add_string_or_null (builder, "origin", thumbing_item_get_public_origin (item));
  add_string_or_null (builder, "name", thumbing_item_get_name (item));

  json_builder_set_member_name (builder, "source");
  json_builder_begin_object (builder);
  add_string_or_null (builder, "bucket", thumbing_item_get_metadata (item, THUMBING_S3_BUCKET));
  add_string_or_null (builder, "key", thumbing_item_get_metadata (item, THUMBING_S3_KEY));
  add_string_or_null (builder, "etag", thumbing_item_get_metadata (item, THUMBING_S3_ETAG));
  json_builder_end_object (builder);

  json_builder_set_member_name (builder, "output");
  json_builder_begin_object (builder);
  add_string_or_null (builder, "location", output);
  add_string_or_null (builder, "bucket", thumbing_item_get_metadata (item, THUMBING_S3_OUTPUT_BUCKET));
  add_string_or_null (builder, "key", thumbing_item_get_metadata (item, THUMBING_S3_OUTPUT_KEY));
  add_string_or_null (builder, "url", thumbing_item_get_metadata (item, THUMBING_S3_OUTPUT_URL));
  add_string_or_null (builder, "etag", thumbing_item_get_metadata (item, THUMBING_S3_OUTPUT_ETAG));
  json_builder_end_object (builder);

  add_string_or_null (builder, "media_type", thumbing_item_get_media_type (item));
  add_string_or_null (builder, "format", thumbing_item_get_metadata (item, THUMBING_METADATA_FORMAT));
  add_number_or_null (builder, "width", thumbing_item_get_metadata (item, THUMBING_METADATA_WIDTH));
  add_number_or_null (builder, "height", thumbing_item_get_metadata (item, THUMBING_METADATA_HEIGHT));
  add_number_or_null (builder, "bytes", thumbing_item_get_metadata (item, THUMBING_METADATA_BYTES));
  /* What a front end draws while the image loads (the placeholder stage). */
  if (thumbing_item_get_metadata (item, THUMBING_METADATA_BLURHASH) != NULL)
    {
      json_builder_set_member_name (builder, "placeholder");
      json_builder_begin_object (builder);
      add_string_or_null (builder, "blurhash", thumbing_item_get_metadata (item, THUMBING_METADATA_BLURHASH));
      add_string_or_null (builder, "thumbhash", thumbing_item_get_metadata (item, THUMBING_METADATA_THUMBHASH));
      add_string_or_null (builder, "average_color", thumbing_item_get_metadata (item, THUMBING_METADATA_AVERAGE_COLOR));
      add_string_or_null (builder, "dominant_color",
                          thumbing_item_get_metadata (item, THUMBING_METADATA_DOMINANT_COLOR));
      json_builder_set_member_name (builder, "transparent");
      json_builder_add_boolean_value (builder, g_strcmp0 (thumbing_item_get_metadata (item, THUMBING_METADATA_TRANSPARENT),
                                                          "true") == 0);
      json_builder_end_object (builder);
    }
  json_builder_set_member_name (builder, "milliseconds");
  json_builder_add_int_value (builder, (gint64) (thumbing_item_get_elapsed_ms (item) + 0.5));

  /* Everything the stages left, for consumers that want more; the output
   * as above, never a path of this host. */
  json_builder_set_member_name (builder, "metadata");
  json_builder_begin_object (builder);
  for (char **k = keys; *k != NULL; k++)
    add_string_or_null (builder, *k, g_strcmp0 (*k, THUMBING_METADATA_OUTPUT) == 0
                                       ? output : thumbing_item_get_metadata (item, *k));
  json_builder_end_object (builder);
  json_builder_end_object (builder);
  return json_builder_get_root (builder);
}

/**
 * thumbing_result_document_to_string:
 * @document: a document
 * @length: (out) (optional): its length in bytes
 *
 * Returns: (transfer full): @document as compact JSON text, one line
 */
char *
thumbing_result_document_to_string (JsonNode *document,
                                    gsize    *length)
{
  g_autoptr(JsonGenerator) generator = json_generator_new ();

  json_generator_set_root (generator, document);
  return json_generator_to_data (generator, length);
}
