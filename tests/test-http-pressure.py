#!/usr/bin/python3
"""Every HTTP server thumbing runs (s3-event-source, upload-api,
output-server), in one process, under connection pressure: with its file
descriptors exhausted by stalled clients each listener logs the failure and
recovers once they leave; a client that stalls mid-body is dropped by the
read timeout; a well-behaved client is served throughout."""

import http.client
import json
import os
import resource
import shutil
import socket
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import thumbing_tap  # noqa: E402
from thumbing_daemon import Daemon, free_port  # noqa: E402

MINT = os.environ["THUMBING_JWT_MINT"]
TOKEN = "events-token-0123456789"
# The servers' read and write timeout (THUMBING_HTTP_TIMEOUT_SECONDS).
TIMEOUT = 30


def conf(work, events, api, cdn):
    key = os.path.join(work, "key.pem")
    subprocess.run([MINT, "key", key], check=True)
    jwks = subprocess.run([MINT, "jwks", key, "k1"], check=True, capture_output=True, text=True).stdout
    with open(os.path.join(work, "jwks.json"), "w") as f:
        f.write(jwks)
    os.makedirs(os.path.join(work, "in"))
    os.makedirs(os.path.join(work, "out"))
    with open(os.path.join(work, "out", "a.png"), "wb") as f:
        f.write(b"not really a png")
    return f"""[pipeline]
stages=events;report
services=api;cdn

[events]
element=s3-event-source
port={events}
token={TOKEN}

[report]
element=log

[api]
element=upload-api
port={api}
folder={work}/in
jwks-file={work}/jwks.json
issuer=https://issuer.example.com
client-id=client
origins=https://app.example.com

[cdn]
element=output-server
port={cdn}
folder={work}/out
"""


def served(events, api, cdn):
    """One well-formed request to each server; returns their statuses."""
    statuses = []
    for port, method, path, headers, body in [
            (events, "POST", "/events", {"Authorization": "Bearer " + TOKEN}, json.dumps({"Records": []})),
            (api, "OPTIONS", "/avatar/get_upload", {"Origin": "https://app.example.com"}, None),
            (cdn, "GET", "/a.png", {}, None)]:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        connection.request(method, path, body=body, headers=headers)
        statuses.append(connection.getresponse().status)
        connection.close()
    return statuses


def stall(port, count):
    """Opens count connections that send headers and half a body."""
    stalled = []
    for _ in range(count):
        s = socket.socket()
        s.settimeout(5)
        try:
            s.connect(("127.0.0.1", port))
            s.sendall(b"POST /events HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{\"Rec")
        except OSError:
            pass
        stalled.append(s)
    return stalled


def with_servers(body, wrapper=(), pass_daemon=False):
    work = tempfile.mkdtemp()
    # Under AddressSanitizer, freed memory waits in a 256 MB quarantine,
    # which would read as growth; a small one keeps RSS meaningful.
    asan = ":".join(filter(None, [os.environ.get("ASAN_OPTIONS"), "quarantine_size_mb=4"]))
    try:
        events, api, cdn = free_port(), free_port(), free_port()
        with Daemon(conf(work, events, api, cdn), [events, api, cdn], wrapper=wrapper,
                    env={"ASAN_OPTIONS": asan}) as daemon:
            if pass_daemon:
                body(events, api, cdn, daemon)
            else:
                body(events, api, cdn)
        return daemon.stderr
    finally:
        shutil.rmtree(work)


def test_out_of_file_descriptors_then_recovered():
    def body(events, api, cdn):
        assert served(events, api, cdn) == [200, 204, 200]
        # 70 stalled clients on each server: far beyond 64 descriptors.
        stalled = [s for port in (events, api, cdn) for s in stall(port, 70)]
        time.sleep(1)
        for s in stalled:
            s.close()
        # Once they are gone, every listener takes clients again.
        deadline = time.monotonic() + 15
        while True:
            try:
                statuses = served(events, api, cdn)
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.2)
        assert statuses == [200, 204, 200], statuses

    log = with_servers(body, wrapper=["prlimit", "--nofile=64:64", "--"])
    # The failure was logged, and so was the recovery.
    assert "accepting a connection failed" in log, log
    assert "accepting connections again" in log, log


def test_stalled_clients_are_dropped_while_others_are_served():
    def body(events, api, cdn):
        stalled = [stall(port, 1)[0] for port in (events, api, cdn)]
        # A well-behaved client is served while the stalled ones wait.
        assert served(events, api, cdn) == [200, 204, 200]
        time.sleep(TIMEOUT + 3)
        for s in stalled:
            s.settimeout(5)
            try:
                left = s.recv(4096)
            except ConnectionResetError:
                left = b""
            # Closed by the server (an answer, if any, is an error).
            assert left == b"" or left.startswith(b"HTTP/1.1 4"), left
            s.close()
        assert served(events, api, cdn) == [200, 204, 200]

    with_servers(body)


def rss_kib(pid):
    with open(f"/proc/{pid}/status") as f:
        return next(int(line.split()[1]) for line in f if line.startswith("VmRSS:"))


def trickle(port, count):
    """Slow-loris: count connections that send the start of a request's
    headers and then nothing."""
    sockets = []
    for _ in range(count):
        s = socket.socket()
        s.settimeout(10)
        s.connect(("127.0.0.1", port))
        s.sendall(b"GET /a.png HTTP/1.1\r\nHost: x\r\nX-Slow: ")
        sockets.append(s)
    return sockets


def test_slow_loris_does_not_lock_out_others():
    """500 trickling connections on each server, beyond its 256: a
    well-behaved client is served at once, not after the read timeout, and
    the daemon's memory stays bounded."""
    resource.setrlimit(resource.RLIMIT_NOFILE, (4096, resource.getrlimit(resource.RLIMIT_NOFILE)[1]))

    def body(events, api, cdn, daemon):
        peaks = []
        for _ in range(2):
            attackers = [s for port in (events, api, cdn) for s in trickle(port, 500)]
            try:
                started = time.monotonic()
                assert served(events, api, cdn) == [200, 204, 200]
                waited = time.monotonic() - started
                assert waited < TIMEOUT / 3, f"the good client waited {waited:.1f} s"
                peaks.append(rss_kib(daemon.process.pid))
                print(f"# served in {waited:.2f} s beside 1500 slow-loris connections; RSS {peaks[-1]} KiB")
            finally:
                for s in attackers:
                    s.close()
        # Bounded: at most 256 connections per server are ever held, so a
        # second wave costs no more than the first.
        assert peaks[1] <= peaks[0] * 1.2 + 8 * 1024, peaks

    log = with_servers(body, pass_daemon=True)
    assert "each new client takes the place of the one waiting longest" in log, log


if __name__ == "__main__":
    sys.exit(thumbing_tap.run([test_out_of_file_descriptors_then_recovered,
                               test_stalled_clients_are_dropped_while_others_are_served,
                               test_slow_loris_does_not_lock_out_others]))
