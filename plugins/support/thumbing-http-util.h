/* thumbing-http-util.h: what the HTTP services share
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

G_BEGIN_DECLS

gboolean thumbing_http_equal_secret       (const char        *expected,
                                           const char        *given);
gboolean thumbing_http_body_is_json_text  (GBytes            *body);
gboolean thumbing_http_session_trust      (SoupSession       *session,
                                           const char        *ca_file,
                                           GError           **error);
const char *thumbing_http_media_type_for  (const char        *name);

G_END_DECLS
