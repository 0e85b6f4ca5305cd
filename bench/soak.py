#!/usr/bin/python3
"""A long run of one thumbing daemon on a mixed, partly hostile stream.

    python3 bench/soak.py [--images N] [--malloc-check] [--no-mallopt] [--valgrind] [--build DIR]

One `thumbing launch` process (2 workers, 16 images in flight) watches an
inbox with done=delete; this script keeps a few hundred inputs queued there,
hard links cycling over: Debian's wallpapers and artwork (bench/corpus.py:
JPEG, RGB and RGBA PNG, WebP, up to 16 MP), the test samples of every format
libvips reads here (AVIF, HEIC, GIF, TIFF, 16-bit PNG, CMYK JPEG, EXIF
orientations) and the hostile ones (truncated, corrupt, empty, not an image,
a 60000x60000 header), one in 25. Outputs are deleted as they appear, so
100,000 images fit on a small disk. It reports images, failures (each
hostile input must fail, nothing else), the peak RSS of every 5% of the
run (sampled every 50 ms: a single reading depends on which images happen
to be in flight) and the spread of those peaks after the first tenth
(warm-up), and exits non-zero on an abort, an unexpected failure or a peak
outside ±10% of their median after warm-up.

--malloc-check runs the daemon with glibc's malloc checking
(libc_malloc_debug.so, glibc.malloc.check=3: abort on heap corruption);
--no-mallopt leaves glibc's default thresholds (THUMBING_NO_MALLOPT=1);
--valgrind runs it under memcheck (use a few hundred images; VIPS_NOVECTOR=1,
as valgrind cannot follow orc's run-time SIMD code); --build
build-tsan runs the ThreadSanitizer build (with tests/tsan.supp), --build
build-sanitize the AddressSanitizer one, any report failing the run (under
ASan the RSS spread means nothing: freed memory waits in quarantine).
"""

import argparse
import json
import os
import platform
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BUILD = os.path.join(ROOT, "build")
SAMPLES = os.path.join(BUILD, "data", "samples")
sys.path.insert(0, os.path.join(ROOT, "bench"))
import corpus  # noqa: E402

ERROR = re.compile(r"^thumbing: error: (.+?): ")
QUEUED = 300


def inputs():
    good = corpus.debian_images(BUILD)
    good += [os.path.join(SAMPLES, "good", n) for n in sorted(os.listdir(os.path.join(SAMPLES, "good")))]
    hostile = [os.path.join(SAMPLES, "bad", n) for n in sorted(os.listdir(os.path.join(SAMPLES, "bad")))]
    return good, hostile


def snapshot(paths, folder):
    os.makedirs(folder)
    copies = []
    for i, path in enumerate(paths):
        copies.append(os.path.join(folder, f"{i:04d}{os.path.splitext(path)[1].lower()}"))
        shutil.copyfile(path, copies[-1])
    return copies


def sanitizer(build):
    """The b_sanitize option @build was configured with ("none" if none)."""
    with open(os.path.join(build, "meson-info", "intro-buildoptions.json")) as f:
        return next((o["value"] for o in json.load(f) if o["name"] == "b_sanitize"), "none")


def rss_kib(pid):
    """The process's resident size; 0 once it has ended (a zombie has none),
    which the next turn of the loop reports."""
    with open(f"/proc/{pid}/status") as f:
        return next((int(line.split()[1]) for line in f if line.startswith("VmRSS:")), 0)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--images", type=int, default=100000)
    parser.add_argument("--malloc-check", action="store_true")
    parser.add_argument("--no-mallopt", action="store_true")
    parser.add_argument("--valgrind", action="store_true")
    parser.add_argument("--build", default=BUILD, help="the build directory whose program runs (default: build)")
    args = parser.parse_args()
    build = os.path.abspath(args.build)
    tool = os.path.join(build, "src", "tools", "thumbing")
    for folder in {BUILD, build}:
        subprocess.run(["meson", "compile", "-C", folder], check=True, stdout=subprocess.DEVNULL)

    work = tempfile.mkdtemp(prefix="thumbing-soak-")
    # A private copy: a rebuild rewrites the samples in place, and the inbox's
    # hard links would see them empty for a moment (it happened once).
    good, hostile = (snapshot(paths, os.path.join(work, kind)) for paths, kind in zip(inputs(), ("good", "hostile")))
    inbox, outbox = os.path.join(work, "in"), os.path.join(work, "out")
    os.makedirs(inbox)
    os.makedirs(outbox)
    env = dict(os.environ, THUMBING_PLUGIN_PATH=os.path.join(build, "plugins"),
               TSAN_OPTIONS=f"suppressions={ROOT}/tests/tsan.supp halt_on_error=1",
               # LeakSanitizer's tracer and GCC 12's TLS interceptor do not
               # get along (tests/meson.build); a leak is not what this hunts.
               ASAN_OPTIONS="intercept_tls_get_addr=0:detect_leaks=0:abort_on_error=1")
    wrapper = []
    if sanitizer(build) == "thread":
        # GLib 2.74 recycles GObjects' memory between threads in its slice
        # magazines, out of ThreadSanitizer's sight: an image freed by one
        # worker and its memory reused by the other reads as a race.
        env["G_SLICE"] = "always-malloc"
    if args.malloc_check:
        env.update(LD_PRELOAD="libc_malloc_debug.so.0", GLIBC_TUNABLES="glibc.malloc.check=3")
    if args.no_mallopt:
        env["THUMBING_NO_MALLOPT"] = "1"
    if args.valgrind:
        # Valgrind cannot follow the SIMD code orc compiles at run time.
        env["VIPS_NOVECTOR"] = "1"
        wrapper = ["valgrind", "--error-exitcode=99", "-q", "--suppressions=" + os.path.join(ROOT, "tests", "valgrind.supp")]
    command = [*wrapper, tool, "launch", "--quiet", "--workers=2", "--max-in-flight=16",
               f"folder-source path={inbox} watch=true done=delete ! resize width=512 height=512"
               f" ! png-encode ! folder-sink path={outbox}"]
    print(f"machine: {platform.machine()}, {os.cpu_count()} processors; {len(good)} good inputs "
          f"({len(good) - len(os.listdir(os.path.join(SAMPLES, 'good')))} from Debian packages), "
          f"{len(hostile)} hostile; {args.images} images", flush=True)
    daemon = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    failed, unexpected, log = [], [], []

    def read_errors():
        for line in daemon.stderr:
            log.append(line)
            match = ERROR.match(line)
            if match:
                failed.append(match.group(1))
                name = os.path.basename(match.group(1))
                if not name.startswith("h"):
                    unexpected.append(line.rstrip())
                try:
                    os.unlink(match.group(1))
                except OSError:
                    pass

    reader = threading.Thread(target=read_errors, daemon=True)
    reader.start()
    fed = done = 0
    expected_failures = 0
    samples = []
    started = time.monotonic()
    next_report = 0
    window_peak = 0
    try:
        while done + len(failed) < args.images:
            if daemon.poll() is not None:
                reader.join(timeout=10)
                print("".join(line for line in log[-60:] if not ERROR.match(line)))
                raise RuntimeError(f"the daemon ended with status {daemon.returncode} after {done} images")
            while fed < args.images and fed - done - len(failed) < QUEUED:
                if fed % 25 == 24:
                    source, prefix = hostile[(fed // 25) % len(hostile)], "h"
                    expected_failures += 1
                else:
                    source, prefix = good[fed % len(good)], "g"
                os.link(source, os.path.join(inbox, f"{prefix}{fed:07d}{os.path.splitext(source)[1].lower()}"))
                fed += 1
            for name in os.listdir(outbox):
                if not name.startswith("."):
                    os.unlink(os.path.join(outbox, name))
                    done += 1
            window_peak = max(window_peak, rss_kib(daemon.pid))
            if done + len(failed) >= next_report:
                samples.append((done + len(failed), window_peak))
                print(f"{done + len(failed):>8} images  {len(failed):>6} failed  peak RSS {window_peak / 1024:7.1f} MiB"
                      f"  {time.monotonic() - started:7.0f} s", flush=True)
                next_report += max(1, args.images // 20)
                window_peak = 0
            time.sleep(0.05)
        final_rss = rss_kib(daemon.pid)
        if window_peak > 0:
            samples.append((args.images, max(window_peak, final_rss)))
    finally:
        daemon.send_signal(signal.SIGTERM)
        status = daemon.wait(timeout=120)
        reader.join(timeout=10)
        shutil.rmtree(work, ignore_errors=True)

    elapsed = time.monotonic() - started
    steady = [rss for count, rss in samples if count >= args.images // 10]
    median = statistics.median(steady)
    spread = max(abs(r - median) for r in steady) / median
    print(f"\n{args.images} images in {elapsed:.0f} s ({args.images / elapsed:.1f}/s): {done} thumbnails, "
          f"{len(failed)} failed ({expected_failures} hostile inputs), exit status {status}")
    print(f"RSS: peak {max(r for _, r in samples) / 1024:.1f} MiB, final {final_rss / 1024:.1f} MiB, "
          f"peaks after warm-up {min(steady) / 1024:.1f}-{max(steady) / 1024:.1f} MiB, spread ±{spread * 100:.1f}% "
          f"of the median (target ±10%: {'met' if spread <= 0.10 else 'NOT met'})")
    for line in unexpected[:10]:
        print("unexpected failure:", line)
    # Exit status 1 says some items failed, as the hostile ones must;
    # anything else (a signal: an abort) is a crash.
    ok = status in (0, 1) and not unexpected and len(failed) == expected_failures and spread <= 0.10
    if status not in (0, 1):
        print("".join([line for line in log if not ERROR.match(line)][-200:]))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
