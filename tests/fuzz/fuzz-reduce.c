/* fuzz-reduce.c: the Lanczos3 reducer on any size, pixels and window
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "config.h"

#include <string.h>

#include "fuzz-common.h"
#include "thumbing-reduce.h"
#include "../thumbing-test-vips.h"

void
fuzz_set_up (void)
{
  if (VIPS_INIT ("fuzz-reduce") != 0)
    g_error ("libvips does not start: %s", vips_error_buffer ());
  vips_concurrency_set (1);
}

/* Bytes 0-1: width and height (1 to 96), 2: bands (1 or 3), 3-4: the size
 * reduced to, 5-8: the window in it; the rest, repeated, are the pixels.
 * The window must be exactly that part of the whole result. */
int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  int width, height, bands, to_width, to_height;
  VipsRect window;
  gsize n;
  g_autofree guint8 *pixels = NULL;
  g_autoptr(VipsImage) image = NULL;
  g_autoptr(VipsImage) whole = NULL;
  g_autoptr(VipsImage) part = NULL;
  g_autoptr(VipsImage) cut = NULL;
  g_autofree guint8 *a = NULL, *b = NULL;
  size_t a_length = 0, b_length = 0;

  if (size < 10)
    return 0;
  width = 1 + data[0] % 96;
  height = 1 + data[1] % 96;
  bands = data[2] % 2 ? 3 : 1;
  to_width = 1 + data[3] % width;
  to_height = 1 + data[4] % height;
  window.left = data[5] % to_width;
  window.top = data[6] % to_height;
  window.width = 1 + data[7] % (to_width - window.left);
  window.height = 1 + data[8] % (to_height - window.top);
  n = (gsize) width * height * bands;
  pixels = g_malloc (n);
  for (gsize i = 0; i < n; i++)
    pixels[i] = data[9 + i % (size - 9)];
  image = vips_image_new_from_memory (pixels, n, width, height, bands, VIPS_FORMAT_UCHAR);
  g_assert (image != NULL);
  image->Type = bands == 3 ? VIPS_INTERPRETATION_sRGB : VIPS_INTERPRETATION_B_W;

  whole = thumbing_reduce (image, to_width, to_height, NULL);
  part = thumbing_reduce (image, to_width, to_height, &window);
  g_assert (whole != NULL && part != NULL);
  g_assert (whole->Xsize == to_width && whole->Ysize == to_height);
  g_assert (part->Xsize == window.width && part->Ysize == window.height);
  g_assert (vips_extract_area (whole, &cut, window.left, window.top, window.width, window.height, NULL) == 0);
  a = vips_image_write_to_memory (part, &a_length);
  b = vips_image_write_to_memory (cut, &b_length);
  g_assert (a != NULL && b != NULL && a_length == b_length && memcmp (a, b, a_length) == 0);
  return 0;
}
