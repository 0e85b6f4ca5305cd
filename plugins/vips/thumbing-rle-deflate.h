/* thumbing-rle-deflate.h: a zlib stream whose only matches are runs of one byte, for PNG rows
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

gsize thumbing_rle_deflate_bound (gsize         length);
gsize thumbing_rle_deflate       (const guint8 *data,
                                  gsize         length,
                                  guint8       *out,
                                  gsize         capacity);

G_END_DECLS
