/* thumbing-http-server.c: the listening side every HTTP service shares
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * libsoup's own listener gives up for good on the first failed accept(), as
 * when the process runs out of file descriptors, and sets no timeout on the
 * connections it takes. So the services accept connections here and hand
 * them to their SoupServer: every connection gets read and write timeouts,
 * at most max_connections are open at once, and a failed accept is logged
 * and retried after a pause, so the service recovers once the pressure ends.
 * At the limit, a new client takes the place of the connection that has
 * waited longest without a whole request (a slow-loris client trickling
 * its headers, or an idle keep-alive one); only when every connection is
 * being answered do new clients wait in the kernel's backlog. Handlers get the
 * request path still percent-encoded and decode it once themselves.
 */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "thumbing-http-server.h"

/* How long to wait before accepting again after accept() failed. */
#define ACCEPT_RETRY_MS 200
/* Connections taken per wake-up, so one busy listener cannot starve the
 * main loop. */
#define ACCEPT_BATCH 16
#define LISTEN_BACKLOG 128

struct _ThumbingHttpServer
{
  ThumbingHttpHandler early;
  ThumbingHttpHandler handler;
  gpointer         service;

  ThumbingElement *owner;           /* not owned: the element owns this */
  guint            timeout_seconds;
  guint            max_connections;
  SoupServer      *soup;
  GSocket         *listener;
  GSource         *accept_source;
  GSource         *retry_source;
  GHashTable      *connections;     /* GSocketConnection * (weakly referenced) → Connection */
  guint            n_evicted;       /* connections shut down, not yet let go by libsoup */
  gboolean         under_pressure;  /* accept() is failing: logged once */
  gboolean         at_limit;        /* max_connections are being answered: logged once */
  gboolean         evicting;        /* at the limit, waiting connections make room: logged once */
};

/* A request is being answered on the connection: it is never evicted. */
#define BUSY G_MAXINT64

typedef struct
{
  GSocket *socket;       /* owned by the connection */
  gint64   idle_since;   /* monotonic µs it began waiting for a whole request, or BUSY */
  gboolean evicted;
} Connection;

static void watch_listener (ThumbingHttpServer *self);

static void
forget_connection (gpointer  data,
                   GObject  *gone)
{
  ThumbingHttpServer *self = data;
  Connection *entry = g_hash_table_lookup (self->connections, gone);

  if (entry != NULL && entry->evicted)
    self->n_evicted--;
  g_hash_table_remove (self->connections, gone);
  if (self->listener != NULL && self->accept_source == NULL && self->retry_source == NULL)
    watch_listener (self);
}

static guint
n_counted (ThumbingHttpServer *self)
{
  return g_hash_table_size (self->connections) - self->n_evicted;
}

static Connection *
connection_of (ThumbingHttpServer *self,
               SoupServerMessage  *message)
{
  GSocket *socket = soup_server_message_get_socket (message);
  GHashTableIter iter;
  gpointer value;

  g_hash_table_iter_init (&iter, self->connections);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    if (((Connection *) value)->socket == socket)
      return value;
  return NULL;
}

static void
on_request_read (SoupServer        *soup,
                 SoupServerMessage *message,
                 gpointer           data)
{
  Connection *entry = connection_of (data, message);

  if (entry != NULL)
    entry->idle_since = BUSY;
}

static void
on_request_done (SoupServer        *soup,
                 SoupServerMessage *message,
                 gpointer           data)
{
  Connection *entry = connection_of (data, message);

  if (entry != NULL)
    entry->idle_since = g_get_monotonic_time ();
}

/* Shuts down the connection that has waited longest for a whole request,
 * so a new client can take its place. Returns FALSE when every connection
 * is being answered. */
static gboolean
evict_longest_waiting (ThumbingHttpServer *self)
{
  GHashTableIter iter;
  gpointer value;
  Connection *oldest = NULL;

  g_hash_table_iter_init (&iter, self->connections);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      Connection *entry = value;

      if (!entry->evicted && entry->idle_since != BUSY && (oldest == NULL || entry->idle_since < oldest->idle_since))
        oldest = entry;
    }
  if (oldest == NULL)
    return FALSE;
  /* libsoup reads end of stream and lets the connection go itself. */
  g_socket_shutdown (oldest->socket, TRUE, TRUE, NULL);
  oldest->evicted = TRUE;
  self->n_evicted++;
  return TRUE;
}

static void
take_connection (ThumbingHttpServer *self,
                 GSocket            *client)
{
  g_autoptr(GSocketConnection) connection = NULL;
  g_autoptr(GSocketAddress) local = NULL;
  g_autoptr(GSocketAddress) remote = NULL;
  g_autoptr(GError) error = NULL;
  Connection *entry;

  g_socket_set_timeout (client, self->timeout_seconds);
  local = g_socket_get_local_address (client, NULL);
  remote = g_socket_get_remote_address (client, NULL);
  if (local == NULL || remote == NULL)
    return; /* the peer went away already; dropping the socket closes it */
  connection = g_socket_connection_factory_create_connection (client);
  entry = g_new0 (Connection, 1);
  entry->socket = client;
  entry->idle_since = g_get_monotonic_time ();
  g_hash_table_insert (self->connections, connection, entry);
  g_object_weak_ref (G_OBJECT (connection), forget_connection, self);
  if (!soup_server_accept_iostream (self->soup, G_IO_STREAM (connection), local, remote, &error))
    g_debug ("%s: a connection was refused: %s", thumbing_element_get_name (self->owner), error->message);
}

static gboolean
retry_accept (gpointer data)
{
  ThumbingHttpServer *self = data;

  self->retry_source = NULL;
  watch_listener (self);
  return G_SOURCE_REMOVE;
}

static gboolean
on_incoming (GSocket      *socket,
             GIOCondition  condition,
             gpointer      data)
{
  ThumbingHttpServer *self = data;

  for (guint i = 0; i < ACCEPT_BATCH; i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GSocket) client = NULL;

      if (n_counted (self) < self->max_connections)
        self->evicting = FALSE;
      else if (evict_longest_waiting (self))
        {
          if (!self->evicting)
            thumbing_element_warn (self->owner, _("%u connections are open, the most allowed: each new client "
                                                  "takes the place of the one waiting longest for a request"),
                                   self->max_connections);
          self->evicting = TRUE;
        }
      else
        {
          if (!self->at_limit)
            thumbing_element_warn (self->owner, _("%u connections are being answered, the most allowed: "
                                                  "new clients wait"), self->max_connections);
          self->at_limit = TRUE;
          g_clear_pointer (&self->accept_source, g_source_unref);
          return G_SOURCE_REMOVE;
        }
      client = g_socket_accept (socket, NULL, &error);
      if (client == NULL && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK))
        return G_SOURCE_CONTINUE;
      if (client == NULL)
        {
          /* Out of file descriptors or memory, typically: wait, then try
           * again, instead of giving up on the listener. */
          if (!self->under_pressure)
            thumbing_element_warn (self->owner, _("accepting a connection failed: %s; retrying"), error->message);
          self->under_pressure = TRUE;
          g_clear_pointer (&self->accept_source, g_source_unref);
          self->retry_source = g_timeout_source_new (ACCEPT_RETRY_MS);
          g_source_set_callback (self->retry_source, retry_accept, self, NULL);
          g_source_attach (self->retry_source, thumbing_element_get_context (self->owner));
          g_source_unref (self->retry_source);
          return G_SOURCE_REMOVE;
        }
      if (self->under_pressure || self->at_limit)
        g_message (_("%s: accepting connections again"), thumbing_element_get_name (self->owner));
      self->under_pressure = self->at_limit = FALSE;
      take_connection (self, client);
    }
  return G_SOURCE_CONTINUE;
}

static void
watch_listener (ThumbingHttpServer *self)
{
  self->accept_source = g_socket_create_source (self->listener, G_IO_IN, NULL);
  g_source_set_callback (self->accept_source, (GSourceFunc) (void (*) (void)) on_incoming, self, NULL);
  g_source_attach (self->accept_source, thumbing_element_get_context (self->owner));
}

/**
 * thumbing_http_server_class_install_listener:
 * @klass: the class of an element that serves HTTP
 * @address_offset: where its `address` (a string) lives, as G_STRUCT_OFFSET()
 * @port_offset: where its `port` (a guint) lives
 * @default_port: the port it listens on unless told otherwise
 *
 * Declares the `address` and `port` properties every HTTP service has, the
 * same way for each.
 */
void
thumbing_http_server_class_install_listener (ThumbingElementClass *klass,
                                             goffset               address_offset,
                                             goffset               port_offset,
                                             guint                 default_port)
{
  GParamFlags flags = G_PARAM_READWRITE | G_PARAM_CONSTRUCT | G_PARAM_STATIC_STRINGS;

  thumbing_element_class_install_field (klass,
    g_param_spec_string ("address", NULL, _("IP address to listen on"), "127.0.0.1", flags), address_offset);
  thumbing_element_class_install_field (klass,
    g_param_spec_uint ("port", NULL, _("Port to listen on; 0 picks a free one (read back after start)"),
                       0, 65535, default_port, flags), port_offset);
}

/**
 * thumbing_http_server_new:
 * @owner: the service the server belongs to, named in its log lines; it
 *   must outlive the server
 * @timeout_seconds: how long a read or a write on a connection may stall
 * @max_connections: how many connections may be open at once
 *
 * Returns: (transfer full): a server that listens once
 *   thumbing_http_server_listen() is called; free it with
 *   thumbing_http_server_free()
 */
ThumbingHttpServer *
thumbing_http_server_new (ThumbingElement *owner,
                          guint            timeout_seconds,
                          guint            max_connections)
{
  ThumbingHttpServer *self;

  g_return_val_if_fail (THUMBING_IS_ELEMENT (owner), NULL);
  g_return_val_if_fail (max_connections > 0, NULL);
  self = g_new0 (ThumbingHttpServer, 1);
  self->connections = g_hash_table_new_full (NULL, NULL, NULL, g_free);
  self->owner = owner;
  self->timeout_seconds = timeout_seconds;
  self->max_connections = max_connections;
  /* Raw paths: each service decodes the path once, itself; libsoup would
   * decode it first, and a second decoding turns “%2541” into “A”. */
  self->soup = soup_server_new ("server-header", "thumbing/" PACKAGE_VERSION " ", "raw-paths", TRUE, NULL);
  g_signal_connect (self->soup, "request-read", G_CALLBACK (on_request_read), self);
  g_signal_connect (self->soup, "request-finished", G_CALLBACK (on_request_done), self);
  g_signal_connect (self->soup, "request-aborted", G_CALLBACK (on_request_done), self);
  return self;
}

/**
 * thumbing_http_server_get_soup_server:
 * @self: a #ThumbingHttpServer
 *
 * Returns: (transfer none): the server that handles the requests, to add
 *   handlers to
 */
SoupServer *
thumbing_http_server_get_soup_server (ThumbingHttpServer *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->soup;
}

static ThumbingHttpExchange *
exchange_for (SoupServerMessage *message,
              const char        *path,
              GHashTable        *query,
              GBytes            *body)
{
  GSocketAddress *remote = soup_server_message_get_remote_address (message);

  return thumbing_http_exchange_new (soup_server_message_get_method (message), path, query,
                                     soup_server_message_get_request_headers (message), body,
                                     G_IS_INET_SOCKET_ADDRESS (remote)
                                     ? g_inet_socket_address_get_address (G_INET_SOCKET_ADDRESS (remote)) : NULL);
}

static void
copy_header (const char *name,
             const char *value,
             gpointer    data)
{
  soup_message_headers_append (data, name, value);
}

/* Puts the exchange's answer on the message. */
static void
apply_answer (ThumbingHttpExchange *exchange,
              SoupServerMessage    *message)
{
  GBytes *body = thumbing_http_exchange_get_response_body (exchange);

  soup_message_headers_foreach (thumbing_http_exchange_get_response_headers (exchange), copy_header,
                                soup_server_message_get_response_headers (message));
  soup_server_message_set_status (message, thumbing_http_exchange_get_status (exchange), NULL);
  /* libsoup refuses an empty buffer; an empty body needs none. */
  if (body != NULL && g_bytes_get_size (body) > 0)
    soup_message_body_append_bytes (soup_server_message_get_response_body (message), body);
}

static void
handle_early (SoupServer        *soup,
              SoupServerMessage *message,
              const char        *path,
              GHashTable        *query,
              gpointer           data)
{
  ThumbingHttpServer *self = data;
  g_autoptr(ThumbingHttpExchange) exchange = exchange_for (message, path, query, NULL);

  self->early (self->service, exchange);
  if (thumbing_http_exchange_get_status (exchange) != 0)
    apply_answer (exchange, message);
}

static void
on_disconnected (SoupServerMessage    *message,
                 ThumbingHttpExchange *exchange)
{
  thumbing_http_exchange_set_gone (exchange);
}

static void
on_answered (gpointer exchange,
             gpointer data)
{
  SoupServerMessage *message = data;

  g_signal_handlers_disconnect_by_func (message, on_disconnected, exchange);
  if (!thumbing_http_exchange_is_gone (exchange))
    apply_answer (exchange, message);
  soup_server_message_unpause (message);
  g_object_unref (message);
  thumbing_http_exchange_unref (exchange);
}

static void
handle (SoupServer        *soup,
        SoupServerMessage *message,
        const char        *path,
        GHashTable        *query,
        gpointer           data)
{
  ThumbingHttpServer *self = data;
  g_autoptr(GBytes) body = soup_message_body_flatten (soup_server_message_get_request_body (message));
  ThumbingHttpExchange *exchange = exchange_for (message, path, query, body);

  /* Held until the service finishes the exchange, now or later; the
   * reference made here goes when it does. */
  soup_server_message_pause (message);
  g_signal_connect (message, "disconnected", G_CALLBACK (on_disconnected), exchange);
  thumbing_http_exchange_on_finish (exchange, on_answered, g_object_ref (message));
  thumbing_http_exchange_ref (exchange);
  self->handler (self->service, exchange);
  thumbing_http_exchange_unref (exchange);
}

/**
 * thumbing_http_server_set_handlers:
 * @self: a #ThumbingHttpServer
 * @path: (nullable): the path the handlers serve, or %NULL for every path
 * @early: (nullable): called with the headers only, before the body is
 *   read, to refuse a request early (its answer, if it sets one, is final)
 * @handler: called with the whole request; it answers and calls
 *   thumbing_http_exchange_finish(), at once or later (then holding a
 *   reference to the exchange until it has)
 * @service: passed to both
 */
void
thumbing_http_server_set_handlers (ThumbingHttpServer *self,
                                   const char         *path,
                                   ThumbingHttpHandler early,
                                   ThumbingHttpHandler handler,
                                   gpointer            service)
{
  self->early = early;
  self->handler = handler;
  self->service = service;
  if (early != NULL)
    soup_server_add_early_handler (self->soup, path, handle_early, self, NULL);
  soup_server_add_handler (self->soup, path, handle, self, NULL);
}

/**
 * thumbing_http_server_listen:
 * @self: a #ThumbingHttpServer
 * @address: an IP address
 * @port: (inout): the port; 0 picks a free one, and is replaced by it
 * @error: return location for a #GError
 *
 * Returns: whether the server now listens
 */
gboolean
thumbing_http_server_listen (ThumbingHttpServer *self,
                             const char         *address,
                             guint              *port,
                             GError            **error)
{
  g_autoptr(GInetAddress) inet = NULL;
  g_autoptr(GSocketAddress) wanted = NULL;
  g_autoptr(GSocketAddress) bound = NULL;
  g_autoptr(GSocket) listener = NULL;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (self->listener == NULL, FALSE);

  inet = g_inet_address_new_from_string (address);
  if (inet == NULL)
    {
      g_set_error (error, THUMBING_ERROR, THUMBING_ERROR_INVALID_VALUE, _("address: “%s” is not an IP address"), address);
      return FALSE;
    }
  wanted = g_inet_socket_address_new (inet, *port);
  listener = g_socket_new (g_inet_address_get_family (inet), G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, error);
  if (listener == NULL)
    goto failed;
  g_socket_set_blocking (listener, FALSE);
  g_socket_set_listen_backlog (listener, LISTEN_BACKLOG);
  if (!g_socket_bind (listener, wanted, TRUE, error) || !g_socket_listen (listener, error))
    goto failed;
  bound = g_socket_get_local_address (listener, error);
  if (bound == NULL)
    goto failed;
  *port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
  self->listener = g_steal_pointer (&listener);
  watch_listener (self);
  return TRUE;

failed:
  g_prefix_error (error, _("listening on %s port %u: "), address, *port);
  return FALSE;
}

/**
 * thumbing_http_server_get_n_connections:
 * @self: a #ThumbingHttpServer
 *
 * Returns: how many connections are open now
 */
guint
thumbing_http_server_get_n_connections (ThumbingHttpServer *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return g_hash_table_size (self->connections);
}

/**
 * thumbing_http_server_stop:
 * @self: a #ThumbingHttpServer
 *
 * Stops listening and closes every open connection. Calling it twice is
 * harmless.
 */
void
thumbing_http_server_stop (ThumbingHttpServer *self)
{
  GHashTableIter iter;
  gpointer connection;

  g_return_if_fail (self != NULL);

  if (self->accept_source != NULL)
    g_source_destroy (self->accept_source);
  g_clear_pointer (&self->accept_source, g_source_unref);
  if (self->retry_source != NULL)
    g_source_destroy (self->retry_source);
  self->retry_source = NULL;
  if (self->listener != NULL)
    g_socket_close (self->listener, NULL);
  g_clear_object (&self->listener);

  /* The connections may outlive this object inside libsoup for a moment. */
  g_hash_table_iter_init (&iter, self->connections);
  while (g_hash_table_iter_next (&iter, &connection, NULL))
    g_object_weak_unref (connection, forget_connection, self);
  g_hash_table_remove_all (self->connections);
  self->n_evicted = 0;
  if (self->soup != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->soup, self);
      soup_server_disconnect (self->soup);
    }
  g_clear_object (&self->soup);
}

/**
 * thumbing_http_server_free:
 * @self: (transfer full): a #ThumbingHttpServer
 *
 * Stops the server and frees it.
 */
void
thumbing_http_server_free (ThumbingHttpServer *self)
{
  if (self == NULL)
    return;
  thumbing_http_server_stop (self);
  g_hash_table_unref (self->connections);
  g_free (self);
}
