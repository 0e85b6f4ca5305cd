/* thumbing-http-server.h: the listening side every HTTP service shares
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <libsoup/soup.h>
#include <thumbing/thumbing.h>

G_BEGIN_DECLS

/* Every service's limits: a stalled read or write drops the connection
 * after this long, and at most this many connections are open at once. */
#define THUMBING_HTTP_TIMEOUT_SECONDS 30
#define THUMBING_HTTP_MAX_CONNECTIONS 256

#define THUMBING_TYPE_HTTP_SERVER (thumbing_http_server_get_type ())

G_DECLARE_FINAL_TYPE (ThumbingHttpServer, thumbing_http_server, THUMBING, HTTP_SERVER, GObject)

ThumbingHttpServer *thumbing_http_server_new              (ThumbingElement    *owner,
                                                           guint               timeout_seconds,
                                                           guint               max_connections);
SoupServer         *thumbing_http_server_get_soup_server  (ThumbingHttpServer *self);
gboolean            thumbing_http_server_listen           (ThumbingHttpServer *self,
                                                           const char         *address,
                                                           guint              *port,
                                                           GError            **error);
guint               thumbing_http_server_get_n_connections (ThumbingHttpServer *self);
void                thumbing_http_server_stop             (ThumbingHttpServer *self);

G_END_DECLS
