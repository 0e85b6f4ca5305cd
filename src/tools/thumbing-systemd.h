/* thumbing-systemd.h: telling systemd how the daemon is doing
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

gboolean thumbing_systemd_notify             (const char *state);
guint    thumbing_systemd_watchdog_interval  (void);

G_END_DECLS
