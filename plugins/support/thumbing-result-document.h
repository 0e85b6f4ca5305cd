/* thumbing-result-document.h: the one document that says what became of an item
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <json-glib/json-glib.h>
#include <thumbing/thumbing.h>

G_BEGIN_DECLS

/* The schema's version, the document's "version": raised when a member
 * changes meaning or goes; new members may come without it. */
#define THUMBING_RESULT_DOCUMENT_VERSION 1
#define THUMBING_RESULT_DOCUMENT_TYPE    "thumbing.image.processed"

JsonNode *thumbing_result_document_new       (ThumbingItem *item,
                                              const char   *type,
                                              const char   *id);
char     *thumbing_result_document_to_string (JsonNode     *document,
                                              gsize        *length);

G_END_DECLS
