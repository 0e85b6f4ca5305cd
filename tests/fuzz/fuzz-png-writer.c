/* fuzz-png-writer.c: the libdeflate PNG writer on any size and pixels, read back by libvips
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "config.h"

#include <string.h>

#include "fuzz-common.h"
#include "thumbing-png-encode.h"
#include "thumbing-png-writer.h"

void
fuzz_set_up (void)
{
  if (VIPS_INIT ("fuzz-png-writer") != 0)
    g_error ("libvips does not start: %s", vips_error_buffer ());
  vips_concurrency_set (1);
}

/* Byte 0: width, 1: height (1 to 64), 2: bands (1 to 4), 3: filter and
 * level (above 9: -1, chosen by the pixels); the rest, repeated, are the
 * pixels. What is written must read back as the same pixels. */
int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  int width, height, bands, filter, level;
  gsize n;
  g_autofree guint8 *pixels = NULL;
  g_autoptr(VipsImage) image = NULL;
  g_autoptr(VipsImage) back = NULL;
  void *buffer = NULL;
  size_t length = 0;

  if (size < 5)
    return 0;
  width = 1 + data[0] % 64;
  height = 1 + data[1] % 64;
  bands = 1 + data[2] % 4;
  filter = (data[3] & 0x7) % (THUMBING_PNG_FILTER_ADAPTIVE + 1);
  level = data[3] >> 4 > 9 ? -1 : data[3] >> 4;
  n = (gsize) width * height * bands;
  pixels = g_malloc (n);
  for (gsize i = 0; i < n; i++)
    pixels[i] = data[4 + i % (size - 4)];
  image = vips_image_new_from_memory (pixels, n, width, height, bands, VIPS_FORMAT_UCHAR);
  g_assert (image != NULL && thumbing_png_writer_can_write (image));
  g_assert (thumbing_png_writer_write (image, filter, level, &buffer, &length));

  back = vips_image_new_from_buffer (buffer, length, "", NULL);
  g_assert (back != NULL);
  g_assert (back->Xsize == width && back->Ysize == height && back->Bands == bands);
  {
    size_t back_length = 0;
    g_autofree guint8 *decoded = vips_image_write_to_memory (back, &back_length);

    g_assert (decoded != NULL && back_length == n && memcmp (decoded, pixels, n) == 0);
  }
  g_free (buffer);
  return 0;
}
