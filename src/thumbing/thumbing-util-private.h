/* thumbing-util-private.h: small helpers shared inside the framework
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

const char *_thumbing_suggest    (const char         *word,
                                  const char * const *candidates);
char       *_thumbing_expand_env (const char         *text,
                                  GError            **error);
gboolean    _thumbing_media_match (const char        *produced,
                                   const char        *accepted);

G_END_DECLS
