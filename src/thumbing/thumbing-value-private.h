/* thumbing-value-private.h: property values from text
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

gboolean _thumbing_value_parse (GParamSpec  *pspec,
                                const char  *text,
                                GValue      *value,
                                GError     **error);

G_END_DECLS
