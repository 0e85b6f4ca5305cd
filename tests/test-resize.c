/* test-resize.c: fit modes, orientation, limits and damaged inputs
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "config.h"

#include <math.h>
#include <unistd.h>

#include <string.h>

#include <glib/gstdio.h>

#include "thumbing-test-vips.h"

#include "thumbing-test-util.h"

static VipsImage *
resize_sample_path (const char *path,
                    const char *settings,
                    GError    **error)
{
  g_autoptr(ThumbingElement) resize = thumbing_test_element (settings, error);
  g_autoptr(ThumbingItem) item = thumbing_test_file_item (path);
  g_autoptr(ThumbingItem) result = NULL;
  GObject *image;

  g_assert_nonnull (resize);
  result = thumbing_test_process (resize, item, error);
  if (result == NULL)
    return NULL;
  image = thumbing_item_get_image (result);
  g_assert_true (VIPS_IS_IMAGE (image));
  g_assert_cmpstr (thumbing_item_get_media_type (result), ==, THUMBING_MEDIA_DECODED_IMAGE);
  g_assert_cmpint (atoi (thumbing_item_get_metadata (result, THUMBING_METADATA_WIDTH)), ==, VIPS_IMAGE (image)->Xsize);
  return g_object_ref (VIPS_IMAGE (image));
}

static VipsImage *
resize_sample (const char *kind,
               const char *name,
               const char *settings,
               GError    **error)
{
  g_autofree char *path = thumbing_test_sample (kind, name);

  return resize_sample_path (path, settings, error);
}

static void
assert_size (const char *name, const char *settings, int width, int height)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VipsImage) image = resize_sample ("good", name, settings, &error);

  g_assert_no_error (error);
  g_assert_cmpint (image->Xsize, ==, width);
  g_assert_cmpint (image->Ysize, ==, height);
}

static double
pixel (VipsImage *image, int x, int y, int band)
{
  double *values = NULL;
  int n = 0;
  double value;

  g_assert_cmpint (vips_getpoint (image, &values, &n, x, y, NULL), ==, 0);
  g_assert_cmpint (band, <, n);
  value = values[band];
  g_free (values);
  return value;
}

static void
test_every_format_to_512 (void)
{
  static const char * const names[] = {
    "photo-baseline.jpg", "photo-progressive.jpg", "grey.jpg", "cmyk.jpg", "photo-png.png",
    "portrait-alpha.png", "portrait-16bit.png", "photo-webp.webp", "photo-gif.gif", "photo-tiff.tif",
    "photo-avif.avif", "sideways-exif6.jpg",
  };

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    assert_size (names[i], "resize", 512, 512);
}

static void
test_fit_modes (void)
{
  /* photo-*.jpg is 1600×1200; portrait-alpha.png is 900×1400. */
  assert_size ("photo-baseline.jpg", "resize width=512 height=512 fit=cover", 512, 512);
  assert_size ("photo-baseline.jpg", "resize width=512 height=512 fit=inside", 512, 384);
  assert_size ("photo-baseline.jpg", "resize width=512 height=512 fit=contain", 512, 512);
  assert_size ("photo-baseline.jpg", "resize width=300 height=500 fit=fill", 300, 500);
  assert_size ("photo-baseline.jpg", "resize width=512 height=512 fit=outside", 683, 512);
  assert_size ("portrait-alpha.png", "resize width=512 height=512 fit=inside", 329, 512);
  assert_size ("photo-baseline.jpg", "resize width=4000 height=4000 fit=inside no-enlarge=true", 1600, 1200);
  assert_size ("photo-baseline.jpg", "resize width=4000 height=300 fit=cover no-enlarge=true", 1600, 300);
  assert_size ("photo-baseline.jpg", "resize width=256 height=256 position=attention", 256, 256);
  assert_size ("photo-baseline.jpg", "resize width=256 height=256 position=entropy", 256, 256);
  assert_size ("photo-baseline.jpg", "resize width=200 height=400 position=south-east", 200, 400);
}

static void
test_contain_pads_with_background (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VipsImage) clear = resize_sample ("good", "photo-baseline.jpg", "resize fit=contain", &error);
  g_autoptr(VipsImage) red = resize_sample ("good", "photo-baseline.jpg",
                                            "resize fit=contain background=#ff0000", &error);

  g_assert_no_error (error);
  /* 512×384 centred: 64-pixel bands above and below. */
  g_assert_cmpint (clear->Bands, ==, 4);
  g_assert_cmpfloat (pixel (clear, 256, 10, 3), ==, 0);
  g_assert_cmpfloat (pixel (clear, 256, 256, 3), ==, 255);
  g_assert_cmpint (red->Bands, ==, 3);
  g_assert_cmpfloat (pixel (red, 256, 10, 0), ==, 255);
  g_assert_cmpfloat (pixel (red, 256, 10, 2), ==, 0);
}

static void
test_exif_orientation (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VipsImage) upright = resize_sample ("good", "sideways-exif6.jpg", "resize", &error);
  g_autoptr(VipsImage) raw = resize_sample ("good", "sideways-exif6.jpg",
                                            "resize fit=inside auto-orient=false", &error);

  g_assert_no_error (error);
  /* Upright: red above, blue below. */
  g_assert_cmpfloat (pixel (upright, 256, 40, 0), >, 180);
  g_assert_cmpfloat (pixel (upright, 256, 40, 2), <, 80);
  g_assert_cmpfloat (pixel (upright, 256, 470, 2), >, 180);
  g_assert_cmpfloat (pixel (upright, 256, 470, 0), <, 80);
  /* Without auto-orient the stored, portrait pixels are kept. */
  g_assert_cmpint (raw->Xsize, ==, 256);
  g_assert_cmpint (raw->Ysize, ==, 512);

  /* The item says which orientation was applied, for the completion event. */
  {
    g_autofree char *path = thumbing_test_sample ("good", "sideways-exif6.jpg");
    g_autofree char *plain = thumbing_test_sample ("good", "grey.jpg");
    g_autoptr(ThumbingElement) resize = thumbing_test_element ("resize", &error);
    g_autoptr(ThumbingElement) as_stored = thumbing_test_element ("resize auto-orient=false", &error);
    g_autoptr(ThumbingItem) sideways = thumbing_test_file_item (path);
    g_autoptr(ThumbingItem) sideways_again = thumbing_test_file_item (path);
    g_autoptr(ThumbingItem) grey = thumbing_test_file_item (plain);
    g_autoptr(ThumbingItem) turned = thumbing_test_process (resize, sideways, &error);
    g_autoptr(ThumbingItem) kept = thumbing_test_process (as_stored, sideways_again, &error);
    g_autoptr(ThumbingItem) upright_already = thumbing_test_process (resize, grey, &error);

    g_assert_no_error (error);
    g_assert_cmpstr (thumbing_item_get_metadata (turned, THUMBING_METADATA_ORIENTATION), ==, "6");
    g_assert_cmpstr (thumbing_item_get_metadata (kept, THUMBING_METADATA_ORIENTATION), ==, "1");
    g_assert_cmpstr (thumbing_item_get_metadata (upright_already, THUMBING_METADATA_ORIENTATION), ==, "1");
  }
}

/* Shrinking while decoding the JPEG (by 4 and 8 here) gives the
 * same picture at the same size as leaving more to the resampler, upright. */
static void
test_fast_shrink_on_load (void)
{
  static const char * const boxes[] = {
    "width=512 height=512", "width=300 height=200 fit=inside", "width=150 height=150", "width=100 height=60 fit=fill",
  };

  for (guint i = 0; i < G_N_ELEMENTS (boxes); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *fast_settings = g_strdup_printf ("resize %s", boxes[i]);
      g_autofree char *slow_settings = g_strdup_printf ("resize %s fast-shrink-on-load=false", boxes[i]);
      g_autoptr(VipsImage) fast = resize_sample ("good", "photo-baseline.jpg", fast_settings, &error);
      g_autoptr(VipsImage) slow = resize_sample ("good", "photo-baseline.jpg", slow_settings, &error);
      g_autoptr(VipsImage) difference = NULL;
      g_autoptr(VipsImage) magnitude = NULL;
      double mean = 0;

      g_assert_no_error (error);
      g_assert_cmpint (fast->Xsize, ==, slow->Xsize);
      g_assert_cmpint (fast->Ysize, ==, slow->Ysize);
      g_assert_cmpint (vips_subtract (fast, slow, &difference, NULL), ==, 0);
      g_assert_cmpint (vips_abs (difference, &magnitude, NULL), ==, 0);
      g_assert_cmpint (vips_avg (magnitude, &mean, NULL), ==, 0);
      g_assert_cmpfloat (mean, <, 4.0);
    }

  {
    g_autoptr(GError) error = NULL;
    /* 400×800 stored, upright 800×400: shrunk by 4 while decoding. */
    g_autoptr(VipsImage) upright = resize_sample ("good", "sideways-exif6.jpg", "resize width=64 height=64", &error);

    g_assert_no_error (error);
    g_assert_cmpint (upright->Xsize, ==, 64);
    g_assert_cmpint (upright->Ysize, ==, 64);
    g_assert_cmpfloat (pixel (upright, 32, 5, 0), >, 180);
    g_assert_cmpfloat (pixel (upright, 32, 58, 2), >, 180);
  }
}

static void
test_bytes_and_decoded_inputs (void)
{
  g_autofree char *path = thumbing_test_sample ("good", "photo-png.png");
  g_autoptr(GError) error = NULL;
  g_autoptr(ThumbingElement) big = thumbing_test_element ("resize width=800 height=600 fit=inside", &error);
  g_autoptr(ThumbingElement) small = thumbing_test_element ("resize width=64 height=64", &error);
  g_autoptr(ThumbingItem) item = thumbing_item_new (path, NULL);
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(ThumbingItem) first = NULL, second = NULL;
  g_autofree char *contents = NULL;
  gsize length = 0;

  g_assert_true (g_file_get_contents (path, &contents, &length, NULL));
  bytes = g_bytes_new_take (g_steal_pointer (&contents), length);
  thumbing_item_set_bytes (item, bytes, "image/png");
  first = thumbing_test_process (big, item, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (thumbing_item_get_metadata (first, THUMBING_METADATA_WIDTH), ==, "800");
  second = thumbing_test_process (small, first, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (thumbing_item_get_metadata (second, THUMBING_METADATA_WIDTH), ==, "64");
  g_assert_cmpstr (thumbing_item_get_metadata (second, THUMBING_METADATA_HEIGHT), ==, "64");
}

static void
assert_fails (const char *name, const char *settings, int code, const char *pattern)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VipsImage) image = resize_sample ("bad", name, settings, &error);

  g_assert_null (image);
  g_assert_error (error, THUMBING_ERROR, code);
  if (!g_pattern_match_simple (pattern, error->message))
    g_error ("%s: “%s” does not match “%s”", name, error->message, pattern);
  /* One line, for one log line per failed input. */
  g_assert_null (strchr (error->message, '\n'));
}

static void
test_bad_inputs (void)
{
  assert_fails ("empty.jpg", "resize", THUMBING_ERROR_BAD_INPUT, "the file is empty");
  assert_fails ("not-an-image.jpg", "resize", THUMBING_ERROR_BAD_INPUT,
                "not an image in a format this libvips can read");
  assert_fails ("truncated.jpg", "resize", THUMBING_ERROR_BAD_INPUT, "*Premature end*");
  assert_fails ("corrupt.jpg", "resize", THUMBING_ERROR_BAD_INPUT, "*JPEG*");
  assert_fails ("corrupt.png", "resize", THUMBING_ERROR_BAD_INPUT, "*PNG is damaged: the IDAT chunk fails its CRC*");
  assert_fails ("enormous-60000x60000.jpg", "resize", THUMBING_ERROR_TOO_LARGE,
                "the image is 60000×60000 (3600000000 pixels), more than max-input-pixels (268402689)");
  assert_fails ("../good/photo-baseline.jpg", "resize max-input-pixels=1000000", THUMBING_ERROR_TOO_LARGE,
                "the image is 1600×1200 (1920000 pixels), more than max-input-pixels (1000000)");
}

static void
test_fail_on_none_accepts_truncated (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VipsImage) image = resize_sample ("bad", "truncated.jpg", "resize fail-on=none", &error);

  g_assert_no_error (error);
  g_assert_cmpint (image->Xsize, ==, 512);
}

/* Runs @settings on a file written by @write into a new temporary folder. */
typedef gboolean (*WriteInput) (const char *path);

static ThumbingItem *
resize_written (const char *name,
                WriteInput  write,
                const char *settings,
                GError    **error)
{
  g_autofree char *folder = g_dir_make_tmp ("thumbing-resize-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (folder, name, NULL);
  g_autoptr(ThumbingElement) resize = thumbing_test_element (settings, error);
  g_autoptr(ThumbingItem) item = NULL;
  ThumbingItem *result;

  g_assert_nonnull (resize);
  g_assert_true (write (path));
  item = thumbing_test_file_item (path);
  result = thumbing_test_process (resize, item, error);
  g_unlink (path);
  g_rmdir (folder);
  return result;
}

static gboolean
write_ppm (const char *path)
{
  return g_file_set_contents (path, "P6\n2 2\n255\n\0\0\0\377\377\377\0\0\0\377\377\377", 23, NULL);
}

static gboolean
write_huge_svg (const char *path)
{
  return g_file_set_contents (path, "<?xml version=\"1.0\"?>\n<svg xmlns=\"http://www.w3.org/2000/svg\"\n"
                              "  width=\"100000000\" height=\"100000000\"><rect width=\"9\" height=\"9\"/></svg>", -1, NULL);
}

static gboolean
write_small_svg (const char *path)
{
  return g_file_set_contents (path, "<svg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 64 32'>"
                              "<rect width='64' height='32' fill='red'/></svg>", -1, NULL);
}

/* Width×width in 16×16 tiles: 4096 makes 65,536 tiles in about a megabyte;
 * 8192 takes seconds to decode from four. */
static gboolean
write_tiles (const char *path,
             int         width)
{
  g_autoptr(VipsImage) black = NULL;

  return vips_black (&black, width, width, NULL) == 0
         && vips_tiffsave (black, path, "tile", TRUE, "tile_width", 16, "tile_height", 16,
                           "compression", VIPS_FOREIGN_TIFF_COMPRESSION_DEFLATE, NULL) == 0;
}

static gboolean
write_tiny_tiles (const char *path)
{
  return write_tiles (path, 4096);
}

static gboolean
write_slow_tiles (const char *path)
{
  return write_tiles (path, 8192);
}

/* Three 16×16 pages. */
static gboolean
write_three_pages (const char *path)
{
  g_autoptr(VipsImage) black = NULL;

  return vips_black (&black, 16, 48, NULL) == 0 && vips_tiffsave (black, path, "page_height", 16, NULL) == 0;
}

static void
assert_written_fails (const char *name,
                      WriteInput  write,
                      const char *settings,
                      GQuark      domain,
                      int         code,
                      const char *pattern)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(ThumbingItem) result = resize_written (name, write, settings, &error);

  g_assert_null (result);
  g_assert_error (error, domain, code);
  if (!g_pattern_match_simple (pattern, error->message))
    g_error ("%s: “%s” does not match “%s”", name, error->message, pattern);
}

/* Formats are recognised by content and taken only when listed: what
 * uploads should not reach (PPM, SVG, PDF, ImageMagick) must be named. */
static void
test_formats_by_content (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(ThumbingItem) small = NULL;

  assert_written_fails ("photo.jpg", write_ppm, "resize", THUMBING_ERROR, THUMBING_ERROR_UNSUPPORTED,
                        "the input is ppm, which is not in formats (add it there to take it)");
  assert_written_fails ("small.svg", write_small_svg, "resize", THUMBING_ERROR, THUMBING_ERROR_UNSUPPORTED,
                        "the input is svg, which is not in formats*");
  assert_written_fails ("huge.svg", write_huge_svg, "resize formats=svg", THUMBING_ERROR, THUMBING_ERROR_TOO_LARGE,
                        "the SVG declares 100000000×100000000 pixels, more than max-input-pixels (268402689)*");
  small = resize_written ("small.svg", write_small_svg, "resize formats=svg fit=inside", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (thumbing_item_get_metadata (small, THUMBING_METADATA_WIDTH), ==, "512");
  g_assert_cmpstr (thumbing_item_get_metadata (small, THUMBING_METADATA_HEIGHT), ==, "256");
}

/* A small file is no promise of a quick decode: tiles, frames and time
 * are bounded too. */
static void
test_tiles_frames_and_time_are_bounded (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(ThumbingItem) done = NULL;

  assert_written_fails ("tiles.tif", write_tiny_tiles, "resize max-tiles=10000", THUMBING_ERROR,
                        THUMBING_ERROR_TOO_LARGE,
                        "the TIFF is made of 65536 tiles or strips, more than max-tiles (10000)");
  assert_written_fails ("pages.tif", write_three_pages, "resize max-frames=2", THUMBING_ERROR, THUMBING_ERROR_TOO_LARGE,
                        "the image has 3 frames or pages, more than max-frames (2)");
  done = resize_written ("pages.tif", write_three_pages, "resize", &error);
  g_assert_no_error (error);

  /* The decode is stopped, with its own message. */
  assert_written_fails ("tiles.tif", write_slow_tiles, "resize max-tiles=0 timeout=1", THUMBING_ERROR,
                        THUMBING_ERROR_TOO_LARGE, "decoding took longer than timeout (1 s) and was stopped");
}

static void
test_bad_settings (void)
{
  static const struct { const char *settings, *pattern; } cases[] = {
    { "resize background=puce", "background: “puce” is not a colour*" },
    { "resize formats=jpeg;bmpx", "formats: this libvips has no loader for “bmpx”" },
    { "resize fit=fill no-enlarge=true", "no-enlarge: cannot be combined with fit=fill*" },
    { "resize fit=contain position=attention", "position: smart crop*only applies to fit=cover" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(ThumbingElement) element = thumbing_test_element (cases[i].settings, &error);

      g_assert_null (element);
      g_assert_error (error, THUMBING_ERROR, THUMBING_ERROR_INVALID_VALUE);
      g_assert_true (g_pattern_match_simple (cases[i].pattern, error->message));
    }
}

/* The slow, obvious thumbnail: the whole image decoded by libvips and
 * turned upright, its colour premultiplied by alpha in float, resampled by
 * lanczos3 in one step to cover 512×512 (the centre cropped) or to fit
 * inside it, unpremultiplied. */
static VipsImage *
reference_thumbnail (const char *path,
                     gboolean    cover)
{
  g_autoptr(VipsImage) loaded = vips_image_new_from_file (path, "access", VIPS_ACCESS_RANDOM, NULL);
  g_autoptr(VipsImage) in = NULL;
  g_autoptr(VipsImage) premultiplied = NULL, resized = NULL, straight = NULL, bytes = NULL;
  double scale;
  VipsImage *out = NULL;

  g_assert_nonnull (loaded);
  g_assert_cmpint (vips_autorot (loaded, &in, NULL), ==, 0);
  scale = cover ? MAX (512.0 / in->Xsize, 512.0 / in->Ysize) : MIN (512.0 / in->Xsize, 512.0 / in->Ysize);
  if (vips_image_hasalpha (in))
    g_assert_cmpint (vips_premultiply (in, &premultiplied, NULL), ==, 0);
  else
    g_assert_cmpint (vips_cast_float (in, &premultiplied, NULL), ==, 0);
  g_assert_cmpint (vips_resize (premultiplied, &resized, scale, "kernel", VIPS_KERNEL_LANCZOS3, "gap", 0.0, NULL), ==, 0);
  if (vips_image_hasalpha (in))
    g_assert_cmpint (vips_unpremultiply (resized, &straight, NULL), ==, 0);
  else
    straight = g_object_ref (resized);
  if (in->BandFmt == VIPS_FORMAT_USHORT)
    {
      /* 16-bit samples to 8: what the thumbnail's colour conversion does. */
      VipsImage *scaled = NULL;

      g_assert_cmpint (vips_linear1 (straight, &scaled, 1.0 / 257, 0, NULL), ==, 0);
      g_object_unref (straight);
      straight = scaled;
    }
  {
    /* Rounded: vips_cast_uchar() truncates. */
    g_autoptr(VipsImage) rounded = NULL;

    g_assert_cmpint (vips_round (straight, &rounded, VIPS_OPERATION_ROUND_RINT, NULL), ==, 0);
    g_assert_cmpint (vips_cast_uchar (rounded, &bytes, NULL), ==, 0);
  }
  if (!cover)
    return g_steal_pointer (&bytes);
  g_assert_cmpint (vips_gravity (bytes, &out, VIPS_COMPASS_DIRECTION_CENTRE, 512, 512, NULL), ==, 0);
  return out;
}
/* A copy of sample @name tagged with EXIF @orientation, saved as @suffix. */
static char *
write_oriented (const char *name,
                int         orientation,
                const char *suffix)
{
  g_autofree char *path = thumbing_test_sample ("good", name);
  g_autoptr(VipsImage) image = vips_image_new_from_file (path, "access", VIPS_ACCESS_RANDOM, NULL);
  g_autoptr(VipsImage) tagged = NULL;
  char *out = g_strdup_printf ("%s/thumbing-orientation-%u-%d%s", g_get_tmp_dir (), (guint) getpid (), orientation,
                               suffix);

  g_assert_cmpint (vips_copy (image, &tagged, NULL), ==, 0);
  vips_image_set_int (tagged, VIPS_META_ORIENTATION, orientation);
  g_assert_cmpint (vips_image_write_to_file (tagged, out, NULL), ==, 0);
  return out;
}

/* Whether the cover crop of @path, @width×@height, is at every position the
 * part of fit=outside's image that vips_gravity() keeps there, pixel for
 * pixel. */
static void
assert_cover_is_part_of_outside (const char *path,
                                 int         width,
                                 int         height)
{
  static const char * const positions[] = {
    "centre", "north", "north-east", "east", "south-east", "south", "south-west", "west", "north-west",
  };
  static const VipsCompassDirection directions[] = {
    VIPS_COMPASS_DIRECTION_CENTRE, VIPS_COMPASS_DIRECTION_NORTH, VIPS_COMPASS_DIRECTION_NORTH_EAST,
    VIPS_COMPASS_DIRECTION_EAST, VIPS_COMPASS_DIRECTION_SOUTH_EAST, VIPS_COMPASS_DIRECTION_SOUTH,
    VIPS_COMPASS_DIRECTION_SOUTH_WEST, VIPS_COMPASS_DIRECTION_WEST, VIPS_COMPASS_DIRECTION_NORTH_WEST,
  };
  g_autofree char *outside_settings = g_strdup_printf ("resize width=%d height=%d fit=outside", width, height);
  g_autoptr(VipsImage) outside = resize_sample_path (path, outside_settings, NULL);

  g_assert_nonnull (outside);
  for (guint p = 0; p < G_N_ELEMENTS (positions); p++)
    {
      g_autofree char *settings = g_strdup_printf ("resize width=%d height=%d fit=cover position=%s", width, height,
                                                   positions[p]);
      g_autoptr(VipsImage) cover = resize_sample_path (path, settings, NULL);
      g_autoptr(VipsImage) expected = NULL;
      g_autofree guint8 *a = NULL, *b = NULL;
      size_t a_length = 0, b_length = 0;

      g_assert_nonnull (cover);
      g_assert_cmpint (vips_gravity (outside, &expected, directions[p], width, height, NULL), ==, 0);
      a = vips_image_write_to_memory (cover, &a_length);
      b = vips_image_write_to_memory (expected, &b_length);
      g_assert_cmpuint (a_length, ==, b_length);
      if (memcmp (a, b, a_length) != 0)
        g_error ("%s: %s differs from the part of fit=outside", path, settings);
    }
}

/* A cover crop is the part of fit=outside's image that vips_gravity() keeps
 * at that position, pixel for pixel, at every position and on both axes:
 * resize reduces only that part, of images with alpha too, reduced or
 * enlarged, and of images turned upright by any EXIF orientation. */
static void
test_cover_is_part_of_outside (void)
{
  static const struct { const char *name; int width, height; } cases[] = {
    { "photo-baseline.jpg", 300, 300 },
    { "photo-png.png", 301, 150 },
    { "photo-baseline.jpg", 101, 333 },
    { "sideways-exif6.jpg", 250, 250 },
    { "portrait-alpha.png", 300, 301 },
    { "portrait-alpha.png", 1000, 999 },
  };

  for (guint c = 0; c < G_N_ELEMENTS (cases); c++)
    {
      g_autofree char *path = thumbing_test_sample ("good", cases[c].name);

      assert_cover_is_part_of_outside (path, cases[c].width, cases[c].height);
    }
  for (int orientation = 1; orientation <= 8; orientation++)
    {
      g_autofree char *jpeg = write_oriented ("photo-baseline.jpg", orientation, ".jpg");
      g_autofree char *webp = write_oriented ("portrait-alpha.png", orientation, ".webp[lossless]");

      assert_cover_is_part_of_outside (jpeg, 301, 150);
      assert_cover_is_part_of_outside (jpeg, 150, 301);
      *strrchr (webp, '[') = '\0';
      assert_cover_is_part_of_outside (webp, 260, 199);
      g_unlink (jpeg);
      g_unlink (webp);
    }
}

/* A glow as Debian's plymouth themes draw it: one colour, #1bbee1, whose
 * alpha falls from 255 in the middle to 0 at the edges, in steps; saved as
 * an RGBA PNG of @width×@height at @path. */
static void
write_glow (const char *path,
            int         width,
            int         height)
{
  g_autoptr(VipsImage) xy = NULL, centred = NULL, squared = NULL, mean = NULL, sum = NULL, distance = NULL;
  g_autoptr(VipsImage) radius = NULL, falloff = NULL, stepped = NULL, alpha = NULL, colour = NULL, glow = NULL;
  double middle[] = { -width / 2.0, -height / 2.0 };
  double one[] = { 1, 1, 1 };
  double teal[] = { 0x1b, 0xbe, 0xe1 };

  g_assert_cmpint (vips_xyz (&xy, width, height, NULL), ==, 0);
  g_assert_cmpint (vips_linear (xy, &centred, one, middle, 2, NULL), ==, 0);
  g_assert_cmpint (vips_multiply (centred, centred, &squared, NULL), ==, 0);
  g_assert_cmpint (vips_bandmean (squared, &mean, NULL), ==, 0);
  g_assert_cmpint (vips_linear1 (mean, &sum, 2, 0, NULL), ==, 0);
  g_assert_cmpint (vips_math2_const1 (sum, &distance, VIPS_OPERATION_MATH2_POW, 0.5, NULL), ==, 0);
  /* 255 at the centre to 0 at the shorter side's edge, 49 steps. */
  g_assert_cmpint (vips_linear1 (distance, &radius, -255.0 / (MIN (width, height) / 2.0), 255, NULL), ==, 0);
  g_assert_cmpint (vips_linear1 (radius, &falloff, 48.0 / 255, 0, NULL), ==, 0);
  g_assert_cmpint (vips_round (falloff, &stepped, VIPS_OPERATION_ROUND_FLOOR, NULL), ==, 0);
  g_clear_object (&falloff);
  g_assert_cmpint (vips_linear1 (stepped, &falloff, 255.0 / 48, 0, NULL), ==, 0);
  g_assert_cmpint (vips_cast_uchar (falloff, &alpha, NULL), ==, 0);
  g_assert_cmpint (vips_black (&colour, width, height, "bands", 3, NULL), ==, 0);
  g_clear_object (&sum);
  g_assert_cmpint (vips_linear (colour, &sum, one, teal, 3, NULL), ==, 0);
  g_clear_object (&colour);
  g_assert_cmpint (vips_cast_uchar (sum, &colour, NULL), ==, 0);
  g_assert_cmpint (vips_bandjoin2 (colour, alpha, &glow, NULL), ==, 0);
  glow->Type = VIPS_INTERPRETATION_sRGB;
  g_assert_cmpint (vips_pngsave (glow, path, "compression", 1, NULL), ==, 0);
}

/* That every pixel of @thumbnail that can be seen is the glow's colour,
 * #1bbee1, exactly; how many can be seen, and how many of those are faint. */
static void
assert_glow_colour (VipsImage  *thumbnail,
                    const char *label,
                    gsize      *visible,
                    gsize      *faint)
{
  size_t length = 0;
  g_autofree guint8 *pixels = vips_image_write_to_memory (thumbnail, &length);

  g_assert_cmpint (thumbnail->Bands, ==, 4);
  *visible = *faint = 0;
  for (gsize p = 0; p < length; p += 4)
    {
      if (pixels[p + 3] == 0)
        continue;
      (*visible)++;
      *faint += pixels[p + 3] < 32;
      if (pixels[p] != 0x1b || pixels[p + 1] != 0xbe || pixels[p + 2] != 0xe1)
        g_error ("%s: pixel (%zu, %d) is #%02x%02x%02x at alpha %d, not #1bbee1", label, p / 4 % thumbnail->Xsize,
                 (int) (p / 4 / thumbnail->Xsize), pixels[p], pixels[p + 1], pixels[p + 2], pixels[p + 3]);
    }
}

/* An image of one colour fading out keeps that colour, exactly, at every
 * pixel that can be seen, enlarged and reduced, covering and fitting
 * inside, held decoded or streamed, with resize's default filter: the colour comes back from
 * premultiplied samples divided by their alpha, and libvips 8.14's cast
 * would truncate what lands a hair below it. */
static void
test_fading_colour_is_kept (void)
{
  static const struct { int width, height; const char *settings; } cases[] = {
    { 504, 502, "resize width=512 height=512" },
    { 504, 502, "resize width=512 height=512 fit=inside" },
    { 1500, 1100, "resize width=512 height=512" },
    { 1500, 1100, "resize width=300 height=200 fit=fill" },
    { 900, 1400, "resize width=512 height=512 position=north-west" },
    /* Past the 16 MP thumbing holds decoded: streamed. */
    { 4100, 4000, "resize width=512 height=512" },
  };

  for (guint c = 0; c < G_N_ELEMENTS (cases); c++)
    {
      g_autofree char *path = g_strdup_printf ("%s/thumbing-glow-%u-%u.png", g_get_tmp_dir (), (guint) getpid (), c);
      g_autofree char *label = g_strdup_printf ("%d×%d, %s", cases[c].width, cases[c].height, cases[c].settings);
      g_autoptr(VipsImage) thumbnail = NULL;
      g_autoptr(GError) error = NULL;
      gsize visible = 0, faint = 0;

      write_glow (path, cases[c].width, cases[c].height);
      thumbnail = resize_sample_path (path, cases[c].settings, &error);
      g_unlink (path);
      g_assert_no_error (error);
      assert_glow_colour (thumbnail, label, &visible, &faint);
      /* The glow's faint rim is there to be judged. */
      g_assert_cmpuint (faint, >, 1000);
      g_assert_cmpuint (visible, <, (gsize) thumbnail->Xsize * thumbnail->Ysize);
    }
  /* A decoded image from an element before, resized again. */
  {
    g_autofree char *path = g_strdup_printf ("%s/thumbing-glow-%u-chained.png", g_get_tmp_dir (), (guint) getpid ());
    g_autoptr(ThumbingElement) first = thumbing_test_element ("resize width=1200 height=1200 fit=inside", NULL);
    g_autoptr(ThumbingElement) second = thumbing_test_element ("resize width=300 height=200", NULL);
    g_autoptr(ThumbingItem) item = NULL, decoded = NULL, thumbnail = NULL;
    g_autoptr(GError) error = NULL;
    VipsImage *image;
    gsize visible = 0, faint = 0;

    write_glow (path, 1500, 1100);
    item = thumbing_test_file_item (path);
    decoded = thumbing_test_process (first, item, &error);
    g_assert_no_error (error);
    thumbnail = thumbing_test_process (second, decoded, &error);
    g_unlink (path);
    g_assert_no_error (error);
    image = VIPS_IMAGE (thumbing_item_get_image (thumbnail));
    g_assert_cmpint (image->Xsize, ==, 300);
    g_assert_cmpint (image->Ysize, ==, 200);
    assert_glow_colour (image, "chained", &visible, &faint);
  }
}

/* PSNR of @a against @b over their common bands, and the largest colour
 * difference where @b is partly transparent (an edge). */
static double
psnr (VipsImage *a,
      VipsImage *b,
      double    *worst_edge)
{
  g_autofree guint8 *pa = NULL, *pb = NULL;
  size_t la = 0, lb = 0;
  int colours = MIN (a->Bands - (vips_image_hasalpha (a) ? 1 : 0), b->Bands - (vips_image_hasalpha (b) ? 1 : 0));
  double sum = 0;
  gsize n = 0;

  pa = vips_image_write_to_memory (a, &la);
  pb = vips_image_write_to_memory (b, &lb);
  *worst_edge = 0;
  for (gsize p = 0; p < (gsize) b->Xsize * b->Ysize; p++)
    {
      int alpha = vips_image_hasalpha (b) ? pb[p * b->Bands + b->Bands - 1] : 255;

      for (int c = 0; c < colours + (vips_image_hasalpha (b) && vips_image_hasalpha (a) ? 1 : 0); c++)
        {
          double d = (double) pa[p * a->Bands + (c < colours ? c : a->Bands - 1)]
                     - pb[p * b->Bands + (c < colours ? c : b->Bands - 1)];

          sum += d * d;
          n++;
          /* Colour at a barely visible pixel means little; weigh by alpha. */
          if (c < colours && alpha > 0 && alpha < 255)
            *worst_edge = MAX (*worst_edge, fabs (d) * alpha / 255.0);
        }
    }
  return sum == 0 ? 99 : 10 * log10 (255.0 * 255.0 / (sum / n));
}

/* One file's thumbnail with @settings, covering and fitting inside
 * 512×512, against the slow path: the same size, PSNR at least @least dB,
 * and no pixel of a transparent edge off by more than 4 levels (weighted by
 * its alpha). */
static void
assert_matches_slow_path (const char *path,
                          const char *settings,
                          double      least)
{
  for (int cover = 0; cover <= 1; cover++)
    {
      g_autofree char *launch = g_strdup_printf ("resize width=512 height=512%s%s%s", cover ? "" : " fit=inside",
                                                 *settings != '\0' ? " " : "", settings);
      g_autoptr(ThumbingElement) resize = thumbing_test_element (launch, NULL);
      g_autoptr(ThumbingItem) item = thumbing_test_file_item (path);
      g_autoptr(GError) error = NULL;
      g_autoptr(ThumbingItem) result = thumbing_test_process (resize, item, &error);
      g_autoptr(VipsImage) reference = reference_thumbnail (path, cover);
      g_autoptr(VipsImage) ours = NULL;
      double edge = 0, quality;

      g_assert_no_error (error);
      g_assert_cmpint (vips_cast_uchar (VIPS_IMAGE (thumbing_item_get_image (result)), &ours, NULL), ==, 0);
      g_assert_cmpint (ours->Xsize, ==, reference->Xsize);
      g_assert_cmpint (ours->Ysize, ==, reference->Ysize);
      quality = psnr (ours, reference, &edge);
      g_test_message ("%s, %s %s: PSNR %.1f dB against the slow path, worst transparent edge %.1f levels", path,
                      cover ? "cover" : "inside", settings, quality, edge);
      if (quality < least)
        g_error ("%s, %s %s: PSNR %.1f dB against the slow path, below %.0f", path, cover ? "cover" : "inside",
                 settings, quality, least);
      g_assert_cmpfloat (edge, <=, 4.0);
    }
}

/* A JPEG shrunk on load by the most that libjpeg's DCT scaling allows
 * (sharp's default, fast-shrink-on-load) averages blocks of 2, 4 or 8
 * pixels where lanczos3 would weigh them, the one step of the fast path
 * that changes pictures measurably (down to 39 dB on a Debian wallpaper of
 * fine detail), so it is held to 35 dB; with a factor of two left to the
 * resampler, as vipsthumbnail leaves it, to 45 dB. */
static void
assert_jpeg_matches_slow_path (const char *path)
{
  assert_matches_slow_path (path, "fast-shrink-on-load=false", 45);
  assert_matches_slow_path (path, "", 35);
}

/* resize's fast paths (shrink-on-load then thumbing's Lanczos3, thumbing's
 * PNG reader shrinking as it decodes, an opaque alpha dropped) against the
 * slow, obvious path, on JPEG (baseline, progressive, grey, turned by
 * EXIF), RGB, RGBA with real transparency, 16-bit and RGBA that is opaque,
 * and on the JPEG and PNG wallpapers bench/corpus.py fetched from Debian
 * where it has run. */
static void
test_pictures_match_the_slow_path (void)
{
  const char *names[] = { "photo-baseline.jpg", "photo-progressive.jpg", "grey.jpg", "sideways-exif6.jpg",
                          "photo-png.png", "portrait-alpha.png", "portrait-16bit.png" };
  g_autofree char *opaque = g_build_filename (g_get_tmp_dir (), "thumbing-opaque-alpha.png", NULL);
  g_autofree char *wallpapers = g_build_filename (g_getenv ("THUMBING_BUILD_ROOT") != NULL
                                                  ? g_getenv ("THUMBING_BUILD_ROOT") : ".",
                                                  "bench", "debian", "unpacked", "usr", "share", "wallpapers", NULL);
  g_autoptr(GDir) dir = g_dir_open (wallpapers, 0, NULL);
  const char *name;

  {
    g_autofree char *path = thumbing_test_sample ("good", "photo-png.png");
    g_autoptr(VipsImage) rgb = vips_image_new_from_file (path, NULL);
    g_autoptr(VipsImage) rgba = NULL;

    g_assert_cmpint (vips_addalpha (rgb, &rgba, NULL), ==, 0);
    g_assert_cmpint (vips_pngsave (rgba, opaque, "compression", 1, NULL), ==, 0);
  }
  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autofree char *path = thumbing_test_sample ("good", names[i]);

      if (g_str_has_suffix (path, ".jpg"))
        assert_jpeg_matches_slow_path (path);
      else
        assert_matches_slow_path (path, "", 45);
    }
  assert_matches_slow_path (opaque, "", 45);
  g_unlink (opaque);
  /* Each wallpaper's first picture: plasma's are JPEG and PNG, 1–15 MP. */
  for (int n = 0; dir != NULL && n < 6 && (name = g_dir_read_name (dir)) != NULL;)
    {
      g_autofree char *images = g_build_filename (wallpapers, name, "contents", "images", NULL);
      g_autoptr(GDir) sizes = g_dir_open (images, 0, NULL);
      const char *file = NULL;

      while (sizes != NULL && (file = g_dir_read_name (sizes)) != NULL
             && !g_str_has_suffix (file, ".jpg") && !g_str_has_suffix (file, ".png"))
        ;
      if (file != NULL)
        {
          g_autofree char *path = g_build_filename (images, file, NULL);

          if (g_str_has_suffix (path, ".jpg"))
            assert_jpeg_matches_slow_path (path);
          else
            assert_matches_slow_path (path, "", 45);
          n++;
        }
    }
}

/* A 3-frame animation of 300×200 with delays 100, 200 and 300 ms looping 5
 * times, saved by libvips in @format (gif, webp). */
static char *
write_animation (const char *format)
{
  VipsImage *frames[3];
  g_autoptr(VipsImage) roll = NULL;
  int delays[] = { 100, 200, 300 };
  char *path = g_strdup_printf ("%s/thumbing-animation-%u.%s", g_get_tmp_dir (), (guint) getpid (), format);

  for (int i = 0; i < 3; i++)
    {
      g_autoptr(VipsImage) black = NULL, lit = NULL;

      g_assert_cmpint (vips_black (&black, 300, 200, "bands", 3, NULL), ==, 0);
      g_assert_cmpint (vips_linear1 (black, &lit, 1.0, 80.0 * i, NULL), ==, 0);
      g_assert_cmpint (vips_cast_uchar (lit, &frames[i], NULL), ==, 0);
    }
  g_assert_cmpint (vips_arrayjoin (frames, &roll, 3, "across", 1, NULL), ==, 0);
  for (int i = 0; i < 3; i++)
    g_object_unref (frames[i]);
  vips_image_set_int (roll, VIPS_META_PAGE_HEIGHT, 200);
  vips_image_set_array_int (roll, "delay", delays, 3);
  vips_image_set_int (roll, "loop", 5);
  g_assert_cmpint (vips_image_write_to_file (roll, path, NULL), ==, 0);
  return path;
}

static void
assert_animation (VipsImage *image,
                  int        frame_width,
                  int        frame_height)
{
  int *delays = NULL, n = 0, loop = 0;

  g_assert_cmpint (image->Xsize, ==, frame_width);
  g_assert_cmpint (vips_image_get_page_height (image), ==, frame_height);
  g_assert_cmpint (image->Ysize, ==, 3 * frame_height);
  g_assert_cmpint (vips_image_get_array_int (image, "delay", &delays, &n), ==, 0);
  g_assert_cmpint (n, ==, 3);
  g_assert_cmpint (delays[0], ==, 100);
  g_assert_cmpint (delays[2], ==, 300);
  g_assert_cmpint (vips_image_get_int (image, "loop", &loop), ==, 0);
  g_assert_cmpint (loop, ==, 5);
}

/* animated=true: every frame, delays and loop count, through webp-encode
 * and gif-encode; by default the first frame; the pixels of all frames
 * held to max-input-pixels from the header. */
static void
test_animations (void)
{
  const char *formats[] = { "gif", "webp" };

  for (guint f = 0; f < G_N_ELEMENTS (formats); f++)
    {
      g_autofree char *path = write_animation (formats[f]);
      const char *encoders[] = { "webp-encode", "gif-encode" };

      for (guint e = 0; e < G_N_ELEMENTS (encoders); e++)
        {
          g_autoptr(ThumbingElement) resize = thumbing_test_element ("resize width=128 height=128 animated=true", NULL);
          g_autoptr(ThumbingElement) encoder = thumbing_test_element (encoders[e], NULL);
          g_autoptr(ThumbingItem) item = thumbing_test_file_item (path);
          g_autoptr(ThumbingItem) resized = thumbing_test_process (resize, item, NULL);
          g_autoptr(ThumbingItem) encoded = NULL;
          g_autoptr(VipsImage) back = NULL;
          gsize length = 0;
          const void *data;

          g_assert_nonnull (resized);
          assert_animation (VIPS_IMAGE (thumbing_item_get_image (resized)), 128, 128);
          g_assert_cmpstr (thumbing_item_get_metadata (resized, THUMBING_METADATA_HEIGHT), ==, "128");
          encoded = thumbing_test_process (encoder, resized, NULL);
          g_assert_nonnull (encoded);
          data = g_bytes_get_data (thumbing_item_get_bytes (encoded), &length);
          back = vips_image_new_from_buffer (data, length, "n=-1", NULL);
          g_assert_nonnull (back);
          assert_animation (back, 128, 128);
        }
      {
        g_autoptr(GError) error = NULL;
        g_autoptr(VipsImage) first = resize_sample_path (path, "resize width=128 height=128", &error);
        g_autoptr(VipsImage) inside = resize_sample_path (path, "resize width=128 height=128 fit=inside animated=true",
                                                          &error);
        g_autoptr(VipsImage) refused = NULL;

        g_assert_no_error (error);
        g_assert_cmpint (first->Ysize, ==, 128);
        assert_animation (inside, 128, 85);
        refused = resize_sample_path (path, "resize animated=true max-input-pixels=150000", &error);
        g_assert_null (refused);
        g_assert_error (error, THUMBING_ERROR, THUMBING_ERROR_TOO_LARGE);
        g_assert_cmpstr (error->message, ==,
                         "the animation's 3 frames of 300×200 are 180000 pixels, more than max-input-pixels (150000)");
      }
      g_unlink (path);
    }
  {
    g_autoptr(GError) error = NULL;
    g_autoptr(ThumbingElement) contain = thumbing_test_element ("resize fit=contain animated=true", &error);

    g_assert_null (contain);
    g_assert_error (error, THUMBING_ERROR, THUMBING_ERROR_INVALID_VALUE);
  }
}

int
main (int    argc,
      char **argv)
{
  thumbing_test_init (&argc, &argv);
  g_test_add_func ("/resize/every-format-to-512", test_every_format_to_512);
  g_test_add_func ("/resize/fit-modes", test_fit_modes);
  g_test_add_func ("/resize/cover-is-part-of-outside", test_cover_is_part_of_outside);
  g_test_add_func ("/resize/contain-pads-with-background", test_contain_pads_with_background);
  g_test_add_func ("/resize/exif-orientation", test_exif_orientation);
  g_test_add_func ("/resize/fast-shrink-on-load", test_fast_shrink_on_load);
  g_test_add_func ("/resize/bytes-and-decoded-inputs", test_bytes_and_decoded_inputs);
  g_test_add_func ("/resize/bad-inputs", test_bad_inputs);
  g_test_add_func ("/resize/fail-on-none-accepts-truncated", test_fail_on_none_accepts_truncated);
  g_test_add_func ("/resize/bad-settings", test_bad_settings);
  g_test_add_func ("/resize/formats-by-content", test_formats_by_content);
  g_test_add_func ("/resize/tiles-frames-and-time-are-bounded", test_tiles_frames_and_time_are_bounded);
  g_test_add_func ("/resize/pictures-match-the-slow-path", test_pictures_match_the_slow_path);
  g_test_add_func ("/resize/fading-colour-is-kept", test_fading_colour_is_kept);
  g_test_add_func ("/resize/animations", test_animations);
  return g_test_run ();
}
