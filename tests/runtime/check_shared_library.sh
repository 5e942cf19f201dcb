#!/usr/bin/env bash
# liboctet.so as apps embed it: depends on no protobuf, ONNX or XNNPACK library,
# exports only the C API (octet_*), and stays under 1 MiB stripped with every kernel.
# Usage: check_shared_library.sh LIBOCTET.so STRIP READELF
set -euo pipefail
lib=$1 strip=$2 readelf=$3
needed=$("$readelf" -d "$lib" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p')
echo "NEEDED: $(echo $needed)"
if echo "$needed" | grep -Eiq 'protobuf|onnx|xnnpack'; then
  echo "liboctet.so must not depend on protobuf, ONNX or XNNPACK" >&2
  exit 1
fi
exported=$("$readelf" --dyn-syms -W "$lib" | awk '$5 == "GLOBAL" && $7 != "UND" {print $8}' | sed 's/@.*//' | sort -u)
bad=$(echo "$exported" | grep -v '^octet_' || true)
if [ -n "$bad" ]; then
  echo "exported symbols outside the C API: $(echo $bad | head -c 400)" >&2
  exit 1
fi
echo "exported: $(echo "$exported" | wc -l) octet_* functions"
tmp=$(mktemp)
trap 'rm -f "$tmp"' EXIT
"$strip" -o "$tmp" "$lib"
size=$(stat -c %s "$tmp")
echo "stripped size: $size bytes"
if [ "$size" -gt 1048576 ]; then
  echo "liboctet.so is $size bytes stripped, over 1 MiB" >&2
  exit 1
fi
