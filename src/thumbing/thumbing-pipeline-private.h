/* thumbing-pipeline-private.h: the pipeline's structure, shared by the files
 * that build (thumbing-pipeline-parser.c), check (-check.c) and run
 * (-scheduler.c) it
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

typedef enum {
  STATE_IDLE,
  STATE_RUNNING,
  STATE_FINISHED,
} PipelineState;

struct _ThumbingPipeline
{
  GObject          parent_instance;

  char            *name;
  char            *filename;
  guint            max_in_flight;
  guint            stop_grace;
  guint            workers;
  gboolean         once;
  gboolean         allow_feedback;

  ThumbingSource  *source;
  ThumbingChain   *root;
  GPtrArray       *services;       /* ThumbingService (owned) */
  GHashTable      *elements;       /* stage name → ThumbingElement (not owned) */
  GPtrArray       *order;          /* ThumbingElement in the order they were added (owned) */

  PipelineState    state;
  gboolean         stopping;
  gboolean         source_ended;
  GError          *fatal_error;
  GMainContext    *context;
  GMainLoop       *loop;
  GThreadPool     *pool;
  GCancellable    *cancellable;
  GSource         *finish_source;
  GSource         *grace_source;   /* cancels what is in flight when a stop's grace ends */
  guint            in_flight;
  guint            credit;
  guint            n_succeeded;
  guint            n_failed;
  ThumbingMetrics *metrics;
  char            *metrics_address;
};

void           _thumbing_pipeline_metrics_init         (ThumbingPipeline *self);
gboolean       _thumbing_pipeline_add_metrics_server   (ThumbingPipeline *self,
                                                        GError          **error);
void           _thumbing_pipeline_metrics_item_started (ThumbingPipeline *self);
void           _thumbing_pipeline_metrics_stage_done   (ThumbingPipeline *self,
                                                        ThumbingElement  *stage,
                                                        gint64            started_us,
                                                        gboolean          failed);
void           _thumbing_pipeline_metrics_item_done    (ThumbingPipeline *self,
                                                        ThumbingItem     *item,
                                                        const GError     *error);

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

void           _thumbing_pipeline_emit_item_done (ThumbingPipeline *self,
                                                  ThumbingItem     *item,
                                                  const GError     *error);
void           _thumbing_pipeline_emit_warning  (ThumbingPipeline *self,
                                                 const char       *message);
void           _thumbing_pipeline_emit_finished (ThumbingPipeline *self);
void           _thumbing_pipeline_cancel_grace  (ThumbingPipeline *self);
void           _thumbing_pipeline_locate_error  (ThumbingPipeline *self,
                                                 GError          **error,
                                                 ThumbingElement  *element,
                                                 const char       *key);

gboolean       _thumbing_pipeline_parse_keyfile (ThumbingPipeline *self,
                                                 GKeyFile         *keyfile,
                                                 const char       *filename,
                                                 GError          **error);
gboolean       _thumbing_pipeline_parse_launch  (ThumbingPipeline *self,
                                                 const char       *description,
                                                 GError          **error);

G_END_DECLS
