/* thumbing-sink.c
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "config.h"

#include "thumbing-sink.h"

/**
 * ThumbingSink:
 *
 * The base of elements with a side effect: storing an item (a folder, a
 * bucket) or announcing it (a topic, a webhook). A sink passes the item on,
 * with what it did recorded in the metadata (for example
 * %THUMBING_METADATA_OUTPUT), so later sinks can use it: an announcement
 * names the stored output.
 */
G_DEFINE_ABSTRACT_TYPE (ThumbingSink, thumbing_sink, THUMBING_TYPE_ELEMENT)

static void
thumbing_sink_class_init (ThumbingSinkClass *klass)
{
}

static void
thumbing_sink_init (ThumbingSink *self)
{
}
