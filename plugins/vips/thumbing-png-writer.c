/* thumbing-png-writer.c: PNG written with libdeflate, for png-encode's common case
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * A thumbnail's PNG is mostly the time deflate takes. libdeflate compresses
 * a whole buffer at once, faster than zlib and a little smaller at the same
 * level, which suits an image already in memory: 8-bit grey, grey+alpha,
 * RGB or RGBA rows, each with filter type 0 (none, sharp's default), in one
 * IDAT, with no metadata. Anything else goes through libvips's writer.
 */
#include "config.h"

#include <string.h>

#include <libdeflate.h>

#include "thumbing-png-writer.h"

static const guint8 signature[8] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n' };

gboolean
thumbing_png_writer_can_write (VipsImage *image)
{
  return image->BandFmt == VIPS_FORMAT_UCHAR && image->Bands >= 1 && image->Bands <= 4
      && image->Xsize > 0 && image->Ysize > 0 && image->Xsize < (1 << 24) && image->Ysize < (1 << 24);
}

static void
put_u32 (guint8 *out,
         guint32 value)
{
  out[0] = value >> 24;
  out[1] = value >> 16;
  out[2] = value >> 8;
  out[3] = value;
}

/* Writes a chunk whose data is already at @out + 8; returns its full size. */
static gsize
finish_chunk (guint8     *out,
              const char *type,
              gsize       data_length)
{
  put_u32 (out, (guint32) data_length);
  memcpy (out + 4, type, 4);
  put_u32 (out + 8 + data_length, libdeflate_crc32 (0, out + 4, 4 + data_length));
  return 12 + data_length;
}

gboolean
thumbing_png_writer_write (VipsImage *image,
                           int        compression,
                           void     **buffer,
                           size_t    *length)
{
  static const guint8 colour_types[] = { 0, 0, 4, 2, 6 };
  gsize row = (gsize) image->Xsize * image->Bands;
  gsize raw_length = (row + 1) * image->Ysize;
  g_autofree guint8 *raw = NULL;
  struct libdeflate_compressor *compressor;
  gsize bound, compressed, at;
  guint8 *out;

  if (!thumbing_png_writer_can_write (image) || vips_image_wio_input (image) != 0)
    return FALSE;
  /* Libdeflate's levels match zlib's where they overlap. */
  compressor = libdeflate_alloc_compressor (CLAMP (compression, 0, 9));
  if (compressor == NULL)
    return FALSE;

  raw = g_malloc (raw_length);
  for (int y = 0; y < image->Ysize; y++)
    {
      raw[y * (row + 1)] = 0;
      memcpy (raw + y * (row + 1) + 1, VIPS_IMAGE_ADDR (image, 0, y), row);
    }

  bound = libdeflate_zlib_compress_bound (compressor, raw_length);
  out = g_malloc (sizeof signature + 25 + 12 + bound + 12);
  memcpy (out, signature, sizeof signature);
  at = sizeof signature;

  put_u32 (out + at + 8, image->Xsize);
  put_u32 (out + at + 12, image->Ysize);
  out[at + 16] = 8;
  out[at + 17] = colour_types[image->Bands];
  out[at + 18] = 0;
  out[at + 19] = 0;
  out[at + 20] = 0;
  at += finish_chunk (out + at, "IHDR", 13);

  compressed = libdeflate_zlib_compress (compressor, raw, raw_length, out + at + 8, bound);
  libdeflate_free_compressor (compressor);
  if (compressed == 0)
    {
      g_free (out);
      return FALSE;
    }
  at += finish_chunk (out + at, "IDAT", compressed);
  at += finish_chunk (out + at, "IEND", 0);

  *buffer = out;
  *length = at;
  return TRUE;
}
