"""Real images from Debian's wallpaper and artwork packages, for the
benchmarks: fetched with `apt-get download` into build/bench/debian and
unpacked there, never committed. Files are not modified; what Debian ships
is what is measured."""

import os
import subprocess

PACKAGES = ["desktop-base", "gnome-backgrounds", "xfdesktop4-data", "plasma-workspace-wallpapers"]
SUFFIXES = (".jpg", ".jpeg", ".png", ".webp")
# Wallpapers and artwork start at a quarter megapixel (below are icons and
# logos); from 20 MP an input is large, a class of its own.
MIN_PIXELS = 250_000
LARGE_PIXELS = 20_000_000


def debian_images(build):
    """Paths of every JPEG, PNG and WebP in PACKAGES (downloaded once)."""
    root = os.path.join(build, "bench", "debian")
    unpacked = os.path.join(root, "unpacked")
    stamp = os.path.join(root, ".unpacked")
    wanted = " ".join(PACKAGES)
    if not os.path.exists(stamp) or open(stamp).read() != wanted:
        os.makedirs(root, exist_ok=True)
        subprocess.run(["apt-get", "download", *PACKAGES], cwd=root, check=True, stdout=subprocess.DEVNULL)
        for name in sorted(os.listdir(root)):
            if name.endswith(".deb"):
                subprocess.run(["dpkg-deb", "-x", os.path.join(root, name), unpacked], check=True)
        with open(stamp, "w") as f:
            f.write(wanted)
    found = []
    for folder, _, names in os.walk(unpacked):
        found += [os.path.join(folder, n) for n in names
                  if n.lower().endswith(SUFFIXES) and not os.path.islink(os.path.join(folder, n))]
    return sorted(found)



def header(path):
    """Fields of vipsheader -a, as a dict."""
    result = subprocess.run(["vipsheader", "-a", path], capture_output=True, text=True)
    fields = {}
    for line in result.stdout.splitlines():
        if ": " in line:
            key, value = line.split(": ", 1)
            fields[key.strip()] = value.strip()
    return fields


def pixels(fields):
    return int(fields.get("width", 0)) * int(fields.get("height", 0))


def debian_jpeg_photos(build):
    """Debian's JPEG wallpapers and photographs, from MIN_PIXELS to below
    LARGE_PIXELS: bench/real.py's JPEG class."""
    photos = []
    for path in debian_images(build):
        fields = header(path)
        if fields.get("vips-loader", "").startswith("jpeg") and MIN_PIXELS <= pixels(fields) < LARGE_PIXELS:
            photos.append(path)
    return photos
