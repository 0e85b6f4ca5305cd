#!/usr/bin/python3
"""thumbing as an AWS Lambda custom runtime: a stand-in for the Runtime API
serves invocations and records the answers, while real S3 (s3rver) holds the
images. Covers direct, SNS-wrapped and SQS-batched S3 events, partial batch
failures, the deadline, and init errors."""

import json
import os
import signal
import struct
import subprocess
import sys
import shutil
import time
import urllib.request
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import thumbing_tap  # noqa: E402
from aws_stack import AwsStack  # noqa: E402
from lambda_runtime import TRACE, RuntimeApi, s3_event  # noqa: E402
from jwt_keys import CLIENT, ISSUER, SUB, Keys  # noqa: E402

TOOL = os.environ["THUMBING_TOOL"]
SAMPLES = os.environ["THUMBING_TEST_SAMPLES"]
CONF = os.path.join(os.environ["THUMBING_SOURCE_ROOT"], "data", "pipelines", "lambda.conf")


def upload(stack, key, sample="photo-baseline.jpg", data=None):
    if data is None:
        with open(os.path.join(SAMPLES, "good", sample), "rb") as f:
            data = f.read()
    assert stack.s3_put("thumbs", key, data) == 200


def assert_thumbnail(stack, key):
    headers, body = stack.s3_get("thumbs", key)
    assert headers["Content-Type"] == "image/png", key
    assert struct.unpack(">II", body[16:24]) == (512, 512), key


class Function:
    """`thumbing run lambda.conf` (or a launch line) against a RuntimeApi and an AwsStack."""

    def __init__(self, stack, api, *command, env=None):
        full_env = dict(os.environ, AWS_ACCESS_KEY_ID="S3RVER", AWS_SECRET_ACCESS_KEY="S3RVER",
                        AWS_REGION="us-east-1", AWS_ENDPOINT_URL_S3=stack.endpoints["s3"],
                        AWS_LAMBDA_RUNTIME_API=api.address, THUMBING_BUCKET_NAME="thumbs")
        full_env.update(env or {})
        self.process = subprocess.Popen([TOOL, *(command or ("run", "--quiet", CONF))], env=full_env,
                                        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)

    def stop(self):
        self.process.send_signal(signal.SIGTERM)
        self.stdout, self.stderr = self.process.communicate(timeout=30)


def with_function(body, command=lambda api: (), faults=False, logs=None):
    """Runs body(stack, api) while the function (lambda.conf, or the command
    command(api) returns) serves invocations; returns what it printed."""
    api = RuntimeApi()
    try:
        with AwsStack(buckets=["thumbs"], faults=faults) as stack:
            function = Function(stack, api, *command(api))
            try:
                body(stack, api)
            finally:
                function.stop()
                if logs is not None:
                    logs.append(function.stderr)
    finally:
        api.close()
    return function.stdout


def test_trace_header_is_carried_on():
    """The invocation's X-Ray trace goes on every S3 request made for it, as
    the AWS SDKs do (so Lambda's recursive-loop detection sees thumbing)."""
    def body(stack, api):
        upload(stack, "uploads/traced.jpg")
        api.invoke("req-trace", s3_event("uploads/traced.jpg"))
        path, error_type, answer = api.answer()
        assert path == "/2018-06-01/runtime/invocation/req-trace/response", (path, answer)
        made = [r for r in stack.requests() if r.startswith(("GET /thumbs/uploads/traced", "PUT /thumbs/avatars/"))]
        assert len(made) == 2 and all(r.endswith(" trace=" + TRACE) for r in made), made
        # A failing item's JSON log line carries its trace and request id.
        upload(stack, "uploads/broken.jpg", data=b"\xff\xd8 not a jpeg")
        api.invoke("req-broken", s3_event("uploads/broken.jpg"))
        api.answer()

    logs = []
    with_function(body, command=lambda api: ("run", "--quiet", "--log-format=json", CONF), faults=True, logs=logs)
    errors = [json.loads(line) for line in logs[0].splitlines() if '"level":"error"' in line]
    assert any(e.get("trace") == TRACE and e.get("source_id") == "req-broken" and "broken.jpg" in e["origin"]
               for e in errors), logs[0]


def test_direct_and_sns_events():
    def body(stack, api):
        upload(stack, "uploads/a.jpg")
        upload(stack, "uploads/sub/b c.png", "portrait-alpha.png")
        api.invoke("req-1", s3_event("uploads/a.jpg", "uploads/sub/b c.png", "elsewhere/x.jpg"))
        path, error_type, answer = api.answer()
        assert path == "/2018-06-01/runtime/invocation/req-1/response", path
        assert error_type is None and answer == {"processed": 2}, answer
        assert_thumbnail(stack, "avatars/a.jpg")
        assert_thumbnail(stack, "avatars/sub/b c.png")

        upload(stack, "uploads/through-sns.jpg")
        api.invoke("req-2", {"Records": [{"EventSource": "aws:sns", "EventVersion": "1.0",
                                          "Sns": {"Type": "Notification", "TopicArn": "arn:aws:sns:us-east-1:1:t",
                                                  "Message": json.dumps(s3_event("uploads/through-sns.jpg"))}}]})
        path, _, answer = api.answer()
        assert path.endswith("/req-2/response") and answer == {"processed": 1}, (path, answer)
        assert_thumbnail(stack, "avatars/through-sns.jpg")

    with_function(body)


def test_sqs_batch_reports_only_failures():
    def body(stack, api):
        upload(stack, "uploads/good.jpg")
        upload(stack, "uploads/corrupt.jpg", data=b"\xff\xd8\xff\xe0 not really a jpeg")
        batch = {"Records": [
            {"messageId": "m-good", "eventSource": "aws:sqs", "body": json.dumps(s3_event("uploads/good.jpg"))},
            {"messageId": "m-poison", "eventSource": "aws:sqs", "body": "not an event"},
            {"messageId": "m-corrupt", "eventSource": "aws:sqs", "body": json.dumps(s3_event("uploads/corrupt.jpg"))},
            {"messageId": "m-gone", "eventSource": "aws:sqs", "body": json.dumps(s3_event("uploads/deleted.jpg"))},
        ]}
        api.invoke("req-sqs", batch)
        path, error_type, answer = api.answer()
        assert path.endswith("/req-sqs/response") and error_type is None, path
        failed = sorted(entry["itemIdentifier"] for entry in answer["batchItemFailures"])
        assert failed == ["m-corrupt", "m-poison"], answer
        assert_thumbnail(stack, "avatars/good.jpg")

    printed = with_function(body)
    # One CloudWatch Embedded Metric Format line for the invocation.
    metrics = [json.loads(line) for line in printed.splitlines() if line.startswith('{"_aws"')]
    assert len(metrics) == 1, printed
    emf = metrics[0]
    directive = emf["_aws"]["CloudWatchMetrics"][0]
    assert directive["Namespace"] == "thumbing" and directive["Dimensions"] == [["function"]], emf
    assert {m["Name"] for m in directive["Metrics"]} == {"ItemsSucceeded", "ItemsFailed", "ItemDuration"}, emf
    assert emf["requestId"] == "req-sqs" and emf["ItemsSucceeded"] == 2 and emf["ItemsFailed"] == 1, emf
    assert len(emf["ItemDuration"]) == 3 and all(d >= 0 for d in emf["ItemDuration"]), emf


def test_failed_direct_event_is_an_error():
    def body(stack, api):
        upload(stack, "uploads/corrupt.jpg", data=b"GIF89a broken")
        api.invoke("req-bad", s3_event("uploads/corrupt.jpg"))
        path, error_type, answer = api.answer()
        assert path.endswith("/req-bad/error"), path
        assert error_type == "Thumbing.ProcessingFailed" == answer["errorType"], (error_type, answer)
        assert "1 of 1 images failed" in answer["errorMessage"], answer

        api.invoke("req-junk", {"hello": "world"})
        path, error_type, answer = api.answer()
        assert path.endswith("/req-junk/error") and error_type == "Thumbing.BadEvent", (path, answer)
        assert "Records" in answer["errorMessage"], answer

        # A record without an id could not be reported failed alone: the
        # whole batch fails, so none of it is lost.
        batch = {"Records": [
            {"messageId": "m-fine", "eventSource": "aws:sqs", "body": json.dumps(s3_event("uploads/corrupt.jpg"))},
            {"eventSource": "aws:sqs", "body": json.dumps(s3_event("uploads/corrupt.jpg"))},
        ]}
        api.invoke("req-anonymous", batch)
        path, error_type, answer = api.answer()
        assert path.endswith("/req-anonymous/error") and error_type == "Thumbing.BadEvent", (path, answer)
        assert "record 1 of the batch has no messageId" in answer["errorMessage"], answer

    with_function(body)


def test_deadline_is_honoured():
    def body(stack, api):
        upload(stack, "uploads/slow.jpg")
        started = time.monotonic()
        api.invoke("req-late", s3_event("uploads/slow.jpg"), seconds=2)
        path, error_type, answer = api.answer(timeout=30)
        # Answered before the deadline although the webhook takes 4 s.
        assert time.monotonic() - started < 3.5, time.monotonic() - started
        assert path.endswith("/req-late/error") and error_type == "Thumbing.ProcessingFailed", (path, answer)
        assert api.slow_hooks == 1

    # The webhook posts to the stand-in, which holds it for 4 s.
    with_function(body, lambda api: (
        "launch", "--quiet",
        "lambda-source prefix=uploads/ ! s3-get ! resize width=64 height=64 ! png-encode"
        f" ! s3-put bucket=thumbs prefix=avatars/ ! webhook urls=http://{api.address}/slow-hook"
        " allow-private=true timeout=30 secret=0123456789abcdef0123"))


def test_init_error_is_reported():
    api = RuntimeApi()
    try:
        env = dict(os.environ, AWS_LAMBDA_RUNTIME_API=api.address)
        env.pop("THUMBING_BUCKET_NAME", None)
        result = subprocess.run([TOOL, "run", CONF], env=env, capture_output=True, text=True, timeout=30)
        assert result.returncode == 2, result
        path, error_type, answer = api.answer(timeout=5)
        assert path == "/2018-06-01/runtime/init/error" and error_type == "Thumbing.InitError", path
        assert "THUMBING_BUCKET_NAME" in answer["errorMessage"], answer
    finally:
        api.close()


def test_once_answers_one_invocation_and_exits():
    api = RuntimeApi()
    try:
        with AwsStack(buckets=["thumbs"]) as stack:
            upload(stack, "uploads/once.jpg")
            api.invoke("req-once", s3_event("uploads/once.jpg"))
            function = Function(stack, api, "run", "--once", "--quiet", CONF)
            _, err = function.process.communicate(timeout=60)
            assert function.process.returncode == 0, err
            path, _, answer = api.answer(timeout=5)
            assert path.endswith("/req-once/response") and answer == {"processed": 1}, (path, answer)
    finally:
        api.close()


UPLOAD_CONF = """
[pipeline]
name=seed-with-api
stages=invocations;fetch;thumbnail;png;store
services=api

[invocations]
element=lambda-source
bucket=thumbs
prefix=uploads/

[fetch]
element=s3-get

[thumbnail]
element=resize

[png]
element=png-encode

[store]
element=s3-put
bucket=thumbs
prefix=avatars/

[api]
element=upload-api
port=0
bucket=thumbs
prefix=uploads/
issuer={issuer}
client-id={client}
jwks-file={jwks}
required-groups=uploaders
origins=https://app.example.com
"""


def api_event(body, token="not.a.token", claims=None, method="POST", path="/avatar/get_upload", base64=False):
    """An API Gateway HTTP API event (payload format 2.0), as AWS documents it."""
    context = {"accountId": "123456789012", "apiId": "api1", "domainName": "api1.execute-api.us-east-1.amazonaws.com",
               "http": {"method": method, "path": path, "protocol": "HTTP/1.1", "sourceIp": "203.0.113.7",
                        "userAgent": "test"},
               "requestId": "gw-1", "routeKey": f"{method} {path}", "stage": "$default",
               "time": "29/Nov/2026:10:00:00 +0000", "timeEpoch": 1795946400000}
    if claims is not None:
        context["authorizer"] = {"jwt": {"claims": claims, "scopes": None}}
    text = json.dumps(body) if not isinstance(body, str) else body
    return {"version": "2.0", "routeKey": f"{method} {path}", "rawPath": path, "rawQueryString": "",
            "headers": {"authorization": f"Bearer {token}", "content-type": "application/json",
                        "origin": "https://app.example.com", "content-length": "999"},
            "requestContext": context,
            "body": __import__("base64").b64encode(text.encode()).decode() if base64 else text,
            "isBase64Encoded": base64}


def gateway_claims(**overrides):
    """The claims as API Gateway's JWT authorizer passes them: all strings."""
    now = int(time.time())
    claims = {"sub": SUB, "iss": ISSUER, "token_use": "access", "client_id": CLIENT, "exp": str(now + 600),
              "iat": str(now), "scope": "aws.cognito.signin.user.admin", "cognito:groups": "[uploaders admins]"}
    claims.update(overrides)
    return claims


def test_api_gateway_requests_are_answered_by_upload_api():
    """The seed's upload route behind API Gateway's JWT authorizer: the same
    upload-api answers the events, with the claims checked again."""
    work = tempfile.mkdtemp()
    api = RuntimeApi()
    try:
        keys = Keys(work)
        jwks = os.path.join(work, "jwks.json")
        with open(jwks, "w") as f:
            f.write(keys.jwks("k1"))
        conf = os.path.join(work, "api.conf")
        with open(conf, "w") as f:
            f.write(UPLOAD_CONF.format(issuer=ISSUER, client=CLIENT, jwks=jwks))

        def answer(request_id):
            path, error_type, body = api.answer()
            assert path.endswith(f"/{request_id}/response") and error_type is None, (path, body)
            return body

        with AwsStack(buckets=["thumbs"]) as stack:
            function = Function(stack, api, "run", "--quiet", conf)
            try:
                api.invoke("req-api", api_event({"extension": "jpg"}, claims=gateway_claims()))
                reply = answer("req-api")
                assert reply["statusCode"] == 200 and not reply["isBase64Encoded"], reply
                assert reply["headers"]["access-control-allow-origin"] == "https://app.example.com", reply
                document = json.loads(reply["body"])
                assert document["key"] == f"uploads/{SUB}.jpg" and "X-Amz-Signature=" in document["url"], document
                # The URL works: the browser's PUT lands in the bucket.
                request = urllib.request.Request(document["url"], data=b"\xff\xd8\xff", method="PUT",
                                                 headers={"Content-Type": "image/jpeg"})
                assert urllib.request.urlopen(request, timeout=30).status == 200

                cases = [
                    (api_event({"extension": "jpg"}, claims=gateway_claims(client_id="another-app")), 401,
                     "another client"),
                    (api_event({"extension": "jpg"}, claims=gateway_claims(exp=str(int(time.time()) - 60))), 401,
                     "expired"),
                    (api_event({"extension": "jpg"}, claims=gateway_claims(token_use="id")), 401, "access"),
                    (api_event({"extension": "jpg"}, claims=gateway_claims(**{"cognito:groups": "[admins]"})), 403,
                     "groups"),
                    (api_event({"extension": "exe"}, claims=gateway_claims()), 400, "extension"),
                    (api_event("{\"extension\": \"jpg\"}" + " " * 20000, claims=gateway_claims()), 413, "large"),
                    # No authorizer in front: the token itself is verified.
                    (api_event({"extension": "png"}, token=keys.token()), 200, "uploads/"),
                    (api_event({"extension": "png"}, token=keys.token(client_id="x")), 401, "another client"),
                    (api_event({"extension": "png"}, token=keys.token(), base64=True), 200, "uploads/"),
                    (api_event("", method="OPTIONS"), 204, ""),
                    (api_event({}, claims=gateway_claims(), path="/elsewhere"), 404, "not found"),
                ]
                for i, (event, status, text) in enumerate(cases):
                    api.invoke(f"req-{i}", event)
                    reply = answer(f"req-{i}")
                    assert reply["statusCode"] == status and text in reply["body"], (i, reply)

                # S3 events still make thumbnails in the same function.
                upload(stack, "uploads/mixed.jpg")
                api.invoke("req-s3", s3_event("uploads/mixed.jpg"))
                assert answer("req-s3") == {"processed": 1}
                assert_thumbnail(stack, "avatars/mixed.jpg")
            finally:
                function.stop()
    finally:
        api.close()
        shutil.rmtree(work)


def test_api_event_without_an_upload_service_is_an_error():
    def body(stack, api):
        api.invoke("req-noapi", api_event({"extension": "jpg"}, claims=gateway_claims()))
        path, error_type, answer = api.answer()
        assert path.endswith("/req-noapi/error") and error_type == "Thumbing.BadEvent", (path, answer)
        assert "no service of the pipeline answers HTTP events" in answer["errorMessage"], answer

    with_function(body)


if __name__ == "__main__":
    sys.exit(thumbing_tap.run([test_trace_header_is_carried_on, test_direct_and_sns_events,
                               test_sqs_batch_reports_only_failures,
                               test_failed_direct_event_is_an_error, test_deadline_is_honoured,
                               test_init_error_is_reported, test_once_answers_one_invocation_and_exits,
                               test_api_gateway_requests_are_answered_by_upload_api,
                               test_api_event_without_an_upload_service_is_an_error]))
