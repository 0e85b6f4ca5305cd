/* thumbing-fs-util.c: file access confined to a folder, and atomic writes
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <gio/gio.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <thumbing/thumbing.h>

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

/* The process's umask, read once: umask() can only be read by setting it. */
static mode_t
current_umask (void)
{
  static gsize cached;

  if (g_once_init_enter (&cached))
    {
      mode_t mask = umask (0022);

      umask (mask);
      g_once_init_leave (&cached, (gsize) mask + 1);
    }
  return (mode_t) (cached - 1);
}

/* Writes a hidden temporary file beside the target, then renames it into
 * place, so readers never see half a file. A process killed mid-write
 * leaves only a dot-file, which folder-source ignores. */
gboolean
thumbing_fs_write_atomically (const char *target,
                              GBytes     *bytes,
                              gboolean    durable,
                              GError    **error)
{
  g_autofree char *folder = g_path_get_dirname (target);
  g_autofree char *basename = g_path_get_basename (target);
  g_autofree char *temporary = g_strdup_printf ("%s/.%s.XXXXXX", folder, basename);
  gsize length = 0;
  const guint8 *data = g_bytes_get_data (bytes, &length);
  int fd, saved;

  fd = g_mkstemp_full (temporary, O_WRONLY | O_CLOEXEC, 0666 & ~current_umask ());
  if (fd < 0)
    {
      saved = errno;
      g_set_error (error, THUMBING_ERROR, THUMBING_ERROR_IO, _("cannot create a file in %s: %s"),
                   folder, g_strerror (saved));
      return FALSE;
    }
  while (length > 0)
    {
      gssize written = write (fd, data, length);

      if (written < 0 && errno == EINTR)
        continue;
      if (written < 0)
        goto fail;
      data += written;
      length -= written;
    }
  if (durable && fsync (fd) != 0)
    goto fail;
  if (close (fd) != 0)
    {
      fd = -1;
      goto fail;
    }
  if (g_rename (temporary, target) != 0)
    {
      fd = -1;
      goto fail;
    }
  return TRUE;

fail:
  saved = errno;
  if (fd >= 0)
    close (fd);
  g_unlink (temporary);
  g_set_error (error, THUMBING_ERROR, THUMBING_ERROR_IO, _("cannot write %s: %s"), target, g_strerror (saved));
  return FALSE;
}
