/* placeholder-encode.c: the pixels, hashes and colours thumbing computes,
 * for tests/test-placeholder.py to compare with the reference encoders
 *
 *   placeholder-encode IMAGE…          scaled as the placeholder stage does
 *   placeholder-encode --rgba W H FILE  raw RGBA pixels, as they are
 *
 * Prints one JSON object a line: width, height, rgba (base64), blurhash,
 * thumbhash, noise (the ThumbHash factors on a rounding boundary),
 * average, dominant, transparent.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-glib/json-glib.h>

#include "thumbing-image-hash.h"
#include "thumbing-test-vips.h"

static void
print_line (const guint8 *rgba,
            int           width,
            int           height)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *pixels = g_base64_encode (rgba, (gsize) width * height * 4);
  g_autofree char *blurhash = thumbing_blurhash_encode (rgba, width, height, 4, 3);
  g_autoptr(GArray) noise = g_array_new (FALSE, FALSE, sizeof (guint));
  g_autofree char *thumbhash = thumbing_thumbhash_encode (rgba, width, height, noise);
  g_autofree char *text = NULL;
  ThumbingImageColors colors;
  char average[8], dominant[8];

  thumbing_image_colors (rgba, width, height, &colors);
  g_snprintf (average, sizeof average, "#%02x%02x%02x", colors.average[0], colors.average[1], colors.average[2]);
  g_snprintf (dominant, sizeof dominant, "#%02x%02x%02x", colors.dominant[0], colors.dominant[1], colors.dominant[2]);
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "width");
  json_builder_add_int_value (builder, width);
  json_builder_set_member_name (builder, "height");
  json_builder_add_int_value (builder, height);
  json_builder_set_member_name (builder, "rgba");
  json_builder_add_string_value (builder, pixels);
  json_builder_set_member_name (builder, "blurhash");
  json_builder_add_string_value (builder, blurhash);
  json_builder_set_member_name (builder, "thumbhash");
  json_builder_add_string_value (builder, thumbhash);
  json_builder_set_member_name (builder, "noise");
  json_builder_begin_array (builder);
  for (guint i = 0; i < noise->len; i++)
    json_builder_add_int_value (builder, g_array_index (noise, guint, i));
  json_builder_end_array (builder);
  json_builder_set_member_name (builder, "average");
  json_builder_add_string_value (builder, average);
  json_builder_set_member_name (builder, "dominant");
  json_builder_add_string_value (builder, dominant);
  json_builder_set_member_name (builder, "transparent");
  json_builder_add_boolean_value (builder, colors.transparent);
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  json_generator_set_root (generator, root);
  text = json_generator_to_data (generator, NULL);
  puts (text);
}

int
main (int    argc,
      char **argv)
{
  if (VIPS_INIT (argv[0]) != 0)
    return 1;
  if (argc == 5 && strcmp (argv[1], "--rgba") == 0)
    {
      int width = atoi (argv[2]), height = atoi (argv[3]);
      g_autofree char *data = NULL;
      gsize length = 0;

      if (!g_file_get_contents (argv[4], &data, &length, NULL) || length != (gsize) width * height * 4)
        {
          fprintf (stderr, "placeholder-encode: %s is not %d×%d RGBA\n", argv[4], width, height);
          return 1;
        }
      print_line ((const guint8 *) data, width, height);
      return 0;
    }
  for (int i = 1; i < argc; i++)
    {
      g_autoptr(VipsImage) image = vips_image_new_from_file (argv[i], NULL);
      g_autoptr(GError) error = NULL;
      g_autofree guint8 *rgba = NULL;
      int width, height;

      if (image == NULL || (rgba = thumbing_image_hash_pixels (image, &width, &height, &error)) == NULL)
        {
          fprintf (stderr, "placeholder-encode: %s: %s\n", argv[i], error != NULL ? error->message : vips_error_buffer ());
          return 1;
        }
      print_line (rgba, width, height);
    }
  return 0;
}
