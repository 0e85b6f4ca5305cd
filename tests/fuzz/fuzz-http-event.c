/* fuzz-http-event.c: API Gateway events made into requests, their
 * authorizer's claims checked, and an answer written back
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "config.h"

#include <string.h>

#include "fuzz-common.h"
#include "thumbing-http-exchange.h"
#include "thumbing-jwt.h"

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autofree char *event = fuzz_text (data, size);
  g_autoptr(ThumbingHttpExchange) exchange = thumbing_http_exchange_new_from_event (event, NULL);
  const char * const groups[] = { "uploaders", NULL };
  ThumbingJwtPolicy policy = { "https://issuer.example.com", THUMBING_JWT_TOKEN_USE_ACCESS, "client", groups, NULL, 60 };
  g_autoptr(JsonObject) claims = NULL;
  g_autofree char *answer = NULL;
  GBytes *body;

  if (exchange == NULL)
    return 0;
  if (thumbing_http_exchange_get_authorizer_claims (exchange) != NULL)
    claims = thumbing_jwt_check_authorizer_claims (thumbing_http_exchange_get_authorizer_claims (exchange), &policy,
                                                   NULL);
  thumbing_http_exchange_get_query (exchange, "expires");
  thumbing_http_exchange_bearer_token (exchange, TRUE);
  /* The request's own body as the answer: any bytes must come back out. */
  body = thumbing_http_exchange_get_body (exchange);
  thumbing_http_exchange_respond (exchange, 200, "application/octet-stream", body);
  thumbing_http_exchange_set_header (exchange, "Cache-Control", "no-store");
  answer = thumbing_http_exchange_to_event_answer (exchange);
  g_assert (answer != NULL && strstr (answer, "\"statusCode\":200") != NULL);
  return 0;
}
