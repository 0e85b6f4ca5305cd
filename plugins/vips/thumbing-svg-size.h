/* thumbing-svg-size.h: the size an SVG document declares
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

gboolean thumbing_svg_declared_size (const char *data,
                                     gsize       length,
                                     double     *width,
                                     double     *height);

G_END_DECLS
