/* thumbing-fs-util.h: file access confined to a folder, and atomic writes
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

int thumbing_fs_open_beneath (const char *folder,
                              const char *name,
                              int         flags,
                              GError    **error);

gboolean thumbing_fs_write_atomically (const char *target,
                                       GBytes     *bytes,
                                       gboolean    durable,
                                       GError    **error);

G_END_DECLS
