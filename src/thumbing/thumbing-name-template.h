/* thumbing-name-template.h: output names built from an item
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#if !defined(THUMBING_INSIDE) && !defined(THUMBING_COMPILATION)
#error "Only <thumbing/thumbing.h> can be included directly."
#endif

#include "thumbing-item.h"

G_BEGIN_DECLS

#define THUMBING_TYPE_NAME_TEMPLATE (thumbing_name_template_get_type ())

typedef struct _ThumbingNameTemplate ThumbingNameTemplate;

GType                 thumbing_name_template_get_type (void) G_GNUC_CONST;
ThumbingNameTemplate *thumbing_name_template_new      (const char            *text,
                                                       GError               **error);
ThumbingNameTemplate *thumbing_name_template_ref      (ThumbingNameTemplate  *self);
void                  thumbing_name_template_unref    (ThumbingNameTemplate  *self);
const char           *thumbing_name_template_get_text (ThumbingNameTemplate  *self);
gboolean              thumbing_name_template_set      (ThumbingNameTemplate **slot,
                                                      const char            *text,
                                                      GError               **error);
char                 *thumbing_name_template_expand   (ThumbingNameTemplate  *self,
                                                       ThumbingItem          *item,
                                                       GError               **error);
const char           *thumbing_media_type_to_extension (const char           *media_type);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ThumbingNameTemplate, thumbing_name_template_unref)

G_END_DECLS
