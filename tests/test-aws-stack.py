#!/usr/bin/python3
"""The local S3/SQS/SNS stack the AWS tests run against: events arrive as S3
sends them, directly and through SNS, a dead-letter queue takes poison
messages, and stopping it leaves nothing running."""

import json
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import thumbing_tap  # noqa: E402
from aws_stack import AwsStack  # noqa: E402

STACK = dict(
    buckets=["thumbs"],
    queues=[{"name": "dlq"}, {"name": "uploads", "redrive": {"dlq": "dlq", "maxReceiveCount": 1}},
            {"name": "wrapped"}, {"name": "raw"}],
    topics=[{"name": "events", "queues": ["wrapped", {"name": "raw", "raw": True}]}],
    notifications=[{"bucket": "thumbs", "prefix": "uploads/", "queue": "uploads"},
                   {"bucket": "thumbs", "prefix": "uploads/", "topic": "events"}],
)


def test_events_arrive_as_s3_sends_them():
    with AwsStack(**STACK) as stack:
        assert stack.endpoints["queues"]["uploads"].startswith("http://127.0.0.1:")
        assert stack.s3_put("thumbs", "uploads/red flower+日本.jpg", b"x") == 200
        assert stack.s3_put("thumbs", "avatars/ignored.png", b"y") == 200
        direct = stack.receive_all("uploads")
        assert len(direct) == 1, direct
        record = json.loads(direct[0]["Body"])["Records"][0]
        assert record["eventVersion"] == "2.1" and record["eventName"] == "ObjectCreated:Put"
        assert record["s3"]["object"]["key"] == "uploads/red+flower%2B%E6%97%A5%E6%9C%AC.jpg"
        assert record["s3"]["bucket"]["arn"] == "arn:aws:s3:::thumbs"
        wrapped = json.loads(stack.receive_all("wrapped")[0]["Body"])
        assert wrapped["Type"] == "Notification" and wrapped["Subject"] == "Amazon S3 Notification"
        assert json.loads(wrapped["Message"])["Records"][0]["s3"]["object"]["key"] == record["s3"]["object"]["key"]
        raw = json.loads(stack.receive_all("raw")[0]["Body"])
        assert raw["Records"][0]["s3"]["bucket"]["name"] == "thumbs"


def test_poison_messages_reach_the_dead_letter_queue():
    with AwsStack(**STACK) as stack:
        url = stack.endpoints["queues"]["uploads"]
        stack.sqs("SendMessage", {"QueueUrl": url, "MessageBody": "not json"})
        first = stack.sqs("ReceiveMessage", {"QueueUrl": url, "VisibilityTimeout": 0})
        assert len(first["Messages"]) == 1
        time.sleep(0.2)
        assert not stack.sqs("ReceiveMessage", {"QueueUrl": url, "WaitTimeSeconds": 1}).get("Messages")
        dead = stack.receive_all("dlq")
        assert [m["Body"] for m in dead] == ["not json"]


def test_stopping_leaves_nothing_running():
    with AwsStack(**STACK) as stack:
        pid = stack.pid
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return
    raise AssertionError(f"the stack (pid {pid}) is still running")


if __name__ == "__main__":
    sys.exit(thumbing_tap.run([
        test_events_arrive_as_s3_sends_them,
        test_poison_messages_reach_the_dead_letter_queue,
        test_stopping_leaves_nothing_running,
    ]))
