/* thumbing-jpeg-reader.c: JPEGs decoded by libjpeg straight into memory, for resize's common case
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * After shrink-on-load, a JPEG thumbnail is mostly libjpeg's time, and
 * libvips's loader around it (its sequential line cache, a region a strip,
 * the copies between them) added 5% to the decode of Debian's photographs
 * and of the generated ones. Here the rows go straight into the image
 * held for the reducer, decoded as libvips 8.14's jpegload decodes them:
 * libjpeg's defaults, DCT scaling by 1/shrink, the size rounded down as
 * libvips rounds it; and failing as it fails: an input cut short is an
 * error unless fail-on is none (then libjpeg fills the rest with grey), a
 * hundred warnings are an error, and with fail-on warning a warning fails
 * the next strip of eight rows. RGB and grey only; CMYK stays libvips's.
 * tests/test-jpeg-reader.c compares every pixel with libvips's. On some
 * damaged inputs libvips reads past the data where libjpeg's own djpeg and
 * this reader do not, and fails where they decode (fuzz-jpeg-reader found
 * one; its seeds keep it).
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <jpeglib.h>
#include <jerror.h>

#include <gio/gio.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <thumbing/thumbing.h>

#include "thumbing-jpeg-reader.h"

/* Rows decoded between checks, as libvips's strips. */
#define STRIP_ROWS 8

/* Warnings that make the input unreadable whatever fail-on says. */
#define MAX_WARNINGS 100

typedef struct
{
  struct jpeg_error_mgr pub;
  jmp_buf               jump;
  char                  message[JMSG_LENGTH_MAX];
  char                  first_warning[JMSG_LENGTH_MAX];
} Errors;

/* Bytes read from a file at a time: a file is read, not mapped, so its
 * pages do not count in the process's size (a 10000×10000 JPEG's 30 MB). */
#define FILE_CHUNK (64 * 1024)

typedef struct
{
  struct jpeg_source_mgr pub;
  VipsFailOn             fail_on;
  int                    fd;       /* -1: the input was given whole */
  guint8                *chunk;
} Source;

static void
on_error_exit (j_common_ptr cinfo)
{
  Errors *errors = (Errors *) cinfo->err;

  cinfo->err->format_message (cinfo, errors->message);
  longjmp (errors->jump, 1);
}

static void
on_emit_message (j_common_ptr cinfo,
                 int          level)
{
  Errors *errors = (Errors *) cinfo->err;

  if (level >= 0)
    return;
  if (++cinfo->err->num_warnings == 1)
    cinfo->err->format_message (cinfo, errors->first_warning);
  if (cinfo->err->num_warnings >= MAX_WARNINGS)
    cinfo->err->error_exit (cinfo);
}

static void
source_init (j_decompress_ptr cinfo)
{
}

/* The next chunk of a file; an input given whole is given at once
 * (libjpeg-turbo's Huffman decoder keeps to its fast path). Past the end,
 * it was cut short. */
static boolean
source_fill (j_decompress_ptr cinfo)
{
  static const JOCTET end_of_image[2] = { 0xff, JPEG_EOI };
  Source *source = (Source *) cinfo->src;

  if (source->fd >= 0)
    {
      gssize n;

      do
        n = read (source->fd, source->chunk, FILE_CHUNK);
      while (n < 0 && errno == EINTR);
      if (n < 0)
        ERREXIT (cinfo, JERR_FILE_READ);
      if (n > 0)
        {
          source->pub.next_input_byte = source->chunk;
          source->pub.bytes_in_buffer = n;
          return TRUE;
        }
    }
  if (source->fail_on >= VIPS_FAIL_ON_TRUNCATED)
    ERREXIT (cinfo, JERR_INPUT_EOF);
  WARNMS (cinfo, JWRN_JPEG_EOF);
  source->pub.next_input_byte = end_of_image;
  source->pub.bytes_in_buffer = sizeof end_of_image;
  return TRUE;
}

static void
source_skip (j_decompress_ptr cinfo,
             long             count)
{
  struct jpeg_source_mgr *source = cinfo->src;

  if (count <= 0)
    return;
  while ((size_t) count > source->bytes_in_buffer)
    {
      count -= (long) source->bytes_in_buffer;
      source_fill (cinfo);
    }
  source->next_input_byte += count;
  source->bytes_in_buffer -= count;
}

static void
source_term (j_decompress_ptr cinfo)
{
}

/* Decodes from @source, which holds its input or reads it from a file. */
static VipsImage *
read_from (Source                 *source,
           int                     shrink,
           VipsImage              *header,
           ThumbingJpegReaderGoOn  go_on,
           gpointer                go_on_data,
           gboolean               *unsupported,
           GError                **error)
{
  struct jpeg_decompress_struct cinfo;
  Errors errors;
  const VipsFailOn fail_on = source->fail_on;
  VipsImage *volatile out = NULL;
  guint8 *volatile wide_row = NULL;
  const int width = header->Xsize, height = header->Ysize;
  gsize line;

  *unsupported = FALSE;
  memset (&errors, 0, sizeof errors);
  cinfo.err = jpeg_std_error (&errors.pub);
  errors.pub.error_exit = on_error_exit;
  errors.pub.emit_message = on_emit_message;
  if (setjmp (errors.jump))
    {
      jpeg_destroy_decompress (&cinfo);
      g_clear_object ((VipsImage **) &out);
      g_free (wide_row);
      g_set_error (error, THUMBING_ERROR, THUMBING_ERROR_BAD_INPUT, _("the JPEG is damaged: %s"), errors.message);
      return NULL;
    }
  jpeg_create_decompress (&cinfo);
  source->pub.init_source = source_init;
  source->pub.fill_input_buffer = source_fill;
  source->pub.skip_input_data = source_skip;
  source->pub.resync_to_restart = jpeg_resync_to_restart;
  source->pub.term_source = source_term;
  cinfo.src = &source->pub;

  /* libvips keeps these markers (EXIF and XMP, ICC, IPTC, Adobe), read
   * whole rather than skipped: on a damaged input that decides where the
   * data ends, and so what fails. */
  jpeg_save_markers (&cinfo, JPEG_APP0 + 1, 0xffff);
  jpeg_save_markers (&cinfo, JPEG_APP0 + 2, 0xffff);
  jpeg_save_markers (&cinfo, JPEG_APP0 + 13, 0xffff);
  jpeg_save_markers (&cinfo, JPEG_APP0 + 14, 0xffff);
  jpeg_read_header (&cinfo, TRUE);
  cinfo.scale_num = 1;
  cinfo.scale_denom = shrink;
  jpeg_calc_output_dimensions (&cinfo);
  /* libjpeg rounds a scaled size up, libvips down: the last column and
   * row past libvips's size are decoded and left out. */
  if ((cinfo.out_color_space != JCS_RGB && cinfo.out_color_space != JCS_GRAYSCALE)
      || cinfo.output_components != header->Bands || header->BandFmt != VIPS_FORMAT_UCHAR
      || (int) (cinfo.image_width / shrink) != width || (int) (cinfo.image_height / shrink) != height
      || (int) cinfo.output_width < width || (int) cinfo.output_height < height)
    {
      jpeg_destroy_decompress (&cinfo);
      *unsupported = TRUE;
      return NULL;
    }

  out = vips_image_new_memory ();
  if (vips_image_pipelinev (out, VIPS_DEMAND_STYLE_THINSTRIP, header, NULL) != 0
      || vips_image_write_prepare (out) != 0)
    {
      jpeg_destroy_decompress (&cinfo);
      g_clear_object ((VipsImage **) &out);
      g_set_error (error, THUMBING_ERROR, THUMBING_ERROR_FAILED, _("no memory for a %d×%d JPEG"), width, height);
      return NULL;
    }
  line = VIPS_IMAGE_SIZEOF_LINE (out);
  if ((int) cinfo.output_width > width)
    wide_row = g_malloc ((gsize) cinfo.output_width * cinfo.output_components);

  jpeg_start_decompress (&cinfo);
  for (int top = 0; top < height; top += STRIP_ROWS)
    {
      if (!go_on (go_on_data))
        {
          jpeg_destroy_decompress (&cinfo);
          g_clear_object ((VipsImage **) &out);
          g_free (wide_row);
          return NULL;
        }
      if (fail_on >= VIPS_FAIL_ON_WARNING && errors.pub.num_warnings > 0)
        {
          g_strlcpy (errors.message, errors.first_warning, sizeof errors.message);
          longjmp (errors.jump, 1);
        }
      for (int y = top; y < MIN (top + STRIP_ROWS, height); y++)
        {
          JSAMPROW row = wide_row != NULL ? wide_row : VIPS_IMAGE_ADDR (out, 0, y);

          jpeg_read_scanlines (&cinfo, &row, 1);
          if (wide_row != NULL)
            memcpy (VIPS_IMAGE_ADDR (out, 0, y), wide_row, line);
        }
    }
  jpeg_destroy_decompress (&cinfo);
  g_free (wide_row);
  return out;
}

/**
 * thumbing_jpeg_reader_read:
 * @data: (array length=length): the JPEG
 * @length: its size
 * @shrink: 1, 2, 4 or 8: the DCT scaling
 * @fail_on: which damage fails the decode, as libvips's loaders take it
 * @header: the image libvips's jpegload opened from @data with @shrink,
 *   whose size, bands and metadata the result takes
 * @go_on: asked before each strip of rows
 * @go_on_data: its data
 * @unsupported: (out): set where libvips should decode @data instead (not
 *   RGB or grey, or sized differently)
 * @error: where a damaged input is reported
 *
 * Returns: (transfer full) (nullable): the decoded image, in memory; %NULL
 *   where the input is damaged (@error set), unsupported, or @go_on said to
 *   stop
 */
VipsImage *
thumbing_jpeg_reader_read (const guint8           *data,
                           gsize                   length,
                           int                     shrink,
                           VipsFailOn              fail_on,
                           VipsImage              *header,
                           ThumbingJpegReaderGoOn  go_on,
                           gpointer                go_on_data,
                           gboolean               *unsupported,
                           GError                **error)
{
  Source source = { { 0 }, fail_on, -1, NULL };

  source.pub.next_input_byte = data;
  source.pub.bytes_in_buffer = length;
  return read_from (&source, shrink, header, go_on, go_on_data, unsupported, error);
}

/**
 * thumbing_jpeg_reader_read_file:
 * @path: the JPEG's file, read a chunk at a time
 * @shrink: 1, 2, 4 or 8: the DCT scaling
 * @fail_on: which damage fails the decode, as libvips's loaders take it
 * @header: the image libvips's jpegload opened from @path with @shrink
 * @go_on: asked before each strip of rows
 * @go_on_data: its data
 * @unsupported: (out): set where libvips should decode the file instead
 * @error: where a damaged or unreadable input is reported
 *
 * thumbing_jpeg_reader_read() of a file.
 *
 * Returns: (transfer full) (nullable): the decoded image, in memory
 */
VipsImage *
thumbing_jpeg_reader_read_file (const char             *path,
                                int                     shrink,
                                VipsFailOn              fail_on,
                                VipsImage              *header,
                                ThumbingJpegReaderGoOn  go_on,
                                gpointer                go_on_data,
                                gboolean               *unsupported,
                                GError                **error)
{
  g_autofree guint8 *chunk = g_malloc (FILE_CHUNK);
  Source source = { { 0 }, fail_on, g_open (path, O_RDONLY | O_CLOEXEC, 0), chunk };
  VipsImage *image;

  if (source.fd < 0)
    {
      int saved = errno;

      *unsupported = FALSE;
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved), _("cannot open %s: %s"), path,
                   g_strerror (saved));
      return NULL;
    }
  image = read_from (&source, shrink, header, go_on, go_on_data, unsupported, error);
  close (source.fd);
  return image;
}
