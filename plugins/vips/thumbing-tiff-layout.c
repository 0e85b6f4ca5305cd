/* thumbing-tiff-layout.c: how many tiles or strips a TIFF's first image has
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * A small TIFF is no promise of a quick decode: 8 MB can describe a million
 * 16×16 tiles, each read, inflated and cached on its own. The count comes
 * from the first image file directory alone, read here before libvips
 * decodes anything. Classic TIFF and BigTIFF, either byte order.
 */
#include "config.h"

#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "thumbing-tiff-layout.h"

#define TAG_IMAGE_WIDTH     256
#define TAG_IMAGE_LENGTH    257
#define TAG_ROWS_PER_STRIP  278
#define TAG_TILE_WIDTH      322
#define TAG_TILE_LENGTH     323
/* More entries than any real first directory has. */
#define MAX_ENTRIES         4096

typedef struct
{
  const guint8 *data;     /* the bytes, or NULL to read from fd */
  gsize         length;
  int           fd;
  gboolean      big_endian;
} Reader;

static gboolean
read_at (Reader  *reader,
         guint64  offset,
         void    *out,
         gsize    size)
{
  if (reader->data != NULL)
    {
      if (offset > reader->length || size > reader->length - offset)
        return FALSE;
      memcpy (out, reader->data + offset, size);
      return TRUE;
    }
  return offset <= G_MAXINT64 && pread (reader->fd, out, size, (off_t) offset) == (gssize) size;
}

static guint64
decode (Reader       *reader,
        const guint8 *bytes,
        gsize         size)
{
  guint64 value = 0;

  for (gsize i = 0; i < size; i++)
    value |= (guint64) bytes[reader->big_endian ? i : size - 1 - i] << (8 * (size - 1 - i));
  return value;
}

static gboolean
count_blocks (Reader  *reader,
              guint64 *blocks)
{
  guint8 head[16];
  guint8 entry[20];
  gboolean big;
  guint64 directory, n_entries;
  gsize entry_size, count_size, value_size;
  guint64 width = 0, height = 0, rows_per_strip = 0, tile_width = 0, tile_length = 0;

  if (!read_at (reader, 0, head, 8))
    return FALSE;
  if (memcmp (head, "II", 2) == 0)
    reader->big_endian = FALSE;
  else if (memcmp (head, "MM", 2) == 0)
    reader->big_endian = TRUE;
  else
    return FALSE;
  switch (decode (reader, head + 2, 2))
    {
    case 42:
      big = FALSE;
      directory = decode (reader, head + 4, 4);
      break;
    case 43:
      if (!read_at (reader, 0, head, 16))
        return FALSE;
      big = TRUE;
      directory = decode (reader, head + 8, 8);
      break;
    default:
      return FALSE;
    }
  count_size = big ? 8 : 2;
  entry_size = big ? 20 : 12;
  value_size = big ? 8 : 4;
  if (!read_at (reader, directory, head, count_size))
    return FALSE;
  n_entries = decode (reader, head, count_size);
  if (n_entries == 0 || n_entries > MAX_ENTRIES)
    return FALSE;

  for (guint64 i = 0; i < n_entries; i++)
    {
      guint64 tag, type, value;

      if (!read_at (reader, directory + count_size + i * entry_size, entry, entry_size))
        return FALSE;
      tag = decode (reader, entry, 2);
      type = decode (reader, entry + 2, 2);
      /* SHORT (3) or LONG (4) and LONG8 (16): the value sits in the entry. */
      if (type == 3)
        value = decode (reader, entry + 4 + value_size, 2);
      else if (type == 4)
        value = decode (reader, entry + 4 + value_size, 4);
      else if (type == 16 && big)
        value = decode (reader, entry + 4 + value_size, 8);
      else
        continue;
      switch (tag)
        {
        case TAG_IMAGE_WIDTH: width = value; break;
        case TAG_IMAGE_LENGTH: height = value; break;
        case TAG_ROWS_PER_STRIP: rows_per_strip = value; break;
        case TAG_TILE_WIDTH: tile_width = value; break;
        case TAG_TILE_LENGTH: tile_length = value; break;
        default: break;
        }
    }
  if (width == 0 || height == 0 || width > G_MAXUINT32 || height > G_MAXUINT32)
    return FALSE;
  if (tile_width > 0 && tile_length > 0)
    *blocks = ((width + tile_width - 1) / tile_width) * ((height + tile_length - 1) / tile_length);
  else
    {
      /* Without RowsPerStrip the whole image is one strip. */
      guint64 rows = rows_per_strip == 0 || rows_per_strip > height ? height : rows_per_strip;

      *blocks = (height + rows - 1) / rows;
    }
  return TRUE;
}

/* Counts the tiles (or strips) of the TIFF at @path; FALSE when it is no
 * TIFF or its first directory cannot be read. */
gboolean
thumbing_tiff_count_blocks_in_file (const char *path,
                                    guint64    *blocks)
{
  Reader reader = { NULL, 0, -1, FALSE };
  gboolean found;

  reader.fd = open (path, O_RDONLY | O_CLOEXEC);
  if (reader.fd < 0)
    return FALSE;
  found = count_blocks (&reader, blocks);
  close (reader.fd);
  return found;
}

gboolean
thumbing_tiff_count_blocks_in_bytes (const guint8 *data,
                                     gsize         length,
                                     guint64      *blocks)
{
  Reader reader = { data, length, -1, FALSE };

  return count_blocks (&reader, blocks);
}
