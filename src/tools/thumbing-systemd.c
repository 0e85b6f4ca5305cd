/* thumbing-systemd.c: sd_notify's protocol, without libsystemd
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Under Type=notify, systemd passes a datagram socket in NOTIFY_SOCKET (a
 * path, or an abstract name written with a leading “@”) and reads lines
 * such as READY=1, STATUS=… and WATCHDOG=1 from it; WATCHDOG_USEC says how
 * often it expects WATCHDOG=1. Outside systemd none of it is set and every
 * call does nothing.
 */
#include "config.h"

#include <string.h>
#include <unistd.h>

#include <gio/gio.h>
#include <gio/gunixsocketaddress.h>

#include "thumbing-systemd.h"

/**
 * thumbing_systemd_notify:
 * @state: newline-separated assignments, as `READY=1\nSTATUS=…`
 *
 * Sends @state to the service manager, if there is one.
 *
 * Returns: %TRUE if it was sent
 */
gboolean
thumbing_systemd_notify (const char *state)
{
  const char *path = g_getenv ("NOTIFY_SOCKET");
  g_autoptr(GSocket) socket = NULL;
  g_autoptr(GSocketAddress) address = NULL;
  g_autoptr(GError) error = NULL;

  if (path == NULL || (path[0] != '/' && path[0] != '@') || path[1] == '\0')
    return FALSE;
  address = path[0] == '@'
            ? g_unix_socket_address_new_with_type (path + 1, -1, G_UNIX_SOCKET_ADDRESS_ABSTRACT)
            : g_unix_socket_address_new (path);
  socket = g_socket_new (G_SOCKET_FAMILY_UNIX, G_SOCKET_TYPE_DATAGRAM, G_SOCKET_PROTOCOL_DEFAULT, &error);
  if (socket == NULL
      || g_socket_send_to (socket, address, state, strlen (state), NULL, &error) < 0)
    {
      g_debug ("cannot tell the service manager “%s”: %s", state, error->message);
      return FALSE;
    }
  return TRUE;
}

/**
 * thumbing_systemd_watchdog_interval:
 *
 * Returns: how often, in milliseconds, to send WATCHDOG=1 (half the
 *   watchdog's timeout, as sd_watchdog_enabled() advises), or 0 when no
 *   watchdog watches this process
 */
guint
thumbing_systemd_watchdog_interval (void)
{
  const char *usec = g_getenv ("WATCHDOG_USEC");
  const char *pid = g_getenv ("WATCHDOG_PID");
  guint64 microseconds = 0, owner = 0;

  if (usec == NULL || !g_ascii_string_to_unsigned (usec, 10, 1, G_MAXUINT64, &microseconds, NULL))
    return 0;
  if (pid != NULL && (!g_ascii_string_to_unsigned (pid, 10, 1, G_MAXINT, &owner, NULL) || owner != (guint64) getpid ()))
    return 0;
  return (guint) MIN (microseconds / 2000, G_MAXUINT);
}
