#!/usr/bin/env bash
# Fetches the target libraries octet links (cpuinfo, pthreadpool, flatbuffers,
# GoogleTest, Google Benchmark, stb) for an ARM target and unpacks them into a
# sysroot folder outside git, without installing anything: `apt-get download`
# under a private package list for the target architecture, then `dpkg-deb -x`.
# Debian multiarch is deliberately not used: Debian 12's libpthreadpool0 and
# libxnnpack0 are not multi-arch, so installing the arm64 ones would remove the
# native packages.
#
# Usage: scripts/arm-sysroot.sh arm64|armhf [DIR]
#   DIR defaults to ~/.cache/octet/sysroot-ARCH. Prints DIR on its last line.
set -euo pipefail
arch=${1:?usage: arm-sysroot.sh arm64|armhf [DIR]}
case "$arch" in
  arm64|armhf) ;;
  *) echo "arm-sysroot.sh: architecture '$arch' is not arm64 or armhf" >&2; exit 2 ;;
esac
dir=${2:-$HOME/.cache/octet/sysroot-$arch}
pkgs=(
  libcpuinfo-dev libcpuinfo0
  libpthreadpool-dev libpthreadpool0
  libflatbuffers-dev libflatbuffers2
  libgtest-dev libgmock-dev googletest
  libbenchmark-dev libbenchmark1debian
  libstb-dev libstb0
)
stamp="$dir/.octet-sysroot"
want="${pkgs[*]}"
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
  echo "arm-sysroot: $dir is complete"
  echo "$dir"
  exit 0
fi
state="$dir/.apt"
rm -rf "$state/debs"  # only this download's versions are unpacked
mkdir -p "$state/lists/partial" "$state/cache/archives/partial" "$state/debs"
apt_opts=(-o "APT::Architecture=$arch" -o "APT::Architectures=$arch"
          -o "Dir::State::Lists=$state/lists" -o "Dir::Cache=$state/cache"
          -o "Dir::State::status=/dev/null" -o "Debug::NoLocking=1")
# As root, apt would hand the download to user _apt, who cannot write into $HOME.
[ "$(id -u)" -eq 0 ] && apt_opts+=(-o "APT::Sandbox::User=root")
echo "arm-sysroot: package lists for $arch"
apt-get "${apt_opts[@]}" update -q >/dev/null
echo "arm-sysroot: downloading ${pkgs[*]}"
(cd "$state/debs" && apt-get "${apt_opts[@]}" download -q "${pkgs[@]}" >/dev/null)
for deb in "$state/debs"/*.deb; do
  dpkg-deb -x "$deb" "$dir"
done
echo "$want" > "$stamp"
echo "arm-sysroot: unpacked $(ls "$state/debs" | wc -l) packages into $dir"
echo "$dir"
