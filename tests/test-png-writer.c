/* test-png-writer.c: png-encode's own writer, read back by libvips
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "config.h"

#include <string.h>

#include <libdeflate.h>

#include "thumbing-png-writer.h"
#include "thumbing-rle-deflate.h"
#include "thumbing-test-util.h"

static void
assert_round_trip (VipsImage        *image,
                   ThumbingPngFilter filter,
                   int               compression)
{
  void *png = NULL;
  size_t length = 0;
  g_autoptr(VipsImage) read = NULL;
  g_autofree void *a = NULL, *b = NULL;
  size_t a_length = 0, b_length = 0;

  g_assert_true (thumbing_png_writer_write (image, filter, compression, &png, &length));
  read = vips_image_new_from_buffer (png, length, "", "fail_on", VIPS_FAIL_ON_WARNING, NULL);
  g_assert_nonnull (read);
  g_assert_cmpint (read->Bands, ==, image->Bands);
  a = vips_image_write_to_memory (image, &a_length);
  b = vips_image_write_to_memory (read, &b_length);
  g_assert_cmpuint (a_length, ==, b_length);
  g_assert_true (memcmp (a, b, a_length) == 0);
  g_free (png);
}

static void
test_every_band_count (void)
{
  g_autofree char *path = thumbing_test_sample ("good", "portrait-alpha.png");
  g_autoptr(VipsImage) rgba = vips_image_new_from_file (path, "access", VIPS_ACCESS_RANDOM, NULL);
  g_autoptr(VipsImage) rgb = NULL;
  g_autoptr(VipsImage) grey = NULL;
  g_autoptr(VipsImage) grey_alpha = NULL;

  g_assert_cmpint (vips_extract_band (rgba, &rgb, 0, "n", 3, NULL), ==, 0);
  g_assert_cmpint (vips_extract_band (rgba, &grey, 1, NULL), ==, 0);
  g_assert_cmpint (vips_extract_band (rgba, &grey_alpha, 2, "n", 2, NULL), ==, 0);
  for (int compression = 0; compression <= 9; compression += 3)
    assert_round_trip (rgba, THUMBING_PNG_FILTER_NONE, compression);
  assert_round_trip (rgb, THUMBING_PNG_FILTER_NONE, 6);
  assert_round_trip (grey, THUMBING_PNG_FILTER_NONE, 6);
  assert_round_trip (grey_alpha, THUMBING_PNG_FILTER_NONE, 6);
}

/* Every filter undoes exactly, for every pixel width (the left neighbour is
 * one pixel back) and the first row (whose upper neighbour is zeros). */
static void
test_every_filter (void)
{
  g_autofree char *path = thumbing_test_sample ("good", "portrait-alpha.png");
  g_autoptr(VipsImage) rgba = vips_image_new_from_file (path, "access", VIPS_ACCESS_RANDOM, NULL);

  for (int bands = 1; bands <= 4; bands++)
    {
      g_autoptr(VipsImage) image = NULL;

      g_assert_cmpint (vips_extract_band (rgba, &image, 0, "n", bands, NULL), ==, 0);
      for (ThumbingPngFilter filter = THUMBING_PNG_FILTER_NONE; filter <= THUMBING_PNG_FILTER_ADAPTIVE; filter++)
        assert_round_trip (image, filter, 1);
    }
}

/* The filters run sixteen bytes at a time with a scalar finish: noise over
 * the whole byte range (Paeth's ties and extremes) and widths on both sides
 * of a vector, every filter read back exactly by libpng. */
static void
test_every_filter_on_noise (void)
{
  static const int widths[] = { 1, 2, 3, 5, 6, 15, 16, 17, 33, 100 };

  for (int bands = 1; bands <= 4; bands++)
    for (guint w = 0; w < G_N_ELEMENTS (widths); w++)
      {
        int width = widths[w], height = 7;
        g_autofree guint8 *pixels = g_malloc ((gsize) width * height * bands);
        g_autoptr(VipsImage) image = NULL;

        for (gsize i = 0; i < (gsize) width * height * bands; i++)
          /* Every third byte an extreme, so neighbours differ by 255 often. */
          pixels[i] = i % 3 == 0 ? (g_test_rand_bit () ? 255 : 0) : (guint8) g_test_rand_int_range (0, 256);
        image = vips_image_new_from_memory_copy (pixels, (gsize) width * height * bands, width, height, bands,
                                                 VIPS_FORMAT_UCHAR);
        for (ThumbingPngFilter filter = THUMBING_PNG_FILTER_NONE; filter <= THUMBING_PNG_FILTER_ADAPTIVE; filter++)
          assert_round_trip (image, filter, 1);
      }
}

/* On a photograph, filtering shrinks the file, and choosing per row is at
 * least as good as the best single filter, as with libpng. */
static void
test_filters_shrink_photographs (void)
{
  g_autofree char *path = thumbing_test_sample ("good", "photo-png.png");
  g_autoptr(VipsImage) image = vips_image_new_from_file (path, "access", VIPS_ACCESS_RANDOM, NULL);
  size_t sizes[THUMBING_PNG_FILTER_ADAPTIVE + 1];

  for (ThumbingPngFilter filter = THUMBING_PNG_FILTER_NONE; filter <= THUMBING_PNG_FILTER_ADAPTIVE; filter++)
    {
      g_autofree void *png = NULL;

      g_assert_true (thumbing_png_writer_write (image, filter, 6, &png, &sizes[filter]));
    }
  for (ThumbingPngFilter filter = THUMBING_PNG_FILTER_SUB; filter <= THUMBING_PNG_FILTER_ADAPTIVE; filter++)
    g_assert_cmpuint (sizes[filter], <, sizes[THUMBING_PNG_FILTER_NONE]);
  g_assert_cmpuint (sizes[THUMBING_PNG_FILTER_ADAPTIVE], <=, sizes[THUMBING_PNG_FILTER_PAETH] * 1.02);
}

static GBytes *
write_png (VipsImage        *image,
           ThumbingPngFilter filter,
           int               compression)
{
  void *png = NULL;
  size_t length = 0;

  g_assert_true (thumbing_png_writer_write (image, filter, compression, &png, &length));
  return g_bytes_new_take (png, length);
}

/* A flat drawing: discs and bars, antialiased by a 2x2 shrink, on a
 * background plain across and shaded down, as logos and UI artwork are;
 * more than 256 colours. */
static VipsImage *
flat_drawing (void)
{
  g_autoptr(VipsImage) canvas = NULL;
  VipsImage *drawing = NULL;
  double background[] = { 240, 240, 235 }, ink[][3] = { { 200, 30, 60 }, { 20, 90, 200 }, { 30, 30, 30 } };

  g_assert_cmpint (vips_black (&canvas, 1024, 1024, "bands", 3, NULL), ==, 0);
  for (int y = 0; y < 1024; y += 4)
    {
      background[0] = 240 - y / 8;
      g_assert_cmpint (vips_draw_rect (canvas, background, 3, 0, y, 1024, 4, "fill", TRUE, NULL), ==, 0);
    }
  for (int i = 0; i < 12; i++)
    {
      g_assert_cmpint (vips_draw_circle (canvas, ink[i % 3], 3, 80 + 70 * i, 300 + 40 * (i % 5), 30 + 5 * i,
                                         "fill", TRUE, NULL), ==, 0);
      g_assert_cmpint (vips_draw_rect (canvas, ink[(i + 1) % 3], 3, 40 + 80 * i, 700, 50, 100 + 20 * i,
                                       "fill", TRUE, NULL), ==, 0);
    }
  g_assert_cmpint (vips_shrink (canvas, &drawing, 2, 2, NULL), ==, 0);
  g_assert_cmpint (vips_image_wio_input (drawing), ==, 0);
  return drawing;
}

/* The big-endian 32-bit number at @p, wherever it is aligned. */
static guint32
read_u32 (const guint8 *p)
{
  return (guint32) p[0] << 24 | (guint32) p[1] << 16 | (guint32) p[2] << 8 | p[3];
}

/* The size @png would have with its IDAT's rows compressed by
 * thumbing_rle_deflate() instead: what the level by the pixels writes for
 * the same filtered rows. */
static gsize
runs_only_size (GBytes *png)
{
  gsize length = 0, at = 8;
  const guint8 *data = g_bytes_get_data (png, &length);
  guint32 width = 0, height = 0;
  int bytes_per_pixel = 0;

  while (at + 12 <= length)
    {
      guint32 chunk = read_u32 (data + at);
      const guint8 *body = data + at + 8;

      if (memcmp (data + at + 4, "IHDR", 4) == 0)
        {
          static const int channels[] = { 1, 0, 3, 1, 2, 0, 4 };

          width = read_u32 (body);
          height = read_u32 (body + 4);
          g_assert_cmpint (body[8], ==, 8);
          bytes_per_pixel = channels[body[9]];
        }
      else if (memcmp (data + at + 4, "IDAT", 4) == 0)
        {
          gsize raw_length = ((gsize) width * bytes_per_pixel + 1) * height;
          g_autofree guint8 *raw = g_malloc (raw_length);
          g_autofree guint8 *packed = g_malloc (thumbing_rle_deflate_bound (raw_length));
          struct libdeflate_decompressor *inflater = libdeflate_alloc_decompressor ();
          size_t got = 0;
          gsize packed_length;

          g_assert_cmpint (libdeflate_zlib_decompress (inflater, body, chunk, raw, raw_length, &got), ==,
                           LIBDEFLATE_SUCCESS);
          libdeflate_free_decompressor (inflater);
          g_assert_cmpuint (got, ==, raw_length);
          packed_length = thumbing_rle_deflate (raw, raw_length, packed, thumbing_rle_deflate_bound (raw_length));
          g_assert_cmpuint (packed_length, >, 0);
          return length - chunk + packed_length;
        }
      at += 12 + chunk;
    }
  g_assert_not_reached ();
}

/* Written by the pixels, @chosen is the smaller of @level_1 (the same
 * rows at level 1) and those rows with runs only, as a sample of rows
 * tells; returns which. */
static gboolean
chose_runs_only (GBytes *chosen,
                 GBytes *level_1)
{
  gsize runs = runs_only_size (level_1);

  g_assert_cmpuint (g_bytes_get_size (chosen), ==, MIN (runs, g_bytes_get_size (level_1)));
  if (g_bytes_equal (chosen, level_1))
    return FALSE;
  g_assert_cmpuint (g_bytes_get_size (chosen), ==, runs);
  return TRUE;
}

/* The level by the pixels (-1): filtered rows with runs as the only
 * matches where a sample of rows says that beats level 1, or for flat
 * images, unfiltered at level 6 where that is smaller still. A
 * photograph's thumbnail takes runs (JPEG's noise defeats deflate's
 * search), a generated picture and a drawing level 1 (they repeat longer
 * strings), a drawing with plain margins stays filtered; an explicit
 * filter is kept, and no filter takes level 1 (unfiltered rows repeat
 * pixels, not bytes). */
static void
test_level_by_the_pixels (void)
{
  g_autofree char *path = thumbing_test_sample ("good", "photo-png.png");
  g_autofree char *jpeg_path = thumbing_test_sample ("good", "photo-baseline.jpg");
  g_autoptr(VipsImage) generated = vips_image_new_from_file (path, "access", VIPS_ACCESS_RANDOM, NULL);
  g_autoptr(VipsImage) photo = NULL;
  g_autoptr(VipsImage) drawing = flat_drawing ();
  g_autoptr(GBytes) flat_auto = write_png (drawing, THUMBING_PNG_FILTER_ADAPTIVE, -1);
  g_autoptr(GBytes) flat_none_6 = write_png (drawing, THUMBING_PNG_FILTER_NONE, 6);
  g_autoptr(GBytes) flat_adaptive_1 = write_png (drawing, THUMBING_PNG_FILTER_ADAPTIVE, 1);
  g_autoptr(GBytes) flat_sub_auto = write_png (drawing, THUMBING_PNG_FILTER_SUB, -1);
  g_autoptr(GBytes) flat_sub_1 = write_png (drawing, THUMBING_PNG_FILTER_SUB, 1);
  g_autoptr(GBytes) generated_auto = write_png (generated, THUMBING_PNG_FILTER_ADAPTIVE, -1);
  g_autoptr(GBytes) generated_adaptive_1 = write_png (generated, THUMBING_PNG_FILTER_ADAPTIVE, 1);
  g_autoptr(GBytes) generated_none_auto = write_png (generated, THUMBING_PNG_FILTER_NONE, -1);
  g_autoptr(GBytes) generated_none_1 = write_png (generated, THUMBING_PNG_FILTER_NONE, 1);
  g_autoptr(GBytes) photo_auto = NULL;
  g_autoptr(GBytes) photo_adaptive_1 = NULL;

  g_assert_cmpint (vips_thumbnail (jpeg_path, &photo, 512, "height", 512, "crop", VIPS_INTERESTING_CENTRE, NULL), ==, 0);
  g_assert_cmpint (vips_image_wio_input (photo), ==, 0);
  photo_auto = write_png (photo, THUMBING_PNG_FILTER_ADAPTIVE, -1);
  photo_adaptive_1 = write_png (photo, THUMBING_PNG_FILTER_ADAPTIVE, 1);
  g_test_message ("drawing: %zu bytes by the pixels, %zu unfiltered at 6, %zu filtered at 1, %zu with runs only",
                  g_bytes_get_size (flat_auto), g_bytes_get_size (flat_none_6), g_bytes_get_size (flat_adaptive_1),
                  runs_only_size (flat_adaptive_1));
  g_test_message ("photograph's thumbnail: %zu bytes by the pixels, %zu at 1; generated picture: %zu, %zu at 1",
                  g_bytes_get_size (photo_auto), g_bytes_get_size (photo_adaptive_1),
                  g_bytes_get_size (generated_auto), g_bytes_get_size (generated_adaptive_1));
  g_assert_true (chose_runs_only (photo_auto, photo_adaptive_1));
  g_assert_cmpuint (g_bytes_get_size (photo_auto), <, g_bytes_get_size (photo_adaptive_1));
  g_assert_false (chose_runs_only (generated_auto, generated_adaptive_1));
  g_assert_false (g_bytes_equal (flat_auto, flat_none_6));
  g_assert_false (chose_runs_only (flat_auto, flat_adaptive_1));
  g_assert_cmpuint (g_bytes_get_size (flat_auto), <, g_bytes_get_size (flat_none_6));
  chose_runs_only (flat_sub_auto, flat_sub_1);
  g_assert_true (g_bytes_equal (generated_none_auto, generated_none_1));
  assert_round_trip (drawing, THUMBING_PNG_FILTER_ADAPTIVE, -1);
  assert_round_trip (drawing, THUMBING_PNG_FILTER_SUB, -1);
  assert_round_trip (photo, THUMBING_PNG_FILTER_ADAPTIVE, -1);
}

/* Flat means more than 80% of the bytes repeat their left neighbour's: rows
 * of alternating bytes, then a run of zeros long enough that unfiltered
 * level 6 is smaller, are written so only above that share. */
static void
test_flat_threshold (void)
{
  int width = 1000, height = 64;

  for (int repeats = 795; repeats <= 805; repeats += 10)
    {
      g_autofree guint8 *pixels = g_malloc0 ((gsize) width * height);
      g_autoptr(VipsImage) image = NULL;
      g_autoptr(GBytes) chosen = NULL, level_1 = NULL, level_6 = NULL;

      for (int y = 0; y < height; y++)
        for (int x = 1; x < width - repeats; x++)
          pixels[y * width + x] = (x + y) % 2 ? 200 : 10;
      image = vips_image_new_from_memory_copy (pixels, (gsize) width * height, width, height, 1, VIPS_FORMAT_UCHAR);
      chosen = write_png (image, THUMBING_PNG_FILTER_ADAPTIVE, -1);
      level_1 = write_png (image, THUMBING_PNG_FILTER_ADAPTIVE, 1);
      level_6 = write_png (image, THUMBING_PNG_FILTER_NONE, 6);
      g_assert_cmpuint (g_bytes_get_size (level_6), <, g_bytes_get_size (level_1));
      g_assert_true (g_bytes_equal (chosen, repeats > 800 ? level_6 : level_1));
    }
}

/* Whether the PNG in @png has a chunk of @type. */
static gboolean
has_chunk (GBytes     *png,
           const char *type)
{
  gsize length = 0;
  const guint8 *data = g_bytes_get_data (png, &length);

  for (gsize at = 8; at + 12 <= length;)
    {
      gsize data_length = (gsize) data[at] << 24 | data[at + 1] << 16 | data[at + 2] << 8 | data[at + 3];

      if (memcmp (data + at + 4, type, 4) == 0)
        return TRUE;
      at += 12 + data_length;
    }
  return FALSE;
}

/* By the pixels (-1), an RGB or RGBA image of at most 256 colours (alpha
 * counted) is written as a palette of 1, 2, 4 or 8-bit indices, its alpha
 * in tRNS, read back pixel for pixel by libpng, rows of any width packed;
 * 257 colours, or an explicit level, stay truecolour. */
static void
test_few_colours_as_a_palette (void)
{
  static const struct { int colours, depth; } cases[] = {
    { 1, 1 }, { 2, 1 }, { 3, 2 }, { 4, 2 }, { 5, 4 }, { 16, 4 }, { 17, 8 }, { 256, 8 }, { 257, 0 },
  };
  static const int widths[] = { 1, 7, 9, 37 };

  for (guint c = 0; c < G_N_ELEMENTS (cases); c++)
    for (int bands = 3; bands <= 4; bands++)
      for (guint w = 0; w < G_N_ELEMENTS (widths); w++)
        {
          int width = widths[w], height = 64;
          gsize n = (gsize) width * height;
          g_autofree guint8 *pixels = g_malloc (n * bands);
          g_autoptr(VipsImage) image = NULL;
          g_autoptr(GBytes) png = NULL, explicit_level = NULL;
          const guint8 *header;

          if ((gsize) cases[c].colours > n)
            continue;
          /* Every colour appears; colour i differs from its neighbours in
           * one band only, and in alpha only for RGBA. */
          for (gsize p = 0; p < n; p++)
            {
              int i = p < (gsize) cases[c].colours ? (int) p : g_test_rand_int_range (0, cases[c].colours);

              pixels[p * bands] = i & 0xff;
              pixels[p * bands + 1] = 100;
              pixels[p * bands + 2] = i >> 8 ? 7 : 50;
              if (bands == 4)
                {
                  pixels[p * bands] = i & 0x7f;
                  pixels[p * bands + 3] = i & 0x80 ? 255 : i;
                }
            }
          image = vips_image_new_from_memory_copy (pixels, n * bands, width, height, bands, VIPS_FORMAT_UCHAR);
          image->Type = VIPS_INTERPRETATION_sRGB;
          png = write_png (image, THUMBING_PNG_FILTER_ADAPTIVE, -1);
          header = g_bytes_get_data (png, NULL);
          if (cases[c].depth == 0)
            g_assert_cmpint (header[25], ==, bands == 4 ? 6 : 2);
          else
            {
              g_assert_cmpint (header[25], ==, 3);
              g_assert_cmpint (header[24], ==, cases[c].depth);
              g_assert_true (has_chunk (png, "PLTE"));
              g_assert_cmpint (has_chunk (png, "tRNS"), ==, bands == 4);
            }
          assert_round_trip (image, THUMBING_PNG_FILTER_ADAPTIVE, -1);
          explicit_level = write_png (image, THUMBING_PNG_FILTER_ADAPTIVE, 6);
          g_assert_cmpint (((const guint8 *) g_bytes_get_data (explicit_level, NULL))[25], ==, bands == 4 ? 6 : 2);
        }
}

/* As small as libpng's zlib output at the same level, or smaller. */
static void
test_no_larger_than_libvips (void)
{
  g_autofree char *path = thumbing_test_sample ("good", "photo-png.png");
  g_autoptr(VipsImage) image = vips_image_new_from_file (path, "access", VIPS_ACCESS_RANDOM, NULL);
  void *ours = NULL, *theirs = NULL;
  size_t ours_length = 0, theirs_length = 0;

  g_assert_true (thumbing_png_writer_write (image, THUMBING_PNG_FILTER_NONE, 6, &ours, &ours_length));
  g_assert_cmpint (vips_pngsave_buffer (image, &theirs, &theirs_length, "compression", 6, "filter",
                                        VIPS_FOREIGN_PNG_FILTER_NONE, "strip", TRUE, NULL), ==, 0);
  g_assert_cmpuint (ours_length, <=, theirs_length * 1.02);
  g_free (ours);
  g_free (theirs);
}

static void
test_declines_other_formats (void)
{
  g_autofree char *path = thumbing_test_sample ("good", "portrait-16bit.png");
  g_autoptr(VipsImage) deep = vips_image_new_from_file (path, NULL);

  g_assert_false (thumbing_png_writer_can_write (deep));
}

int
main (int   argc,
      char *argv[])
{
  thumbing_test_init (&argc, &argv);
  g_assert_cmpint (VIPS_INIT (argv[0]), ==, 0);
  g_test_add_func ("/png-writer/every-band-count", test_every_band_count);
  g_test_add_func ("/png-writer/every-filter", test_every_filter);
  g_test_add_func ("/png-writer/every-filter-on-noise", test_every_filter_on_noise);
  g_test_add_func ("/png-writer/filters-shrink-photographs", test_filters_shrink_photographs);
  g_test_add_func ("/png-writer/no-larger-than-libvips", test_no_larger_than_libvips);
  g_test_add_func ("/png-writer/level-by-the-pixels", test_level_by_the_pixels);
  g_test_add_func ("/png-writer/flat-threshold", test_flat_threshold);
  g_test_add_func ("/png-writer/few-colours-as-a-palette", test_few_colours_as_a_palette);
  g_test_add_func ("/png-writer/declines-other-formats", test_declines_other_formats);
  return g_test_run ();
}
