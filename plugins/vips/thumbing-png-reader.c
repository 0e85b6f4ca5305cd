/* thumbing-png-reader.c: 8-bit RGB and RGBA PNGs decoded with libdeflate, for resize's common case
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Half of a PNG thumbnail's time went to zlib's inflate and libpng's row
 * filters (perf on Debian's wallpapers). libdeflate inflates the whole
 * stream in one call, about twice as fast, into one buffer that the rows
 * are unfiltered in and then become the image's pixels. That holds the
 * image decoded, so only images up to THUMBING_PNG_READER_MAX_PIXELS come
 * here; and only what it reads exactly as libvips's pngload does
 * (non-interlaced 8-bit RGB or RGBA, no colour key, no EXIF): anything else
 * is "unsupported" and goes to libvips. resize asks for the image already
 * shrunk by a whole factor, which the rows are summed into as they are
 * unfiltered. tests/test-png-reader.c checks the pixels against pngload's
 * (and vips_shrink's) on every filter, edge and real images.
 */
#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>
#include <libdeflate.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif
#include <thumbing/thumbing.h>

#include "thumbing-png-filter.h"
#include "thumbing-png-reader.h"

#define MAX_ICC_PROFILE (4 * 1024 * 1024)

static guint32
get_u32 (const guint8 *p)
{
  return (guint32) p[0] << 24 | (guint32) p[1] << 16 | (guint32) p[2] << 8 | p[3];
}

static gboolean G_GNUC_PRINTF (2, 3)
corrupt (GError    **error,
         const char *format,
         ...)
{
  va_list args;
  g_autofree char *text = NULL;

  va_start (args, format);
  text = g_strdup_vprintf (format, args);
  va_end (args);
  g_set_error (error, THUMBING_ERROR, THUMBING_ERROR_BAD_INPUT, _("the PNG is damaged: %s"), text);
  return FALSE;
}

#ifdef __SSE2__
/* A pixel's bytes, assembled in a register: a 3-byte memcpy through the
 * stack stalls store-to-load forwarding on every pixel. */
static inline __m128i
load_pixel (const guint8 *p,
            int           bpp)
{
  guint32 v = (guint32) p[0] | (guint32) p[1] << 8 | (guint32) p[2] << 16 | (bpp == 4 ? (guint32) p[3] << 24 : 0);

  return _mm_unpacklo_epi8 (_mm_cvtsi32_si128 ((int) v), _mm_setzero_si128 ());
}

static inline void
store_pixel (guint8  *p,
             __m128i  x,
             int      bpp)
{
  guint32 v = (guint32) _mm_cvtsi128_si32 (_mm_packus_epi16 (x, x));

  p[0] = v;
  p[1] = v >> 8;
  p[2] = v >> 16;
  if (bpp == 4)
    p[3] = v >> 24;
}

/* Paeth, a pixel at a time with its channels side by side in 16-bit
 * lanes: the rows of most wallpapers are Paeth-filtered, and one byte at a
 * time each waited for the one a pixel to its left. */
static void
paeth_sse2 (guint8       *row,
            const guint8 *prior,
            gsize         length,
            int           bpp)
{
  __m128i a = _mm_setzero_si128 (), c = _mm_setzero_si128 ();
  const __m128i low_byte = _mm_set1_epi16 (0xff);

  for (gsize i = 0; i + bpp <= length; i += bpp)
    {
      __m128i b = load_pixel (prior + i, bpp);
      __m128i x = load_pixel (row + i, bpp);

      x = _mm_and_si128 (_mm_add_epi16 (x, thumbing_png_paeth16 (a, b, c)), low_byte);
      store_pixel (row + i, x, bpp);
      a = x;
      c = b;
    }
}

/* Average, the same way: x + (left + up) / 2, a pixel at a time. */
static void
average_sse2 (guint8       *row,
              const guint8 *prior,
              gsize         length,
              int           bpp)
{
  __m128i a = _mm_setzero_si128 ();
  const __m128i low_byte = _mm_set1_epi16 (0xff);

  for (gsize i = 0; i + bpp <= length; i += bpp)
    {
      __m128i b = load_pixel (prior + i, bpp);
      __m128i x = load_pixel (row + i, bpp);

      x = _mm_and_si128 (_mm_add_epi16 (x, _mm_srli_epi16 (_mm_add_epi16 (a, b), 1)), low_byte);
      store_pixel (row + i, x, bpp);
      a = x;
    }
}
#endif

/* Reverses a row's filter in place; @prior is the unfiltered row above
 * (zeros for the first). @bpp is a constant where this is inlined, so the
 * loops over a pixel's channels unroll: the filters were half of a
 * decode's time when written byte by byte with tests in the loop. */
static inline gboolean
unfilter_bpp (guint8       *row,
              const guint8 *prior,
              gsize         length,
              const int     bpp,
              int           filter)
{
  gsize i;

  switch (filter)
    {
    case 0:
      return TRUE;
    case 1:
      for (i = bpp; i < length; i++)
        row[i] += row[i - bpp];
      return TRUE;
    case 2:
      i = 0;
#ifdef __SSE2__
      for (; i + 16 <= length; i += 16)
        _mm_storeu_si128 ((__m128i *) (row + i), _mm_add_epi8 (_mm_loadu_si128 ((const __m128i *) (row + i)),
                                                               _mm_loadu_si128 ((const __m128i *) (prior + i))));
#endif
      for (; i < length; i++)
        row[i] += prior[i];
      return TRUE;
    case 3:
#ifdef __SSE2__
      average_sse2 (row, prior, length, bpp);
#else
      for (i = 0; i < (gsize) bpp; i++)
        row[i] += prior[i] >> 1;
      for (; i < length; i += bpp)
        for (int c = 0; c < bpp; c++)
          row[i + c] += (row[i + c - bpp] + prior[i + c]) >> 1;
#endif
      return TRUE;
    case 4:
#ifdef __SSE2__
      paeth_sse2 (row, prior, length, bpp);
#else
      for (i = 0; i < (gsize) bpp; i++)
        row[i] += prior[i];
      for (; i < length; i += bpp)
        for (int c = 0; c < bpp; c++)
          row[i + c] += thumbing_png_paeth (row[i + c - bpp], prior[i + c], prior[i + c - bpp]);
#endif
      return TRUE;
    default:
      return FALSE;
    }
}

static gboolean
unfilter (guint8       *row,
          const guint8 *prior,
          gsize         length,
          int           bpp,
          int           filter)
{
  return bpp == 4 ? unfilter_bpp (row, prior, length, 4, filter) : unfilter_bpp (row, prior, length, 3, filter);
}

/* A whole-factor box shrink fed one unfiltered row at a time, the same
 * pixels as libvips's vips_shrink (each column averaged down @factor rows
 * and rounded, then across @factor columns and rounded; the size rounded
 * to nearest; the last row and column repeated where a box runs past the
 * edge), without the decoded image ever existing whole in the pipeline:
 * libvips 8.14's scalar shrink was a fifth of a PNG thumbnail's time. */
typedef struct
{
  int      factor;
  int      bands;
  guint32  width;
  guint32  out_width;
  guint32  out_height;
  guint32  rows_summed;
  guint16 *sums;
  guint8  *column_averages;
  guint8  *average_of;
  guint16  reciprocal;
  guint8  *pixels;
} BoxShrink;

static guint32
rounded_quotient (guint32 size,
                  int     factor)
{
  return MAX (1, (guint32) ((double) size / factor + 0.5));
}

static void
box_shrink_init (BoxShrink *box,
                 guint32    width,
                 guint32    height,
                 int        bands,
                 int        factor)
{
  gsize n = (gsize) width * bands;

  box->factor = factor;
  box->bands = bands;
  box->width = width;
  box->out_width = rounded_quotient (width, factor);
  box->out_height = rounded_quotient (height, factor);
  box->rows_summed = 0;
  box->sums = g_new (guint16, n);
  box->column_averages = g_new (guint8, n);
  /* A sum of @factor samples to their rounded mean, looked up: a
   * division per sample cost more than the rest of the shrink. */
  box->average_of = g_new (guint8, 255 * factor + 1);
  for (int sum = 0; sum <= 255 * factor; sum++)
    box->average_of[sum] = (sum + factor / 2) / factor;
  /* Eight sums at a time, the division is a multiplication by 2¹⁶ / factor
   * rounded up, where that gives every quotient exactly. */
  box->reciprocal = (65536 + factor - 1) / factor;
  for (int sum = 0; sum <= 255 * factor && box->reciprocal != 0; sum++)
    if ((((guint32) sum + factor / 2) * box->reciprocal) >> 16 != box->average_of[sum])
      box->reciprocal = 0;
  box->pixels = g_try_malloc ((gsize) box->out_width * box->out_height * bands);
}

static void
box_shrink_clear (BoxShrink *box)
{
  g_clear_pointer (&box->sums, g_free);
  g_clear_pointer (&box->column_averages, g_free);
  g_clear_pointer (&box->average_of, g_free);
  g_clear_pointer (&box->pixels, g_free);
}

static void
add_row (guint16      *sums,
         const guint8 *row,
         gsize         n,
         gboolean      first)
{
  gsize i = 0;

#ifdef __SSE2__
  const __m128i zero = _mm_setzero_si128 ();

  for (; i + 16 <= n; i += 16)
    {
      __m128i p = _mm_loadu_si128 ((const __m128i *) (row + i));
      __m128i low = _mm_unpacklo_epi8 (p, zero), high = _mm_unpackhi_epi8 (p, zero);

      if (!first)
        {
          low = _mm_add_epi16 (low, _mm_loadu_si128 ((const __m128i *) (sums + i)));
          high = _mm_add_epi16 (high, _mm_loadu_si128 ((const __m128i *) (sums + i + 8)));
        }
      _mm_storeu_si128 ((__m128i *) (sums + i), low);
      _mm_storeu_si128 ((__m128i *) (sums + i + 8), high);
    }
#endif
  for (; i < n; i++)
    sums[i] = (first ? 0 : sums[i]) + row[i];
}

/* Averages @factor column averages at a time into @out; @bands is a
 * constant where this is inlined, so a pixel's channels sum side by side. */
static inline void
average_across (const BoxShrink *box,
                guint8          *out,
                const int        bands)
{
  const int factor = box->factor;
  /* Boxes wholly inside the row; the last may run past its end. */
  guint32 inside = MIN (box->out_width, box->width / factor);

  for (guint32 x = 0; x < inside; x++)
    {
      const guint8 *p = box->column_averages + (gsize) x * factor * bands;
      guint8 *q = out + (gsize) x * bands;
      int red = 0, green = 0, blue = 0, alpha = 0;

      for (int j = 0; j < factor; j++, p += bands)
        {
          red += p[0];
          green += p[1];
          blue += p[2];
          if (bands == 4)
            alpha += p[3];
        }
      q[0] = box->average_of[red];
      q[1] = box->average_of[green];
      q[2] = box->average_of[blue];
      if (bands == 4)
        q[3] = box->average_of[alpha];
    }
  for (guint32 x = inside; x < box->out_width; x++)
    for (int b = 0; b < bands; b++)
      {
        int sum = 0;

        for (int j = 0; j < factor; j++)
          sum += box->column_averages[(gsize) MIN ((guint64) x * factor + j, box->width - 1) * bands + b];
        out[(gsize) x * bands + b] = box->average_of[sum];
      }
}

/* Averages the summed rows into output row @y. */
static void
box_shrink_emit (BoxShrink *box,
                 guint32    y)
{
  gsize n = (gsize) box->width * box->bands;
  guint8 *out = box->pixels + (gsize) y * box->out_width * box->bands;

  gsize i = 0;

#ifdef __SSE2__
  if (box->reciprocal != 0)
    {
      const __m128i half = _mm_set1_epi16 (box->factor / 2), reciprocal = _mm_set1_epi16 ((short) box->reciprocal);

      for (; i + 16 <= n; i += 16)
        {
          __m128i low = _mm_loadu_si128 ((const __m128i *) (box->sums + i));
          __m128i high = _mm_loadu_si128 ((const __m128i *) (box->sums + i + 8));

          low = _mm_mulhi_epu16 (_mm_add_epi16 (low, half), reciprocal);
          high = _mm_mulhi_epu16 (_mm_add_epi16 (high, half), reciprocal);
          _mm_storeu_si128 ((__m128i *) (box->column_averages + i), _mm_packus_epi16 (low, high));
        }
    }
#endif
  for (; i < n; i++)
    box->column_averages[i] = box->average_of[box->sums[i]];
  if (box->bands == 4)
    average_across (box, out, 4);
  else
    average_across (box, out, 3);
}

/* Takes input row @y, unfiltered. */
static void
box_shrink_add (BoxShrink    *box,
                const guint8 *row,
                guint32       y,
                guint32       height)
{
  gsize n = (gsize) box->width * box->bands;
  guint32 out_y = y / box->factor;

  if (out_y >= box->out_height)
    return;
  add_row (box->sums, row, n, box->rows_summed == 0);
  box->rows_summed++;
  /* The last box of a height rounded up repeats the last row. */
  for (; y == height - 1 && box->rows_summed < (guint32) box->factor; box->rows_summed++)
    add_row (box->sums, row, n, FALSE);
  if (box->rows_summed == (guint32) box->factor)
    {
      box_shrink_emit (box, out_y);
      box->rows_summed = 0;
    }
}

/* Unfilters the inflated rows of @raw (each after its filter byte) and
 * returns the pixels: @raw itself, the rows moved together, or @box's
 * shrunk image; %NULL on a bad filter. Clears @opaque unless every alpha
 * sample is 255. */
static guint8 *
unfilter_rows (guint8     *raw,
               guint32     width,
               guint32     height,
               int         bands,
               BoxShrink  *box,
               gboolean   *opaque,
               GError    **error)
{
  gsize stride = (gsize) width * bands;
  g_autofree guint8 *zeros = g_malloc0 (stride);
  const guint8 *prior = zeros;
  guint8 alpha = 255;

  if (box != NULL && box->pixels == NULL)
    {
      g_set_error (error, THUMBING_ERROR, THUMBING_ERROR_TOO_LARGE, _("no memory for a %u×%u PNG"), width, height);
      box_shrink_clear (box);
      return NULL;
    }
  for (guint32 y = 0; y < height; y++)
    {
      guint8 *row = raw + y * (stride + 1) + 1;

      if (!unfilter (row, prior, stride, bands, row[-1]))
        {
          corrupt (error, _("row %u has an unknown filter (%d)"), y, row[-1]);
          if (box != NULL)
            box_shrink_clear (box);
          return NULL;
        }
      if (bands == 4)
        for (gsize i = 3; i < stride; i += 4)
          alpha &= row[i];
      if (box != NULL)
        {
          box_shrink_add (box, row, y, height);
          prior = row;
        }
      else
        {
          /* Row y moves down to y × stride, past the row above it. */
          memmove (raw + y * stride, row, stride);
          prior = raw + y * stride;
        }
    }
  *opaque = alpha == 255;
  if (box == NULL)
    return raw;
  {
    guint8 *pixels = g_steal_pointer (&box->pixels);

    box_shrink_clear (box);
    return pixels;
  }
}

static void
free_pixels (VipsImage *image,
             gpointer   pixels)
{
  g_free (pixels);
}

/* An iCCP chunk's profile: name, NUL, method 0, zlib data. */
static GBytes *
icc_profile (const guint8 *data,
             guint32       length)
{
  const guint8 *nul = memchr (data, '\0', MIN (length, 80));
  struct libdeflate_decompressor *d;
  g_autofree guint8 *profile = NULL;
  size_t actual = 0;
  enum libdeflate_result result = LIBDEFLATE_INSUFFICIENT_SPACE;
  gsize size;

  if (nul == NULL || nul + 2 > data + length || nul[1] != 0)
    return NULL;
  d = libdeflate_alloc_decompressor ();
  for (size = 64 * 1024; size <= MAX_ICC_PROFILE && result == LIBDEFLATE_INSUFFICIENT_SPACE; size *= 4)
    {
      g_free (profile);
      profile = g_malloc (size);
      result = libdeflate_zlib_decompress (d, nul + 2, data + length - (nul + 2), profile, size, &actual);
    }
  libdeflate_free_decompressor (d);
  if (result != LIBDEFLATE_SUCCESS)
    return NULL;
  return g_bytes_new (profile, actual);
}

/* The bytes of the IDAT chunks in a row from @at on, as far as they lie
 * inside the file. */
static gsize
idat_run_length (const guint8 *data,
                 gsize         length,
                 gsize         at)
{
  gsize total = 0;

  while (length - at >= 12 && memcmp (data + at + 4, "IDAT", 4) == 0 && get_u32 (data + at) <= length - at - 12)
    {
      total += get_u32 (data + at);
      at += 12 + (gsize) get_u32 (data + at);
    }
  return total;
}

/**
 * thumbing_png_reader_read:
 * @data: (array length=length): a whole PNG file
 * @length: its length
 * @shrink: a whole factor, 1 to %THUMBING_PNG_READER_MAX_SHRINK, to shrink
 *   the image by as it is decoded, with the pixels vips_shrink() would give
 * @alpha_opaque: (out) (optional): set when the image has an alpha band
 *   whose every sample is 255
 * @unsupported: (out): set when the file is one this reader leaves to libvips
 * @error: return location for a #GError
 *
 * Returns: (transfer full) (nullable): the decoded image in memory, with the
 *   metadata libvips's pngload would give it; %NULL with @unsupported set
 *   (and no error) for a file this reader leaves to libvips, or with @error
 *   set for a damaged one
 */
VipsImage *
thumbing_png_reader_read (const guint8  *data,
                          gsize          length,
                          int            shrink,
                          gboolean      *alpha_opaque,
                          gboolean      *unsupported,
                          GError       **error)
{
  static const guint8 signature[8] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n' };
  g_autofree guint8 *idat = NULL;
  gsize idat_length = 0, idat_size = 0;
  g_autoptr(GBytes) icc = NULL;
  struct libdeflate_decompressor *d;
  guint32 width = 0, height = 0;
  int bands = 0;
  gboolean seen_header = FALSE, seen_end = FALSE;
  double xres = 0, yres = 0;
  gsize at = 8, stride, raw_length;
  guint8 *pixels;
  size_t actual = 0;
  enum libdeflate_result result;
  gboolean opaque = FALSE;
  VipsImage *image;

  g_return_val_if_fail (shrink >= 1 && shrink <= THUMBING_PNG_READER_MAX_SHRINK, NULL);
  *unsupported = FALSE;
  if (length < 8 || memcmp (data, signature, 8) != 0)
    {
      *unsupported = TRUE;
      return NULL;
    }
  while (!seen_end)
    {
      guint32 chunk_length;
      const guint8 *type, *body;

      if (length - at < 12)
        {
          /* Past the pixels, libpng stops at a missing IEND without harm. */
          if (idat_length > 0 && at == length)
            break;
          corrupt (error, _("it ends inside a chunk"));
          return NULL;
        }
      chunk_length = get_u32 (data + at);
      type = data + at + 4;
      body = data + at + 8;
      if (chunk_length > length - at - 12)
        {
          corrupt (error, _("the %.4s chunk runs past the end of the file"), (const char *) type);
          return NULL;
        }
      /* Critical chunks must be intact; a damaged ancillary one is skipped. */
      if (libdeflate_crc32 (0, type, 4 + chunk_length) != get_u32 (body + chunk_length))
        {
          if (g_ascii_isupper (type[0]))
            {
              corrupt (error, _("the %.4s chunk fails its CRC"), (const char *) type);
              return NULL;
            }
          at += 12 + (gsize) chunk_length;
          continue;
        }

      if (memcmp (type, "IHDR", 4) == 0)
        {
          if (seen_header || chunk_length != 13)
            {
              corrupt (error, _("its header is malformed"));
              return NULL;
            }
          seen_header = TRUE;
          width = get_u32 (body);
          height = get_u32 (body + 4);
          if (width == 0 || height == 0 || width > VIPS_MAX_COORD || height > VIPS_MAX_COORD)
            {
              corrupt (error, _("it is %u×%u pixels"), width, height);
              return NULL;
            }
          bands = body[9] == 2 ? 3 : body[9] == 6 ? 4 : 0;
          if (body[8] != 8 || bands == 0 || body[10] != 0 || body[11] != 0 || body[12] != 0
              || (guint64) width * height > THUMBING_PNG_READER_MAX_PIXELS)
            {
              *unsupported = TRUE;
              return NULL;
            }
        }
      else if (!seen_header)
        {
          corrupt (error, _("the %.4s chunk comes before the header"), (const char *) type);
          return NULL;
        }
      else if (memcmp (type, "IDAT", 4) == 0)
        {
          /* Sized for the whole run of IDAT chunks at once: grown by
           * doubling, the copy of a large image's data was up to twice its
           * size, at the moment its pixels are inflated. */
          if (idat_length + chunk_length > idat_size)
            {
              idat_size = idat_length + idat_run_length (data, length, at);
              idat = g_realloc (idat, idat_size);
            }
          memcpy (idat + idat_length, body, chunk_length);
          idat_length += chunk_length;
        }
      else if (memcmp (type, "IEND", 4) == 0)
        seen_end = TRUE;
      else if (memcmp (type, "tRNS", 4) == 0 || memcmp (type, "eXIf", 4) == 0 || memcmp (type, "PLTE", 4) == 0)
        {
          /* A colour key or EXIF: pngload's own work. */
          *unsupported = TRUE;
          return NULL;
        }
      else if (memcmp (type, "iCCP", 4) == 0 && icc == NULL)
        icc = icc_profile (body, chunk_length);
      else if (memcmp (type, "pHYs", 4) == 0 && chunk_length == 9 && body[8] == 1)
        {
          /* Pixels per metre; libvips keeps pixels per millimetre. */
          xres = get_u32 (body) / 1000.0;
          yres = get_u32 (body + 4) / 1000.0;
        }
      at += 12 + (gsize) chunk_length;
    }
  if (idat_length == 0)
    {
      corrupt (error, _("it holds no image data"));
      return NULL;
    }

  stride = (gsize) width * bands;
  raw_length = (stride + 1) * height;
  pixels = g_try_malloc (raw_length);
  if (pixels == NULL)
    {
      g_set_error (error, THUMBING_ERROR, THUMBING_ERROR_TOO_LARGE, _("no memory for a %u×%u PNG"), width, height);
      return NULL;
    }
  d = libdeflate_alloc_decompressor ();
  result = libdeflate_zlib_decompress (d, idat, idat_length, pixels, raw_length, &actual);
  libdeflate_free_decompressor (d);
  if (result != LIBDEFLATE_SUCCESS || actual != raw_length)
    {
      g_free (pixels);
      corrupt (error, result == LIBDEFLATE_SUCCESS ? _("its image data is too short") : _("its image data does not inflate"));
      return NULL;
    }
  {
    /* Shrunk, the rows go to a smaller buffer; otherwise the inflated
     * one becomes the image. */
    guint8 *raw = pixels;
    BoxShrink box = { 0 };

    if (shrink > 1)
      box_shrink_init (&box, width, height, bands, shrink);
    pixels = unfilter_rows (raw, width, height, bands, shrink > 1 ? &box : NULL, &opaque, error);
    if (pixels != raw)
      g_free (raw);
    if (pixels == NULL)
      return NULL;
    if (shrink > 1)
      {
        width = box.out_width;
        height = box.out_height;
        stride = (gsize) width * bands;
      }
  }
  if (alpha_opaque != NULL)
    *alpha_opaque = bands == 4 && opaque;

  image = vips_image_new_from_memory (pixels, stride * height, width, height, bands, VIPS_FORMAT_UCHAR);
  if (image == NULL)
    {
      g_free (pixels);
      g_set_error (error, THUMBING_ERROR, THUMBING_ERROR_FAILED, _("cannot wrap the decoded PNG: %s"),
                   vips_error_buffer ());
      vips_error_clear ();
      return NULL;
    }
  g_signal_connect (image, "postclose", G_CALLBACK (free_pixels), pixels);
  image->Type = VIPS_INTERPRETATION_sRGB;
  /* Without pHYs, pngload says 72 dpi, as 2834 pixels a metre. */
  image->Xres = xres > 0 && yres > 0 ? xres : 2.834;
  image->Yres = xres > 0 && yres > 0 ? yres : 2.834;
  vips_image_set_string (image, VIPS_META_LOADER, "pngload");
  if (icc != NULL)
    {
      gsize size = 0;
      gconstpointer profile = g_bytes_get_data (icc, &size);

      vips_image_set_blob_copy (image, VIPS_META_ICC_NAME, profile, size);
    }
  return image;
}
