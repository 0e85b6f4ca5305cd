/* thumbing-placeholder.c: what a front end shows before the image loads
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Computed on the thumbnail already in memory, scaled to fit ThumbHash's
 * 100×100: a BlurHash, a ThumbHash, the average and dominant colours and
 * whether there is transparency, left as item metadata, which the
 * completion event (SNS message, webhook body, log line) carries.
 */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "thumbing-image-hash.h"
#include "thumbing-placeholder.h"

struct _ThumbingPlaceholder
{
  ThumbingTransform parent_instance;

  int               components_x;
  int               components_y;
};

G_DEFINE_FINAL_TYPE (ThumbingPlaceholder, thumbing_placeholder, THUMBING_TYPE_TRANSFORM)

static char *
hex_color (const guint8 rgb[3])
{
  return g_strdup_printf ("#%02x%02x%02x", rgb[0], rgb[1], rgb[2]);
}

static ThumbingItem *
thumbing_placeholder_process (ThumbingElement *element,
                              ThumbingItem    *item,
                              GCancellable    *cancellable,
                              GError         **error)
{
  ThumbingPlaceholder *self = THUMBING_PLACEHOLDER (element);
  GObject *image = thumbing_item_get_image (item);
  g_autofree guint8 *pixels = NULL;
  g_autofree char *blurhash = NULL;
  g_autofree char *thumbhash = NULL;
  g_autofree char *average = NULL;
  g_autofree char *dominant = NULL;
  ThumbingImageColors colors;
  int width, height;

  if (image == NULL || !VIPS_IS_IMAGE (image))
    {
      g_set_error (error, THUMBING_ERROR, THUMBING_ERROR_STATE,
                   _("the item holds no decoded image (put placeholder after resize)"));
      return NULL;
    }
  pixels = thumbing_image_hash_pixels (VIPS_IMAGE (image), &width, &height, error);
  if (pixels == NULL)
    return NULL;
  blurhash = thumbing_blurhash_encode (pixels, width, height, self->components_x, self->components_y);
  thumbhash = thumbing_thumbhash_encode (pixels, width, height, NULL);
  thumbing_image_colors (pixels, width, height, &colors);
  average = hex_color (colors.average);
  dominant = hex_color (colors.dominant);
  thumbing_item_set_metadata (item, THUMBING_METADATA_BLURHASH, blurhash);
  thumbing_item_set_metadata (item, THUMBING_METADATA_THUMBHASH, thumbhash);
  thumbing_item_set_metadata (item, THUMBING_METADATA_AVERAGE_COLOR, average);
  thumbing_item_set_metadata (item, THUMBING_METADATA_DOMINANT_COLOR, dominant);
  thumbing_item_set_metadata (item, THUMBING_METADATA_TRANSPARENT, colors.transparent ? "true" : "false");
  return thumbing_item_ref (item);
}

static void
thumbing_placeholder_class_init (ThumbingPlaceholderClass *klass)
{
  ThumbingElementClass *element_class = THUMBING_ELEMENT_CLASS (klass);

  element_class->process = thumbing_placeholder_process;
  thumbing_element_class_set_metadata (element_class, "placeholder",
                                       _("Adds a BlurHash, a ThumbHash, the average and dominant colours and "
                                         "whether there is transparency, for front ends to show while the image loads"));
  thumbing_element_class_set_metadata_keys (element_class, NULL,
                                            THUMBING_METADATA_BLURHASH ";" THUMBING_METADATA_THUMBHASH ";"
                                            THUMBING_METADATA_AVERAGE_COLOR ";" THUMBING_METADATA_DOMINANT_COLOR ";"
                                            THUMBING_METADATA_TRANSPARENT);
  thumbing_element_class_set_media (element_class, THUMBING_MEDIA_DECODED_IMAGE, THUMBING_MEDIA_DECODED_IMAGE);

  THUMBING_ELEMENT_FIELD (klass, ThumbingPlaceholder, components_x,
    g_param_spec_int ("components-x", NULL, _("BlurHash components across (more: finer, longer)"),
                      1, 9, 4, G_PARAM_READWRITE | G_PARAM_CONSTRUCT | G_PARAM_STATIC_STRINGS));
  THUMBING_ELEMENT_FIELD (klass, ThumbingPlaceholder, components_y,
    g_param_spec_int ("components-y", NULL, _("BlurHash components down"),
                      1, 9, 3, G_PARAM_READWRITE | G_PARAM_CONSTRUCT | G_PARAM_STATIC_STRINGS));
}

static void
thumbing_placeholder_init (ThumbingPlaceholder *self)
{
}
