#!/usr/bin/env bash
# Fuzzes thumbing's parsers: builds build-fuzz (clang, libFuzzer, ASan and
# UBSan) and runs each target for SECONDS, growing its corpus in
# build-fuzz/corpus/NAME (seeded from tests/fuzz/corpus/NAME). Crashes land
# in build-fuzz/crashes/; add each, once fixed, to the seed corpus.
#
#   bash tests/fuzz/run.sh 600                 # every target, ten minutes each
#   bash tests/fuzz/run.sh 60 launch sigv4     # two targets, a minute each
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$root"
seconds=${1:?usage: bash tests/fuzz/run.sh SECONDS [TARGET…]}
shift

if [ ! -f build-fuzz/build.ninja ]; then
  CC=clang meson setup build-fuzz -Dwerror=true -Dintrospection=disabled -Dfuzzing=true \
    -Db_sanitize=address,undefined -Db_lundef=false
fi
meson compile -C build-fuzz >/dev/null

targets=("$@")
if [ "${#targets[@]}" -eq 0 ]; then
  mapfile -t targets < <(ls tests/fuzz/fuzz-*.c | sed 's|.*/fuzz-||; s|\.c$||')
fi

mkdir -p build-fuzz/crashes
status=0
for target in "${targets[@]}"; do
  corpus=build-fuzz/corpus/$target
  mkdir -p "$corpus"
  echo "== fuzz-$target for ${seconds} s"
  THUMBING_PLUGIN_PATH="$root/build-fuzz/plugins" \
  UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
    "build-fuzz/tests/fuzz/fuzz-$target" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
      -artifact_prefix="build-fuzz/crashes/$target-" -print_final_stats=1 \
      "$corpus" "tests/fuzz/corpus/$target" 2>&1 | grep -E '^(#[0-9]+[[:space:]]+DONE|stat::number_of_executed_units|stat::peak_rss_mb|==[0-9]+==ERROR|SUMMARY|artifact_prefix|Test unit written)' \
    || status=1
done
exit "$status"
