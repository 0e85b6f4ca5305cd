#!/usr/bin/python3
"""The seed's pipeline (data/pipelines/thumbing.conf) end to end on the local
S3/SQS/SNS stack: uploads raise S3 events, thumbing drains the queue, and
every thumbnail lands under avatars/; poison messages end in the DLQ."""

import json
import os
import re
import shutil
import struct
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import fleet  # noqa: E402
import thumbing_tap  # noqa: E402
from aws_stack import AwsStack  # noqa: E402
from thumbing_daemon import free_port, http_get, metric_samples  # noqa: E402

TOOL = os.environ["THUMBING_TOOL"]
SAMPLES = os.environ["THUMBING_TEST_SAMPLES"]
CONF = os.path.join(os.environ["THUMBING_SOURCE_ROOT"], "data", "pipelines", "thumbing.conf")

KEYS = [
    "uploads/plain.jpg",
    "uploads/red flower.jpg",
    "uploads/a+b%c~(d).png",
    "uploads/日本/写真.webp",
    "uploads/team/deep/grey.jpg",
]
SAMPLE_FOR = {".jpg": "photo-baseline.jpg", ".png": "portrait-alpha.png", ".webp": "photo-webp.webp"}


def stack_config(delivery, faults=False):
    notification = {"bucket": "thumbs", "prefix": "uploads/"}
    config = dict(buckets=["thumbs"], faults=faults,
                  queues=[{"name": "dlq"}, {"name": "uploads", "redrive": {"dlq": "dlq", "maxReceiveCount": 2}},
                          {"name": "notified"}],
                  topics=[{"name": "thumbnails", "queues": ["notified"]}])
    if delivery == "sns":
        config["topics"].append({"name": "events", "queues": ["uploads"]})
        notification["topic"] = "events"
    else:
        notification["queue"] = "uploads"
    config["notifications"] = [notification]
    return config


def wait_for_depth(stack, queue, depth, seconds=20):
    deadline = time.monotonic() + seconds
    while stack.queue_depth(queue) != depth:
        assert time.monotonic() < deadline, f"{queue} never held {depth} messages"
        time.sleep(0.1)


def thumbing_env(stack, extra=None):
    return fleet.worker_env(stack, dict({"THUMBING_S3_FOLDER_INPUT": "uploads/",
                                         "THUMBING_S3_FOLDER_OUTPUT": "avatars/"}, **(extra or {})))


def run_thumbing(stack, *extra, env=None, wrapper=()):
    return subprocess.run([*wrapper, TOOL, "run", "--once", *extra, CONF], capture_output=True, text=True,
                          env=thumbing_env(stack, env), timeout=120)


def s3_get(stack, key):
    return stack.s3_get("thumbs", key)


def upload_all(stack):
    for key in KEYS:
        sample = SAMPLE_FOR[os.path.splitext(key)[1]]
        with open(os.path.join(SAMPLES, "good", sample), "rb") as f:
            assert stack.s3_put("thumbs", key, f.read(), "image/" + sample.rsplit(".", 1)[1]) == 200


def assert_thumbnails(stack):
    for key in KEYS:
        output = "avatars/" + key[len("uploads/"):]
        headers, body = s3_get(stack, output)
        assert headers["Content-Type"] == "image/png", (output, headers["Content-Type"])
        assert body[:8] == b"\x89PNG\r\n\x1a\n", output
        assert struct.unpack(">II", body[16:24]) == (512, 512), output
        assert headers.get("x-amz-meta-thumbing-source", "").startswith("s3%3A//thumbs/uploads/"), dict(headers)


def assert_announced(stack):
    """One SNS message per thumbnail reached the queue subscribed to the topic."""
    messages = stack.receive_all("notified")
    announced = sorted(json.loads(json.loads(m["Body"])["Message"])["output"]["key"] for m in messages)
    assert announced == sorted("avatars/" + key[len("uploads/"):] for key in KEYS), announced
    envelope = json.loads(messages[0]["Body"])
    assert envelope["TopicArn"].endswith(":thumbnails")
    result = json.loads(envelope["Message"])
    assert result["width"] == 512 and result["height"] == 512 and result["format"] == "png", result
    assert result["source"]["bucket"] == "thumbs" and result["source"]["key"].startswith("uploads/")
    assert result["output"]["url"].startswith(stack.endpoints["s3"] + "/thumbs/avatars/"), result
    attributes = envelope.get("MessageAttributes", {})
    assert attributes.get("format", {}).get("Value") == "png", envelope
    assert attributes.get("width", {}).get("Value") == "512", envelope


def check_delivery(delivery):
    with AwsStack(**stack_config(delivery)) as stack:
        upload_all(stack)
        wait_for_depth(stack, "uploads", len(KEYS))
        result = run_thumbing(stack)
        assert result.returncode == 0, result.stderr
        assert f"processed {len(KEYS)}, failed 0" in result.stderr, result.stderr
        assert_thumbnails(stack)
        assert_announced(stack)
        assert stack.queue_depth("uploads") == 0, "every message was deleted"
        assert stack.queue_depth("dlq") == 0


def test_direct_s3_events():
    check_delivery("direct")


def test_events_through_sns():
    check_delivery("sns")


def test_poison_message_goes_to_the_dlq():
    with AwsStack(**stack_config("direct")) as stack:
        stack.sqs("SendMessage", {"QueueUrl": stack.endpoints["queues"]["uploads"], "MessageBody": "not an event"})
        upload_all(stack)
        wait_for_depth(stack, "uploads", len(KEYS) + 1)
        result = run_thumbing(stack, env={"THUMBING_RETRY_DELAY": "0"})
        assert result.returncode == 0, result.stderr
        assert "is not an S3 event notification" in result.stderr, result.stderr
        assert f"processed {len(KEYS)}, failed 0" in result.stderr, result.stderr
        assert_thumbnails(stack)
        dead = stack.receive_all("dlq")
        assert [m["Body"] for m in dead] == ["not an event"], dead
        assert stack.queue_depth("uploads") == 0


def test_deleted_object_is_acknowledged():
    with AwsStack(**stack_config("direct")) as stack:
        upload_all(stack)
        wait_for_depth(stack, "uploads", len(KEYS))
        url = f"{stack.endpoints['s3']}/thumbs/{urllib.parse.quote('uploads/plain.jpg')}"
        request = urllib.request.Request(url, method="DELETE", headers={
            "Authorization": "AWS4-HMAC-SHA256 Credential=S3RVER/20260101/us-east-1/s3/aws4_request, "
                             "SignedHeaders=host, Signature=0",
            "x-amz-content-sha256": "UNSIGNED-PAYLOAD", "x-amz-date": time.strftime("%Y%m%dT%H%M%SZ", time.gmtime())})
        urllib.request.urlopen(request, timeout=30).close()
        result = run_thumbing(stack)
        assert result.returncode == 0, result.stderr
        assert "s3://thumbs/uploads/plain.jpg is gone; skipped" in result.stderr, result.stderr
        assert stack.queue_depth("uploads") == 0 and stack.queue_depth("dlq") == 0


def test_s3_unreachable_for_a_while_then_back():
    with AwsStack(**stack_config("direct", faults=True)) as stack:
        upload_all(stack)
        wait_for_depth(stack, "uploads", len(KEYS))
        # The first connections die unanswered; the client's retries outlast them.
        stack.fault(drop=3)
        result = run_thumbing(stack)
        assert result.returncode == 0, result.stderr
        assert f"processed {len(KEYS)}, failed 0" in result.stderr, result.stderr
        assert_thumbnails(stack)
        assert stack.queue_depth("uploads") == 0


def test_a_500_on_one_put_is_retried():
    with AwsStack(**stack_config("direct", faults=True)) as stack:
        upload_all(stack)
        wait_for_depth(stack, "uploads", len(KEYS))
        stack.fault(fail={"method": "PUT", "count": 1, "status": 500})
        result = run_thumbing(stack)
        assert result.returncode == 0, result.stderr
        assert_thumbnails(stack)
        assert stack.queue_depth("uploads") == 0 and stack.queue_depth("dlq") == 0


def test_s3_slowing_down_for_a_while():
    """S3 answers 503 SlowDown to the first fetches and stores; the client's
    backoff outlasts it and nothing fails."""
    with AwsStack(**stack_config("direct", faults=True)) as stack:
        upload_all(stack)
        wait_for_depth(stack, "uploads", len(KEYS))
        stack.fault(fail=[{"method": "GET", "count": 4, "status": 503, "code": "SlowDown"},
                          {"method": "PUT", "count": 4, "status": 503, "code": "SlowDown"}])
        result = run_thumbing(stack)
        assert result.returncode == 0, result.stderr
        assert f"processed {len(KEYS)}, failed 0" in result.stderr, result.stderr
        answered = [r for r in stack.requests() if r.startswith(("GET /thumbs/uploads/", "PUT /thumbs/avatars/"))]
        assert len(answered) == 2 * len(KEYS) + 8, answered
        assert_thumbnails(stack)
        assert stack.queue_depth("uploads") == 0 and stack.queue_depth("dlq") == 0


def test_an_item_slower_than_the_visibility_timeout_is_taken_once():
    """The fetch takes three visibility timeouts; the source's heartbeat keeps
    the message hidden, so no second receive redoes it."""
    with AwsStack(**stack_config("direct", faults=True)) as stack:
        key = KEYS[0]
        with open(os.path.join(SAMPLES, "good", "photo-baseline.jpg"), "rb") as f:
            assert stack.s3_put("thumbs", key, f.read(), "image/jpeg") == 200
        wait_for_depth(stack, "uploads", 1)
        stack.fault(delay={"method": "GET", "count": 1, "ms": 6000})
        # A daemon keeps receiving: a message that became visible again would be taken twice.
        worker = subprocess.Popen([TOOL, "run", CONF], env=thumbing_env(stack, {"THUMBING_VISIBILITY_TIMEOUT": "2"}),
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        first = worker.stdout.readline()
        time.sleep(3)
        worker.terminate()
        rest, errors = worker.communicate(timeout=30)
        assert worker.returncode == 0, errors
        assert " -> s3://thumbs/avatars/" in first and rest == "", (first, rest)
        fetches = [r for r in stack.requests() if r.startswith("GET /thumbs/" + urllib.parse.quote(key))]
        assert len(fetches) == 1, fetches
        assert len(stack.receive_all("notified")) == 1
        assert stack.queue_depth("uploads") == 0 and stack.queue_depth("dlq") == 0


def test_a_clock_20_minutes_slow_is_corrected():
    """S3 refuses requests signed 15 minutes or more from its time
    (RequestTimeTooSkewed); thumbing takes the offset from the answer's Date
    and signs with S3's time from then on, as the AWS SDKs do."""
    with AwsStack(**stack_config("direct")) as stack:
        upload_all(stack)
        wait_for_depth(stack, "uploads", len(KEYS))
        result = run_thumbing(stack, wrapper=("faketime", "-m", "-f", "-20m"))
        assert result.returncode == 0, result.stderr
        assert "the endpoint's clock is +1" in result.stderr, result.stderr
        assert f"processed {len(KEYS)}, failed 0" in result.stderr, result.stderr
        assert_thumbnails(stack)
        assert stack.queue_depth("uploads") == 0


def scrape(port):
    status, _, text = http_get(port, "/metrics")
    assert status == 200, status
    return text, metric_samples(text)


def test_queue_metrics():
    """A daemon with --metrics-address counts the messages it received and
    deleted, and reports the queue's depth from GetQueueAttributes, and the
    dead-letter queue's that its redrive policy names, and the retries of
    the requests S3 refused for a while."""
    with AwsStack(**stack_config("direct", faults=True)) as stack:
        upload_all(stack)
        wait_for_depth(stack, "uploads", len(KEYS))
        stack.fault(fail={"method": "GET", "count": 2, "status": 503, "code": "SlowDown"})
        stack.sqs("SendMessage", {"QueueUrl": stack.endpoints["queues"]["dlq"], "MessageBody": "dead"})
        port = free_port()
        worker = subprocess.Popen([TOOL, "run", "--quiet", f"--metrics-address=127.0.0.1:{port}", CONF],
                                  env=thumbing_env(stack), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        try:
            deadline = time.monotonic() + 60
            while True:
                try:
                    text, values = scrape(port)
                    if (values.get('thumbing_sqs_messages_deleted_total{queue="uploads"}') == len(KEYS)
                            and 'thumbing_sqs_dead_letter_messages{queue="uploads"}' in values):
                        break
                except OSError:
                    pass
                assert time.monotonic() < deadline and worker.poll() is None, "the messages were never deleted"
                time.sleep(0.2)
        finally:
            worker.terminate()
            _, stderr = worker.communicate(timeout=30)
        assert worker.returncode == 0, stderr
        assert values['thumbing_sqs_messages_received_total{queue="uploads"}'] == len(KEYS), values
        assert values['thumbing_items_total{pipeline="thumbing",result="succeeded"}'] == len(KEYS), values
        assert 'thumbing_sqs_queue_messages{queue="uploads",state="visible"}' in values, values
        assert 'thumbing_sqs_oldest_message_age_seconds{queue="uploads"}' in values, values
        assert values['thumbing_sqs_dead_letter_messages{queue="uploads"}'] == 1, values
        assert values['thumbing_retries_total{stage="fetch"}'] == 2, values
        check = subprocess.run(["promtool", "check", "metrics"], input=text, capture_output=True, text=True)
        assert check.returncode == 0, check.stdout + check.stderr
        check_monitoring_files(text)


def check_monitoring_files(exposition):
    """The shipped alerts pass promtool, and they and the dashboard name
    only metrics a worker exports."""
    folder = os.path.join(os.environ["THUMBING_SOURCE_ROOT"], "data", "monitoring")
    rules = os.path.join(folder, "thumbing-alerts.yml")
    check = subprocess.run(["promtool", "check", "rules", rules], capture_output=True, text=True)
    assert check.returncode == 0, check.stdout + check.stderr
    exported = set(re.findall(r"^# TYPE (\S+)", exposition, re.M))
    for name in ("thumbing-alerts.yml", "thumbing-dashboard.json"):
        with open(os.path.join(folder, name)) as f:
            named = set(re.findall(r"\b((?:thumbing|process)_[a-z_]+)", f.read()))
        named = {re.sub(r"_(bucket|sum|count)$", "", n) for n in named} - {"thumbing_"}
        assert named <= exported, (name, named - exported)


def probe(port, path):
    return http_get(port, path)[0]


def test_readiness_follows_the_queue():
    """/readyz answers 503 while the queue cannot be reached (the worker is
    alive: /healthz 200), and 200 while it can."""
    with AwsStack(**stack_config("direct")) as stack:
        for queue_endpoint, wanted in ((stack.endpoints["sqs"], 200), ("http://127.0.0.1:9", 503)):
            port = free_port()
            worker = subprocess.Popen([TOOL, "run", "--quiet", f"--metrics-address=127.0.0.1:{port}", CONF],
                                      env=thumbing_env(stack, {"AWS_ENDPOINT_URL_SQS": queue_endpoint}),
                                      stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
            try:
                deadline = time.monotonic() + 30
                while True:
                    try:
                        if probe(port, "/readyz") == wanted and probe(port, "/healthz") == 200:
                            break
                    except OSError:
                        pass
                    assert time.monotonic() < deadline and worker.poll() is None, f"/readyz never said {wanted}"
                    time.sleep(0.2)
            finally:
                worker.terminate()
                worker.communicate(timeout=30)


def test_backfill_lists_resumes_and_skips_what_is_done():
    """s3-list-source: every object under the prefix once; after a
    checkpoint only what follows it; with skip-done-prefix only objects
    newer than their output."""
    with AwsStack(**stack_config("direct")) as stack:
        with open(os.path.join(SAMPLES, "good", "sideways-exif6.jpg"), "rb") as f:
            data = f.read()
        keys = [f"uploads/old/{i:03}.jpg" for i in range(30)]
        for key in keys:
            assert stack.s3_put("thumbs", key, data, "image/jpeg") == 200
        assert stack.s3_put("thumbs", "elsewhere/x.jpg", data, "image/jpeg") == 200
        work = tempfile.mkdtemp()
        checkpoint = os.path.join(work, "checkpoint")

        def backfill(*settings):
            return subprocess.run(
                [TOOL, "launch", "--once", "s3-list-source bucket=thumbs prefix=uploads/ " + " ".join(settings)
                 + " ! s3-get ! resize width=64 height=64 ! png-encode ! s3-put bucket=thumbs prefix=avatars/"],
                capture_output=True, text=True, env=thumbing_env(stack), timeout=120)

        try:
            result = backfill(f"checkpoint-file={checkpoint}")
            assert result.returncode == 0 and "processed 30, failed 0" in result.stderr, result.stderr
            with open(checkpoint) as f:
                assert f.read() == keys[-1] + "\n"
            assert len(stack.s3_list("thumbs", "avatars/")) == 30

            # A run killed after the first 20 wrote this checkpoint: the next one takes the other 10.
            with open(checkpoint, "w") as f:
                f.write(keys[19] + "\n")
            result = backfill(f"checkpoint-file={checkpoint}")
            assert "processed 10, failed 0" in result.stderr and f"continuing after “{keys[19]}”" in result.stderr, \
                result.stderr

            result = backfill("skip-done-prefix=avatars/")
            assert "processed 0, failed 0" in result.stderr and "30 objects skipped" in result.stderr, result.stderr
            time.sleep(1.1)
            assert stack.s3_put("thumbs", keys[7], data, "image/jpeg") == 200
            result = backfill("skip-done-prefix=avatars/")
            assert "processed 1, failed 0" in result.stderr and "29 objects skipped" in result.stderr, result.stderr
        finally:
            shutil.rmtree(work)


def test_a_missing_topic_fails_the_items_and_keeps_the_messages():
    with AwsStack(**stack_config("direct")) as stack:
        upload_all(stack)
        wait_for_depth(stack, "uploads", len(KEYS))
        result = run_thumbing(stack, env={"THUMBING_TOPIC_NAME": "missing", "THUMBING_RETRY_DELAY": "1"})
        assert result.returncode == 1, result.stderr
        assert "no SNS topic is named “missing”" in result.stderr, result.stderr
        # Not announced, so not done: every message is still queued, or in the DLQ.
        assert stack.queue_depth("uploads") + stack.queue_depth("dlq") == len(KEYS)


def test_a_killed_worker_loses_nothing():
    with AwsStack(**stack_config("direct")) as stack:
        keys = [f"uploads/batch/{i:02}.jpg" for i in range(24)]
        with open(os.path.join(SAMPLES, "good", "photo-baseline.jpg"), "rb") as f:
            data = f.read()
        for key in keys:
            stack.s3_put("thumbs", key, data, "image/jpeg")
        wait_for_depth(stack, "uploads", len(keys))

        env = thumbing_env(stack, {"THUMBING_VISIBILITY_TIMEOUT": "2", "THUMBING_MAX_IN_FLIGHT": "4"})
        worker = subprocess.Popen([TOOL, "run", CONF], env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                                  text=True)
        first = worker.stdout.readline()
        worker.kill()
        worker.wait()
        worker.stdout.close()
        assert " -> s3://thumbs/avatars/batch/" in first, first

        # What the dead worker had taken becomes visible again and is redone.
        time.sleep(2.5)
        result = run_thumbing(stack, env={"THUMBING_VISIBILITY_TIMEOUT": "2"})
        assert result.returncode == 0, result.stderr
        for key in keys:
            headers, body = s3_get(stack, "avatars/" + key[len("uploads/"):])
            assert headers["Content-Type"] == "image/png" and struct.unpack(">II", body[16:24]) == (512, 512), key
        assert stack.queue_depth("uploads") == 0 and stack.queue_depth("dlq") == 0


def record(key, etag=None):
    return {"eventVersion": "2.1", "eventSource": "aws:s3", "awsRegion": "us-east-1",
            "eventName": "ObjectCreated:Put",
            "s3": {"bucket": {"name": "thumbs", "arn": "arn:aws:s3:::thumbs"},
                   "object": {"key": urllib.parse.quote_plus(key, safe="/"), "size": 10, "sequencer": "0A"}}}


def test_many_records_and_the_test_event():
    with AwsStack(**stack_config("direct")) as stack:
        url = stack.endpoints["queues"]["uploads"]
        with open(os.path.join(SAMPLES, "good", "grey.jpg"), "rb") as f:
            stack.s3_put("thumbs", "elsewhere/a b.jpg", f.read(), "image/jpeg")
        # The notification sent when S3 is configured: deleted, nothing to do.
        stack.sqs("SendMessage", {"QueueUrl": url, "MessageBody": json.dumps(
            {"Service": "Amazon S3", "Event": "s3:TestEvent", "Bucket": "thumbs", "RequestId": "1", "HostId": "2"})})
        # One message, three records: one image, one gone, one outside the prefix.
        stack.sqs("SendMessage", {"QueueUrl": url, "MessageBody": json.dumps({"Records": [
            record("uploads/two words.jpg"), record("uploads/never-uploaded.jpg"), record("elsewhere/a b.jpg")]})})
        with open(os.path.join(SAMPLES, "good", "grey.jpg"), "rb") as f:
            stack.s3_put("thumbs", "uploads/two words.jpg", f.read(), "image/jpeg")
        wait_for_depth(stack, "uploads", 3)
        # One item at a time: two of them store the same key, and s3rver,
        # unlike S3, can fail a read while two PUTs of one key overlap.
        result = run_thumbing(stack, "--max-in-flight=1")
        assert result.returncode == 0, result.stderr
        # The crafted message's two wanted records became items, and the upload's
        # own event a third; every message went once its items were done.
        assert "processed 3, failed 0" in result.stderr, result.stderr
        assert "uploads/never-uploaded.jpg is gone; skipped" in result.stderr
        headers, body = s3_get(stack, "avatars/two words.jpg")
        assert struct.unpack(">II", body[16:24]) == (512, 512)
        assert stack.queue_depth("uploads") == 0 and stack.queue_depth("dlq") == 0


def test_check_refuses_outputs_that_come_back():
    with AwsStack(**stack_config("direct")) as stack:
        env = dict(os.environ, AWS_ACCESS_KEY_ID="S3RVER", AWS_SECRET_ACCESS_KEY="S3RVER",
                   THUMBING_QUEUE_URL=stack.endpoints["queues"]["uploads"], THUMBING_BUCKET_NAME="thumbs",
                   THUMBING_S3_FOLDER_INPUT="uploads/", THUMBING_S3_FOLDER_OUTPUT="uploads/thumbs/",
                   THUMBING_TOPIC_NAME="thumbnails")
        result = subprocess.run([TOOL, "check", CONF], capture_output=True, text=True, env=env, timeout=60)
        assert result.returncode == 1, result
        assert "[store]: s3-put writes to s3://thumbs/uploads/thumbs/, where source “uploads” reads" in result.stderr


if __name__ == "__main__":
    sys.exit(thumbing_tap.run([
        test_direct_s3_events,
        test_events_through_sns,
        test_poison_message_goes_to_the_dlq,
        test_deleted_object_is_acknowledged,
        test_s3_unreachable_for_a_while_then_back,
        test_a_500_on_one_put_is_retried,
        test_s3_slowing_down_for_a_while,
        test_an_item_slower_than_the_visibility_timeout_is_taken_once,
        test_a_clock_20_minutes_slow_is_corrected,
        test_queue_metrics,
        test_backfill_lists_resumes_and_skips_what_is_done,
        test_readiness_follows_the_queue,
        test_a_missing_topic_fails_the_items_and_keeps_the_messages,
        test_a_killed_worker_loses_nothing,
        test_many_records_and_the_test_event,
        test_check_refuses_outputs_that_come_back,
    ]))
