/* thumbing-svg-size.c: the size an SVG document declares
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * libvips renders an SVG at the size its root element declares, and an
 * upload can declare 100000000×100000000: librsvg and libvips then warn,
 * clamp and render anyway. The declared size is read here first, from the
 * root element's width and height (or its viewBox), so max-input-pixels
 * refuses such a document before it is parsed for rendering.
 */
#include "config.h"

#include <string.h>

#include "thumbing-svg-size.h"

/* The value of attribute @name in the tag text [@tag, @end), or NULL. */
static char *
attribute (const char *tag,
           const char *end,
           const char *name)
{
  gsize name_length = strlen (name);

  for (const char *p = tag; p + name_length + 2 < end; p++)
    {
      const char *value;
      const char *close;
      char quote;

      if (!g_ascii_isspace (p[0]) || strncmp (p + 1, name, name_length) != 0)
        continue;
      value = p + 1 + name_length;
      while (value < end && g_ascii_isspace (*value))
        value++;
      if (value >= end || *value != '=')
        continue;
      value++;
      while (value < end && g_ascii_isspace (*value))
        value++;
      if (value >= end || (*value != '"' && *value != '\''))
        continue;
      quote = *value++;
      close = memchr (value, quote, end - value);
      if (close != NULL)
        return g_strndup (value, close - value);
    }
  return NULL;
}

/* A length in CSS pixels, or a negative number for a percentage or
 * something unreadable. */
static double
css_pixels (const char *text)
{
  static const struct { const char *unit; double pixels; } units[] = {
    { "", 1 }, { "px", 1 }, { "pt", 96.0 / 72 }, { "pc", 16 }, { "mm", 96 / 25.4 }, { "cm", 96 / 2.54 },
    { "in", 96 }, { "em", 16 }, { "ex", 8 },
  };
  char *unit = NULL;
  double number = g_ascii_strtod (text, &unit);

  if (unit == text || number < 0)
    return -1;
  while (g_ascii_isspace (*unit))
    unit++;
  for (guint i = 0; i < G_N_ELEMENTS (units); i++)
    if (g_ascii_strcasecmp (unit, units[i].unit) == 0)
      return number * units[i].pixels;
  return -1;
}

/* Finds the declared size in the first @length bytes of an SVG document;
 * FALSE when the root element declares none that can be read. */
gboolean
thumbing_svg_declared_size (const char *data,
                            gsize       length,
                            double     *width,
                            double     *height)
{
  const char *tag = g_strstr_len (data, length, "<svg");
  const char *end;
  g_autofree char *w = NULL;
  g_autofree char *h = NULL;
  g_autofree char *view_box = NULL;

  if (tag == NULL)
    return FALSE;
  end = memchr (tag, '>', data + length - tag);
  if (end == NULL)
    return FALSE;
  w = attribute (tag, end, "width");
  h = attribute (tag, end, "height");
  *width = w != NULL ? css_pixels (w) : -1;
  *height = h != NULL ? css_pixels (h) : -1;
  view_box = attribute (tag, end, "viewBox");
  if ((*width < 0 || *height < 0) && view_box != NULL)
    {
      g_auto(GStrv) parts = g_strsplit_set (g_strstrip (view_box), " ,", -1);
      guint n = 0;
      double numbers[4];

      for (char **p = parts; *p != NULL && n < 4; p++)
        if (**p != '\0')
          numbers[n++] = g_ascii_strtod (*p, NULL);
      if (n == 4)
        {
          if (*width < 0)
            *width = numbers[2];
          if (*height < 0)
            *height = numbers[3];
        }
    }
  return *width >= 0 && *height >= 0;
}
