/* thumbing-pipeline-parser.c: builds pipelines from keyfiles and launch strings
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "thumbing-error.h"
#include "thumbing-pipeline-private.h"
#include "thumbing-util-private.h"
#include "thumbing-value-private.h"

#define PIPELINE_GROUP "pipeline"

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

static char *
get_expanded (KeyfileParser *parser,
              const char    *group,
              const char    *key,
              GError       **error)
{
  g_autofree char *raw = NULL;
  char *value;

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
                                        "stop-grace", NULL };

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
                         _("unknown key (known: stages, services, name, max-in-flight, workers, allow-feedback, stop-grace)"));
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
        words = g_regex_split_simple ("[^A-Za-z0-9_.-]+", raw, 0, 0);
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
