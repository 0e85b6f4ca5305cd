#!/usr/bin/python3
"""Cross-checks thumbing's SigV4 signer against botocore (Debian's python3-botocore)
on the same requests, keys and clock: S3 headers and presigned URLs, and SQS/SNS POSTs."""

import datetime
import os
import subprocess
import sys
import urllib.parse

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import thumbing_tap  # noqa: E402

import botocore.auth  # noqa: E402
from botocore.awsrequest import AWSRequest  # noqa: E402
from botocore.credentials import Credentials  # noqa: E402

SIGN = os.environ["THUMBING_AWS_SIGN"]
ACCESS_KEY = "AKIDEXAMPLE"
SECRET_KEY = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
TOKEN = "FwoGZXIvYXdzEXAMPLE//+token/with=special+chars"
WHEN = datetime.datetime(2026, 11, 24, 7, 30, 15)
STAMP = WHEN.strftime("%Y%m%dT%H%M%SZ")

KEYS = [
    "uploads/plain.jpg",
    "uploads/red flower.jpg",
    "uploads/日本語/写真.png",
    "uploads/a+b%c~d(e)!*'.jpg",
    "uploads/deep/er/and deeper/x.webp",
]


class FixedClock(datetime.datetime):
    @classmethod
    def utcnow(cls):
        return WHEN

    @classmethod
    def now(cls, tz=None):
        return WHEN if tz is None else WHEN.replace(tzinfo=tz)


botocore.auth.datetime.datetime = FixedClock


def ours(method, host, path, service, form, expires=0, token=None, body=None, unsigned=False,
         query=(), headers=()):
    args = [SIGN, method, host, path, service, "us-east-1", STAMP, form, str(expires)]
    if token:
        args += ["--token", token]
    if body is not None:
        args += ["--body", body]
    if unsigned:
        args.append("--unsigned")
    for name, value in query:
        args += ["--query", f"{name}={value}"]
    for name, value in headers:
        args += ["--header", f"{name}:{value}"]
    result = subprocess.run(args, capture_output=True, text=True, check=True)
    out = {"headers": {}}
    for line in result.stdout.splitlines():
        kind, _, rest = line.partition(" ")
        if kind == "header":
            name, _, value = rest.partition(": ")
            out["headers"][name.lower()] = value
        else:
            out[kind] = rest
    return out


def botocore_request(method, host, encoded_path, query=(), body=None, headers=()):
    url = f"http://{host}{encoded_path}"
    if query:
        url += "?" + urllib.parse.urlencode(list(query), quote_via=urllib.parse.quote, safe="-_.~")
    return AWSRequest(method=method, url=url, data=body, headers=dict(headers))


def test_s3_key_encoding_matches_botocore():
    for key in KEYS:
        path = "/bucket/" + key
        mine = ours("GET", "127.0.0.1:4569", path, "s3", "header")
        # botocore's S3 serializer percent-encodes keys this way.
        assert mine["path"] == urllib.parse.quote(path, safe="/~"), (mine["path"], key)


def test_s3_header_signatures():
    for key in KEYS:
        for token in (None, TOKEN):
            path = "/bucket/" + key
            headers = [("Content-Type", "image/png"), ("x-amz-meta-source", "uploads/a b.jpg")]
            mine = ours("PUT", "127.0.0.1:4569", path, "s3", "header", token=token, body="PNG bytes",
                        headers=headers)
            request = botocore_request("PUT", "127.0.0.1:4569", mine["path"], body=b"PNG bytes", headers=headers)
            botocore.auth.S3SigV4Auth(Credentials(ACCESS_KEY, SECRET_KEY, token), "s3", "us-east-1").add_auth(request)
            assert mine["headers"]["authorization"] == request.headers["Authorization"], (key, token)
            assert mine["headers"]["x-amz-content-sha256"] == request.headers["X-Amz-Content-SHA256"]


def test_s3_get_with_query():
    query = [("list-type", "2"), ("prefix", "uploads/red flower"), ("max-keys", "10")]
    mine = ours("GET", "s3.eu-west-1.amazonaws.com", "/bucket", "s3", "header", query=query)
    request = botocore_request("GET", "s3.eu-west-1.amazonaws.com", "/bucket", query=query)
    botocore.auth.S3SigV4Auth(Credentials(ACCESS_KEY, SECRET_KEY), "s3", "us-east-1").add_auth(request)
    assert mine["headers"]["authorization"] == request.headers["Authorization"]


def test_s3_presigned_urls():
    for key in KEYS:
        for expires in (300, 604800):
            for token in (None, TOKEN):
                path = "/bucket/" + key
                mine = ours("PUT", "bucket.s3.amazonaws.com", path, "s3", "query", expires=expires,
                            token=token, unsigned=True)
                request = botocore_request("PUT", "bucket.s3.amazonaws.com", mine["path"])
                botocore.auth.S3SigV4QueryAuth(Credentials(ACCESS_KEY, SECRET_KEY, token), "s3", "us-east-1",
                                               expires=expires).add_auth(request)
                theirs = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(request.url).query))
                mine_query = dict(urllib.parse.parse_qsl(mine["query"]))
                assert mine_query == theirs, (key, expires, token, mine_query, theirs)


def test_sqs_and_sns_posts():
    body_sqs = '{"QueueUrl":"http://127.0.0.1:9324/000000000000/uploads","MaxNumberOfMessages":10}'
    body_sns = "Action=Publish&Version=2010-03-31&TopicArn=arn%3Aaws%3Asns%3Aus-east-1%3A000000000000%3Athumbs&Message=hi"
    for service, body, headers in (
        ("sqs", body_sqs, [("Content-Type", "application/x-amz-json-1.0"), ("X-Amz-Target", "AmazonSQS.ReceiveMessage")]),
        ("sns", body_sns, [("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")]),
    ):
        for token in (None, TOKEN):
            mine = ours("POST", "127.0.0.1:9324", "/", service, "header", token=token, body=body, headers=headers)
            request = botocore_request("POST", "127.0.0.1:9324", "/", body=body.encode(), headers=headers)
            botocore.auth.SigV4Auth(Credentials(ACCESS_KEY, SECRET_KEY, token), service, "us-east-1").add_auth(request)
            assert mine["headers"]["authorization"] == request.headers["Authorization"], (service, token)


if __name__ == "__main__":
    sys.exit(thumbing_tap.run([
        test_s3_key_encoding_matches_botocore,
        test_s3_header_signatures,
        test_s3_get_with_query,
        test_s3_presigned_urls,
        test_sqs_and_sns_posts,
    ]))
