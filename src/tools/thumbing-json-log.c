/* thumbing-json-log.c
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * With --log-format=json every line the command writes to standard error is
 * one JSON object: "time" (UTC, ISO 8601), "level", "message", and for a
 * line about an item its "item_id" (the same in every line about it),
 * "origin", "source_id" (the SQS message or Lambda request it came from)
 * and "trace" (the X-Ray trace header it came with). JSON's escaping keeps outside input from forging lines.
 */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <json-glib/json-glib.h>

#include "thumbing-json-log.h"

static void
write_line (JsonBuilder *builder)
{
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *text = NULL;

  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  text = json_to_string (root, FALSE);
  fprintf (stderr, "%s\n", text);
  fflush (stderr);
}

static JsonBuilder *
begin_line (const char *level,
            const char *message)
{
  JsonBuilder *builder = json_builder_new ();
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autofree char *time = g_date_time_format_iso8601 (now);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "time");
  json_builder_add_string_value (builder, time);
  json_builder_set_member_name (builder, "level");
  json_builder_add_string_value (builder, level);
  json_builder_set_member_name (builder, "message");
  json_builder_add_string_value (builder, message);
  return builder;
}

/**
 * thumbing_json_log:
 * @level: "error", "warning" or "info"
 * @item: (nullable): the item the line is about
 * @message: what happened
 * @first_key: (nullable): the first extra member's name
 * @...: its value (a string), then more pairs, ending with %NULL
 *
 * Writes one JSON line to standard error.
 */
void
thumbing_json_log (const char   *level,
                   ThumbingItem *item,
                   const char   *message,
                   const char   *first_key,
                   ...)
{
  g_autoptr(JsonBuilder) builder = begin_line (level, message);
  va_list args;

  if (item != NULL)
    {
      const char *source_id = thumbing_item_get_metadata (item, THUMBING_METADATA_SOURCE_ID);
      const char *trace = thumbing_item_get_metadata (item, THUMBING_METADATA_TRACE_HEADER);

      json_builder_set_member_name (builder, "item_id");
      json_builder_add_string_value (builder, thumbing_item_get_id (item));
      json_builder_set_member_name (builder, "origin");
      json_builder_add_string_value (builder, thumbing_item_get_public_origin (item));
      if (source_id != NULL)
        {
          json_builder_set_member_name (builder, "source_id");
          json_builder_add_string_value (builder, source_id);
        }
      if (trace != NULL)
        {
          json_builder_set_member_name (builder, "trace");
          json_builder_add_string_value (builder, trace);
        }
    }
  va_start (args, first_key);
  for (const char *key = first_key; key != NULL; key = va_arg (args, const char *))
    {
      json_builder_set_member_name (builder, key);
      json_builder_add_string_value (builder, va_arg (args, const char *));
    }
  va_end (args);
  write_line (builder);
}

/**
 * thumbing_json_log_writer:
 * @level: the message's level
 * @fields: its fields
 * @n_fields: how many
 * @data: unused
 *
 * A #GLogWriterFunc for the messages of GLib and of the elements: each one
 * JSON line, with its log domain.
 *
 * Returns: %G_LOG_WRITER_HANDLED
 */
GLogWriterOutput
thumbing_json_log_writer (GLogLevelFlags   level,
                          const GLogField *fields,
                          gsize            n_fields,
                          gpointer         data)
{
  const char *message = NULL, *domain = NULL;
  g_autoptr(JsonBuilder) builder = NULL;
  const char *name;

  if (!(level & (G_LOG_LEVEL_ERROR | G_LOG_LEVEL_CRITICAL | G_LOG_LEVEL_WARNING | G_LOG_LEVEL_MESSAGE))
      && g_log_writer_default_would_drop (level, NULL))
    return G_LOG_WRITER_HANDLED;
  for (gsize i = 0; i < n_fields; i++)
    if (fields[i].length < 0 && strcmp (fields[i].key, "MESSAGE") == 0)
      message = fields[i].value;
    else if (fields[i].length < 0 && strcmp (fields[i].key, "GLIB_DOMAIN") == 0)
      domain = fields[i].value;
  if (level & (G_LOG_LEVEL_ERROR | G_LOG_LEVEL_CRITICAL))
    name = "critical";
  else if (level & G_LOG_LEVEL_WARNING)
    name = "warning";
  else if (level & (G_LOG_LEVEL_MESSAGE | G_LOG_LEVEL_INFO))
    name = "info";
  else
    name = "debug";
  builder = begin_line (name, message != NULL ? message : "");
  if (domain != NULL)
    {
      json_builder_set_member_name (builder, "domain");
      json_builder_add_string_value (builder, domain);
    }
  write_line (builder);
  return G_LOG_WRITER_HANDLED;
}
