/* test-jpeg-reader.c: resize's libjpeg reader, pixel for pixel against libvips's jpegload
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The reader must decode what libvips's jpegload decodes, with the same
 * shrink, size and metadata, and fail where it fails: on the samples, on
 * JPEGs Debian installs here and the wallpapers bench/corpus.py fetched,
 * on sizes no shrink divides, and on damaged inputs under each fail-on.
 */
#include "config.h"

#include <string.h>

#include "thumbing-jpeg-reader.h"
#include "thumbing-test-util.h"
#include "thumbing-test-vips.h"

static gboolean
always (gpointer data)
{
  return TRUE;
}

static gboolean
never (gpointer data)
{
  return FALSE;
}

/* @data opened by libvips's jpegload as resize opens it: sequential,
 * shrunk by @shrink, failing on @fail_on; NULL where the header fails. */
static VipsImage *
open_shrunk (GBytes     *data,
             int         shrink,
             VipsFailOn  fail_on)
{
  gsize length = 0;
  const void *bytes = g_bytes_get_data (data, &length);

  return vips_image_new_from_buffer (bytes, length, "", "access", VIPS_ACCESS_SEQUENTIAL, "shrink", shrink,
                                     "fail_on", fail_on, NULL);
}

/* libvips's decode of @data shrunk by @shrink, or NULL where it fails. */
static VipsImage *
libvips_decode (GBytes     *data,
                int         shrink,
                VipsFailOn  fail_on)
{
  g_autoptr(VipsImage) loaded = open_shrunk (data, shrink, fail_on);
  VipsImage *decoded;

  if (loaded == NULL)
    return NULL;
  decoded = vips_image_copy_memory (loaded);
  vips_error_clear ();
  return decoded;
}

/* Decodes @data with the reader and with libvips and checks they agree:
 * both fail, or the same size, bands, interpretation, orientation and
 * pixels. Returns whether they decoded it. */
static gboolean
assert_like_libvips (GBytes     *data,
                     int         shrink,
                     VipsFailOn  fail_on,
                     const char *label)
{
  gsize length = 0;
  const guint8 *bytes = g_bytes_get_data (data, &length);
  g_autoptr(VipsImage) header = open_shrunk (data, shrink, fail_on);
  g_autoptr(VipsImage) theirs = libvips_decode (data, shrink, fail_on);
  g_autoptr(VipsImage) ours = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree guint8 *a = NULL, *b = NULL;
  size_t a_length = 0, b_length = 0;
  gboolean unsupported = TRUE;

  if (header == NULL)
    {
      /* Not even a header: resize fails before it would decode. */
      g_assert_null (theirs);
      vips_error_clear ();
      return FALSE;
    }
  ours = thumbing_jpeg_reader_read (bytes, length, shrink, fail_on, header, always, NULL, &unsupported, &error);
  g_assert_false (unsupported);
  g_test_message ("%s, shrink %d, fail-on %d: %s", label, shrink, fail_on,
                  ours != NULL ? "decoded" : error->message);
  if (theirs == NULL)
    {
      g_assert_null (ours);
      g_assert_error (error, THUMBING_ERROR, THUMBING_ERROR_BAD_INPUT);
      return FALSE;
    }
  g_assert_no_error (error);
  g_assert_nonnull (ours);
  g_assert_cmpint (ours->Xsize, ==, theirs->Xsize);
  g_assert_cmpint (ours->Ysize, ==, theirs->Ysize);
  g_assert_cmpint (ours->Bands, ==, theirs->Bands);
  g_assert_cmpint (ours->Type, ==, theirs->Type);
  g_assert_cmpint (vips_image_get_orientation (ours), ==, vips_image_get_orientation (theirs));
  a = vips_image_write_to_memory (ours, &a_length);
  b = vips_image_write_to_memory (theirs, &b_length);
  g_assert_cmpuint (a_length, ==, b_length);
  if (memcmp (a, b, a_length) != 0)
    g_error ("%s, shrink %d: pixels differ from libvips's", label, shrink);
  return TRUE;
}

/* Read from the file @path, a chunk at a time, the reader gives what it
 * gives from the same bytes in memory: an image, or the same error. */
static void
assert_file_like_bytes (const char *path,
                        GBytes     *data,
                        int         shrink,
                        VipsFailOn  fail_on)
{
  gsize length = 0;
  const guint8 *bytes = g_bytes_get_data (data, &length);
  g_autoptr(VipsImage) header = open_shrunk (data, shrink, fail_on);
  g_autoptr(VipsImage) from_bytes = NULL, from_file = NULL;
  g_autoptr(GError) bytes_error = NULL, file_error = NULL;
  gboolean unsupported = FALSE;

  g_assert_nonnull (header);
  from_bytes = thumbing_jpeg_reader_read (bytes, length, shrink, fail_on, header, always, NULL, &unsupported,
                                          &bytes_error);
  from_file = thumbing_jpeg_reader_read_file (path, shrink, fail_on, header, always, NULL, &unsupported,
                                              &file_error);
  g_assert_false (unsupported);
  if (from_bytes == NULL)
    {
      g_assert_null (from_file);
      g_assert_cmpstr (file_error->message, ==, bytes_error->message);
      return;
    }
  g_assert_nonnull (from_file);
  {
    size_t a_length = 0, b_length = 0;
    g_autofree guint8 *a = vips_image_write_to_memory (from_bytes, &a_length);
    g_autofree guint8 *b = vips_image_write_to_memory (from_file, &b_length);

    g_assert_cmpuint (a_length, ==, b_length);
    g_assert_true (memcmp (a, b, a_length) == 0);
  }
}

static void
assert_every_shrink (const char *path)
{
  g_autoptr(GMappedFile) mapped = g_mapped_file_new (path, FALSE, NULL);
  g_autoptr(GBytes) data = NULL;

  g_assert_nonnull (mapped);
  data = g_mapped_file_get_bytes (mapped);
  for (int shrink = 1; shrink <= 8; shrink *= 2)
    {
      g_assert_true (assert_like_libvips (data, shrink, VIPS_FAIL_ON_ERROR, path));
      assert_file_like_bytes (path, data, shrink, VIPS_FAIL_ON_ERROR);
    }
}

/* A photograph of several 64 KiB chunks cut short in its fourth: read
 * from the file, it fails as from memory, or decodes the same with
 * fail-on none; a file that cannot be opened is an error naming it. */
static void
test_files (void)
{
  g_autofree char *photo = thumbing_test_sample ("good", "photo-baseline.jpg");
  g_autofree char *folder = thumbing_test_make_tempdir ();
  g_autofree char *cut = g_build_filename (folder, "cut.jpg", NULL);
  g_autofree char *contents = NULL;
  g_autoptr(GBytes) data = NULL;
  g_autoptr(GError) error = NULL;
  gsize length = 0;
  gboolean unsupported = TRUE;

  g_assert_true (g_file_get_contents (photo, &contents, &length, NULL));
  g_assert_cmpuint (length, >, 4 * 64 * 1024);
  g_assert_true (g_file_set_contents (cut, contents, 3 * 64 * 1024 + 1000, NULL));
  data = g_bytes_new (contents, 3 * 64 * 1024 + 1000);
  for (int shrink = 1; shrink <= 8; shrink *= 8)
    {
      assert_file_like_bytes (cut, data, shrink, VIPS_FAIL_ON_ERROR);
      assert_file_like_bytes (cut, data, shrink, VIPS_FAIL_ON_NONE);
    }
  {
    g_autoptr(VipsImage) header = vips_image_new_from_buffer (contents, length, "", NULL);
    g_autofree char *gone = g_build_filename (folder, "gone.jpg", NULL);

    g_assert_null (thumbing_jpeg_reader_read_file (gone, 1, VIPS_FAIL_ON_ERROR, header, always, NULL, &unsupported,
                                                   &error));
    g_assert_false (unsupported);
    g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
    g_assert_nonnull (strstr (error->message, "gone.jpg"));
  }
  thumbing_test_remove_tree (folder);
}

/* The samples (baseline, progressive, grey, stored sideways), the JPEGs
 * Debian installs under /usr/share here, and the wallpapers bench/corpus.py
 * fetched where it has run. */
static void
test_matches_libvips (void)
{
  const char *names[] = { "photo-baseline.jpg", "photo-progressive.jpg", "grey.jpg", "sideways-exif6.jpg" };
  g_autofree char *wallpapers = g_build_filename (g_getenv ("THUMBING_BUILD_ROOT") != NULL
                                                  ? g_getenv ("THUMBING_BUILD_ROOT") : ".",
                                                  "bench", "debian", "unpacked", NULL);
  g_autoptr(GPtrArray) found = g_ptr_array_new_with_free_func (g_free);

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autofree char *path = thumbing_test_sample ("good", names[i]);

      assert_every_shrink (path);
    }
  thumbing_test_collect_files (wallpapers, ".jpg", found, 12);
  thumbing_test_collect_files ("/usr/share/doc", ".jpg", found, found->len + 12);
  thumbing_test_collect_files ("/usr/share/gtk-doc", ".jpg", found, found->len + 6);
  for (guint i = 0; i < found->len; i++)
    {
      g_autoptr(VipsImage) header = vips_image_new_from_file (found->pdata[i], NULL);

      /* CMYK is libvips's: the next test. */
      if (header != NULL && (header->Bands == 3 || header->Bands == 1))
        assert_every_shrink (found->pdata[i]);
      vips_error_clear ();
    }
  g_test_message ("%u JPEGs from Debian's packages agree with jpegload", found->len);
  g_assert_cmpuint (found->len, >, 0);
}

/* Sizes no shrink divides: libjpeg rounds the scaled size up, libvips
 * down; the reader keeps libvips's. Chroma subsampled and not, grey. */
static void
test_odd_sizes (void)
{
  g_autofree char *path = thumbing_test_sample ("good", "photo-baseline.jpg");
  g_autoptr(VipsImage) photo = vips_image_new_from_file (path, NULL);
  const int sizes[][2] = { { 333, 201 }, { 17, 9 }, { 8, 8 }, { 1, 1 }, { 1001, 3 } };

  for (guint i = 0; i < G_N_ELEMENTS (sizes); i++)
    for (int subsample = 0; subsample <= 1; subsample++)
      for (int bands = 1; bands <= 3; bands += 2)
        {
          g_autoptr(VipsImage) cut = NULL, coloured = NULL;
          g_autoptr(GBytes) data = NULL;
          void *buffer = NULL;
          size_t length = 0;

          g_assert_cmpint (vips_crop (photo, &cut, 40, 30, sizes[i][0], sizes[i][1], NULL), ==, 0);
          if (bands == 1)
            g_assert_cmpint (vips_colourspace (cut, &coloured, VIPS_INTERPRETATION_B_W, NULL), ==, 0);
          else
            coloured = g_object_ref (cut);
          g_assert_cmpint (vips_jpegsave_buffer (coloured, &buffer, &length, "Q", 90, "subsample_mode",
                                                 subsample ? VIPS_FOREIGN_SUBSAMPLE_ON : VIPS_FOREIGN_SUBSAMPLE_OFF,
                                                 NULL), ==, 0);
          data = g_bytes_new_take (buffer, length);
          for (int shrink = 1; shrink <= 8; shrink *= 2)
            if (sizes[i][0] / shrink > 0 && sizes[i][1] / shrink > 0)
              g_assert_true (assert_like_libvips (data, shrink, VIPS_FAIL_ON_ERROR, "crop"));
        }
}

/* Damage under every fail-on: cut short, it fails unless fail-on is none,
 * where the rest is libjpeg's grey, as libvips gives; corrupt data as
 * libvips takes it. The error names what libjpeg found. */
static void
test_damage (void)
{
  const char *names[] = { "truncated.jpg", "corrupt.jpg" };
  const VipsFailOn fail_ons[] = { VIPS_FAIL_ON_NONE, VIPS_FAIL_ON_TRUNCATED, VIPS_FAIL_ON_ERROR, VIPS_FAIL_ON_WARNING };

  for (guint n = 0; n < G_N_ELEMENTS (names); n++)
    {
      g_autofree char *path = thumbing_test_sample ("bad", names[n]);
      g_autoptr(GMappedFile) mapped = g_mapped_file_new (path, FALSE, NULL);
      g_autoptr(GBytes) data = g_mapped_file_get_bytes (mapped);

      for (guint f = 0; f < G_N_ELEMENTS (fail_ons); f++)
        for (int shrink = 1; shrink <= 8; shrink *= 4)
          {
            gboolean decoded = assert_like_libvips (data, shrink, fail_ons[f], names[n]);

            if (n == 0)
              g_assert_true (decoded == (fail_ons[f] == VIPS_FAIL_ON_NONE));
          }
    }
  {
    g_autofree char *path = thumbing_test_sample ("bad", "truncated.jpg");
    g_autoptr(GMappedFile) mapped = g_mapped_file_new (path, FALSE, NULL);
    gsize length = g_mapped_file_get_length (mapped);
    const guint8 *bytes = (const guint8 *) g_mapped_file_get_contents (mapped);
    g_autoptr(VipsImage) header = vips_image_new_from_buffer (bytes, length, "", "access", VIPS_ACCESS_SEQUENTIAL,
                                                              NULL);
    g_autoptr(GError) error = NULL;
    gboolean unsupported = TRUE;

    g_assert_null (thumbing_jpeg_reader_read (bytes, length, 1, VIPS_FAIL_ON_ERROR, header, always, NULL,
                                              &unsupported, &error));
    g_assert_error (error, THUMBING_ERROR, THUMBING_ERROR_BAD_INPUT);
    g_assert_nonnull (strstr (error->message, "Premature end"));
  }
}

/* CMYK is left to libvips; a stop asked for ends the decode, no error. */
static void
test_cmyk_and_stopping (void)
{
  g_autofree char *cmyk_path = thumbing_test_sample ("good", "cmyk.jpg");
  g_autofree char *photo_path = thumbing_test_sample ("good", "photo-baseline.jpg");
  const char *paths[] = { cmyk_path, photo_path };

  for (guint i = 0; i < G_N_ELEMENTS (paths); i++)
    {
      g_autoptr(GMappedFile) mapped = g_mapped_file_new (paths[i], FALSE, NULL);
      gsize length = g_mapped_file_get_length (mapped);
      const guint8 *bytes = (const guint8 *) g_mapped_file_get_contents (mapped);
      g_autoptr(VipsImage) header = vips_image_new_from_buffer (bytes, length, "", NULL);
      g_autoptr(GError) error = NULL;
      gboolean unsupported = FALSE;

      g_assert_null (thumbing_jpeg_reader_read (bytes, length, 1, VIPS_FAIL_ON_ERROR, header, never, NULL,
                                                &unsupported, &error));
      g_assert_no_error (error);
      g_assert_cmpint (unsupported, ==, i == 0);
    }
}

int
main (int    argc,
      char **argv)
{
  thumbing_test_init (&argc, &argv);
  g_assert_cmpint (VIPS_INIT (argv[0]), ==, 0);
  g_test_add_func ("/jpeg-reader/matches-libvips", test_matches_libvips);
  g_test_add_func ("/jpeg-reader/odd-sizes", test_odd_sizes);
  g_test_add_func ("/jpeg-reader/damage", test_damage);
  g_test_add_func ("/jpeg-reader/files", test_files);
  g_test_add_func ("/jpeg-reader/cmyk-and-stopping", test_cmyk_and_stopping);
  return g_test_run ();
}
