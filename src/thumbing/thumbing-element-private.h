/* thumbing-element-private.h: what the framework knows of elements that plugins need not
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include "thumbing-element.h"
#include "thumbing-source.h"

G_BEGIN_DECLS

typedef struct
{
  char  *name;
  char  *description;
  GStrv  accepts;
  GStrv  produces;      /* NULL: passes its input's media on unchanged */
  GStrv  permissions;
  GStrv  reads;         /* metadata keys it needs from earlier stages */
  GStrv  leaves;        /* metadata keys it sets for later stages */
  guint  n_fields;      /* properties installed with thumbing_element_class_install_field() */
} ThumbingElementInfo;

const ThumbingElementInfo *_thumbing_element_info_for_type (GType type);
GStrv _thumbing_element_collect_keys (GType    type,
                                     gboolean reads);
/* The services a source hands events that are not items to
 * (thumbing_source_dispatch_event_async()), set while the pipeline runs. */
void  _thumbing_source_set_services (ThumbingSource  *self,
                                     GPtrArray       *services);
void  _thumbing_element_set_runtime (ThumbingElement *self,
                                     GThreadPool     *pool,
                                     GMainContext    *context,
                                     ThumbingMetrics *metrics);

void  _thumbing_element_run_worker_job (gpointer data,
                                        gpointer user_data);

G_END_DECLS
