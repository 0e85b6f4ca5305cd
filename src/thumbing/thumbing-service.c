/* thumbing-service.c
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "config.h"

#include "thumbing-service.h"

/**
 * ThumbingService:
 *
 * The base of elements that run beside a pipeline's chain rather than in
 * it: an upload API that hands out URLs, a server for the outputs. A
 * pipeline lists them in `services=` (or adds them with
 * thumbing_pipeline_add_service()), checks them with its stages, starts them
 * before its source and stops them after its last item settled. Items never
 * pass through a service.
 */
G_DEFINE_ABSTRACT_TYPE (ThumbingService, thumbing_service, THUMBING_TYPE_ELEMENT)

static void
thumbing_service_class_init (ThumbingServiceClass *klass)
{
}

static void
thumbing_service_init (ThumbingService *self)
{
}
