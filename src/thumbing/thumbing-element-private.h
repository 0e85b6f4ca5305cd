/* thumbing-element-private.h: what the framework knows of elements that plugins need not
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include "thumbing-element.h"

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
void  _thumbing_element_set_runtime (ThumbingElement *self,
                                     GThreadPool     *pool,
                                     GMainContext    *context,
                                     ThumbingMetrics *metrics);

void  _thumbing_element_run_worker_job (gpointer data,
                                        gpointer user_data);

G_END_DECLS
