/* thumbing-jpeg-reader.h: JPEGs decoded by libjpeg straight into memory, for resize's common case
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <vips/vips.h>

G_BEGIN_DECLS

/**
 * ThumbingJpegReaderGoOn:
 * @data: the caller's data
 *
 * Asked before each strip of rows is decoded.
 *
 * Returns: %FALSE to stop decoding
 */
typedef gboolean (*ThumbingJpegReaderGoOn) (gpointer data);

VipsImage *thumbing_jpeg_reader_read (const guint8           *data,
                                      gsize                   length,
                                      int                     shrink,
                                      VipsFailOn              fail_on,
                                      VipsImage              *header,
                                      ThumbingJpegReaderGoOn  go_on,
                                      gpointer                go_on_data,
                                      gboolean               *unsupported,
                                      GError                **error);
VipsImage *thumbing_jpeg_reader_read_file (const char             *path,
                                           int                     shrink,
                                           VipsFailOn              fail_on,
                                           VipsImage              *header,
                                           ThumbingJpegReaderGoOn  go_on,
                                           gpointer                go_on_data,
                                           gboolean               *unsupported,
                                           GError                **error);

G_END_DECLS
