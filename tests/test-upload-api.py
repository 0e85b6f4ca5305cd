#!/usr/bin/python3
"""upload-api: the seed's get_upload route behind a Cognito-style JWT, with
tokens minted here (tests/jwt-mint) and JWKS served here. Covers the local
flow end to end (URL -> PUT -> thumbnail -> webhook -> served), refusals
over HTTP, CORS, JWKS rotation, and presigned S3 PUTs against s3rver,
cross-checked with botocore."""

import datetime
import hashlib
import hmac
import http.client
import http.server
import json
import os
import shutil
import struct
import sys
import tempfile
import threading
import time
import urllib.parse

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import thumbing_tap  # noqa: E402
from aws_stack import AwsStack  # noqa: E402
from thumbing_daemon import Daemon, free_port  # noqa: E402
from jwt_keys import CLIENT, ISSUER, SUB, Keys  # noqa: E402

import botocore.auth  # noqa: E402
from botocore.awsrequest import AWSRequest  # noqa: E402
from botocore.credentials import Credentials  # noqa: E402

SAMPLES = os.environ["THUMBING_TEST_SAMPLES"]
ORIGIN = "https://app.example.com"
WEBHOOK_SECRET = "whsec-test-0123456789abcdef"


def call(port, method, path, body=None, headers=None):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    connection.request(method, path, body=body, headers=headers or {})
    response = connection.getresponse()
    content = response.read()
    connection.close()
    return response.status, {k.lower(): v for k, v in response.getheaders()}, content


def get_upload(port, token, extension="jpg", body=None):
    headers = {"Content-Type": "application/json", "Origin": ORIGIN}
    if token is not None:
        headers["Authorization"] = "Bearer " + token
    status, headers, content = call(port, "POST", "/avatar/get_upload",
                                    body if body is not None else json.dumps({"extension": extension}), headers)
    return status, headers, json.loads(content) if content else None


def put(url, data, content_type):
    parts = urllib.parse.urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
    connection.request("PUT", parts.path + ("?" + parts.query if parts.query else ""), body=data,
                       headers={"Content-Type": content_type})
    response = connection.getresponse()
    content = response.read()
    connection.close()
    return response.status, content


class Receiver:
    """A webhook subscriber that verifies the documented signature."""

    def __init__(self):
        self.documents = []
        receiver = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                fields = dict(p.split("=", 1) for p in self.headers["Thumbing-Signature"].split(","))
                expected = hmac.new(WEBHOOK_SECRET.encode(), fields["t"].encode() + b"." + body,
                                    hashlib.sha256).hexdigest()
                ok = hmac.compare_digest(expected, fields["v1"]) and abs(time.time() - int(fields["t"])) < 300
                if ok:
                    receiver.documents.append(json.loads(body))
                self.send_response(200 if ok else 401)
                self.send_header("Content-Length", "0")
                self.end_headers()

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


def local_conf(work, api_port, short_port, cdn_port, hook_port, jwks_file):
    inbox, outbox = os.path.join(work, "inbox"), os.path.join(work, "outbox")
    os.makedirs(inbox, exist_ok=True)
    auth = f"jwks-file={jwks_file}\nissuer={ISSUER}\nclient-id={CLIENT}\nrequired-groups=uploaders\n"
    return f"""[pipeline]
stages=uploads;thumbnail;png;avatars;notify
services=api;short;cdn

[uploads]
element=folder-source
path={inbox}
watch=true

[thumbnail]
element=resize
width=512
height=512

[png]
element=png-encode

[avatars]
element=folder-sink
path={outbox}
template={{dir}}{{stem}}.{{ext}}

[notify]
element=webhook
urls=http://127.0.0.1:{hook_port}/hook
allow-private=true
secret={WEBHOOK_SECRET}

[api]
element=upload-api
port={api_port}
folder={inbox}
origins={ORIGIN}
max-upload=5000000
{auth}
[short]
element=upload-api
port={short_port}
folder={inbox}
expires=1
{auth}
[cdn]
element=output-server
port={cdn_port}
folder={outbox}
"""


def with_local_service(body, umask=None):
    work = tempfile.mkdtemp()
    receiver = Receiver()
    try:
        keys = Keys(work)
        jwks_file = os.path.join(work, "jwks.json")
        with open(jwks_file, "w") as f:
            f.write(keys.jwks("k1"))
        ports = [free_port() for _ in range(3)]
        wrapper = ["sh", "-c", f'umask {umask:03o} && exec "$0" "$@"'] if umask is not None else []
        with Daemon(local_conf(work, *ports, receiver.port, jwks_file), ports, wrapper=wrapper) as daemon:
            body(keys, receiver, *ports)
        if umask is not None:
            # Uploads and thumbnails are written alike: the process's umask
            # decides their mode (uploads were once 0644 whatever it was).
            for folder in ("inbox", "outbox"):
                for name in os.listdir(os.path.join(work, folder)):
                    mode = os.stat(os.path.join(work, folder, name)).st_mode & 0o777
                    if not name.startswith("."):
                        assert mode == 0o666 & ~umask, (folder, name, oct(mode))
        return daemon
    finally:
        receiver.close()
        shutil.rmtree(work)


def test_local_flow_end_to_end():
    tokens = []

    def body(keys, receiver, api, short, cdn):
        token = keys.token()
        tokens.append(token)
        status, headers, answer = get_upload(api, token)
        assert status == 200, (status, answer)
        assert answer["key"] == f"uploads/{SUB}.jpg", answer
        assert answer["headers"] == {"Content-Type": "image/jpeg"} and answer["method"] == "PUT", answer
        expires = datetime.datetime.strptime(answer["expires"], "%Y-%m-%dT%H:%M:%SZ")
        assert 250 < (expires - datetime.datetime.utcnow()).total_seconds() <= 300, answer
        assert headers["access-control-allow-origin"] == ORIGIN and headers["cache-control"] == "no-store", headers

        with open(os.path.join(SAMPLES, "good", "photo-baseline.jpg"), "rb") as f:
            photo = f.read()
        status, _ = put(answer["url"], photo, "image/jpeg")
        assert status == 200, status

        deadline = time.monotonic() + 60
        while not receiver.documents:
            assert time.monotonic() < deadline, "no webhook arrived"
            time.sleep(0.1)
        document = receiver.documents[0]
        assert document["name"] == f"{SUB}.jpg" and document["width"] == 512, document
        # Names relative to the inbox and outbox: no path of the host.
        assert document["origin"] == f"{SUB}.jpg" and document["output"]["location"] == f"{SUB}.png", document
        values = list(document.values()) + list(document["output"].values()) + list(document["metadata"].values())
        assert not any(isinstance(v, str) and v.startswith("/") for v in values), document

        status, headers, png = call(cdn, "GET", f"/{SUB}.png")
        assert status == 200 and headers["content-type"] == "image/png", status
        assert struct.unpack(">II", png[16:24]) == (512, 512)

    daemon = with_local_service(body, umask=0o027)
    # Tokens never reach the log.
    assert tokens[0] not in daemon.stderr and tokens[0].split(".")[2] not in daemon.stderr


def test_refusals():
    def body(keys, receiver, api, short, cdn):
        assert get_upload(api, None)[0] == 401
        for token, expected in [
            (keys.token(exp=int(time.time()) - 600), "expired"),
            (keys.token(client_id="someone-else"), "another client"),
            (keys.token(iss="https://evil.example.com"), "issuer"),
            (keys.token(token_use="id"), "access token"),
            (keys.token(kid="k2"), "not an RS256 signing key"),
            ("not-a-token", "three parts"),
            ("a" * 9000, "longer than"),
        ]:
            status, headers, answer = get_upload(api, token)
            assert status == 401 and expected in answer["error"], (expected, status, answer)
            assert headers["www-authenticate"].startswith("Bearer"), headers
        status, _, answer = get_upload(api, keys.token(**{"cognito:groups": ["visitors"]}))
        assert status == 403 and "required groups" in answer["error"], answer
        # "$" in a regex also matches before a final line break: a subject
        # "alice\n" would have named a key with a line break in it.
        for sub in ("../../etc/passwd", "alice\n", "alice\r\n"):
            status, _, answer = get_upload(api, keys.token(sub=sub))
            assert status == 403, (sub, answer)

        token = keys.token()
        status, _, answer = get_upload(api, token, extension="exe")
        assert status == 400 and "jpg" in answer["error"], answer
        status, _, answer = get_upload(api, token, body="extension=jpg")
        assert status == 400, answer
        # A NUL would cut the string short: "jpg\u0000.php" is not "jpg".
        for body in ['{"extension": "jpg\\u0000.php"}', '{"extension": "jpg"}\x00']:
            status, _, answer = get_upload(api, token, body=body)
            assert status == 400, (body, answer)
        # The scheme is case-insensitive (RFC 9110).
        status, _, _ = call(api, "POST", "/avatar/get_upload", json.dumps({"extension": "jpg"}),
                            {"Authorization": "bEARER " + token, "Content-Type": "application/json"})
        assert status == 200, status
        status, _, _ = call(api, "POST", "/avatar/get_upload", "x" * 20000,
                            {"Authorization": "Bearer " + token, "Content-Type": "application/json"})
        assert status == 413
        assert call(api, "GET", "/avatar/get_upload")[0] == 405
        assert call(api, "POST", "/elsewhere", "{}")[0] == 404

        status, _, answer = get_upload(api, token)
        url = answer["url"]
        assert put(url, b"\xff\xd8\xff", "image/png")[0] == 403, "Content-Type is signed"
        assert put(url.replace(SUB, "someone-else"), b"\xff\xd8\xff", "image/jpeg")[0] == 403, "the key is signed"
        assert put(url[:-4] + "0000", b"\xff\xd8\xff", "image/jpeg")[0] == 403, "the signature is checked"
        assert put(url, b"x" * 5000001, "image/jpeg")[0] == 413, "uploads are bounded"
        parts = urllib.parse.urlsplit(url)
        assert put(f"http://127.0.0.1:{api}{parts.path}", b"\xff\xd8\xff", "image/jpeg")[0] == 403, "needs its query"

        status, _, short_answer = get_upload(short, token)
        assert status == 200
        time.sleep(2.1)
        status, content = put(short_answer["url"], b"\xff\xd8\xff", "image/jpeg")
        assert status == 403 and b"expired" in content, (status, content)

    with_local_service(body)


def test_cors_preflight():
    def body(keys, receiver, api, short, cdn):
        status, headers, _ = call(api, "OPTIONS", "/avatar/get_upload",
                                  headers={"Origin": ORIGIN, "Access-Control-Request-Method": "POST",
                                           "Access-Control-Request-Headers": "authorization, content-type"})
        assert status == 204, status
        assert headers["access-control-allow-origin"] == ORIGIN, headers
        assert "POST" in headers["access-control-allow-methods"], headers
        assert "authorization" in headers["access-control-allow-headers"], headers
        status, headers, _ = call(api, "OPTIONS", "/upload/uploads/x.jpg",
                                  headers={"Origin": ORIGIN, "Access-Control-Request-Method": "PUT"})
        assert status == 204 and "PUT" in headers["access-control-allow-methods"], headers
        status, headers, _ = call(api, "OPTIONS", "/avatar/get_upload",
                                  headers={"Origin": "https://evil.example.com", "Access-Control-Request-Method": "POST"})
        assert status == 403 and "access-control-allow-origin" not in headers, headers
        # No origins configured: no CORS at all, not "*".
        status, headers, _ = call(short, "OPTIONS", "/avatar/get_upload",
                                  headers={"Origin": ORIGIN, "Access-Control-Request-Method": "POST"})
        assert status == 403 and "access-control-allow-origin" not in headers, headers

    with_local_service(body)


def test_jwks_url_is_refetched_for_new_keys():
    work = tempfile.mkdtemp()
    keys = Keys(work)
    # Made before the JWKS server's thread can ask for them.
    keys.path("k1")
    keys.path("k2")
    published = {"kids": ["k1"], "fetches": 0}

    class Handler(http.server.BaseHTTPRequestHandler):
        def log_message(self, *args):
            pass

        def do_GET(self):
            published["fetches"] += 1
            body = keys.jwks(*published["kids"]).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    jwks_url = f"http://127.0.0.1:{server.server_address[1]}/.well-known/jwks.json"
    fresh, patient = free_port(), free_port()
    conf = f"""[pipeline]
stages=uploads;report
services=fresh;patient
[uploads]
element=folder-source
path={work}
watch=true
[report]
element=log
[fresh]
element=upload-api
port={fresh}
folder={work}
jwks-url={jwks_url}
jwks-refresh=0
issuer={ISSUER}
client-id={CLIENT}
[patient]
element=upload-api
port={patient}
folder={work}
jwks-url={jwks_url}
jwks-refresh=3600
issuer={ISSUER}
client-id={CLIENT}
"""
    try:
        with Daemon(conf, [fresh, patient]):
            assert get_upload(fresh, keys.token())[0] == 200
            assert get_upload(patient, keys.token())[0] == 200
            fetched = published["fetches"]
            assert fetched == 2, fetched
            published["kids"] = ["k1", "k2"]
            rotated = keys.token(kid="k2")
            assert get_upload(fresh, rotated)[0] == 200, "refetched for the new key"
            assert get_upload(patient, rotated)[0] == 401, "not refetched within its interval"
            assert published["fetches"] == fetched + 1, published
    finally:
        server.shutdown()
        server.server_close()
        shutil.rmtree(work)


def test_shipped_local_service_conf():
    """data/pipelines/local-service.conf, as a user runs it."""
    work = tempfile.mkdtemp()
    try:
        keys = Keys(work)
        jwks_file = os.path.join(work, "jwks.json")
        with open(jwks_file, "w") as f:
            f.write(keys.jwks("k1"))
        api, cdn = free_port(), free_port()
        env = dict(THUMBING_INBOX=os.path.join(work, "uploads"), THUMBING_OUTBOX=os.path.join(work, "avatars"),
                   THUMBING_API_PORT=str(api), THUMBING_CDN_PORT=str(cdn), THUMBING_JWKS_FILE=jwks_file,
                   THUMBING_ISSUER=ISSUER, THUMBING_CLIENT_ID=CLIENT, THUMBING_FRONTEND_URL=ORIGIN)
        os.makedirs(env["THUMBING_INBOX"])
        with open(os.path.join(os.environ["THUMBING_SOURCE_ROOT"], "data", "pipelines", "local-service.conf")) as f:
            conf = f.read()
        with Daemon(conf, [api, cdn], env=env):
            status, _, answer = get_upload(api, keys.token(), extension="png")
            assert status == 200, answer
            with open(os.path.join(SAMPLES, "good", "portrait-alpha.png"), "rb") as f:
                assert put(answer["url"], f.read(), "image/png")[0] == 200
            deadline = time.monotonic() + 60
            while True:
                status, headers, png = call(cdn, "GET", f"/{SUB}.png")
                if status == 200:
                    break
                assert time.monotonic() < deadline, status
                time.sleep(0.1)
            assert struct.unpack(">II", png[16:24]) == (512, 512)
    finally:
        shutil.rmtree(work)


class FixedClock(datetime.datetime):
    when = None

    @classmethod
    def utcnow(cls):
        return cls.when

    @classmethod
    def now(cls, tz=None):
        return cls.when if tz is None else cls.when.replace(tzinfo=tz)


def botocore_signature(url, content_type, expires):
    """The signature botocore gives the same request at the same time."""
    parts = urllib.parse.urlsplit(url)
    query = urllib.parse.parse_qs(parts.query)
    FixedClock.when = datetime.datetime.strptime(query["X-Amz-Date"][0], "%Y%m%dT%H%M%SZ")
    saved = botocore.auth.datetime.datetime
    botocore.auth.datetime.datetime = FixedClock
    try:
        request = AWSRequest(method="PUT", url=f"{parts.scheme}://{parts.netloc}{parts.path}",
                             headers={"Content-Type": content_type})
        botocore.auth.S3SigV4QueryAuth(Credentials("S3RVER", "S3RVER"), "s3", "us-east-1",
                                       expires=expires).add_auth(request)
    finally:
        botocore.auth.datetime.datetime = saved
    return urllib.parse.parse_qs(urllib.parse.urlsplit(request.url).query)["X-Amz-Signature"][0]


def test_presigned_s3_put():
    work = tempfile.mkdtemp()
    try:
        keys = Keys(work)
        jwks_file = os.path.join(work, "jwks.json")
        with open(jwks_file, "w") as f:
            f.write(keys.jwks("k1"))
        with AwsStack(buckets=["thumbs"]) as stack:
            port = free_port()
            conf = f"""[pipeline]
stages=uploads;report
services=api
[uploads]
element=folder-source
path={work}
watch=true
[report]
element=log
[api]
element=upload-api
port={port}
bucket=thumbs
prefix=uploads/
jwks-file={jwks_file}
issuer={ISSUER}
client-id={CLIENT}
"""
            env = dict(AWS_ACCESS_KEY_ID="S3RVER", AWS_SECRET_ACCESS_KEY="S3RVER", AWS_REGION="us-east-1",
                       AWS_ENDPOINT_URL_S3=stack.endpoints["s3"])
            with Daemon(conf, [port], env=env):
                status, _, answer = get_upload(port, keys.token(), extension="png")
                assert status == 200, answer
                url = answer["url"]
                assert url.startswith(stack.endpoints["s3"] + f"/thumbs/uploads/{SUB}.png?"), url
                query = urllib.parse.parse_qs(urllib.parse.urlsplit(url).query)
                assert query["X-Amz-Expires"] == ["300"] and "content-type" in query["X-Amz-SignedHeaders"][0], query
                assert query["X-Amz-Signature"][0] == botocore_signature(url, "image/png", 300)

                with open(os.path.join(SAMPLES, "good", "portrait-alpha.png"), "rb") as f:
                    image = f.read()
                status, content = put(url, image, "image/png")
                assert status == 200, (status, content)
                headers, stored = stack.s3_get("thumbs", f"uploads/{SUB}.png")
                assert stored == image and headers["Content-Type"] == "image/png"
    finally:
        shutil.rmtree(work)


if __name__ == "__main__":
    sys.exit(thumbing_tap.run([test_local_flow_end_to_end, test_refusals, test_cors_preflight,
                               test_jwks_url_is_refetched_for_new_keys, test_shipped_local_service_conf,
                               test_presigned_s3_put]))
