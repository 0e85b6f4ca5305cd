/* test-http-exchange.c: a request and its answer, with no server in between
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "config.h"

#include <string.h>

#include "thumbing-http-exchange.h"
#include "thumbing-test-util.h"

static ThumbingHttpExchange *
request (const char *method,
         const char *authorization,
         const char *origin)
{
  g_autoptr(SoupMessageHeaders) headers = soup_message_headers_new (SOUP_MESSAGE_HEADERS_REQUEST);
  g_autoptr(GHashTable) query = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GBytes) body = g_bytes_new_static ("{\"extension\": \"jpg\"}", 20);

  if (authorization != NULL)
    soup_message_headers_append (headers, "Authorization", authorization);
  if (origin != NULL)
    soup_message_headers_append (headers, "Origin", origin);
  g_hash_table_insert (query, "expires", "1764000000");
  return thumbing_http_exchange_new (method, "/avatar/get_upload", query, headers, body, NULL);
}

static void
count_finish (gpointer exchange,
              gpointer data)
{
  (*(guint *) data)++;
}

static void
test_request_and_answer (void)
{
  g_autoptr(ThumbingHttpExchange) exchange = request ("POST", "bEaReR abc.def", "https://app.example.com");
  const char * const origins[] = { "https://app.example.com", NULL };
  const char * const others[] = { "https://other.example.com", NULL };
  g_autofree char *body = NULL;
  guint finished = 0;

  g_assert_cmpstr (thumbing_http_exchange_get_method (exchange), ==, "POST");
  g_assert_cmpstr (thumbing_http_exchange_get_query (exchange, "expires"), ==, "1764000000");
  g_assert_null (thumbing_http_exchange_get_query (exchange, "signature"));
  g_assert_cmpuint (g_bytes_get_size (thumbing_http_exchange_get_body (exchange)), ==, 20);
  /* The scheme in any case; no bare token unless allowed. */
  g_assert_cmpstr (thumbing_http_exchange_bearer_token (exchange, FALSE), ==, "abc.def");

  g_assert_false (thumbing_http_exchange_allow_origin (exchange, others, "OPTIONS, POST"));
  g_assert_null (soup_message_headers_get_one (thumbing_http_exchange_get_response_headers (exchange),
                                               "Access-Control-Allow-Origin"));
  g_assert_true (thumbing_http_exchange_allow_origin (exchange, origins, "OPTIONS, POST"));
  g_assert_cmpstr (soup_message_headers_get_one (thumbing_http_exchange_get_response_headers (exchange),
                                                 "Access-Control-Allow-Origin"), ==, "https://app.example.com");

  g_assert_cmpuint (thumbing_http_exchange_get_status (exchange), ==, 0);
  thumbing_http_exchange_respond_error (exchange, SOUP_STATUS_FORBIDDEN, "no \"way\"");
  g_assert_cmpuint (thumbing_http_exchange_get_status (exchange), ==, 403);
  body = g_strndup (g_bytes_get_data (thumbing_http_exchange_get_response_body (exchange), NULL),
                    g_bytes_get_size (thumbing_http_exchange_get_response_body (exchange)));
  g_assert_cmpstr (body, ==, "{\"error\":\"no \\\"way\\\"\"}");
  g_assert_cmpstr (soup_message_headers_get_content_type (thumbing_http_exchange_get_response_headers (exchange), NULL),
                   ==, "application/json");

  /* Finished once, however often it is said. */
  thumbing_http_exchange_on_finish (exchange, count_finish, &finished);
  thumbing_http_exchange_finish (exchange);
  thumbing_http_exchange_finish (exchange);
  g_assert_cmpuint (finished, ==, 1);
}

static void
test_bare_tokens (void)
{
  g_autoptr(ThumbingHttpExchange) bare = request ("POST", "abc.def", NULL);
  g_autoptr(ThumbingHttpExchange) none = request ("POST", NULL, NULL);

  g_assert_null (thumbing_http_exchange_bearer_token (bare, FALSE));
  g_assert_cmpstr (thumbing_http_exchange_bearer_token (bare, TRUE), ==, "abc.def");
  g_assert_null (thumbing_http_exchange_bearer_token (none, TRUE));
}

int
main (int    argc,
      char **argv)
{
  thumbing_test_init (&argc, &argv);
  g_test_add_func ("/http-exchange/request-and-answer", test_request_and_answer);
  g_test_add_func ("/http-exchange/bare-tokens", test_bare_tokens);
  return g_test_run ();
}
