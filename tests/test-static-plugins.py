#!/usr/bin/python3
"""A -Dstatic-plugins=true build: the program carries every element and needs
no plugin folder, and data/package-lambda.sh turns it into a Lambda zip
whose bootstrap starts."""

import os
import shutil
import subprocess
import sys
import tempfile
import zipfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import thumbing_tap  # noqa: E402

TOOL = os.environ["THUMBING_TOOL"]
SAMPLES = os.environ["THUMBING_TEST_SAMPLES"]
ROOT = os.environ["THUMBING_SOURCE_ROOT"]
BUILD = os.environ["THUMBING_BUILD_ROOT"]
ELEMENTS = {"folder-source", "folder-sink", "log", "resize", "png-encode", "jpeg-encode", "webp-encode",
            "avif-encode", "sqs-source", "s3-event-source", "lambda-source", "s3-get", "s3-put", "sns-publish",
            "webhook"}


def without_plugin_path():
    env = dict(os.environ)
    env.pop("THUMBING_PLUGIN_PATH", None)
    return env


def test_every_element_is_built_in():
    result = subprocess.run([TOOL, "inspect"], capture_output=True, text=True, env=without_plugin_path(), timeout=60)
    assert result.returncode == 0, result.stderr
    listed = {line.split()[0] for line in result.stdout.splitlines() if line.strip()}
    assert ELEMENTS <= listed, ELEMENTS - listed


def test_processes_images_without_plugin_files():
    work = tempfile.mkdtemp()
    try:
        inbox, outbox = os.path.join(work, "in"), os.path.join(work, "out")
        shutil.copytree(os.path.join(SAMPLES, "good"), inbox)
        result = subprocess.run([TOOL, "launch", "--once", "--quiet",
                                 f"folder-source path={inbox} ! resize width=64 height=64 ! png-encode"
                                 f" ! folder-sink path={outbox} template={{stem}}.png"],
                                capture_output=True, text=True, env=without_plugin_path(), timeout=120)
        assert result.returncode == 0, result.stderr
        outputs = sorted(os.listdir(outbox))
        inputs = sorted(os.path.splitext(name)[0] + ".png" for name in os.listdir(os.path.join(SAMPLES, "good"))
                        if not name.startswith("."))
        assert outputs == inputs, (outputs, inputs)
        for name in outputs:
            with open(os.path.join(outbox, name), "rb") as f:
                assert f.read(8) == b"\x89PNG\r\n\x1a\n", name
    finally:
        shutil.rmtree(work)


def test_lambda_package_bootstrap_starts():
    work = tempfile.mkdtemp()
    try:
        package = os.path.join(work, "thumbing-lambda.zip")
        subprocess.run(["bash", os.path.join(ROOT, "data", "package-lambda.sh"), BUILD, package],
                       check=True, capture_output=True, timeout=600)
        task = os.path.join(work, "task")
        with zipfile.ZipFile(package) as archive:
            archive.extractall(task)
            names = archive.namelist()
        for name in ("bootstrap", "bin/thumbing", "lambda.conf"):
            assert name in names, names
        assert any(n.startswith("lib/libvips.so") for n in names), names
        for name in ("bootstrap", "bin/thumbing"):
            os.chmod(os.path.join(task, name), 0o755)
        # Outside Lambda the bootstrap gets as far as the Runtime API: every
        # element of lambda.conf was found and its settings checked.
        env = {"PATH": "/usr/bin:/bin", "LAMBDA_TASK_ROOT": task, "THUMBING_BUCKET_NAME": "thumbs"}
        result = subprocess.run([os.path.join(task, "bootstrap")], capture_output=True, text=True, env=env,
                                timeout=60)
        assert result.returncode == 2, result
        assert "AWS_LAMBDA_RUNTIME_API is not set" in result.stderr, result.stderr
    finally:
        shutil.rmtree(work)


if __name__ == "__main__":
    sys.exit(thumbing_tap.run([test_every_element_is_built_in, test_processes_images_without_plugin_files,
                               test_lambda_package_bootstrap_starts]))
