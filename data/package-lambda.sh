#!/bin/bash
# Packages thumbing as an AWS Lambda function for a custom runtime
# (provided.al2023): a zip with `bootstrap`, the thumbing program with every
# plugin linked in (-Dstatic-plugins=true), data/pipelines/lambda.conf, and
# every shared library the program loads with Debian's glibc and dynamic
# loader, which bootstrap starts it through: it needs nothing of the
# runtime's OS but a shell.
#
#   bash data/package-lambda.sh [BUILD_DIR [OUTPUT.zip [PIPELINE.conf]]]
#
# PIPELINE.conf (default data/pipelines/lambda.conf) is the pipeline the
# function runs, the one `thumbing synth` made its template from.
# BUILD_DIR (default build-lambda) is configured with static plugins if it
# is not yet.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=$(realpath -m "${1:-$root/build-lambda}")
output=$(realpath -m "${2:-$build/thumbing-lambda.zip}")
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

# copy_libraries FILE DEST: every shared library FILE loads, glibc's too:
# the package brings its own C library and dynamic loader, so it needs
# nothing of the runtime's OS (provided.al2023 has an older glibc than the
# one these libraries were built against). ldd reads the built program, not
# the copy, whose RUNPATH no longer leads to libthumbing.
copy_libraries() {
  ldd "$1" | awk '/=> \// { print $3 }' | while read -r library; do
    [ -e "$2/$(basename "$library")" ] || cp -L "$library" "$2/"
  done
}
copy_libraries "$build/src/tools/thumbing" "$stage/lib"
interpreter=$(readelf -l "$build/src/tools/thumbing" | sed -n 's/.*Requesting program interpreter: \(.*\)]/\1/p')
cp -L "$interpreter" "$stage/lib/"
loader=$(basename "$interpreter")
strip --strip-unneeded "$stage/bin/thumbing"

# libvips loads HEIF (HEIC and AVIF) as a module, from VIPSHOME.
vips_version=$(pkg-config --modversion vips | cut -d. -f1,2)
modules=$(pkg-config --variable=libdir vips)/vips-modules-$vips_version
if [ -f "$modules/vips-heif.so" ]; then
  mkdir -p "$stage/lib/vips-modules-$vips_version"
  cp "$modules/vips-heif.so" "$stage/lib/vips-modules-$vips_version/"
  copy_libraries "$modules/vips-heif.so" "$stage/lib"
fi
# HTTPS goes through GIO's TLS module (glib-networking), which GIO loads
# from GIO_MODULE_DIR; and Debian's GnuTLS looks for the authorities where
# Debian keeps them, so the bundle travels too (SSL_CERT_FILE).
gio_modules=$(pkg-config --variable=giomoduledir gio-2.0)
if [ -f "$gio_modules/libgiognutls.so" ]; then
  mkdir -p "$stage/lib/gio-modules"
  cp "$gio_modules/libgiognutls.so" "$stage/lib/gio-modules/"
  copy_libraries "$gio_modules/libgiognutls.so" "$stage/lib"
fi
mkdir -p "$stage/etc"
cp -L /etc/ssl/certs/ca-certificates.crt "$stage/etc/ca-certificates.crt"

cat > "$stage/bootstrap" <<BOOTSTRAP
#!/bin/sh
# The Lambda custom runtime's entry point: thumbing takes the invocations,
# started through the package's own dynamic loader and libraries.
task=\${LAMBDA_TASK_ROOT:-\$(dirname "\$0")}
export VIPSHOME="\$task"
export GIO_MODULE_DIR="\$task/lib/gio-modules"
export SSL_CERT_FILE="\${SSL_CERT_FILE:-\$task/etc/ca-certificates.crt}"
exec "\$task/lib/$loader" --library-path "\$task/lib" --argv0 thumbing \\
  "\$task/bin/thumbing" run --quiet "\$task/lambda.conf"
BOOTSTRAP
chmod 755 "$stage/bootstrap"

rm -f "$output"
(cd "$stage" && python3 -m zipfile -c "$output" bootstrap bin lib etc lambda.conf)
zipped=$(stat -c %s "$output")
unpacked=$(du -sb "$stage" | cut -f1)
echo "package-lambda: $output: $((zipped / 1048576)) MiB zipped, $((unpacked / 1048576)) MiB unpacked" \
     "(Lambda's limits: 50 MB zipped for a direct upload, 250 MB unpacked)"
if [ "$zipped" -gt 50000000 ] || [ "$unpacked" -gt 250000000 ]; then
  echo "package-lambda: the package is over Lambda's limits" >&2
  exit 1
fi
