#!/bin/bash
# Packages thumbing as an AWS Lambda function for a custom runtime
# (provided.al2023): a zip with `bootstrap`, the thumbing program with every
# plugin linked in (-Dstatic-plugins=true), data/pipelines/lambda.conf and the
# shared libraries the program loads, glibc's excepted (the runtime has it).
#
#   bash data/package-lambda.sh [BUILD_DIR [OUTPUT.zip [PIPELINE.conf]]]
#
# PIPELINE.conf (default data/pipelines/lambda.conf) is the pipeline the
# function runs, the one `thumbing synth` made its template from.
# BUILD_DIR (default build-lambda) is configured with static plugins if it
# is not yet. Build on the runtime's own OS (an Amazon Linux 2023 container)
# so the libraries match its glibc.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=${1:-$root/build-lambda}
output=${2:-$build/thumbing-lambda.zip}
pipeline=${3:-$root/data/pipelines/lambda.conf}

if [ ! -f "$build/build.ninja" ]; then
  meson setup "$build" "$root" --buildtype=release -Dstatic-plugins=true -Dintrospection=disabled
fi
if [ "$(meson introspect --buildoptions "$build" | python3 -c \
       'import json,sys; print([o["value"] for o in json.load(sys.stdin) if o["name"] == "static-plugins"][0])')" != True ]; then
  echo "package-lambda: $build is not configured with -Dstatic-plugins=true" >&2
  exit 2
fi
meson compile -C "$build" thumbing >/dev/null

stage="$build/lambda-package"
rm -rf "$stage"
mkdir -p "$stage/bin" "$stage/lib"
cp "$build/src/tools/thumbing" "$stage/bin/"
cp "$pipeline" "$stage/lambda.conf"

# copy_libraries FILE DEST: the shared libraries FILE loads, but glibc's.
copy_libraries() {
  ldd "$1" | awk '/=> \// { print $3 }' | while read -r library; do
    case "$(basename "$library")" in
      libc.so.*|libm.so.*|libpthread.so.*|libdl.so.*|librt.so.*|ld-linux*|libresolv.so.*) ;;
      *) [ -e "$2/$(basename "$library")" ] || cp -L "$library" "$2/" ;;
    esac
  done
}
copy_libraries "$stage/bin/thumbing" "$stage/lib"

# libvips loads HEIF (HEIC and AVIF) as a module, from VIPSHOME.
vips_version=$(pkg-config --modversion vips | cut -d. -f1,2)
modules=$(pkg-config --variable=libdir vips)/vips-modules-$vips_version
if [ -f "$modules/vips-heif.so" ]; then
  mkdir -p "$stage/lib/vips-modules-$vips_version"
  cp "$modules/vips-heif.so" "$stage/lib/vips-modules-$vips_version/"
  copy_libraries "$modules/vips-heif.so" "$stage/lib"
fi

cat > "$stage/bootstrap" <<'BOOTSTRAP'
#!/bin/sh
# The Lambda custom runtime's entry point: thumbing takes the invocations.
export LD_LIBRARY_PATH="$LAMBDA_TASK_ROOT/lib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
export VIPSHOME="$LAMBDA_TASK_ROOT"
exec "$LAMBDA_TASK_ROOT/bin/thumbing" run --quiet "$LAMBDA_TASK_ROOT/lambda.conf"
BOOTSTRAP
chmod 755 "$stage/bootstrap"

rm -f "$output"
(cd "$stage" && python3 -m zipfile -c "$output" bootstrap bin lib lambda.conf)
echo "package-lambda: $output ($(du -h "$output" | cut -f1))"
