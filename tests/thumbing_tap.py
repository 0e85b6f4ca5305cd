"""A minimal TAP runner for the Python tests, so meson counts each test."""

import sys
import traceback


class Skip(Exception):
    """Raised by a test that cannot run on this machine; the message says why."""


def run(tests):
    print(f"1..{len(tests)}", flush=True)
    failed = 0
    for number, test in enumerate(tests, 1):
        try:
            test()
        except Skip as reason:
            print(f"ok {number} - {test.__name__} # SKIP {reason}")
            print(f"{test.__name__}: skipped: {reason}", file=sys.stderr)
        except Exception:  # noqa: BLE001 - every failure is reported, then counted
            failed += 1
            print(f"not ok {number} - {test.__name__}")
            for line in traceback.format_exc().splitlines():
                print(f"# {line}")
            # On the console too, not only in meson's log.
            print(f"{test.__name__} failed:\n{traceback.format_exc()}", file=sys.stderr)
        else:
            print(f"ok {number} - {test.__name__}")
        sys.stdout.flush()
    return 1 if failed else 0
