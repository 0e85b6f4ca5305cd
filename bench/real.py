#!/usr/bin/python3
"""thumbing against sharp on real images, by input class.

    python3 bench/real.py [--concurrency N] [--repeat R] [--classes a,b]

The inputs are what Debian ships in its wallpaper and artwork packages
(bench/corpus.py: `apt-get download`, unpacked in build/bench/debian, never
committed), sorted by what each file is, read from its header and pixels:
JPEG photos, PNG RGB, PNG RGBA with real transparency, PNG RGBA that is
fully opaque, palette PNGs, WebP (Debian's JPEG photos converted by cwebp
-q 85, as a site would serve them), HEIC (the same, by libheif's encoder,
where it can write), and large inputs (>= 20 MP, any format). For each
class (images of 0.25 MP and more: wallpapers and artwork, not icons),
whole processes side by side as bench/run.py runs them (the seed's
processImage with sharp 0.35.5, thumbing's launch line), the median of
three runs: images/s, CPU seconds per image, output bytes. Then one image at
a time: a 24 MP JPEG and a 9 MP RGBA PNG, latency against sharp's.
Targets are printed, met or not; nothing is asserted.
"""

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time

BENCH = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, BENCH)
import corpus  # noqa: E402
import run  # noqa: E402

CLASSES = ["jpeg", "png-rgb", "png-rgba-transparent", "png-rgba-opaque", "png-palette", "webp", "heic", "large"]


def alpha_is_opaque(path):
    """Whether the alpha band's smallest value is 255 (decodes the image)."""
    result = subprocess.run(["vips", "extract_band", path, "--n", "1", "/dev/stdout[format=v]", "3"],
                            capture_output=True)
    with tempfile.NamedTemporaryFile(suffix=".v") as f:
        f.write(result.stdout)
        f.flush()
        smallest = subprocess.run(["vips", "min", f.name], capture_output=True, text=True).stdout.strip()
    return smallest != "" and float(smallest) == 255


def classify(paths, work):
    classes = {name: [] for name in CLASSES}
    photos = []
    for path in paths:
        fields = corpus.header(path)
        loader = fields.get("vips-loader", "")
        # Wallpapers and artwork, not the packages' icons and logos.
        if corpus.pixels(fields) < corpus.MIN_PIXELS:
            continue
        if corpus.pixels(fields) >= corpus.LARGE_PIXELS:
            classes["large"].append(path)
            continue
        if loader.startswith("jpeg"):
            classes["jpeg"].append(path)
            photos.append(path)
        elif loader.startswith("png"):
            bands = int(fields.get("bands", 0))
            if "palette-bit-depth" in fields or fields.get("palette", "") == "1":
                classes["png-palette"].append(path)
            elif bands in (2, 4):
                classes["png-rgba-opaque" if alpha_is_opaque(path) else "png-rgba-transparent"].append(path)
            else:
                classes["png-rgb"].append(path)
        elif loader.startswith("webp"):
            classes["webp"].append(path)
    # WebP and HEIC as a site would serve Debian's photographs.
    for kind, suffix, options in (("webp", ".webp", "[Q=85]"), ("heic", ".heic", "[Q=60,compression=hevc]")):
        folder = os.path.join(work, f"made-{kind}")
        os.makedirs(folder, exist_ok=True)
        for path in photos[:12]:
            target = os.path.join(folder, os.path.splitext(os.path.basename(path))[0] + suffix)
            made = subprocess.run(["vips", "copy", path, target + options], capture_output=True)
            if made.returncode == 0 and os.path.getsize(target) > 0:
                classes[kind].append(target)
    return classes


def class_folder(paths, work, name):
    folder = os.path.join(work, "class-" + name)
    os.makedirs(folder)
    for i, path in enumerate(paths):
        os.link(path, os.path.join(folder, f"{i:03d}-{os.path.basename(path)}"))
    return folder


def compare(folder, concurrency, repeat, work):
    inbox = run.replicated(folder, repeat, work)
    files = run.files_of(inbox)
    out = os.path.join(work, "out")
    contestants = [
        ("thumbing", lambda: run.thumbing_command(inbox, out, concurrency, work)),
        ("sharp", lambda: [run.NODE, os.path.join(BENCH, "sharp-process.mjs"), str(concurrency), out, *files]),
    ]
    for _, command in contestants:
        run.measure(command(), out, len(files))
    return run.median_runs(contestants, lambda _round, _label, command: run.measure(command(), out, len(files)))


def latency(path, work):
    """Seconds for one image, one at a time: eight in one process each side,
    the mean, process start included once."""
    out = os.path.join(work, "latency")
    folder = os.path.join(work, "latency-in")
    shutil.rmtree(folder, ignore_errors=True)
    os.makedirs(folder)
    for i in range(8):
        os.link(path, os.path.join(folder, f"{i}-{os.path.basename(path)}"))
    ours = run.measure(run.thumbing_command(folder, out, 1, work), out, 8)
    theirs = run.measure([run.NODE, os.path.join(BENCH, "sharp-process.mjs"), "1", out, *run.files_of(folder)], out, 8)
    return ours.seconds / 8, theirs.seconds / 8


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--concurrency", type=int, default=2)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--classes", default=",".join(CLASSES))
    args = parser.parse_args()
    run.prepare()
    print(f"machine: {run.machine()}", flush=True)
    work = tempfile.mkdtemp(prefix="thumbing-real-")
    targets = []
    try:
        classes = classify(corpus.debian_images(run.BUILD), work)
        print(f"\n{'class':22} {'inputs':>6} {'thumbing/s':>10} {'sharp/s':>8} {'ratio':>6} "
              f"{'CPU s/img ours':>14} {'sharp':>6} {'bytes ours/sharp':>16}", flush=True)
        for name in args.classes.split(","):
            paths = classes.get(name, [])
            if not paths:
                print(f"{name:22} {0:6}  (none readable on this machine)", flush=True)
                continue
            try:
                measured = compare(class_folder(paths, work, name), args.concurrency, args.repeat, work)
            except RuntimeError as error:
                print(f"{name:22} {len(paths):6}  (not readable by both: {str(error).splitlines()[0][:90]})",
                      flush=True)
                continue
            ours, sharp = measured["thumbing"], measured["sharp"]
            ratio = ours.rate / sharp.rate
            print(f"{name:22} {len(paths):6} {ours.rate:10.2f} {sharp.rate:8.2f} {ratio:6.2f} "
                  f"{ours.cpu_seconds / ours.count:14.3f} {sharp.cpu_seconds / sharp.count:6.3f} "
                  f"{ours.output_bytes / sharp.output_bytes:16.3f}", flush=True)
            want = 1.35 if name == "jpeg" else 1.2
            targets.append((f"{name}: >= {want}x sharp's images/s", ratio, want, True))
            targets.append((f"{name}: CPU per image <= sharp's", ours.cpu_seconds / sharp.cpu_seconds, 1.0, False))
        largest_jpeg = max(classes["jpeg"] + [p for p in classes["large"] if p.lower().endswith((".jpg", ".jpeg"))],
                           key=lambda p: corpus.pixels(corpus.header(p)),
                           default=None)
        rgba = sorted(classes["png-rgba-transparent"] + classes["png-rgba-opaque"],
                      key=lambda p: corpus.pixels(corpus.header(p)))
        print("\none image at a time (8 in one process, the mean, process start included once)", flush=True)
        for label, path in (("largest JPEG", largest_jpeg), ("largest RGBA PNG", rgba[-1] if rgba else None)):
            if path is None:
                continue
            fields = corpus.header(path)
            ours, theirs = latency(path, work)
            print(f"  {label} ({fields['width']}x{fields['height']}): thumbing {ours * 1000:.0f} ms,"
                  f" sharp {theirs * 1000:.0f} ms, {ours / theirs:.2f}x", flush=True)
            targets.append((f"latency, {label}: <= 0.8x sharp's", ours / theirs, 0.8, False))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print("\ntargets")
    for label, value, target, higher in targets:
        print(f"  {run.verdict(value, target, higher):8} {label}: {value:.3f}")


if __name__ == "__main__":
    main()
