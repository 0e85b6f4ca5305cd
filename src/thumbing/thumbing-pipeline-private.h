/* thumbing-pipeline-private.h: the pipeline's structure, for its parsers
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include "thumbing-pipeline.h"
#include "thumbing-registry.h"

G_BEGIN_DECLS

/* A list of stages an item passes in order, then optionally a fan-out into
 * branches, each a chain of its own. */
typedef struct _ThumbingChain ThumbingChain;
struct _ThumbingChain
{
  GPtrArray *stages;     /* ThumbingElement, owned */
  GPtrArray *branches;   /* ThumbingChain, owned */
};

ThumbingChain *_thumbing_pipeline_get_root      (ThumbingPipeline *self);
ThumbingChain *_thumbing_chain_add_branch       (ThumbingChain    *chain);
gboolean       _thumbing_pipeline_add_to_chain  (ThumbingPipeline *self,
                                                 ThumbingChain    *chain,
                                                 ThumbingElement  *element,
                                                 GError          **error);
char          *_thumbing_pipeline_unique_name   (ThumbingPipeline *self,
                                                 const char       *base);
void           _thumbing_pipeline_set_filename  (ThumbingPipeline *self,
                                                 const char       *filename);

gboolean       _thumbing_pipeline_parse_keyfile (ThumbingPipeline *self,
                                                 GKeyFile         *keyfile,
                                                 const char       *filename,
                                                 GError          **error);
gboolean       _thumbing_pipeline_parse_launch  (ThumbingPipeline *self,
                                                 const char       *description,
                                                 GError          **error);

G_END_DECLS
