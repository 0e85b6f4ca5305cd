/* fuzz-rle-deflate.c: the runs-only zlib stream of any bytes, inflated back by libdeflate
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "config.h"

#include <string.h>

#include <libdeflate.h>

#include "fuzz-common.h"
#include "thumbing-rle-deflate.h"

void
fuzz_set_up (void)
{
}

/* Byte 0 repeats the rest that many times plus one, so inputs reach past
 * a block's symbols and deflate's window. The stream fits its bound,
 * leaves the room after it alone and inflates to the input. */
int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  gsize length, bound, packed;
  g_autofree guint8 *input = NULL;
  g_autofree guint8 *out = NULL;
  g_autofree guint8 *back = NULL;
  struct libdeflate_decompressor *inflater;
  size_t got = 0;

  if (size < 1)
    return 0;
  length = (size - 1) * (1 + data[0] % 64);
  input = g_malloc (length + 1);
  for (gsize i = 0; i < length; i++)
    input[i] = data[1 + i % (size - 1)];
  bound = thumbing_rle_deflate_bound (length);
  out = g_malloc (bound + 16);
  memset (out + bound, 0xa5, 16);
  packed = thumbing_rle_deflate (input, length, out, bound);
  g_assert (packed > 0 && packed <= bound);
  for (int i = 0; i < 16; i++)
    g_assert (out[bound + i] == 0xa5);
  back = g_malloc (length + 1);
  inflater = libdeflate_alloc_decompressor ();
  g_assert (libdeflate_zlib_decompress (inflater, out, packed, back, length, &got) == LIBDEFLATE_SUCCESS);
  libdeflate_free_decompressor (inflater);
  g_assert (got == length && memcmp (back, input, length) == 0);
  return 0;
}
