/* thumbing-test-vips.h: libvips in the tests
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <vips/vips.h>

#ifdef THUMBING_DEFINE_VIPS_AUTOPTR
G_DEFINE_AUTOPTR_CLEANUP_FUNC (VipsImage, g_object_unref)
#endif
