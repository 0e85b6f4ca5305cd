"""A stand-in for the AWS Lambda Runtime API (invocation/next, response,
error) that the Lambda tests serve invocations from, and the S3 events they
invoke with."""

import http.server
import json
import queue
import threading
import time
import urllib.parse


class RuntimeApi:
    """Serves queued events on invocation/next; records every answer."""

    def __init__(self):
        self.events = queue.Queue()
        self.answers = queue.Queue()
        self.slow_hooks = 0
        api = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_GET(self):
                if self.path != "/2018-06-01/runtime/invocation/next":
                    self.send_error(404)
                    return
                while True:
                    try:
                        request_id, deadline_ms, event = api.events.get(timeout=0.2)
                        break
                    except queue.Empty:
                        if api.closing:
                            return
                body = json.dumps(event).encode()
                self.send_response(200)
                self.send_header("Lambda-Runtime-Aws-Request-Id", request_id)
                self.send_header("Lambda-Runtime-Deadline-Ms", str(deadline_ms))
                self.send_header("Lambda-Runtime-Invoked-Function-Arn", "arn:aws:lambda:us-east-1:1:function:t")
                self.send_header("Lambda-Runtime-Trace-Id", TRACE)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def do_POST(self):
                length = int(self.headers.get("Content-Length", "0"))
                body = json.loads(self.rfile.read(length) or b"null")
                if self.path == "/slow-hook":
                    api.slow_hooks += 1
                    time.sleep(4)
                else:
                    api.answers.put((self.path, self.headers.get("Lambda-Runtime-Function-Error-Type"), body))
                self.send_response(202)
                self.send_header("Content-Length", "0")
                self.end_headers()

        self.closing = False
        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.address = f"127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def invoke(self, request_id, event, seconds=30):
        self.events.put((request_id, int(time.time() * 1000) + seconds * 1000, event))

    def answer(self, timeout=60):
        return self.answers.get(timeout=timeout)

    def close(self):
        self.closing = True
        self.server.shutdown()
        self.server.server_close()


TRACE = "Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1"


def s3_record(key, bucket="thumbs"):
    return {"eventVersion": "2.1", "eventSource": "aws:s3", "awsRegion": "us-east-1",
            "eventName": "ObjectCreated:Put",
            "s3": {"bucket": {"name": bucket}, "object": {"key": urllib.parse.quote_plus(key, safe="/"), "size": 1}}}


def s3_event(*keys):
    return {"Records": [s3_record(key) for key in keys]}
