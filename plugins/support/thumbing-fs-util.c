/* thumbing-fs-util.c: file access confined to a folder
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include <gio/gio.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>

#include "thumbing-fs-util.h"

/* Opens @name, a relative path of “/”-separated segments, inside @folder
 * with @flags, following no symbolic link on the way: each folder segment
 * is opened with O_NOFOLLOW from the one before, so a link anywhere in the
 * path (to a folder or to a file) fails with ELOOP or ENOTDIR instead of
 * leading out. Empty, “.” and “..” segments are refused. Returns the file
 * descriptor, or -1 with @error set (a G_IO_ERROR from errno). */
int
thumbing_fs_open_beneath (const char *folder,
                          const char *name,
                          int         flags,
                          GError    **error)
{
  g_auto(GStrv) segments = g_strsplit (name, "/", -1);
  int dir, fd = -1;

  for (char **s = segments; *s != NULL; s++)
    if (**s == '\0' || strcmp (*s, ".") == 0 || strcmp (*s, "..") == 0)
      {
        g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_FILENAME,
                     _("“%s” has an empty, “.” or “..” segment"), name);
        return -1;
      }
  if (segments[0] == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_FILENAME, _("an empty name"));
      return -1;
    }

  dir = open (folder, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  for (char **s = segments; dir >= 0; s++)
    {
      gboolean last = s[1] == NULL;
      int next = openat (dir, *s, (last ? flags : O_RDONLY | O_DIRECTORY) | O_NOFOLLOW | O_CLOEXEC);
      int saved = errno;

      close (dir);
      errno = saved;
      if (last)
        {
          fd = next;
          break;
        }
      dir = next;
    }
  if (fd < 0)
    {
      int saved = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved), "%s/%s: %s", folder, name, g_strerror (saved));
    }
  return fd;
}
