/* make-samples.c: writes the sample images thumbing's demo and tests use
 *
 * Every image is generated here, so the samples carry no third-party
 * licence: they are CC0, like this program's output. Usage:
 *
 *   make-samples OUTDIR STAMP
 *
 * writes OUTDIR/good/ (one image per format thumbing must read) and
 * OUTDIR/bad/ (inputs that must fail with a clear message), then STAMP,
 * so the build knows the set is complete.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <glib.h>
#include <glib/gstdio.h>

#include <vips/vips.h>

#define CHECK(call) \
  G_STMT_START { if ((call) != 0) { fail (#call); } } G_STMT_END

G_NORETURN static void
fail (const char *what)
{
  fprintf (stderr, "make-samples: %s failed: %s\n", what, vips_error_buffer ());
  exit (1);
}

/* A photograph-like image: smooth shapes from Perlin noise in each band, a
 * light gradient, and sensor-like grain, so encoders see realistic entropy. */
static VipsImage *
photo (int width,
       int height,
       int seed)
{
  VipsImage *bands[3], *joined, *grain, *mixed, *out;

  for (int b = 0; b < 3; b++)
    {
      VipsImage *noise, *scaled;

      CHECK (vips_perlin (&noise, width, height, "cell_size", 96 + 64 * b, "seed", seed + b, NULL));
      CHECK (vips_linear1 (noise, &scaled, 90.0, 120.0 + 20 * b, NULL));
      g_object_unref (noise);
      bands[b] = scaled;
    }
  CHECK (vips_bandjoin (bands, &joined, 3, NULL));
  for (int b = 0; b < 3; b++)
    g_object_unref (bands[b]);
  CHECK (vips_gaussnoise (&grain, width, height, "sigma", 6.0, "mean", 0.0, "seed", seed, NULL));
  CHECK (vips_add (joined, grain, &mixed, NULL));
  CHECK (vips_cast_uchar (mixed, &out, NULL));
  g_object_unref (joined);
  g_object_unref (grain);
  g_object_unref (mixed);
  out->Type = VIPS_INTERPRETATION_sRGB;
  return out;
}

/* @image with an alpha band fading out from its centre: transparent where
 * the mean of the squared distances along x and y reaches @reach. */
static VipsImage *
with_radial_alpha (VipsImage *image,
                   double     reach)
{
  int width = image->Xsize, height = image->Ysize;
  VipsImage *xy, *centred, *distance, *summed, *fade, *out;

  CHECK (vips_xyz (&xy, width, height, NULL));
  CHECK (vips_linear (xy, &centred, (double[]) { 1, 1 }, (double[]) { -width / 2.0, -height / 2.0 }, 2, NULL));
  CHECK (vips_multiply (centred, centred, &distance, NULL));
  CHECK (vips_bandmean (distance, &summed, NULL));
  CHECK (vips_linear1 (summed, &fade, -255.0 / reach, 255.0, "uchar", TRUE, NULL));
  CHECK (vips_bandjoin2 (image, fade, &out, NULL));
  g_object_unref (xy);
  g_object_unref (centred);
  g_object_unref (distance);
  g_object_unref (summed);
  g_object_unref (fade);
  out->Type = VIPS_INTERPRETATION_sRGB;
  return out;
}

/* The benchmark's inputs: photographs of 1 to 25 megapixels as JPEG, and
 * as PNG every other one with alpha; a 10000×10000 JPEG for peak memory. */
static int
make_bench_inputs (const char *folder)
{
  static const int megapixels[] = { 1, 2, 3, 5, 8, 12, 16, 25 };
  g_autofree char *jpeg = g_build_filename (folder, "jpeg", NULL);
  g_autofree char *png = g_build_filename (folder, "png", NULL);
  g_autofree char *huge = g_build_filename (folder, "huge-10000x10000.jpg", NULL);
  VipsImage *image;

  g_mkdir_with_parents (jpeg, 0755);
  g_mkdir_with_parents (png, 0755);
  for (guint i = 0; i < G_N_ELEMENTS (megapixels); i++)
    {
      int height = (int) (sqrt (megapixels[i] * 1e6 * 3 / 4));
      int width = height * 4 / 3;
      g_autofree char *name = g_strdup_printf ("%02dmp-%dx%d", megapixels[i], width, height);
      g_autofree char *jpeg_path = g_strdup_printf ("%s/%s.jpg", jpeg, name);
      g_autofree char *png_path = g_strdup_printf ("%s/%s%s.png", png, name, i % 2 ? "-alpha" : "");

      image = photo (width, height, 100 + i);
      CHECK (vips_jpegsave (image, jpeg_path, "Q", 90, NULL));
      if (i % 2)
        {
          VipsImage *alpha = with_radial_alpha (image, (width * width + height * height) / 11.0);

          CHECK (vips_pngsave (alpha, png_path, NULL));
          g_object_unref (alpha);
        }
      else
        CHECK (vips_pngsave (image, png_path, NULL));
      g_object_unref (image);
    }
  image = photo (10000, 10000, 99);
  CHECK (vips_jpegsave (image, huge, "Q", 90, NULL));
  g_object_unref (image);
  return 0;
}

/* An upright landscape image, red above and blue below, stored turned a
 * quarter to the left with EXIF orientation 6, as phone cameras write it. */
static VipsImage *
sideways (void)
{
  VipsImage *red, *blue, *upright, *stored, *copy;
  double r[] = { 220, 30, 30 }, b[] = { 30, 30, 220 };

  CHECK (vips_black (&red, 800, 200, "bands", 3, NULL));
  CHECK (vips_black (&blue, 800, 200, "bands", 3, NULL));
  {
    VipsImage *t;

    CHECK (vips_linear (red, &t, (double[]) { 1, 1, 1 }, r, 3, "uchar", TRUE, NULL));
    g_object_unref (red);
    red = t;
    CHECK (vips_linear (blue, &t, (double[]) { 1, 1, 1 }, b, 3, "uchar", TRUE, NULL));
    g_object_unref (blue);
    blue = t;
  }
  CHECK (vips_join (red, blue, &upright, VIPS_DIRECTION_VERTICAL, NULL));
  CHECK (vips_rot (upright, &stored, VIPS_ANGLE_D270, NULL));
  CHECK (vips_copy (stored, &copy, NULL));
  copy->Type = VIPS_INTERPRETATION_sRGB;
  vips_image_set_int (copy, VIPS_META_ORIENTATION, 6);
  g_object_unref (red);
  g_object_unref (blue);
  g_object_unref (upright);
  g_object_unref (stored);
  return copy;
}

static void
write_bytes (const char *dir,
             const char *name,
             const void *data,
             gsize       length)
{
  g_autofree char *path = g_build_filename (dir, name, NULL);
  g_autoptr(GError) error = NULL;

  if (!g_file_set_contents (path, data, length, &error))
    {
      fprintf (stderr, "make-samples: %s\n", error->message);
      exit (1);
    }
}

/* Sets the height and width in a baseline JPEG's SOF0 segment. */
static void
patch_jpeg_size (guchar *data,
                 gsize   length,
                 guint   width,
                 guint   height)
{
  for (gsize i = 2; i + 9 < length; i++)
    if (data[i] == 0xFF && data[i + 1] == 0xC0)
      {
        data[i + 5] = height >> 8;
        data[i + 6] = height & 0xFF;
        data[i + 7] = width >> 8;
        data[i + 8] = width & 0xFF;
        return;
      }
  fail ("finding the JPEG SOF0 segment");
}

int
main (int    argc,
      char **argv)
{
  g_autofree char *good = NULL;
  g_autofree char *bad = NULL;
  VipsImage *image, *t, *with_alpha, *grey, *cmyk, *wide;
  void *buffer;
  size_t length;

  if (VIPS_INIT (argv[0]) != 0 || argc != 3)
    {
      fprintf (stderr, "usage: make-samples OUTDIR STAMP | make-samples --bench OUTDIR\n");
      return 2;
    }
  if (strcmp (argv[1], "--bench") == 0)
    return make_bench_inputs (argv[2]);
  good = g_build_filename (argv[1], "good", NULL);
  bad = g_build_filename (argv[1], "bad", NULL);
  g_mkdir_with_parents (good, 0755);
  g_mkdir_with_parents (bad, 0755);

#define GOOD(name) g_build_filename (good, name, NULL)
  image = photo (1600, 1200, 7);
  {
    g_autofree char *p1 = GOOD ("photo-baseline.jpg");
    g_autofree char *p2 = GOOD ("photo-progressive.jpg");
    g_autofree char *p3 = GOOD ("photo-webp.webp");
    g_autofree char *p4 = GOOD ("photo-tiff.tif");
    g_autofree char *p5 = GOOD ("photo-gif.gif");
    g_autofree char *p6 = GOOD ("photo-png.png");

    CHECK (vips_jpegsave (image, p1, "Q", 90, NULL));
    CHECK (vips_jpegsave (image, p2, "Q", 85, "interlace", TRUE, NULL));
    CHECK (vips_webpsave (image, p3, "Q", 85, NULL));
    CHECK (vips_tiffsave (image, p4, "compression", VIPS_FOREIGN_TIFF_COMPRESSION_DEFLATE, NULL));
    CHECK (vips_gifsave (image, p5, NULL));
    CHECK (vips_pngsave (image, p6, NULL));
  }

  /* Portrait, with alpha: a radial fade. */
  wide = photo (900, 1400, 11);
  with_alpha = with_radial_alpha (wide, 250000);
  {
    g_autofree char *p = GOOD ("portrait-alpha.png");
    g_autofree char *p16 = GOOD ("portrait-16bit.png");
    VipsImage *wide16;

    CHECK (vips_pngsave (with_alpha, p, NULL));
    CHECK (vips_linear1 (wide, &t, 257.0, 0.0, NULL));
    CHECK (vips_cast_ushort (t, &wide16, NULL));
    g_object_unref (t);
    wide16->Type = VIPS_INTERPRETATION_RGB16;
    CHECK (vips_pngsave (wide16, p16, NULL));
    g_object_unref (wide16);
  }

  CHECK (vips_colourspace (image, &grey, VIPS_INTERPRETATION_B_W, NULL));
  {
    g_autofree char *p = GOOD ("grey.jpg");

    CHECK (vips_jpegsave (grey, p, NULL));
  }
  CHECK (vips_icc_export (image, &cmyk, "output_profile", "cmyk", NULL));
  {
    g_autofree char *p = GOOD ("cmyk.jpg");

    CHECK (vips_jpegsave (cmyk, p, NULL));
  }
  {
    g_autofree char *p = GOOD ("sideways-exif6.jpg");
    VipsImage *side = sideways ();

    CHECK (vips_jpegsave (side, p, NULL));
    g_object_unref (side);
  }
  if (vips_type_find ("VipsOperation", "heifsave") != 0)
    {
      g_autofree char *pa = GOOD ("photo-avif.avif");
      g_autofree char *ph = GOOD ("photo-heic.heic");

      CHECK (vips_heifsave (image, pa, "compression", VIPS_FOREIGN_HEIF_COMPRESSION_AV1, NULL));
      if (vips_heifsave (image, ph, NULL) != 0)
        {
          /* Some builds of libheif have no HEVC encoder: skip that format. */
          vips_error_clear ();
          g_unlink (ph);
        }
    }

  /* Inputs that must fail, each for its own reason. */
  CHECK (vips_jpegsave_buffer (image, &buffer, &length, NULL));
  write_bytes (bad, "truncated.jpg", buffer, length / 2);
  {
    guchar *corrupt = g_memdup2 (buffer, length);

    /* Garbage over the quantisation and frame headers. */
    for (gsize i = 20; i < 400 && i < length; i++)
      corrupt[i] = (guchar) (i * 37);
    write_bytes (bad, "corrupt.jpg", corrupt, length);
    g_free (corrupt);
  }
  {
    guchar *huge = g_memdup2 (buffer, length);

    patch_jpeg_size (huge, length, 60000, 60000);
    write_bytes (bad, "enormous-60000x60000.jpg", huge, length);
    g_free (huge);
  }
  g_free (buffer);
  CHECK (vips_pngsave_buffer (image, &buffer, &length, NULL));
  {
    guchar *corrupt = g_memdup2 (buffer, length);

    /* Garbage inside the compressed pixel data. */
    for (gsize i = length / 2; i < length / 2 + 2000 && i < length; i++)
      corrupt[i] ^= 0x5A;
    write_bytes (bad, "corrupt.png", corrupt, length);
    g_free (corrupt);
  }
  g_free (buffer);
  write_bytes (bad, "empty.jpg", "", 0);
  {
    const char *text = "This is a text file, not an image.\n";

    write_bytes (bad, "not-an-image.jpg", text, strlen (text));
  }

  g_object_unref (image);
  g_object_unref (wide);
  g_object_unref (with_alpha);
  g_object_unref (grey);
  g_object_unref (cmyk);
  write_bytes (".", argv[2], "", 0);
  vips_shutdown ();
  return 0;
}
