"""Starts the local S3/SQS/SNS stack (tests/servers/aws-stack.mjs) for a test,
and stops it by PID afterwards, whatever happened."""

import json
import os
import signal
import subprocess
import time
import urllib.error
import urllib.parse
import urllib.request
import xml.etree.ElementTree as ElementTree

SERVERS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "servers")
NODE = os.environ.get("THUMBING_TEST_NODE", "node")


class AwsStack:
    def __init__(self, **config):
        self.config = config
        self.process = None
        self.endpoints = None

    def __enter__(self):
        self.process = subprocess.Popen(
            [NODE, os.path.join(SERVERS, "aws-stack.mjs"), json.dumps(self.config)],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        line = self.process.stdout.readline()
        if not line:
            self.process.kill()
            raise RuntimeError("the AWS stack did not start: " + self.process.stderr.read())
        self.endpoints = json.loads(line)
        return self

    def __exit__(self, *exc):
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process.stdout.close()
        self.process.stderr.close()
        self.process.stdin.close()

    @property
    def pid(self):
        return self.process.pid

    def sqs(self, operation, body):
        request = urllib.request.Request(
            self.endpoints["sqs"], data=json.dumps(body).encode(), method="POST",
            headers={"Content-Type": "application/x-amz-json-1.0", "X-Amz-Target": f"AmazonSQS.{operation}",
                     "Authorization": "AWS4-HMAC-SHA256 Credential=test/20260101/us-east-1/sqs/aws4_request, "
                                      "SignedHeaders=host, Signature=0"})
        with urllib.request.urlopen(request, timeout=30) as response:
            text = response.read().decode()
        return json.loads(text) if text else {}

    def queue_depth(self, queue):
        """Messages in @queue, visible or in flight."""
        attributes = self.sqs("GetQueueAttributes", {
            "QueueUrl": self.endpoints["queues"][queue],
            "AttributeNames": ["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"]})["Attributes"]
        return int(attributes["ApproximateNumberOfMessages"]) + int(attributes["ApproximateNumberOfMessagesNotVisible"])

    def fault(self, **fault):
        """Arms a fault in the S3 proxy (the stack must be started with faults=True)."""
        request = urllib.request.Request(self.endpoints["s3"] + "/__faults", data=json.dumps(fault).encode(),
                                         method="POST")
        urllib.request.urlopen(request, timeout=10).close()

    def requests(self):
        """The requests the S3 proxy passed on, as "METHOD /path?query"."""
        with urllib.request.urlopen(self.endpoints["s3"] + "/__requests", timeout=10) as response:
            return json.loads(response.read())

    def receive_all(self, queue, wait=1):
        """Every message of a queue, received and left in flight."""
        messages = []
        while True:
            got = self.sqs("ReceiveMessage", {"QueueUrl": self.endpoints["queues"][queue],
                                              "MaxNumberOfMessages": 10, "WaitTimeSeconds": wait,
                                              "VisibilityTimeout": 60})
            if not got.get("Messages"):
                return messages
            messages += got["Messages"]

    def s3_get(self, bucket, key):
        """The headers and body of an object."""
        url = f"{self.endpoints['s3']}/{bucket}/{urllib.parse.quote(key, safe='/~')}"
        request = urllib.request.Request(url, headers={
            "Authorization": "AWS4-HMAC-SHA256 Credential=S3RVER/20260101/us-east-1/s3/aws4_request, "
                             "SignedHeaders=host, Signature=0",
            "x-amz-content-sha256": "UNSIGNED-PAYLOAD", "x-amz-date": time.strftime("%Y%m%dT%H%M%SZ", time.gmtime())})
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.headers, response.read()

    def s3_list(self, bucket, prefix):
        """{key: size} of every object under @prefix (ListObjectsV2, page by page)."""
        objects, token = {}, None
        while True:
            query = {"list-type": "2", "prefix": prefix}
            if token:
                query["continuation-token"] = token
            url = f"{self.endpoints['s3']}/{bucket}?{urllib.parse.urlencode(query)}"
            request = urllib.request.Request(url, headers={
                "Authorization": "AWS4-HMAC-SHA256 Credential=S3RVER/20260101/us-east-1/s3/aws4_request, "
                                 "SignedHeaders=host, Signature=0",
                "x-amz-content-sha256": "UNSIGNED-PAYLOAD",
                "x-amz-date": time.strftime("%Y%m%dT%H%M%SZ", time.gmtime())})
            try:
                with urllib.request.urlopen(request, timeout=30) as response:
                    root = ElementTree.fromstring(response.read())
            except urllib.error.HTTPError as error:
                # s3rver answers 500 when it lists an object whose PUT is still being written.
                if error.code != 500:
                    raise
                time.sleep(0.1)
                continue
            # Any namespace: s3rver's differs from S3's.
            for item in root.findall("{*}Contents"):
                objects[item.findtext("{*}Key")] = int(item.findtext("{*}Size"))
            if root.findtext("{*}IsTruncated") != "true":
                return objects
            token = root.findtext("{*}NextContinuationToken")

    def s3_put(self, bucket, key, data, content_type="application/octet-stream"):
        url = f"{self.endpoints['s3']}/{bucket}/{urllib.parse.quote(key, safe='/~')}"
        request = urllib.request.Request(
            url, data=data, method="PUT",
            headers={"Content-Type": content_type, "x-amz-content-sha256": "UNSIGNED-PAYLOAD",
                     "Authorization": "AWS4-HMAC-SHA256 Credential=S3RVER/20260101/us-east-1/s3/aws4_request, "
                                      "SignedHeaders=host, Signature=0",
                     "x-amz-date": time.strftime("%Y%m%dT%H%M%SZ", time.gmtime())})
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status

