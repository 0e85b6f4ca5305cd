/* fuzz-jpeg-reader.c: resize's libjpeg reader on any bytes, against libvips's jpegload
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "config.h"

#include <string.h>

#include "fuzz-common.h"
#include "thumbing-jpeg-reader.h"
#include "thumbing-vips-encoder.h"

/* libvips warns of damage it read past ("read gave 38 warnings"): the
 * input's fault, not a bug; the plugin demotes them as well. */
static void
ignore_vips_warning (const char     *log_domain,
                     GLogLevelFlags  log_level,
                     const char     *message,
                     gpointer        user_data)
{
}

void
fuzz_set_up (void)
{
  g_log_set_handler ("VIPS", G_LOG_LEVEL_WARNING, ignore_vips_warning, NULL);
  if (VIPS_INIT ("fuzz-jpeg-reader") != 0)
    g_error ("libvips does not start: %s", vips_error_buffer ());
  vips_concurrency_set (1);
  vips_cache_set_max (0);
}

static gboolean
go_on (gpointer data)
{
  return TRUE;
}

/* Byte 0: shrink (1, 2, 4 or 8) and fail-on; the rest is the JPEG. What
 * libvips opens, the reader decodes at its size or fails with an error;
 * where both decode it, to the same pixels. (On some damaged inputs libvips
 * reads past the data where libjpeg's own tools and the reader do not, and
 * fails where they decode.) */
int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  int shrink, fail_on;
  const char *loader = NULL;
  g_autoptr(VipsImage) whole = NULL;
  g_autoptr(VipsImage) header = NULL;
  g_autoptr(VipsImage) loaded = NULL;
  g_autoptr(VipsImage) theirs = NULL;
  g_autoptr(VipsImage) ours = NULL;
  g_autoptr(GError) error = NULL;
  gboolean unsupported = FALSE;

  if (size < 4)
    return 0;
  shrink = 1 << (data[0] & 3);
  fail_on = (data[0] >> 2) % 4;
  /* libvips 8.14 asserts (aborts) on a shrink past the image's size;
   * resize never asks for one. */
  whole = vips_image_new_from_buffer (data + 1, size - 1, "", NULL);
  if (whole == NULL || whole->Xsize / shrink == 0 || whole->Ysize / shrink == 0)
    {
      vips_error_clear ();
      return 0;
    }
  header = vips_image_new_from_buffer (data + 1, size - 1, "", "access", VIPS_ACCESS_SEQUENTIAL, "shrink", shrink,
                                       "fail_on", fail_on, NULL);
  if (header == NULL || vips_image_get_string (header, VIPS_META_LOADER, &loader) != 0
      || !g_str_has_prefix (loader, "jpegload") || (guint64) header->Xsize * header->Ysize > 4 * 1000 * 1000)
    {
      vips_error_clear ();
      return 0;
    }
  ours = thumbing_jpeg_reader_read (data + 1, size - 1, shrink, fail_on, header, go_on, NULL, &unsupported, &error);
  if (unsupported)
    return 0;
  loaded = vips_image_new_from_buffer (data + 1, size - 1, "", "access", VIPS_ACCESS_SEQUENTIAL, "shrink", shrink,
                                       "fail_on", fail_on, NULL);
  theirs = loaded != NULL ? vips_image_copy_memory (loaded) : NULL;
  vips_error_clear ();
  g_assert ((ours == NULL) == (error != NULL));
  if (ours != NULL)
    g_assert (ours->Xsize == header->Xsize && ours->Ysize == header->Ysize && ours->Bands == header->Bands);
  if (ours != NULL && theirs != NULL)
    {
      size_t a_length = 0, b_length = 0;
      g_autofree guint8 *a = vips_image_write_to_memory (ours, &a_length);
      g_autofree guint8 *b = vips_image_write_to_memory (theirs, &b_length);

      g_assert (a_length == b_length && memcmp (a, b, a_length) == 0);
    }
  return 0;
}
