/* thumbing-error.h: the error domain of the thumbing framework
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#if !defined(THUMBING_INSIDE) && !defined(THUMBING_COMPILATION)
#error "Only <thumbing/thumbing.h> can be included directly."
#endif

#include <glib.h>

G_BEGIN_DECLS

/**
 * THUMBING_ERROR:
 *
 * The error domain of the thumbing framework and its elements.
 */
#define THUMBING_ERROR (thumbing_error_quark ())

/**
 * ThumbingError:
 * @THUMBING_ERROR_FAILED: a failure that fits no other code
 * @THUMBING_ERROR_CONFIG: a pipeline description (keyfile or launch string) is malformed
 * @THUMBING_ERROR_UNKNOWN_ELEMENT: no registered factory has that element name
 * @THUMBING_ERROR_UNKNOWN_PROPERTY: an element has no property of that name
 * @THUMBING_ERROR_INVALID_VALUE: a property value cannot be parsed or is out of range
 * @THUMBING_ERROR_MISSING_PROPERTY: a required property was not set
 * @THUMBING_ERROR_INCOMPATIBLE: two linked elements cannot exchange media
 * @THUMBING_ERROR_PLUGIN: a plugin could not be loaded or registered
 * @THUMBING_ERROR_BAD_INPUT: an item's payload is corrupt, truncated, empty or not an image
 * @THUMBING_ERROR_TOO_LARGE: an item exceeds a configured size or pixel limit
 * @THUMBING_ERROR_UNSUPPORTED: the operation is not supported by this build or library
 * @THUMBING_ERROR_IO: reading or writing local storage failed
 * @THUMBING_ERROR_STATE: the call is not valid in the object's current state
 *
 * Error codes in the %THUMBING_ERROR domain.
 */
typedef enum {
  THUMBING_ERROR_FAILED,
  THUMBING_ERROR_CONFIG,
  THUMBING_ERROR_UNKNOWN_ELEMENT,
  THUMBING_ERROR_UNKNOWN_PROPERTY,
  THUMBING_ERROR_INVALID_VALUE,
  THUMBING_ERROR_MISSING_PROPERTY,
  THUMBING_ERROR_INCOMPATIBLE,
  THUMBING_ERROR_PLUGIN,
  THUMBING_ERROR_BAD_INPUT,
  THUMBING_ERROR_TOO_LARGE,
  THUMBING_ERROR_UNSUPPORTED,
  THUMBING_ERROR_IO,
  THUMBING_ERROR_STATE,
} ThumbingError;

GQuark thumbing_error_quark (void);

/**
 * THUMBING_DEFINE_QUARK:
 * @QN: the quark's string, as written (`thumbing-error-quark`)
 * @q_n: the function's name without `_quark`
 *
 * Defines `q_n_quark ()` as G_DEFINE_QUARK() does, but safe when several
 * threads make the first call at once: stages on the worker pool set errors
 * of their domain concurrently, and G_DEFINE_QUARK's plain static is a data
 * race then (found by ThreadSanitizer in bench/soak.py).
 */
#define THUMBING_DEFINE_QUARK(QN, q_n)                                        \
GQuark                                                                        \
q_n##_quark (void)                                                            \
{                                                                             \
  static gint q;                                                              \
  GQuark value = (GQuark) g_atomic_int_get (&q);                              \
                                                                              \
  if (G_UNLIKELY (value == 0))                                                \
    {                                                                         \
      value = g_quark_from_static_string (#QN);                               \
      g_atomic_int_set (&q, (gint) value);                                    \
    }                                                                         \
  return value;                                                               \
}

G_END_DECLS
