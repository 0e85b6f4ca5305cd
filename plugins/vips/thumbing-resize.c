/* thumbing-resize.c: decode and resize in one step, with shrink-on-load
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "config.h"

#include <math.h>
#include <string.h>

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <vips/vips.h>

#include "thumbing-jpeg-reader.h"
#include "thumbing-png-reader.h"
#include "thumbing-reduce.h"
#include "thumbing-resize.h"
#include "thumbing-svg-size.h"
#include "thumbing-tiff-layout.h"
#include "thumbing-vips-encoder.h"

/* sharp's default limitInputPixels: 0x3FFF × 0x3FFF. */
#define DEFAULT_MAX_INPUT_PIXELS G_GUINT64_CONSTANT (268402689)
/* A 20,000-row TIFF of one-row strips, or 4096×4096 in 16×16 tiles, fits;
 * a million tiny tiles in a small file does not. */
#define DEFAULT_MAX_TILES 100000
/* The formats taken unless a pipeline names others: what cameras, phones
 * and browsers produce. SVG, PDF, PPM, ImageMagick's and the rest reach
 * parsers that untrusted uploads should not, so they must be named. */
static const char * const default_formats[] = { "jpeg", "png", "webp", "gif", "tiff", "heif", "jxl", NULL };

struct _ThumbingResize
{
  ThumbingTransform       parent_instance;

  int                     width;
  int                     height;
  ThumbingResizeFit       fit;
  ThumbingResizePosition  position;
  gboolean                no_enlarge;
  gboolean                auto_orient;
  gboolean                fast_shrink_on_load;
  char                   *background;
  guint64                 max_input_pixels;
  ThumbingResizeFailOn    fail_on;
  guint                   timeout;
  guint64                 max_tiles;
  guint                   max_frames;
  gboolean                animated;
  char                  **formats;

  double                  rgba[4];
  gulong                  collect_handler;   /* on the pipeline's metrics */
};

G_DEFINE_FINAL_TYPE (ThumbingResize, thumbing_resize, THUMBING_TYPE_TRANSFORM)

G_DEFINE_ENUM_TYPE (ThumbingResizeFit, thumbing_resize_fit,
  G_DEFINE_ENUM_VALUE (THUMBING_RESIZE_FIT_COVER, "cover"),
  G_DEFINE_ENUM_VALUE (THUMBING_RESIZE_FIT_CONTAIN, "contain"),
  G_DEFINE_ENUM_VALUE (THUMBING_RESIZE_FIT_FILL, "fill"),
  G_DEFINE_ENUM_VALUE (THUMBING_RESIZE_FIT_INSIDE, "inside"),
  G_DEFINE_ENUM_VALUE (THUMBING_RESIZE_FIT_OUTSIDE, "outside"))

G_DEFINE_ENUM_TYPE (ThumbingResizeFailOn, thumbing_resize_fail_on,
  G_DEFINE_ENUM_VALUE (THUMBING_RESIZE_FAIL_ON_NONE, "none"),
  G_DEFINE_ENUM_VALUE (THUMBING_RESIZE_FAIL_ON_TRUNCATED, "truncated"),
  G_DEFINE_ENUM_VALUE (THUMBING_RESIZE_FAIL_ON_ERROR, "error"),
  G_DEFINE_ENUM_VALUE (THUMBING_RESIZE_FAIL_ON_WARNING, "warning"))

G_DEFINE_ENUM_TYPE (ThumbingResizePosition, thumbing_resize_position,
  G_DEFINE_ENUM_VALUE (THUMBING_RESIZE_POSITION_CENTRE, "centre"),
  G_DEFINE_ENUM_VALUE (THUMBING_RESIZE_POSITION_NORTH, "north"),
  G_DEFINE_ENUM_VALUE (THUMBING_RESIZE_POSITION_NORTH_EAST, "north-east"),
  G_DEFINE_ENUM_VALUE (THUMBING_RESIZE_POSITION_EAST, "east"),
  G_DEFINE_ENUM_VALUE (THUMBING_RESIZE_POSITION_SOUTH_EAST, "south-east"),
  G_DEFINE_ENUM_VALUE (THUMBING_RESIZE_POSITION_SOUTH, "south"),
  G_DEFINE_ENUM_VALUE (THUMBING_RESIZE_POSITION_SOUTH_WEST, "south-west"),
  G_DEFINE_ENUM_VALUE (THUMBING_RESIZE_POSITION_WEST, "west"),
  G_DEFINE_ENUM_VALUE (THUMBING_RESIZE_POSITION_NORTH_WEST, "north-west"),
  G_DEFINE_ENUM_VALUE (THUMBING_RESIZE_POSITION_ENTROPY, "entropy"),
  G_DEFINE_ENUM_VALUE (THUMBING_RESIZE_POSITION_ATTENTION, "attention"))

/* Colours as CSS writes them: #rgb, #rgba, #rrggbb, #rrggbbaa, or a few names. */
static gboolean
parse_colour (const char *text,
              double      rgba[4])
{
  size_t length;
  guint digits[8];

  if (g_ascii_strcasecmp (text, "transparent") == 0)
    {
      rgba[0] = rgba[1] = rgba[2] = rgba[3] = 0;
      return TRUE;
    }
  if (g_ascii_strcasecmp (text, "black") == 0 || g_ascii_strcasecmp (text, "white") == 0)
    {
      rgba[0] = rgba[1] = rgba[2] = g_ascii_strcasecmp (text, "white") == 0 ? 255 : 0;
      rgba[3] = 255;
      return TRUE;
    }
  if (text[0] != '#')
    return FALSE;
  length = strlen (text + 1);
  if (length != 3 && length != 4 && length != 6 && length != 8)
    return FALSE;
  for (size_t i = 0; i < length; i++)
    {
      int d = g_ascii_xdigit_value (text[1 + i]);

      if (d < 0)
        return FALSE;
      digits[i] = d;
    }
  rgba[3] = 255;
  for (guint c = 0; c < length / (length <= 4 ? 1 : 2); c++)
    rgba[c] = length <= 4 ? digits[c] * 17 : digits[2 * c] * 16 + digits[2 * c + 1];
  return TRUE;
}

/* The format a loader reads, by its nickname: “jpegload_buffer” → “jpeg”. */
static char *
format_of_loader (const char *type_name)
{
  GType type = g_type_from_name (type_name);
  const char *nickname = type != 0 ? vips_nickname_find (type) : NULL;
  const char *load = nickname != NULL ? strstr (nickname, "load") : NULL;

  return load != NULL ? g_strndup (nickname, load - nickname) : g_strdup (type_name);
}

/* The formats taken: the ones set, or the defaults (NULL). */
static gboolean
format_listed (ThumbingResize *self,
               const char     *format)
{
  const char * const *formats = self->formats != NULL ? (const char * const *) self->formats : default_formats;

  /* AVIF is read by the HEIF loader. */
  return g_strv_contains (formats, format) || (strcmp (format, "heif") == 0 && g_strv_contains (formats, "avif"));
}

/* libvips blocks its untrusted loaders (the plugin asks it to); a format a
 * pipeline names is let through, whichever variant reads it. Returns
 * whether libvips has a loader for @format at all. */
static gboolean
allow_loader (const char *format)
{
  static const char * const variants[] = { "load", "load_buffer", "load_source" };
  const char *name = strcmp (format, "avif") == 0 ? "heif" : format;
  gboolean found = FALSE;

  for (guint i = 0; i < G_N_ELEMENTS (variants); i++)
    {
      g_autofree char *nickname = g_strconcat (name, variants[i], NULL);
      GType type = vips_type_find ("VipsForeignLoad", nickname);

      if (type == 0)
        continue;
      found = TRUE;
      vips_operation_block_set (g_type_name (type), FALSE);
    }
  return found;
}

static gboolean
thumbing_resize_check (ThumbingElement *element,
                       GError         **error)
{
  ThumbingResize *self = THUMBING_RESIZE (element);

  if (!parse_colour (self->background, self->rgba))
    {
      g_set_error (error, THUMBING_ERROR, THUMBING_ERROR_INVALID_VALUE,
                   _("background: “%s” is not a colour (#rrggbb, #rrggbbaa, #rgb, transparent, black, white)"),
                   self->background);
      return FALSE;
    }
  if (self->fit == THUMBING_RESIZE_FIT_FILL && self->no_enlarge)
    {
      g_set_error (error, THUMBING_ERROR, THUMBING_ERROR_INVALID_VALUE,
                   _("no-enlarge: cannot be combined with fit=fill, which always produces width×height"));
      return FALSE;
    }
  if (self->animated && self->fit != THUMBING_RESIZE_FIT_COVER && self->fit != THUMBING_RESIZE_FIT_INSIDE)
    {
      g_set_error (error, THUMBING_ERROR, THUMBING_ERROR_INVALID_VALUE,
                   _("animated: every frame is resized with fit=cover or fit=inside only"));
      return FALSE;
    }
  if ((self->position == THUMBING_RESIZE_POSITION_ENTROPY || self->position == THUMBING_RESIZE_POSITION_ATTENTION)
      && self->fit != THUMBING_RESIZE_FIT_COVER)
    {
      g_set_error (error, THUMBING_ERROR, THUMBING_ERROR_INVALID_VALUE,
                   _("position: smart crop (entropy, attention) only applies to fit=cover"));
      return FALSE;
    }
  /* Only formats named: a default one this libvips lacks is simply not read. */
  for (char **format = self->formats; format != NULL && *format != NULL; format++)
    if (!allow_loader (*format))
      {
        g_set_error (error, THUMBING_ERROR, THUMBING_ERROR_INVALID_VALUE,
                     _("formats: this libvips has no loader for “%s”"), *format);
        return FALSE;
      }
  return TRUE;
}

static VipsInteresting
smart_crop (ThumbingResizePosition position)
{
  switch (position)
    {
    case THUMBING_RESIZE_POSITION_ENTROPY:
      return VIPS_INTERESTING_ENTROPY;
    case THUMBING_RESIZE_POSITION_ATTENTION:
      return VIPS_INTERESTING_ATTENTION;
    /* The centre is cropped after the resize, like the other positions:
     * libvips's own crop decodes the whole image inside vips_thumbnail(),
     * out of reach of the timeout's progress watch. */
    case THUMBING_RESIZE_POSITION_CENTRE:
    default:
      return VIPS_INTERESTING_NONE;
    }
}

/* Where a position keeps a cover crop: vips_gravity()'s direction, and the
 * end of each axis, -1 the start (west, north), 0 the middle, 1 the end
 * (east, south), for reducing only that part. */
typedef struct
{
  VipsCompassDirection direction;
  int                  across;
  int                  down;
} Placement;

static const Placement *
placement (ThumbingResizePosition position)
{
  static const Placement placements[] = {
    [THUMBING_RESIZE_POSITION_CENTRE] = { VIPS_COMPASS_DIRECTION_CENTRE, 0, 0 },
    [THUMBING_RESIZE_POSITION_NORTH] = { VIPS_COMPASS_DIRECTION_NORTH, 0, -1 },
    [THUMBING_RESIZE_POSITION_NORTH_EAST] = { VIPS_COMPASS_DIRECTION_NORTH_EAST, 1, -1 },
    [THUMBING_RESIZE_POSITION_EAST] = { VIPS_COMPASS_DIRECTION_EAST, 1, 0 },
    [THUMBING_RESIZE_POSITION_SOUTH_EAST] = { VIPS_COMPASS_DIRECTION_SOUTH_EAST, 1, 1 },
    [THUMBING_RESIZE_POSITION_SOUTH] = { VIPS_COMPASS_DIRECTION_SOUTH, 0, 1 },
    [THUMBING_RESIZE_POSITION_SOUTH_WEST] = { VIPS_COMPASS_DIRECTION_SOUTH_WEST, -1, 1 },
    [THUMBING_RESIZE_POSITION_WEST] = { VIPS_COMPASS_DIRECTION_WEST, -1, 0 },
    [THUMBING_RESIZE_POSITION_NORTH_WEST] = { VIPS_COMPASS_DIRECTION_NORTH_WEST, -1, -1 },
  };

  return &placements[position < G_N_ELEMENTS (placements) ? position : THUMBING_RESIZE_POSITION_CENTRE];
}

static VipsCompassDirection
compass (ThumbingResizePosition position)
{
  return placement (position)->direction;
}

/* What the input is: a decoded image, bytes in memory, or a local file. */
typedef struct
{
  VipsImage  *image;
  GBytes     *bytes;
  const char *file;
} Input;

/* Whether the format @loader reads, found by content, is one this stage
 * takes: a PDF named photo.jpg is a PDF. */
static gboolean
format_allowed (ThumbingResize *self,
                const char     *loader,
                GError        **error)
{
  g_autofree char *format = format_of_loader (loader);

  if (format_listed (self, format))
    return TRUE;
  g_set_error (error, THUMBING_ERROR, THUMBING_ERROR_UNSUPPORTED,
               _("the input is %s, which is not in formats (add it there to take it)"), format);
  return FALSE;
}

/* @blocks is the tile or strip count of a TIFF, or 0 for anything else. */
static gboolean
blocks_within_limit (ThumbingResize *self,
                     guint64         blocks,
                     GError        **error)
{
  g_autofree char *count = NULL;
  g_autofree char *limit = NULL;

  if (self->max_tiles == 0 || blocks <= self->max_tiles)
    return TRUE;
  count = g_strdup_printf ("%" G_GUINT64_FORMAT, blocks);
  limit = g_strdup_printf ("%" G_GUINT64_FORMAT, self->max_tiles);
  g_set_error (error, THUMBING_ERROR, THUMBING_ERROR_TOO_LARGE,
               _("the TIFF is made of %s tiles or strips, more than max-tiles (%s)"), count, limit);
  return FALSE;
}

/* An SVG is rendered at the size it declares: too large a declaration is
 * refused before the document is parsed for rendering. */
#define SVG_SIZE_SCAN 65536

static gboolean
is_svg (const char *loader)
{
  g_autofree char *format = format_of_loader (loader);

  return strcmp (format, "svg") == 0;
}

static gboolean
svg_within_limit (ThumbingResize *self,
                  const char     *data,
                  gsize           length,
                  GError        **error)
{
  double width, height;
  g_autofree char *limit = NULL;

  if (!thumbing_svg_declared_size (data, MIN (length, SVG_SIZE_SCAN), &width, &height))
    return TRUE;
  if (width <= VIPS_MAX_COORD && height <= VIPS_MAX_COORD
      && (self->max_input_pixels == 0 || width * height <= (double) self->max_input_pixels))
    return TRUE;
  limit = g_strdup_printf ("%" G_GUINT64_FORMAT, self->max_input_pixels);
  g_set_error (error, THUMBING_ERROR, THUMBING_ERROR_TOO_LARGE,
               _("the SVG declares %.0f×%.0f pixels, more than max-input-pixels (%s) or libvips’s limit"),
               width, height, limit);
  return FALSE;
}

/* Reads only the header, to refuse what is not an image, or too large,
 * before any pixel is decoded. */
static VipsImage *
open_header (ThumbingResize *self,
             Input          *input,
             GError        **error)
{
  VipsImage *header = NULL;
  const char *loader;
  guint64 pixels;
  guint64 blocks = 0;
  int frames;

  if (input->image != NULL)
    return g_object_ref (input->image);

  if (input->file != NULL)
    {
      GStatBuf st;

      if (g_stat (input->file, &st) == 0 && st.st_size == 0)
        {
          g_set_error (error, THUMBING_ERROR, THUMBING_ERROR_BAD_INPUT, _("the file is empty"));
          return NULL;
        }
      loader = vips_foreign_find_load (input->file);
      if (loader == NULL)
        {
          vips_error_clear ();
          g_set_error (error, THUMBING_ERROR, THUMBING_ERROR_BAD_INPUT,
                       _("not an image in a format this libvips can read"));
          return NULL;
        }
      if (!thumbing_tiff_count_blocks_in_file (input->file, &blocks))
        blocks = 0;
      if (!format_allowed (self, loader, error) || !blocks_within_limit (self, blocks, error))
        return NULL;
      if (is_svg (loader))
        {
          g_autoptr(GMappedFile) mapped = g_mapped_file_new (input->file, FALSE, NULL);

          if (mapped != NULL
              && !svg_within_limit (self, g_mapped_file_get_contents (mapped), g_mapped_file_get_length (mapped), error))
            return NULL;
        }
      header = vips_image_new_from_file (input->file, "access", VIPS_ACCESS_SEQUENTIAL, NULL);
    }
  else
    {
      gsize length = 0;
      const void *data = g_bytes_get_data (input->bytes, &length);

      if (length == 0)
        {
          g_set_error (error, THUMBING_ERROR, THUMBING_ERROR_BAD_INPUT, _("the payload is empty"));
          return NULL;
        }
      loader = vips_foreign_find_load_buffer (data, length);
      if (loader == NULL)
        {
          vips_error_clear ();
          g_set_error (error, THUMBING_ERROR, THUMBING_ERROR_BAD_INPUT,
                       _("not an image in a format this libvips can read"));
          return NULL;
        }
      if (!thumbing_tiff_count_blocks_in_bytes (data, length, &blocks))
        blocks = 0;
      if (!format_allowed (self, loader, error) || !blocks_within_limit (self, blocks, error)
          || (is_svg (loader) && !svg_within_limit (self, data, length, error)))
        return NULL;
      header = vips_image_new_from_buffer (data, length, "", "access", VIPS_ACCESS_SEQUENTIAL, NULL);
    }

  if (header == NULL)
    {
      thumbing_vips_set_error (error, THUMBING_ERROR_BAD_INPUT, _("cannot read the image header"));
      return NULL;
    }

  pixels = (guint64) header->Xsize * (guint64) header->Ysize;
  if (self->max_input_pixels > 0 && pixels > self->max_input_pixels)
    {
      g_autofree char *count = g_strdup_printf ("%" G_GUINT64_FORMAT, pixels);
      g_autofree char *limit = g_strdup_printf ("%" G_GUINT64_FORMAT, self->max_input_pixels);

      g_set_error (error, THUMBING_ERROR, THUMBING_ERROR_TOO_LARGE,
                   _("the image is %d×%d (%s pixels), more than max-input-pixels (%s)"),
                   header->Xsize, header->Ysize, count, limit);
      g_object_unref (header);
      return NULL;
    }
  frames = vips_image_get_n_pages (header);
  if (self->max_frames > 0 && frames > 0 && (guint) frames > self->max_frames)
    {
      g_set_error (error, THUMBING_ERROR, THUMBING_ERROR_TOO_LARGE,
                   _("the image has %d frames or pages, more than max-frames (%u)"), frames, self->max_frames);
      g_object_unref (header);
      return NULL;
    }
  return header;
}

static VipsFailOn
vips_fail_on (ThumbingResizeFailOn fail_on)
{
  switch (fail_on)
    {
    case THUMBING_RESIZE_FAIL_ON_NONE:
      return VIPS_FAIL_ON_NONE;
    case THUMBING_RESIZE_FAIL_ON_TRUNCATED:
      return VIPS_FAIL_ON_TRUNCATED;
    case THUMBING_RESIZE_FAIL_ON_WARNING:
      return VIPS_FAIL_ON_WARNING;
    case THUMBING_RESIZE_FAIL_ON_ERROR:
    default:
      return VIPS_FAIL_ON_ERROR;
    }
}

/* The JPEG shrink-on-load factor sharp picks by default (fastShrinkOnLoad):
 * the largest of 8, 4 and 2 within the shrink, halved where libjpeg's
 * rounding would leave the image a pixel short. libvips's thumbnail leaves
 * at least a factor of two to the final resize instead, decoding up to four
 * times the pixels: that is the choice without fast-shrink-on-load. Returns
 * 1 where there is nothing to gain. */
static gboolean
loaded_by (VipsImage  *header,
           const char *prefix)
{
  const char *loader = NULL;

  return vips_image_get_typeof (header, VIPS_META_LOADER) != 0
      && vips_image_get_string (header, VIPS_META_LOADER, &loader) == 0 && g_str_has_prefix (loader, prefix);
}

/* Whether @image will be turned a quarter, so the output's width is made
 * from its height. */
static gboolean
turned_sideways (ThumbingResize *self,
                 VipsImage      *image)
{
  int orientation = self->auto_orient ? vips_image_get_orientation (image) : 1;

  return orientation >= 5 && orientation <= 8;
}

/* How many times smaller the output is than @header's image. */
static double
shrink_of (ThumbingResize *self,
           VipsImage      *header,
           int             width,
           int             height,
           VipsSize        size,
           VipsInteresting crop)
{
  gboolean swap = turned_sideways (self, header);
  double hshrink = (double) header->Xsize / (swap ? height : width);
  double vshrink = (double) header->Ysize / (swap ? width : height);

  /* Covering a box shrinks by the smaller factor, fitting inside by the larger. */
  return size == VIPS_SIZE_FORCE || crop != VIPS_INTERESTING_NONE ? MIN (hshrink, vshrink) : MAX (hshrink, vshrink);
}

static int
jpeg_shrink_factor (ThumbingResize *self,
                    VipsImage      *header,
                    int             width,
                    int             height,
                    VipsSize        size,
                    VipsInteresting crop)
{
  double shrink = shrink_of (self, header, width, height, size, crop);
  int factor;

  if (!loaded_by (header, "jpegload"))
    return 1;
  /* Without the fast choice, a factor of two is left to the resampler, as
   * vipsthumbnail leaves it. */
  if (!self->fast_shrink_on_load)
    shrink /= 2;
  factor = shrink >= 8 ? 8 : shrink >= 4 ? 4 : shrink >= 2 ? 2 : 1;
  if (self->fast_shrink_on_load && factor > 1 && (int) shrink == factor)
    factor /= 2;
  return factor;
}

typedef struct
{
  gint64        deadline;   /* monotonic µs; 0: none */
  GCancellable *cancellable;
  gint          timed_out;
  gint          cancelled;
} Watch;

/* Whether the work may go on: not once the pipeline cancels it, nor past
 * the deadline, which the watch then records. */
static gboolean
watch_go_on (gpointer data)
{
  Watch *watch = data;

  if (g_cancellable_is_cancelled (watch->cancellable))
    g_atomic_int_set (&watch->cancelled, TRUE);
  else if (watch->deadline > 0 && g_get_monotonic_time () > watch->deadline)
    g_atomic_int_set (&watch->timed_out, TRUE);
  else
    return TRUE;
  return FALSE;
}

static void
on_eval (VipsImage    *image,
         VipsProgress *progress,
         Watch        *watch)
{
  if (!watch_go_on (watch))
    vips_image_set_kill (image, TRUE);
}

/* Decodes @image into memory, stopped by the watch's deadline or cancellable. */
static VipsImage *
copy_memory_watched (VipsImage *image,
                     Watch     *watch)
{
  gulong handler;
  VipsImage *copy;

  vips_image_set_progress (image, TRUE);
  handler = g_signal_connect (image, "eval", G_CALLBACK (on_eval), watch);
  copy = vips_image_copy_memory (image);
  g_signal_handler_disconnect (image, handler);
  return copy;
}

/* The largest input decoded whole into memory (48 MB as RGB) rather than
 * streamed through libvips's thumbnail. */
#define HELD_DECODED_MAX_PIXELS (16 * 1000 * 1000)

/* Inputs whose alpha is worth reading first: 8-bit, from a loader without
 * shrink-on-load (PNG, WebP, TIFF), small enough to hold decoded. Many such
 * files carry an alpha channel that is opaque everywhere; libvips 8.14
 * resamples any alpha image in float, premultiplied, at several times the
 * cost, where an opaque one can drop its alpha and take the 8-bit path with
 * the same pixels. */

static gboolean
alpha_worth_checking (VipsImage *header)
{
  return vips_image_hasalpha (header) && header->BandFmt == VIPS_FORMAT_UCHAR
      && (header->Bands == 2 || header->Bands == 4)
      && (guint64) header->Xsize * header->Ysize <= HELD_DECODED_MAX_PIXELS
      && (loaded_by (header, "pngload") || loaded_by (header, "webpload") || loaded_by (header, "tiffload"));
}

/* A JPEG with no shrink-on-load to take but a reduction to make, small
 * enough to hold decoded, goes to thumbing's reducer whole: libvips 8.14
 * reduces it in several times the time (a 720×1440 photograph's thumbnail
 * spent a third of its time in vips_reduceh). */
static gboolean
jpeg_reduced_whole (ThumbingResize *self,
                    VipsImage      *header,
                    int             width,
                    int             height,
                    VipsSize        size,
                    VipsInteresting crop)
{
  return loaded_by (header, "jpegload") && thumbing_reduce_takes (header) && size != VIPS_SIZE_UP
      && (guint64) header->Xsize * header->Ysize <= HELD_DECODED_MAX_PIXELS
      && shrink_of (self, header, width, height, size, crop) > 1;
}

static gboolean
png_reader_takes (ThumbingResize *self,
                  VipsImage      *header)
{
  return self->fail_on == THUMBING_RESIZE_FAIL_ON_ERROR && loaded_by (header, "pngload")
      && header->BandFmt == VIPS_FORMAT_UCHAR && (header->Bands == 3 || header->Bands == 4)
      && (guint64) header->Xsize * header->Ysize <= THUMBING_PNG_READER_MAX_PIXELS;
}

/* The input's pixels, decoded as they are read, as fail-on says, with at
 * most one more loader option: a NULL @option ends the list there. */
static VipsImage *
open_image (ThumbingResize *self,
            Input          *input,
            const char     *option,
            int             value)
{
  VipsFailOn fail_on = vips_fail_on (self->fail_on);
  gsize length = 0;
  const void *data;

  if (input->file != NULL)
    return vips_image_new_from_file (input->file, "access", VIPS_ACCESS_SEQUENTIAL, "fail_on", fail_on,
                                     option, value, NULL);
  data = g_bytes_get_data (input->bytes, &length);
  return vips_image_new_from_buffer (data, length, "", "access", VIPS_ACCESS_SEQUENTIAL, "fail_on", fail_on,
                                     option, value, NULL);
}

/* An 8-bit RGB or RGBA PNG read by thumbing's own reader (libdeflate),
 * shrunk by @shrink as it is decoded, where it takes the file and resize
 * fails on errors as libpng does; NULL with *unsupported set where
 * libvips's pngload should. */
static VipsImage *
read_png (ThumbingResize *self,
          Input          *input,
          VipsImage      *header,
          int             shrink,
          gboolean       *alpha_opaque,
          gboolean       *unsupported)
{
  g_autoptr(GMappedFile) mapped = NULL;
  g_autoptr(GError) error = NULL;
  const guint8 *data;
  gsize length = 0;
  VipsImage *image;

  *unsupported = TRUE;
  if (!png_reader_takes (self, header))
    return NULL;
  if (input->file != NULL)
    {
      mapped = g_mapped_file_new (input->file, FALSE, NULL);
      if (mapped == NULL)
        return NULL;
      data = (const guint8 *) g_mapped_file_get_contents (mapped);
      length = g_mapped_file_get_length (mapped);
    }
  else
    data = g_bytes_get_data (input->bytes, &length);
  image = thumbing_png_reader_read (data, length, CLAMP (shrink, 1, THUMBING_PNG_READER_MAX_SHRINK), alpha_opaque,
                                    unsupported, &error);
  if (image == NULL && error != NULL)
    vips_error ("thumbing", "%s", error->message);
  return image;
}

/* @loaded, a JPEG opened shrunk by @shrink, decoded by thumbing's reader
 * (libjpeg straight into memory), or where that does not take it, by
 * libvips. */
static VipsImage *
read_jpeg (ThumbingResize *self,
           Input          *input,
           VipsImage      *loaded,
           int             shrink,
           Watch          *watch)
{
  g_autoptr(GError) error = NULL;
  VipsFailOn fail_on = vips_fail_on (self->fail_on);
  gboolean unsupported = FALSE;
  VipsImage *image;

  if (input->file != NULL)
    image = thumbing_jpeg_reader_read_file (input->file, shrink, fail_on, loaded, watch_go_on, watch, &unsupported,
                                            &error);
  else
    {
      gsize length = 0;
      const guint8 *data = g_bytes_get_data (input->bytes, &length);

      image = thumbing_jpeg_reader_read (data, length, shrink, fail_on, loaded, watch_go_on, watch, &unsupported,
                                         &error);
    }
  if (unsupported)
    return copy_memory_watched (loaded, watch);
  if (image == NULL && error != NULL)
    vips_error ("thumbing", "%s", error->message);
  return image;
}

/* The decoded input shrunk by the whole factor @shrink, without its alpha
 * band when that is opaque everywhere. */
static VipsImage *
load_dropping_opaque_alpha (ThumbingResize *self,
                            Input          *input,
                            VipsImage      *header,
                            int             shrink,
                            Watch          *watch)
{
  g_autoptr(VipsImage) loaded = NULL;
  g_autoptr(VipsImage) decoded = NULL;
  g_autoptr(VipsImage) shrunk = NULL;
  g_autoptr(VipsImage) alpha = NULL;
  VipsImage *opaque = NULL;
  double smallest = 0;
  gboolean unsupported = FALSE, alpha_opaque = FALSE;

  shrunk = read_png (self, input, header, shrink, &alpha_opaque, &unsupported);
  if (shrunk == NULL && !unsupported)
    return NULL;
  if (shrunk == NULL)
    {
      loaded = open_image (self, input, NULL, 0);
      if (loaded == NULL || (decoded = copy_memory_watched (loaded, watch)) == NULL)
        return NULL;
      if (vips_image_hasalpha (decoded))
        {
          if (vips_extract_band (decoded, &alpha, decoded->Bands - 1, NULL) != 0
              || vips_min (alpha, &smallest, NULL) != 0)
            return NULL;
          alpha_opaque = smallest == 255;
        }
      if (shrink <= 1)
        shrunk = g_steal_pointer (&decoded);
      else if (vips_shrink (decoded, &shrunk, shrink, shrink, NULL) != 0)
        return NULL;
    }
  if (!alpha_opaque)
    return g_steal_pointer (&shrunk);
  if (vips_extract_band (shrunk, &opaque, 0, "n", shrunk->Bands - 1, NULL) != 0)
    return NULL;
  return opaque;
}

/* Where vips_gravity() puts a @kept-long part of a @whole-long axis, for
 * @side as a Placement gives it: the middle is half the difference,
 * rounded down. */
static int
gravity_offset (int whole,
                int kept,
                int side)
{
  return side < 0 ? 0 : side > 0 ? whole - kept : (whole - kept) / 2;
}

/* The horizontal and vertical shrinks vips_thumbnail_image() takes @image
 * by: libvips 8.14's vips_thumbnail_calculate_shrink(), which is not
 * public. */
static void
thumbnail_shrinks (ThumbingResize *self,
                   VipsImage      *image,
                   int             width,
                   int             height,
                   VipsSize        size,
                   VipsInteresting crop,
                   double         *hshrink,
                   double         *vshrink)
{
  gboolean swap = turned_sideways (self, image);

  *hshrink = (double) image->Xsize / (swap ? height : width);
  *vshrink = (double) image->Ysize / (swap ? width : height);
  if (size != VIPS_SIZE_FORCE)
    {
      /* Covering a box takes the smaller shrink, fitting inside the larger. */
      gboolean horizontal = crop != VIPS_INTERESTING_NONE ? *hshrink < *vshrink : *hshrink >= *vshrink;

      if (horizontal)
        *vshrink = *hshrink;
      else
        *hshrink = *vshrink;
    }
  if (size == VIPS_SIZE_UP)
    {
      *hshrink = MIN (1, *hshrink);
      *vshrink = MIN (1, *vshrink);
    }
  else if (size == VIPS_SIZE_DOWN)
    {
      *hshrink = MAX (1, *hshrink);
      *vshrink = MAX (1, *vshrink);
    }
  *hshrink = MIN (*hshrink, image->Xsize);
  *vshrink = MIN (*vshrink, image->Ysize);
}

/* Where upright pixel (@x, @y) of an image stored @width×@height, turned
 * upright by EXIF @orientation, is stored. */
static void
stored_at (int  orientation,
           int  width,
           int  height,
           int  x,
           int  y,
           int *stored_x,
           int *stored_y)
{
  switch (orientation)
    {
    case 2: /* mirrored */
      *stored_x = width - 1 - x, *stored_y = y;
      break;
    case 3: /* upside down */
      *stored_x = width - 1 - x, *stored_y = height - 1 - y;
      break;
    case 4: /* flipped */
      *stored_x = x, *stored_y = height - 1 - y;
      break;
    case 5: /* transposed */
      *stored_x = y, *stored_y = x;
      break;
    case 6: /* turned a quarter anticlockwise */
      *stored_x = y, *stored_y = height - 1 - x;
      break;
    case 7: /* transversed */
      *stored_x = width - 1 - y, *stored_y = height - 1 - x;
      break;
    case 8: /* turned a quarter clockwise */
      *stored_x = width - 1 - y, *stored_y = x;
      break;
    default:
      *stored_x = x, *stored_y = y;
      break;
    }
}

/* The part of @decoded reduced to @to_width×@to_height (as stored) that a
 * cover crop at @self's position keeps once it is turned upright, where
 * the thumbnail then only orients and crops (@size force). */
static gboolean
cover_window (ThumbingResize *self,
              VipsImage      *decoded,
              int             to_width,
              int             to_height,
              VipsSize        size,
              gboolean        cover_crop,
              VipsRect       *kept)
{
  int orientation = self->auto_orient ? vips_image_get_orientation (decoded) : 1;
  gboolean swap = turned_sideways (self, decoded);
  int upright_width = swap ? to_height : to_width, upright_height = swap ? to_width : to_height;
  VipsRect upright;
  int x0, y0, x1, y1;

  if (!cover_crop || size != VIPS_SIZE_FORCE)
    return FALSE;
  upright.width = MIN (self->width, upright_width);
  upright.height = MIN (self->height, upright_height);
  upright.left = gravity_offset (upright_width, upright.width, placement (self->position)->across);
  upright.top = gravity_offset (upright_height, upright.height, placement (self->position)->down);
  /* Opposite corners, stored, span the same part. */
  stored_at (orientation, to_width, to_height, upright.left, upright.top, &x0, &y0);
  stored_at (orientation, to_width, to_height, VIPS_RECT_RIGHT (&upright) - 1, VIPS_RECT_BOTTOM (&upright) - 1,
             &x1, &y1);
  kept->left = MIN (x0, x1);
  kept->top = MIN (y0, y1);
  kept->width = ABS (x1 - x0) + 1;
  kept->height = ABS (y1 - y0) + 1;
  return TRUE;
}

/* @decoded, which has an alpha band, resampled as vips_thumbnail_image()
 * would (premultiplied, in float), but rounded back to its format where
 * libvips 8.14's cast truncates: a flat colour fading out would come out
 * a level darker wherever the division lands a hair below it, each pixel
 * its own way, and a faint edge's alpha a level lower. Only the cover
 * window is made where there is one (*@cropped set). A new reference to
 * @decoded where the thumbnail does not resample, or its result would not
 * be one the thumbnail only crops and orients. */
static VipsImage *
resample_premultiplied (ThumbingResize *self,
                        VipsImage      *decoded,
                        int             width,
                        int             height,
                        VipsSize        size,
                        VipsInteresting crop,
                        gboolean        cover_crop,
                        gboolean       *cropped)
{
  g_autoptr(VipsImage) premultiplied = NULL;
  g_autoptr(VipsImage) resampled = NULL;
  g_autoptr(VipsImage) window = NULL;
  g_autoptr(VipsImage) unpremultiplied = NULL;
  g_autoptr(VipsImage) rounded = NULL;
  VipsImage *out = NULL;
  double hshrink, vshrink;
  VipsRect kept;

  thumbnail_shrinks (self, decoded, width, height, size, crop, &hshrink, &vshrink);
  /* The thumbnail premultiplies only when both axes change. */
  if (hshrink == 1 || vshrink == 1)
    return g_object_ref (decoded);
  if (vips_premultiply (decoded, &premultiplied, NULL) != 0
      || vips_resize (premultiplied, &resampled, 1 / hshrink, "vscale", 1 / vshrink, NULL) != 0)
    return NULL;
  thumbnail_shrinks (self, resampled, width, height, size, crop, &hshrink, &vshrink);
  if (hshrink != 1 || vshrink != 1)
    return g_object_ref (decoded);
  if (cover_window (self, decoded, resampled->Xsize, resampled->Ysize, size, cover_crop, &kept))
    {
      if (vips_crop (resampled, &window, kept.left, kept.top, kept.width, kept.height, NULL) != 0)
        return NULL;
      *cropped = TRUE;
    }
  else
    window = g_object_ref (resampled);
  if (vips_unpremultiply (window, &unpremultiplied, NULL) != 0
      || vips_round (unpremultiplied, &rounded, VIPS_OPERATION_ROUND_RINT, NULL) != 0
      || vips_cast (rounded, &out, decoded->BandFmt, NULL) != 0)
    return NULL;
  return out;
}

/* @decoded reduced to the size vips_thumbnail_image() would give it, by
 * thumbing's own Lanczos3 where it takes the image (libvips 8.14's reduce
 * was a fifth of a JPEG thumbnail's time); the thumbnail of the result
 * then only orients and crops. With @cover_crop, only the part a cover
 * crop at @self's position keeps once the image is upright is reduced
 * (*@cropped set), the same pixels as cropping the whole. An image with
 * alpha, in memory or streamed, goes through resample_premultiplied();
 * any other must be in memory. A new reference to @decoded where there is
 * nothing to reduce or the reducer does not take it. */
static VipsImage *
reduce_first (ThumbingResize *self,
              VipsImage      *decoded,
              int             width,
              int             height,
              VipsSize        size,
              VipsInteresting crop,
              gboolean        cover_crop,
              gboolean       *cropped)
{
  gboolean swap = turned_sideways (self, decoded);
  int to_width = swap ? height : width, to_height = swap ? width : height;
  VipsRect kept;

  if (vips_image_hasalpha (decoded) && !vips_band_format_isfloat (decoded->BandFmt)
      && !vips_band_format_iscomplex (decoded->BandFmt))
    return resample_premultiplied (self, decoded, width, height, size, crop, cover_crop, cropped);
  if (size == VIPS_SIZE_UP || !thumbing_reduce_takes (decoded))
    return g_object_ref (decoded);
  if (size != VIPS_SIZE_FORCE)
    {
      double shrink = shrink_of (self, decoded, width, height, size, crop);

      to_width = MAX (1, (int) lround (decoded->Xsize / shrink));
      to_height = MAX (1, (int) lround (decoded->Ysize / shrink));
    }
  if (to_width >= decoded->Xsize || to_height >= decoded->Ysize)
    return g_object_ref (decoded);
  if (!cover_window (self, decoded, to_width, to_height, size, cover_crop, &kept))
    return thumbing_reduce (decoded, to_width, to_height, NULL);
  *cropped = TRUE;
  return thumbing_reduce (decoded, to_width, to_height, &kept);
}

/* Whether vips_thumbnail_image() of @reduced would only copy it: 8-bit
 * sRGB or grey already (its colourspace changes nothing), at its size,
 * upright, with no smart crop. The reduced photograph is then the
 * thumbnail, in memory, without another pipeline to run: a twentieth of a
 * JPEG thumbnail's time. */
static gboolean
thumbnail_is_a_copy (ThumbingResize *self,
                     VipsImage      *reduced,
                     int             width,
                     int             height,
                     VipsSize        size,
                     VipsInteresting crop)
{
  double hshrink, vshrink;

  if (!thumbing_reduce_takes (reduced) || crop != VIPS_INTERESTING_NONE
      || (self->auto_orient && vips_image_get_orientation (reduced) != 1))
    return FALSE;
  thumbnail_shrinks (self, reduced, width, height, size, crop, &hshrink, &vshrink);
  return hshrink == 1 && vshrink == 1;
}

/* The thumbnail of @decoded, an image in memory, through reduce_first(). */
static int
thumbnail_of_decoded (ThumbingResize *self,
                      VipsImage      *decoded,
                      VipsImage     **out,
                      int             width,
                      int             height,
                      VipsSize        size,
                      VipsInteresting crop,
                      gboolean        cover_crop)
{
  gboolean cropped = FALSE;
  g_autoptr(VipsImage) reduced = reduce_first (self, decoded, width, height, size, crop, cover_crop, &cropped);

  if (reduced == NULL)
    return -1;
  if (cropped)
    {
      gboolean swap = turned_sideways (self, decoded);

      width = swap ? reduced->Ysize : reduced->Xsize;
      height = swap ? reduced->Xsize : reduced->Ysize;
    }
  if (thumbnail_is_a_copy (self, reduced, width, height, size, crop))
    {
      *out = g_steal_pointer (&reduced);
      return 0;
    }
  return vips_thumbnail_image (reduced, out, width, "height", height, "size", size,
                               "crop", crop, "no_rotate", !self->auto_orient, NULL);
}

static int
run_thumbnail (ThumbingResize *self,
               Input          *input,
               VipsImage      *header,
               Watch          *watch,
               VipsImage     **out,
               int             width,
               int             height,
               VipsSize        size,
               VipsInteresting crop,
               gboolean        cover_crop)
{
  gboolean no_rotate = !self->auto_orient;
  int factor = input->image == NULL ? jpeg_shrink_factor (self, header, width, height, size, crop) : 1;

  if (input->image == NULL && (alpha_worth_checking (header) || png_reader_takes (self, header)))
    {
      /* A decoded image is shrunk by a whole factor first, leaving at least
       * two to the resampler, as shrink-on-load would: libvips 8.14's
       * thumbnail of a whole image in memory takes several times longer. */
      int whole = (int) (shrink_of (self, header, width, height, size, crop) / 2);
      g_autoptr(VipsImage) decoded = load_dropping_opaque_alpha (self, input, header, whole, watch);

      return decoded != NULL ? thumbnail_of_decoded (self, decoded, out, width, height, size, crop, cover_crop) : -1;
    }
  if (input->image == NULL && loaded_by (header, "pngload") && vips_image_hasalpha (header))
    {
      /* Too large to hold decoded, a PNG with alpha streams through the
       * thumbnail's own pipeline (PNG has no shrink-on-load), rounded as
       * resample_premultiplied() rounds. */
      g_autoptr(VipsImage) loaded = open_image (self, input, NULL, 0);

      return loaded != NULL ? thumbnail_of_decoded (self, loaded, out, width, height, size, crop, cover_crop) : -1;
    }

  if (factor > 1 || (input->image == NULL && jpeg_reduced_whole (self, header, width, height, size, crop)))
    {
      g_autoptr(VipsImage) loaded = open_image (self, input, factor > 1 ? "shrink" : NULL, factor);

      if (loaded == NULL)
        return -1;
      /* Shrunk on load, or small enough already, the image is held decoded. */
      if (thumbing_reduce_takes (loaded))
        {
          g_autoptr(VipsImage) decoded = read_jpeg (self, input, loaded, MAX (factor, 1), watch);

          return decoded != NULL ? thumbnail_of_decoded (self, decoded, out, width, height, size, crop, cover_crop) : -1;
        }
      return vips_thumbnail_image (loaded, out, width, "height", height, "size", size,
                                   "crop", crop, "no_rotate", no_rotate, NULL);
    }
  /* A decoded image with alpha (from an element before) rounds too. */
  if (input->image != NULL && vips_image_hasalpha (input->image))
    return thumbnail_of_decoded (self, input->image, out, width, height, size, crop, cover_crop);
  if (input->image != NULL)
    return vips_thumbnail_image (input->image, out, width, "height", height, "size", size,
                                 "crop", crop, "no_rotate", no_rotate, NULL);
  if (input->file != NULL)
    return vips_thumbnail (input->file, out, width, "height", height, "size", size,
                           "crop", crop, "no_rotate", no_rotate, "fail_on", vips_fail_on (self->fail_on), NULL);

  {
    gsize length = 0;
    const void *data = g_bytes_get_data (input->bytes, &length);

    return vips_thumbnail_buffer ((void *) data, length, out, width, "height", height, "size", size,
                                  "crop", crop, "no_rotate", no_rotate, "fail_on", vips_fail_on (self->fail_on), NULL);
  }
}

/* Pads to exactly width×height with the background, in 8-bit sRGB so the
 * background means the same colour whatever the input was. */
static VipsImage *
pad_to_box (ThumbingResize *self,
            VipsImage      *in,
            GError        **error)
{
  g_autoptr(VipsImage) srgb = NULL;
  g_autoptr(VipsImage) with_alpha = NULL;
  VipsArrayDouble *background = NULL;
  VipsImage *t = NULL;
  int status;
  VipsImage *current = in;

  if (current->Type != VIPS_INTERPRETATION_sRGB || current->BandFmt != VIPS_FORMAT_UCHAR)
    {
      if (vips_colourspace (current, &t, VIPS_INTERPRETATION_sRGB, NULL) != 0)
        goto fail;
      srgb = t;
      if (srgb->BandFmt != VIPS_FORMAT_UCHAR)
        {
          if (vips_cast_uchar (srgb, &t, NULL) != 0)
            goto fail;
          g_object_unref (srgb);
          srgb = t;
        }
      current = srgb;
    }
  if (self->rgba[3] < 255 && !vips_image_hasalpha (current))
    {
      if (vips_addalpha (current, &t, NULL) != 0)
        goto fail;
      with_alpha = t;
      current = with_alpha;
    }

  background = vips_array_double_new (self->rgba, vips_image_hasalpha (current) ? 4 : 3);
  status = vips_gravity (current, &t, compass (self->position), self->width, self->height,
                         "extend", VIPS_EXTEND_BACKGROUND, "background", background, NULL);
  vips_area_unref (VIPS_AREA (background));
  if (status != 0)
    goto fail;
  return t;

fail:
  thumbing_vips_set_error (error, THUMBING_ERROR_FAILED, _("cannot pad the image"));
  return NULL;
}

/* Watches a decode from libvips's progress reports: past the deadline, or
 * once the pipeline cancels its work, the computation is killed. */
/* Says why decoding stopped: the pipeline stopping, the timeout, or the input. */
static void
decode_failed (ThumbingResize *self,
               Watch          *watch,
               GError        **error)
{
  if (g_atomic_int_get (&watch->cancelled))
    {
      vips_error_clear ();
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED, _("decoding was cancelled: the pipeline is stopping"));
    }
  else if (g_atomic_int_get (&watch->timed_out))
    {
      vips_error_clear ();
      g_set_error (error, THUMBING_ERROR, THUMBING_ERROR_TOO_LARGE,
                   _("decoding took longer than timeout (%u s) and was stopped"), self->timeout);
    }
  else
    thumbing_vips_set_error (error, THUMBING_ERROR_BAD_INPUT, _("cannot decode the image"));
}

/* Every frame of a GIF or WebP animation, each resized as the box says
 * (cover crops each frame where position says; smart crops take the
 * centre), its delays and loop count kept: an image of the frames one
 * above the other, with page-height, as libvips's savers want. The pixels
 * of all frames together are held to max-input-pixels, from the header. */
static VipsImage *
animated_thumbnail (ThumbingResize *self,
                    Input          *input,
                    VipsImage      *header,
                    int             frames,
                    Watch          *watch,
                    GError        **error)
{
  guint64 total = (guint64) header->Xsize * (guint64) header->Ysize * (guint64) frames;
  gboolean cover = self->fit == THUMBING_RESIZE_FIT_COVER;
  double scale = cover ? MAX ((double) self->width / header->Xsize, (double) self->height / header->Ysize)
                       : MIN ((double) self->width / header->Xsize, (double) self->height / header->Ysize);
  int frame_width, frame_height;
  g_autoptr(VipsImage) loaded = NULL;
  g_autoptr(VipsImage) scaled = NULL;
  g_autoptr(VipsImage) joined = NULL;
  g_autofree VipsImage **cropped = NULL;
  VipsImage *t = NULL;
  int status = 0;

  if (self->max_input_pixels > 0 && total > self->max_input_pixels)
    {
      g_autofree char *count = g_strdup_printf ("%" G_GUINT64_FORMAT, total);
      g_autofree char *limit = g_strdup_printf ("%" G_GUINT64_FORMAT, self->max_input_pixels);

      g_set_error (error, THUMBING_ERROR, THUMBING_ERROR_TOO_LARGE,
                   _("the animation's %d frames of %d×%d are %s pixels, more than max-input-pixels (%s)"),
                   frames, header->Xsize, header->Ysize, count, limit);
      return NULL;
    }
  if (self->no_enlarge && scale > 1.0)
    scale = 1.0;
  frame_width = MAX (1, (int) lround (header->Xsize * scale));
  frame_height = MAX (1, (int) lround (header->Ysize * scale));

  loaded = open_image (self, input, "n", -1);
  if (loaded == NULL || vips_thumbnail_image (loaded, &t, frame_width, "height", VIPS_MAX_COORD,
                                              "size", VIPS_SIZE_BOTH, "no_rotate", TRUE, NULL) != 0)
    {
      decode_failed (self, watch, error);
      return NULL;
    }
  scaled = copy_memory_watched (t, watch);
  g_object_unref (t);
  if (scaled == NULL)
    {
      decode_failed (self, watch, error);
      return NULL;
    }
  frame_height = vips_image_get_page_height (scaled);
  if (!cover || (frame_width <= self->width && frame_height <= self->height))
    return g_steal_pointer (&scaled);

  /* Crop each frame to the box, then stack them again. */
  frames = scaled->Ysize / frame_height;
  cropped = g_new0 (VipsImage *, frames);
  for (int i = 0; i < frames && status == 0; i++)
    {
      g_autoptr(VipsImage) frame = NULL;

      status = vips_extract_area (scaled, &frame, 0, i * frame_height, frame_width, frame_height, NULL)
               || vips_gravity (frame, &cropped[i], compass (self->position), MIN (self->width, frame_width),
                                MIN (self->height, frame_height), NULL);
    }
  if (status == 0)
    status = vips_arrayjoin (cropped, &t, frames, "across", 1, NULL);
  for (int i = 0; i < frames; i++)
    g_clear_object (&cropped[i]);
  if (status != 0)
    {
      thumbing_vips_set_error (error, THUMBING_ERROR_FAILED, _("cannot crop the frames"));
      return NULL;
    }
  joined = t;
  vips_image_set_int (joined, VIPS_META_PAGE_HEIGHT, MIN (self->height, frame_height));
  t = vips_image_copy_memory (joined);
  if (t == NULL)
    thumbing_vips_set_error (error, THUMBING_ERROR_FAILED, _("cannot crop the frames"));
  return t;
}

/* @orientation: set to the EXIF orientation turned upright (1: none). */
static VipsImage *
resize (ThumbingResize *self,
        Input          *input,
        GCancellable   *cancellable,
        int            *orientation,
        GError        **error)
{
  Watch watch = { self->timeout > 0 ? g_get_monotonic_time () + (gint64) self->timeout * G_USEC_PER_SEC : 0,
                  cancellable, FALSE, FALSE };
  g_autoptr(VipsImage) header = NULL;
  g_autoptr(VipsImage) thumb = NULL;
  VipsImage *t = NULL;
  VipsSize size = self->no_enlarge ? VIPS_SIZE_DOWN : VIPS_SIZE_BOTH;
  VipsInteresting crop = VIPS_INTERESTING_NONE;
  int width = self->width, height = self->height;
  gboolean crop_after = FALSE;

  header = open_header (self, input, error);
  if (header == NULL)
    return NULL;
  *orientation = self->auto_orient ? vips_image_get_orientation (header) : 1;
  if (self->animated && input->image == NULL && vips_image_get_n_pages (header) > 1
      && (loaded_by (header, "gifload") || loaded_by (header, "webpload")))
    {
      *orientation = 1;
      return animated_thumbnail (self, input, header, vips_image_get_n_pages (header), &watch, error);
    }

  switch (self->fit)
    {
    case THUMBING_RESIZE_FIT_FILL:
      size = VIPS_SIZE_FORCE;
      break;
    case THUMBING_RESIZE_FIT_INSIDE:
    case THUMBING_RESIZE_FIT_CONTAIN:
      break;
    case THUMBING_RESIZE_FIT_COVER:
      crop = smart_crop (self->position);
      if (crop != VIPS_INTERESTING_NONE)
        break;
      crop_after = TRUE;
      G_GNUC_FALLTHROUGH;
    case THUMBING_RESIZE_FIT_OUTSIDE:
      {
        /* Scale so the image covers the box, on the upright dimensions. */
        gboolean swap = *orientation >= 5 && *orientation <= 8;
        double iw = swap ? header->Ysize : header->Xsize;
        double ih = swap ? header->Xsize : header->Ysize;
        double scale = MAX (self->width / iw, self->height / ih);

        if (self->no_enlarge && scale > 1.0)
          scale = 1.0;
        width = MAX (1, (int) lround (iw * scale));
        height = MAX (1, (int) lround (ih * scale));
        size = VIPS_SIZE_FORCE;
        break;
      }
    default:
      g_assert_not_reached ();
    }

  if (run_thumbnail (self, input, header, &watch, &t, width, height, size, crop, crop_after) != 0)
    {
      decode_failed (self, &watch, error);
      return NULL;
    }
  thumb = t;

  if (self->fit == THUMBING_RESIZE_FIT_CONTAIN)
    {
      t = pad_to_box (self, thumb, error);
      if (t == NULL)
        return NULL;
      g_object_unref (thumb);
      thumb = t;
    }
  else if (crop_after && (thumb->Xsize > self->width || thumb->Ysize > self->height))
    {
      if (vips_gravity (thumb, &t, compass (self->position),
                        MIN (self->width, thumb->Xsize), MIN (self->height, thumb->Ysize), NULL) != 0)
        {
          thumbing_vips_set_error (error, THUMBING_ERROR_FAILED, _("cannot crop the image"));
          return NULL;
        }
      g_object_unref (thumb);
      thumb = t;
    }

  /* Decode now, in this stage, so a corrupt or truncated input fails here
   * with the resize stage named, and the encoder gets plain pixels. */
  t = copy_memory_watched (thumb, &watch);
  if (t == NULL)
    decode_failed (self, &watch, error);
  return t;
}

static ThumbingItem *
thumbing_resize_process (ThumbingElement *element,
                         ThumbingItem    *item,
                         GCancellable    *cancellable,
                         GError         **error)
{
  ThumbingResize *self = THUMBING_RESIZE (element);
  GObject *image = thumbing_item_get_image (item);
  g_autoptr(VipsImage) result = NULL;
  Input input = { NULL, NULL, NULL };
  int orientation = 1;

  if (image != NULL && VIPS_IS_IMAGE (image))
    input.image = VIPS_IMAGE (image);
  else if (thumbing_item_get_bytes (item) != NULL)
    input.bytes = thumbing_item_get_bytes (item);
  else if (thumbing_item_get_file (item) != NULL)
    input.file = thumbing_item_get_file (item);
  else
    {
      g_set_error (error, THUMBING_ERROR, THUMBING_ERROR_STATE,
                   _("the item has no image payload (media type %s)"),
                   thumbing_item_get_media_type (item));
      return NULL;
    }

  result = resize (self, &input, cancellable, &orientation, error);
  if (result == NULL)
    return NULL;

  thumbing_item_set_metadata_int (item, THUMBING_METADATA_ORIENTATION, orientation);
  thumbing_item_set_metadata_int (item, THUMBING_METADATA_WIDTH, result->Xsize);
  thumbing_item_set_metadata_int (item, THUMBING_METADATA_HEIGHT, vips_image_get_page_height (result));
  thumbing_item_set_image (item, G_OBJECT (result));
  return thumbing_item_ref (item);
}

#define VIPS_MEMORY "thumbing_vips_tracked_memory_bytes"
#define VIPS_MEMORY_PEAK "thumbing_vips_tracked_memory_peak_bytes"

/* libvips counts the pixel buffers it allocates: the figure that grows with
 * images in flight, beside the process's RSS. */
static void
on_collect (ThumbingMetrics *metrics,
            gpointer         data)
{
  thumbing_metrics_set (metrics, VIPS_MEMORY, NULL, (double) vips_tracked_get_mem ());
  thumbing_metrics_set (metrics, VIPS_MEMORY_PEAK, NULL, (double) vips_tracked_get_mem_highwater ());
}

static gboolean
thumbing_resize_start (ThumbingElement *element,
                       GError         **error)
{
  ThumbingResize *self = THUMBING_RESIZE (element);
  ThumbingMetrics *metrics = thumbing_element_get_metrics (element);

  if (metrics != NULL && self->collect_handler == 0)
    {
      thumbing_metrics_declare (metrics, VIPS_MEMORY, THUMBING_METRIC_GAUGE, "Memory libvips holds for pixels");
      thumbing_metrics_declare (metrics, VIPS_MEMORY_PEAK, THUMBING_METRIC_GAUGE,
                                "The most memory libvips held for pixels at once");
      self->collect_handler = g_signal_connect (metrics, "collect", G_CALLBACK (on_collect), NULL);
    }
  return TRUE;
}

static void
thumbing_resize_stop (ThumbingElement *element)
{
  ThumbingResize *self = THUMBING_RESIZE (element);
  ThumbingMetrics *metrics = thumbing_element_get_metrics (element);

  if (metrics != NULL && self->collect_handler != 0)
    g_signal_handler_disconnect (metrics, self->collect_handler);
  self->collect_handler = 0;
}

static void
thumbing_resize_class_init (ThumbingResizeClass *klass)
{
  ThumbingElementClass *element_class = THUMBING_ELEMENT_CLASS (klass);

  element_class->check = thumbing_resize_check;
  element_class->start = thumbing_resize_start;
  element_class->stop = thumbing_resize_stop;
  element_class->process = thumbing_resize_process;

  thumbing_element_class_set_metadata (element_class, "resize",
                                       _("Decodes and resizes in one step (shrink-on-load), upright by EXIF orientation"));
  thumbing_element_class_set_metadata_keys (element_class, NULL, THUMBING_METADATA_WIDTH ";" THUMBING_METADATA_HEIGHT
                                            ";" THUMBING_METADATA_ORIENTATION);
  thumbing_element_class_set_media (element_class, "*/*;" THUMBING_MEDIA_DECODED_IMAGE,
                                    THUMBING_MEDIA_DECODED_IMAGE);

  THUMBING_ELEMENT_FIELD (klass, ThumbingResize, width,
    g_param_spec_int ("width", NULL, _("Target width in pixels"),
                      1, VIPS_MAX_COORD, 512,
                      G_PARAM_READWRITE | G_PARAM_CONSTRUCT | G_PARAM_STATIC_STRINGS));
  THUMBING_ELEMENT_FIELD (klass, ThumbingResize, height,
    g_param_spec_int ("height", NULL, _("Target height in pixels"),
                      1, VIPS_MAX_COORD, 512,
                      G_PARAM_READWRITE | G_PARAM_CONSTRUCT | G_PARAM_STATIC_STRINGS));
  THUMBING_ELEMENT_FIELD (klass, ThumbingResize, fit,
    g_param_spec_enum ("fit", NULL, _("How the image fits width×height"),
                       thumbing_resize_fit_get_type (), THUMBING_RESIZE_FIT_COVER,
                       G_PARAM_READWRITE | G_PARAM_CONSTRUCT | G_PARAM_STATIC_STRINGS));
  THUMBING_ELEMENT_FIELD (klass, ThumbingResize, position,
    g_param_spec_enum ("position", NULL, _("What cover keeps (a side, a corner, or a smart crop), or where contain places the image"),
                       thumbing_resize_position_get_type (), THUMBING_RESIZE_POSITION_CENTRE,
                       G_PARAM_READWRITE | G_PARAM_CONSTRUCT | G_PARAM_STATIC_STRINGS));
  THUMBING_ELEMENT_FIELD (klass, ThumbingResize, no_enlarge,
    g_param_spec_boolean ("no-enlarge", NULL, _("Never scale an image up"),
                          FALSE,
                          G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS));
  THUMBING_ELEMENT_FIELD (klass, ThumbingResize, auto_orient,
    g_param_spec_boolean ("auto-orient", NULL, _("Turn the image upright by its EXIF orientation"),
                          TRUE,
                          G_PARAM_READWRITE | G_PARAM_CONSTRUCT | G_PARAM_STATIC_STRINGS));
  THUMBING_ELEMENT_FIELD (klass, ThumbingResize, fast_shrink_on_load,
    g_param_spec_boolean ("fast-shrink-on-load", NULL,
                          _("Let JPEG decoding shrink as far as the output allows, as sharp does by default"
                            " (false: leave a factor of two to the resampler, as vipsthumbnail does)"),
                          TRUE,
                          G_PARAM_READWRITE | G_PARAM_CONSTRUCT | G_PARAM_STATIC_STRINGS));
  THUMBING_ELEMENT_FIELD (klass, ThumbingResize, background,
    g_param_spec_string ("background", NULL, _("Padding colour for fit=contain: #rrggbb[aa], #rgb[a], transparent, black, white"),
                         "transparent",
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT | G_PARAM_STATIC_STRINGS));
  THUMBING_ELEMENT_FIELD (klass, ThumbingResize, max_input_pixels,
    g_param_spec_uint64 ("max-input-pixels", NULL, _("Refuse inputs with more pixels than this, before decoding (0: no limit)"),
                         0, G_MAXUINT64, DEFAULT_MAX_INPUT_PIXELS,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT | G_PARAM_STATIC_STRINGS));
  THUMBING_ELEMENT_FIELD (klass, ThumbingResize, fail_on,
    g_param_spec_enum ("fail-on", NULL, _("How bad damage must be to fail an input: none, truncated, error, warning"),
                       thumbing_resize_fail_on_get_type (), THUMBING_RESIZE_FAIL_ON_ERROR,
                       G_PARAM_READWRITE | G_PARAM_CONSTRUCT | G_PARAM_STATIC_STRINGS));
  THUMBING_ELEMENT_FIELD (klass, ThumbingResize, timeout,
    g_param_spec_uint ("timeout", NULL, _("Seconds one image may take to decode and resize before it fails (0: no limit)"),
                       0, 3600, 30,
                       G_PARAM_READWRITE | G_PARAM_CONSTRUCT | G_PARAM_STATIC_STRINGS));
  THUMBING_ELEMENT_FIELD (klass, ThumbingResize, max_tiles,
    g_param_spec_uint64 ("max-tiles", NULL, _("Refuse TIFFs made of more tiles or strips than this, before decoding (0: no limit)"),
                         0, G_MAXUINT64, DEFAULT_MAX_TILES,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT | G_PARAM_STATIC_STRINGS));
  THUMBING_ELEMENT_FIELD (klass, ThumbingResize, animated,
    g_param_spec_boolean ("animated", NULL,
                          _("Resize every frame of a GIF or WebP animation, keeping delays and loops "
                            "(false: the first frame only); fit=cover or inside"),
                          FALSE, G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS));
  THUMBING_ELEMENT_FIELD (klass, ThumbingResize, max_frames,
    g_param_spec_uint ("max-frames", NULL, _("Refuse inputs with more frames or pages than this (0: no limit); the first is used"),
                       0, G_MAXUINT, 1000,
                       G_PARAM_READWRITE | G_PARAM_CONSTRUCT | G_PARAM_STATIC_STRINGS));
  THUMBING_ELEMENT_FIELD (klass, ThumbingResize, formats,
    g_param_spec_boxed ("formats", NULL,
                        _("Input formats taken, recognised by content, separated by “;”; "
                          "default jpeg;png;webp;gif;tiff;heif;jxl (avif is heif), svg, pdf and others only when named"),
                        G_TYPE_STRV,
                        G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS));
}

static void
thumbing_resize_init (ThumbingResize *self)
{
}
