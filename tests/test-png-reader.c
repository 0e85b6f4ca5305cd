/* test-png-reader.c: resize's libdeflate PNG reader, against libvips's pngload
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Every pixel must equal pngload's (and, shrunk while decoding, pngload's
 * shrunk by vips_shrink): on PNGs written with each row filter (our
 * writer), on the samples, and on every 8-bit RGB and RGBA PNG Debian
 * installs under /usr/share and in the benchmark's wallpapers. Damaged
 * files fail with the damage named; files it leaves to libvips say so.
 */
#include "config.h"

#include <string.h>

#include <libdeflate.h>

#include "thumbing-png-reader.h"
#include "thumbing-png-writer.h"
#include "thumbing-test-util.h"

/* The reader's image, shrunk by @shrink as it decodes, against pngload's
 * shrunk by vips_shrink(). */
static void
assert_same_pixels (const guint8 *png,
                    gsize         length,
                    int           shrink,
                    const char   *label)
{
  g_autoptr(VipsImage) ours = NULL;
  g_autoptr(VipsImage) loaded = vips_image_new_from_buffer (png, length, "", "access", VIPS_ACCESS_RANDOM, NULL);
  g_autoptr(VipsImage) theirs = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree void *a = NULL, *b = NULL;
  size_t a_length = 0, b_length = 0;
  gboolean unsupported = FALSE, alpha_opaque = FALSE;
  double smallest = 0;

  g_assert_nonnull (loaded);
  ours = thumbing_png_reader_read (png, length, shrink, &alpha_opaque, &unsupported, &error);
  g_assert_no_error (error);
  if (unsupported)
    {
      g_test_message ("%s: left to libvips", label);
      return;
    }
  g_assert_nonnull (ours);
  if (loaded->Bands == 4)
    {
      g_autoptr(VipsImage) alpha = NULL;

      g_assert_cmpint (vips_extract_band (loaded, &alpha, 3, NULL), ==, 0);
      g_assert_cmpint (vips_min (alpha, &smallest, NULL), ==, 0);
    }
  g_assert_cmpint (alpha_opaque, ==, loaded->Bands == 4 && smallest == 255);
  if (shrink == 1)
    theirs = g_object_ref (loaded);
  else
    g_assert_cmpint (vips_shrink (loaded, &theirs, shrink, shrink, NULL), ==, 0);
  g_assert_cmpint (ours->Xsize, ==, theirs->Xsize);
  g_assert_cmpint (ours->Ysize, ==, theirs->Ysize);
  g_assert_cmpint (ours->Bands, ==, theirs->Bands);
  g_assert_cmpint (ours->Type, ==, theirs->Type);
  g_assert_cmpfloat_with_epsilon (ours->Xres, theirs->Xres, 1e-6);
  g_assert_cmpint (vips_image_get_typeof (ours, VIPS_META_ICC_NAME) != 0, ==,
                   vips_image_get_typeof (theirs, VIPS_META_ICC_NAME) != 0);
  a = vips_image_write_to_memory (ours, &a_length);
  b = vips_image_write_to_memory (theirs, &b_length);
  g_assert_cmpuint (a_length, ==, b_length);
  if (memcmp (a, b, a_length) != 0)
    g_error ("%s, shrunk by %d: the pixels differ from pngload's", label, shrink);
}

static void
assert_file (const char *path)
{
  g_autofree char *data = NULL;
  gsize length = 0;
  g_autoptr(VipsImage) header = NULL;

  g_assert_true (g_file_get_contents (path, &data, &length, NULL));

  assert_same_pixels ((const guint8 *) data, length, 1, path);
  header = vips_image_new_from_buffer (data, length, "", NULL);
  if (MIN (header->Xsize, header->Ysize) >= 3)
    assert_same_pixels ((const guint8 *) data, length, 3, path);
}

static void
test_every_filter (void)
{
  g_autofree char *path = thumbing_test_sample ("good", "portrait-alpha.png");
  g_autoptr(VipsImage) rgba = vips_image_new_from_file (path, "access", VIPS_ACCESS_RANDOM, NULL);
  g_autoptr(VipsImage) rgb = NULL;
  ThumbingPngFilter filters[] = { THUMBING_PNG_FILTER_NONE, THUMBING_PNG_FILTER_SUB, THUMBING_PNG_FILTER_UP,
                                  THUMBING_PNG_FILTER_AVG, THUMBING_PNG_FILTER_PAETH, THUMBING_PNG_FILTER_ADAPTIVE };

  g_assert_nonnull (rgba);
  g_assert_cmpint (vips_extract_band (rgba, &rgb, 0, "n", 3, NULL), ==, 0);
  for (guint f = 0; f < G_N_ELEMENTS (filters); f++)
    for (int bands = 3; bands <= 4; bands++)
      {
        g_autofree char *label = g_strdup_printf ("filter %d, %d bands", filters[f], bands);
        void *png = NULL;
        size_t length = 0;

        g_assert_true (thumbing_png_writer_write (bands == 4 ? rgba : rgb, filters[f], 1, &png, &length));
        assert_same_pixels (png, length, 1, label);
        g_free (png);
      }
}

/* Shrunk while decoding: every factor's pixels are vips_shrink()'s, on
 * sizes that divide and that leave a part box at the right and bottom
 * (rounded up, the last row and column repeat; rounded down, dropped), and
 * an alpha band is found opaque only when it is. */
static void
test_shrink_while_decoding (void)
{
  g_autofree char *path = thumbing_test_sample ("good", "portrait-alpha.png");
  g_autoptr(VipsImage) rgba = vips_image_new_from_file (path, "access", VIPS_ACCESS_RANDOM, NULL);
  g_autoptr(VipsImage) opaque = NULL;
  const int sizes[][2] = { { 96, 64 }, { 101, 71 }, { 103, 70 }, { 37, 113 }, { 17, 16 } };
  const int factors[] = { 2, 3, 4, 5, 7, 16, 17 };

  g_assert_nonnull (rgba);
  {
    g_autoptr(VipsImage) colour = NULL;

    g_assert_cmpint (vips_extract_band (rgba, &colour, 0, "n", 3, NULL), ==, 0);
    g_assert_cmpint (vips_bandjoin_const1 (colour, &opaque, 255, NULL), ==, 0);
  }
  for (guint s = 0; s < G_N_ELEMENTS (sizes); s++)
    for (guint f = 0; f < G_N_ELEMENTS (factors); f++)
      for (int bands = 3; bands <= 5; bands++)
        {
          g_autoptr(VipsImage) crop = NULL, image = NULL;
          g_autofree char *label = g_strdup_printf ("%d×%d, %d bands%s", sizes[s][0], sizes[s][1], MIN (bands, 4),
                                                    bands == 5 ? " opaque" : "");
          void *png = NULL;
          size_t length = 0;

          if ((double) MIN (sizes[s][0], sizes[s][1]) / factors[f] < 0.5)
            continue;
          g_assert_cmpint (vips_crop (bands == 5 ? opaque : rgba, &crop, 3, 5, sizes[s][0], sizes[s][1], NULL), ==, 0);
          g_assert_cmpint (vips_extract_band (crop, &image, 0, "n", MIN (bands, 4), NULL), ==, 0);
          g_assert_true (thumbing_png_writer_write (image, THUMBING_PNG_FILTER_ADAPTIVE, 1, &png, &length));
          assert_same_pixels (png, length, factors[f], label);
          g_free (png);
        }
}

/* Images we did not make: what Debian installs, and the wallpapers
 * bench/corpus.py fetched where it has run. */
static void
test_real_images (void)
{
  g_autoptr(GPtrArray) found = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *wallpapers = g_build_filename (g_getenv ("THUMBING_BUILD_ROOT") != NULL
                                                  ? g_getenv ("THUMBING_BUILD_ROOT") : ".",
                                                  "bench", "debian", "unpacked", NULL);

  thumbing_test_collect_files (wallpapers, ".png", found, 60);
  thumbing_test_collect_files ("/usr/share/doc", ".png", found, found->len + 40);
  thumbing_test_collect_files ("/usr/share/pixmaps", ".png", found, found->len + 20);
  {
    g_autofree char *samples = thumbing_test_sample ("good", "photo-png.png");

    g_ptr_array_add (found, g_steal_pointer (&samples));
  }
  for (guint i = 0; i < found->len; i++)
    assert_file (found->pdata[i]);
  g_test_message ("%u PNG files agree with pngload", found->len);
  g_assert_cmpuint (found->len, >, 1);
}

static GByteArray *
written (int bands)
{
  g_autofree char *path = thumbing_test_sample ("good", "portrait-alpha.png");
  g_autoptr(VipsImage) rgba = vips_image_new_from_file (path, "access", VIPS_ACCESS_RANDOM, NULL);
  g_autoptr(VipsImage) image = NULL;
  void *png = NULL;
  size_t length = 0;
  GByteArray *bytes = g_byte_array_new ();

  g_assert_cmpint (vips_extract_band (rgba, &image, 0, "n", bands, NULL), ==, 0);
  g_assert_true (thumbing_png_writer_write (image, THUMBING_PNG_FILTER_PAETH, 1, &png, &length));
  g_byte_array_append (bytes, png, length);
  g_free (png);
  return bytes;
}

static void
put_u32 (guint8  *p,
         guint32  v)
{
  p[0] = v >> 24;
  p[1] = v >> 16;
  p[2] = v >> 8;
  p[3] = v;
}

static void
assert_damaged (GByteArray *png,
                const char *pattern)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VipsImage) image = NULL;
  gboolean unsupported = FALSE;

  image = thumbing_png_reader_read (png->data, png->len, 1, NULL, &unsupported, &error);
  g_assert_null (image);
  g_assert_false (unsupported);
  g_assert_error (error, THUMBING_ERROR, THUMBING_ERROR_BAD_INPUT);
  if (!g_pattern_match_simple (pattern, error->message))
    g_error ("“%s” does not match “%s”", error->message, pattern);
}

static void
assert_unsupported (GByteArray *png)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VipsImage) image = NULL;
  gboolean unsupported = FALSE;

  image = thumbing_png_reader_read (png->data, png->len, 1, NULL, &unsupported, &error);
  g_assert_null (image);
  g_assert_no_error (error);
  g_assert_true (unsupported);
}

/* Rewrites the CRC of the chunk at @at after its data was changed. */
static void
fix_crc (GByteArray *png,
         gsize       at)
{
  guint32 length = (guint32) png->data[at] << 24 | png->data[at + 1] << 16 | png->data[at + 2] << 8 | png->data[at + 3];
  guint32 crc = libdeflate_crc32 (0, png->data + at + 4, 4 + length);

  put_u32 (png->data + at + 8 + length, crc);
}

static void
test_damage (void)
{
  g_autoptr(GByteArray) good = written (3);
  g_autoptr(GByteArray) png = NULL;

  /* Cut inside the image data. */
  png = g_byte_array_new ();
  g_byte_array_append (png, good->data, good->len / 2);
  assert_damaged (png, "the PNG is damaged: the IDAT chunk runs past the end of the file");
  g_clear_pointer (&png, g_byte_array_unref);

  /* A flipped bit in the image data: its CRC fails. */
  png = g_byte_array_new ();
  g_byte_array_append (png, good->data, good->len);
  png->data[33 + 8 + 20] ^= 0x10;
  assert_damaged (png, "the PNG is damaged: the IDAT chunk fails its CRC");
  g_clear_pointer (&png, g_byte_array_unref);

  /* The header claims more rows than the data holds. */
  png = g_byte_array_new ();
  g_byte_array_append (png, good->data, good->len);
  put_u32 (png->data + 16 + 4, 2 * ((guint32) png->data[20] << 24 | png->data[21] << 16 | png->data[22] << 8
                                    | png->data[23]));
  fix_crc (png, 8);
  assert_damaged (png, "the PNG is damaged: its image data*");
  g_clear_pointer (&png, g_byte_array_unref);

  /* Zero width. */
  png = g_byte_array_new ();
  g_byte_array_append (png, good->data, good->len);
  put_u32 (png->data + 16, 0);
  fix_crc (png, 8);
  assert_damaged (png, "the PNG is damaged: it is 0×* pixels");
  g_clear_pointer (&png, g_byte_array_unref);

  /* Beyond what is held decoded, and interlaced: left to libvips. */
  png = g_byte_array_new ();
  g_byte_array_append (png, good->data, good->len);
  put_u32 (png->data + 16, 100000);
  put_u32 (png->data + 20, 100000);
  fix_crc (png, 8);
  assert_unsupported (png);
  g_clear_pointer (&png, g_byte_array_unref);
  png = g_byte_array_new ();
  g_byte_array_append (png, good->data, good->len);
  png->data[28] = 1;
  fix_crc (png, 8);
  assert_unsupported (png);
}

int
main (int    argc,
      char **argv)
{
  thumbing_test_init (&argc, &argv);
  g_assert_cmpint (VIPS_INIT (argv[0]), ==, 0);
  g_test_add_func ("/png-reader/every-filter", test_every_filter);
  g_test_add_func ("/png-reader/shrink-while-decoding", test_shrink_while_decoding);
  g_test_add_func ("/png-reader/real-images", test_real_images);
  g_test_add_func ("/png-reader/damage", test_damage);
  return g_test_run ();
}
