/* thumbing-error.c
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "config.h"

#include "thumbing-error.h"

/**
 * thumbing_error_quark:
 *
 * Gets the quark of the %THUMBING_ERROR domain.
 *
 * Returns: the quark of the error domain
 */
THUMBING_DEFINE_QUARK (thumbing-error-quark, thumbing_error)
