/* thumbing-image-hash.h: BlurHash, ThumbHash and colours of small RGBA images
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <vips/vips.h>

G_BEGIN_DECLS

/* The largest side ThumbHash takes; images are scaled to fit first. */
#define THUMBING_THUMBHASH_MAX_SIDE 100

typedef struct
{
  guint8   average[3];     /* sRGB, weighted by alpha */
  guint8   dominant[3];    /* sRGB, the mean of the most covered colour cell */
  gboolean transparent;    /* some pixel is not fully opaque */
} ThumbingImageColors;

char  *thumbing_blurhash_encode  (const guint8        *rgba,
                                  int                  width,
                                  int                  height,
                                  int                  x_components,
                                  int                  y_components);
char  *thumbing_thumbhash_encode (const guint8        *rgba,
                                  int                  width,
                                  int                  height,
                                  GArray              *noise);
guint8 *thumbing_image_hash_pixels (VipsImage          *image,
                                   int                *width,
                                   int                *height,
                                   GError            **error);
void   thumbing_image_colors     (const guint8        *rgba,
                                  int                  width,
                                  int                  height,
                                  ThumbingImageColors *colors);

G_END_DECLS
