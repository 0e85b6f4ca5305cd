"""Real images from Debian's wallpaper and artwork packages, for the
benchmarks: fetched with `apt-get download` into build/bench/debian and
unpacked there, never committed. Files are not modified; what Debian ships
is what is measured."""

import os
import subprocess

PACKAGES = ["desktop-base", "gnome-backgrounds", "xfdesktop4-data", "plasma-workspace-wallpapers"]
SUFFIXES = (".jpg", ".jpeg", ".png", ".webp")


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
