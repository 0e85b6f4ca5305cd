/* thumbing-png-filter.h: the PNG Paeth predictor, shared by thumbing's reader and writer
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Private to the PNG codec library: one definition of the predictor that
 * the reader reverses and the writer applies, in scalar form and in SSE2
 * 16-bit lanes.
 */
#pragma once

#include <glib.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

/* The Paeth predictor without branches on the data's order: pa, pb and pc
 * are the distances of left + up - up_left from left, up and up_left. */
static inline int
thumbing_png_paeth (int left,
                    int up,
                    int up_left)
{
  int pa = ABS (up - up_left), pb = ABS (left - up_left), pc = ABS (left + up - 2 * up_left);

  return pa <= pb && pa <= pc ? left : pb <= pc ? up : up_left;
}

#ifdef __SSE2__
static inline __m128i
thumbing_png_abs16 (__m128i v)
{
  return _mm_max_epi16 (v, _mm_sub_epi16 (_mm_setzero_si128 (), v));
}

static inline __m128i
thumbing_png_select16 (__m128i mask,
                       __m128i if_set,
                       __m128i if_clear)
{
  return _mm_or_si128 (_mm_and_si128 (mask, if_set), _mm_andnot_si128 (mask, if_clear));
}

/* thumbing_png_paeth() for eight 16-bit lanes holding bytes. */
static inline __m128i
thumbing_png_paeth16 (__m128i left,
                      __m128i up,
                      __m128i up_left)
{
  __m128i bc = _mm_sub_epi16 (up, up_left), ac = _mm_sub_epi16 (left, up_left);
  __m128i pa = thumbing_png_abs16 (bc), pb = thumbing_png_abs16 (ac);
  __m128i pc = thumbing_png_abs16 (_mm_add_epi16 (bc, ac));
  __m128i up_or_up_left = thumbing_png_select16 (_mm_cmpgt_epi16 (pb, pc), up_left, up);

  return thumbing_png_select16 (_mm_cmpgt_epi16 (pa, _mm_min_epi16 (pb, pc)), up_or_up_left, left);
}
#endif
