#!/usr/bin/python3
"""thumbing's side-by-side benchmark: one command, one machine, one run.

    python3 bench/run.py [--quick] [--concurrency N] [--repeat R] [--e2e N] [--soak N]

Kernel: on the same generated inputs (bench inputs of data/samples/make-samples:
JPEG and PNG photographs of 1 to 25 MP, every other PNG with alpha) and at the
same number of images in flight, it times
  (a) thumbing's pipeline  folder-source ! resize 512x512 ! png-encode ! folder-sink,
  (b) the seed's processImage with sharp 0.35.5 (bench/sharp-process.mjs),
  (c) a bare libvips loop (bench/vips-loop.c), the floor of what the framework costs,
and prints images/s, ratios, output bytes and peak RSS. Then peak memory on a
10000x10000 JPEG against vipsthumbnail, RSS over a long run, cold start against
one vipsthumbnail run, and, with --e2e N, N uploads drained from the local
S3/SQS stack by thumbing.conf and by the seed's handler (AWS SDK v3 + sharp),
once with the generated photographs and once with Debian's (bench/corpus.py).
Targets are printed as met or not; nothing here is asserted.
"""

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BUILD = os.path.join(ROOT, "build")
BENCH = os.path.join(ROOT, "bench")
TOOL = os.path.join(BUILD, "src", "tools", "thumbing")
VIPS_LOOP = os.path.join(BUILD, "bench", "vips-loop")
INPUTS = os.path.join(BUILD, "bench", "inputs")
NODE = os.environ.get("THUMBING_TEST_NODE", "node")
ROUNDS = 3
sys.path.insert(0, os.path.join(ROOT, "tests"))
sys.path.insert(0, BENCH)
import corpus  # noqa: E402


def say(text):
    print(text, flush=True)


def prepare():
    if not os.path.exists(os.path.join(BUILD, "build.ninja")):
        subprocess.run(["meson", "setup", BUILD, ROOT], check=True, stdout=subprocess.DEVNULL)
    subprocess.run(["meson", "compile", "-C", BUILD], check=True, stdout=subprocess.DEVNULL)
    lock = os.path.join(BENCH, "package-lock.json")
    stamp = os.path.join(BENCH, "node_modules", ".thumbing-lock")
    if not os.path.exists(stamp) or open(stamp).read() != open(lock).read():
        subprocess.run(["npm", "ci", "--no-audit", "--no-fund", "--loglevel=error"], cwd=BENCH, check=True)
        shutil.copy(lock, stamp)
    if not os.path.exists(os.path.join(INPUTS, "huge-10000x10000.jpg")):
        say("generating the inputs (photographs, CC0, made by data/samples/make-samples --bench)")
        subprocess.run([os.path.join(BUILD, "data", "make-samples"), "--bench", INPUTS], check=True)


def env():
    return dict(os.environ, THUMBING_PLUGIN_PATH=os.path.join(BUILD, "plugins"))


class Measured:
    def __init__(self, seconds, peak_rss_kib, output_bytes, count, cpu_seconds=0.0):
        self.seconds = seconds
        self.peak_rss_kib = peak_rss_kib
        self.output_bytes = output_bytes
        self.count = count
        self.cpu_seconds = cpu_seconds

    @property
    def rate(self):
        return self.count / self.seconds


def measure(command, outdir, count, environment=None, rss_samples=None):
    """Runs @command; wall time, peak RSS (the child's own), bytes written to @outdir."""
    shutil.rmtree(outdir, ignore_errors=True)
    os.makedirs(outdir)
    started = time.monotonic()
    process = subprocess.Popen(command, env=environment or env(), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    sampler = None
    if rss_samples is not None:
        sampler = threading.Thread(target=sample_rss, args=(process, outdir, rss_samples), daemon=True)
        sampler.start()
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.monotonic() - started
    stderr = process.stderr.read().decode(errors="replace")
    process.stderr.close()
    if status != 0:
        raise RuntimeError(f"{command[0]} failed ({status}): {stderr}")
    if not os.listdir(outdir):
        raise RuntimeError(f"{command[0]} wrote nothing: {stderr}")
    if sampler is not None:
        sampler.join()
    written = sum(os.path.getsize(os.path.join(d, f)) for d, _, fs in os.walk(outdir) for f in fs
                  if not f.startswith("."))
    return Measured(seconds, usage.ru_maxrss, written, count, usage.ru_utime + usage.ru_stime)


def sample_rss(process, outdir, samples):
    """(files written so far, RSS in KiB) every 200 ms while @process runs."""
    status = f"/proc/{process.pid}/status"
    while process.poll() is None:
        try:
            with open(status) as f:
                rss = next(int(line.split()[1]) for line in f if line.startswith("VmRSS:"))
            samples.append((len(os.listdir(outdir)), rss))
        except (OSError, StopIteration):
            return
        time.sleep(0.2)


def replicated(folder, repeat, work):
    """A folder holding @repeat hard links of every input of @folder."""
    target = os.path.join(work, os.path.basename(folder) + f"-x{repeat}")
    shutil.rmtree(target, ignore_errors=True)
    os.makedirs(target)
    for r in range(repeat):
        for name in sorted(os.listdir(folder)):
            os.link(os.path.join(folder, name), os.path.join(target, f"r{r:03d}-{name}"))
    return target


# png-encode's defaults (filter avg, level 1) write photographs about 45%
# smaller than sharp's (filter none, level 6); the second thumbing row uses
# sharp's settings to show what the defaults change.
SHARP_PNG = "filter=none compression=6"


def thumbing_command(inbox, outbox, concurrency, work, png=""):
    journal = os.path.join(work, f"journal-{time.monotonic_ns()}")
    return [TOOL, "launch", "--once", "--quiet", f"--max-in-flight={concurrency}", f"--workers={concurrency}",
            f"folder-source path={inbox} record-file={journal} ! resize width=512 height=512"
            f" ! png-encode {png} ! folder-sink path={outbox}"]


def files_of(folder):
    return [os.path.join(folder, name) for name in sorted(os.listdir(folder)) if not name.startswith(".")]


def verdict(value, target, higher_is_better=True):
    met = value >= target if higher_is_better else value <= target
    return "met" if met else "NOT met"


def median_runs(contestants, run):
    """ROUNDS rounds of run(round, label, command) for each contestant, the
    contestants taking turns so a noisy moment hits all of them; the median
    run of each, by label."""
    runs = {label: [] for label, _ in contestants}
    for round_number in range(ROUNDS):
        for label, command in contestants:
            runs[label].append(run(round_number, label, command))
    return {label: sorted(measured, key=lambda m: m.seconds)[ROUNDS // 2] for label, measured in runs.items()}


def kernel(name, folder, concurrency, repeat, work, results):
    inbox = replicated(folder, repeat, work)
    files = files_of(inbox)
    out = os.path.join(work, "out")
    # Commands are made per run: thumbing's journal must start empty.
    contestants = [
        ("thumbing", lambda: thumbing_command(inbox, out, concurrency, work)),
        ("  sharp's PNG", lambda: thumbing_command(inbox, out, concurrency, work, SHARP_PNG)),
        ("sharp 0.35.5", lambda: [NODE, os.path.join(BENCH, "sharp-process.mjs"), str(concurrency), out, *files]),
        ("bare libvips", lambda: [VIPS_LOOP, str(concurrency), out, *files]),
    ]
    say(f"\n{name}: {len(files)} images ({len(files) // repeat} inputs x {repeat}), {concurrency} in flight,"
        f" median of {ROUNDS} runs")
    say(f"  {'':16} {'images/s':>9} {'seconds':>8} {'output bytes':>13} {'peak RSS':>10}")
    # Warm the page cache and every library once first.
    for _, command in contestants:
        measure(command(), out, len(files))
    measured = median_runs(contestants, lambda _round, _label, command: measure(command(), out, len(files)))
    for label, m in measured.items():
        say(f"  {label:16} {m.rate:9.2f} {m.seconds:8.2f} {m.output_bytes:13,d} {m.peak_rss_kib / 1024:8.1f} MiB")
    results[name] = measured
    return measured


# vipsthumbnail writes PNG as the bare loop does (bench/vips-loop.c).
VIPSTHUMBNAIL_PNG = "%s.png[compression=1,filter=avg]"


def peak_memory(work):
    huge = os.path.join(INPUTS, "huge-10000x10000.jpg")
    out = os.path.join(work, "huge-out")
    ours = measure(thumbing_command(huge, out, 1, work), out, 1)
    theirs = measure(["vipsthumbnail", huge, "--size", "512x512", "--smartcrop", "centre",
                      "-o", os.path.join(out, VIPSTHUMBNAIL_PNG)], out, 1)
    return ours, theirs


def cold_start(work):
    two_mp = os.path.join(INPUTS, "jpeg", "02mp-1632x1224.jpg")
    out = os.path.join(work, "cold-out")
    ours = [measure(thumbing_command(two_mp, out, 1, work), out, 1).seconds for _ in range(7)]
    theirs = [measure(["vipsthumbnail", two_mp, "--size", "512x512", "--smartcrop", "centre",
                       "-o", os.path.join(out, VIPSTHUMBNAIL_PNG)], out, 1).seconds for _ in range(7)]
    return statistics.median(ours), statistics.median(theirs)


def soak(count, concurrency, work):
    inbox = os.path.join(work, "soak")
    shutil.rmtree(inbox, ignore_errors=True)
    os.makedirs(inbox)
    source = os.path.join(INPUTS, "jpeg", "02mp-1632x1224.jpg")
    for i in range(count):
        os.link(source, os.path.join(inbox, f"{i:05d}.jpg"))
    samples = []
    out = os.path.join(work, "soak-out")
    m = measure(thumbing_command(inbox, out, concurrency, work), out, count, rss_samples=samples)
    shutil.rmtree(inbox)
    # After the first tenth (caches, pools and allocator arenas warm up).
    steady = [rss for done, rss in samples if done >= count // 10]
    return m, steady


def end_to_end(count, concurrency, paths):
    """@count uploads of @paths' photographs in turn, drained by each side."""
    from aws_stack import AwsStack

    subprocess.run(["npm", "ci", "--no-audit", "--no-fund", "--loglevel=error"],
                   cwd=os.path.join(ROOT, "tests", "servers"), check=True)
    photos = [open(path, "rb").read() for path in paths]
    # The seed tells its topic through an S3 notification on the output
    # prefix; thumbing.conf publishes itself. A queue subscribed to the topic
    # shows when every image has been announced, which ends each timing.
    config = dict(buckets=["thumbs"], queues=[{"name": "uploads"}, {"name": "announced"}],
                  topics=[{"name": "thumbnails", "queues": ["announced"]}],
                  notifications=[{"bucket": "thumbs", "prefix": "uploads/", "queue": "uploads"},
                                 {"bucket": "thumbs", "prefix": "seed-avatars/", "topic": "thumbnails"}])
    with AwsStack(**config) as stack:
        aws_env = dict(env(), AWS_ACCESS_KEY_ID="S3RVER", AWS_SECRET_ACCESS_KEY="S3RVER", AWS_REGION="us-east-1",
                       AWS_ENDPOINT_URL_S3=stack.endpoints["s3"], AWS_ENDPOINT_URL_SQS=stack.endpoints["sqs"],
                       AWS_ENDPOINT_URL_SNS=stack.endpoints["sqs"],
                       THUMBING_QUEUE_URL=stack.endpoints["queues"]["uploads"], THUMBING_BUCKET_NAME="thumbs",
                       THUMBING_TOPIC_NAME="thumbnails", THUMBING_MAX_IN_FLIGHT=str(concurrency),
                       QUEUE_URL=stack.endpoints["queues"]["uploads"], BUCKET_NAME="thumbs",
                       FOLDER_INPUT="uploads/", FOLDER_OUTPUT="seed-avatars/", CONCURRENCY=str(concurrency))
        contestants = [
            ("thumbing.conf", [TOOL, "run", "--once", "--quiet", f"--workers={concurrency}",
                               os.path.join(ROOT, "data", "pipelines", "thumbing.conf")]),
            ("seed handler", [NODE, os.path.join(BENCH, "seed-handler.mjs")]),
        ]
        results = median_runs(contestants, lambda round_number, label, command: drain(
            stack, f"{label[:4]}-{round_number}", command, aws_env, photos, count))
    return results


def drain(stack, name, command, aws_env, photos, count):
    """Uploads @count photographs, waits for their events in the queue, and
    times @command from its start until every image reached the topic."""
    announced = stack.queue_depth("announced")
    for i in range(count):
        assert stack.s3_put("thumbs", f"uploads/{name}-{i:05d}.jpg", photos[i % len(photos)], "image/jpeg") == 200
    deadline = time.monotonic() + 120
    while stack.queue_depth("uploads") < count:
        if time.monotonic() > deadline:
            raise RuntimeError("the S3 events never all reached the queue")
        time.sleep(0.2)
    started = time.monotonic()
    stack_cpu = cpu_seconds(stack.pid)
    process = subprocess.Popen(command, env=aws_env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(process.pid, 0)
    stderr = process.stderr.read().decode(errors="replace")
    process.stderr.close()
    if status != 0:
        raise RuntimeError(f"{command[0]} failed: {stderr}")
    deadline = time.monotonic() + 120
    while stack.queue_depth("announced") < announced + count:
        if time.monotonic() > deadline:
            raise RuntimeError(f"{command[0]}: not every image reached the topic")
        time.sleep(0.05)
    seconds = time.monotonic() - started
    if stack.queue_depth("uploads") != 0:
        raise RuntimeError(f"{command[0]} left messages in the queue")
    measured = Measured(seconds, usage.ru_maxrss, 0, count)
    measured.cpu = (usage.ru_utime + usage.ru_stime, cpu_seconds(stack.pid) - stack_cpu)
    return measured


def cpu_seconds(pid):
    """User plus system time a running process has used."""
    fields = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def machine():
    cpu = next((line.split(":", 1)[1].strip() for line in open("/proc/cpuinfo") if line.startswith("model name")),
               platform.processor())
    memory = next(int(line.split()[1]) for line in open("/proc/meminfo") if line.startswith("MemTotal"))
    vips = subprocess.run(["pkg-config", "--modversion", "vips"], capture_output=True, text=True).stdout.strip()
    return f"{os.cpu_count()} x {cpu}, {memory / 1024 / 1024:.0f} GiB, {platform.platform()}, libvips {vips}"


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="fewer repeats, a short soak, no end to end")
    parser.add_argument("--concurrency", type=int, default=os.cpu_count(), help="images in flight (default: processors)")
    parser.add_argument("--repeat", type=int, default=None, help="times each input is processed per run")
    parser.add_argument("--soak", type=int, default=None, help="images in the RSS run (default 5000, quick 500)")
    parser.add_argument("--e2e", type=int, default=None, help="uploads in the end-to-end run (default 200, quick 0)")
    args = parser.parse_args()
    repeat = args.repeat or (2 if args.quick else 6)
    soak_count = args.soak if args.soak is not None else (500 if args.quick else 5000)
    e2e_count = args.e2e if args.e2e is not None else (0 if args.quick else 200)

    prepare()
    say(f"machine: {machine()}")
    work = tempfile.mkdtemp(prefix="thumbing-bench-")
    results = {}
    targets = []
    try:
        for name in ("jpeg", "png"):
            m = kernel(f"{name.upper()} photos", os.path.join(INPUTS, name), args.concurrency, repeat, work, results)
            ours, sharp, bare = m["thumbing"], m["sharp 0.35.5"], m["bare libvips"]
            alike = m["  sharp's PNG"]
            speed_target = 1.2 if name == "jpeg" else 1.0
            say(f"  thumbing / sharp: {ours.rate / sharp.rate:.2f}x   thumbing / bare libvips: {ours.rate / bare.rate:.2f}x"
                f"   output bytes thumbing / sharp: {ours.output_bytes / sharp.output_bytes:.3f}")
            say(f"  with sharp's PNG settings: thumbing / sharp {alike.rate / sharp.rate:.2f}x,"
                f" output bytes {alike.output_bytes / sharp.output_bytes:.3f}")
            targets.append((f"{name.upper()}: >= {speed_target}x sharp's images/s", ours.rate / sharp.rate, speed_target, True))
            targets.append((f"{name.upper()}: >= 0.97x the bare libvips loop", ours.rate / bare.rate, 0.97, True))
            targets.append((f"{name.upper()}: PNG bytes <= 1.02x sharp's", ours.output_bytes / sharp.output_bytes, 1.02, False))

        ours, theirs = peak_memory(work)
        say(f"\n10000x10000 JPEG: thumbing peak RSS {ours.peak_rss_kib / 1024:.1f} MiB,"
            f" vipsthumbnail {theirs.peak_rss_kib / 1024:.1f} MiB")
        targets.append(("peak RSS on a 10000x10000 JPEG <= 1.2x vipsthumbnail's",
                        ours.peak_rss_kib / theirs.peak_rss_kib, 1.2, False))

        ours_start, theirs_start = cold_start(work)
        say(f"cold start (process start to a 2 MP image written, median of 7): thumbing {ours_start * 1000:.0f} ms,"
            f" vipsthumbnail {theirs_start * 1000:.0f} ms")
        targets.append(("cold start <= 1.2x one vipsthumbnail run", ours_start / theirs_start, 1.2, False))

        if soak_count > 0:
            m, steady = soak(soak_count, args.concurrency, work)
            median = statistics.median(steady) if steady else 0
            spread = (max(steady) - min(steady)) / 2 / median if steady else 0
            say(f"{soak_count} images in one process: {m.rate:.1f} images/s, RSS after warm-up"
                f" {min(steady) / 1024:.1f}-{max(steady) / 1024:.1f} MiB (±{spread * 100:.1f}% of the median)")
            targets.append((f"RSS flat (±10%) over {soak_count} images", spread, 0.10, False))

        if e2e_count > 0:
            # The kernel's generated photographs (1 to 25 MP), and Debian's
            # (bench/real.py's JPEG class), whose entropy decoding weighs less.
            for label, paths in (("generated photographs", files_of(os.path.join(INPUTS, "jpeg"))),
                                 ("Debian's JPEG photographs", corpus.debian_jpeg_photos(BUILD))):
                say(f"\nend to end, {label}: {e2e_count} uploads -> S3 events -> SQS, drained on s3rver + fauxqs,"
                    f" median of {ROUNDS} runs")
                e2e = end_to_end(e2e_count, args.concurrency, paths)
                for side, m in e2e.items():
                    say(f"  {side:14} {m.rate:7.2f} images/s ({m.seconds:.1f} s; CPU {m.cpu[0]:.1f} s in the drainer,"
                        f" {m.cpu[1]:.1f} s in the S3/SQS/SNS stack; peak RSS {m.peak_rss_kib / 1024:.0f} MiB)")
                ratio = e2e["thumbing.conf"].rate / e2e["seed handler"].rate
                say(f"  thumbing.conf / seed handler: {ratio:.2f}x")
                targets.append((f"end to end, {label}: >= 1.5x the seed handler", ratio, 1.5, True))
    finally:
        shutil.rmtree(work, ignore_errors=True)

    say("\ntargets")
    for label, value, target, higher in targets:
        say(f"  {verdict(value, target, higher):8} {label}: {value:.3f}")
    with open(os.path.join(BUILD, "bench", "results.json"), "w") as f:
        json.dump({name: {label: vars(m) for label, m in measured.items()} for name, measured in results.items()}, f,
                  indent=2)


if __name__ == "__main__":
    main()
