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

/* The thumbnail of a photo with a camera's EXIF and an XMP packet,
 * encoded with @settings, decoded again. */
static VipsImage *
encode_with_metadata (const char *settings,
                      const char *loader)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(ThumbingElement) encoder = thumbing_test_element (settings, &error);
  g_autoptr(ThumbingItem) item = decoded ("photo-baseline.jpg", "resize");
  g_autoptr(ThumbingItem) result = NULL;
  g_autoptr(VipsImage) tagged = NULL;
  static const char xmp[] = "<x:xmpmeta xmlns:x=\"adobe:ns:meta/\"><dc:creator>someone</dc:creator></x:xmpmeta>";

  g_assert_no_error (error);
  g_assert_cmpint (vips_copy (VIPS_IMAGE (thumbing_item_get_image (item)), &tagged, NULL), ==, 0);
  vips_image_set_string (tagged, "exif-ifd0-Make", "Camera Co (Camera Co, ASCII, 10 components, 10 bytes)");
  vips_image_set_blob_copy (tagged, VIPS_META_XMP_NAME, xmp, sizeof xmp - 1);
  thumbing_item_set_image (item, G_OBJECT (tagged));
  result = thumbing_test_process (encoder, item, &error);
  g_assert_no_error (error);
  return decode (thumbing_item_get_bytes (result), loader);
}

static gboolean
has_field (VipsImage  *image,
           const char *name)
{
  return vips_image_get_typeof (image, name) != 0;
}

/* profile=srgb keeps the sRGB profile alone under strip; profile=none
 * drops it while strip=false keeps the rest; auto follows strip. */
static void
test_profile_kept_or_dropped (void)
{
  static const struct {
    const char *encoder;
    const char *loader;
  } encoders[] = {
    { "png-encode", "VipsForeignLoadPngBuffer" },
    { "jpeg-encode", "VipsForeignLoadJpegBuffer" },
    { "webp-encode", "VipsForeignLoadWebpBuffer" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (encoders); i++)
    {
      g_autofree char *keep = g_strdup_printf ("%s profile=srgb", encoders[i].encoder);
      g_autofree char *drop = g_strdup_printf ("%s strip=false profile=none", encoders[i].encoder);
      g_autofree char *all = g_strdup_printf ("%s strip=false", encoders[i].encoder);
      g_autoptr(VipsImage) plain = encode_with_metadata (encoders[i].encoder, encoders[i].loader);
      g_autoptr(VipsImage) kept = encode_with_metadata (keep, encoders[i].loader);
      g_autoptr(VipsImage) dropped = encode_with_metadata (drop, encoders[i].loader);
      g_autoptr(VipsImage) everything = encode_with_metadata (all, encoders[i].loader);
      const void *profile = NULL;
      size_t length = 0;

      g_test_message ("%s", encoders[i].encoder);
      g_assert_false (has_field (plain, VIPS_META_ICC_NAME));
      g_assert_false (has_field (plain, VIPS_META_XMP_NAME));

      g_assert_true (has_field (kept, VIPS_META_ICC_NAME));
      g_assert_cmpint (vips_image_get_blob (kept, VIPS_META_ICC_NAME, &profile, &length), ==, 0);
      {
        VipsBlob *srgb = NULL;
        size_t srgb_length = 0;
        const void *srgb_data;

        g_assert_cmpint (vips_profile_load ("srgb", &srgb, NULL), ==, 0);
        srgb_data = vips_blob_get (srgb, &srgb_length);
        g_assert_cmpmem (profile, length, srgb_data, srgb_length);
        vips_area_unref (VIPS_AREA (srgb));
      }
      g_assert_false (has_field (kept, VIPS_META_XMP_NAME));
      g_assert_false (has_field (kept, "exif-ifd0-Make"));

      g_assert_false (has_field (dropped, VIPS_META_ICC_NAME));
      g_assert_true (has_field (dropped, VIPS_META_XMP_NAME));
      g_assert_true (has_field (dropped, "exif-ifd0-Make") || encoders[i].encoder[0] == 'p');

      g_assert_true (has_field (everything, VIPS_META_XMP_NAME));
    }
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
  g_test_add_func ("/encoders/profile-kept-or-dropped", test_profile_kept_or_dropped);
  return g_test_run ();
}
