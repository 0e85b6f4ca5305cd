/* thumbing-store.h: where objects live, a local folder or an S3 bucket, for the HTTP services
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <gio/gio.h>
#include <thumbing/thumbing.h>

G_BEGIN_DECLS

typedef struct _ThumbingStore ThumbingStore;

/* A request's validators and range, as HTTP sent them; any may be NULL. */
typedef struct
{
  const char *if_none_match;
  const char *if_modified_since;
  const char *range;
  const char *if_range;
} ThumbingStoreConditions;

/* What a conditional GET found: 200 with the whole object, 206 with a
 * range, 304 with no body, or 416 for a range beyond the end. */
typedef struct
{
  guint   status;
  GBytes *body;           /* never NULL; empty for 304 and 416 */
  char   *media_type;
  char   *etag;
  char   *last_modified;  /* an HTTP date */
  char   *content_range;  /* for 206 and 416 */
} ThumbingStoreObject;

ThumbingStore       *thumbing_store_new_folder        (const char               *folder);
ThumbingStore       *thumbing_store_new_bucket        (const char               *bucket,
                                                       const char               *prefix,
                                                       const char               *endpoint,
                                                       const char               *region,
                                                       GError                  **error);
void                 thumbing_store_free              (ThumbingStore            *self);
gboolean             thumbing_store_is_local          (ThumbingStore            *self);
const char          *thumbing_store_get_location      (ThumbingStore            *self);

void                 thumbing_store_get_async         (ThumbingStore                 *self,
                                                       const char                    *name,
                                                       const ThumbingStoreConditions *conditions,
                                                       GCancellable                  *cancellable,
                                                       GAsyncReadyCallback            callback,
                                                       gpointer                       data);
ThumbingStoreObject *thumbing_store_get_finish        (ThumbingStore            *self,
                                                       GAsyncResult             *result,
                                                       GError                  **error);
gboolean             thumbing_store_put_local         (ThumbingStore            *self,
                                                       const char               *name,
                                                       GBytes                   *bytes,
                                                       GError                  **error);
void                 thumbing_store_presign_put_async (ThumbingStore            *self,
                                                       const char               *name,
                                                       const char               *media_type,
                                                       guint                     expires,
                                                       GCancellable             *cancellable,
                                                       GAsyncReadyCallback       callback,
                                                       gpointer                  data);
char                *thumbing_store_presign_put_finish (ThumbingStore           *self,
                                                        GAsyncResult            *result,
                                                        GError                 **error);

void                 thumbing_store_object_free       (ThumbingStoreObject      *object);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ThumbingStore, thumbing_store_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (ThumbingStoreObject, thumbing_store_object_free)

G_END_DECLS
