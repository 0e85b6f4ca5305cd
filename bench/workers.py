#!/usr/bin/python3
"""Throughput of 1, 2 and 3 `thumbing run` workers on one SQS queue.

    python3 bench/workers.py [--uploads N] [--rounds R] [--workers 1,2,3]

For each worker count and round: a fresh local S3/SQS/SNS stack
(tests/servers/aws-stack.mjs), N uploads queued first (the mix of
tests/fleet.py: mostly 400x800 JPEGs, every tenth a 2 MP JPEG, every
fiftieth a 4 MB RGBA PNG), then the workers start and the clock runs until
every thumbnail is stored. Prints images/s per worker count, median and
range over the rounds. The local servers share the machine's processors with
the workers, so this shows how the framework scales on one host, not what
AWS would do. Nothing here is asserted.
"""

import argparse
import os
import platform
import statistics
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BUILD = os.path.join(ROOT, "build")
os.environ.setdefault("THUMBING_TOOL", os.path.join(BUILD, "src", "tools", "thumbing"))
os.environ.setdefault("THUMBING_PLUGIN_PATH", os.path.join(BUILD, "plugins"))
sys.path.insert(0, os.path.join(ROOT, "tests"))
import fleet  # noqa: E402
from aws_stack import AwsStack  # noqa: E402

SAMPLES = os.path.join(BUILD, "data", "samples")


def one_round(workers, uploads):
    with AwsStack(**fleet.stack_config()) as stack:
        fleet.upload_many(stack, SAMPLES, uploads)
        deadline = time.monotonic() + 120
        while stack.queue_depth("uploads") < uploads:
            assert time.monotonic() < deadline, "the uploads never all reached the queue"
            time.sleep(0.2)
        started = time.monotonic()
        running = fleet.Fleet(stack, workers)
        try:
            fleet.wait_for_outputs(stack, uploads, started + 1200, every=0.2)
            elapsed = time.monotonic() - started
        finally:
            running.stop()
        return uploads / elapsed


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--uploads", type=int, default=600)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--workers", default="1,2,3")
    args = parser.parse_args()
    subprocess.run(["meson", "compile", "-C", BUILD], check=True, stdout=subprocess.DEVNULL)

    print(f"machine: {platform.machine()}, {os.cpu_count()} processors, {platform.platform()}")
    print(f"{args.uploads} uploads queued, then the workers start; {args.rounds} rounds each")
    print(f"{'workers':>8} {'images/s (median)':>18} {'range':>16} {'vs 1 worker':>12}")
    baseline = None
    for workers in (int(n) for n in args.workers.split(",")):
        rates = [one_round(workers, args.uploads) for _ in range(args.rounds)]
        median = statistics.median(rates)
        baseline = baseline or median
        print(f"{workers:>8} {median:>18.1f} {min(rates):>7.1f} – {max(rates):<6.1f} {median / baseline:>11.2f}x",
              flush=True)


if __name__ == "__main__":
    main()
