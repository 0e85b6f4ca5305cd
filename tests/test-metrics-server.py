#!/usr/bin/python3
"""metrics-server beside a running pipeline: /metrics is valid Prometheus
text exposition (checked by promtool from Debian's prometheus package) whose
counters equal what the run processed; /healthz and /readyz answer; bad
--metrics-address values are refused."""

import os
import shutil
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import thumbing_tap  # noqa: E402
from thumbing_daemon import TOOL, Daemon, free_port, metric_samples  # noqa: E402
from thumbing_daemon import http_get as get  # noqa: E402

SAMPLES = os.environ["THUMBING_TEST_SAMPLES"]


def test_metrics_count_what_was_processed():
    work = tempfile.mkdtemp()
    port = free_port()
    try:
        inbox = os.path.join(work, "in")
        os.makedirs(inbox)
        for name in ("grey.jpg", "photo-baseline.jpg", "sideways-exif6.jpg"):
            shutil.copy(os.path.join(SAMPLES, "good", name), inbox)
        shutil.copy(os.path.join(SAMPLES, "bad", "truncated.jpg"), inbox)
        conf = f"""[pipeline]
name=shop
stages=in;thumb;png;out
metrics-address=127.0.0.1:{port}

[in]
element=folder-source
path={inbox}
watch=true

[thumb]
element=resize
width=128
height=128

[png]
element=png-encode

[out]
element=folder-sink
path={work}/out
"""
        with Daemon(conf, [port]):
            deadline = time.monotonic() + 30
            while True:
                status, content_type, text = get(port, "/metrics")
                values = metric_samples(text)
                settled = sum(v for k, v in values.items() if k.startswith("thumbing_items_total{"))
                if settled == 4:
                    break
                assert time.monotonic() < deadline, text
                time.sleep(0.2)
            assert status == 200 and content_type.startswith("text/plain; version=0.0.4"), (status, content_type)
            check = subprocess.run(["promtool", "check", "metrics"], input=text, capture_output=True, text=True)
            assert check.returncode == 0, check.stdout + check.stderr
            assert values['thumbing_items_total{pipeline="shop",result="succeeded"}'] == 3, values
            assert values['thumbing_items_total{pipeline="shop",result="failed"}'] == 1, values
            assert values['thumbing_items_started_total{pipeline="shop"}'] == 4, values
            assert values['thumbing_item_failures_total{pipeline="shop",reason="bad-input"}'] == 1, values
            assert values['thumbing_stage_duration_seconds_count{pipeline="shop",stage="thumb"}'] == 4, values
            assert values['thumbing_stage_duration_seconds_count{pipeline="shop",stage="png"}'] == 3, values
            assert values['thumbing_stage_failures_total{pipeline="shop",stage="thumb"}'] == 1, values
            assert values['thumbing_items_in_flight{pipeline="shop"}'] == 0, values
            assert values["process_resident_memory_bytes"] > 1e6, values
            assert values["thumbing_vips_tracked_memory_peak_bytes"] > 0, values
            assert values['thumbing_worker_jobs{pipeline="shop",state="queued"}'] == 0, values
            assert values['thumbing_input_bytes_total{pipeline="shop"}'] == sum(
                os.path.getsize(os.path.join(inbox, n)) for n in os.listdir(inbox) if not n.startswith(".")), values
            assert values['thumbing_output_bytes_total{pipeline="shop"}'] == sum(
                os.path.getsize(os.path.join(work, "out", n)) for n in os.listdir(os.path.join(work, "out"))), values
            assert get(port, "/healthz")[:1] == (200,)
            assert get(port, "/readyz")[0] == 200
            assert get(port, "/nothing")[0] == 404
    finally:
        shutil.rmtree(work)


def test_bad_metrics_address_is_refused():
    for address, message in (("9464", "is not HOST:PORT"), ("127.0.0.1:99999", "is not HOST:PORT"),
                             ("256.1.1.1:9464", "is not an IP address")):
        result = subprocess.run([TOOL, "launch", "--once", f"--metrics-address={address}",
                                 "folder-source path=/nonexistent ! log"], capture_output=True, text=True, timeout=60)
        assert result.returncode != 0 and message in result.stderr, (address, result.stderr)


if __name__ == "__main__":
    sys.exit(thumbing_tap.run([test_metrics_count_what_was_processed, test_bad_metrics_address_is_refused]))
