/* fuzz-image-limits.c: the TIFF directory and SVG root read before libvips decodes
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "config.h"

#include "fuzz-common.h"
#include "thumbing-svg-size.h"
#include "thumbing-tiff-layout.h"

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  guint64 blocks = 0;
  double width = 0, height = 0;

  if (thumbing_tiff_count_blocks_in_bytes (data, size, &blocks))
    g_assert (blocks > 0);
  if (thumbing_svg_declared_size ((const char *) data, size, &width, &height))
    g_assert (width >= 0 && height >= 0);
  return 0;
}
