/* thumbing-pipeline.h: a source and the stages its items flow through
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#if !defined(THUMBING_INSIDE) && !defined(THUMBING_COMPILATION)
#error "Only <thumbing/thumbing.h> can be included directly."
#endif

#include "thumbing-element.h"
#include "thumbing-metrics.h"
#include "thumbing-service.h"
#include "thumbing-source.h"

G_BEGIN_DECLS

#define THUMBING_TYPE_PIPELINE (thumbing_pipeline_get_type ())

G_DECLARE_FINAL_TYPE (ThumbingPipeline, thumbing_pipeline, THUMBING, PIPELINE, GObject)

ThumbingPipeline *thumbing_pipeline_new                (const char        *name);
ThumbingPipeline *thumbing_pipeline_new_from_launch    (const char        *description,
                                                        GError           **error);
ThumbingPipeline *thumbing_pipeline_new_from_file      (const char        *filename,
                                                        GError           **error);
ThumbingPipeline *thumbing_pipeline_new_from_keyfile   (GKeyFile          *keyfile,
                                                        const char        *filename,
                                                        GError           **error);

gboolean          thumbing_pipeline_add_service        (ThumbingPipeline  *self,
                                                        ThumbingService   *service,
                                                        GError           **error);
gboolean          thumbing_pipeline_append             (ThumbingPipeline  *self,
                                                        ThumbingElement   *element,
                                                        GError           **error);
ThumbingElement  *thumbing_pipeline_get_element        (ThumbingPipeline  *self,
                                                        const char        *name);
GList            *thumbing_pipeline_list_elements      (ThumbingPipeline  *self);
ThumbingSource   *thumbing_pipeline_get_source         (ThumbingPipeline  *self);
char             *thumbing_pipeline_describe           (ThumbingPipeline  *self);

const char       *thumbing_pipeline_get_name           (ThumbingPipeline  *self);
const char       *thumbing_pipeline_get_filename       (ThumbingPipeline  *self);
guint             thumbing_pipeline_get_max_in_flight  (ThumbingPipeline  *self);
void              thumbing_pipeline_set_max_in_flight  (ThumbingPipeline  *self,
                                                        guint              max_in_flight);
guint             thumbing_pipeline_get_workers        (ThumbingPipeline  *self);
void              thumbing_pipeline_set_workers        (ThumbingPipeline  *self,
                                                        guint              workers);
gboolean          thumbing_pipeline_get_once           (ThumbingPipeline  *self);
void              thumbing_pipeline_set_once           (ThumbingPipeline  *self,
                                                        gboolean           once);

gboolean          thumbing_pipeline_check              (ThumbingPipeline  *self,
                                                        GError           **error);
gboolean          thumbing_pipeline_start              (ThumbingPipeline  *self,
                                                        GError           **error);
void              thumbing_pipeline_stop               (ThumbingPipeline  *self);
gboolean          thumbing_pipeline_run                (ThumbingPipeline  *self,
                                                        GError           **error);
gboolean          thumbing_pipeline_is_running         (ThumbingPipeline  *self);

guint             thumbing_pipeline_get_n_succeeded    (ThumbingPipeline  *self);
guint             thumbing_pipeline_get_n_failed       (ThumbingPipeline  *self);
guint             thumbing_pipeline_get_n_in_flight    (ThumbingPipeline  *self);
gint64            thumbing_pipeline_get_total_hint     (ThumbingPipeline  *self);
ThumbingMetrics  *thumbing_pipeline_get_metrics        (ThumbingPipeline  *self);

G_END_DECLS
