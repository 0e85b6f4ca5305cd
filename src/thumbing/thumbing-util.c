/* thumbing-util.c
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "thumbing-error.h"
#include "thumbing-item.h"
#include "thumbing-util-private.h"

/* Optimal string alignment distance: an adjacent transposition, the most
 * common typo (“widht”), counts as one edit. */
static guint
edit_distance (const char *a,
               const char *b)
{
  gsize la = strlen (a), lb = strlen (b);
  g_autofree guint *d = g_new (guint, (la + 1) * (lb + 1));

#define D(i, j) d[(i) * (lb + 1) + (j)]
  for (gsize i = 0; i <= la; i++)
    D (i, 0) = i;
  for (gsize j = 0; j <= lb; j++)
    D (0, j) = j;
  for (gsize i = 1; i <= la; i++)
    for (gsize j = 1; j <= lb; j++)
      {
        guint cost = a[i - 1] == b[j - 1] ? 0 : 1;

        D (i, j) = MIN (MIN (D (i - 1, j) + 1, D (i, j - 1) + 1), D (i - 1, j - 1) + cost);
        if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
          D (i, j) = MIN (D (i, j), D (i - 2, j - 2) + 1);
      }
  return D (la, lb);
#undef D
}

/* The closest candidate within a third of the word's length, for
 * “did you mean” hints; NULL when nothing is close. */
const char *
_thumbing_suggest (const char         *word,
                   const char * const *candidates)
{
  const char *best = NULL;
  guint best_distance = G_MAXUINT;
  guint limit = MAX (1, strlen (word) / 3);

  for (const char * const *c = candidates; c != NULL && *c != NULL; c++)
    {
      guint distance = edit_distance (word, *c);

      if (distance < best_distance)
        {
          best = *c;
          best_distance = distance;
        }
    }
  return best_distance <= limit ? best : NULL;
}

/* The “}” closing a “${”, skipping nested ones. */
static const char *
matching_brace (const char *start)
{
  guint depth = 1;

  for (const char *p = start; *p != '\0'; p++)
    {
      if (p[0] == '$' && p[1] == '{')
        {
          depth++;
          p++;
        }
      else if (*p == '}' && --depth == 0)
        return p;
    }
  return NULL;
}

/* Expands ${VAR}, ${VAR:-default} and ${VAR:+alternative} (the alternative
 * when VAR is set and not empty, else nothing: optional stages) from the
 * environment; $$ is a literal $. An unset variable without a default is an
 * error, so a pipeline never runs with an empty bucket name or queue URL by
 * accident. */
char *
_thumbing_expand_env (const char *text,
                      GError    **error)
{
  g_autoptr(GString) out = g_string_sized_new (strlen (text));
  const char *p = text;

  while (*p != '\0')
    {
      const char *close, *colon;
      g_autofree char *name = NULL;
      const char *value;

      if (p[0] != '$')
        {
          g_string_append_c (out, *p++);
          continue;
        }
      if (p[1] == '$')
        {
          g_string_append_c (out, '$');
          p += 2;
          continue;
        }
      if (p[1] != '{')
        {
          g_string_append_c (out, *p++);
          continue;
        }

      close = matching_brace (p + 2);
      if (close == NULL)
        {
          g_set_error (error, THUMBING_ERROR, THUMBING_ERROR_CONFIG,
                       _("“${” without a closing “}” in “%s”"), text);
          return NULL;
        }
      colon = p + 2 + strcspn (p + 2, ":}");
      if (colon >= close || (colon[1] != '-' && colon[1] != '+'))
        colon = NULL;
      name = g_strndup (p + 2, (colon != NULL ? colon : close) - (p + 2));
      if (name[0] == '\0')
        {
          g_set_error (error, THUMBING_ERROR, THUMBING_ERROR_CONFIG,
                       _("empty variable name in “%s”"), text);
          return NULL;
        }
      for (const char *c = name; *c != '\0'; c++)
        if (!g_ascii_isalnum (*c) && *c != '_')
          {
            g_set_error (error, THUMBING_ERROR, THUMBING_ERROR_CONFIG,
                         _("“%s” is not a valid environment variable name"), name);
            return NULL;
          }

      value = g_getenv (name);
      if (colon != NULL && colon[1] == '+')
        {
          g_autofree char *alternative = g_strndup (colon + 2, close - (colon + 2));
          g_autofree char *expanded = NULL;

          if (value != NULL && value[0] != '\0')
            {
              expanded = _thumbing_expand_env (alternative, error);
              if (expanded == NULL)
                return NULL;
              g_string_append (out, expanded);
            }
        }
      else if (value != NULL && (value[0] != '\0' || colon == NULL))
        g_string_append (out, value);
      else if (colon != NULL)
        {
          /* A default may itself use variables: ${OUTPUT:-${INPUT}}. */
          g_autofree char *fallback = g_strndup (colon + 2, close - (colon + 2));
          g_autofree char *expanded = _thumbing_expand_env (fallback, error);

          if (expanded == NULL)
            return NULL;
          g_string_append (out, expanded);
        }
      else
        {
          g_set_error (error, THUMBING_ERROR, THUMBING_ERROR_CONFIG,
                       _("environment variable %s is not set (write ${%s:-default} to give a default)"),
                       name, name);
          return NULL;
        }
      p = close + 1;
    }
  return g_string_free (g_steal_pointer (&out), FALSE);
}

static gboolean
media_part_match (const char *a,
                  gsize       la,
                  const char *b,
                  gsize       lb)
{
  if ((la == 1 && a[0] == '*') || (lb == 1 && b[0] == '*'))
    return TRUE;
  return la == lb && g_ascii_strncasecmp (a, b, la) == 0;
}

/* Whether a produced media pattern can satisfy an accepted one: each part
 * equal or a wildcard, and the decoded-image type only by name. */
gboolean
_thumbing_media_match (const char *produced,
                       const char *accepted)
{
  const char *ps = strchr (produced, '/');
  const char *as = strchr (accepted, '/');
  gboolean p_decoded = g_ascii_strcasecmp (produced, THUMBING_MEDIA_DECODED_IMAGE) == 0;
  gboolean a_decoded = g_ascii_strcasecmp (accepted, THUMBING_MEDIA_DECODED_IMAGE) == 0;

  if (p_decoded || a_decoded)
    return p_decoded && a_decoded;
  if (ps == NULL || as == NULL)
    return FALSE;
  return media_part_match (produced, ps - produced, accepted, as - accepted)
      && media_part_match (ps + 1, strlen (ps + 1), as + 1, strlen (as + 1));
}
