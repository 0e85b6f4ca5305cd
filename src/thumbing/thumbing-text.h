/* thumbing-text.h: text from outside, made safe to print
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#if !defined(THUMBING_INSIDE) && !defined(THUMBING_COMPILATION)
#error "Only <thumbing/thumbing.h> can be included directly."
#endif

#include <glib.h>

G_BEGIN_DECLS

char     *thumbing_text_escape_controls (const char *text);
gboolean  thumbing_text_is_set          (const char *text);

G_END_DECLS
