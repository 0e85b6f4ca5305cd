/* thumbing-handoff-private.h: what ThreadSanitizer cannot see
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Work passes between the main context and the worker pool through GLib's
 * GThreadPool and GTask, whose locks (futexes inside an uninstrumented
 * libglib) ThreadSanitizer does not see. These marks tell it where one
 * thread hands data to another, so a TSan build reports only real races.
 * They compile to nothing otherwise.
 */
#pragma once

#if defined(__SANITIZE_THREAD__)
# define THUMBING_TSAN 1
#elif defined(__has_feature)
# if __has_feature(thread_sanitizer)
#  define THUMBING_TSAN 1
# endif
#endif

#ifdef THUMBING_TSAN
# include <sanitizer/tsan_interface.h>
/* Everything this thread wrote so far is visible to whoever acquires @p. */
# define THUMBING_HANDOFF_RELEASE(p) __tsan_release ((void *) (p))
# define THUMBING_HANDOFF_ACQUIRE(p) __tsan_acquire ((void *) (p))
#else
# define THUMBING_HANDOFF_RELEASE(p) ((void) (p))
# define THUMBING_HANDOFF_ACQUIRE(p) ((void) (p))
#endif
