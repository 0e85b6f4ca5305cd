/* thumbing-png-reader.h: 8-bit RGB and RGBA PNGs decoded with libdeflate, for resize's common case
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <vips/vips.h>

G_BEGIN_DECLS

/* The largest image read whole; larger ones stream through libvips. */
#define THUMBING_PNG_READER_MAX_PIXELS (16 * 1000 * 1000)

/* The largest whole factor the reader shrinks by as it decodes. */
#define THUMBING_PNG_READER_MAX_SHRINK 256

VipsImage *thumbing_png_reader_read (const guint8  *data,
                                     gsize          length,
                                     int            shrink,
                                     gboolean      *alpha_opaque,
                                     gboolean      *unsupported,
                                     GError       **error);

G_END_DECLS
