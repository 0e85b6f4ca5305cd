#!/usr/bin/python3
"""Under systemd, thumbing's stderr is the journal: a failed item becomes one
journal entry with fields journalctl can match (THUMBING_ITEM_ID, ...).

The test plays journald: in a private mount namespace (`unshare -m`, or
`unshare -rm` without root) it binds /run/systemd/journal/socket and
/run/systemd/journal/stdout itself, connects thumbing's stderr to the
latter as systemd does (GLib recognises the journal by that peer), and
reads the native-protocol datagrams GLib sends to the former."""

import json
import os
import shutil
import socket
import struct
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import thumbing_tap  # noqa: E402

TOOL = os.environ["THUMBING_TOOL"]
SAMPLES = os.environ["THUMBING_TEST_SAMPLES"]


def parse_native(datagram):
    """journald's native protocol: KEY=value lines, or KEY, a 64-bit length
    and the value for values holding newlines."""
    fields, at = {}, 0
    while at < len(datagram):
        end = datagram.index(b"\n", at)
        line = datagram[at:end]
        if b"=" in line:
            key, value = line.split(b"=", 1)
            at = end + 1
        else:
            key = line
            length = struct.unpack("<Q", datagram[end + 1:end + 9])[0]
            value = datagram[end + 9:end + 9 + length]
            at = end + 9 + length + 1
        fields[key.decode()] = value.decode(errors="replace")
    return fields


def inside():
    """Run in the private mount namespace: be journald, run thumbing, print
    the entries as JSON."""
    subprocess.run(["mount", "-t", "tmpfs", "tmpfs", "/run"], check=True)
    os.makedirs("/run/systemd/journal")
    journal = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    journal.bind("/run/systemd/journal/socket")
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    listener.bind("/run/systemd/journal/stdout")
    listener.listen(1)
    theirs = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    theirs.connect("/run/systemd/journal/stdout")
    stream, _ = listener.accept()
    info = os.fstat(theirs.fileno())
    work = tempfile.mkdtemp()
    try:
        inbox = os.path.join(work, "in")
        os.makedirs(inbox)
        shutil.copy(os.path.join(SAMPLES, "good", "grey.jpg"), inbox)
        shutil.copy(os.path.join(SAMPLES, "bad", "truncated.jpg"), inbox)
        env = dict(os.environ, JOURNAL_STREAM=f"{info.st_dev}:{info.st_ino}")
        result = subprocess.run([TOOL, "launch", f"folder-source path={inbox} ! resize width=64 height=64 ! png-encode"
                                 f" ! folder-sink path={work}/out"], stderr=theirs, stdout=subprocess.DEVNULL,
                                env=env, timeout=120)
        theirs.close()
        journal.setblocking(False)
        entries = []
        while True:
            try:
                entries.append(parse_native(journal.recv(65536)))
            except BlockingIOError:
                break
        stream.settimeout(5)
        print(json.dumps({"status": result.returncode, "entries": entries}))
    finally:
        shutil.rmtree(work)


def test_failed_item_is_a_journal_entry_with_fields():
    unshare = ["unshare", "-m"] if os.geteuid() == 0 else ["unshare", "-rm"]
    run = subprocess.run([*unshare, sys.executable, os.path.abspath(__file__), "--inside"], capture_output=True,
                         text=True, timeout=180)
    assert run.returncode == 0, run.stderr
    report = json.loads(run.stdout)
    assert report["status"] == 1, report
    failed = [e for e in report["entries"] if "THUMBING_ITEM_ID" in e]
    assert len(failed) == 1, report
    entry = failed[0]
    assert entry["THUMBING_ORIGIN"] == "truncated.jpg" and entry["PRIORITY"] == "3", entry
    assert len(entry["THUMBING_ITEM_ID"]) == 16 and "truncated.jpg" in entry["MESSAGE"], entry


if __name__ == "__main__":
    if sys.argv[1:] == ["--inside"]:
        inside()
    else:
        sys.exit(thumbing_tap.run([test_failed_item_is_a_journal_entry_with_fields]))
