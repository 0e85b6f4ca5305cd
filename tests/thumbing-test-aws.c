/* thumbing-test-aws.c
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "config.h"

#include "thumbing-test-aws.h"

typedef struct
{
  gboolean             done;
  ThumbingAwsResponse *response;
  GError              *error;
} Sent;

static void
on_sent (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  Sent *sent = user_data;

  sent->response = thumbing_aws_client_send_finish (NULL, result, &sent->error);
  sent->done = TRUE;
}

/* Sends @request (transfer full) and iterates the main context until the
 * client, retries included, is done with it. */
ThumbingAwsResponse *
thumbing_test_aws_send (ThumbingAwsClient  *client,
                        ThumbingAwsRequest *request,
                        GError            **error)
{
  Sent sent = { FALSE, NULL, NULL };

  thumbing_aws_client_send_async (client, request, NULL, on_sent, &sent);
  while (!sent.done)
    g_main_context_iteration (NULL, TRUE);
  if (sent.error != NULL)
    g_propagate_error (error, sent.error);
  return sent.response;
}

static void
on_presigned (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  GAsyncResult **out = user_data;

  *out = g_object_ref (result);
}

/* Presigns @request (transfer full) and waits for the URL. */
char *
thumbing_test_aws_presign (ThumbingAwsClient  *client,
                           ThumbingAwsRequest *request,
                           guint               expires,
                           GError            **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  thumbing_aws_client_presign_async (client, request, expires, NULL, on_presigned, &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  return thumbing_aws_client_presign_finish (client, result, error);
}
