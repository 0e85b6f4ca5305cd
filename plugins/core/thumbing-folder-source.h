/* thumbing-folder-source.h
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <thumbing/thumbing.h>

G_BEGIN_DECLS

#define THUMBING_TYPE_FOLDER_SOURCE (thumbing_folder_source_get_type ())
G_DECLARE_FINAL_TYPE (ThumbingFolderSource, thumbing_folder_source, THUMBING, FOLDER_SOURCE, ThumbingSource)

/**
 * ThumbingFolderDone:
 * @THUMBING_FOLDER_DONE_RECORD: append the file to a journal; a file is taken
 *   again only if its size or modification time changed
 * @THUMBING_FOLDER_DONE_MOVE: move the file into #ThumbingFolderSource:done-folder
 * @THUMBING_FOLDER_DONE_DELETE: delete the file
 * @THUMBING_FOLDER_DONE_NONE: leave the file and the folder as they are
 * @THUMBING_FOLDER_DONE_AUTO: record when the source watches the folder,
 *   names a #ThumbingFolderSource:record-file or finds a journal already
 *   there; otherwise none, so a one-shot run leaves the user's folder
 *   untouched
 *
 * What folder-source does with an input once every stage handled it.
 */
typedef enum {
  THUMBING_FOLDER_DONE_RECORD,
  THUMBING_FOLDER_DONE_MOVE,
  THUMBING_FOLDER_DONE_DELETE,
  THUMBING_FOLDER_DONE_NONE,
  THUMBING_FOLDER_DONE_AUTO,
} ThumbingFolderDone;

GType thumbing_folder_done_get_type (void) G_GNUC_CONST;

G_END_DECLS
