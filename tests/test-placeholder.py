#!/usr/bin/python3
"""placeholder: its BlurHash and ThumbHash equal the reference encoders'
(npm blurhash and thumbhash, pinned in tests/servers/package.json) on the
same pixels: patterns made here (gradients, noise, holes of transparency,
thin and tiny images) and real images Debian installs (documentation
figures, photographs, the wallpapers bench/corpus.py fetches when present),
scaled as the stage scales them. The completion event carries the values
of the thumbnail it describes."""

import base64
import glob
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import thumbing_tap  # noqa: E402

TOOL = os.environ["THUMBING_TOOL"]
ENCODE = os.environ["THUMBING_PLACEHOLDER_ENCODE"]
SAMPLES = os.environ["THUMBING_TEST_SAMPLES"]
ROOT = os.environ["THUMBING_SOURCE_ROOT"]
BUILD = os.environ.get("THUMBING_BUILD_ROOT", os.path.join(ROOT, "build"))
SERVERS = os.path.join(ROOT, "tests", "servers")
NODE = os.environ.get("THUMBING_TEST_NODE", "node")


def reference(lines):
    result = subprocess.run([NODE, os.path.join(SERVERS, "placeholder-reference.mjs")],
                            input="\n".join(json.dumps({k: line[k] for k in ("width", "height", "rgba")})
                                            for line in lines) + "\n",
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    return [json.loads(line) for line in result.stdout.splitlines()]


def encode(*args):
    result = subprocess.run([ENCODE, *args], capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    return [json.loads(line) for line in result.stdout.splitlines()]


def thumbhash_agrees(ours, theirs, noise):
    """Byte for byte, but where rounding decides a varying factor (one on a
    quantisation boundary but for the last bits of its cosines, which V8's
    fdlibm and glibc round a few differently, or any factor of a flat
    channel, noise over noise): only those nibbles may differ."""
    a, b = base64.b64decode(ours), base64.b64decode(theirs)
    if len(a) != len(b) or a[:5] != b[:5]:
        return False, 0
    start = 6 if a[2] & 0x80 else 5
    tolerated = 0
    for at in range(len(a)):
        for shift in (0, 4):
            x, y = (a[at] >> shift) & 15, (b[at] >> shift) & 15
            if x == y:
                continue
            index = (at - start) * 2 + shift // 4
            if at < start or index not in noise:
                return False, 0
            tolerated += 1
    return True, tolerated


def compare(ours, label):
    theirs = reference(ours)
    assert len(theirs) == len(ours)
    wrong, tolerated = [], 0
    for i, (o, t) in enumerate(zip(ours, theirs)):
        agrees, n = thumbhash_agrees(o["thumbhash"], t["thumbhash"], set(o["noise"]))
        tolerated += n
        if o["blurhash"] != t["blurhash"] or not agrees:
            wrong.append(f"{label[i]}: ours {o['blurhash']} {o['thumbhash']}, "
                         f"reference {t['blurhash']} {t['thumbhash']}")
    assert not wrong, "\n".join(wrong)
    print(f"# {len(ours)} images: BlurHash identical; ThumbHash identical but {tolerated} nibbles "
          f"that rounding decides")


def pattern(width, height, pixel):
    return bytes(v for y in range(height) for x in range(width) for v in pixel(x, y))


def test_patterns_match_the_reference_encoders():
    rng = random.Random(20261129)
    noise = [rng.randrange(256) for _ in range(100 * 100 * 4)]
    patterns = {
        "gradient 100x100": (100, 100, lambda x, y: (x * 255 // 99, y * 255 // 99, 128, 255)),
        "noise 100x100": (100, 100, lambda x, y: noise[(y * 100 + x) * 4:(y * 100 + x) * 4 + 3] + [255]),
        "noisy alpha 64x48": (64, 48, lambda x, y: noise[(y * 64 + x) * 4:(y * 64 + x) * 4 + 4]),
        "hole of transparency 80x60": (80, 60, lambda x, y: (200, 40, 40, 0 if 20 < x < 60 and 15 < y < 45 else 255)),
        "fully transparent 10x10": (10, 10, lambda x, y: (0, 0, 0, 0)),
        "checker 33x33": (33, 33, lambda x, y: (255, 255, 255, 255) if (x + y) % 2 else (0, 0, 0, 255)),
        "one pixel": (1, 1, lambda x, y: (12, 34, 56, 255)),
        "thin 100x3": (100, 3, lambda x, y: (x * 2, 255 - x * 2, y * 100, 255)),
        "tall 3x100": (3, 100, lambda x, y: (y * 2, 0, 255 - y * 2, 128)),
        "landscape 100x37": (100, 37, lambda x, y: ((x * y) % 256, (x + y) % 256, (x ^ y) % 256, 255)),
    }
    work = tempfile.mkdtemp()
    try:
        ours = []
        for name, (width, height, pixel) in patterns.items():
            path = os.path.join(work, "p.rgba")
            with open(path, "wb") as f:
                f.write(pattern(width, height, lambda x, y: bytes(pixel(x, y))))
            ours += encode("--rgba", str(width), str(height), path)
        compare(ours, list(patterns))
        by_name = dict(zip(patterns, ours))
        assert by_name["hole of transparency 80x60"]["transparent"] is True
        assert by_name["gradient 100x100"]["transparent"] is False
        assert by_name["one pixel"]["average"] == "#0c2238" == by_name["one pixel"]["dominant"]
        # A red picture with a white hole: red dominates.
        assert by_name["hole of transparency 80x60"]["dominant"] == "#c82828"
    finally:
        shutil.rmtree(work)


def real_images():
    found = []
    for pattern_ in ("bench/debian/unpacked/usr/share/**/*.png", "bench/debian/unpacked/usr/share/**/*.jpg"):
        found += sorted(glob.glob(os.path.join(BUILD, pattern_), recursive=True))[:12]
    for pattern_ in ("/usr/share/doc/**/*.png", "/usr/share/doc/**/*.jpg", "/usr/share/gtk-doc/**/*.jpg",
                     "/usr/share/pixmaps/*.png"):
        found += [p for p in sorted(glob.glob(pattern_, recursive=True)) if os.path.getsize(p) > 4096][:6]
    return found


def test_real_images_match_the_reference_encoders():
    images = real_images()
    # Debian's valgrind (a test package) installs figures; other packages add more.
    assert images, "no image from a Debian package was found under /usr/share"
    samples = [os.path.join(SAMPLES, "good", n) for n in ("portrait-alpha.png", "photo-baseline.jpg", "grey.jpg")]
    names = images + samples
    ours = encode(*names)
    compare(ours, names)
    print(f"# {len(images)} images from Debian packages and {len(samples)} samples agree with the reference")


def test_completion_event_carries_the_placeholder():
    work = tempfile.mkdtemp()
    try:
        inbox, outbox = os.path.join(work, "in"), os.path.join(work, "out")
        os.makedirs(inbox)
        for name in ("portrait-alpha.png", "photo-baseline.jpg"):
            shutil.copy(os.path.join(SAMPLES, "good", name), inbox)
        result = subprocess.run([TOOL, "launch", "--once", "--quiet",
                                 f"folder-source path={inbox} ! resize width=512 height=512 ! placeholder"
                                 f" ! png-encode ! folder-sink path={outbox} template={{stem}}.png ! log json=true"],
                                capture_output=True, text=True, timeout=120)
        assert result.returncode == 0, result.stderr
        events = {json.loads(line)["name"]: json.loads(line) for line in result.stdout.splitlines()}
        for name, event in events.items():
            placeholder = event["placeholder"]
            # The thumbnail written is the one described: its pixels, scaled
            # again as the stage scales them, give the same values.
            (again,) = encode(os.path.join(outbox, os.path.splitext(name)[0] + ".png"))
            assert placeholder == {"blurhash": again["blurhash"], "thumbhash": again["thumbhash"],
                                   "average_color": again["average"], "dominant_color": again["dominant"],
                                   "transparent": again["transparent"]}, (name, placeholder, again)
        assert events["portrait-alpha.png"]["placeholder"]["transparent"] is True
        assert events["photo-baseline.jpg"]["placeholder"]["transparent"] is False
        # Without a decoded image there is nothing to describe.
        misplaced = subprocess.run([TOOL, "launch", "--once", "--quiet",
                                    f"folder-source path={inbox} ! placeholder ! folder-sink path={outbox}"],
                                   capture_output=True, text=True, timeout=60)
        assert misplaced.returncode == 2 and "placeholder" in misplaced.stderr, misplaced.stderr
    finally:
        shutil.rmtree(work)


if __name__ == "__main__":
    sys.exit(thumbing_tap.run([test_patterns_match_the_reference_encoders,
                               test_real_images_match_the_reference_encoders,
                               test_completion_event_carries_the_placeholder]))
