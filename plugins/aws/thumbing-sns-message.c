/* thumbing-sns-message.c: SNS HTTP(S) deliveries and their signatures
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * SNS signs the fields of each message, as "Name\nValue\n" pairs in the
 * order AWS documents per type, with the key of the certificate at
 * SigningCertURL: RSA with SHA-1 for SignatureVersion 1, SHA-256 for 2.
 */
#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>
#include <json-glib/json-glib.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <thumbing/thumbing.h>

#include "thumbing-sns-message.h"
#include "thumbing-json-util.h"

void
thumbing_sns_message_free (ThumbingSnsMessage *message)
{
  if (message == NULL)
    return;
  g_free (message->type);
  g_free (message->message_id);
  g_free (message->topic_arn);
  g_free (message->subject);
  g_free (message->message);
  g_free (message->timestamp);
  g_free (message->token);
  g_free (message->subscribe_url);
  g_free (message->signature_version);
  g_free (message->signature);
  g_free (message->signing_cert_url);
  g_free (message);
}

static char *
dup_member (JsonObject *object,
            const char *name)
{
  return g_strdup (thumbing_json_member_string (object, name));
}

static gboolean
is_confirmation (const ThumbingSnsMessage *message)
{
  return g_strcmp0 (message->type, "SubscriptionConfirmation") == 0
      || g_strcmp0 (message->type, "UnsubscribeConfirmation") == 0;
}

ThumbingSnsMessage *
thumbing_sns_message_parse (const char *body,
                            gsize       length,
                            GError    **error)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(ThumbingSnsMessage) message = g_new0 (ThumbingSnsMessage, 1);
  g_autoptr(GError) local_error = NULL;
  JsonObject *root;

  if (!json_parser_load_from_data (parser, body, length, &local_error)
      || thumbing_json_root_object (parser) == NULL)
    {
      g_set_error (error, THUMBING_ERROR, THUMBING_ERROR_BAD_INPUT, _("not a JSON object: %s"),
                   local_error != NULL ? local_error->message : _("another JSON value"));
      return NULL;
    }
  root = thumbing_json_root_object (parser);
  message->type = dup_member (root, "Type");
  message->message_id = dup_member (root, "MessageId");
  message->topic_arn = dup_member (root, "TopicArn");
  message->subject = dup_member (root, "Subject");
  message->message = dup_member (root, "Message");
  message->timestamp = dup_member (root, "Timestamp");
  message->token = dup_member (root, "Token");
  message->subscribe_url = dup_member (root, "SubscribeURL");
  message->signature_version = dup_member (root, "SignatureVersion");
  message->signature = dup_member (root, "Signature");
  message->signing_cert_url = dup_member (root, "SigningCertURL");

  if (g_strcmp0 (message->type, "Notification") != 0 && !is_confirmation (message))
    {
      g_set_error (error, THUMBING_ERROR, THUMBING_ERROR_BAD_INPUT, _("unknown SNS message type “%s”"),
                   message->type != NULL ? message->type : "");
      return NULL;
    }
  if (message->message_id == NULL || message->topic_arn == NULL || message->message == NULL
      || message->timestamp == NULL || message->signature_version == NULL || message->signature == NULL
      || message->signing_cert_url == NULL
      || (is_confirmation (message) && (message->token == NULL || message->subscribe_url == NULL)))
    {
      g_set_error (error, THUMBING_ERROR, THUMBING_ERROR_BAD_INPUT,
                   _("an SNS %s without the fields AWS signs"), message->type);
      return NULL;
    }
  return g_steal_pointer (&message);
}

static void
append_field (GString    *text,
              const char *name,
              const char *value)
{
  if (value != NULL)
    g_string_append_printf (text, "%s\n%s\n", name, value);
}

char *
thumbing_sns_message_string_to_sign (const ThumbingSnsMessage *message)
{
  GString *text = g_string_new (NULL);

  append_field (text, "Message", message->message);
  append_field (text, "MessageId", message->message_id);
  if (is_confirmation (message))
    append_field (text, "SubscribeURL", message->subscribe_url);
  else
    append_field (text, "Subject", message->subject);
  append_field (text, "Timestamp", message->timestamp);
  if (is_confirmation (message))
    append_field (text, "Token", message->token);
  append_field (text, "TopicArn", message->topic_arn);
  append_field (text, "Type", message->type);
  return g_string_free (text, FALSE);
}

/* https on sns.<region>.amazonaws.com or .amazonaws.com.cn, default port:
 * where AWS serves signing certificates and subscription links. A message
 * without the URL has none of AWS's. */
gboolean
thumbing_sns_url_is_aws (const char *url)
{
  g_autoptr(GUri) uri = url != NULL ? g_uri_parse (url, G_URI_FLAGS_NONE, NULL) : NULL;
  const char *host = uri != NULL ? g_uri_get_host (uri) : NULL;

  if (host == NULL || g_strcmp0 (g_uri_get_scheme (uri), "https") != 0 || g_uri_get_userinfo (uri) != NULL
      || (g_uri_get_port (uri) != -1 && g_uri_get_port (uri) != 443))
    return FALSE;
  /* Raw bytes: a host that is not UTF-8 is simply not AWS's. */
  return g_regex_match_simple ("^sns\\.[a-z0-9-]+\\.amazonaws\\.com(\\.cn)?$", host,
                               G_REGEX_CASELESS | G_REGEX_RAW | G_REGEX_DOLLAR_ENDONLY, 0);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (BIO, BIO_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (X509, X509_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (EVP_PKEY, EVP_PKEY_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (EVP_MD_CTX, EVP_MD_CTX_free)

gboolean
thumbing_sns_message_verify (const ThumbingSnsMessage *message,
                             GBytes                   *certificate_pem,
                             GError                  **error)
{
  g_autoptr(BIO) bio = BIO_new_mem_buf (g_bytes_get_data (certificate_pem, NULL), (int) g_bytes_get_size (certificate_pem));
  g_autoptr(X509) certificate = PEM_read_bio_X509 (bio, NULL, NULL, NULL);
  g_autoptr(EVP_PKEY) key = NULL;
  g_autoptr(EVP_MD_CTX) context = EVP_MD_CTX_new ();
  g_autofree char *text = thumbing_sns_message_string_to_sign (message);
  g_autofree guchar *signature = NULL;
  const EVP_MD *digest;
  gsize signature_length = 0;

  if (g_strcmp0 (message->signature_version, "1") == 0)
    digest = EVP_sha1 ();
  else if (g_strcmp0 (message->signature_version, "2") == 0)
    digest = EVP_sha256 ();
  else
    {
      g_set_error (error, THUMBING_ERROR, THUMBING_ERROR_BAD_INPUT, _("unknown SignatureVersion “%s”"),
                   message->signature_version);
      return FALSE;
    }
  if (certificate == NULL || (key = X509_get_pubkey (certificate)) == NULL)
    {
      g_set_error (error, THUMBING_ERROR, THUMBING_ERROR_BAD_INPUT, _("%s is not a PEM certificate"),
                   message->signing_cert_url);
      return FALSE;
    }
  if (X509_cmp_current_time (X509_get0_notBefore (certificate)) >= 0
      || X509_cmp_current_time (X509_get0_notAfter (certificate)) <= 0)
    {
      g_set_error (error, THUMBING_ERROR, THUMBING_ERROR_BAD_INPUT, _("the certificate at %s is not valid now"),
                   message->signing_cert_url);
      return FALSE;
    }
  signature = g_base64_decode (message->signature, &signature_length);
  if (signature_length == 0 || context == NULL
      || EVP_DigestVerifyInit (context, NULL, digest, NULL, key) != 1
      || EVP_DigestVerify (context, signature, signature_length, (const guchar *) text, strlen (text)) != 1)
    {
      g_set_error (error, THUMBING_ERROR, THUMBING_ERROR_BAD_INPUT,
                   _("the signature does not match the message and the certificate at %s"),
                   message->signing_cert_url);
      return FALSE;
    }
  return TRUE;
}
