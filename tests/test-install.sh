#!/usr/bin/env bash
# Checks an installed thumbing: plugins, pipelines, typelib and pkg-config are
# found where `meson install` put them, with no build-tree variables set.
#
#   tests/test-install.sh PREFIX RESULTS.json
#
# Writes one JSON line per check, in meson's test-log format, to RESULTS.json.
set -uo pipefail

prefix=$1
results=$2
: > "$results"
libdir=$(find "$prefix" -name 'libthumbing-1.0.so.0' -printf '%h\n' | head -n 1)
samples=$(cd "$(dirname "$0")/.." && pwd)/build/data/samples/good
failed=0

unset THUMBING_PLUGIN_PATH GI_TYPELIB_PATH
export LD_LIBRARY_PATH="$libdir"
export PATH="$prefix/bin:$PATH"
export PKG_CONFIG_PATH="$libdir/pkgconfig"
export GI_TYPELIB_PATH="$libdir/girepository-1.0"

check() {
  local name=$1
  shift
  if output=$("$@" 2>&1); then
    echo "ok - install: $name"
    printf '{"name": "install: %s", "result": "OK"}\n' "$name" >> "$results"
  else
    echo "not ok - install: $name"
    printf '%s\n' "$output" | sed 's/^/# /'
    printf '{"name": "install: %s", "result": "FAIL"}\n' "$name" >> "$results"
    failed=1
  fi
}

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/uploads"
cp "$samples/photo-baseline.jpg" "$work/uploads/"

check "the command runs" thumbing --version
check "installed plugins are found" bash -c 'thumbing inspect | grep -q "^resize " && thumbing inspect | grep -q "^folder-source "'
check "plugins come from the plugin directory" bash -c \
  "thumbing inspect resize | grep -q \"(\$(pkg-config --variable=plugindir thumbing-1.0)/\""
check "an installed pipeline is found by name" thumbing check local
check "the installed pipeline runs" bash -c \
  "cd '$work' && thumbing run --once --quiet local >/dev/null && test -s '$work/avatars/photo-baseline.png'"
check "the typelib loads from Python" /usr/bin/python3 -c \
  'import gi; gi.require_version("Thumbing", "1.0"); from gi.repository import Thumbing; assert Thumbing.Registry.get_default().lookup("png-encode")'
check "the man page is installed" test -s "$prefix/share/man/man1/thumbing.1"
check "the headers compile" bash -c \
  "printf '#include <thumbing/thumbing.h>\nint main (void) { return thumbing_pipeline_new (NULL) == NULL; }\n' \
   | cc -x c - -o '$work/client' \$(pkg-config --cflags --libs thumbing-1.0) && '$work/client'"
exit "$failed"
