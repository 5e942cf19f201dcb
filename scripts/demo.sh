#!/usr/bin/env bash
# The main job on a fresh Debian 12 machine: install what is missing, build,
# write the default model and run it (with a per-operator profile).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
bash scripts/build.sh build
./build/converter/octet-make-demo build/demo.octet
./build/benchmarks/octet-run build/demo.octet --runs 20 --profile
