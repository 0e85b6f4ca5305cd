/* thumbing-tiff-layout.h: how many tiles or strips a TIFF's first image has
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

gboolean thumbing_tiff_count_blocks_in_file  (const char   *path,
                                              guint64      *blocks);
gboolean thumbing_tiff_count_blocks_in_bytes (const guint8 *data,
                                              gsize         length,
                                              guint64      *blocks);

G_END_DECLS
