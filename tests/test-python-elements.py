#!/usr/bin/python3
"""Elements written in Python: a program defines one (doc/examples/
catalogue.py, a sink recording thumbnails in SQLite), registers it and runs
it; the thumbing command loads the same file from THUMBING_PLUGIN_PATH
through its python plugin; an exception in an element fails the item and
keeps the input; a missing PyGObject is named; and without Python files
the interpreter is not loaded at all."""

import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import thumbing_tap  # noqa: E402

TOOL = os.environ["THUMBING_TOOL"]
SAMPLES = os.environ["THUMBING_TEST_SAMPLES"]
ROOT = os.environ["THUMBING_SOURCE_ROOT"]
BUILD = os.environ["THUMBING_BUILD_ROOT"]
EXAMPLE = os.path.join(ROOT, "doc", "examples", "catalogue.py")
NAMES = ["grey.jpg", "portrait-alpha.png"]


def inbox(root):
    folder = os.path.join(root, "in")
    os.makedirs(folder)
    for name in NAMES:
        shutil.copy(os.path.join(SAMPLES, "good", name), folder)
    return folder


def rows(database):
    with sqlite3.connect(database) as connection:
        return sorted(connection.execute("SELECT name, width, height, output, colour FROM thumbnails"))


def assert_catalogued(database, outbox):
    found = rows(database)
    assert [r[0] for r in found] == NAMES, found
    for name, width, height, output, colour in found:
        assert (width, height) == (512, 512) and os.path.exists(os.path.join(outbox, output)), (name, output)
        assert colour.startswith("#") and len(colour) == 7, colour


def plugin_folder(root, *files):
    folder = os.path.join(root, "python-elements")
    os.makedirs(folder)
    for path in files:
        shutil.copy(path, folder)
    if not os.path.exists(os.path.join(BUILD, "plugins", "python", "libthumbingpython.so")):
        raise AssertionError("the python plugin was not built: python3-dev (data/debian-packages.txt) is missing")
    return folder


def env_with(folder, **extra):
    return dict(os.environ, THUMBING_PLUGIN_PATH=os.environ["THUMBING_PLUGIN_PATH"] + ":" + folder, **extra)


def test_a_program_defines_and_runs_an_element():
    root = tempfile.mkdtemp()
    try:
        database = os.path.join(root, "catalogue.sqlite")
        result = subprocess.run(["/usr/bin/python3", EXAMPLE, inbox(root), os.path.join(root, "out"), database],
                                capture_output=True, text=True, timeout=120)
        assert result.returncode == 0, result.stderr
        assert_catalogued(database, os.path.join(root, "out"))
    finally:
        shutil.rmtree(root)


def test_the_command_loads_elements_from_python_files():
    root = tempfile.mkdtemp()
    try:
        env = env_with(plugin_folder(root, EXAMPLE))
        described = subprocess.run([TOOL, "inspect", "catalogue"], capture_output=True, text=True, env=env)
        assert described.returncode == 0, described.stderr
        assert "Plugin               python" in described.stdout and "database" in described.stdout, described.stdout
        database, outbox = os.path.join(root, "c.sqlite"), os.path.join(root, "out")
        result = subprocess.run([TOOL, "launch", "--once", "--quiet",
                                 f"folder-source path={inbox(root)} ! resize ! placeholder ! png-encode"
                                 f" ! folder-sink path={outbox} template={{stem}}.png ! catalogue database={database}"],
                                capture_output=True, text=True, env=env, timeout=120)
        assert result.returncode == 0, result.stderr
        assert_catalogued(database, outbox)
    finally:
        shutil.rmtree(root)


BOOM = '''
import gi
gi.require_version("Thumbing", "1.0")
from gi.repository import Thumbing

class Boom(Thumbing.Sink):
    __gtype_name__ = "TestPythonBoom"

    def do_process(self, item, cancellable):
        raise ValueError("no room for " + item.get_name())

thumbing_elements = [(Boom, "boom", "Fails every item with a Python exception", None, None)]
'''


def test_an_exception_fails_the_item_and_keeps_the_input():
    root = tempfile.mkdtemp()
    try:
        script = os.path.join(root, "boom.py")
        with open(script, "w") as f:
            f.write(BOOM)
        env = env_with(plugin_folder(root, script))
        folder = inbox(root)
        result = subprocess.run([TOOL, "launch", "--once", "--quiet",
                                 f"folder-source path={folder} done=delete ! resize ! png-encode ! boom"],
                                capture_output=True, text=True, env=env, timeout=120)
        # PyGObject reports a plain exception as "no item, no error", which
        # would mean dropped (and the input deleted); the plugin makes it fail.
        assert result.returncode == 1, result.stderr
        assert "boom: ValueError: no room for grey.jpg" in result.stderr, result.stderr
        assert sorted(os.listdir(folder)) == NAMES, os.listdir(folder)
    finally:
        shutil.rmtree(root)


def test_a_missing_pygobject_is_named():
    root = tempfile.mkdtemp()
    try:
        env = env_with(plugin_folder(root, EXAMPLE))
        # A PyGObject that cannot be imported, ahead of the real one.
        hidden = os.path.join(root, "no-gi")
        os.makedirs(hidden)
        with open(os.path.join(hidden, "gi.py"), "w") as f:
            f.write("raise ImportError(\"No module named 'gi'\")\n")
        env["PYTHONPATH"] = hidden
        result = subprocess.run([TOOL, "inspect", "catalogue"], capture_output=True, text=True, env=env)
        assert result.returncode != 0, result.stdout
        assert "elements written in Python need PyGObject (Debian's python3-gi)" in result.stderr, result.stderr
        assert "catalogue.py" in result.stderr, result.stderr
    finally:
        shutil.rmtree(root)


def loaded_libraries(env, root):
    """The files mapped by a thumbing daemon once its plugins are loaded."""
    empty, out = os.path.join(root, "empty"), os.path.join(root, "out")
    os.makedirs(empty, exist_ok=True)
    daemon = subprocess.Popen([TOOL, "launch", "--quiet", f"folder-source path={empty} watch=true ! resize "
                               f"! png-encode ! folder-sink path={out}"], env=env, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            with open(f"/proc/{daemon.pid}/maps") as f:
                maps = f.read()
            if "libthumbingpython" in maps and "libthumbingvips" in maps:
                return maps
            assert daemon.poll() is None, daemon.stderr.read()
            time.sleep(0.05)
        raise AssertionError("the daemon did not load its plugins in 30 s")
    finally:
        daemon.terminate()
        daemon.wait(timeout=30)


def test_python_is_loaded_only_for_python_files():
    """libpython's relocations cost every process 2.4 MB: without *.py
    element files the interpreter's library is not even mapped."""
    root = tempfile.mkdtemp()
    try:
        assert "libpython" not in loaded_libraries(os.environ, root)
        assert "libpython" in loaded_libraries(env_with(plugin_folder(root, EXAMPLE)), root)
    finally:
        shutil.rmtree(root)


if __name__ == "__main__":
    sys.exit(thumbing_tap.run([test_a_program_defines_and_runs_an_element,
                               test_the_command_loads_elements_from_python_files,
                               test_an_exception_fails_the_item_and_keeps_the_input,
                               test_a_missing_pygobject_is_named,
                               test_python_is_loaded_only_for_python_files]))
