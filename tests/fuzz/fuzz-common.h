/* fuzz-common.h: what every libFuzzer target of thumbing shares
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * fuzz-common.c defines LLVMFuzzerInitialize: it makes GLib's criticals
 * and warnings crash the target, sets FUZZ_SET=value and FUZZ_EMPTY= for
 * inputs that use ${VAR}, then calls fuzz_set_up().
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include <glib.h>

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

/* A target that needs more than the common set-up defines this. */
void fuzz_set_up (void);

/* The input as a C string, cut at its first NUL byte. */
static inline char *
fuzz_text (const uint8_t *data,
           size_t         size)
{
  return g_strndup ((const char *) data, size);
}
