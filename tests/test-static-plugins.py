#!/usr/bin/python3
"""A -Dstatic-plugins=true build: the program carries every element and needs
no plugin folder, and data/package-lambda.sh turns it into a Lambda zip
that carries its own C library: unpacked into an empty root holding only a
static shell (Debian's busybox-static) and /dev, its bootstrap answers an
invocation from a stand-in for the Runtime API, with the image in s3rver."""

import json
import os
import shutil
import subprocess
import sys
import tempfile
import struct
import zipfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import thumbing_tap  # noqa: E402
from aws_stack import AwsStack  # noqa: E402
from lambda_runtime import RuntimeApi, s3_event  # noqa: E402

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


def make_package(work):
    """The zip, unpacked as Lambda does: with the modes it records."""
    package = os.path.join(work, "thumbing-lambda.zip")
    made = subprocess.run(["bash", os.path.join(ROOT, "data", "package-lambda.sh"), BUILD, package],
                          capture_output=True, text=True, timeout=600)
    assert made.returncode == 0, made.stdout + made.stderr
    print("# " + made.stdout.strip().splitlines()[-1])
    task = os.path.join(work, "root", "var", "task")
    with zipfile.ZipFile(package) as archive:
        for info in archive.infolist():
            archive.extract(info, task)
            mode = info.external_attr >> 16
            if mode & 0o777:
                os.chmod(os.path.join(task, info.filename), mode & 0o777)
        names = archive.namelist()
    return task, names


def test_lambda_package_is_self_contained():
    work = tempfile.mkdtemp()
    try:
        task, names = make_package(work)
        for name in ("bootstrap", "bin/thumbing", "lambda.conf", "lib/libthumbing-1.0.so.0", "lib/libc.so.6",
                     "lib/ld-linux-x86-64.so.2", "lib/gio-modules/libgiognutls.so", "etc/ca-certificates.crt"):
            assert name in names, (name, names)
        assert os.path.getsize(os.path.join(work, "thumbing-lambda.zip")) <= 50_000_000
        # Every library of the program and of its modules resolves inside
        # the package, through the package's own loader.
        loader = os.path.join(task, "lib", "ld-linux-x86-64.so.2")
        for program in ("bin/thumbing", "lib/gio-modules/libgiognutls.so",
                        *[n for n in names if n.startswith("lib/vips-modules") and n.endswith(".so")]):
            listed = subprocess.run([loader, "--list", "--library-path", os.path.join(task, "lib"),
                                     os.path.join(task, program)], capture_output=True, text=True,
                                    env={"PATH": "/usr/bin:/bin"})
            assert listed.returncode == 0, listed.stderr
            outside = [line for line in listed.stdout.splitlines() if "=>" in line and task not in line]
            assert not outside, (program, outside)
    finally:
        shutil.rmtree(work)


def empty_root(work):
    """A root that holds a static shell, /dev, /proc and /tmp, and nothing else."""
    root = os.path.join(work, "root")
    for folder in ("bin", "dev", "proc", "tmp"):
        os.makedirs(os.path.join(root, folder), exist_ok=True)
    busybox = shutil.which("busybox") or "/bin/busybox"
    shutil.copy(busybox, os.path.join(root, "bin", "busybox"))
    os.symlink("busybox", os.path.join(root, "bin", "sh"))
    return root


def require_static_busybox():
    if not os.path.exists("/bin/busybox") or subprocess.run(["file", "-L", "/bin/busybox"], capture_output=True,
                                                            text=True).stdout.find("statically linked") < 0:
        raise AssertionError("busybox-static is not installed (data/debian-packages.txt lists it)")


def answers_in_root(root, command, env, user=None):
    """Runs @command chrooted into @root, with /dev and /proc mounted there
    in a mount namespace of its own, as the Lambda function of an S3 upload
    in s3rver; checks the invocation is answered and the thumbnail made."""
    api = RuntimeApi()
    try:
        with AwsStack(buckets=["thumbs"]) as stack:
            with open(os.path.join(SAMPLES, "good", "photo-baseline.jpg"), "rb") as f:
                assert stack.s3_put("thumbs", "uploads/chroot.jpg", f.read()) == 200
            env = dict(env, AWS_LAMBDA_RUNTIME_API=api.address, AWS_ACCESS_KEY_ID="S3RVER",
                       AWS_SECRET_ACCESS_KEY="S3RVER", AWS_REGION="us-east-1",
                       AWS_ENDPOINT_URL_S3=stack.endpoints["s3"], THUMBING_BUCKET_NAME="thumbs")
            tools = {name: shutil.which(name, path="/usr/sbin:/usr/bin:/sbin:/bin")
                     for name in ("unshare", "mount", "chroot")}
            namespace = [tools["unshare"], "--mount"] + ([] if os.geteuid() == 0 else ["--map-root-user"])
            # As the image's user where we may switch to it (as root).
            userspec = f"--userspec={user} " if user is not None and os.geteuid() == 0 else ""
            script = (f"{tools['mount']} --rbind /dev {root}/dev && {tools['mount']} -t proc proc {root}/proc"
                      f" && exec {tools['chroot']} {userspec}{root} " + " ".join(command))
            function = subprocess.Popen([*namespace, "/bin/sh", "-c", script], env=env, stdout=subprocess.PIPE,
                                        stderr=subprocess.PIPE, text=True)
            try:
                api.invoke("req-chroot", s3_event("uploads/chroot.jpg"))
                try:
                    path, error_type, answer = api.answer(timeout=60)
                except Exception:
                    function.kill()
                    raise AssertionError("no answer: " + function.communicate(timeout=10)[1])
                assert path == "/2018-06-01/runtime/invocation/req-chroot/response", (path, error_type, answer)
                headers, body = stack.s3_get("thumbs", "avatars/chroot.jpg")
                assert headers["Content-Type"] == "image/png"
                assert struct.unpack(">II", body[16:24]) == (512, 512)
            finally:
                if function.poll() is None:
                    function.terminate()
                function.communicate(timeout=30)
    finally:
        api.close()
        subprocess.run(["umount", "-R", os.path.join(root, "dev")], capture_output=True)


def test_lambda_package_answers_in_an_empty_root():
    require_static_busybox()
    work = tempfile.mkdtemp()
    try:
        make_package(work)
        root = empty_root(work)
        answers_in_root(root, ["/var/task/bootstrap"], {"PATH": "/bin", "LAMBDA_TASK_ROOT": "/var/task"})
    finally:
        shutil.rmtree(work, ignore_errors=True)


def test_oci_image_runs_as_the_function():
    """The OCI image (data/package-oci.sh, assembled by umoci), unpacked as
    a container runtime would and run with its own entrypoint, command and
    environment, answers as the function does."""
    require_static_busybox()
    if shutil.which("umoci") is None:
        raise AssertionError("umoci is not installed (data/debian-packages.txt lists it)")
    work = tempfile.mkdtemp()
    try:
        image = os.path.join(work, "thumbing-oci.tar")
        made = subprocess.run(["bash", os.path.join(ROOT, "data", "package-oci.sh"), BUILD, image],
                              capture_output=True, text=True, timeout=600)
        assert made.returncode == 0, made.stdout + made.stderr
        print("# " + made.stdout.strip().splitlines()[-1])
        layout = os.path.join(work, "layout")
        os.makedirs(layout)
        subprocess.run(["tar", "-C", layout, "-xf", image], check=True)
        bundle = os.path.join(work, "bundle")
        subprocess.run(["umoci", "unpack", "--rootless", "--image", f"{layout}:latest", bundle], check=True,
                       capture_output=True)
        with open(os.path.join(bundle, "config.json")) as f:
            process = json.load(f)["process"]
        assert process["args"] == ["/usr/local/bin/thumbing", "run", "--quiet", "/var/task/lambda.conf"], process
        assert process["user"]["uid"] == 65534, process["user"]
        env = dict(entry.split("=", 1) for entry in process["env"])
        root = os.path.join(bundle, "rootfs")
        for folder in ("dev", "proc"):
            os.makedirs(os.path.join(root, folder), exist_ok=True)
        answers_in_root(root, process["args"], env, user=f"{process['user']['uid']}:{process['user']['gid']}")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(thumbing_tap.run([test_every_element_is_built_in, test_processes_images_without_plugin_files,
                               test_lambda_package_is_self_contained, test_lambda_package_answers_in_an_empty_root,
                               test_oci_image_runs_as_the_function]))
