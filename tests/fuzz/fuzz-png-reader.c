/* fuzz-png-reader.c: resize's libdeflate PNG reader on any bytes
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "config.h"

#include <stdlib.h>

#include <libdeflate.h>

#include "fuzz-common.h"
#include "thumbing-png-reader.h"

void
fuzz_set_up (void)
{
  if (VIPS_INIT ("fuzz-png-reader") != 0)
    abort ();
}

/* Chunk CRCs rewritten to match, or mutations would rarely get past them;
 * an odd first byte keeps them as they came, for the CRC checks. */
static guint8 *
with_valid_crcs (const uint8_t *data,
                 size_t         size)
{
  guint8 *copy = g_memdup2 (data, size);

  if (size > 0 && (data[0] & 1))
    return copy;
  for (size_t at = 8; at + 12 <= size;)
    {
      guint32 length = (guint32) copy[at] << 24 | copy[at + 1] << 16 | copy[at + 2] << 8 | copy[at + 3];
      guint32 crc;

      if (length > size - at - 12)
        break;
      crc = libdeflate_crc32 (0, copy + at + 4, 4 + length);
      copy[at + 8 + length] = crc >> 24;
      copy[at + 9 + length] = crc >> 16;
      copy[at + 10 + length] = crc >> 8;
      copy[at + 11 + length] = crc;
      at += 12 + (size_t) length;
    }
  return copy;
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  gboolean unsupported = FALSE;
  g_autoptr(GError) error = NULL;
  g_autofree guint8 *png = with_valid_crcs (data, size);
  /* The last byte picks a shrink factor, so the box shrink's edges are
   * fuzzed too. */
  int shrink = size > 0 ? 1 + data[size - 1] % 8 : 1;
  VipsImage *image = thumbing_png_reader_read (png, size, shrink, NULL, &unsupported, &error);

  if (image != NULL)
    {
      size_t length = 0;
      void *pixels = vips_image_write_to_memory (image, &length);

      g_assert (length == (size_t) image->Xsize * image->Ysize * image->Bands);
      g_free (pixels);
      g_object_unref (image);
    }
  else
    g_assert (unsupported != (error != NULL));
  return 0;
}
