/* thumbing-png-writer.h: PNG written with libdeflate, for png-encode's common case
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <vips/vips.h>

#include "thumbing-png-encode.h"

G_BEGIN_DECLS

gboolean thumbing_png_writer_can_write (VipsImage        *image);
gboolean thumbing_png_writer_write     (VipsImage        *image,
                                        ThumbingPngFilter filter,
                                        int               compression,
                                        void            **buffer,
                                        size_t           *length);

G_END_DECLS
