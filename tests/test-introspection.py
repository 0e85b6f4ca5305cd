#!/usr/bin/python3
"""Drives thumbing from Python through GObject-Introspection (Debian's python3-gi)."""

import os
import shutil
import struct
import sys
import tempfile

import gi

gi.require_version("Thumbing", "1.0")
from gi.repository import GLib, Thumbing  # noqa: E402

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import thumbing_tap  # noqa: E402

SAMPLES = os.environ["THUMBING_TEST_SAMPLES"]


def png_size(path):
    with open(path, "rb") as f:
        data = f.read(24)
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">II", data[16:24])


def test_launch_string_runs_on_a_sample():
    root = tempfile.mkdtemp(prefix="thumbing-gi-")
    try:
        inbox = os.path.join(root, "in")
        os.makedirs(inbox)
        shutil.copy(os.path.join(SAMPLES, "good", "photo-baseline.jpg"), inbox)
        shutil.copy(os.path.join(SAMPLES, "bad", "empty.jpg"), inbox)
        pipeline = Thumbing.Pipeline.new_from_launch(
            f'folder-source path="{inbox}" ! resize width=200 height=100 ! png-encode '
            f'! folder-sink path="{root}/out" template={{stem}}.{{ext}}')
        results = []
        pipeline.connect("item-done", lambda _p, item, error: results.append(
            (item.get_name(), error.message if error else None)))
        assert pipeline.run()
        assert pipeline.get_n_succeeded() == 1 and pipeline.get_n_failed() == 1
        assert png_size(os.path.join(root, "out", "photo-baseline.png")) == (200, 100)
        results.sort()
        assert results[0][0] == "empty.jpg" and results[0][1].endswith("empty.jpg: resize: the file is empty")
        assert results[1] == ("photo-baseline.jpg", None)
    finally:
        shutil.rmtree(root)


def test_registry_and_properties():
    registry = Thumbing.Registry.get_default()
    names = [factory.get_name() for factory in registry.list_factories()]
    assert "resize" in names and "folder-source" in names
    factory = registry.lookup("resize")
    assert factory.get_kind() == Thumbing.ElementKind.TRANSFORM
    element = registry.create_element("resize", "thumb")
    element.set_property_from_string("fit", "contain")
    assert element.props.name == "thumb"
    assert element.get_property("fit") is not None
    element.props.width = 77
    assert element.get_property("width") == 77


def test_errors_are_glib_errors():
    try:
        Thumbing.Pipeline.new_from_launch("folder-source path=/tmp ! resise")
    except GLib.Error as error:
        assert error.domain == "thumbing-error-quark", error.domain
        assert error.code == Thumbing.Error.UNKNOWN_ELEMENT
        assert "did you mean “resize”?" in error.message
    else:
        raise AssertionError("an unknown element must raise")


def test_items_from_python():
    item = Thumbing.Item.new("s3://bucket/uploads/a.jpg", "a.jpg")
    item.set_metadata("width", "512")
    assert item.get_metadata("width") == "512"
    assert item.get_metadata_keys() == ["width"]
    template = Thumbing.NameTemplate.new("{stem}-{width}.png")
    assert template.expand(item) == "a-512.png"


if __name__ == "__main__":
    sys.exit(thumbing_tap.run([
        test_launch_string_runs_on_a_sample,
        test_registry_and_properties,
        test_errors_are_glib_errors,
        test_items_from_python,
    ]))
