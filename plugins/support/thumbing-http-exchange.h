/* thumbing-http-exchange.h: one HTTP request and its answer, apart from any server
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

G_BEGIN_DECLS

typedef struct _ThumbingHttpExchange ThumbingHttpExchange;

/* What a service does with a request (@exchange is lent to it): sets the
 * answer, then calls thumbing_http_exchange_finish(), at once or later,
 * holding a reference until then. The same function
 * answers libsoup's server and, through another adapter, events such as
 * API Gateway's. */
typedef void (*ThumbingHttpHandler) (gpointer              service,
                                     ThumbingHttpExchange *exchange);

ThumbingHttpExchange *thumbing_http_exchange_new            (const char           *method,
                                                             const char           *path,
                                                             GHashTable           *query,
                                                             SoupMessageHeaders   *headers,
                                                             GBytes               *body,
                                                             GInetAddress         *remote);
ThumbingHttpExchange *thumbing_http_exchange_ref            (ThumbingHttpExchange *self);
void                  thumbing_http_exchange_unref          (ThumbingHttpExchange *self);

const char           *thumbing_http_exchange_get_method     (ThumbingHttpExchange *self);
const char           *thumbing_http_exchange_get_path       (ThumbingHttpExchange *self);
const char           *thumbing_http_exchange_get_query      (ThumbingHttpExchange *self,
                                                             const char           *name);
const char           *thumbing_http_exchange_get_header     (ThumbingHttpExchange *self,
                                                             const char           *name);
SoupMessageHeaders   *thumbing_http_exchange_get_request_headers  (ThumbingHttpExchange *self);
GBytes               *thumbing_http_exchange_get_body       (ThumbingHttpExchange *self);
GInetAddress         *thumbing_http_exchange_get_remote     (ThumbingHttpExchange *self);
gboolean              thumbing_http_exchange_is_gone        (ThumbingHttpExchange *self);
void                  thumbing_http_exchange_set_gone       (ThumbingHttpExchange *self);

void                  thumbing_http_exchange_set_header     (ThumbingHttpExchange *self,
                                                             const char           *name,
                                                             const char           *value);
void                  thumbing_http_exchange_respond        (ThumbingHttpExchange *self,
                                                             guint                 status,
                                                             const char           *content_type,
                                                             GBytes               *body);
void                  thumbing_http_exchange_respond_json   (ThumbingHttpExchange *self,
                                                             guint                 status,
                                                             JsonBuilder          *builder);
void                  thumbing_http_exchange_respond_error  (ThumbingHttpExchange *self,
                                                             guint                 status,
                                                             const char           *text);
guint                 thumbing_http_exchange_get_status     (ThumbingHttpExchange *self);
SoupMessageHeaders   *thumbing_http_exchange_get_response_headers (ThumbingHttpExchange *self);
GBytes               *thumbing_http_exchange_get_response_body    (ThumbingHttpExchange *self);

void                  thumbing_http_exchange_on_finish      (ThumbingHttpExchange *self,
                                                             GFunc                 func,
                                                             gpointer              data);
void                  thumbing_http_exchange_finish         (ThumbingHttpExchange *self);

gboolean              thumbing_http_exchange_allow_origin   (ThumbingHttpExchange *self,
                                                             const char * const   *origins,
                                                             const char           *methods);
const char           *thumbing_http_exchange_bearer_token   (ThumbingHttpExchange *self,
                                                             gboolean              bare_allowed);

ThumbingHttpExchange *thumbing_http_exchange_new_from_event (const char           *event,
                                                             GError              **error);
char                 *thumbing_http_exchange_to_event_answer (ThumbingHttpExchange *self);
JsonObject           *thumbing_http_exchange_get_authorizer_claims (ThumbingHttpExchange *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ThumbingHttpExchange, thumbing_http_exchange_unref)

G_END_DECLS
