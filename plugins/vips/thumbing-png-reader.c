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
 * is "unsupported" and goes to libvips. tests/test-png-reader.c checks the
 * pixels against pngload's on every filter and real images.
 */
#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>
#include <libdeflate.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif
#include <thumbing/thumbing.h>

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

#ifndef __SSE2__
/* The Paeth predictor without branches: pa, pb and pc are the distances
 * of a + b - c from a, b and c. */
static inline int
paeth (int a,
       int b,
       int c)
{
  int pa = ABS (b - c), pb = ABS (a - c), pc = ABS (a + b - 2 * c);

  return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
}
#endif

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

static inline __m128i
abs16 (__m128i v)
{
  return _mm_max_epi16 (v, _mm_sub_epi16 (_mm_setzero_si128 (), v));
}

static inline __m128i
select16 (__m128i mask,
          __m128i if_set,
          __m128i if_clear)
{
  return _mm_or_si128 (_mm_and_si128 (mask, if_set), _mm_andnot_si128 (mask, if_clear));
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
      __m128i bc = _mm_sub_epi16 (b, c), ac = _mm_sub_epi16 (a, c);
      __m128i pa = abs16 (bc), pb = abs16 (ac), pc = abs16 (_mm_add_epi16 (bc, ac));
      __m128i b_or_c = select16 (_mm_cmpgt_epi16 (pb, pc), c, b);
      __m128i predicted = select16 (_mm_cmpgt_epi16 (pa, _mm_min_epi16 (pb, pc)), b_or_c, a);

      x = _mm_and_si128 (_mm_add_epi16 (x, predicted), low_byte);
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
      for (i = 0; i < length; i++)
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
          row[i + c] += paeth (row[i + c - bpp], prior[i + c], prior[i + c - bpp]);
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

/**
 * thumbing_png_reader_read:
 * @data: (array length=length): a whole PNG file
 * @length: its length
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
                          gboolean      *unsupported,
                          GError       **error)
{
  static const guint8 signature[8] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n' };
  g_autoptr(GByteArray) idat = g_byte_array_new ();
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
  VipsImage *image;

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
          if (idat->len > 0 && at == length)
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
        g_byte_array_append (idat, body, chunk_length);
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
  if (idat->len == 0)
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
  result = libdeflate_zlib_decompress (d, idat->data, idat->len, pixels, raw_length, &actual);
  libdeflate_free_decompressor (d);
  if (result != LIBDEFLATE_SUCCESS || actual != raw_length)
    {
      g_free (pixels);
      corrupt (error, result == LIBDEFLATE_SUCCESS ? _("its image data is too short") : _("its image data does not inflate"));
      return NULL;
    }
  /* Row y sits at y × (stride + 1) + 1 after its filter byte; unfiltered,
   * it moves down to y × stride, past the row above it. */
  {
    g_autofree guint8 *zeros = g_malloc0 (stride);

    for (guint32 y = 0; y < height; y++)
      {
        guint8 *row = pixels + y * (stride + 1) + 1;

        if (!unfilter (row, y > 0 ? pixels + (y - 1) * stride : zeros, stride, bands, row[-1]))
          {
            g_free (pixels);
            corrupt (error, _("row %u has an unknown filter (%d)"), y, row[-1]);
            return NULL;
          }
        memmove (pixels + y * stride, row, stride);
      }
  }

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
