#!/usr/bin/env bash
# Packs what a board needs to measure octet, from a cross build
# (scripts/cross-build.sh), into one tarball: octet-bench, octet-run, the example
# app, liboctet.so, and the sysroot's cpuinfo and pthreadpool libraries, with
# bench.sh, which runs octet-bench on them (run.sh runs any of the tools). On the board (Linux with glibc 2.34 or
# later: Debian 12, Ubuntu 22.04, Raspberry Pi OS bookworm, ...):
#   tar xzf octet-aarch64.tar.gz && cd octet-aarch64 && ./bench.sh MODEL.octet
# prints the latency report (octet-bench defaults: median of 50 runs at 1 thread;
# its options pass through, e.g. ./bench.sh MODEL.octet --threads 4 --profile).
#
# Usage: scripts/board-bundle.sh aarch64|armhf [OUT_DIR]   (default OUT_DIR: .)
set -euo pipefail
cd "$(dirname "$0")/.."
t=${1:?usage: board-bundle.sh aarch64|armhf [OUT_DIR]}
mkdir -p "${2:-.}"
out=$(cd "${2:-.}" && pwd)
case "$t" in
  aarch64) triplet=aarch64-linux-gnu debarch=arm64 ;;
  armhf) triplet=arm-linux-gnueabihf debarch=armhf ;;
  *) echo "board-bundle.sh: unknown target '$t' (aarch64, armhf)" >&2; exit 2 ;;
esac
b=${OCTET_CROSS_BUILD_PREFIX:-build-}$t
sysroot=$HOME/.cache/octet/sysroot-$debarch  # scripts/arm-sysroot.sh
for f in "$b/benchmarks/octet-bench" "$b/benchmarks/octet-run" "$b/examples/octet-example-minimal"; do
  [ -x "$f" ] || { echo "board-bundle.sh: $f missing: run scripts/cross-build.sh $t" >&2; exit 1; }
done
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
d=$stage/octet-$t
mkdir -p "$d/lib"
cp "$b/benchmarks/octet-bench" "$b/benchmarks/octet-run" "$b/examples/octet-example-minimal" "$d/"
cp -P "$b"/runtime/liboctet.so* "$d/lib/"
cp -L "$sysroot/usr/lib/$triplet/libcpuinfo.so.0" "$sysroot/usr/lib/$triplet/libpthreadpool.so.0" "$d/lib/"
"$triplet-strip" "$d/octet-bench" "$d/octet-run" "$d/octet-example-minimal" "$d"/lib/*.so.*
cat > "$d/bench.sh" <<'RUN'
#!/bin/sh
# octet-bench on this board: ./bench.sh MODEL.octet [octet-bench options]
here=$(cd "$(dirname "$0")" && pwd)
model=$1
[ -n "$model" ] || { echo "usage: ./bench.sh MODEL.octet [--threads N] [--runs N] [--profile] ..." >&2; exit 2; }
shift
LD_LIBRARY_PATH="$here/lib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}" exec "$here/octet-bench" --model "$model" "$@"
RUN
cat > "$d/run.sh" <<'RUN'
#!/bin/sh
# Any of the tools with the bundled libraries: ./run.sh octet-run MODEL.octet --runs 20
here=$(cd "$(dirname "$0")" && pwd)
tool=$1
[ -n "$tool" ] || { echo "usage: ./run.sh octet-bench|octet-run|octet-example-minimal ARGS..." >&2; exit 2; }
shift
LD_LIBRARY_PATH="$here/lib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}" exec "$here/$tool" "$@"
RUN
chmod +x "$d/bench.sh" "$d/run.sh"
tar czf "$out/octet-$t.tar.gz" -C "$stage" "octet-$t"
echo "$out/octet-$t.tar.gz"
