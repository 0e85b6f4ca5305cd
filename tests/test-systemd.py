#!/usr/bin/python3
"""thumbing under systemd: the notify protocol (READY=1, STATUS=, WATCHDOG=1,
STOPPING=1) spoken to a socket the test holds, as systemd would, and the
shipped unit checked by systemd-analyze: it verifies, and its exposure score
stays low."""

import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import thumbing_tap  # noqa: E402

TOOL = os.environ["THUMBING_TOOL"]
SAMPLES = os.environ["THUMBING_TEST_SAMPLES"]
SOURCE_ROOT = os.environ["THUMBING_SOURCE_ROOT"]
CONF = os.path.join(SOURCE_ROOT, "data", "pipelines", "local.conf")


def receive_until(listener, wanted, seconds=20):
    """Datagrams received until one holds @wanted."""
    got = []
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        listener.settimeout(max(0.05, deadline - time.monotonic()))
        try:
            got.append(listener.recv(4096).decode())
        except socket.timeout:
            break
        if wanted in got[-1]:
            return got
    raise AssertionError(f"no {wanted!r} in {got}")


def check_notify(address, bind_to):
    work = tempfile.mkdtemp()
    try:
        os.makedirs(os.path.join(work, "uploads"))
        shutil.copy(os.path.join(SAMPLES, "good", "grey.jpg"), os.path.join(work, "uploads"))
        with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as listener:
            listener.bind(bind_to)
            env = dict(os.environ, NOTIFY_SOCKET=address, WATCHDOG_USEC="400000",
                       THUMBING_INBOX=os.path.join(work, "uploads"), THUMBING_OUTBOX=os.path.join(work, "avatars"))
            daemon = subprocess.Popen([TOOL, "run", "--quiet", CONF], env=env, stdout=subprocess.DEVNULL,
                                      stderr=subprocess.PIPE, text=True)
            try:
                got = receive_until(listener, "READY=1")
                got += receive_until(listener, "STATUS=processed")
                watchdogs = [m for m in receive_until(listener, "WATCHDOG=1") if m == "WATCHDOG=1"]
                started = time.monotonic()
                for _ in range(3):
                    receive_until(listener, "WATCHDOG=1")
                # Half of WATCHDOG_USEC apart: three more within about 0.6 s.
                assert time.monotonic() - started < 2, "the watchdog was not fed every 200 ms"
                assert watchdogs, got
                daemon.send_signal(signal.SIGTERM)
                assert any(m.startswith("STOPPING=1") for m in receive_until(listener, "STOPPING=1"))
            except BaseException:
                daemon.kill()
                raise
            finally:
                _, stderr = daemon.communicate(timeout=30)
            assert daemon.returncode == 0, stderr
    finally:
        shutil.rmtree(work)


def test_notify_on_a_socket_path():
    work = tempfile.mkdtemp()
    try:
        path = os.path.join(work, "notify")
        check_notify(path, path)
    finally:
        shutil.rmtree(work)


def test_notify_on_an_abstract_socket():
    name = f"thumbing-test-{os.getpid()}"
    check_notify("@" + name, "\0" + name)


def installed_unit(work):
    """The shipped unit with its paths pointing at this build."""
    with open(os.path.join(SOURCE_ROOT, "data", "thumbing.service.in")) as f:
        text = f.read()
    text = text.replace("@bindir@", os.path.dirname(TOOL)).replace(
        "@pipelinedir@", os.path.join(SOURCE_ROOT, "data", "pipelines"))
    path = os.path.join(work, "thumbing.service")
    with open(path, "w") as f:
        f.write(text)
    # Documentation=man:thumbing(1) is checked with man(1).
    os.makedirs(os.path.join(work, "man", "man1"))
    shutil.copy(os.path.join(SOURCE_ROOT, "doc", "thumbing.1"), os.path.join(work, "man", "man1"))
    return path


def test_unit_verifies_and_is_hardened():
    work = tempfile.mkdtemp()
    try:
        unit = installed_unit(work)
        env = dict(os.environ, MANPATH=os.path.join(work, "man"))
        verify = subprocess.run(["systemd-analyze", "verify", unit], capture_output=True, text=True, env=env)
        assert verify.returncode == 0 and verify.stdout + verify.stderr == "", verify.stdout + verify.stderr
        security = subprocess.run(["systemd-analyze", "security", "--offline=yes", unit], capture_output=True,
                                  text=True)
        score = re.search(r"Overall exposure level for thumbing.service: ([0-9.]+)", security.stdout)
        assert score, security.stdout + security.stderr
        print(f"# systemd-analyze security: {score.group(1)}")
        assert float(score.group(1)) <= 2.0, security.stdout
    finally:
        shutil.rmtree(work)


if __name__ == "__main__":
    sys.exit(thumbing_tap.run([test_notify_on_a_socket_path, test_notify_on_an_abstract_socket,
                               test_unit_verifies_and_is_hardened]))
