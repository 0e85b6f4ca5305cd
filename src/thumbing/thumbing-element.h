/* thumbing-element.h: the abstract base of every pipeline stage
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#if !defined(THUMBING_INSIDE) && !defined(THUMBING_COMPILATION)
#error "Only <thumbing/thumbing.h> can be included directly."
#endif

#include <gio/gio.h>

#include "thumbing-item.h"
#include "thumbing-metrics.h"

G_BEGIN_DECLS

/**
 * THUMBING_PARAM_REQUIRED:
 *
 * A #GParamFlags bit for element properties that a pipeline must set: a
 * pipeline whose element still has the property's default fails
 * thumbing_pipeline_check().
 */
#define THUMBING_PARAM_REQUIRED (1 << G_PARAM_USER_SHIFT)

/**
 * THUMBING_PARAM_SECRET:
 *
 * A #GParamFlags bit for element properties that hold a secret (a key, a
 * token): thumbing_pipeline_describe() and other printed descriptions hide
 * their values.
 */
#define THUMBING_PARAM_SECRET (1 << (G_PARAM_USER_SHIFT + 1))

/**
 * ThumbingElementKind:
 * @THUMBING_ELEMENT_KIND_SOURCE: produces items (a #ThumbingSource)
 * @THUMBING_ELEMENT_KIND_TRANSFORM: turns an item into another (a #ThumbingTransform)
 * @THUMBING_ELEMENT_KIND_SINK: stores or announces an item and passes it on (a #ThumbingSink)
 * @THUMBING_ELEMENT_KIND_SERVICE: runs beside the chain, which no item passes through (a #ThumbingService)
 *
 * What role an element plays in a pipeline.
 */
typedef enum {
  THUMBING_ELEMENT_KIND_SOURCE,
  THUMBING_ELEMENT_KIND_TRANSFORM,
  THUMBING_ELEMENT_KIND_SINK,
  THUMBING_ELEMENT_KIND_SERVICE,
} ThumbingElementKind;

#define THUMBING_TYPE_ELEMENT (thumbing_element_get_type ())

G_DECLARE_DERIVABLE_TYPE (ThumbingElement, thumbing_element, THUMBING, ELEMENT, GObject)

/**
 * ThumbingElementClass:
 * @parent_class: the parent class
 * @check: validates the element's properties together before anything runs
 *   (the second phase of a two-phase build); %NULL accepts any combination
 * @start: acquires what the element needs to run (connections, watches)
 * @stop: releases what @start acquired
 * @process: handles one item synchronously; runs on the pipeline's bounded
 *   worker pool, so it may block and use the CPU. Returns the item to pass on
 *   (usually @item itself, with a reference added), or %NULL with an error set
 * @process_async: handles one item asynchronously on the pipeline's main
 *   context; the default runs @process on the worker pool. Network elements
 *   override it to use non-blocking I/O instead
 * @process_finish: completes @process_async
 * @get_location: returns, as a URI, where a source reads or a sink writes
 *   (as `file:///srv/in/` or `s3://bucket/uploads/`), or %NULL; the pipeline
 *   uses it to refuse outputs that would come back as inputs
 * @report_start_failure: a class function, called by
 *   thumbing_registry_report_start_failure() when a pipeline could not be
 *   built or started, so an element whose host waits for word (the Lambda
 *   Runtime API) can pass @error on; elements that have no such host leave
 *   it %NULL
 *
 * The virtual methods of #ThumbingElement.
 */
struct _ThumbingElementClass
{
  GObjectClass parent_class;

  gboolean       (*check)          (ThumbingElement     *self,
                                    GError             **error);
  gboolean       (*start)          (ThumbingElement     *self,
                                    GError             **error);
  void           (*stop)           (ThumbingElement     *self);
  ThumbingItem  *(*process)        (ThumbingElement     *self,
                                    ThumbingItem        *item,
                                    GCancellable        *cancellable,
                                    GError             **error);
  void           (*process_async)  (ThumbingElement     *self,
                                    ThumbingItem        *item,
                                    GCancellable        *cancellable,
                                    GAsyncReadyCallback  callback,
                                    gpointer             user_data);
  ThumbingItem  *(*process_finish) (ThumbingElement     *self,
                                    GAsyncResult        *result,
                                    GError             **error);
  char          *(*get_location)   (ThumbingElement     *self);
  void           (*report_start_failure) (ThumbingElementClass *klass,
                                          const GError         *error);

  /*< private >*/
  gpointer padding[10];
};

void           thumbing_element_class_set_metadata    (ThumbingElementClass *klass,
                                                       const char           *name,
                                                       const char           *description);
void           thumbing_element_class_set_media       (ThumbingElementClass *klass,
                                                       const char           *accepts,
                                                       const char           *produces);
void           thumbing_element_class_set_permissions (ThumbingElementClass *klass,
                                                       const char           *permissions);
void           thumbing_element_class_set_metadata_keys (ThumbingElementClass *klass,
                                                       const char           *reads,
                                                       const char           *leaves);
void           thumbing_element_class_install_field   (ThumbingElementClass *klass,
                                                       GParamSpec           *pspec,
                                                       goffset               offset);
void           thumbing_element_get_field_property    (GObject              *object,
                                                       guint                 prop_id,
                                                       GValue               *value,
                                                       GParamSpec           *pspec);
void           thumbing_element_set_field_property    (GObject              *object,
                                                       guint                 prop_id,
                                                       const GValue         *value,
                                                       GParamSpec           *pspec);

/**
 * THUMBING_ELEMENT_FIELD:
 * @klass: the element class being initialised
 * @Type: the instance structure
 * @member: the member of @Type that holds the value
 * @pspec: the property, as a `g_param_spec_*()` call
 *
 * Declares a property in one statement: installs @pspec and keeps its value
 * in @member, which the element reads directly. Strings and string lists
 * are freed with the element. See thumbing_element_class_install_field().
 */
#define THUMBING_ELEMENT_FIELD(klass, Type, member, pspec) \
  thumbing_element_class_install_field (THUMBING_ELEMENT_CLASS (klass), (pspec), G_STRUCT_OFFSET (Type, member))

/**
 * THUMBING_ELEMENT_PRIVATE_FIELD:
 * @klass: the element class being initialised
 * @Type: the type whose `TypePrivate` structure holds the value
 * @member: the member of `TypePrivate`
 * @pspec: the property, as a `g_param_spec_*()` call
 *
 * THUMBING_ELEMENT_FIELD() for a value in the type's private data, in the
 * file that defines the type.
 */
#define THUMBING_ELEMENT_PRIVATE_FIELD(klass, Type, member, pspec) \
  thumbing_element_class_install_field (THUMBING_ELEMENT_CLASS (klass), (pspec), G_PRIVATE_OFFSET (Type, member))

const char    *thumbing_element_get_name              (ThumbingElement      *self);
const char    *thumbing_element_get_factory_name      (ThumbingElement      *self);
gboolean       thumbing_element_set_property_from_string (ThumbingElement   *self,
                                                       const char           *property,
                                                       const char           *value,
                                                       GError              **error);
const char    *thumbing_element_get_unset_required    (ThumbingElement      *self);
gboolean       thumbing_element_check                 (ThumbingElement      *self,
                                                       GError              **error);
gboolean       thumbing_element_start                 (ThumbingElement      *self,
                                                       GError              **error);
void           thumbing_element_stop                  (ThumbingElement      *self);
gboolean       thumbing_element_is_started            (ThumbingElement      *self);
void           thumbing_element_process_async         (ThumbingElement      *self,
                                                       ThumbingItem         *item,
                                                       GCancellable         *cancellable,
                                                       GAsyncReadyCallback   callback,
                                                       gpointer              user_data);
ThumbingItem  *thumbing_element_process_finish        (ThumbingElement      *self,
                                                       GAsyncResult         *result,
                                                       GError              **error);
char          *thumbing_element_get_location          (ThumbingElement      *self);
GMainContext  *thumbing_element_get_context           (ThumbingElement      *self);
guint          thumbing_element_timeout_add           (ThumbingElement      *self,
                                                       guint                 interval_ms,
                                                       GSourceFunc           func,
                                                       gpointer              data);
guint          thumbing_element_timeout_add_seconds   (ThumbingElement      *self,
                                                       guint                 interval,
                                                       GSourceFunc           func,
                                                       gpointer              data);
guint          thumbing_element_idle_add              (ThumbingElement      *self,
                                                       GSourceFunc           func,
                                                       gpointer              data);
void           thumbing_element_source_remove         (ThumbingElement      *self,
                                                       guint                 id);
ThumbingMetrics *thumbing_element_get_metrics         (ThumbingElement      *self);
void           thumbing_element_count_retry           (ThumbingElement      *self);
void           thumbing_element_run_in_worker         (ThumbingElement      *self,
                                                       GTask                *task,
                                                       GTaskThreadFunc       func);
void           thumbing_element_warn                  (ThumbingElement      *self,
                                                       const char           *format,
                                                       ...) G_GNUC_PRINTF (2, 3);

G_END_DECLS
