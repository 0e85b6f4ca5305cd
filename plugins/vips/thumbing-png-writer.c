/* thumbing-png-writer.c: PNG written with libdeflate, for png-encode's common case
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * A thumbnail's PNG is mostly the time deflate takes. libdeflate compresses
 * a whole buffer at once, faster than zlib and a little smaller at the same
 * level, and a photograph's filtered rows go faster still through
 * thumbing_rle_deflate(); both suit an image already in memory: 8-bit
 * grey, grey+alpha, RGB or RGBA rows, each with one of the five filters or
 * chosen per row as libpng does, or, for an RGB or RGBA image of 256
 * colours or fewer, a palette (the same pixels), in one IDAT, with no
 * metadata. Anything else goes through libvips's writer.
 */
#include "config.h"

#include <string.h>

#include <libdeflate.h>

#include "thumbing-png-filter.h"
#include "thumbing-png-writer.h"
#include "thumbing-rle-deflate.h"

/* The level write_png() takes for thumbing_rle_deflate(): runs of a byte
 * as the only matches, which suits photographs' filtered rows (see
 * thumbing-rle-deflate.c) in less than half libdeflate's level 1 time. */
#define RUNS_ONLY (-1)

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

/* Writes @type's filtered bytes of @row (whose predecessor is @previous,
 * zeros for the first row) to @out. The first pixel has no left neighbour;
 * sixteen bytes at a time where SSE2 is there, the scalar loop finishing
 * each row (the filters only ever look at unfiltered bytes, so the lanes
 * are independent). */
static void
filter_row (ThumbingPngFilter type,
            const guint8     *row,
            const guint8     *previous,
            gsize             length,
            gsize             bpp,
            guint8           *out)
{
  gsize i = 0;

  switch (type)
    {
    case THUMBING_PNG_FILTER_SUB:
      memcpy (out, row, bpp);
      i = bpp;
#ifdef __SSE2__
      for (; i + 16 <= length; i += 16)
        _mm_storeu_si128 ((__m128i *) (out + i), _mm_sub_epi8 (_mm_loadu_si128 ((const __m128i *) (row + i)),
                                                               _mm_loadu_si128 ((const __m128i *) (row + i - bpp))));
#endif
      for (; i < length; i++)
        out[i] = row[i] - row[i - bpp];
      break;
    case THUMBING_PNG_FILTER_UP:
#ifdef __SSE2__
      for (; i + 16 <= length; i += 16)
        _mm_storeu_si128 ((__m128i *) (out + i), _mm_sub_epi8 (_mm_loadu_si128 ((const __m128i *) (row + i)),
                                                               _mm_loadu_si128 ((const __m128i *) (previous + i))));
#endif
      for (; i < length; i++)
        out[i] = row[i] - previous[i];
      break;
    case THUMBING_PNG_FILTER_AVG:
      for (; i < bpp; i++)
        out[i] = row[i] - (previous[i] >> 1);
#ifdef __SSE2__
      for (; i + 16 <= length; i += 16)
        {
          __m128i left = _mm_loadu_si128 ((const __m128i *) (row + i - bpp));
          __m128i up = _mm_loadu_si128 ((const __m128i *) (previous + i));
          /* _mm_avg_epu8 rounds up; the filter rounds down. */
          __m128i mean = _mm_sub_epi8 (_mm_avg_epu8 (left, up),
                                       _mm_and_si128 (_mm_xor_si128 (left, up), _mm_set1_epi8 (1)));

          _mm_storeu_si128 ((__m128i *) (out + i), _mm_sub_epi8 (_mm_loadu_si128 ((const __m128i *) (row + i)), mean));
        }
#endif
      for (; i < length; i++)
        out[i] = row[i] - ((row[i - bpp] + previous[i]) >> 1);
      break;
    case THUMBING_PNG_FILTER_PAETH:
      for (; i < bpp; i++)
        out[i] = row[i] - previous[i];
#ifdef __SSE2__
      for (; i + 16 <= length; i += 16)
        {
          const __m128i zero = _mm_setzero_si128 ();
          __m128i left = _mm_loadu_si128 ((const __m128i *) (row + i - bpp));
          __m128i up = _mm_loadu_si128 ((const __m128i *) (previous + i));
          __m128i up_left = _mm_loadu_si128 ((const __m128i *) (previous + i - bpp));
          __m128i low = thumbing_png_paeth16 (_mm_unpacklo_epi8 (left, zero), _mm_unpacklo_epi8 (up, zero),
                                              _mm_unpacklo_epi8 (up_left, zero));
          __m128i high = thumbing_png_paeth16 (_mm_unpackhi_epi8 (left, zero), _mm_unpackhi_epi8 (up, zero),
                                               _mm_unpackhi_epi8 (up_left, zero));

          _mm_storeu_si128 ((__m128i *) (out + i), _mm_sub_epi8 (_mm_loadu_si128 ((const __m128i *) (row + i)),
                                                                 _mm_packus_epi16 (low, high)));
        }
#endif
      for (; i < length; i++)
        out[i] = row[i] - thumbing_png_paeth (row[i - bpp], previous[i], previous[i - bpp]);
      break;
    case THUMBING_PNG_FILTER_NONE:
    case THUMBING_PNG_FILTER_ADAPTIVE:
    default:
      memcpy (out, row, length);
      break;
    }
}

#ifdef __SSE2__
/* The sum of both 64-bit lanes, as _mm_sad_epu8() leaves its sums. */
static inline guint64
sum_of_halves (__m128i sums)
{
  return (guint64) _mm_cvtsi128_si64 (sums) + (guint64) _mm_cvtsi128_si64 (_mm_unpackhi_epi64 (sums, sums));
}
#endif

/* libpng's heuristic for choosing a row's filter: the sum of the filtered
 * bytes taken as signed magnitudes, min (v, 256 - v). */
static guint64
row_cost (const guint8 *filtered,
          gsize         length)
{
  guint64 cost = 0;
  gsize i = 0;

#ifdef __SSE2__
  __m128i sums = _mm_setzero_si128 ();

  for (; i + 16 <= length; i += 16)
    {
      __m128i v = _mm_loadu_si128 ((const __m128i *) (filtered + i));
      __m128i magnitude = _mm_min_epu8 (v, _mm_sub_epi8 (_mm_setzero_si128 (), v));

      sums = _mm_add_epi64 (sums, _mm_sad_epu8 (magnitude, _mm_setzero_si128 ()));
    }
  cost = sum_of_halves (sums);
#endif
  for (; i < length; i++)
    cost += filtered[i] < 128 ? filtered[i] : 256 - filtered[i];
  return cost;
}

/* Share of bytes, in percent, that repeat the same band of the pixel on
 * their left, above which an image is flat artwork (logos, UI graphics,
 * palette images made truecolour, smooth wallpapers) rather than a
 * photograph. On Debian's artwork 80 did best of 40 to 90 (bench/real.py's
 * classes); photograph thumbnails have 5-30%. */
#define FLAT_REPEATS_PERCENT 80

/* Deflate finds a flat image's runs by itself, and row filters can break
 * them up: unfiltered at level 6, Debian's palette artwork comes out about
 * 40% smaller than filtered at level 1, in little more time, as deflate's
 * matches are long; a drawing with large plain areas may not. */
static gboolean
is_flat (VipsImage *image)
{
  gsize bpp = image->Bands;
  gsize row_length = (gsize) image->Xsize * bpp;
  guint64 limit = (guint64) row_length * image->Ysize * FLAT_REPEATS_PERCENT;
  guint64 repeats = 0;

  for (int y = 0; y < image->Ysize; y++)
    {
      const guint8 *row = VIPS_IMAGE_ADDR (image, 0, y);
      gsize i = bpp;

#ifdef __SSE2__
      while (i + 16 <= row_length)
        {
          /* Each lane counts its matches (a match is -1) up to 255. */
          __m128i counts = _mm_setzero_si128 ();

          for (int n = 0; n < 255 && i + 16 <= row_length; n++, i += 16)
            counts = _mm_sub_epi8 (counts, _mm_cmpeq_epi8 (_mm_loadu_si128 ((const __m128i *) (row + i)),
                                                           _mm_loadu_si128 ((const __m128i *) (row + i - bpp))));
          repeats += sum_of_halves (_mm_sad_epu8 (counts, _mm_setzero_si128 ()));
        }
#endif
      for (; i < row_length; i++)
        repeats += row[i] == row[i - bpp];
      /* A photograph is told after a few rows: even with every byte
       * left repeating, it could not pass the share. */
      if ((repeats + (guint64) (image->Ysize - 1 - y) * row_length) * 100 <= limit)
        return FALSE;
    }
  return repeats * 100 > limit;
}

/* Lays out the zlib stream's input for rows @top to @bottom: each row
 * preceded by its filter type. */
static void
filter_rows (VipsImage        *image,
             ThumbingPngFilter filter,
             int               top,
             int               bottom,
             guint8           *raw)
{
  gsize row_length = (gsize) image->Xsize * image->Bands;
  g_autofree guint8 *zeros = g_malloc0 (row_length);
  g_autofree guint8 *trial = filter == THUMBING_PNG_FILTER_ADAPTIVE ? g_malloc (row_length) : NULL;

  for (int y = top; y < bottom; y++)
    {
      const guint8 *row = VIPS_IMAGE_ADDR (image, 0, y);
      const guint8 *previous = y > 0 ? VIPS_IMAGE_ADDR (image, 0, y - 1) : zeros;
      guint8 *out = raw + (y - top) * (row_length + 1);

      if (filter != THUMBING_PNG_FILTER_ADAPTIVE)
        {
          out[0] = filter;
          filter_row (filter, row, previous, row_length, image->Bands, out + 1);
          continue;
        }
      out[0] = THUMBING_PNG_FILTER_NONE;
      filter_row (THUMBING_PNG_FILTER_NONE, row, previous, row_length, image->Bands, out + 1);
      guint64 best = row_cost (out + 1, row_length);
      for (ThumbingPngFilter type = THUMBING_PNG_FILTER_SUB; type <= THUMBING_PNG_FILTER_PAETH; type++)
        {
          guint64 cost;

          filter_row (type, row, previous, row_length, image->Bands, trial);
          cost = row_cost (trial, row_length);
          if (cost < best)
            {
              best = cost;
              out[0] = type;
              memcpy (out + 1, trial, row_length);
            }
        }
    }
}

/* Whether a flat image comes out smaller unfiltered at level 6 than
 * filtered per row at level 1, told from SAMPLE_BANDS bands of SAMPLE_ROWS
 * rows spread from top to bottom, compressed both ways: for a 512-row
 * thumbnail, two fifths of the time writing it twice would take. Fewer,
 * taller bands missed the detail of drawings with plain margins; thinner
 * ones judged palette artwork wrongly (bench/real.py's classes). */
#define SAMPLE_BANDS 8
#define SAMPLE_ROWS 12

static gboolean
unfiltered_is_smaller (VipsImage *image)
{
  int rows = MIN (SAMPLE_ROWS, image->Ysize);
  gsize sample_length = ((gsize) image->Xsize * image->Bands + 1) * rows;
  struct libdeflate_compressor *fast = libdeflate_alloc_compressor (1);
  struct libdeflate_compressor *thorough = libdeflate_alloc_compressor (6);
  g_autofree guint8 *raw = g_malloc (sample_length);
  g_autofree guint8 *packed = NULL;
  gsize bound, filtered = 0, unfiltered = 0;

  if (fast == NULL || thorough == NULL)
    {
      libdeflate_free_compressor (fast);
      libdeflate_free_compressor (thorough);
      return FALSE;
    }
  bound = MAX (libdeflate_zlib_compress_bound (fast, sample_length),
               libdeflate_zlib_compress_bound (thorough, sample_length));
  packed = g_malloc (bound);
  for (int band = 0; band < SAMPLE_BANDS; band++)
    {
      int top = (image->Ysize - rows) * band / (SAMPLE_BANDS - 1);

      filter_rows (image, THUMBING_PNG_FILTER_ADAPTIVE, top, top + rows, raw);
      filtered += libdeflate_zlib_compress (fast, raw, sample_length, packed, bound);
      filter_rows (image, THUMBING_PNG_FILTER_NONE, top, top + rows, raw);
      unfiltered += libdeflate_zlib_compress (thorough, raw, sample_length, packed, bound);
    }
  libdeflate_free_compressor (fast);
  libdeflate_free_compressor (thorough);
  return unfiltered < filtered;
}

/* Whether @height filtered rows of @stride bytes at @raw come out smaller
 * with runs only than at libdeflate's level 1, told from RUNS_SAMPLE_BANDS
 * bands of RUNS_SAMPLE_ROWS rows spread from top to bottom. Photographs
 * are noise to deflate's search, and runs alone make Debian's wallpaper
 * thumbnails 5% smaller; where rows repeat longer strings (drawings,
 * textures, generated pictures) its matches can win by a fifth. Four bands
 * of eight rows, a sixteenth of a thumbnail, told those apart on
 * bench/real.py's classes and the generated photographs. */
#define RUNS_SAMPLE_BANDS 4
#define RUNS_SAMPLE_ROWS 8

static gboolean
runs_only_is_smaller (const guint8 *raw,
                      gsize         stride,
                      int           height)
{
  int rows = MIN (RUNS_SAMPLE_ROWS, height);
  gsize sample_length = stride * rows;
  struct libdeflate_compressor *fast = libdeflate_alloc_compressor (1);
  g_autofree guint8 *packed = NULL;
  gsize bound, searched = 0, runs = 0;

  if (fast == NULL)
    return FALSE;
  bound = MAX (libdeflate_zlib_compress_bound (fast, sample_length), thumbing_rle_deflate_bound (sample_length));
  packed = g_malloc (bound);
  for (int band = 0; band < RUNS_SAMPLE_BANDS; band++)
    {
      const guint8 *top = raw + stride * ((height - rows) * band / MAX (1, RUNS_SAMPLE_BANDS - 1));

      searched += libdeflate_zlib_compress (fast, top, sample_length, packed, bound);
      runs += thumbing_rle_deflate (top, sample_length, packed, bound);
    }
  libdeflate_free_compressor (fast);
  return runs <= searched;
}

/* A PNG of @raw_length bytes of filtered rows in one IDAT at @level, with
 * the header's @bit_depth and @colour_type and, for a palette, its
 * @colours colours (0xRRGGBBAA) and the alpha of the first @translucent. */
static gboolean
write_png (int            width,
           int            height,
           int            bit_depth,
           int            colour_type,
           const guint32 *colours,
           int            n_colours,
           int            translucent,
           const guint8  *raw,
           gsize          raw_length,
           int            level,
           void         **buffer,
           size_t        *length)
{
  struct libdeflate_compressor *compressor = NULL;
  gsize bound, compressed, at;
  guint8 *out;

  if (level == RUNS_ONLY)
    bound = thumbing_rle_deflate_bound (raw_length);
  else
    {
      /* Libdeflate's levels match zlib's where they overlap. */
      compressor = libdeflate_alloc_compressor (CLAMP (level, 0, 9));
      if (compressor == NULL)
        return FALSE;
      bound = libdeflate_zlib_compress_bound (compressor, raw_length);
    }
  out = g_malloc (sizeof signature + 25 + (12 + 3 * n_colours) + (12 + translucent) + 12 + bound + 12);
  memcpy (out, signature, sizeof signature);
  at = sizeof signature;

  put_u32 (out + at + 8, width);
  put_u32 (out + at + 12, height);
  out[at + 16] = bit_depth;
  out[at + 17] = colour_type;
  out[at + 18] = 0;
  out[at + 19] = 0;
  out[at + 20] = 0;
  at += finish_chunk (out + at, "IHDR", 13);

  if (n_colours > 0)
    {
      for (int i = 0; i < n_colours; i++)
        {
          out[at + 8 + 3 * i] = colours[i] >> 24;
          out[at + 8 + 3 * i + 1] = colours[i] >> 16;
          out[at + 8 + 3 * i + 2] = colours[i] >> 8;
        }
      at += finish_chunk (out + at, "PLTE", 3 * n_colours);
    }
  if (translucent > 0)
    {
      for (int i = 0; i < translucent; i++)
        out[at + 8 + i] = colours[i];
      at += finish_chunk (out + at, "tRNS", translucent);
    }

  if (compressor == NULL)
    compressed = thumbing_rle_deflate (raw, raw_length, out + at + 8, bound);
  else
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

static gboolean
encode (VipsImage        *image,
        ThumbingPngFilter filter,
        int               compression,
        void            **buffer,
        size_t           *length)
{
  static const guint8 colour_types[] = { 0, 0, 4, 2, 6 };
  gsize raw_length = ((gsize) image->Xsize * image->Bands + 1) * image->Ysize;
  g_autofree guint8 *raw = g_malloc (raw_length);

  filter_rows (image, filter, 0, image->Ysize, raw);
  if (compression == RUNS_ONLY && !runs_only_is_smaller (raw, raw_length / image->Ysize, image->Ysize))
    compression = 1;
  return write_png (image->Xsize, image->Ysize, 8, colour_types[image->Bands], NULL, 0, 0, raw, raw_length,
                    compression, buffer, length);
}

/* The colours of an image with few, each pixel's index into them. */
typedef struct
{
  guint32  colours[256];    /* 0xRRGGBBAA, in the order they appear */
  int      n_colours;
  guint8  *indices;         /* one a pixel */
} Indexed;

/* Slots of the table colours are looked up in: four times the most there
 * can be, so a probe rarely goes past the first. */
#define COLOUR_SLOTS 1024

/* Whether @image, RGB or RGBA, has at most 256 colours, each counted with
 * its alpha; if so, @indexed holds them. A photograph has more within its
 * first few hundred pixels, where this stops; runs of one colour, as flat
 * artwork has, take one comparison a pixel. */
static gboolean
index_colours (VipsImage *image,
               Indexed   *indexed)
{
  const int bands = image->Bands;
  guint32 keys[COLOUR_SLOTS];
  gint16 slots[COLOUR_SLOTS];
  guint32 previous = 0;
  int previous_index = -1;
  guint8 *index;

  memset (slots, 0xff, sizeof slots);
  indexed->n_colours = 0;
  indexed->indices = index = g_malloc ((gsize) image->Xsize * image->Ysize);
  for (int y = 0; y < image->Ysize; y++)
    {
      const guint8 *p = VIPS_IMAGE_ADDR (image, 0, y);

      for (int x = 0; x < image->Xsize; x++, p += bands)
        {
          guint32 colour = (guint32) p[0] << 24 | (guint32) p[1] << 16 | (guint32) p[2] << 8
                           | (bands == 4 ? p[3] : 0xff);
          guint slot;

          if (colour == previous && previous_index >= 0)
            {
              *index++ = previous_index;
              continue;
            }
          for (slot = (colour * 2654435761u) >> 22; slots[slot] >= 0 && keys[slot] != colour;
               slot = (slot + 1) % COLOUR_SLOTS)
            ;
          if (slots[slot] < 0)
            {
              if (indexed->n_colours == 256)
                {
                  g_clear_pointer (&indexed->indices, g_free);
                  return FALSE;
                }
              keys[slot] = colour;
              slots[slot] = indexed->n_colours;
              indexed->colours[indexed->n_colours++] = colour;
            }
          previous = colour;
          previous_index = slots[slot];
          *index++ = previous_index;
        }
    }
  return TRUE;
}

/* A byte a pixel deflates quickly: level 6 makes Debian's palette artwork
 * a fifth smaller than level 1 (where the indices of a smooth glow can come
 * out larger than its RGB rows filtered), level 9 only 1-2% more. */
#define INDEXED_LEVEL 6

/* @indexed as a palette PNG at @level: indices of 1, 2, 4 or 8 bits, as
 * few as the colours need, rows unfiltered (the PNG specification's
 * advice for palettes). An RGBA image keeps its alpha in tRNS, one entry
 * at least, so it is read back with four bands. */
static gboolean
encode_indexed (VipsImage     *image,
                const Indexed *indexed,
                int            level,
                void         **buffer,
                size_t        *length)
{
  int depth = indexed->n_colours <= 2 ? 1 : indexed->n_colours <= 4 ? 2 : indexed->n_colours <= 16 ? 4 : 8;
  int per_byte = 8 / depth;
  gsize row_length = ((gsize) image->Xsize + per_byte - 1) / per_byte;
  gsize raw_length = (row_length + 1) * image->Ysize;
  g_autofree guint8 *raw = g_malloc0 (raw_length);
  int translucent = 0;

  for (int y = 0; y < image->Ysize; y++)
    {
      const guint8 *index = indexed->indices + (gsize) y * image->Xsize;
      guint8 *out = raw + (gsize) y * (row_length + 1) + 1;

      if (depth == 8)
        memcpy (out, index, image->Xsize);
      else
        for (int x = 0; x < image->Xsize; x++)
          out[x / per_byte] |= index[x] << (8 - depth * (x % per_byte + 1));
    }
  if (image->Bands == 4)
    {
      translucent = 1;
      for (int i = 0; i < indexed->n_colours; i++)
        if ((indexed->colours[i] & 0xff) != 0xff)
          translucent = i + 1;
    }
  return write_png (image->Xsize, image->Ysize, depth, 3, indexed->colours, indexed->n_colours, translucent, raw,
                    raw_length, level, buffer, length);
}

/* @compression -1, with @filter adaptive: an RGB or RGBA image of at most
 * 256 colours as a palette (the same pixels in a quarter of the bytes or
 * less); otherwise filtered rows with runs as the only matches
 * (thumbing_rle_deflate(); level 1 unfiltered), or, for flat artwork,
 * unfiltered at level 6 where a sample says that is smaller. */
gboolean
thumbing_png_writer_write (VipsImage        *image,
                           ThumbingPngFilter filter,
                           int               compression,
                           void            **buffer,
                           size_t           *length)
{
  if (!thumbing_png_writer_can_write (image) || vips_image_wio_input (image) != 0)
    return FALSE;
  if (compression >= 0)
    return encode (image, filter, compression, buffer, length);
  if (filter == THUMBING_PNG_FILTER_ADAPTIVE && image->Bands >= 3)
    {
      Indexed indexed;

      if (index_colours (image, &indexed))
        {
          gboolean written = encode_indexed (image, &indexed, INDEXED_LEVEL, buffer, length);

          g_free (indexed.indices);
          return written;
        }
    }
  if (filter == THUMBING_PNG_FILTER_ADAPTIVE && is_flat (image) && unfiltered_is_smaller (image))
    return encode (image, THUMBING_PNG_FILTER_NONE, 6, buffer, length);
  /* Unfiltered rows repeat whole pixels, which runs of a byte miss. */
  return encode (image, filter, filter == THUMBING_PNG_FILTER_NONE ? 1 : RUNS_ONLY, buffer, length);
}
