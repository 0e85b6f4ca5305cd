/* thumbing-json-util.h: reading JSON documents that come from outside
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* The parsed document's root as an object, or NULL when it is something
 * else or nothing: an empty document parses without a root, and json-glib's
 * type checks complain loudly about a NULL node. */
static inline JsonObject *
thumbing_json_root_object (JsonParser *parser)
{
  JsonNode *root = json_parser_get_root (parser);

  return root != NULL && JSON_NODE_HOLDS_OBJECT (root) ? json_node_get_object (root) : NULL;
}

G_END_DECLS
