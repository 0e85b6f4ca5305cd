#!/bin/bash
# Packages thumbing as an OCI container image with the contents of the
# Lambda zip (data/package-lambda.sh: the program with its plugins, every
# library with Debian's glibc and dynamic loader) under /var/task, a static
# shell (Debian's busybox-static) as /bin/sh, and /usr/local/bin/thumbing
# starting the program through the package's own loader. Assembled with
# Debian's umoci: no container engine and no registry.
#
#   bash data/package-oci.sh [BUILD_DIR [OUTPUT.tar]]
#
# The image runs `thumbing run --quiet /var/task/lambda.conf` by default,
# which is what a Lambda container-image function wants; ECS or Kubernetes
# workers give the command `run /var/task/thumbing.conf` instead. Load the
# archive with `skopeo copy oci-archive:OUTPUT.tar docker://…` or
# `podman load -i OUTPUT.tar`.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=$(realpath -m "${1:-$root/build-lambda}")
output=$(realpath -m "${2:-$build/thumbing-oci.tar}")
for tool in umoci busybox; do
  if ! command -v "$tool" >/dev/null; then
    echo "package-oci: $tool is missing (apt-get install umoci busybox-static)" >&2
    exit 2
  fi
done

bash "$root/data/package-lambda.sh" "$build" "$build/thumbing-lambda.zip"
stage="$build/lambda-package"
cp "$root/data/pipelines/thumbing.conf" "$stage/thumbing.conf"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
rootfs="$work/rootfs"
mkdir -p "$rootfs/bin" "$rootfs/usr/local/bin" "$rootfs/tmp" "$rootfs/var"
cp -L "$(command -v busybox)" "$rootfs/bin/busybox"
ln -s busybox "$rootfs/bin/sh"
cp -a "$stage" "$rootfs/var/task"
chmod 1777 "$rootfs/tmp"
cat > "$rootfs/usr/local/bin/thumbing" <<'WRAPPER'
#!/bin/sh
# thumbing, through the image's own dynamic loader and libraries.
task=/var/task
export VIPSHOME="$task"
export GIO_MODULE_DIR="$task/lib/gio-modules"
export SSL_CERT_FILE="${SSL_CERT_FILE:-$task/etc/ca-certificates.crt}"
exec "$task/lib/ld-linux-x86-64.so.2" --library-path "$task/lib" --argv0 thumbing "$task/bin/thumbing" "$@"
WRAPPER
chmod 755 "$rootfs/usr/local/bin/thumbing"

layout="$work/layout"
umoci init --layout "$layout"
umoci new --image "$layout:latest"
# One layer holding the whole tree; files keep their modes, owned by root.
umoci insert --rootless --image "$layout:latest" "$rootfs" /
version=$("$build/src/tools/thumbing" --version | awk '{print $2}')
umoci config --image "$layout:latest" \
  --config.entrypoint /usr/local/bin/thumbing \
  --config.cmd run --config.cmd --quiet --config.cmd /var/task/lambda.conf \
  --config.env LAMBDA_TASK_ROOT=/var/task \
  --config.env PATH=/usr/local/bin:/bin \
  --config.workingdir /var/task \
  --config.user 65534:65534 \
  --config.label "org.opencontainers.image.title=thumbing" \
  --config.label "org.opencontainers.image.version=$version" \
  --architecture amd64 --os linux
umoci gc --layout "$layout"
rm -f "$output"
tar -C "$layout" -cf "$output" .
echo "package-oci: $output ($(( $(stat -c %s "$output") / 1048576 )) MiB)"
