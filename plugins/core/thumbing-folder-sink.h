/* thumbing-folder-sink.h
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <thumbing/thumbing.h>

G_BEGIN_DECLS

#define THUMBING_TYPE_FOLDER_SINK (thumbing_folder_sink_get_type ())
G_DECLARE_FINAL_TYPE (ThumbingFolderSink, thumbing_folder_sink, THUMBING, FOLDER_SINK, ThumbingSink)

G_END_DECLS
