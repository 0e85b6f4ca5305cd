/* thumbing-vips-plugin.c: decoding, resizing and encoding with libvips
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <vips/vips.h>

#include "thumbing-avif-encode.h"
#include "thumbing-gif-encode.h"
#include "thumbing-jpeg-encode.h"
#include "thumbing-placeholder.h"
#include "thumbing-png-encode.h"
#include "thumbing-resize.h"
#include "thumbing-webp-encode.h"
#include "thumbing-vips-encoder.h"

/* libvips reports recoverable damage (“ignoring nclx profile”, premature
 * end of data it could pad) as GLib warnings. Whether damage fails an item
 * is resize's fail-on setting; the warnings themselves are for debugging. */
static void
demote_vips_warning (const char     *log_domain,
                     GLogLevelFlags  log_level,
                     const char     *message,
                     gpointer        user_data)
{
  g_debug ("%s: %s", log_domain, message);
}

static gboolean
vips_plugin_init (ThumbingPlugin *plugin,
                  GError        **error)
{
  if (VIPS_INIT ("thumbing") != 0)
    {
      thumbing_vips_set_error (error, THUMBING_ERROR_PLUGIN, _("libvips failed to start"));
      return FALSE;
    }

  /* The pipeline works on several images at once on its own pool; one
   * libvips thread per image avoids oversubscribing the cores. */
  if (g_getenv ("VIPS_CONCURRENCY") == NULL)
    vips_concurrency_set (1);
  /* Each item's operations are used once: caching them only holds memory. */
  vips_cache_set_max (0);
  /* Uploads are untrusted: the loaders libvips marks untrusted (ImageMagick,
   * PDF, and such) stay blocked unless a resize stage names their format. */
  vips_block_untrusted_set (TRUE);
  g_log_set_handler ("VIPS", G_LOG_LEVEL_WARNING | G_LOG_FLAG_FATAL | G_LOG_FLAG_RECURSION,
                     demote_vips_warning, NULL);

  return thumbing_plugin_add_element (plugin, THUMBING_TYPE_RESIZE, error)
      && thumbing_plugin_add_element (plugin, THUMBING_TYPE_PLACEHOLDER, error)
      && thumbing_plugin_add_element (plugin, THUMBING_TYPE_PNG_ENCODE, error)
      && thumbing_plugin_add_element (plugin, THUMBING_TYPE_JPEG_ENCODE, error)
      && thumbing_plugin_add_element (plugin, THUMBING_TYPE_WEBP_ENCODE, error)
      && thumbing_plugin_add_element (plugin, THUMBING_TYPE_GIF_ENCODE, error)
      && thumbing_plugin_add_element (plugin, THUMBING_TYPE_AVIF_ENCODE, error);
}

THUMBING_PLUGIN_DEFINE (vips, "Decoding, resizing and encoding with libvips", vips_plugin_init,
                        PACKAGE_VERSION, "LGPL-2.1-or-later")
