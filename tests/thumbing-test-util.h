/* thumbing-test-util.h: helpers shared by the unit tests
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <thumbing/thumbing.h>

G_BEGIN_DECLS

void        thumbing_test_init          (int          *argc,
                                         char       ***argv);
char       *thumbing_test_make_tempdir  (void);
void        thumbing_test_remove_tree   (const char   *path);
char       *thumbing_test_sample        (const char   *kind,
                                         const char   *name);
char       *thumbing_test_copy_into     (const char   *file,
                                         const char   *folder);
guint       thumbing_test_count_files   (const char   *folder);
void        thumbing_test_collect_files (const char   *folder,
                                         const char   *suffix,
                                         GPtrArray    *found,
                                         guint         most);
void        thumbing_test_run_launch    (const char   *description,
                                         guint        *n_succeeded,
                                         guint        *n_failed);

ThumbingElement  *thumbing_test_element     (const char      *launch_element,
                                             GError         **error);
ThumbingItem     *thumbing_test_process     (ThumbingElement *element,
                                             ThumbingItem    *item,
                                             GError         **error);
ThumbingItem     *thumbing_test_file_item   (const char      *path);

GSubprocess      *thumbing_test_start_aws_stack (const char  *config_json,
                                                char       **endpoints_json);
void              thumbing_test_stop_aws_stack  (GSubprocess *stack);

G_END_DECLS
