/* thumbing-image-hash.c: BlurHash, ThumbHash and colours of small RGBA images
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Front ends draw these while the image loads. Both encodings follow their
 * reference encoders (woltapp's blurhash, Evan Wallace's thumbhash, as
 * published on npm) operation for operation, in double precision and in
 * the same order of summation, so the strings are the same for the same
 * pixels: tests/test-placeholder.py compares them on real images.
 */
#include "config.h"

#include <math.h>
#include <string.h>

#include <glib/gi18n-lib.h>
#include <thumbing/thumbing.h>

#include "thumbing-image-hash.h"

static const char base83[] =
  "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz#$%*+,-.:;=?@[]^_{|}~";

static void
append_base83 (GString *out,
               double   value,
               int      length)
{
  for (int n = 1; n <= length; n++)
    out = g_string_append_c (out, base83[(int) floor (fmod (floor (value) / pow (83, length - n), 83))]);
}

static double
srgb_to_linear (guint8 value)
{
  double v = value / 255.0;

  return v <= 0.04045 ? v / 12.92 : pow ((v + 0.055) / 1.055, 2.4);
}

static int
linear_to_srgb (double value)
{
  double v = MAX (0.0, MIN (1.0, value));

  return v <= 0.0031308 ? (int) trunc (v * 12.92 * 255 + 0.5)
                        : (int) trunc ((1.055 * pow (v, 0.4166666666666667) - 0.055) * 255 + 0.5);
}

static double
sign_pow (double value,
          double exponent)
{
  return (value < 0 ? -1 : 1) * pow (fabs (value), exponent);
}

/* Columns outer, rows inner, as the reference sums. */
static void
blurhash_factor (const guint8 *rgba,
                 int           width,
                 int           height,
                 int           x_component,
                 int           y_component,
                 double        factor[3])
{
  double normalisation = x_component == 0 && y_component == 0 ? 1 : 2;
  double r = 0, g = 0, b = 0;
  double scale = 1.0 / (width * height);

  for (int x = 0; x < width; x++)
    for (int y = 0; y < height; y++)
      {
        const guint8 *pixel = rgba + 4 * x + (gsize) 4 * width * y;
        double basis = normalisation * cos (M_PI * x_component * x / width) * cos (M_PI * y_component * y / height);

        r += basis * srgb_to_linear (pixel[0]);
        g += basis * srgb_to_linear (pixel[1]);
        b += basis * srgb_to_linear (pixel[2]);
      }
  factor[0] = r * scale;
  factor[1] = g * scale;
  factor[2] = b * scale;
}

/**
 * thumbing_blurhash_encode:
 * @rgba: (array): @width × @height pixels, 4 bytes each (alpha is not used)
 * @width: a width
 * @height: a height
 * @x_components: horizontal components, 1 to 9
 * @y_components: vertical components, 1 to 9
 *
 * Returns: (transfer full): the BlurHash of the pixels
 */
char *
thumbing_blurhash_encode (const guint8 *rgba,
                          int           width,
                          int           height,
                          int           x_components,
                          int           y_components)
{
  int n = x_components * y_components;
  g_autofree double *storage = g_new (double, 3 * n);
  double (*factors)[3] = (double (*)[3]) storage;
  GString *hash = g_string_new (NULL);
  double maximum = 1;

  g_return_val_if_fail (x_components >= 1 && x_components <= 9 && y_components >= 1 && y_components <= 9, NULL);
  for (int y = 0; y < y_components; y++)
    for (int x = 0; x < x_components; x++)
      blurhash_factor (rgba, width, height, x, y, factors[y * x_components + x]);

  append_base83 (hash, (x_components - 1) + (y_components - 1) * 9, 1);
  if (n > 1)
    {
      /* The largest component value, signed, as the reference takes it. */
      double actual = -INFINITY;
      double quantised;

      for (int i = 1; i < n; i++)
        for (int c = 0; c < 3; c++)
          actual = MAX (actual, factors[i][c]);
      quantised = floor (MAX (0, MIN (82, floor (actual * 166 - 0.5))));
      maximum = (quantised + 1) / 166;
      append_base83 (hash, quantised, 1);
    }
  else
    append_base83 (hash, 0, 1);

  append_base83 (hash, ((double) linear_to_srgb (factors[0][0]) * 65536) + (linear_to_srgb (factors[0][1]) << 8)
                       + linear_to_srgb (factors[0][2]), 4);
  for (int i = 1; i < n; i++)
    {
      int q[3];

      for (int c = 0; c < 3; c++)
        q[c] = (int) floor (MAX (0, MIN (18, floor (sign_pow (factors[i][c] / maximum, 0.5) * 9 + 9.5))));
      append_base83 (hash, q[0] * 19 * 19 + q[1] * 19 + q[2], 2);
    }
  return g_string_free (hash, FALSE);
}

/* JavaScript's Math.round: halves go up. */
static double
js_round (double value)
{
  double below = floor (value);

  return value - below >= 0.5 ? below + 1 : below;
}

typedef struct
{
  double  dc;
  double  scale;
  GArray *ac;   /* double */
} Channel;

static void
encode_channel (const double *channel,
                int           width,
                int           height,
                int           nx,
                int           ny,
                Channel      *out)
{
  g_autofree double *fx = g_new (double, width);

  out->dc = 0;
  out->scale = 0;
  out->ac = g_array_new (FALSE, FALSE, sizeof (double));
  for (int cy = 0; cy < ny; cy++)
    for (int cx = 0; cx * ny < nx * (ny - cy); cx++)
      {
        double f = 0;

        for (int x = 0; x < width; x++)
          fx[x] = cos (M_PI / width * cx * (x + 0.5));
        for (int y = 0; y < height; y++)
          {
            double fy = cos (M_PI / height * cy * (y + 0.5));

            for (int x = 0; x < width; x++)
              f += channel[x + y * width] * fx[x] * fy;
          }
        f /= width * height;
        if (cx != 0 || cy != 0)
          {
            g_array_append_val (out->ac, f);
            out->scale = MAX (out->scale, fabs (f));
          }
        else
          out->dc = f;
      }
  if (out->scale != 0)
    for (guint i = 0; i < out->ac->len; i++)
      g_array_index (out->ac, double, i) = 0.5 + 0.5 / out->scale * g_array_index (out->ac, double, i);
}

/**
 * thumbing_thumbhash_encode:
 * @rgba: (array): @width × @height pixels, 4 bytes each, not premultiplied
 * @width: a width, at most %THUMBING_THUMBHASH_MAX_SIDE
 * @height: a height, at most %THUMBING_THUMBHASH_MAX_SIDE
 * @noise: (nullable) (element-type guint): receives the index of each
 *   varying factor that rounding decides: one on a quantisation boundary
 *   but for the last bits of its cosines (a symmetric image has many exact
 *   zeros, 7.5 when quantised), and every factor of a flat channel (noise
 *   over noise); their nibbles differ between implementations
 *
 * Returns: (transfer full): the ThumbHash of the pixels, in base64
 */
char *
thumbing_thumbhash_encode (const guint8 *rgba,
                           int           width,
                           int           height,
                           GArray       *noise)
{
  gsize n = (gsize) width * height;
  g_autofree double *l = g_new (double, n);
  g_autofree double *p = g_new (double, n);
  g_autofree double *q = g_new (double, n);
  g_autofree double *a = g_new (double, n);
  double avg_r = 0, avg_g = 0, avg_b = 0, avg_a = 0;
  gboolean has_alpha, landscape;
  double l_limit;
  int lx, ly, header24, header16;
  Channel lc, pc, qc, ac = { 0 };
  g_autoptr(GByteArray) hash = g_byte_array_new ();
  guint ac_start, ac_index = 0;
  Channel *channels[4];
  char *text;

  g_return_val_if_fail (width >= 1 && height >= 1 && width <= THUMBING_THUMBHASH_MAX_SIDE
                        && height <= THUMBING_THUMBHASH_MAX_SIDE, NULL);
  for (gsize i = 0, j = 0; i < n; i++, j += 4)
    {
      double alpha = rgba[j + 3] / 255.0;

      avg_r += alpha / 255 * rgba[j];
      avg_g += alpha / 255 * rgba[j + 1];
      avg_b += alpha / 255 * rgba[j + 2];
      avg_a += alpha;
    }
  if (avg_a != 0)
    {
      avg_r /= avg_a;
      avg_g /= avg_a;
      avg_b /= avg_a;
    }

  has_alpha = avg_a < n;
  l_limit = has_alpha ? 5 : 7;
  lx = MAX (1, (int) js_round (l_limit * width / MAX (width, height)));
  ly = MAX (1, (int) js_round (l_limit * height / MAX (width, height)));
  /* Composited over the average colour, in luminance and two chroma axes. */
  for (gsize i = 0, j = 0; i < n; i++, j += 4)
    {
      double alpha = rgba[j + 3] / 255.0;
      double r = avg_r * (1 - alpha) + alpha / 255 * rgba[j];
      double g = avg_g * (1 - alpha) + alpha / 255 * rgba[j + 1];
      double b = avg_b * (1 - alpha) + alpha / 255 * rgba[j + 2];

      l[i] = (r + g + b) / 3;
      p[i] = (r + g) / 2 - b;
      q[i] = r - g;
      a[i] = alpha;
    }
  encode_channel (l, width, height, MAX (3, lx), MAX (3, ly), &lc);
  encode_channel (p, width, height, 3, 3, &pc);
  encode_channel (q, width, height, 3, 3, &qc);
  if (has_alpha)
    encode_channel (a, width, height, 5, 5, &ac);

  landscape = width > height;
  header24 = (int) js_round (63 * lc.dc) | ((int) js_round (31.5 + 31.5 * pc.dc) << 6)
             | ((int) js_round (31.5 + 31.5 * qc.dc) << 12) | ((int) js_round (31 * lc.scale) << 18)
             | (has_alpha << 23);
  header16 = (landscape ? ly : lx) | ((int) js_round (63 * pc.scale) << 3) | ((int) js_round (63 * qc.scale) << 9)
             | (landscape << 15);
  {
    guint8 header[6] = { header24 & 255, (header24 >> 8) & 255, header24 >> 16, header16 & 255, header16 >> 8, 0 };

    if (has_alpha)
      header[5] = (int) js_round (15 * ac.dc) | ((int) js_round (15 * ac.scale) << 4);
    g_byte_array_append (hash, header, has_alpha ? 6 : 5);
  }
  ac_start = has_alpha ? 6 : 5;
  channels[0] = &lc;
  channels[1] = &pc;
  channels[2] = &qc;
  channels[3] = &ac;
  for (int c = 0; c < (has_alpha ? 4 : 3); c++)
    for (guint i = 0; i < channels[c]->ac->len; i++, ac_index++)
      {
        guint at = ac_start + (ac_index >> 1);
        guint8 zero = 0;
        double factor = g_array_index (channels[c]->ac, double, i);

        /* A flat channel's factors are rounding noise divided by rounding
         * noise: any value; others may sit on a boundary. */
        if (noise != NULL && (channels[c]->scale < 1e-10 || fabs (15 * factor - floor (15 * factor) - 0.5) < 1e-9))
          g_array_append_val (noise, ac_index);
        while (hash->len <= at)
          g_byte_array_append (hash, &zero, 1);
        hash->data[at] |= (int) js_round (15 * factor) << ((ac_index & 1) << 2);
      }
  for (int c = 0; c < 4; c++)
    if (channels[c]->ac != NULL)
      g_array_unref (channels[c]->ac);
  text = g_base64_encode (hash->data, hash->len);
  return text;
}

/**
 * thumbing_image_colors:
 * @rgba: (array): @width × @height pixels, 4 bytes each, not premultiplied
 * @width: a width
 * @height: a height
 * @colors: (out caller-allocates): the average and dominant colours, and
 *   whether any pixel is transparent
 *
 * The average is weighted by alpha. The dominant colour is the mean of the
 * pixels in the most covered cell of a 16×16×16 division of sRGB, so a
 * photograph's sky or a logo's background wins over scattered detail.
 */
void
thumbing_image_colors (const guint8        *rgba,
                       int                  width,
                       int                  height,
                       ThumbingImageColors *colors)
{
  g_autofree double *cells = g_new0 (double, 4096 * 4);   /* weight, r, g, b */
  gsize n = (gsize) width * height;
  double sum[4] = { 0 };
  guint best = 0;

  colors->transparent = FALSE;
  for (gsize i = 0; i < n; i++)
    {
      const guint8 *pixel = rgba + 4 * i;
      double weight = pixel[3] / 255.0;
      guint cell = (pixel[0] >> 4) << 8 | (pixel[1] >> 4) << 4 | pixel[2] >> 4;

      colors->transparent |= pixel[3] != 255;
      for (int c = 0; c < 3; c++)
        {
          sum[c] += weight * pixel[c];
          cells[cell * 4 + 1 + c] += weight * pixel[c];
        }
      sum[3] += weight;
      cells[cell * 4] += weight;
    }
  for (guint cell = 1; cell < 4096; cell++)
    if (cells[cell * 4] > cells[best * 4])
      best = cell;
  for (int c = 0; c < 3; c++)
    {
      colors->average[c] = sum[3] > 0 ? (guint8) js_round (sum[c] / sum[3]) : 0;
      colors->dominant[c] = cells[best * 4] > 0 ? (guint8) js_round (cells[best * 4 + 1 + c] / cells[best * 4]) : 0;
    }
}

/**
 * thumbing_image_hash_pixels:
 * @image: a decoded image
 * @width: (out): the width of the pixels
 * @height: (out): their height
 * @error: return location for a #GError
 *
 * Scales @image to fit ThumbHash's 100×100 (never up), in sRGB with alpha:
 * the pixels the hashes and colours are computed on.
 *
 * Returns: (transfer full): @width × @height RGBA pixels, or %NULL
 */
guint8 *
thumbing_image_hash_pixels (VipsImage  *image,
                            int        *width,
                            int        *height,
                            GError    **error)
{
  VipsImage *small = NULL, *srgb = NULL, *bytes = NULL, *rgba = NULL;
  guint8 *pixels = NULL;
  size_t size = 0;

  if (vips_thumbnail_image (image, &small, THUMBING_THUMBHASH_MAX_SIDE, "height", THUMBING_THUMBHASH_MAX_SIDE,
                            "size", VIPS_SIZE_DOWN, NULL) == 0
      && vips_colourspace (small, &srgb, VIPS_INTERPRETATION_sRGB, NULL) == 0
      && vips_cast_uchar (srgb, &bytes, NULL) == 0
      && (vips_image_hasalpha (bytes) ? vips_copy (bytes, &rgba, NULL) : vips_addalpha (bytes, &rgba, NULL)) == 0)
    pixels = vips_image_write_to_memory (rgba, &size);
  if (pixels != NULL && rgba->Bands == 4 && size == (size_t) rgba->Xsize * rgba->Ysize * 4)
    {
      *width = rgba->Xsize;
      *height = rgba->Ysize;
    }
  else
    {
      g_clear_pointer (&pixels, g_free);
      g_set_error (error, THUMBING_ERROR, THUMBING_ERROR_FAILED, _("cannot scale the image for its placeholder: %s"),
                   vips_error_buffer ());
      vips_error_clear ();
    }
  g_clear_object (&small);
  g_clear_object (&srgb);
  g_clear_object (&bytes);
  g_clear_object (&rgba);
  return pixels;
}
