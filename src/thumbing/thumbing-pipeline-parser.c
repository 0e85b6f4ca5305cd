/* thumbing-pipeline-parser.c: builds pipelines from keyfiles and launch strings, and describes them as launch strings
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "thumbing-error.h"
#include "thumbing-pipeline-private.h"
#include "thumbing-text.h"
#include "thumbing-util-private.h"
#include "thumbing-value-private.h"

#define PIPELINE_GROUP "pipeline"

/* Construction */

/**
 * thumbing_pipeline_new_from_launch:
 * @description: a launch string, as `folder-source path=in ! resize ! png-encode ! folder-sink path=out`;
 *   a chain may end in branches, as `… ! ( png-encode ! folder-sink path=a ) ( webp-encode ! folder-sink path=b )`
 * @error: return location for a #GError
 *
 * Builds a pipeline from a launch string: elements with `key=value`
 * settings, joined by `!`; `name=` names a stage.
 *
 * Returns: (transfer full): a new pipeline, or %NULL with @error set
 *   (%THUMBING_ERROR_CONFIG and friends), naming the position in @description
 */
ThumbingPipeline *
thumbing_pipeline_new_from_launch (const char *description,
                                   GError    **error)
{
  g_autoptr(ThumbingPipeline) self = NULL;

  g_return_val_if_fail (description != NULL, NULL);

  self = thumbing_pipeline_new ("launch");
  if (!_thumbing_pipeline_parse_launch (self, description, error))
    return NULL;
  return g_steal_pointer (&self);
}

/**
 * thumbing_pipeline_new_from_keyfile:
 * @keyfile: a pipeline description
 * @filename: (nullable): where @keyfile came from, for messages
 * @error: return location for a #GError
 *
 * Builds a pipeline from a keyfile: a `[pipeline]` group whose `stages` key
 * lists stage groups in order; each stage group names its `element` and
 * sets its properties; a stage group with `branches` instead fans out into
 * branch groups, each with its own `stages`. Values expand `${VAR}` and
 * `${VAR:-default}` from the environment.
 *
 * Returns: (transfer full): a new pipeline, or %NULL with @error naming the
 *   file, group and key at fault
 */
ThumbingPipeline *
thumbing_pipeline_new_from_keyfile (GKeyFile   *keyfile,
                                    const char *filename,
                                    GError    **error)
{
  g_autoptr(ThumbingPipeline) self = NULL;

  g_return_val_if_fail (keyfile != NULL, NULL);

  self = thumbing_pipeline_new (NULL);
  if (!_thumbing_pipeline_parse_keyfile (self, keyfile, filename, error))
    return NULL;
  return g_steal_pointer (&self);
}

/**
 * thumbing_pipeline_new_from_file:
 * @filename: a pipeline keyfile
 * @error: return location for a #GError
 *
 * Loads @filename and builds it with thumbing_pipeline_new_from_keyfile().
 *
 * Returns: (transfer full): a new pipeline, or %NULL with @error set
 */
ThumbingPipeline *
thumbing_pipeline_new_from_file (const char *filename,
                                 GError    **error)
{
  g_autoptr(GKeyFile) keyfile = g_key_file_new ();
  g_autoptr(GError) local_error = NULL;

  g_return_val_if_fail (filename != NULL, NULL);

  if (!g_key_file_load_from_file (keyfile, filename, G_KEY_FILE_NONE, &local_error))
    {
      g_set_error (error, THUMBING_ERROR, THUMBING_ERROR_CONFIG,
                   "%s: %s", filename, local_error->message);
      return NULL;
    }
  return thumbing_pipeline_new_from_keyfile (keyfile, filename, error);
}

/* Keyfiles */

typedef struct
{
  ThumbingPipeline *pipeline;
  GKeyFile         *keyfile;
  const char       *filename;
  GHashTable       *used_groups;
} KeyfileParser;

static void
prefix_at (GError    **error,
           const char *filename,
           const char *group,
           const char *key)
{
  if (key != NULL)
    g_prefix_error (error, "%s: [%s] %s: ", filename, group, key);
  else
    g_prefix_error (error, "%s: [%s]: ", filename, group);
}

/* GKeyFile knows \s, \n, \t, \r and \\ in a value. Checked before GLib
 * unescapes it: GLib 2.74 sets its error twice, with a warning, when an
 * unknown escape comes before a "\" that ends the value. */
static gboolean
check_escapes (const char *raw,
               GError    **error)
{
  for (const char *p = strchr (raw, '\\'); p != NULL; p = strchr (p + 2, '\\'))
    {
      if (p[1] == '\0')
        {
          g_set_error (error, THUMBING_ERROR, THUMBING_ERROR_CONFIG,
                       _("the value ends with a lone “\\” (write “\\\\” for a backslash)"));
          return FALSE;
        }
      if (strchr ("sntr\\", p[1]) == NULL)
        {
          g_autofree char *escape = thumbing_text_escape_controls ((char[]) { '\\', p[1], '\0' });

          g_set_error (error, THUMBING_ERROR, THUMBING_ERROR_CONFIG,
                       _("“%s” at byte %d is not an escape GKeyFile knows: \\s \\n \\t \\r \\\\"),
                       escape, (int) (p - raw) + 1);
          return FALSE;
        }
    }
  return TRUE;
}

static char *
get_expanded (KeyfileParser *parser,
              const char    *group,
              const char    *key,
              GError       **error)
{
  g_autofree char *raw = g_key_file_get_value (parser->keyfile, group, key, error);
  char *value;

  if (raw == NULL || !check_escapes (raw, error))
    {
      prefix_at (error, parser->filename, group, key);
      return NULL;
    }
  g_clear_pointer (&raw, g_free);
  raw = g_key_file_get_string (parser->keyfile, group, key, error);
  if (raw == NULL)
    {
      prefix_at (error, parser->filename, group, key);
      return NULL;
    }
  value = _thumbing_expand_env (raw, error);
  if (value == NULL)
    prefix_at (error, parser->filename, group, key);
  return value;
}

static GStrv
get_list (KeyfileParser *parser,
          const char    *group,
          const char    *key,
          GError       **error)
{
  g_autofree char *value = get_expanded (parser, group, key, error);
  g_autoptr(GStrvBuilder) builder = NULL;
  g_auto(GStrv) parts = NULL;

  if (value == NULL)
    return NULL;
  builder = g_strv_builder_new ();
  parts = g_strsplit (value, ";", -1);
  for (char **p = parts; *p != NULL; p++)
    {
      g_strstrip (*p);
      if (**p != '\0')
        g_strv_builder_add (builder, *p);
    }
  return g_strv_builder_end (builder);
}

static gboolean
reject_other_keys (KeyfileParser *parser,
                   const char    *group,
                   const char    *allowed,
                   GError       **error)
{
  g_auto(GStrv) keys = g_key_file_get_keys (parser->keyfile, group, NULL, NULL);

  for (char **k = keys; k != NULL && *k != NULL; k++)
    if (strcmp (*k, allowed) != 0)
      {
        g_set_error (error, THUMBING_ERROR, THUMBING_ERROR_CONFIG,
                     _("unknown key (a group with “%s” takes no other keys)"), allowed);
        prefix_at (error, parser->filename, group, *k);
        return FALSE;
      }
  return TRUE;
}

static gboolean parse_stage_list (KeyfileParser *parser,
                                  ThumbingChain *chain,
                                  const char    *list_group,
                                  GError       **error);

static gboolean
parse_branches (KeyfileParser *parser,
                ThumbingChain *chain,
                const char    *group,
                GError       **error)
{
  g_auto(GStrv) branches = NULL;

  if (!reject_other_keys (parser, group, "branches", error))
    return FALSE;
  branches = get_list (parser, group, "branches", error);
  if (branches == NULL)
    return FALSE;
  if (g_strv_length (branches) < 2)
    {
      g_set_error (error, THUMBING_ERROR, THUMBING_ERROR_CONFIG,
                   _("a fan-out needs at least two branches"));
      prefix_at (error, parser->filename, group, "branches");
      return FALSE;
    }

  for (char **b = branches; *b != NULL; b++)
    {
      if (!g_key_file_has_group (parser->keyfile, *b))
        {
          g_set_error (error, THUMBING_ERROR, THUMBING_ERROR_CONFIG,
                       _("no group [%s] describes this branch"), *b);
          prefix_at (error, parser->filename, group, "branches");
          return FALSE;
        }
      if (!g_hash_table_add (parser->used_groups, g_strdup (*b)))
        {
          g_set_error (error, THUMBING_ERROR, THUMBING_ERROR_CONFIG,
                       _("group [%s] is used more than once"), *b);
          prefix_at (error, parser->filename, group, "branches");
          return FALSE;
        }
      if (!reject_other_keys (parser, *b, "stages", error))
        return FALSE;
      if (!parse_stage_list (parser, _thumbing_chain_add_branch (chain), *b, error))
        return FALSE;
    }
  return TRUE;
}

/* Creates the element a group describes, its properties set. */
static ThumbingElement *
build_element (KeyfileParser *parser,
               const char    *group,
               GError       **error)
{
  g_autofree char *element_name = NULL;
  g_autoptr(ThumbingElement) element = NULL;
  g_auto(GStrv) keys = NULL;

  element_name = get_expanded (parser, group, "element", error);
  if (element_name == NULL)
    return NULL;
  element = thumbing_registry_create_element (thumbing_registry_get_default (),
                                              element_name, group, error);
  if (element == NULL)
    {
      prefix_at (error, parser->filename, group, "element");
      return NULL;
    }

  keys = g_key_file_get_keys (parser->keyfile, group, NULL, NULL);
  for (char **k = keys; k != NULL && *k != NULL; k++)
    {
      g_autofree char *value = NULL;

      if (strcmp (*k, "element") == 0)
        continue;
      if (strcmp (*k, "name") == 0)
        {
          g_set_error (error, THUMBING_ERROR, THUMBING_ERROR_CONFIG,
                       _("the stage name is the group name and cannot be set"));
          prefix_at (error, parser->filename, group, *k);
          return NULL;
        }
      value = get_expanded (parser, group, *k, error);
      if (value == NULL)
        return NULL;
      if (!thumbing_element_set_property_from_string (element, *k, value, error))
        {
          prefix_at (error, parser->filename, group, *k);
          return NULL;
        }
    }
  return g_steal_pointer (&element);
}

static gboolean
parse_element_stage (KeyfileParser *parser,
                     ThumbingChain *chain,
                     const char    *group,
                     GError       **error)
{
  g_autoptr(ThumbingElement) element = build_element (parser, group, error);

  if (element == NULL)
    return FALSE;
  if (!_thumbing_pipeline_add_to_chain (parser->pipeline, chain, element, error))
    {
      prefix_at (error, parser->filename, group, "element");
      return FALSE;
    }
  return TRUE;
}

static gboolean
parse_stage_list (KeyfileParser *parser,
                  ThumbingChain *chain,
                  const char    *list_group,
                  GError       **error)
{
  g_auto(GStrv) stages = get_list (parser, list_group, "stages", error);
  guint n_stages;

  if (stages == NULL)
    return FALSE;
  n_stages = g_strv_length (stages);
  if (n_stages == 0)
    {
      g_set_error (error, THUMBING_ERROR, THUMBING_ERROR_CONFIG, _("no stages are listed"));
      prefix_at (error, parser->filename, list_group, "stages");
      return FALSE;
    }

  for (guint i = 0; i < n_stages; i++)
    {
      const char *group = stages[i];

      if (strcmp (group, PIPELINE_GROUP) == 0 || !g_key_file_has_group (parser->keyfile, group))
        {
          g_set_error (error, THUMBING_ERROR, THUMBING_ERROR_CONFIG,
                       _("no group [%s] describes stage “%s”"), group, group);
          prefix_at (error, parser->filename, list_group, "stages");
          return FALSE;
        }
      if (!g_hash_table_add (parser->used_groups, g_strdup (group)))
        {
          g_set_error (error, THUMBING_ERROR, THUMBING_ERROR_CONFIG,
                       _("group [%s] is used more than once"), group);
          prefix_at (error, parser->filename, list_group, "stages");
          return FALSE;
        }

      if (g_key_file_has_key (parser->keyfile, group, "branches", NULL))
        {
          if (i + 1 != n_stages)
            {
              g_set_error (error, THUMBING_ERROR, THUMBING_ERROR_CONFIG,
                           _("a fan-out must be the last stage of its list"));
              prefix_at (error, parser->filename, group, "branches");
              return FALSE;
            }
          if (!parse_branches (parser, chain, group, error))
            return FALSE;
        }
      else if (g_key_file_has_key (parser->keyfile, group, "element", NULL))
        {
          if (!parse_element_stage (parser, chain, group, error))
            return FALSE;
        }
      else
        {
          g_set_error (error, THUMBING_ERROR, THUMBING_ERROR_CONFIG,
                       _("a stage needs an “element” key (or “branches” for a fan-out)"));
          prefix_at (error, parser->filename, group, NULL);
          return FALSE;
        }
    }
  return TRUE;
}

static gboolean
parse_pipeline_group (KeyfileParser *parser,
                      GError       **error)
{
  g_auto(GStrv) keys = g_key_file_get_keys (parser->keyfile, PIPELINE_GROUP, NULL, NULL);
  static const char * const known[] = { "stages", "services", "name", "max-in-flight", "workers", "allow-feedback",
                                        "stop-grace", "metrics-address", NULL };

  for (char **k = keys; k != NULL && *k != NULL; k++)
    {
      g_autofree char *value = NULL;
      g_auto(GValue) parsed = G_VALUE_INIT;
      GParamSpec *pspec;

      if (strcmp (*k, "stages") == 0 || strcmp (*k, "services") == 0)
        continue;
      if (!g_strv_contains (known, *k))
        {
          const char *suggestion = _thumbing_suggest (*k, known);

          if (suggestion != NULL)
            g_set_error (error, THUMBING_ERROR, THUMBING_ERROR_UNKNOWN_PROPERTY,
                         _("unknown key (did you mean “%s”?)"), suggestion);
          else
            g_set_error (error, THUMBING_ERROR, THUMBING_ERROR_UNKNOWN_PROPERTY,
                         _("unknown key (known: stages, services, name, max-in-flight, workers, allow-feedback, "
                           "stop-grace, metrics-address)"));
          prefix_at (error, parser->filename, PIPELINE_GROUP, *k);
          return FALSE;
        }
      value = get_expanded (parser, PIPELINE_GROUP, *k, error);
      if (value == NULL)
        return FALSE;
      pspec = g_object_class_find_property (G_OBJECT_GET_CLASS (parser->pipeline), *k);
      if (!_thumbing_value_parse (pspec, value, &parsed, error))
        {
          prefix_at (error, parser->filename, PIPELINE_GROUP, *k);
          return FALSE;
        }
      g_object_set_property (G_OBJECT (parser->pipeline), *k, &parsed);
    }

  if (!g_key_file_has_key (parser->keyfile, PIPELINE_GROUP, "stages", NULL))
    {
      g_set_error (error, THUMBING_ERROR, THUMBING_ERROR_CONFIG,
                   _("missing key “stages” (the stage groups, in order, separated by “;”)"));
      prefix_at (error, parser->filename, PIPELINE_GROUP, NULL);
      return FALSE;
    }
  return TRUE;
}

/* services=: groups of elements that run beside the chain. */
static gboolean
parse_services (KeyfileParser *parser,
                GError       **error)
{
  g_auto(GStrv) services = NULL;

  if (!g_key_file_has_key (parser->keyfile, PIPELINE_GROUP, "services", NULL))
    return TRUE;
  services = get_list (parser, PIPELINE_GROUP, "services", error);
  if (services == NULL)
    return FALSE;
  for (char **group = services; *group != NULL; group++)
    {
      g_autoptr(ThumbingElement) element = NULL;

      if (strcmp (*group, PIPELINE_GROUP) == 0 || !g_key_file_has_group (parser->keyfile, *group)
          || !g_key_file_has_key (parser->keyfile, *group, "element", NULL))
        {
          g_set_error (error, THUMBING_ERROR, THUMBING_ERROR_CONFIG,
                       _("no group [%s] with an “element” key describes service “%s”"), *group, *group);
          prefix_at (error, parser->filename, PIPELINE_GROUP, "services");
          return FALSE;
        }
      if (!g_hash_table_add (parser->used_groups, g_strdup (*group)))
        {
          g_set_error (error, THUMBING_ERROR, THUMBING_ERROR_CONFIG, _("group [%s] is used more than once"), *group);
          prefix_at (error, parser->filename, PIPELINE_GROUP, "services");
          return FALSE;
        }
      element = build_element (parser, *group, error);
      if (element == NULL)
        return FALSE;
      if (!THUMBING_IS_SERVICE (element))
        {
          g_set_error (error, THUMBING_ERROR, THUMBING_ERROR_CONFIG,
                       _("%s is not a service; list it in “stages”"), thumbing_element_get_factory_name (element));
          prefix_at (error, parser->filename, *group, "element");
          return FALSE;
        }
      if (!thumbing_pipeline_add_service (parser->pipeline, THUMBING_SERVICE (element), error))
        {
          prefix_at (error, parser->filename, *group, "element");
          return FALSE;
        }
    }
  return TRUE;
}

/* Whether @name is written in some stage list before expansion: a stage
 * that ${VAR:+…} left out is meant, not a typo. */
static gboolean
written_in_a_stage_list (GKeyFile   *keyfile,
                         const char *name)
{
  static const char * const lists[] = { "stages", "branches", "services" };
  g_auto(GStrv) groups = g_key_file_get_groups (keyfile, NULL);

  for (char **g = groups; *g != NULL; g++)
    for (guint i = 0; i < G_N_ELEMENTS (lists); i++)
      {
        g_autofree char *raw = g_key_file_get_value (keyfile, *g, lists[i], NULL);
        g_auto(GStrv) words = NULL;

        if (raw == NULL)
          continue;
        words = g_regex_split_simple ("[^A-Za-z0-9_.-]+", raw, G_REGEX_RAW, 0);
        if (g_strv_contains ((const char * const *) words, name))
          return TRUE;
      }
  return FALSE;
}

gboolean
_thumbing_pipeline_parse_keyfile (ThumbingPipeline *self,
                                  GKeyFile         *keyfile,
                                  const char       *filename,
                                  GError          **error)
{
  g_autoptr(GHashTable) used = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_auto(GStrv) groups = NULL;
  KeyfileParser parser = { self, keyfile, filename != NULL ? filename : "(keyfile)", used };

  _thumbing_pipeline_set_filename (self, parser.filename);

  if (!g_key_file_has_group (keyfile, PIPELINE_GROUP))
    {
      g_set_error (error, THUMBING_ERROR, THUMBING_ERROR_CONFIG,
                   _("%s: no [%s] group"), parser.filename, PIPELINE_GROUP);
      return FALSE;
    }
  if (!parse_pipeline_group (&parser, error))
    return FALSE;
  if (!parse_stage_list (&parser, _thumbing_pipeline_get_root (self), PIPELINE_GROUP, error))
    return FALSE;
  if (!parse_services (&parser, error))
    return FALSE;

  /* A group nothing refers to is almost always a typo in a stage list. */
  groups = g_key_file_get_groups (keyfile, NULL);
  for (char **g = groups; *g != NULL; g++)
    if (strcmp (*g, PIPELINE_GROUP) != 0 && !g_hash_table_contains (used, *g)
        && !written_in_a_stage_list (keyfile, *g))
      {
        g_set_error (error, THUMBING_ERROR, THUMBING_ERROR_CONFIG,
                     _("%s: [%s]: the group is not listed in any “stages” or “branches”"),
                     parser.filename, *g);
        return FALSE;
      }
  return TRUE;
}

/* Launch strings */

typedef enum {
  TOKEN_WORD,
  TOKEN_LINK,
  TOKEN_OPEN,
  TOKEN_CLOSE,
  TOKEN_END,
} TokenKind;

typedef struct
{
  TokenKind  kind;
  char      *text;      /* unquoted, for words */
  guint      offset;    /* 1-based column in the description */
} Token;

typedef struct
{
  ThumbingPipeline *pipeline;
  GArray           *tokens;
  guint             position;
} LaunchParser;

static void
token_clear (gpointer data)
{
  g_free (((Token *) data)->text);
}

static gboolean
tokenize (const char *text,
          GArray     *tokens,
          GError    **error)
{
  const char *p = text;

  for (;;)
    {
      Token token = { TOKEN_END, NULL, 0 };
      g_autoptr(GString) word = NULL;

      while (g_ascii_isspace (*p))
        p++;
      token.offset = p - text + 1;
      if (*p == '\0')
        {
          g_array_append_val (tokens, token);
          return TRUE;
        }
      if (*p == '!' || *p == '(' || *p == ')')
        {
          token.kind = *p == '!' ? TOKEN_LINK : *p == '(' ? TOKEN_OPEN : TOKEN_CLOSE;
          g_array_append_val (tokens, token);
          p++;
          continue;
        }

      word = g_string_new (NULL);
      while (*p != '\0' && !g_ascii_isspace (*p) && *p != '!' && *p != '(' && *p != ')')
        {
          if (*p == '"' || *p == '\'')
            {
              char quote = *p;
              guint start = p - text + 1;

              for (p++; *p != quote; p++)
                {
                  if (*p == '\0')
                    {
                      g_set_error (error, THUMBING_ERROR, THUMBING_ERROR_CONFIG,
                                   _("launch string, column %u: unterminated quote"),
                                   start);
                      return FALSE;
                    }
                  if (quote == '"' && *p == '\\' && p[1] != '\0')
                    p++;
                  g_string_append_c (word, *p);
                }
              p++;
            }
          else
            g_string_append_c (word, *p++);
        }
      token.kind = TOKEN_WORD;
      token.text = g_string_free (g_steal_pointer (&word), FALSE);
      g_array_append_val (tokens, token);
    }
}

static Token *
peek (LaunchParser *parser)
{
  return &g_array_index (parser->tokens, Token, parser->position);
}

static Token *
next (LaunchParser *parser)
{
  Token *token = peek (parser);

  if (token->kind != TOKEN_END)
    parser->position++;
  return token;
}

static const char *
describe_token (Token *token)
{
  switch (token->kind)
    {
    case TOKEN_WORD:
      return token->text;
    case TOKEN_LINK:
      return "!";
    case TOKEN_OPEN:
      return "(";
    case TOKEN_CLOSE:
      return ")";
    case TOKEN_END:
    default:
      return _("the end");
    }
}

static gboolean
launch_error (GError    **error,
              Token      *token,
              const char *expected)
{
  g_set_error (error, THUMBING_ERROR, THUMBING_ERROR_CONFIG,
               _("launch string, column %u: expected %s, found “%s”"),
               token->offset, expected, describe_token (token));
  return FALSE;
}

static gboolean
parse_launch_element (LaunchParser  *parser,
                      ThumbingChain *chain,
                      GError       **error)
{
  Token *name_token = next (parser);
  g_autoptr(ThumbingElement) element = NULL;
  g_autofree char *stage_name = NULL;
  guint first_property;

  if (name_token->kind != TOKEN_WORD || strchr (name_token->text, '=') != NULL)
    return launch_error (error, name_token, _("an element name"));

  /* A name= property names the stage; find it before creating the element. */
  first_property = parser->position;
  for (guint i = first_property; g_array_index (parser->tokens, Token, i).kind == TOKEN_WORD; i++)
    {
      Token *t = &g_array_index (parser->tokens, Token, i);

      if (g_str_has_prefix (t->text, "name="))
        {
          g_free (stage_name);
          stage_name = g_strdup (t->text + strlen ("name="));
        }
    }
  if (stage_name == NULL)
    stage_name = _thumbing_pipeline_unique_name (parser->pipeline, name_token->text);

  element = thumbing_registry_create_element (thumbing_registry_get_default (),
                                              name_token->text, stage_name, error);
  if (element == NULL)
    {
      g_prefix_error (error, _("launch string, column %u: "), name_token->offset);
      return FALSE;
    }

  while (peek (parser)->kind == TOKEN_WORD)
    {
      Token *t = next (parser);
      const char *eq = strchr (t->text, '=');
      g_autofree char *key = NULL;
      g_autofree char *value = NULL;

      if (eq == NULL)
        return launch_error (error, t, _("“key=value” or “!” between elements"));
      key = g_strndup (t->text, eq - t->text);
      if (strcmp (key, "name") == 0)
        continue;
      /* As in keyfiles: a placeholder left as text would become the value,
       * a secret among them. */
      value = _thumbing_expand_env (eq + 1, error);
      if (value == NULL || !thumbing_element_set_property_from_string (element, key, value, error))
        {
          g_prefix_error (error, _("launch string, column %u: %s: "), t->offset, key);
          return FALSE;
        }
    }

  if (!_thumbing_pipeline_add_to_chain (parser->pipeline, chain, element, error))
    {
      g_prefix_error (error, _("launch string, column %u: "), name_token->offset);
      return FALSE;
    }
  return TRUE;
}

static gboolean parse_launch_chain (LaunchParser  *parser,
                                    ThumbingChain *chain,
                                    GError       **error);

static gboolean
parse_launch_branches (LaunchParser  *parser,
                       ThumbingChain *chain,
                       GError       **error)
{
  guint n_branches = 0;

  while (peek (parser)->kind == TOKEN_OPEN)
    {
      Token *close;

      next (parser);
      if (!parse_launch_chain (parser, _thumbing_chain_add_branch (chain), error))
        return FALSE;
      close = next (parser);
      if (close->kind != TOKEN_CLOSE)
        return launch_error (error, close, _("“)” to close the branch"));
      n_branches++;
    }
  if (n_branches < 2)
    {
      g_set_error (error, THUMBING_ERROR, THUMBING_ERROR_CONFIG,
                   _("launch string, column %u: a fan-out needs at least two branches, as “( … ) ( … )”"),
                   peek (parser)->offset);
      return FALSE;
    }
  return TRUE;
}

static gboolean
parse_launch_chain (LaunchParser  *parser,
                    ThumbingChain *chain,
                    GError       **error)
{
  for (;;)
    {
      if (!parse_launch_element (parser, chain, error))
        return FALSE;
      if (peek (parser)->kind != TOKEN_LINK)
        return TRUE;
      next (parser);
      if (peek (parser)->kind == TOKEN_OPEN)
        return parse_launch_branches (parser, chain, error);
    }
}

gboolean
_thumbing_pipeline_parse_launch (ThumbingPipeline *self,
                                 const char       *description,
                                 GError          **error)
{
  g_autoptr(GArray) tokens = g_array_new (FALSE, FALSE, sizeof (Token));
  LaunchParser parser = { self, tokens, 0 };
  Token *end;

  g_array_set_clear_func (tokens, token_clear);
  if (!tokenize (description, tokens, error))
    return FALSE;
  if (!parse_launch_chain (&parser, _thumbing_pipeline_get_root (self), error))
    return FALSE;
  end = next (&parser);
  if (end->kind != TOKEN_END)
    return launch_error (error, end, _("“!” or the end"));
  return TRUE;
}

/* Description: a pipeline as a launch string */

/* Quoted as the tokenizer reads it back: inside double quotes a backslash
 * keeps the next byte as it is, whatever it is. */
static void
append_quoted (GString    *out,
               const char *text)
{
  g_string_append_c (out, '"');
  for (const char *p = text; *p != '\0'; p++)
    {
      if (*p == '"' || *p == '\\')
        g_string_append_c (out, '\\');
      g_string_append_c (out, *p);
    }
  g_string_append_c (out, '"');
}

static void
append_value_text (GString      *out,
                   const GValue *value)
{
  if (G_VALUE_HOLDS_STRING (value))
    {
      const char *s = g_value_get_string (value);

      if (s != NULL && s[0] != '\0' && strpbrk (s, " \t\n\r\v\f!()\"'\\") == NULL)
        g_string_append (out, s);
      else
        append_quoted (out, s != NULL ? s : "");
    }
  else if (G_VALUE_HOLDS_ENUM (value))
    {
      g_autoptr(GEnumClass) klass = g_type_class_ref (G_VALUE_TYPE (value));
      GEnumValue *ev = g_enum_get_value (klass, g_value_get_enum (value));

      g_string_append (out, ev != NULL ? ev->value_nick : "?");
    }
  else if (G_VALUE_HOLDS_BOOLEAN (value))
    g_string_append (out, g_value_get_boolean (value) ? "true" : "false");
  else if (G_VALUE_HOLDS (value, G_TYPE_STRV))
    {
      g_autofree char *joined = g_strjoinv (";", g_value_get_boxed (value));

      append_quoted (out, joined);
    }
  else
    {
      g_autofree char *text = g_strdup_value_contents (value);

      g_string_append (out, text);
    }
}

static void
describe_element (GString         *out,
                  ThumbingElement *element)
{
  g_autofree GParamSpec **pspecs = NULL;
  guint n_pspecs = 0;

  g_string_append (out, thumbing_element_get_factory_name (element));
  if (g_strcmp0 (thumbing_element_get_name (element), thumbing_element_get_factory_name (element)) != 0)
    g_string_append_printf (out, " name=%s", thumbing_element_get_name (element));

  pspecs = g_object_class_list_properties (G_OBJECT_GET_CLASS (element), &n_pspecs);
  for (guint i = 0; i < n_pspecs; i++)
    {
      g_auto(GValue) value = G_VALUE_INIT;

      if (!(pspecs[i]->flags & G_PARAM_READABLE) || !(pspecs[i]->flags & G_PARAM_WRITABLE)
          || strcmp (pspecs[i]->name, "name") == 0)
        continue;
      g_value_init (&value, pspecs[i]->value_type);
      g_object_get_property (G_OBJECT (element), pspecs[i]->name, &value);
      if (g_param_value_defaults (pspecs[i], &value))
        continue;
      g_string_append_printf (out, " %s=", pspecs[i]->name);
      if (pspecs[i]->flags & THUMBING_PARAM_SECRET)
        g_string_append (out, "<hidden>");
      else
        {
          g_autoptr(GString) text = g_string_new (NULL);

          /* Launch strings expand ${…}; “$$” keeps a dollar sign. */
          append_value_text (text, &value);
          g_string_replace (text, "$", "$$", 0);
          g_string_append_len (out, text->str, text->len);
        }
    }
}

static void
describe_chain (GString       *out,
                ThumbingChain *chain)
{
  for (guint i = 0; i < chain->stages->len; i++)
    {
      g_string_append (out, " ! ");
      describe_element (out, chain->stages->pdata[i]);
    }
  if (chain->branches->len > 0)
    g_string_append (out, " !");
  for (guint i = 0; i < chain->branches->len; i++)
    {
      ThumbingChain *branch = chain->branches->pdata[i];

      g_string_append (out, " ( ");
      /* A branch's text starts with " ! ", which a branch does not have. */
      {
        g_autoptr(GString) inner = g_string_new (NULL);

        describe_chain (inner, branch);
        g_string_append (out, inner->len > 3 ? inner->str + 3 : inner->str);
      }
      g_string_append (out, " )");
    }
}

/**
 * thumbing_pipeline_describe:
 * @self: a #ThumbingPipeline
 *
 * Writes the pipeline as a launch string, with every property that differs
 * from its default; thumbing_pipeline_new_from_launch() builds the same
 * pipeline from it. Secrets (properties flagged %THUMBING_PARAM_SECRET) are
 * written as `<hidden>`; services are not part of a launch string.
 *
 * Returns: (transfer full): the launch string
 */
char *
thumbing_pipeline_describe (ThumbingPipeline *self)
{
  g_autoptr(GString) out = g_string_new (NULL);

  g_return_val_if_fail (THUMBING_IS_PIPELINE (self), NULL);

  if (self->source != NULL)
    describe_element (out, THUMBING_ELEMENT (self->source));
  describe_chain (out, self->root);
  return g_string_free (g_steal_pointer (&out), FALSE);
}

