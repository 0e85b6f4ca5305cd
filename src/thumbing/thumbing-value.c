/* thumbing-value.c: parses keyfile and launch-string text into property values
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "config.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <glib/gi18n-lib.h>

#include "thumbing-error.h"
#include "thumbing-value-private.h"

static gboolean
parse_boolean (const char *text,
               gboolean   *out)
{
  static const char * const yes[] = { "true", "yes", "on", "1", NULL };
  static const char * const no[] = { "false", "no", "off", "0", NULL };

  for (guint i = 0; yes[i] != NULL; i++)
    if (g_ascii_strcasecmp (text, yes[i]) == 0)
      {
        *out = TRUE;
        return TRUE;
      }
  for (guint i = 0; no[i] != NULL; i++)
    if (g_ascii_strcasecmp (text, no[i]) == 0)
      {
        *out = FALSE;
        return TRUE;
      }
  return FALSE;
}

static gboolean
parse_signed (const char *text,
              gint64      min,
              gint64      max,
              gint64     *out,
              GError    **error)
{
  gint64 number;
  g_autoptr(GError) local_error = NULL;

  if (!g_ascii_string_to_signed (text, 10, G_MININT64, G_MAXINT64, &number, &local_error))
    {
      g_set_error (error, THUMBING_ERROR, THUMBING_ERROR_INVALID_VALUE,
                   _("“%s” is not a whole number"), text);
      return FALSE;
    }
  if (number < min || number > max)
    {
      g_autofree char *low = g_strdup_printf ("%" G_GINT64_FORMAT, min);
      g_autofree char *high = g_strdup_printf ("%" G_GINT64_FORMAT, max);

      g_set_error (error, THUMBING_ERROR, THUMBING_ERROR_INVALID_VALUE,
                   _("%s is out of range (%s to %s)"), text, low, high);
      return FALSE;
    }
  *out = number;
  return TRUE;
}

static gboolean
parse_unsigned (const char *text,
                guint64     min,
                guint64     max,
                guint64    *out,
                GError    **error)
{
  guint64 number;
  g_autoptr(GError) local_error = NULL;

  if (!g_ascii_string_to_unsigned (text, 10, 0, G_MAXUINT64, &number, &local_error))
    {
      g_set_error (error, THUMBING_ERROR, THUMBING_ERROR_INVALID_VALUE,
                   _("“%s” is not a non-negative whole number"), text);
      return FALSE;
    }
  if (number < min || number > max)
    {
      g_autofree char *low = g_strdup_printf ("%" G_GUINT64_FORMAT, min);
      g_autofree char *high = g_strdup_printf ("%" G_GUINT64_FORMAT, max);

      g_set_error (error, THUMBING_ERROR, THUMBING_ERROR_INVALID_VALUE,
                   _("%s is out of range (%s to %s)"), text, low, high);
      return FALSE;
    }
  *out = number;
  return TRUE;
}

static gboolean
parse_double (const char *text,
              double      min,
              double      max,
              double     *out,
              GError    **error)
{
  char *end = NULL;
  double number;

  errno = 0;
  number = g_ascii_strtod (text, &end);
  if (text[0] == '\0' || end == NULL || *end != '\0' || errno != 0 || !isfinite (number))
    {
      g_set_error (error, THUMBING_ERROR, THUMBING_ERROR_INVALID_VALUE,
                   _("“%s” is not a number"), text);
      return FALSE;
    }
  if (number < min || number > max)
    {
      g_set_error (error, THUMBING_ERROR, THUMBING_ERROR_INVALID_VALUE,
                   _("%s is out of range (%g to %g)"), text, min, max);
      return FALSE;
    }
  *out = number;
  return TRUE;
}

static char *
enum_nicks (GType type)
{
  g_autoptr(GEnumClass) klass = g_type_class_ref (type);
  g_autoptr(GString) nicks = g_string_new (NULL);

  for (guint i = 0; i < klass->n_values; i++)
    {
      if (i > 0)
        g_string_append (nicks, ", ");
      g_string_append (nicks, klass->values[i].value_nick);
    }
  return g_string_free (g_steal_pointer (&nicks), FALSE);
}

static gboolean
parse_enum (GType       type,
            const char *text,
            gint       *out,
            GError    **error)
{
  g_autoptr(GEnumClass) klass = g_type_class_ref (type);
  GEnumValue *value = g_enum_get_value_by_nick (klass, text);

  if (value == NULL)
    value = g_enum_get_value_by_name (klass, text);
  if (value == NULL)
    {
      g_autofree char *nicks = enum_nicks (type);

      g_set_error (error, THUMBING_ERROR, THUMBING_ERROR_INVALID_VALUE,
                   _("“%s” is not one of: %s"), text, nicks);
      return FALSE;
    }
  *out = value->value;
  return TRUE;
}

static gboolean
parse_flags (GType       type,
             const char *text,
             guint      *out,
             GError    **error)
{
  g_autoptr(GFlagsClass) klass = g_type_class_ref (type);
  g_auto(GStrv) parts = g_strsplit_set (text, "+,|", -1);
  guint flags = 0;

  for (char **p = parts; *p != NULL; p++)
    {
      GFlagsValue *value;

      g_strstrip (*p);
      if (**p == '\0')
        continue;
      value = g_flags_get_value_by_nick (klass, *p);
      if (value == NULL)
        value = g_flags_get_value_by_name (klass, *p);
      if (value == NULL)
        {
          g_autoptr(GString) nicks = g_string_new (NULL);

          for (guint i = 0; i < klass->n_values; i++)
            g_string_append_printf (nicks, "%s%s", i > 0 ? ", " : "", klass->values[i].value_nick);
          g_set_error (error, THUMBING_ERROR, THUMBING_ERROR_INVALID_VALUE,
                       _("“%s” is not one of: %s"), *p, nicks->str);
          return FALSE;
        }
      flags |= value->value;
    }
  *out = flags;
  return TRUE;
}

static GStrv
parse_list (const char *text)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_auto(GStrv) parts = g_strsplit (text, ";", -1);

  for (char **p = parts; *p != NULL; p++)
    {
      g_strstrip (*p);
      if (**p != '\0')
        g_strv_builder_add (builder, *p);
    }
  return g_strv_builder_end (builder);
}

/* Parses @text into @value (initialised here) for @pspec's type and range. */
gboolean
_thumbing_value_parse (GParamSpec *pspec,
                       const char *text,
                       GValue     *value,
                       GError    **error)
{
  GType type = G_PARAM_SPEC_VALUE_TYPE (pspec);
  GType fundamental = G_TYPE_FUNDAMENTAL (type);

  g_value_init (value, type);

  switch (fundamental)
    {
    case G_TYPE_STRING:
      g_value_set_string (value, text);
      return TRUE;

    case G_TYPE_BOOLEAN:
      {
        gboolean b;

        if (!parse_boolean (text, &b))
          {
            g_set_error (error, THUMBING_ERROR, THUMBING_ERROR_INVALID_VALUE,
                         _("“%s” is not a boolean (true or false)"), text);
            return FALSE;
          }
        g_value_set_boolean (value, b);
        return TRUE;
      }

    case G_TYPE_INT:
      {
        GParamSpecInt *spec = G_PARAM_SPEC_INT (pspec);
        gint64 n;

        if (!parse_signed (text, spec->minimum, spec->maximum, &n, error))
          return FALSE;
        g_value_set_int (value, (gint) n);
        return TRUE;
      }

    case G_TYPE_INT64:
      {
        GParamSpecInt64 *spec = G_PARAM_SPEC_INT64 (pspec);
        gint64 n;

        if (!parse_signed (text, spec->minimum, spec->maximum, &n, error))
          return FALSE;
        g_value_set_int64 (value, n);
        return TRUE;
      }

    case G_TYPE_UINT:
      {
        GParamSpecUInt *spec = G_PARAM_SPEC_UINT (pspec);
        guint64 n;

        if (!parse_unsigned (text, spec->minimum, spec->maximum, &n, error))
          return FALSE;
        g_value_set_uint (value, (guint) n);
        return TRUE;
      }

    case G_TYPE_UINT64:
      {
        GParamSpecUInt64 *spec = G_PARAM_SPEC_UINT64 (pspec);
        guint64 n;

        if (!parse_unsigned (text, spec->minimum, spec->maximum, &n, error))
          return FALSE;
        g_value_set_uint64 (value, n);
        return TRUE;
      }

    case G_TYPE_DOUBLE:
      {
        GParamSpecDouble *spec = G_PARAM_SPEC_DOUBLE (pspec);
        double d;

        if (!parse_double (text, spec->minimum, spec->maximum, &d, error))
          return FALSE;
        g_value_set_double (value, d);
        return TRUE;
      }

    case G_TYPE_ENUM:
      {
        gint e;

        if (!parse_enum (type, text, &e, error))
          return FALSE;
        g_value_set_enum (value, e);
        return TRUE;
      }

    case G_TYPE_FLAGS:
      {
        guint f;

        if (!parse_flags (type, text, &f, error))
          return FALSE;
        g_value_set_flags (value, f);
        return TRUE;
      }

    case G_TYPE_BOXED:
      if (type == G_TYPE_STRV)
        {
          g_value_take_boxed (value, parse_list (text));
          return TRUE;
        }
      break;

    default:
      break;
    }

  g_set_error (error, THUMBING_ERROR, THUMBING_ERROR_INVALID_VALUE,
               _("property “%s” of type %s cannot be set from text"),
               pspec->name, g_type_name (type));
  return FALSE;
}
