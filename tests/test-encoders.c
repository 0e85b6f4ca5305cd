/* test-encoders.c: PNG, JPEG, WebP and AVIF output from decoded images
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "config.h"

#include <string.h>

#include "thumbing-test-vips.h"

#include "thumbing-test-util.h"

static ThumbingItem *
decoded (const char *name,
         const char *resize_settings)
{
  g_autofree char *path = thumbing_test_sample ("good", name);
  g_autoptr(GError) error = NULL;
  g_autoptr(ThumbingElement) resize = thumbing_test_element (resize_settings, &error);
  g_autoptr(ThumbingItem) item = thumbing_test_file_item (path);
  ThumbingItem *result;

  g_assert_no_error (error);
  result = thumbing_test_process (resize, item, &error);
  g_assert_no_error (error);
  return result;
}

static GBytes *
encode (const char *name,
        const char *encoder_settings,
        const char *media_type)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(ThumbingElement) encoder = thumbing_test_element (encoder_settings, &error);
  g_autoptr(ThumbingItem) item = decoded (name, "resize");
  g_autoptr(ThumbingItem) result = NULL;

  g_assert_no_error (error);
  result = thumbing_test_process (encoder, item, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (thumbing_item_get_media_type (result), ==, media_type);
  g_assert_cmpstr (thumbing_item_get_metadata (result, THUMBING_METADATA_WIDTH), ==, "512");
  return g_bytes_ref (thumbing_item_get_bytes (result));
}

static VipsImage *
decode (GBytes *bytes, const char *expected_loader)
{
  gsize length = 0;
  const void *data = g_bytes_get_data (bytes, &length);
  const char *loader = vips_foreign_find_load_buffer (data, length);
  VipsImage *image;

  g_assert_nonnull (loader);
  g_assert_cmpstr (loader, ==, expected_loader);
  image = vips_image_new_from_buffer (data, length, "", NULL);
  g_assert_nonnull (image);
  g_assert_cmpint (image->Xsize, ==, 512);
  g_assert_cmpint (image->Ysize, ==, 512);
  return image;
}

static void
test_png_is_srgb_8bit (void)
{
  static const struct { const char *name; int bands; } cases[] = {
    { "photo-baseline.jpg", 3 }, { "grey.jpg", 3 }, { "cmyk.jpg", 3 },
    { "portrait-16bit.png", 3 }, { "portrait-alpha.png", 4 },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GBytes) png = encode (cases[i].name, "png-encode", "image/png");
      g_autoptr(VipsImage) image = decode (png, "VipsForeignLoadPngBuffer");

      g_assert_cmpint (image->Bands, ==, cases[i].bands);
      g_assert_cmpint (image->BandFmt, ==, VIPS_FORMAT_UCHAR);
      g_assert_cmpint (image->Type, ==, VIPS_INTERPRETATION_sRGB);
    }
}

static void
test_png_settings_matter (void)
{
  g_autoptr(GBytes) plain = encode ("photo-baseline.jpg", "png-encode", "image/png");
  g_autoptr(GBytes) palette = encode ("photo-baseline.jpg", "png-encode palette=true", "image/png");
  g_autoptr(GBytes) stored = encode ("photo-baseline.jpg", "png-encode compression=0", "image/png");
  g_autoptr(GBytes) adaptive = encode ("photo-baseline.jpg", "png-encode filter=adaptive compression=9", "image/png");

  g_assert_cmpuint (g_bytes_get_size (palette), <, g_bytes_get_size (plain) / 2);
  g_assert_cmpuint (g_bytes_get_size (stored), >, g_bytes_get_size (plain));
  g_assert_cmpuint (g_bytes_get_size (adaptive), <, g_bytes_get_size (plain));
}

static void
test_jpeg_flattens_alpha_on_white (void)
{
  g_autoptr(GBytes) jpeg = encode ("portrait-alpha.png", "jpeg-encode quality=90", "image/jpeg");
  g_autoptr(VipsImage) image = decode (jpeg, "VipsForeignLoadJpegBuffer");
  double *values = NULL;
  int n = 0;

  g_assert_cmpint (image->Bands, ==, 3);
  /* The corners were nearly transparent. */
  g_assert_cmpint (vips_getpoint (image, &values, &n, 0, 0, NULL), ==, 0);
  g_assert_cmpfloat (values[0], >, 200);
  g_free (values);
}

static void
test_jpeg_progressive (void)
{
  g_autoptr(GBytes) baseline = encode ("photo-baseline.jpg", "jpeg-encode", "image/jpeg");
  g_autoptr(GBytes) progressive = encode ("photo-baseline.jpg", "jpeg-encode progressive=true", "image/jpeg");
  g_autoptr(VipsImage) image = decode (progressive, "VipsForeignLoadJpegBuffer");
  int interlaced = 0;

  g_assert_false (g_bytes_equal (baseline, progressive));
  g_assert_cmpint (vips_image_get_int (image, "interlaced", &interlaced), ==, 0);
  g_assert_cmpint (interlaced, ==, 1);
}

static void
test_webp (void)
{
  g_autoptr(GBytes) lossy = encode ("portrait-alpha.png", "webp-encode", "image/webp");
  g_autoptr(GBytes) lossless = encode ("portrait-alpha.png", "webp-encode lossless=true", "image/webp");
  g_autoptr(VipsImage) image = decode (lossy, "VipsForeignLoadWebpBuffer");

  g_assert_cmpint (image->Bands, ==, 4);
  g_assert_cmpuint (g_bytes_get_size (lossless), >, g_bytes_get_size (lossy));
}

static void
test_avif_or_clear_refusal (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(ThumbingElement) encoder = thumbing_test_element ("avif-encode effort=0", &error);

  if (encoder == NULL)
    {
      /* A libvips without an AV1 encoder must say so, plainly. */
      g_assert_error (error, THUMBING_ERROR, THUMBING_ERROR_UNSUPPORTED);
      g_assert_true (g_str_has_prefix (error->message, "AVIF encoding is not supported by this libvips"));
      return;
    }
  {
    g_autoptr(GBytes) avif = encode ("photo-baseline.jpg", "avif-encode effort=0", "image/avif");
    g_autoptr(VipsImage) image = decode (avif, "VipsForeignLoadHeifBuffer");

    g_assert_cmpint (image->Bands, ==, 3);
  }
}

static void
test_needs_decoded_input (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(ThumbingElement) encoder = thumbing_test_element ("png-encode", &error);
  g_autoptr(ThumbingItem) item = thumbing_item_new ("x", NULL);
  g_autoptr(GBytes) bytes = g_bytes_new_static ("x", 1);
  g_autoptr(ThumbingItem) result = NULL;

  thumbing_item_set_bytes (item, bytes, "image/jpeg");
  result = thumbing_test_process (encoder, item, &error);
  g_assert_null (result);
  g_assert_error (error, THUMBING_ERROR, THUMBING_ERROR_STATE);
  g_assert_cmpstr (error->message, ==, "expected a decoded image, got image/jpeg (put resize before the encoder)");
}

int
main (int    argc,
      char **argv)
{
  thumbing_test_init (&argc, &argv);
  g_test_add_func ("/encoders/png-is-srgb-8bit", test_png_is_srgb_8bit);
  g_test_add_func ("/encoders/png-settings-matter", test_png_settings_matter);
  g_test_add_func ("/encoders/jpeg-flattens-alpha-on-white", test_jpeg_flattens_alpha_on_white);
  g_test_add_func ("/encoders/jpeg-progressive", test_jpeg_progressive);
  g_test_add_func ("/encoders/webp", test_webp);
  g_test_add_func ("/encoders/avif-or-clear-refusal", test_avif_or_clear_refusal);
  g_test_add_func ("/encoders/needs-decoded-input", test_needs_decoded_input);
  return g_test_run ();
}
