/* thumbing-pipeline-check.c: what can be known wrong about a pipeline before it runs
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "thumbing-element-private.h"
#include "thumbing-error.h"
#include "thumbing-pipeline-private.h"
#include "thumbing-sink.h"
#include "thumbing-util-private.h"

static char *
join_media (const char * const *media)
{
  return media != NULL ? g_strjoinv (";", (char **) media) : g_strdup ("*/*");
}

static gboolean
media_compatible (const char * const *produced,
                  const char * const *accepted)
{
  for (guint i = 0; produced != NULL && produced[i] != NULL; i++)
    for (guint j = 0; accepted != NULL && accepted[j] != NULL; j++)
      if (_thumbing_media_match (produced[i], accepted[j]))
        return TRUE;
  return FALSE;
}

static gboolean
check_element (ThumbingPipeline *self,
               ThumbingElement  *element,
               GError          **error)
{
  const char *unset = thumbing_element_get_unset_required (element);

  /* Required properties first, so the message can name the key. */
  if (unset != NULL)
    {
      g_set_error (error, THUMBING_ERROR, THUMBING_ERROR_MISSING_PROPERTY,
                   _("required property of %s is not set"),
                   thumbing_element_get_factory_name (element));
      _thumbing_pipeline_locate_error (self, error, element, unset);
      return FALSE;
    }

  if (!thumbing_element_check (element, error))
    {
      _thumbing_pipeline_locate_error (self, error, element, NULL);
      return FALSE;
    }
  return TRUE;
}

static gboolean
check_feedback (ThumbingPipeline *self,
                ThumbingElement  *element,
                GError          **error)
{
  g_autofree char *location = NULL;
  g_autofree char *source_location = NULL;

  if (self->allow_feedback || !THUMBING_IS_SINK (element))
    return TRUE;
  location = thumbing_element_get_location (element);
  if (location == NULL || !thumbing_source_reads_from (self->source, location))
    return TRUE;

  source_location = thumbing_element_get_location (THUMBING_ELEMENT (self->source));
  g_set_error (error, THUMBING_ERROR, THUMBING_ERROR_CONFIG,
               _("%s writes to %s, where source “%s” reads (%s): every output would come back "
                 "as an input; write elsewhere, or set allow-feedback=true in [pipeline] if that is intended"),
               thumbing_element_get_factory_name (element), location,
               thumbing_element_get_name (THUMBING_ELEMENT (self->source)),
               source_location != NULL ? source_location : "?");
  _thumbing_pipeline_locate_error (self, error, element, NULL);
  return FALSE;
}

/* Metadata is checked like media: a stage may read only keys an earlier
 * stage leaves; then its own keys are there for the stages after it. */
static gboolean
check_metadata_keys (ThumbingPipeline *self,
                     ThumbingElement  *element,
                     GHashTable       *available,
                     GError          **error)
{
  g_auto(GStrv) reads = _thumbing_element_collect_keys (G_OBJECT_TYPE (element), TRUE);
  g_auto(GStrv) leaves = _thumbing_element_collect_keys (G_OBJECT_TYPE (element), FALSE);

  for (char **k = reads; *k != NULL; k++)
    if (!g_hash_table_contains (available, *k))
      {
        g_set_error (error, THUMBING_ERROR, THUMBING_ERROR_INCOMPATIBLE,
                     _("%s reads the item metadata “%s”, which no earlier stage leaves"),
                     thumbing_element_get_factory_name (element), *k);
        _thumbing_pipeline_locate_error (self, error, element, "element");
        return FALSE;
      }
  for (char **k = leaves; *k != NULL; k++)
    g_hash_table_add (available, g_strdup (*k));
  return TRUE;
}

static GHashTable *
copy_keys (GHashTable *keys)
{
  GHashTable *copy = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  GHashTableIter iter;
  gpointer key;

  g_hash_table_iter_init (&iter, keys);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    g_hash_table_add (copy, g_strdup (key));
  return copy;
}

static gboolean
check_chain (ThumbingPipeline    *self,
             ThumbingChain       *chain,
             ThumbingElement     *upstream,
             const char * const  *produced,
             GHashTable          *available,
             GError             **error)
{
  for (guint i = 0; i < chain->stages->len; i++)
    {
      ThumbingElement *element = chain->stages->pdata[i];
      const ThumbingElementInfo *info = _thumbing_element_info_for_type (G_OBJECT_TYPE (element));

      if (!media_compatible (produced, (const char * const *) info->accepts))
        {
          g_autofree char *out = join_media (produced);
          g_autofree char *in = join_media ((const char * const *) info->accepts);

          g_set_error (error, THUMBING_ERROR, THUMBING_ERROR_INCOMPATIBLE,
                       _("%s cannot follow %s (stage “%s”): %s produces %s, but %s accepts %s"),
                       info->name, thumbing_element_get_factory_name (upstream),
                       thumbing_element_get_name (upstream),
                       thumbing_element_get_factory_name (upstream), out, info->name, in);
          _thumbing_pipeline_locate_error (self, error, element, "element");
          return FALSE;
        }
      if (!check_element (self, element, error))
        return FALSE;
      if (!check_feedback (self, element, error))
        return FALSE;
      if (!check_metadata_keys (self, element, available, error))
        return FALSE;
      if (info->produces != NULL)
        produced = (const char * const *) info->produces;
      upstream = element;
    }

  for (guint i = 0; i < chain->branches->len; i++)
    {
      ThumbingChain *branch = chain->branches->pdata[i];
      g_autoptr(GHashTable) branch_keys = NULL;

      if (branch->stages->len == 0 && branch->branches->len == 0)
        {
          g_set_error (error, THUMBING_ERROR, THUMBING_ERROR_CONFIG,
                       _("branch %u after stage “%s” has no stages"), i + 1,
                       thumbing_element_get_name (upstream));
          _thumbing_pipeline_locate_error (self, error, NULL, NULL);
          return FALSE;
        }
      branch_keys = copy_keys (available);
      if (!check_chain (self, branch, upstream, produced, branch_keys, error))
        return FALSE;
    }
  return TRUE;
}

/**
 * thumbing_pipeline_check:
 * @self: a #ThumbingPipeline
 * @error: return location for a #GError
 *
 * Validates the pipeline without running anything: it has a source and at
 * least one stage after it, each stage accepts what its upstream produces
 * and reads only the metadata an earlier stage leaves, every required
 * property is set, and each element's own check passes.
 *
 * Returns: %TRUE if the pipeline can run; otherwise %FALSE with @error
 *   naming the stage (the keyfile, group and key when built from a keyfile)
 */
gboolean
thumbing_pipeline_check (ThumbingPipeline *self,
                         GError          **error)
{
  const ThumbingElementInfo *info;
  g_autoptr(GHashTable) available = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  g_return_val_if_fail (THUMBING_IS_PIPELINE (self), FALSE);

  if (self->source == NULL)
    {
      g_set_error (error, THUMBING_ERROR, THUMBING_ERROR_CONFIG,
                   _("the pipeline has no source"));
      _thumbing_pipeline_locate_error (self, error, NULL, self->filename != NULL ? "stages" : NULL);
      return FALSE;
    }
  if (self->root->stages->len == 0 && self->root->branches->len == 0)
    {
      g_set_error (error, THUMBING_ERROR, THUMBING_ERROR_CONFIG,
                   _("the pipeline has no stage after its source"));
      _thumbing_pipeline_locate_error (self, error, NULL, self->filename != NULL ? "stages" : NULL);
      return FALSE;
    }
  if (!check_element (self, THUMBING_ELEMENT (self->source), error))
    return FALSE;
  for (guint i = 0; i < self->services->len; i++)
    if (!check_element (self, self->services->pdata[i], error))
      return FALSE;

  info = _thumbing_element_info_for_type (G_OBJECT_TYPE (self->source));
  if (!check_metadata_keys (self, THUMBING_ELEMENT (self->source), available, error))
    return FALSE;
  return check_chain (self, self->root, THUMBING_ELEMENT (self->source),
                      (const char * const *) info->produces, available, error);
}

