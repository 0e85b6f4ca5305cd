/* test-reduce.c: resize's Lanczos3 reducer, against libvips's resampling in float
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The reducer must give the picture libvips's lanczos3 gives in float in
 * one step (PSNR at least 45 dB) on images we did not make and on every
 * kind of scale: a little, a lot, different across and down, down to one
 * pixel; a flat area must stay exactly flat, and the image's metadata
 * (its ICC profile, its orientation) must come through.
 */
#include "config.h"

#include <math.h>
#include <string.h>

#include "thumbing-reduce.h"
#include "thumbing-test-util.h"
#include "thumbing-test-vips.h"

static double
psnr (VipsImage *a,
      VipsImage *b)
{
  g_autofree guint8 *pa = NULL, *pb = NULL;
  size_t la = 0, lb = 0;
  double sum = 0;

  pa = vips_image_write_to_memory (a, &la);
  pb = vips_image_write_to_memory (b, &lb);
  g_assert_cmpuint (la, ==, lb);
  for (gsize i = 0; i < la; i++)
    sum += ((double) pa[i] - pb[i]) * ((double) pa[i] - pb[i]);
  return sum == 0 ? 99 : 10 * log10 (255.0 * 255.0 / (sum / la));
}

static VipsImage *
decoded (const char *path)
{
  g_autoptr(VipsImage) loaded = vips_image_new_from_file (path, "access", VIPS_ACCESS_SEQUENTIAL, NULL);

  g_assert_nonnull (loaded);
  return vips_image_copy_memory (loaded);
}

static void
assert_like_lanczos3 (VipsImage  *image,
                      int         width,
                      int         height,
                      const char *label)
{
  g_autoptr(VipsImage) ours = thumbing_reduce (image, width, height, NULL);
  g_autoptr(VipsImage) as_float = NULL, resized = NULL, reference = NULL;
  double quality;

  g_assert_nonnull (ours);
  g_assert_cmpint (ours->Xsize, ==, width);
  g_assert_cmpint (ours->Ysize, ==, height);
  g_assert_cmpint (ours->Bands, ==, image->Bands);
  g_assert_cmpint (vips_cast_float (image, &as_float, NULL), ==, 0);
  if (vips_resize (as_float, &resized, (double) width / image->Xsize, "vscale", (double) height / image->Ysize,
                   "kernel", VIPS_KERNEL_LANCZOS3, "gap", 0.0, NULL) != 0)
    g_error ("%s to %d×%d: vips_resize: %s", label, width, height, vips_error_buffer ());
  g_assert_cmpint (vips_cast_uchar (resized, &reference, NULL), ==, 0);
  g_assert_cmpint (reference->Xsize, ==, width);
  g_assert_cmpint (reference->Ysize, ==, height);
  quality = psnr (ours, reference);
  g_test_message ("%s to %d×%d: PSNR %.1f dB against lanczos3 in float", label, width, height, quality);
  if (quality < 45)
    g_error ("%s to %d×%d: PSNR %.1f dB against lanczos3 in float, below 45", label, width, height, quality);
}

static void
assert_scales (const char *path)
{
  g_autoptr(VipsImage) image = decoded (path);
  const double scales[][2] = { { 1.25, 1.25 }, { 1.9, 1.9 }, { 2.5, 2.5 }, { 3.7, 3.7 }, { 2, 1.3 }, { 1.01, 4.2 } };

  g_assert_true (thumbing_reduce_takes (image));
  for (guint i = 0; i < G_N_ELEMENTS (scales); i++)
    assert_like_lanczos3 (image, MAX (1, (int) lround (image->Xsize / scales[i][0])),
                          MAX (1, (int) lround (image->Ysize / scales[i][1])), path);
}

/* Samples of each kind it takes, and the JPEG and PNG wallpapers
 * bench/corpus.py fetched from Debian where it has run. */
static void
test_matches_lanczos3 (void)
{
  const char *names[] = { "photo-baseline.jpg", "grey.jpg", "photo-png.png" };
  g_autofree char *wallpapers = g_build_filename (g_getenv ("THUMBING_BUILD_ROOT") != NULL
                                                  ? g_getenv ("THUMBING_BUILD_ROOT") : ".",
                                                  "bench", "debian", "unpacked", "usr", "share", "wallpapers", NULL);
  g_autoptr(GDir) dir = g_dir_open (wallpapers, 0, NULL);
  const char *name;

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autofree char *path = thumbing_test_sample ("good", names[i]);

      assert_scales (path);
    }
  for (int n = 0; dir != NULL && n < 4 && (name = g_dir_read_name (dir)) != NULL;)
    {
      g_autofree char *images = g_build_filename (wallpapers, name, "contents", "images", NULL);
      g_autofree char *path = g_build_filename (images, "1920x1080.jpg", NULL);

      if (g_file_test (path, G_FILE_TEST_EXISTS))
        {
          assert_scales (path);
          n++;
        }
    }
}

/* Down to a row, a column and one pixel, from a corner small enough for
 * libvips's reduce (at most a factor of about eight): the windows clamp at
 * both edges. */
static void
test_down_to_one_pixel (void)
{
  g_autofree char *path = thumbing_test_sample ("good", "photo-baseline.jpg");
  g_autoptr(VipsImage) image = decoded (path);
  const int sizes[][4] = { { 7, 5, 3, 1 }, { 7, 5, 1, 2 }, { 7, 5, 1, 1 }, { 5, 3, 2, 2 }, { 3, 3, 2, 2 } };

  for (guint i = 0; i < G_N_ELEMENTS (sizes); i++)
    {
      g_autoptr(VipsImage) corner = NULL, small = NULL;
      g_autofree char *label = g_strdup_printf ("%d×%d", sizes[i][0], sizes[i][1]);

      g_assert_cmpint (vips_crop (image, &corner, 100, 100, sizes[i][0], sizes[i][1], NULL), ==, 0);
      small = vips_image_copy_memory (corner);
      assert_like_lanczos3 (small, sizes[i][2], sizes[i][3], label);
    }
}

/* Lanczos3 rings; on a flat area its weights must add up to exactly one. */
static void
test_flat_stays_flat (void)
{
  const int values[] = { 0, 1, 128, 254, 255 };

  for (guint v = 0; v < G_N_ELEMENTS (values); v++)
    for (int bands = 1; bands <= 3; bands += 2)
      {
        g_autoptr(VipsImage) black = NULL, flat = NULL, image = NULL, reduced = NULL;
        double smallest = 0, largest = 0;

        g_assert_cmpint (vips_black (&black, 997, 613, "bands", bands, NULL), ==, 0);
        g_assert_cmpint (vips_linear1 (black, &flat, 1, values[v], "uchar", TRUE, NULL), ==, 0);
        image = vips_image_copy_memory (flat);
        image->Type = bands == 3 ? VIPS_INTERPRETATION_sRGB : VIPS_INTERPRETATION_B_W;
        reduced = thumbing_reduce (image, 173, 91, NULL);
        g_assert_nonnull (reduced);
        g_assert_cmpint (vips_min (reduced, &smallest, NULL), ==, 0);
        g_assert_cmpint (vips_max (reduced, &largest, NULL), ==, 0);
        g_assert_cmpfloat (smallest, ==, values[v]);
        g_assert_cmpfloat (largest, ==, values[v]);
      }
}

static void
test_keeps_metadata (void)
{
  g_autofree char *path = thumbing_test_sample ("good", "sideways-exif6.jpg");
  g_autoptr(VipsImage) image = decoded (path);
  g_autoptr(VipsImage) reduced = NULL;

  vips_image_set_blob_copy (image, VIPS_META_ICC_NAME, "not really a profile", 20);
  reduced = thumbing_reduce (image, image->Xsize / 2, image->Ysize / 2, NULL);
  g_assert_nonnull (reduced);
  g_assert_cmpint (vips_image_get_orientation (reduced), ==, 6);
  g_assert_cmpint (vips_image_get_typeof (reduced, VIPS_META_ICC_NAME), !=, 0);
  g_assert_cmpint (reduced->Type, ==, VIPS_INTERPRETATION_sRGB);
}

/* A window of the result is exactly that part of the whole result: in the
 * middle, at each edge and corner, one sample, the whole; grey and sRGB. */
static void
test_window_is_part_of_the_whole (void)
{
  g_autofree char *path = thumbing_test_sample ("good", "photo-baseline.jpg");
  g_autoptr(VipsImage) photo = decoded (path);
  const int width = photo->Xsize * 2 / 5, height = photo->Ysize / 3;
  const VipsRect windows[] = {
    { (width - 100) / 2, (height - 60) / 2, 100, 60 },
    { 0, 0, 37, height },
    { width - 37, 0, 37, height },
    { 0, height - 1, width, 1 },
    { width - 1, height - 1, 1, 1 },
    { 0, 0, width, height },
  };

  for (int bands = 1; bands <= 3; bands += 2)
    {
      g_autoptr(VipsImage) image = NULL, whole = NULL;

      if (bands == 1)
        {
          g_autoptr(VipsImage) grey = NULL;

          g_assert_cmpint (vips_extract_band (photo, &grey, 1, NULL), ==, 0);
          image = vips_image_copy_memory (grey);
          image->Type = VIPS_INTERPRETATION_B_W;
        }
      else
        image = g_object_ref (photo);
      whole = thumbing_reduce (image, width, height, NULL);
      g_assert_nonnull (whole);
      for (guint i = 0; i < G_N_ELEMENTS (windows); i++)
        {
          const VipsRect *w = &windows[i];
          g_autoptr(VipsImage) part = thumbing_reduce (image, width, height, w);
          g_autoptr(VipsImage) cut = NULL;
          g_autofree void *a = NULL, *b = NULL;
          size_t a_length = 0, b_length = 0;

          g_assert_nonnull (part);
          g_assert_cmpint (part->Xsize, ==, w->width);
          g_assert_cmpint (part->Ysize, ==, w->height);
          g_assert_cmpint (vips_extract_area (whole, &cut, w->left, w->top, w->width, w->height, NULL), ==, 0);
          a = vips_image_write_to_memory (part, &a_length);
          b = vips_image_write_to_memory (cut, &b_length);
          g_assert_cmpuint (a_length, ==, b_length);
          g_assert_true (memcmp (a, b, a_length) == 0);
        }
    }
}

/* The AVX2 passes, where the processor has them, give exactly the SSE2
 * passes' samples: noise over the whole byte range (the sums' extremes),
 * grey and sRGB, widths either side of their 32 samples and eight pixels,
 * several scales and a window. */
static void
test_avx2_agrees (void)
{
  const int widths[] = { 1, 7, 8, 11, 33, 64, 97, 300 };
  const double scales[] = { 1.3, 2.0, 2.9 };

  for (int bands = 1; bands <= 3; bands += 2)
    for (guint i = 0; i < G_N_ELEMENTS (widths); i++)
      for (guint k = 0; k < G_N_ELEMENTS (scales); k++)
        {
          int width = widths[i] * 2, height = 41;
          gsize length = (gsize) width * height * bands;
          g_autofree guint8 *pixels = g_malloc (length);
          g_autoptr(VipsImage) image = NULL, with = NULL, without = NULL;
          int to_width = MAX (1, (int) (width / scales[k])), to_height = (int) (height / scales[k]);
          VipsRect window = { to_width / 3, 2, to_width - to_width / 3, to_height - 4 };
          g_autofree void *a = NULL, *b = NULL;
          size_t a_length = 0, b_length = 0;

          for (gsize p = 0; p < length; p++)
            pixels[p] = g_test_rand_bit () ? (guint8) g_test_rand_int_range (0, 256) : (g_test_rand_bit () ? 255 : 0);
          image = vips_image_new_from_memory_copy (pixels, length, width, height, bands, VIPS_FORMAT_UCHAR);
          image->Type = bands == 3 ? VIPS_INTERPRETATION_sRGB : VIPS_INTERPRETATION_B_W;
          with = thumbing_reduce (image, to_width, to_height, k == 2 ? &window : NULL);
          _thumbing_reduce_set_avx2 (FALSE);
          without = thumbing_reduce (image, to_width, to_height, k == 2 ? &window : NULL);
          _thumbing_reduce_set_avx2 (TRUE);
          g_assert_nonnull (with);
          g_assert_nonnull (without);
          a = vips_image_write_to_memory (with, &a_length);
          b = vips_image_write_to_memory (without, &b_length);
          g_assert_cmpuint (a_length, ==, b_length);
          g_assert_true (memcmp (a, b, a_length) == 0);
        }
}

/* It takes 8-bit grey and sRGB without alpha, nothing else. */
static void
test_takes (void)
{
  const struct { int bands; VipsBandFormat format; VipsInterpretation type; gboolean taken; } cases[] = {
    { 3, VIPS_FORMAT_UCHAR, VIPS_INTERPRETATION_sRGB, TRUE },
    { 1, VIPS_FORMAT_UCHAR, VIPS_INTERPRETATION_B_W, TRUE },
    { 4, VIPS_FORMAT_UCHAR, VIPS_INTERPRETATION_sRGB, FALSE },
    { 2, VIPS_FORMAT_UCHAR, VIPS_INTERPRETATION_B_W, FALSE },
    { 4, VIPS_FORMAT_UCHAR, VIPS_INTERPRETATION_CMYK, FALSE },
    { 3, VIPS_FORMAT_USHORT, VIPS_INTERPRETATION_RGB16, FALSE },
    { 3, VIPS_FORMAT_FLOAT, VIPS_INTERPRETATION_sRGB, FALSE },
    { 3, VIPS_FORMAT_UCHAR, VIPS_INTERPRETATION_LAB, FALSE },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(VipsImage) black = NULL, image = NULL;

      g_assert_cmpint (vips_black (&black, 8, 8, "bands", cases[i].bands, NULL), ==, 0);
      g_assert_cmpint (vips_cast (black, &image, cases[i].format, NULL), ==, 0);
      image->Type = cases[i].type;
      g_assert_cmpint (thumbing_reduce_takes (image), ==, cases[i].taken);
    }
}

int
main (int    argc,
      char **argv)
{
  thumbing_test_init (&argc, &argv);
  g_assert_cmpint (VIPS_INIT (argv[0]), ==, 0);
  g_test_add_func ("/reduce/matches-lanczos3", test_matches_lanczos3);
  g_test_add_func ("/reduce/down-to-one-pixel", test_down_to_one_pixel);
  g_test_add_func ("/reduce/flat-stays-flat", test_flat_stays_flat);
  g_test_add_func ("/reduce/keeps-metadata", test_keeps_metadata);
  g_test_add_func ("/reduce/window-is-part-of-the-whole", test_window_is_part_of_the_whole);
  g_test_add_func ("/reduce/avx2-agrees", test_avx2_agrees);
  g_test_add_func ("/reduce/takes", test_takes);
  return g_test_run ();
}
