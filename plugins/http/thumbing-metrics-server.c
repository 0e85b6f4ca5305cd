/* thumbing-metrics-server.c: what an operator's tools ask a daemon
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * GET /metrics answers the pipeline's metrics in Prometheus's text format;
 * /healthz answers 200 whenever the main loop turns (this answer comes from
 * it); /readyz answers 200 while the pipeline runs and is not stopping,
 * 503 otherwise, so an orchestrator sends no work to a worker that cannot
 * take it.
 */
#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "thumbing-http-server.h"
#include "thumbing-metrics-server.h"

struct _ThumbingMetricsServer
{
  ThumbingService     parent_instance;

  char               *address;
  guint               port;

  ThumbingHttpServer *server;
};

G_DEFINE_FINAL_TYPE (ThumbingMetricsServer, thumbing_metrics_server, THUMBING_TYPE_SERVICE)

static void
respond_text (ThumbingHttpExchange *exchange,
              guint                 status,
              const char           *content_type,
              char                 *text)
{
  g_autoptr(GBytes) body = g_bytes_new_take (text, strlen (text));

  thumbing_http_exchange_set_header (exchange, "Cache-Control", "no-store");
  thumbing_http_exchange_respond (exchange, status, content_type, body);
}

static void
handle (gpointer              service,
        ThumbingHttpExchange *exchange)
{
  ThumbingMetricsServer *self = service;
  ThumbingMetrics *metrics = thumbing_element_get_metrics (THUMBING_ELEMENT (self));
  const char *path = thumbing_http_exchange_get_path (exchange);
  const char *method = thumbing_http_exchange_get_method (exchange);

  if (strcmp (method, "GET") != 0 && strcmp (method, "HEAD") != 0)
    thumbing_http_exchange_respond_error (exchange, SOUP_STATUS_METHOD_NOT_ALLOWED, _("only GET and HEAD"));
  else if (strcmp (path, "/metrics") == 0 && metrics != NULL)
    respond_text (exchange, SOUP_STATUS_OK, "text/plain; version=0.0.4; charset=utf-8",
                  thumbing_metrics_render (metrics));
  else if (strcmp (path, "/healthz") == 0)
    respond_text (exchange, SOUP_STATUS_OK, "text/plain; charset=utf-8", g_strdup ("ok\n"));
  else if (strcmp (path, "/readyz") == 0)
    {
      gboolean ready = metrics != NULL && thumbing_metrics_get_ready (metrics);

      respond_text (exchange, ready ? SOUP_STATUS_OK : SOUP_STATUS_SERVICE_UNAVAILABLE, "text/plain; charset=utf-8",
                    g_strdup (ready ? "ready\n" : "not ready\n"));
    }
  else
    thumbing_http_exchange_respond_error (exchange, SOUP_STATUS_NOT_FOUND, _("try /metrics, /healthz or /readyz"));
  thumbing_http_exchange_finish (exchange);
}

static gboolean
thumbing_metrics_server_start (ThumbingElement *element,
                               GError         **error)
{
  ThumbingMetricsServer *self = THUMBING_METRICS_SERVER (element);

  self->server = thumbing_http_server_new (element, THUMBING_HTTP_TIMEOUT_SECONDS, THUMBING_HTTP_MAX_CONNECTIONS);
  thumbing_http_server_set_handlers (self->server, NULL, NULL, handle, self);
  if (!thumbing_http_server_listen (self->server, self->address, &self->port, error))
    return FALSE;
  g_message (_("%s: metrics on http://%s:%u/metrics, health on /healthz and /readyz"),
             thumbing_element_get_name (element), self->address, self->port);
  return TRUE;
}

static void
thumbing_metrics_server_stop (ThumbingElement *element)
{
  ThumbingMetricsServer *self = THUMBING_METRICS_SERVER (element);

  g_clear_pointer (&self->server, thumbing_http_server_free);
}

static void
thumbing_metrics_server_class_init (ThumbingMetricsServerClass *klass)
{
  ThumbingElementClass *element_class = THUMBING_ELEMENT_CLASS (klass);

  element_class->start = thumbing_metrics_server_start;
  element_class->stop = thumbing_metrics_server_stop;

  thumbing_element_class_set_metadata (element_class, "metrics-server",
                                       _("Serves the pipeline’s Prometheus metrics, /healthz and /readyz"));
  thumbing_http_server_class_install_listener (element_class, G_STRUCT_OFFSET (ThumbingMetricsServer, address),
                                               G_STRUCT_OFFSET (ThumbingMetricsServer, port), 9464);
}

static void
thumbing_metrics_server_init (ThumbingMetricsServer *self)
{
}
