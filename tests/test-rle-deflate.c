/* test-rle-deflate.c: the runs-only zlib stream, inflated by libdeflate
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "config.h"

#include <string.h>

#include <libdeflate.h>

#include "thumbing-rle-deflate.h"

/* Bytes past the room given, which the encoder must never touch. */
#define GUARD 64

/* Compresses @data into exactly its bound, checks the guard after it, and
 * inflates the stream back to @data; returns the stream's length. */
static gsize
assert_round_trip (const guint8 *data,
                   gsize         length)
{
  gsize bound = thumbing_rle_deflate_bound (length);
  g_autofree guint8 *out = g_malloc (bound + GUARD);
  g_autofree guint8 *back = g_malloc (length + 1);
  struct libdeflate_decompressor *inflater = libdeflate_alloc_decompressor ();
  size_t got = 0;
  gsize packed;

  memset (out + bound, 0xa5, GUARD);
  packed = thumbing_rle_deflate (data, length, out, bound);
  g_assert_cmpuint (packed, >, 0);
  g_assert_cmpuint (packed, <=, bound);
  for (gsize i = 0; i < GUARD; i++)
    g_assert_cmpuint (out[bound + i], ==, 0xa5);
  /* zlib's header: deflate, 32 KiB window, and its check. */
  g_assert_cmpuint (out[0], ==, 0x78);
  g_assert_cmpuint ((out[0] << 8 | out[1]) % 31, ==, 0);
  g_assert_cmpint (libdeflate_zlib_decompress (inflater, out, packed, back, length, &got), ==, LIBDEFLATE_SUCCESS);
  libdeflate_free_decompressor (inflater);
  g_assert_cmpuint (got, ==, length);
  g_assert_true (length == 0 || memcmp (back, data, length) == 0);
  return packed;
}

/* The shortest inputs: nothing, one byte, and runs just too short and
 * just long enough, the first byte of a stream never starting one. */
static void
test_short_inputs (void)
{
  static const char *const inputs[] = { "", "a", "ab", "aa", "aaa", "aaaa", "aaaaa", "abbb", "abbbb", "abababab" };

  for (guint i = 0; i < G_N_ELEMENTS (inputs); i++)
    assert_round_trip ((const guint8 *) inputs[i], strlen (inputs[i]));
}

/* Runs of every length up to twice deflate's longest match, each of a
 * byte other than its neighbours': every length symbol and extra value,
 * and runs longer than 258 split. */
static void
test_every_run_length (void)
{
  g_autoptr(GByteArray) data = g_byte_array_new ();
  gsize packed;

  for (guint run = 1; run <= 2 * 258 + 3; run++)
    {
      guint8 byte = (guint8) (run % 251);

      g_byte_array_append (data, (const guint8 *) "xy", 2);
      for (guint k = 0; k < run; k++)
        g_byte_array_append (data, &byte, 1);
    }
  packed = assert_round_trip (data->data, data->len);
  g_test_message ("%u bytes of runs: %zu", data->len, packed);
  g_assert_cmpuint (packed, <, data->len / 20);
}

/* Bytes with no pattern are stored: a stream barely longer than them. */
static void
test_noise_is_stored (void)
{
  gsize length = 300000;
  g_autofree guint8 *data = g_malloc (length);
  gsize packed;

  for (gsize i = 0; i < length; i++)
    data[i] = (guint8) g_test_rand_int_range (0, 256);
  packed = assert_round_trip (data, length);
  g_test_message ("%zu bytes of noise: %zu", length, packed);
  g_assert_cmpuint (packed, <=, length + length / 1000 + 16);
}

/* One long run: a megabyte of zeros, in 258-byte matches of two bits each
 * (the length's code and the distance's). */
static void
test_one_long_run (void)
{
  gsize length = 1 << 20;
  g_autofree guint8 *data = g_malloc0 (length);

  g_assert_cmpuint (assert_round_trip (data, length), <, length / 1000);
}

/* Literal counts 1, 2, 3, 5, ... 4181 (10,944 in one block) and the end
 * of block's 1 are the Fibonacci sequence: an unlimited Huffman code 18
 * bits deep, past deflate's 15, which must be cut down and stay complete.
 * No byte follows its like, so none of it is a run: each step takes the
 * byte with most left that differs from the last. */
static void
test_codes_deeper_than_fifteen_bits (void)
{
  guint32 left[18], a = 1, b = 2, total = 0;
  g_autofree guint8 *data = NULL;
  int previous = -1;

  for (int symbol = 0; symbol < 18; symbol++)
    {
      guint32 next = a + b;

      left[symbol] = a;
      total += a;
      a = b;
      b = next;
    }
  data = g_malloc (total);
  for (guint32 i = 0; i < total; i++)
    {
      int pick = -1;

      for (int symbol = 0; symbol < 18; symbol++)
        if (symbol != previous && left[symbol] > 0 && (pick < 0 || left[symbol] > left[pick]))
          pick = symbol;
      g_assert_cmpint (pick, >=, 0);
      data[i] = (guint8) pick;
      left[pick]--;
      previous = pick;
    }
  assert_round_trip (data, total);
}

/* Skewed bytes with short runs, as filtered rows are, at lengths around
 * the blocks' size and across deflate's 32 KiB window: every block's
 * code is its own, runs reach back into the block before. */
static void
test_block_boundaries (void)
{
  static const gsize lengths[] = { 16383, 16384, 16385, 32767, 32768, 32769, 65535, 65536, 65537, 200001 };

  for (guint l = 0; l < G_N_ELEMENTS (lengths); l++)
    {
      g_autofree guint8 *data = g_malloc (lengths[l]);
      gsize packed;

      for (gsize i = 0; i < lengths[l]; i++)
        data[i] = g_test_rand_int_range (0, 8) == 0 ? 0 : (guint8) (g_test_rand_int_range (0, 16) - 8);
      packed = assert_round_trip (data, lengths[l]);
      g_assert_cmpuint (packed, <, lengths[l] * 3 / 4);
    }
}

/* Room short of the bound fails the stream and writes nothing past it. */
static void
test_too_little_room (void)
{
  gsize length = 5000;
  g_autofree guint8 *data = g_malloc (length);
  g_autofree guint8 *out = g_malloc (length + GUARD);

  for (gsize i = 0; i < length; i++)
    data[i] = (guint8) g_test_rand_int_range (0, 256);
  for (gsize room = 0; room < length; room += 997)
    {
      memset (out, 0, length + GUARD);
      memset (out + room, 0xa5, GUARD);
      g_assert_cmpuint (thumbing_rle_deflate (data, length, out, room), ==, 0);
      for (gsize i = 0; i < GUARD; i++)
        g_assert_cmpuint (out[room + i], ==, 0xa5);
    }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/rle-deflate/short-inputs", test_short_inputs);
  g_test_add_func ("/rle-deflate/every-run-length", test_every_run_length);
  g_test_add_func ("/rle-deflate/noise-is-stored", test_noise_is_stored);
  g_test_add_func ("/rle-deflate/one-long-run", test_one_long_run);
  g_test_add_func ("/rle-deflate/codes-deeper-than-fifteen-bits", test_codes_deeper_than_fifteen_bits);
  g_test_add_func ("/rle-deflate/block-boundaries", test_block_boundaries);
  g_test_add_func ("/rle-deflate/too-little-room", test_too_little_room);
  return g_test_run ();
}
