/* thumbing-json-util.h: reading JSON documents that come from outside
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* The node as an object, or NULL when it is something else. */
static inline JsonObject *
thumbing_json_node_object (JsonNode *node)
{
  return node != NULL && JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
}

/* The parsed document's root as an object, or NULL when it is something
 * else or nothing: an empty document parses without a root, and json-glib's
 * type checks complain loudly about a NULL node. */
static inline JsonObject *
thumbing_json_root_object (JsonParser *parser)
{
  return thumbing_json_node_object (json_parser_get_root (parser));
}

/* @object's member @name when it is a string, else NULL; @object may be
 * NULL, so lookups chain through members that may be missing. */
static inline const char *
thumbing_json_member_string (JsonObject *object,
                             const char *name)
{
  JsonNode *node = object != NULL ? json_object_get_member (object, name) : NULL;

  return node != NULL && JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING
         ? json_node_get_string (node) : NULL;
}

/* @object's member @name when it is an object, else NULL. */
static inline JsonObject *
thumbing_json_member_object (JsonObject *object,
                             const char *name)
{
  return thumbing_json_node_object (object != NULL ? json_object_get_member (object, name) : NULL);
}

G_END_DECLS
