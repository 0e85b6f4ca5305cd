/* thumbing-reduce.h: Lanczos3 reduction of 8-bit images without alpha, for resize's common case
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <vips/vips.h>

G_BEGIN_DECLS

gboolean   thumbing_reduce_takes (VipsImage      *image);

VipsImage *thumbing_reduce       (VipsImage      *image,
                                  int             width,
                                  int             height,
                                  const VipsRect *window);

void       _thumbing_reduce_set_avx2 (gboolean    enabled);

G_END_DECLS
