/* thumbing.h: the thumbing framework, an event-driven image pipeline
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#define THUMBING_INSIDE

#include "thumbing-version.h"
#include "thumbing-enum-types.h"
#include "thumbing-error.h"
#include "thumbing-delivery.h"
#include "thumbing-item.h"
#include "thumbing-metrics.h"
#include "thumbing-name-template.h"
#include "thumbing-element.h"
#include "thumbing-source.h"
#include "thumbing-transform.h"
#include "thumbing-sink.h"
#include "thumbing-service.h"
#include "thumbing-element-factory.h"
#include "thumbing-plugin.h"
#include "thumbing-registry.h"
#include "thumbing-pipeline.h"
#include "thumbing-text.h"

#undef THUMBING_INSIDE
