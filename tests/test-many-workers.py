#!/usr/bin/python3
"""Three `thumbing run` workers on one SQS queue, 1,000 uploads arriving while
one worker after another is killed with SIGKILL and replaced: every upload
gets exactly one thumbnail, every thumbnail an SNS message, and the queue and
its DLQ end empty. Duplicate SNS messages (items in flight at a kill) are
counted and reported."""

import collections
import concurrent.futures
import json
import os
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import fleet  # noqa: E402
import thumbing_tap  # noqa: E402
from aws_stack import AwsStack  # noqa: E402

SAMPLES = os.environ["THUMBING_TEST_SAMPLES"]
UPLOADS = int(os.environ.get("THUMBING_FLEET_UPLOADS", "1000"))
MAX_IN_FLIGHT = 8
KILL_EVERY = 2.0
# A kill waits for this many new thumbnails, so a slow machine still progresses.
KILL_AFTER = 25


def test_killed_workers_lose_nothing():
    with AwsStack(**fleet.stack_config()) as stack:
        workers = fleet.Fleet(stack, 3, {"THUMBING_VISIBILITY_TIMEOUT": "4",
                                         "THUMBING_MAX_IN_FLIGHT": str(MAX_IN_FLIGHT)})
        keys = []
        uploader = threading.Thread(target=lambda: keys.extend(fleet.upload_many(stack, SAMPLES, UPLOADS)))
        uploader.start()
        last_kill = [time.monotonic(), 0]

        def kill_now_and_then(done):
            # A message taken maxReceiveCount times without success would never come out.
            assert stack.queue_depth("dlq") == 0, f"an upload reached the DLQ ({done} thumbnails so far)"
            if time.monotonic() - last_kill[0] >= KILL_EVERY and done - last_kill[1] >= KILL_AFTER:
                workers.kill()
                last_kill[:] = [time.monotonic(), done]

        try:
            outputs = fleet.wait_for_outputs(stack, UPLOADS, time.monotonic() + 600, during=kill_now_and_then)
            uploader.join()
            # What a killed worker had taken reappears after the visibility timeout and is redone.
            deadline = time.monotonic() + 60
            while stack.queue_depth("uploads") != 0:
                assert time.monotonic() < deadline, "the upload queue never emptied"
                time.sleep(0.5)
        finally:
            codes = workers.stop()
        assert codes == [0, 0, 0], codes

        assert sorted(outputs) == sorted(fleet.output_key(k) for k in keys), "one thumbnail per upload, no other"
        with concurrent.futures.ThreadPoolExecutor(8) as pool:
            list(pool.map(lambda key: fleet.check_output(stack, key), keys))
        assert stack.queue_depth("dlq") == 0

        announced = collections.Counter(json.loads(json.loads(m["Body"])["Message"])["output"]["key"]
                                        for m in stack.receive_all("notified"))
        assert set(announced) == set(outputs), set(outputs) ^ set(announced)
        duplicates = sum(announced.values()) - len(announced)
        print(f"# {UPLOADS} uploads, {workers.kills} workers killed, {duplicates} duplicate SNS messages")
        # Only what was in flight at a kill can be announced twice.
        assert duplicates <= workers.kills * MAX_IN_FLIGHT, (duplicates, workers.kills)


if __name__ == "__main__":
    sys.exit(thumbing_tap.run([test_killed_workers_lose_nothing]))
