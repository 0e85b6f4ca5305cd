/* thumbing-item.h: the unit of work that flows through a pipeline
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#if !defined(THUMBING_INSIDE) && !defined(THUMBING_COMPILATION)
#error "Only <thumbing/thumbing.h> can be included directly."
#endif

#include <gio/gio.h>

#include "thumbing-delivery.h"

G_BEGIN_DECLS

/**
 * THUMBING_MEDIA_DECODED_IMAGE:
 *
 * The media type of an item that holds a decoded image (a #GObject set with
 * thumbing_item_set_image()) rather than encoded bytes. Wildcard media
 * patterns never match it.
 */
#define THUMBING_MEDIA_DECODED_IMAGE "image/x-decoded"

/**
 * THUMBING_METADATA_WIDTH:
 *
 * Metadata key: width in pixels of the item's image.
 */
#define THUMBING_METADATA_WIDTH "width"
/**
 * THUMBING_METADATA_HEIGHT:
 *
 * Metadata key: height in pixels of the item's image.
 */
#define THUMBING_METADATA_HEIGHT "height"
/**
 * THUMBING_METADATA_FORMAT:
 *
 * Metadata key: the encoded format's usual file extension, as `png`.
 */
#define THUMBING_METADATA_FORMAT "format"
/**
 * THUMBING_METADATA_BYTES:
 *
 * Metadata key: size in bytes of the encoded payload.
 */
#define THUMBING_METADATA_BYTES "bytes"
/**
 * THUMBING_METADATA_OUTPUT:
 *
 * Metadata key: where the last sink stored the item (a path or URL).
 */
#define THUMBING_METADATA_OUTPUT "output"
/**
 * THUMBING_METADATA_OUTPUT_NAME:
 *
 * Metadata key: the name the last sink stored the item under, relative to
 * the sink's folder, where #THUMBING_METADATA_OUTPUT is a local path.
 */
#define THUMBING_METADATA_OUTPUT_NAME "output-name"

/**
 * THUMBING_METADATA_SOURCE_ID:
 *
 * Metadata key: the id the item's origin gave the event that brought it (an
 * SQS message id, a Lambda request id), set by sources that have one.
 */
#define THUMBING_METADATA_SOURCE_ID "source-id"

/**
 * THUMBING_METADATA_TRACE_HEADER:
 *
 * Metadata key: the AWS X-Ray trace header the item's event came with
 * (`Root=1-…;Parent=…;Sampled=1`), from a Lambda invocation or an SQS
 * message's `AWSTraceHeader`; the requests made for the item carry it on.
 */
#define THUMBING_METADATA_TRACE_HEADER "trace-header"

/**
 * THUMBING_METADATA_INPUT_BYTES:
 *
 * Metadata key: the size in bytes of the input as it was read (a file, a
 * fetched object), set by the element that read it.
 */
#define THUMBING_METADATA_INPUT_BYTES "input-bytes"

/**
 * THUMBING_METADATA_ORIENTATION:
 *
 * Metadata key: the EXIF orientation (1 to 8) that was turned upright when
 * the image was decoded; 1 when nothing was turned. The completion event
 * carries it in its `metadata`.
 */
#define THUMBING_METADATA_ORIENTATION "orientation"

/**
 * THUMBING_METADATA_BLURHASH:
 *
 * Metadata key: the BlurHash of the output, left by `placeholder`.
 */
#define THUMBING_METADATA_BLURHASH "placeholder.blurhash"

/**
 * THUMBING_METADATA_THUMBHASH:
 *
 * Metadata key: the ThumbHash of the output in base64, left by `placeholder`.
 */
#define THUMBING_METADATA_THUMBHASH "placeholder.thumbhash"

/**
 * THUMBING_METADATA_AVERAGE_COLOR:
 *
 * Metadata key: the output's average colour as `#rrggbb`, weighted by alpha.
 */
#define THUMBING_METADATA_AVERAGE_COLOR "placeholder.average-color"

/**
 * THUMBING_METADATA_DOMINANT_COLOR:
 *
 * Metadata key: the output's dominant colour as `#rrggbb`.
 */
#define THUMBING_METADATA_DOMINANT_COLOR "placeholder.dominant-color"

/**
 * THUMBING_METADATA_TRANSPARENT:
 *
 * Metadata key: `true` when some pixel of the output is not fully opaque.
 */
#define THUMBING_METADATA_TRANSPARENT "placeholder.transparent"

#define THUMBING_TYPE_ITEM (thumbing_item_get_type ())

typedef struct _ThumbingItem ThumbingItem;

GType              thumbing_item_get_type          (void) G_GNUC_CONST;
ThumbingItem      *thumbing_item_new               (const char    *origin,
                                                    const char    *name);
ThumbingItem      *thumbing_item_ref               (ThumbingItem  *self);
void               thumbing_item_unref             (ThumbingItem  *self);
ThumbingItem      *thumbing_item_branch            (ThumbingItem  *self);

const char        *thumbing_item_get_id            (ThumbingItem  *self);
const char        *thumbing_item_get_origin        (ThumbingItem  *self);
const char        *thumbing_item_get_public_origin (ThumbingItem  *self);
const char        *thumbing_item_get_public_output (ThumbingItem  *self);
const char        *thumbing_item_get_name          (ThumbingItem  *self);
const char        *thumbing_item_get_media_type    (ThumbingItem  *self);

void               thumbing_item_set_bytes         (ThumbingItem  *self,
                                                    GBytes        *bytes,
                                                    const char    *media_type);
GBytes            *thumbing_item_get_bytes         (ThumbingItem  *self);
void               thumbing_item_set_file          (ThumbingItem  *self,
                                                    const char    *path,
                                                    const char    *media_type);
const char        *thumbing_item_get_file          (ThumbingItem  *self);
void               thumbing_item_set_image         (ThumbingItem  *self,
                                                    GObject       *image);
GObject           *thumbing_item_get_image         (ThumbingItem  *self);
GBytes            *thumbing_item_load_bytes        (ThumbingItem  *self,
                                                    GError       **error);

void               thumbing_item_set_metadata      (ThumbingItem  *self,
                                                    const char    *key,
                                                    const char    *value);
void               thumbing_item_set_metadata_int  (ThumbingItem  *self,
                                                    const char    *key,
                                                    gint64         value);
const char        *thumbing_item_get_metadata      (ThumbingItem  *self,
                                                    const char    *key);
GStrv              thumbing_item_get_metadata_keys (ThumbingItem  *self);

ThumbingDelivery  *thumbing_item_get_delivery      (ThumbingItem  *self);
void               thumbing_item_set_delivery      (ThumbingItem  *self,
                                                    ThumbingDelivery *delivery);
double             thumbing_item_get_elapsed_ms    (ThumbingItem  *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ThumbingItem, thumbing_item_unref)

G_END_DECLS
