/* thumbing-reduce.c: Lanczos3 reduction of 8-bit images without alpha, for resize's common case
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * After shrink-on-load, a JPEG thumbnail's last step is a Lanczos3
 * reduction by less than two, and libvips 8.14 spent a fifth of the
 * thumbnail's time on it (perf on Debian's wallpapers), one sample at a
 * time in its reduceh. Here the image, already decoded and small, is
 * reduced down its columns eight samples at a time (SSE2 multiply-adds of
 * 14-bit coefficients) into rows kept at 16 bits with six fractional
 * bits, then across, each output sample one multiply-add over its taps of
 * the band's plane. The kernel is libvips's: Lanczos3 stretched by the
 * shrink, centred on the output pixel's centre, edges repeated.
 * tests/test-resize.c compares the thumbnails with the slow, obvious path.
 */
#include "config.h"

#include <math.h>
#include <string.h>

#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include "thumbing-reduce.h"

/* Coefficients are fixed point with this many fractional bits; the rows
 * between the passes keep INTERMEDIATE_BITS. */
#define COEFFICIENT_BITS  14
#define INTERMEDIATE_BITS 6

/* Where each output sample of one axis reads, and with what weights: the
 * window of @taps input samples starting at first[i], in a row of
 * coefficients padded to a multiple of eight. */
typedef struct
{
  int     taps;
  int     stride;
  int    *first;
  gint16 *weights;
} Axis;

/* Lanczos3 at @x, given sin(πx) and sin(πx/3). */
static double
lanczos3 (double x,
          double sin_x,
          double sin_third)
{
  if (x == 0)
    return 1;
  if (x <= -3 || x >= 3)
    return 0;
  return 3 * sin_x * sin_third / (G_PI * G_PI * x * x);
}

/* The angle (sine @s, cosine @c) turned by the one whose are @ds and @dc. */
static inline void
turn (double *s,
      double *c,
      double  ds,
      double  dc)
{
  double t = *s * dc + *c * ds;

  *c = *c * dc - *s * ds;
  *s = t;
}

/* The weights of outputs @from to @from + @count - 1 of @in samples
 * reduced to @out, at 0 to @count - 1. */
static void
axis_init (Axis *axis,
           int   in,
           int   out,
           int   from,
           int   count)
{
  double scale = (double) in / out;
  double support = 3 * scale;
  int taps = MIN (2 * (int) ceil (support) + 1, in);
  g_autofree double *weight = g_new (double, taps);

  axis->taps = taps;
  axis->stride = (taps + 7) / 8 * 8;
  /* From tap to tap, πx and πx/3 grow by these angles: their sines are
   * turned from the first tap's rather than computed each time, four
   * calls an output sample instead of two a tap. */
  const double step_sin = sin (G_PI / scale), step_cos = cos (G_PI / scale);
  const double third_sin = sin (G_PI / scale / 3), third_cos = cos (G_PI / scale / 3);

  axis->first = g_new (int, count);
  axis->weights = g_new0 (gint16, (gsize) count * axis->stride);
  for (int o = from; o < from + count; o++)
    {
      double centre = (o + 0.5) * scale - 0.5;
      int lowest = (int) floor (centre - support) + 1;
      int first = CLAMP (lowest, 0, in - taps);
      double x = (lowest - centre) / scale;
      double s = sin (G_PI * x), c = cos (G_PI * x), s3 = sin (G_PI * x / 3), c3 = cos (G_PI * x / 3);
      double sum = 0;
      int total = 0, largest = 0;
      gint16 *w = axis->weights + (gsize) (o - from) * axis->stride;

      /* Taps past an edge weigh on the edge sample. */
      memset (weight, 0, sizeof (double) * taps);
      for (int i = lowest; i <= (int) floor (centre + support); i++)
        {
          double l = lanczos3 ((i - centre) / scale, s, s3);

          weight[CLAMP (i, 0, in - 1) - first] += l;
          sum += l;
          turn (&s, &c, step_sin, step_cos);
          turn (&s3, &c3, third_sin, third_cos);
        }
      for (int k = 0; k < taps; k++)
        {
          w[k] = (gint16) lround (weight[k] / sum * (1 << COEFFICIENT_BITS));
          total += w[k];
          if (ABS (w[k]) > ABS (w[largest]))
            largest = k;
        }
      /* Rounding must not brighten or darken a flat area. */
      w[largest] += (1 << COEFFICIENT_BITS) - total;
      axis->first[o - from] = first;
    }
}

static void
axis_clear (Axis *axis)
{
  g_clear_pointer (&axis->first, g_free);
  g_clear_pointer (&axis->weights, g_free);
}

/* One output row of the vertical pass: @n samples, from sample @from on,
 * of each of @taps input rows, weighted, to 16 bits with
 * INTERMEDIATE_BITS fractional bits. */
static void
reduce_down (guint8      **rows,
             int           first,
             const gint16 *w,
             int           taps,
             gsize         n,
             gint16       *out,
             gsize         from)
{
  const int shift = COEFFICIENT_BITS - INTERMEDIATE_BITS;
  gsize i = 0;

#ifdef __SSE2__
  const __m128i zero = _mm_setzero_si128 (), round = _mm_set1_epi32 (1 << (shift - 1));

  for (; i + 16 <= n; i += 16)
    {
      __m128i sum[4] = { round, round, round, round };

      for (int k = 0; k < taps; k += 2)
        {
          /* Two rows at a time: their samples side by side in 16-bit
           * lanes, one multiply-add for both. */
          const guint8 *a = rows[first + k] + from + i;
          const guint8 *b = k + 1 < taps ? rows[first + k + 1] + from + i : a;
          __m128i pa = _mm_loadu_si128 ((const __m128i *) a), pb = _mm_loadu_si128 ((const __m128i *) b);
          __m128i weights = _mm_set1_epi32 ((int) ((guint16) w[k] | (guint32) (guint16) (k + 1 < taps ? w[k + 1] : 0) << 16));
          __m128i alow = _mm_unpacklo_epi8 (pa, zero), ahigh = _mm_unpackhi_epi8 (pa, zero);
          __m128i blow = _mm_unpacklo_epi8 (pb, zero), bhigh = _mm_unpackhi_epi8 (pb, zero);

          sum[0] = _mm_add_epi32 (sum[0], _mm_madd_epi16 (_mm_unpacklo_epi16 (alow, blow), weights));
          sum[1] = _mm_add_epi32 (sum[1], _mm_madd_epi16 (_mm_unpackhi_epi16 (alow, blow), weights));
          sum[2] = _mm_add_epi32 (sum[2], _mm_madd_epi16 (_mm_unpacklo_epi16 (ahigh, bhigh), weights));
          sum[3] = _mm_add_epi32 (sum[3], _mm_madd_epi16 (_mm_unpackhi_epi16 (ahigh, bhigh), weights));
        }
      _mm_storeu_si128 ((__m128i *) (out + i), _mm_packs_epi32 (_mm_srai_epi32 (sum[0], shift),
                                                                _mm_srai_epi32 (sum[1], shift)));
      _mm_storeu_si128 ((__m128i *) (out + i + 8), _mm_packs_epi32 (_mm_srai_epi32 (sum[2], shift),
                                                                    _mm_srai_epi32 (sum[3], shift)));
    }
#endif
  for (; i < n; i++)
    {
      int sum = 1 << (shift - 1);

      for (int k = 0; k < taps; k++)
        sum += w[k] * rows[first + k][from + i];
      out[i] = (gint16) (sum >> shift);
    }
}

#ifdef __SSE2__
/* The weighted sum of output sample @x's window, as four partial sums. */
static inline __m128i
window_sum (const gint16 *plane,
            const Axis   *axis,
            int           x)
{
  const gint16 *p = plane + axis->first[x];
  const gint16 *w = axis->weights + (gsize) x * axis->stride;
  __m128i total = _mm_madd_epi16 (_mm_loadu_si128 ((const __m128i *) p), _mm_loadu_si128 ((const __m128i *) w));

  for (int k = 8; k < axis->stride; k += 8)
    total = _mm_add_epi32 (total, _mm_madd_epi16 (_mm_loadu_si128 ((const __m128i *) (p + k)),
                                                  _mm_loadu_si128 ((const __m128i *) (w + k))));
  return total;
}
#endif

/* The horizontal pass for one band's plane, padded with stride - taps
 * zero-weighted samples so every window can be read eight at a time. */
static void
reduce_across (const gint16 *plane,
               const Axis   *axis,
               int           width,
               guint8       *out,
               int           bands)
{
  const int shift = COEFFICIENT_BITS + INTERMEDIATE_BITS;
  int x = 0;

#ifdef __SSE2__
  const __m128i round = _mm_set1_epi32 (1 << (shift - 1));

  /* Four outputs at a time, their partial sums added up by a transpose. */
  for (; x + 4 <= width; x += 4)
    {
      __m128i s0 = window_sum (plane, axis, x), s1 = window_sum (plane, axis, x + 1);
      __m128i s2 = window_sum (plane, axis, x + 2), s3 = window_sum (plane, axis, x + 3);
      __m128i u0 = _mm_add_epi32 (_mm_unpacklo_epi32 (s0, s1), _mm_unpackhi_epi32 (s0, s1));
      __m128i u1 = _mm_add_epi32 (_mm_unpacklo_epi32 (s2, s3), _mm_unpackhi_epi32 (s2, s3));
      __m128i sums = _mm_add_epi32 (_mm_unpacklo_epi64 (u0, u1), _mm_unpackhi_epi64 (u0, u1));
      __m128i values = _mm_srai_epi32 (_mm_add_epi32 (sums, round), shift);
      guint32 bytes;

      values = _mm_packs_epi32 (values, values);
      bytes = (guint32) _mm_cvtsi128_si32 (_mm_packus_epi16 (values, values));
      out[(gsize) x * bands] = bytes;
      out[(gsize) (x + 1) * bands] = bytes >> 8;
      out[(gsize) (x + 2) * bands] = bytes >> 16;
      out[(gsize) (x + 3) * bands] = bytes >> 24;
    }
#endif
  for (; x < width; x++)
    {
      const gint16 *p = plane + axis->first[x];
      const gint16 *w = axis->weights + (gsize) x * axis->stride;
      int sum = 1 << (shift - 1);

      for (int k = 0; k < axis->taps; k++)
        sum += w[k] * p[k];
      sum >>= shift;
      out[(gsize) x * bands] = (guint8) CLAMP (sum, 0, 255);
    }
}

/* Splits a row of @bands interleaved samples into planes; @bands is a
 * constant where this is inlined. */
static inline void
split_bands (const gint16 *row,
             int           width,
             gint16       *planes,
             gsize         plane_length,
             const int     bands)
{
  for (int x = 0; x < width; x++)
    for (int b = 0; b < bands; b++)
      planes[plane_length * b + x] = row[(gsize) x * bands + b];
}

#if defined(__x86_64__) && defined(__GNUC__)
#define HAVE_AVX2_PATH 1
#include <immintrin.h>

/* reduce_down() sixteen samples a multiply-add where the processor has
 * AVX2 (most x86-64 since 2013, where Debian's baseline is SSE2): the
 * same sums, so the same pixels, in about half the time. Bytes are widened
 * in order; pairs of rows interleaved within each 128-bit lane and packed
 * back within it come out in order too. */
__attribute__ ((target ("avx2"))) static void
reduce_down_avx2 (guint8      **rows,
                  int           first,
                  const gint16 *w,
                  int           taps,
                  gsize         n,
                  gint16       *out)
{
  const int shift = COEFFICIENT_BITS - INTERMEDIATE_BITS;
  const __m256i round = _mm256_set1_epi32 (1 << (shift - 1));
  gsize i = 0;

  for (; i + 32 <= n; i += 32)
    {
      __m256i sum[4] = { round, round, round, round };

      for (int k = 0; k < taps; k += 2)
        {
          const guint8 *a = rows[first + k] + i;
          const guint8 *b = k + 1 < taps ? rows[first + k + 1] + i : a;
          __m256i weights = _mm256_set1_epi32 ((int) ((guint16) w[k]
                                                      | (guint32) (guint16) (k + 1 < taps ? w[k + 1] : 0) << 16));

          for (int half = 0; half < 2; half++)
            {
              __m256i pa = _mm256_cvtepu8_epi16 (_mm_loadu_si128 ((const __m128i *) (a + 16 * half)));
              __m256i pb = _mm256_cvtepu8_epi16 (_mm_loadu_si128 ((const __m128i *) (b + 16 * half)));

              sum[2 * half] = _mm256_add_epi32 (sum[2 * half],
                                                _mm256_madd_epi16 (_mm256_unpacklo_epi16 (pa, pb), weights));
              sum[2 * half + 1] = _mm256_add_epi32 (sum[2 * half + 1],
                                                    _mm256_madd_epi16 (_mm256_unpackhi_epi16 (pa, pb), weights));
            }
        }
      for (int half = 0; half < 2; half++)
        _mm256_storeu_si256 ((__m256i *) (out + i + 16 * half),
                             _mm256_packs_epi32 (_mm256_srai_epi32 (sum[2 * half], shift),
                                                 _mm256_srai_epi32 (sum[2 * half + 1], shift)));
    }
  /* Clean upper halves before any SSE code runs, here or after the
   * return: with them dirty, every legacy SSE instruction in the process
   * (libjpeg's, the PNG filters') waits on them. GCC left this out on the
   * path through the tail's call, which made whole thumbnails 15% slower. */
  _mm256_zeroupper ();
  if (i < n)
    reduce_down (rows, first, w, taps, n - i, out + i, i);
}

/* split_bands() of three bands eight pixels at a time: each plane's
 * samples gathered from the three vectors by byte shuffles. */
__attribute__ ((target ("avx2"))) static void
split_three_bands_avx2 (const gint16 *row,
                        int           width,
                        gint16       *planes,
                        gsize         plane_length)
{
  /* For band b and input vector v, the bytes of its samples where they go
   * among eight; -1 (0x80) clears the rest. */
  static const gint8 shuffles[3][3][16] = {
    { { 0, 1, 6, 7, 12, 13, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1 },
      { -1, -1, -1, -1, -1, -1, 2, 3, 8, 9, 14, 15, -1, -1, -1, -1 },
      { -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, 4, 5, 10, 11 } },
    { { 2, 3, 8, 9, 14, 15, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1 },
      { -1, -1, -1, -1, -1, -1, 4, 5, 10, 11, -1, -1, -1, -1, -1, -1 },
      { -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, 0, 1, 6, 7, 12, 13 } },
    { { 4, 5, 10, 11, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1 },
      { -1, -1, -1, -1, 0, 1, 6, 7, 12, 13, -1, -1, -1, -1, -1, -1 },
      { -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, 2, 3, 8, 9, 14, 15 } },
  };
  __m128i masks[3][3];
  int x = 0;

  for (int b = 0; b < 3; b++)
    for (int v = 0; v < 3; v++)
      masks[b][v] = _mm_loadu_si128 ((const __m128i *) shuffles[b][v]);
  for (; x + 8 <= width; x += 8)
    {
      const gint16 *p = row + (gsize) x * 3;
      __m128i v0 = _mm_loadu_si128 ((const __m128i *) p);
      __m128i v1 = _mm_loadu_si128 ((const __m128i *) (p + 8));
      __m128i v2 = _mm_loadu_si128 ((const __m128i *) (p + 16));

      for (int b = 0; b < 3; b++)
        _mm_storeu_si128 ((__m128i *) (planes + plane_length * b + x),
                          _mm_or_si128 (_mm_or_si128 (_mm_shuffle_epi8 (v0, masks[b][0]),
                                                      _mm_shuffle_epi8 (v1, masks[b][1])),
                                        _mm_shuffle_epi8 (v2, masks[b][2])));
    }
  for (; x < width; x++)
    for (int b = 0; b < 3; b++)
      planes[plane_length * b + x] = row[(gsize) x * 3 + b];
}

static gboolean use_avx2 = TRUE;

/**
 * _thumbing_reduce_set_avx2:
 * @enabled: whether the AVX2 passes may run
 *
 * For tests: with %FALSE, the SSE2 passes run even where the processor
 * has AVX2, so both can be compared.
 */
void
_thumbing_reduce_set_avx2 (gboolean enabled)
{
  use_avx2 = enabled;
}

static gboolean
has_avx2 (void)
{
  __builtin_cpu_init ();
  return use_avx2 && __builtin_cpu_supports ("avx2");
}
#else
void
_thumbing_reduce_set_avx2 (gboolean enabled)
{
}
#endif

/**
 * thumbing_reduce_takes:
 * @image: an image
 *
 * Returns: whether thumbing_reduce() can reduce @image: 8-bit, one or
 *   three bands, no alpha, grey or sRGB
 */
gboolean
thumbing_reduce_takes (VipsImage *image)
{
  return image->BandFmt == VIPS_FORMAT_UCHAR && image->Coding == VIPS_CODING_NONE
      && ((image->Bands == 3 && image->Type == VIPS_INTERPRETATION_sRGB)
          || (image->Bands == 1 && image->Type == VIPS_INTERPRETATION_B_W));
}

/**
 * thumbing_reduce:
 * @image: an image thumbing_reduce_takes(), decoded or cheap to decode
 * @width: the width to reduce to, at most @image's
 * @height: the height to reduce to, at most @image's
 * @window: (nullable): the part of the @width×@height result to make, or
 *   %NULL for all of it
 *
 * Only the input columns and rows @window's samples read are reduced, so a
 * cover crop costs what it keeps; each sample is the one reducing the
 * whole image would give.
 *
 * Returns: (transfer full) (nullable): @image reduced to @width×@height
 *   with a Lanczos3 kernel, or @window of that, in memory, with @image's
 *   metadata; %NULL with the libvips error buffer set where @image cannot
 *   be decoded
 */
VipsImage *
thumbing_reduce (VipsImage      *image,
                 int             width,
                 int             height,
                 const VipsRect *window)
{
  const int bands = image->Bands;
  VipsRect all = { 0, 0, width, height };
  const VipsRect *part = window != NULL ? window : &all;
  int left, span;
  /* A plane's row is padded past its end so the widest window reads in. */
  gsize plane_length;
  g_autofree gint16 *row = NULL;
  g_autofree gint16 *planes = NULL;
  g_autofree guint8 **rows = NULL;
  Axis down = { 0 }, across = { 0 };
  gboolean avx2 = FALSE;
  VipsImage *out;

  g_return_val_if_fail (thumbing_reduce_takes (image), NULL);
  g_return_val_if_fail (width >= 1 && width <= image->Xsize && height >= 1 && height <= image->Ysize, NULL);
  g_return_val_if_fail (part->left >= 0 && part->top >= 0 && part->width >= 1 && part->height >= 1
                        && part->left + part->width <= width && part->top + part->height <= height, NULL);
  if (vips_image_wio_input (image) != 0)
    return NULL;
  out = vips_image_new_memory ();
  if (vips_image_pipelinev (out, VIPS_DEMAND_STYLE_THINSTRIP, image, NULL) != 0)
    {
      g_object_unref (out);
      return NULL;
    }
  out->Xsize = part->width;
  out->Ysize = part->height;
  if (vips_image_write_prepare (out) != 0)
    {
      g_object_unref (out);
      return NULL;
    }

  axis_init (&down, image->Ysize, height, part->top, part->height);
  axis_init (&across, image->Xsize, width, part->left, part->width);
  /* The input columns the window reads, from its first sample's first tap
   * to its last sample's last; the plane starts at the first. */
  left = across.first[0];
  span = across.first[part->width - 1] + across.taps - left;
  for (int x = 0; x < part->width; x++)
    across.first[x] -= left;
  plane_length = span + across.stride;
  row = g_new (gint16, (gsize) span * bands);
  /* VIPS_IMAGE_ADDR() is a function call per use. */
  rows = g_new (guint8 *, image->Ysize);
  for (int y = 0; y < image->Ysize; y++)
    rows[y] = VIPS_IMAGE_ADDR (image, left, y);
  planes = g_new0 (gint16, plane_length * bands);
#ifdef HAVE_AVX2_PATH
  avx2 = has_avx2 ();
#endif
  for (int y = 0; y < part->height; y++)
    {
      guint8 *q = VIPS_IMAGE_ADDR (out, 0, y);
      const gint16 *w = down.weights + (gsize) y * down.stride;

#ifdef HAVE_AVX2_PATH
      if (avx2)
        {
          reduce_down_avx2 (rows, down.first[y], w, down.taps, (gsize) span * bands, row);
          if (bands == 3)
            split_three_bands_avx2 (row, span, planes, plane_length);
          else
            split_bands (row, span, planes, plane_length, 1);
        }
      else
#endif
        {
          reduce_down (rows, down.first[y], w, down.taps, (gsize) span * bands, row, 0);
          if (bands == 3)
            split_bands (row, span, planes, plane_length, 3);
          else
            split_bands (row, span, planes, plane_length, 1);
        }
      for (int b = 0; b < bands; b++)
        reduce_across (planes + plane_length * b, &across, part->width, q + b, bands);
    }
  axis_clear (&down);
  axis_clear (&across);
  return out;
}
