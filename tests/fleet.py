"""Several `thumbing run` workers on one SQS queue of the local AWS stack:
the many-workers test and bench/workers.py share this."""

import concurrent.futures
import os
import random
import signal
import struct
import subprocess
import time

TOOL = os.environ.get("THUMBING_TOOL", "thumbing")
CONF = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "data", "pipelines",
                    "thumbing.conf")


def stack_config(max_receive_count=10):
    """One bucket, the upload queue with its DLQ, and the thumbnails topic
    delivering to a queue the test reads."""
    return dict(buckets=["thumbs"],
                queues=[{"name": "dlq"},
                        {"name": "uploads", "redrive": {"dlq": "dlq", "maxReceiveCount": max_receive_count}},
                        {"name": "notified"}],
                topics=[{"name": "thumbnails", "queues": ["notified"]}],
                notifications=[{"bucket": "thumbs", "prefix": "uploads/", "queue": "uploads"}])


def worker_env(stack, extra=None):
    env = dict(os.environ, AWS_ACCESS_KEY_ID="S3RVER", AWS_SECRET_ACCESS_KEY="S3RVER", AWS_REGION="us-east-1",
               AWS_ENDPOINT_URL_S3=stack.endpoints["s3"], AWS_ENDPOINT_URL_SQS=stack.endpoints["sqs"],
               AWS_ENDPOINT_URL_SNS=stack.endpoints["sqs"], THUMBING_TOPIC_NAME="thumbnails",
               THUMBING_QUEUE_URL=stack.endpoints["queues"]["uploads"], THUMBING_BUCKET_NAME="thumbs")
    env.update(extra or {})
    return env


def upload_many(stack, samples, count, threads=4):
    """Uploads @count images under uploads/ (mostly small JPEGs, every tenth a
    2 MP progressive JPEG, every fiftieth a 4 MB RGBA PNG); returns the keys."""
    datas = {}
    for name in ("sideways-exif6.jpg", "photo-progressive.jpg", "portrait-alpha.png"):
        with open(os.path.join(samples, "good", name), "rb") as f:
            datas[name] = f.read()

    def one(i):
        name = ("portrait-alpha.png" if i % 50 == 49 else "photo-progressive.jpg" if i % 10 == 9
                else "sideways-exif6.jpg")
        key = f"uploads/fleet/{i:05}{os.path.splitext(name)[1]}"
        status = stack.s3_put("thumbs", key, datas[name], "image/png" if name.endswith(".png") else "image/jpeg")
        assert status == 200, (key, status)
        return key

    with concurrent.futures.ThreadPoolExecutor(threads) as pool:
        return list(pool.map(one, range(count)))


def output_key(key):
    return "avatars/" + key[len("uploads/"):]


def check_output(stack, key):
    """The thumbnail of @key: a 512×512 PNG stored as image/png."""
    headers, body = stack.s3_get("thumbs", output_key(key))
    assert headers["Content-Type"] == "image/png", (key, headers["Content-Type"])
    assert body[:8] == b"\x89PNG\r\n\x1a\n" and struct.unpack(">II", body[16:24]) == (512, 512), key


class Fleet:
    """@size workers on the stack's upload queue; kill() takes one down with
    SIGKILL and starts another in its place, as a supervisor would."""

    def __init__(self, stack, size, extra_env=None):
        self.env = worker_env(stack, extra_env)
        self.workers = [self._start() for _ in range(size)]
        self.kills = 0

    def _start(self):
        return subprocess.Popen([TOOL, "run", CONF], env=self.env, stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL)

    def kill(self):
        index = random.randrange(len(self.workers))
        self.workers[index].send_signal(signal.SIGKILL)
        self.workers[index].wait()
        self.workers[index] = self._start()
        self.kills += 1

    def alive(self):
        return all(worker.poll() is None for worker in self.workers)

    def stop(self):
        """SIGTERM to every worker; returns their exit codes."""
        for worker in self.workers:
            worker.terminate()
        return [worker.wait(timeout=60) for worker in self.workers]


def wait_for_outputs(stack, count, deadline, during=None, every=0.5):
    """Polls until @count thumbnails exist, calling @during(how many exist)
    between polls."""
    while True:
        outputs = stack.s3_list("thumbs", "avatars/")
        if len(outputs) >= count:
            return outputs
        assert time.monotonic() < deadline, f"only {len(outputs)} of {count} thumbnails"
        if during:
            during(len(outputs))
        time.sleep(every)
