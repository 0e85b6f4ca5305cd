"""Runs `thumbing run` on a keyfile written by a test, until the test is done."""

import os
import signal
import socket
import subprocess
import tempfile
import time
import urllib.error
import urllib.request

TOOL = os.environ["THUMBING_TOOL"]


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def http_get(port, path):
    """(status, Content-Type, body) of GET http://127.0.0.1:port/path, errors included."""
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=10) as response:
            return response.status, response.headers.get("Content-Type"), response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.headers.get("Content-Type"), error.read().decode()


def metric_samples(exposition):
    """{'name{labels}': value} of every sample line of a Prometheus exposition."""
    values = {}
    for line in exposition.splitlines():
        if line and not line.startswith("#"):
            series, value = line.rsplit(" ", 1)
            values[series] = float(value)
    return values


def wait_for_port(port, process, seconds=20):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError("thumbing exited: " + process.stderr.read())
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"nothing listens on port {port}")


class Daemon:
    """`with Daemon(conf_text, ports=[...], env={...}) as d:` runs the pipeline
    until the block ends, then stops it with SIGTERM and keeps its stderr."""

    def __init__(self, conf, ports, env=None, wrapper=()):
        self.conf = conf
        self.ports = ports
        self.wrapper = list(wrapper)
        self.env = dict(os.environ, **(env or {}))
        self.stderr = ""

    def __enter__(self):
        fd, self.path = tempfile.mkstemp(suffix=".conf")
        with os.fdopen(fd, "w") as f:
            f.write(self.conf)
        self.process = subprocess.Popen(self.wrapper + [TOOL, "run", "--quiet", self.path], env=self.env,
                                        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        try:
            for port in self.ports:
                wait_for_port(port, self.process)
        except Exception:
            self.__exit__()
            raise
        return self

    def __exit__(self, *exc):
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
        try:
            _, self.stderr = self.process.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            _, self.stderr = self.process.communicate()
        os.unlink(self.path)
