#!/usr/bin/python3
"""Tests of the thumbing command: run, launch, inspect, check, signals, progress."""

import json
import os
import pty
import re
import select
import shutil
import signal
import struct
import subprocess
import sys
import tempfile
import time
import zlib

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import thumbing_tap  # noqa: E402

TOOL = os.environ["THUMBING_TOOL"]
SAMPLES = os.environ["THUMBING_TEST_SAMPLES"]
SOURCE_ROOT = os.environ["THUMBING_SOURCE_ROOT"]
GOOD = os.path.join(SAMPLES, "good")
BAD = os.path.join(SAMPLES, "bad")


def thumbing(*args, env=None, timeout=120):
    full_env = dict(os.environ)
    full_env.update(env or {})
    return subprocess.run([TOOL, *args], capture_output=True, text=True, env=full_env, timeout=timeout)


def png_header(path):
    """Width, height, bit depth and colour type from a PNG's IHDR, checking its CRC."""
    with open(path, "rb") as f:
        data = f.read(33)
    assert data[:8] == b"\x89PNG\r\n\x1a\n", f"{path} is not a PNG"
    length, kind = struct.unpack(">I4s", data[8:16])
    assert kind == b"IHDR" and length == 13
    width, height, depth, colour = struct.unpack(">IIBB", data[16:26])
    assert struct.unpack(">I", data[29:33])[0] == zlib.crc32(data[12:29]), f"{path}: bad IHDR CRC"
    return width, height, depth, colour


def tempdir():
    return tempfile.mkdtemp(prefix="thumbing-cli-")


def test_version_and_help():
    result = thumbing("--version")
    assert result.returncode == 0 and result.stdout.startswith("thumbing 0."), result
    result = thumbing("--help")
    assert result.returncode == 0 and "Commands:" in result.stdout
    for command in ("run", "launch", "inspect", "check"):
        result = thumbing(command, "--help")
        assert result.returncode == 0, (command, result.stderr)
        assert "Usage:" in result.stdout, command
    result = thumbing("frobnicate")
    assert result.returncode == 2 and "unknown command “frobnicate”" in result.stderr
    result = thumbing()
    assert result.returncode == 2


def test_launch_turns_every_format_into_512_png():
    root = tempdir()
    try:
        out = os.path.join(root, "out")
        result = thumbing("launch", f"folder-source path={GOOD} record-file={root}/journal ! resize width=512 height=512 "
                          f"! png-encode ! folder-sink path={out} template={{name}}.{{ext}}")
        webp = os.path.join(root, "webp")
        by_default = thumbing("launch", f"folder-source path={GOOD} record-file={root}/journal2 ! "
                              f"resize width=64 height=64 ! webp-encode ! folder-sink path={webp}")
        assert by_default.returncode == 0, by_default.stderr
        # Named by what they hold: photo-baseline.jpg's thumbnail is photo-baseline.webp.
        assert "photo-baseline.webp" in os.listdir(webp) and "photo-baseline.jpg" not in os.listdir(webp)
        assert result.returncode == 0, result.stderr
        inputs = sorted(os.listdir(GOOD))
        outputs = sorted(os.listdir(out))
        assert outputs == sorted(f"{name}.png" for name in inputs), outputs
        for name in outputs:
            width, height, depth, colour = png_header(os.path.join(out, name))
            assert (width, height) == (512, 512), (name, width, height)
            # 2 = truecolour (sRGB), 6 = truecolour with alpha, both 8-bit; 3 = a palette, for a
            # thumbnail of 256 colours or fewer (grey.jpg's: 8-bit indices to its grey levels).
            assert (colour, depth) in ((2, 8), (6, 8), (3, 8)), (name, colour, depth)
        assert png_header(os.path.join(out, "portrait-alpha.png.png"))[3] == 6
        assert png_header(os.path.join(out, "grey.jpg.png"))[3] == 3
        assert f"processed {len(inputs)}, failed 0" in result.stderr
        assert "\r" not in result.stderr, "no progress line when stderr is not a terminal"
    finally:
        shutil.rmtree(root)


def test_bad_inputs_fail_one_line_each():
    root = tempdir()
    try:
        inbox = os.path.join(root, "in")
        out = os.path.join(root, "out")
        shutil.copytree(BAD, inbox)
        shutil.copy(os.path.join(GOOD, "grey.jpg"), inbox)
        result = thumbing("launch", f"folder-source path={inbox} ! resize ! png-encode ! folder-sink path={out}",
                          timeout=60)
        assert result.returncode == 1, result
        errors = [line for line in result.stderr.splitlines() if line.startswith("thumbing: error: ")]
        bad_names = sorted(os.listdir(BAD))
        assert len(errors) == len(bad_names), result.stderr
        for name in bad_names:
            lines = [line for line in errors if f"{inbox}/{name}: resize: " in line]
            assert len(lines) == 1, (name, result.stderr)
        assert any("60000×60000" in line for line in errors)
        assert any("the file is empty" in line for line in errors)
        assert any("not an image" in line for line in errors)
        assert os.listdir(out) == ["grey.png"], "the good input still came out, named by its format"
        assert f"processed 1, failed {len(bad_names)}" in result.stderr
    finally:
        shutil.rmtree(root)


def test_names_cannot_forge_log_lines():
    root = tempdir()
    try:
        inbox = os.path.join(root, "in")
        out = os.path.join(root, "out")
        os.makedirs(inbox)
        forged = "evil\nthumbing: error: FORGED LINE\x1b[31m.jpg"
        with open(os.path.join(inbox, forged), "wb") as f:
            f.write(b"not an image at all")
        shutil.copy(os.path.join(GOOD, "grey.jpg"), os.path.join(inbox, "tab\there.jpg"))
        result = thumbing("launch", f"folder-source path={inbox} ! resize ! png-encode ! folder-sink path={out} ! log",
                          timeout=60)
        assert result.returncode == 1, result
        for stream in (result.stderr, result.stdout):
            assert not any(line.startswith("thumbing: error: FORGED") for line in stream.splitlines()), stream
            assert "\x1b" not in stream, stream
        assert "evil\\nthumbing: error: FORGED LINE\\x1b[31m.jpg" in result.stderr, result.stderr
        assert "tab\\there.jpg -> " in result.stdout, result.stdout
    finally:
        shutil.rmtree(root)


def write_conf(root, text):
    path = os.path.join(root, "pipeline.conf")
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)
    return path


GOOD_GROUPS = """
[in]
element=folder-source
path=/tmp
[thumb]
element=resize
[png]
element=png-encode
[out]
element=folder-sink
path=/tmp/thumbing-cli-out
"""


def test_check_names_file_group_and_key():
    root = tempdir()
    cases = [
        ("[pipeline]\nstages=in;thumb;png;out\n" + GOOD_GROUPS.replace("element=resize", "element=resise"),
         "[thumb] element: no element named “resise” (did you mean “resize”?)"),
        ("[pipeline]\nstages=in;thumb;png;out\n" + GOOD_GROUPS.replace("element=resize", "element=resize\nwidht=5"),
         "[thumb] widht: resize has no property “widht” (did you mean “width”?)"),
        ("[pipeline]\nstages=in;thumb;png;out\n" + GOOD_GROUPS.replace("element=resize", "element=resize\nwidth=-3"),
         "[thumb] width: -3 is out of range"),
        ("[pipeline]\nstages=in;thumb;png;out\n" + GOOD_GROUPS.replace("path=/tmp\n", "path=${THUMBING_CLI_UNSET}\n", 1),
         "[in] path: environment variable THUMBING_CLI_UNSET is not set"),
        ("[pipeline]\nstages=in;png;out\n" + GOOD_GROUPS.replace("[thumb]\nelement=resize\n", ""),
         "[png] element: png-encode cannot follow folder-source"),
        ("[pipeline]\nstages=in;thumb;png;out\n" + GOOD_GROUPS.replace("path=/tmp/thumbing-cli-out\n", ""),
         "[out] path: required property of folder-sink is not set"),
        ("[pipeline\nstages=in\n", "pipeline.conf: "),
    ]
    try:
        for text, expected in cases:
            path = write_conf(root, text)
            result = thumbing("check", path)
            assert result.returncode == 1, (expected, result)
            assert result.stderr.startswith(path + ": "), (expected, result.stderr)
            assert expected in result.stderr, (expected, result.stderr)
    finally:
        shutil.rmtree(root)


def test_shipped_pipelines_pass_check():
    folder = os.path.join(SOURCE_ROOT, "data", "pipelines")
    confs = sorted(os.path.join(folder, name) for name in os.listdir(folder) if name.endswith(".conf"))
    assert confs, "no shipped pipelines"
    # thumbing.conf and lambda.conf take the seed's settings from the
    # environment, as deployed, with the optional stages switched on.
    seed_settings = {"THUMBING_QUEUE_URL": "https://sqs.eu-west-1.amazonaws.com/123456789012/uploads",
                     "THUMBING_BUCKET_NAME": "thumbs", "THUMBING_TOPIC_NAME": "thumbnails",
                     "THUMBING_WEBHOOK_URL": "https://hooks.example.com/a;https://hooks.example.org/b",
                     "THUMBING_WEBHOOK_SECRET": "0123456789abcdef0123", "AWS_LAMBDA_RUNTIME_API": "127.0.0.1:9001",
                     "THUMBING_JWKS_URL": "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_X/.well-known/jwks.json",
                     "THUMBING_ISSUER": "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_X",
                     "THUMBING_CLIENT_ID": "client", "THUMBING_FRONTEND_URL": "https://app.example.com"}
    result = thumbing("check", "--verbose", *confs, env=seed_settings)
    assert result.returncode == 0, result.stderr
    # Described with every setting, but never the webhook's secret.
    assert "secret=<hidden>" in result.stdout and seed_settings["THUMBING_WEBHOOK_SECRET"] not in result.stdout
    for conf in confs:
        assert f"{conf}: ok" in result.stdout


def test_inspect():
    result = thumbing("inspect")
    assert result.returncode == 0, result.stderr
    for name in ("folder-source", "folder-sink", "log", "resize", "png-encode", "jpeg-encode",
                 "webp-encode", "avif-encode"):
        assert name in result.stdout, name
    result = thumbing("inspect", "resize")
    assert result.returncode == 0
    for text in ("Kind                 transform", "Values: cover, contain, fill, inside, outside",
                 "max-input-pixels", "Default: 512"):
        assert text in result.stdout, text
    result = thumbing("inspect", "folder-sink")
    assert "path                 string, required." in result.stdout, result.stdout
    result = thumbing("inspect", "pngencode")
    assert result.returncode == 1 and "did you mean “png-encode”?" in result.stderr


def local_env(root):
    return {"THUMBING_INBOX": os.path.join(root, "uploads"), "THUMBING_OUTBOX": os.path.join(root, "avatars")}


def test_run_once_local_conf():
    root = tempdir()
    conf = os.path.join(SOURCE_ROOT, "data", "pipelines", "local.conf")
    try:
        os.makedirs(os.path.join(root, "uploads", "team"))
        shutil.copy(os.path.join(GOOD, "photo-baseline.jpg"), os.path.join(root, "uploads"))
        shutil.copy(os.path.join(GOOD, "portrait-alpha.png"), os.path.join(root, "uploads", "team"))
        result = thumbing("run", "--once", conf, env=local_env(root))
        assert result.returncode == 0, result.stderr
        assert png_header(os.path.join(root, "avatars", "photo-baseline.png"))[:2] == (512, 512)
        assert png_header(os.path.join(root, "avatars", "team", "portrait-alpha.png"))[:2] == (512, 512)
        assert "photo-baseline.jpg -> " in result.stdout and " 512×512 " in result.stdout
        again = thumbing("run", "--once", conf, env=local_env(root))
        assert again.returncode == 0 and "processed 0, failed 0" in again.stderr, again.stderr
    finally:
        shutil.rmtree(root)


def test_one_shot_launch_leaves_the_input_folder_untouched():
    """A launch over a folder writes nothing into it and does it all again
    next time; done=record (or watch, or a record-file) keeps a journal."""
    root = tempdir()
    try:
        photos = os.path.join(root, "photos")
        os.makedirs(photos)
        for name in ("photo-baseline.jpg", "grey.jpg"):
            shutil.copy(os.path.join(GOOD, name), photos)
        launch = f"folder-source path={photos} ! resize width=64 height=64 ! png-encode ! folder-sink path={root}/out"
        for _ in range(2):
            result = thumbing("launch", launch)
            assert result.returncode == 0 and "processed 2, failed 0" in result.stderr, result.stderr
            assert sorted(os.listdir(photos)) == ["grey.jpg", "photo-baseline.jpg"], os.listdir(photos)
        recorded = thumbing("launch", launch.replace("folder-source ", "folder-source done=record "))
        assert recorded.returncode == 0 and os.path.exists(os.path.join(photos, ".thumbing-done")), recorded.stderr
        again = thumbing("launch", launch.replace("folder-source ", "folder-source done=record "))
        assert "processed 0, failed 0" in again.stderr, again.stderr
    finally:
        shutil.rmtree(root)


def test_json_log_lines():
    """--log-format=json: every stderr line is a JSON object; a failed item's
    line names it with the item_id its result documents carry."""
    root = tempdir()
    try:
        inbox = os.path.join(root, "in")
        os.makedirs(inbox)
        shutil.copy(os.path.join(GOOD, "grey.jpg"), inbox)
        shutil.copy(os.path.join(BAD, "truncated.jpg"), inbox)
        result = thumbing("launch", "--log-format=json", f"folder-source path={inbox} ! resize width=64 height=64 "
                          f"! png-encode ! folder-sink path={root}/out ! log")
        assert result.returncode == 1, result.stderr
        lines = [json.loads(line) for line in result.stderr.splitlines()]
        failed = [line for line in lines if line["level"] == "error"]
        assert len(failed) == 1 and failed[0]["origin"] == "truncated.jpg", lines
        assert re.fullmatch(r"[0-9a-f]{16}", failed[0]["item_id"]) and "truncated.jpg" in failed[0]["message"]
        assert lines[-1]["processed"] == "1" and lines[-1]["failed"] == "1", lines
        documents = [json.loads(line) for line in result.stdout.splitlines()]
        assert len(documents) == 1 and re.fullmatch(r"[0-9a-f]{16}", documents[0]["item_id"]), documents
        assert documents[0]["item_id"] != failed[0]["item_id"]
        wrong = thumbing("launch", "--log-format=xml", "folder-source path=/nonexistent ! log")
        assert wrong.returncode == 2 and "--log-format takes text or json" in wrong.stderr, wrong.stderr
    finally:
        shutil.rmtree(root)


def test_sighup_reloads_only_a_valid_pipeline():
    """SIGHUP reads the file again: a broken one is refused and the running
    pipeline goes on; a valid one takes over (here: 64 px instead of 32)."""
    root = tempdir()
    try:
        inbox, outbox = os.path.join(root, "in"), os.path.join(root, "out")
        os.makedirs(inbox)
        conf = os.path.join(root, "watch.conf")

        def write_conf(size, extra=""):
            with open(conf, "w") as f:
                f.write(f"[pipeline]\nstages=in;thumb;png;out\n{extra}\n[in]\nelement=folder-source\n"
                        f"path={inbox}\nwatch=true\n\n[thumb]\nelement=resize\nwidth={size}\nheight={size}\n\n"
                        f"[png]\nelement=png-encode\n\n[out]\nelement=folder-sink\npath={outbox}\n")

        def drop(name):
            shutil.copy(os.path.join(GOOD, "grey.jpg"), os.path.join(inbox, name + ".tmp"))
            os.rename(os.path.join(inbox, name + ".tmp"), os.path.join(inbox, name))
            assert wait_for(os.path.join(outbox, os.path.splitext(name)[0] + ".png")), name
            return png_header(os.path.join(outbox, os.path.splitext(name)[0] + ".png"))[:2]

        write_conf(32)
        daemon = subprocess.Popen([TOOL, "run", "--quiet", conf], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                                  text=True)
        try:
            assert drop("a.jpg") == (32, 32)
            with open(conf, "w") as f:
                f.write("[pipeline]\nstages=nothing\n")
            daemon.send_signal(signal.SIGHUP)
            time.sleep(0.5)
            assert daemon.poll() is None, "a broken file stopped the daemon"
            assert drop("b.jpg") == (32, 32)
            write_conf(64)
            daemon.send_signal(signal.SIGHUP)
            time.sleep(1)
            assert drop("c.jpg") == (64, 64)
        finally:
            daemon.send_signal(signal.SIGTERM)
            _, stderr = daemon.communicate(timeout=30)
        assert daemon.returncode == 0, stderr
        assert "reload refused, the running pipeline stays" in stderr, stderr
        assert f"reloading {conf}" in stderr, stderr
        assert "processed 3, failed 0" in stderr, stderr
    finally:
        shutil.rmtree(root)


LATITUDE = struct.pack("<IIIIII", 48, 1, 51, 1, 2959, 100)


def jpeg_with_gps(path):
    """A photo whose EXIF says its camera (Make) and where it was taken."""
    make = b"ThumbingCam\x00"
    make_at = 8 + 2 + 2 * 12 + 4
    gps_at = make_at + len(make)
    latitude_at = gps_at + 2 + 2 * 12 + 4
    tiff = (b"II*\x00" + struct.pack("<I", 8) + struct.pack("<H", 2)
            + struct.pack("<HHII", 0x010F, 2, len(make), make_at) + struct.pack("<HHII", 0x8825, 4, 1, gps_at)
            + struct.pack("<I", 0) + make + struct.pack("<H", 2) + struct.pack("<HHI4s", 1, 2, 2, b"N\x00\x00\x00")
            + struct.pack("<HHII", 2, 5, 3, latitude_at) + struct.pack("<I", 0) + LATITUDE)
    app1 = b"Exif\x00\x00" + tiff
    xmp = (b"http://ns.adobe.com/xap/1.0/\x00<x:xmpmeta xmlns:x='adobe:ns:meta/'><rdf:RDF "
           b"xmlns:rdf='http://www.w3.org/1999/02/22-rdf-syntax-ns#'><rdf:Description "
           b"xmlns:exif='http://ns.adobe.com/exif/1.0/' exif:GPSLatitude='48,51.49N'/></rdf:RDF></x:xmpmeta>")
    with open(os.path.join(GOOD, "photo-baseline.jpg"), "rb") as f:
        jpeg = f.read()
    with open(path, "wb") as f:
        f.write(jpeg[:2] + b"\xff\xe1" + struct.pack(">H", len(app1) + 2) + app1
                + b"\xff\xe1" + struct.pack(">H", len(xmp) + 2) + xmp + jpeg[2:])


def test_location_is_removed_even_when_metadata_is_kept():
    """strip=false keeps the camera's EXIF but never the GPS position, in
    every format."""
    root = tempdir()
    try:
        inbox = os.path.join(root, "in")
        os.makedirs(inbox)
        jpeg_with_gps(os.path.join(inbox, "holiday.jpg"))
        with open(os.path.join(inbox, "holiday.jpg"), "rb") as f:
            assert LATITUDE in f.read()
        for encoder, name in (("jpeg-encode", "holiday.jpg"), ("png-encode", "holiday.png"),
                              ("webp-encode", "holiday.webp"), ("avif-encode", "holiday.avif")):
            out = os.path.join(root, encoder)
            result = thumbing("launch", f"folder-source path={inbox} ! resize width=256 height=256 "
                              f"! {encoder} strip=false ! folder-sink path={out}")
            assert result.returncode == 0, result.stderr
            with open(os.path.join(out, name), "rb") as f:
                written = f.read()
            assert b"ThumbingCam" in written, encoder
            assert LATITUDE not in written and b"exif:GPS" not in written, encoder
    finally:
        shutil.rmtree(root)


def test_read_only_output_folder_keeps_the_input():
    """An output folder the process may not write to: the item fails naming
    the folder, nothing is left in it, and the input is not marked done, so
    the run after the folder is fixed makes the thumbnail."""
    root = tempdir()
    conf = os.path.join(SOURCE_ROOT, "data", "pipelines", "local.conf")
    # Root writes anywhere: the run drops to nobody, as a service user would be.
    as_user = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"] if os.geteuid() == 0 else []
    try:
        os.chmod(root, 0o755)
        os.makedirs(os.path.join(root, "uploads"))
        os.makedirs(os.path.join(root, "avatars"))
        shutil.copy(os.path.join(GOOD, "photo-baseline.jpg"), os.path.join(root, "uploads"))
        os.chmod(os.path.join(root, "uploads"), 0o777)
        os.chmod(os.path.join(root, "uploads", "photo-baseline.jpg"), 0o644)
        os.chmod(os.path.join(root, "avatars"), 0o555)
        env = dict(os.environ, **local_env(root))
        result = subprocess.run([*as_user, TOOL, "run", "--once", conf], capture_output=True, text=True, env=env,
                                timeout=120)
        assert result.returncode != 0, result.stderr
        assert "processed 0, failed 1" in result.stderr, result.stderr
        assert "photo-baseline.jpg" in result.stderr and "Permission denied" in result.stderr, result.stderr
        assert os.listdir(os.path.join(root, "avatars")) == []
        assert os.path.exists(os.path.join(root, "uploads", "photo-baseline.jpg"))

        os.chmod(os.path.join(root, "avatars"), 0o777)
        again = subprocess.run([*as_user, TOOL, "run", "--once", conf], capture_output=True, text=True, env=env,
                               timeout=120)
        assert again.returncode == 0 and "processed 1, failed 0" in again.stderr, again.stderr
        assert png_header(os.path.join(root, "avatars", "photo-baseline.png"))[:2] == (512, 512)
    finally:
        shutil.rmtree(root)


def wait_for(path, seconds=20):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if os.path.exists(path):
            return True
        time.sleep(0.05)
    return False


def test_daemon_stops_gracefully_on_sigterm():
    root = tempdir()
    conf = os.path.join(SOURCE_ROOT, "data", "pipelines", "local.conf")
    env = dict(os.environ, **local_env(root))
    try:
        os.makedirs(os.path.join(root, "uploads"))
        daemon = subprocess.Popen([TOOL, "run", conf], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        try:
            time.sleep(0.5)
            staged = os.path.join(root, "staged.jpg")
            shutil.copy(os.path.join(GOOD, "grey.jpg"), staged)
            os.rename(staged, os.path.join(root, "uploads", "grey.jpg"))
            assert wait_for(os.path.join(root, "avatars", "grey.png")), "the watched upload came out"
            daemon.send_signal(signal.SIGTERM)
            stdout, stderr = daemon.communicate(timeout=20)
        finally:
            if daemon.poll() is None:
                daemon.kill()
        assert daemon.returncode == 0, stderr
        assert "stopping" in stderr and "processed 1, failed 0" in stderr, stderr
    finally:
        shutil.rmtree(root)


def test_stop_grace_cancels_a_slow_decode_and_keeps_the_input():
    root = tempdir()
    try:
        inbox, out = os.path.join(root, "in"), os.path.join(root, "out")
        os.makedirs(inbox)
        # 8192×8192 in 16×16 tiles: seconds of decoding from a few megabytes.
        subprocess.run(["vips", "black", os.path.join(root, "black.v"), "8192", "8192"], check=True)
        subprocess.run(["vips", "tiffsave", os.path.join(root, "black.v"), os.path.join(root, "slow.tif"), "--tile",
                        "--tile-width", "16", "--tile-height", "16", "--compression", "deflate"], check=True)
        conf = write_conf(root, f"""[pipeline]
stages=in;thumb;png;out
stop-grace=1

[in]
element=folder-source
path={inbox}
watch=true

[thumb]
element=resize
max-tiles=0
timeout=0

[png]
element=png-encode

[out]
element=folder-sink
path={out}
""")
        daemon = subprocess.Popen([TOOL, "run", conf], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        try:
            time.sleep(0.5)
            os.rename(os.path.join(root, "slow.tif"), os.path.join(inbox, "slow.tif"))
            time.sleep(1.5)
            daemon.send_signal(signal.SIGTERM)
            _, stderr = daemon.communicate(timeout=30)
        finally:
            if daemon.poll() is None:
                daemon.kill()
        assert "still in flight after 1 s are cancelled" in stderr, stderr
        errors = [line for line in stderr.splitlines() if line.startswith("thumbing: error: ")]
        assert len(errors) == 1 and "slow.tif: thumb: " in errors[0] and "cancelled" in errors[0], stderr
        assert "processed 0, failed 1" in stderr, stderr
        # Not done: the input stays, unrecorded, for the next run.
        assert os.path.exists(os.path.join(inbox, "slow.tif"))
        journal = os.path.join(inbox, ".thumbing-done")
        assert not os.path.exists(journal) or "slow.tif" not in open(journal).read()
        assert not os.path.exists(out) or os.listdir(out) == []
    finally:
        shutil.rmtree(root)


def test_second_signal_exits_at_once_and_nothing_is_lost():
    root = tempdir()
    uploads = os.path.join(root, "uploads")
    conf = os.path.join(SOURCE_ROOT, "data", "pipelines", "local.conf")
    env = dict(os.environ, THUMBING_MAX_IN_FLIGHT="2", **local_env(root))
    try:
        os.makedirs(uploads)
        for i in range(40):
            shutil.copy(os.path.join(GOOD, "photo-baseline.jpg"), os.path.join(uploads, f"p{i:02}.jpg"))
        runner = subprocess.Popen([TOOL, "run", "--once", conf], env=env,
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        first = runner.stdout.readline()
        assert " -> " in first, first
        # Two of the same signal before the loop runs count once, as in GLib;
        # a person's second Ctrl-C comes later. Two kinds arrive as two.
        runner.send_signal(signal.SIGINT)
        runner.send_signal(signal.SIGTERM)
        _, stderr = runner.communicate(timeout=30)
        assert runner.returncode == 128 + signal.SIGINT, (runner.returncode, stderr)
        assert "stopped at once" in stderr, stderr
        done_first = len(os.listdir(os.path.join(root, "avatars")))
        assert done_first < 40

        # Whatever was not recorded as done is taken by the next run. A write
        # cut short leaves at most a hidden temporary file, never a partial output.
        result = thumbing("run", "--once", conf, env=local_env(root))
        assert result.returncode == 0, result.stderr
        names = os.listdir(os.path.join(root, "avatars"))
        assert sorted(n for n in names if not n.startswith(".")) == [f"p{i:02}.png" for i in range(40)], names
        for name in names:
            if not name.startswith("."):
                assert png_header(os.path.join(root, "avatars", name))[:2] == (512, 512), name
    finally:
        shutil.rmtree(root)


def test_progress_on_a_terminal():
    root = tempdir()
    try:
        inbox = os.path.join(root, "in")
        os.makedirs(inbox)
        for i in range(40):
            shutil.copy(os.path.join(GOOD, "photo-baseline.jpg"), os.path.join(inbox, f"p{i}.jpg"))
        try:
            primary, secondary = pty.openpty()
        except OSError as error:
            raise thumbing_tap.Skip(f"this machine gives no pseudo-terminal (is /dev/pts mounted?): {error}")
        runner = subprocess.Popen([TOOL, "launch", f"folder-source path={inbox} ! resize ! png-encode "
                                   f"! folder-sink path={root}/out"],
                                  stdout=subprocess.DEVNULL, stderr=secondary)
        os.close(secondary)
        chunks = []
        while True:
            ready, _, _ = select.select([primary], [], [], 30)
            if not ready:
                break
            try:
                chunk = os.read(primary, 4096)
            except OSError:
                break
            if not chunk:
                break
            chunks.append(chunk)
        runner.wait(timeout=30)
        os.close(primary)
        text = b"".join(chunks).decode("utf-8", "replace")
        assert runner.returncode == 0, text
        assert "images/s" in text and "/40 done" in text, text
        assert "processed 40, failed 0" in text
    finally:
        shutil.rmtree(root)


def test_seed_pipeline_needs_its_settings():
    conf = os.path.join(SOURCE_ROOT, "data", "pipelines", "thumbing.conf")
    env = {k: v for k, v in os.environ.items() if k not in ("THUMBING_QUEUE_URL", "THUMBING_BUCKET_NAME")}
    result = subprocess.run([TOOL, "check", conf], capture_output=True, text=True, env=env, timeout=60)
    assert result.returncode == 1
    assert "[uploads] queue-url: environment variable THUMBING_QUEUE_URL is not set" in result.stderr, result.stderr
    # Set but empty counts as set, and then the required setting is missing.
    result = thumbing("check", conf, env={"THUMBING_QUEUE_URL": "", "THUMBING_BUCKET_NAME": "thumbs",
                                         "THUMBING_TOPIC_NAME": "thumbnails"})
    assert "[uploads] queue-url: required property of sqs-source is not set" in result.stderr, result.stderr


def test_ssl_cert_file_names_the_trusted_authorities():
    """SSL_CERT_FILE replaces the system's authorities for every HTTPS
    request (the Lambda package brings Debian's bundle so): a webhook to a
    server whose certificate only that file vouches for is delivered with
    it, and refused without it; it is read only by pipelines that speak
    HTTPS."""
    import http.server
    import ssl
    import threading

    root = tempdir()
    received = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def log_message(self, *args):
            pass

        def do_POST(self):
            received.append(self.rfile.read(int(self.headers["Content-Length"])))
            self.send_response(204)
            self.end_headers()

    try:
        cert, key = os.path.join(root, "cert.pem"), os.path.join(root, "key.pem")
        made = subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
                               "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
                               "-keyout", key, "-out", cert], capture_output=True, text=True)
        assert made.returncode == 0, made.stderr
        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(cert, key)
        server.socket = context.wrap_socket(server.socket, server_side=True)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        try:
            inbox = os.path.join(root, "in")
            os.makedirs(inbox)
            shutil.copy(os.path.join(GOOD, "grey.jpg"), inbox)
            line = (f"folder-source path={inbox} ! resize width=64 height=64 ! png-encode"
                    f" ! folder-sink path={root}/out ! webhook urls=https://127.0.0.1:{server.server_port}/hook"
                    f" secret=0123456789abcdef0123 allow-private=true attempts=1")
            refused = thumbing("launch", "--once", "--quiet", line)
            assert refused.returncode == 1 and not received, refused.stderr
            trusted = thumbing("launch", "--once", "--quiet", line, env={"SSL_CERT_FILE": cert})
            assert trusted.returncode == 0, trusted.stderr
            assert len(received) == 1 and b"grey" in received[0], received
            # Unreadable: said once, and the system's authorities apply.
            missing = thumbing("launch", "--once", "--quiet", line, env={"SSL_CERT_FILE": root + "/none.pem"})
            assert missing.returncode == 1 and "SSL_CERT_FILE" in missing.stderr, missing.stderr
            # Read only where HTTPS is spoken: a local pipeline never loads it.
            local = thumbing("launch", "--once", "--quiet", f"folder-source path={inbox} ! resize width=64 height=64"
                             f" ! png-encode ! folder-sink path={root}/out2", env={"SSL_CERT_FILE": root + "/none.pem"})
            assert local.returncode == 0 and "SSL_CERT_FILE" not in local.stderr, local.stderr
        finally:
            server.shutdown()
    finally:
        shutil.rmtree(root)


def test_german_messages():
    """po/de.po: `check` and `inspect` speak German under LANGUAGE=de, with a
    German locale made here by localedef (Debian's locales package has its
    source; the machine need not have generated it)."""
    root = tempdir()
    try:
        made = subprocess.run(["localedef", "-i", "de_DE", "-f", "UTF-8", os.path.join(root, "de_DE.UTF-8")],
                              capture_output=True, text=True)
        assert made.returncode in (0, 1) and os.path.isdir(os.path.join(root, "de_DE.UTF-8")), made.stderr
        conf = os.path.join(root, "broken.conf")
        with open(conf, "w") as f:
            f.write("[pipeline]\nstage=in;out\n\n[in]\nelement=folder-source\npath=/tmp\n\n[out]\nelement=log\n")
        german = {"LOCPATH": root, "LANG": "de_DE.UTF-8", "LC_ALL": "", "LANGUAGE": "de"}
        result = thumbing("check", conf, env=german)
        assert result.returncode == 1, result.stderr
        assert f"{conf}: [pipeline] stage: unbekannter Schlüssel (meinten Sie „stages“?)" in result.stderr, result.stderr
        described = thumbing("inspect", "resize", env=german)
        assert "Beschreibung         Dekodiert und skaliert in einem Schritt" in described.stdout, described.stdout
        assert "Art                  Umwandlung" in described.stdout, described.stdout
        english = thumbing("check", conf, env={"LANGUAGE": "", "LANG": "C.UTF-8", "LC_ALL": ""})
        assert "unknown key (did you mean “stages”?)" in english.stderr, english.stderr
    finally:
        shutil.rmtree(root)


if __name__ == "__main__":
    sys.exit(thumbing_tap.run([
        test_version_and_help,
        test_launch_turns_every_format_into_512_png,
        test_bad_inputs_fail_one_line_each,
        test_names_cannot_forge_log_lines,
        test_check_names_file_group_and_key,
        test_shipped_pipelines_pass_check,
        test_seed_pipeline_needs_its_settings,
        test_inspect,
        test_run_once_local_conf,
        test_one_shot_launch_leaves_the_input_folder_untouched,
        test_json_log_lines,
        test_location_is_removed_even_when_metadata_is_kept,
        test_sighup_reloads_only_a_valid_pipeline,
        test_read_only_output_folder_keeps_the_input,
        test_daemon_stops_gracefully_on_sigterm,
        test_stop_grace_cancels_a_slow_decode_and_keeps_the_input,
        test_second_signal_exits_at_once_and_nothing_is_lost,
        test_progress_on_a_terminal,
        test_ssl_cert_file_names_the_trusted_authorities,
        test_german_messages,
    ]))

