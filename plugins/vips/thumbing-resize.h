/* thumbing-resize.h
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <thumbing/thumbing.h>

G_BEGIN_DECLS

#define THUMBING_TYPE_RESIZE (thumbing_resize_get_type ())
G_DECLARE_FINAL_TYPE (ThumbingResize, thumbing_resize, THUMBING, RESIZE, ThumbingTransform)

/**
 * ThumbingResizeFit:
 * @THUMBING_RESIZE_FIT_COVER: fill width×height exactly, cropping what overflows (the seed's sharp default)
 * @THUMBING_RESIZE_FIT_CONTAIN: fit inside width×height and pad to it with the background
 * @THUMBING_RESIZE_FIT_FILL: stretch to width×height, ignoring the aspect ratio
 * @THUMBING_RESIZE_FIT_INSIDE: fit inside width×height, keeping the aspect ratio, no padding
 * @THUMBING_RESIZE_FIT_OUTSIDE: cover width×height, keeping the aspect ratio, no cropping
 *
 * How an image is fitted to the requested box, as in sharp.
 */
typedef enum {
  THUMBING_RESIZE_FIT_COVER,
  THUMBING_RESIZE_FIT_CONTAIN,
  THUMBING_RESIZE_FIT_FILL,
  THUMBING_RESIZE_FIT_INSIDE,
  THUMBING_RESIZE_FIT_OUTSIDE,
} ThumbingResizeFit;

/**
 * ThumbingResizePosition:
 * @THUMBING_RESIZE_POSITION_CENTRE: keep the centre
 * @THUMBING_RESIZE_POSITION_NORTH: keep the top
 * @THUMBING_RESIZE_POSITION_NORTH_EAST: keep the top right
 * @THUMBING_RESIZE_POSITION_EAST: keep the right
 * @THUMBING_RESIZE_POSITION_SOUTH_EAST: keep the bottom right
 * @THUMBING_RESIZE_POSITION_SOUTH: keep the bottom
 * @THUMBING_RESIZE_POSITION_SOUTH_WEST: keep the bottom left
 * @THUMBING_RESIZE_POSITION_WEST: keep the left
 * @THUMBING_RESIZE_POSITION_NORTH_WEST: keep the top left
 * @THUMBING_RESIZE_POSITION_ENTROPY: keep the busiest part (smart crop)
 * @THUMBING_RESIZE_POSITION_ATTENTION: keep what draws the eye: skin, saturation, edges (smart crop)
 *
 * Which part of the image cover keeps, and where contain places the image.
 */
typedef enum {
  THUMBING_RESIZE_POSITION_CENTRE,
  THUMBING_RESIZE_POSITION_NORTH,
  THUMBING_RESIZE_POSITION_NORTH_EAST,
  THUMBING_RESIZE_POSITION_EAST,
  THUMBING_RESIZE_POSITION_SOUTH_EAST,
  THUMBING_RESIZE_POSITION_SOUTH,
  THUMBING_RESIZE_POSITION_SOUTH_WEST,
  THUMBING_RESIZE_POSITION_WEST,
  THUMBING_RESIZE_POSITION_NORTH_WEST,
  THUMBING_RESIZE_POSITION_ENTROPY,
  THUMBING_RESIZE_POSITION_ATTENTION,
} ThumbingResizePosition;

/**
 * ThumbingResizeFailOn:
 * @THUMBING_RESIZE_FAIL_ON_NONE: decode whatever can be decoded
 * @THUMBING_RESIZE_FAIL_ON_TRUNCATED: fail on truncated data
 * @THUMBING_RESIZE_FAIL_ON_ERROR: fail on truncated data and decoder errors
 * @THUMBING_RESIZE_FAIL_ON_WARNING: fail on anything the decoder warns about
 *
 * How damaged an input may be before resize fails it.
 */
typedef enum {
  THUMBING_RESIZE_FAIL_ON_NONE,
  THUMBING_RESIZE_FAIL_ON_TRUNCATED,
  THUMBING_RESIZE_FAIL_ON_ERROR,
  THUMBING_RESIZE_FAIL_ON_WARNING,
} ThumbingResizeFailOn;

GType thumbing_resize_fail_on_get_type (void) G_GNUC_CONST;
GType thumbing_resize_fit_get_type (void) G_GNUC_CONST;
GType thumbing_resize_position_get_type (void) G_GNUC_CONST;

G_END_DECLS
