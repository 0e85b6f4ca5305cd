/* thumbing-error.c
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "config.h"

#include "thumbing-error.h"

G_DEFINE_QUARK (thumbing-error-quark, thumbing_error)
