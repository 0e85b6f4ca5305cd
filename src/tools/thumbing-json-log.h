/* thumbing-json-log.h: one JSON object per log line, for log shippers
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <thumbing/thumbing.h>

G_BEGIN_DECLS

void             thumbing_json_log        (const char      *level,
                                           ThumbingItem    *item,
                                           const char      *message,
                                           const char      *first_key,
                                           ...);
GLogWriterOutput thumbing_json_log_writer (GLogLevelFlags   level,
                                           const GLogField *fields,
                                           gsize            n_fields,
                                           gpointer         data);

G_END_DECLS
