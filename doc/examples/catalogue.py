#!/usr/bin/python3
"""A thumbing element written in Python: `catalogue`, a sink that records
each thumbnail (name, size, where it went, its placeholder colour) in a
SQLite file, for a site's own search or gallery. Two ways to use it:

    python3 catalogue.py INBOX OUTBOX CATALOGUE.sqlite

registers it and runs a pipeline that ends in it; and, with this file in a
folder of THUMBING_PLUGIN_PATH (or the plugin directory), the `thumbing`
command loads it through its python plugin, which reads `thumbing_elements`:

    thumbing launch '… ! folder-sink path=out ! catalogue database=c.sqlite'

Element classes written in Python subclass Thumbing.Transform or
Thumbing.Sink, declare their settings as GObject properties (set from the
pipeline as `key=value`), implement do_process (it runs on the pipeline's
worker threads, so it guards what it shares) and are registered with
Thumbing.Registry.add_element_type, which gives them their name,
description and media types.
"""

import sqlite3
import sys
import threading

import gi

gi.require_version("Thumbing", "1.0")
from gi.repository import GObject, Thumbing  # noqa: E402


class Catalogue(Thumbing.Sink):
    __gtype_name__ = "ExampleCatalogue"

    database = GObject.Property(type=str, default="catalogue.sqlite", blurb="The SQLite file to record into")

    def do_start(self):
        self.lock = threading.Lock()
        self.connection = sqlite3.connect(self.database, check_same_thread=False)
        self.connection.execute("CREATE TABLE IF NOT EXISTS thumbnails (name TEXT PRIMARY KEY, width INTEGER,"
                                " height INTEGER, bytes INTEGER, output TEXT, colour TEXT)")
        return True

    def do_process(self, item, cancellable):
        row = (item.get_name(), item.get_metadata("width"), item.get_metadata("height"),
               item.get_metadata("bytes"), item.get_metadata("output-name"),
               item.get_metadata("placeholder.dominant-color"))
        with self.lock:
            self.connection.execute("INSERT OR REPLACE INTO thumbnails VALUES (?, ?, ?, ?, ?, ?)", row)
            self.connection.commit()
        return item

    def do_stop(self):
        self.connection.close()


# (class, name, description, media accepted or None for any, media produced
# or None for what it accepts): what the thumbing command's python plugin
# registers from this file.
thumbing_elements = [
    (Catalogue, "catalogue", "Records each thumbnail in a SQLite file", None, None),
]


def main(inbox, outbox, database):
    registry = Thumbing.Registry.get_default()
    for element, name, description, accepts, produces in thumbing_elements:
        registry.add_element_type(element, name, description, accepts, produces, "catalogue.py")
    pipeline = Thumbing.Pipeline.new_from_launch(
        f"folder-source path={inbox} ! resize width=512 height=512 ! placeholder ! png-encode"
        f" ! folder-sink path={outbox} template={{stem}}.png ! catalogue database={database}")
    pipeline.set_once(True)
    pipeline.run()
    return 0 if pipeline.get_n_failed() == 0 else 1


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:4]))
