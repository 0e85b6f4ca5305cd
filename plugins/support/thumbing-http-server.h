/* thumbing-http-server.h: the listening side every HTTP service shares
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <libsoup/soup.h>
#include <thumbing/thumbing.h>

#include "thumbing-http-exchange.h"

G_BEGIN_DECLS

/* Every service's limits: a stalled read or write drops the connection
 * after this long, and at most this many connections are open at once. */
#define THUMBING_HTTP_TIMEOUT_SECONDS 30
#define THUMBING_HTTP_MAX_CONNECTIONS 256

/* A plain structure, not a GObject: the library is linked into several
 * plugin modules, and a type registered from each would clash. */
typedef struct _ThumbingHttpServer ThumbingHttpServer;

void                thumbing_http_server_class_install_listener (ThumbingElementClass *klass,
                                                                 goffset               address_offset,
                                                                 goffset               port_offset,
                                                                 guint                 default_port);
ThumbingHttpServer *thumbing_http_server_new              (ThumbingElement    *owner,
                                                           guint               timeout_seconds,
                                                           guint               max_connections);
SoupServer         *thumbing_http_server_get_soup_server  (ThumbingHttpServer *self);
void                thumbing_http_server_set_handlers     (ThumbingHttpServer *self,
                                                           const char         *path,
                                                           ThumbingHttpHandler early,
                                                           ThumbingHttpHandler handler,
                                                           gpointer            service);
gboolean            thumbing_http_server_listen           (ThumbingHttpServer *self,
                                                           const char         *address,
                                                           guint              *port,
                                                           GError            **error);
guint               thumbing_http_server_get_n_connections (ThumbingHttpServer *self);
void                thumbing_http_server_stop             (ThumbingHttpServer *self);
void                thumbing_http_server_free             (ThumbingHttpServer *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ThumbingHttpServer, thumbing_http_server_free)

G_END_DECLS
