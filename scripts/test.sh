#!/usr/bin/env bash
# Installs what is missing, builds, and runs the whole test suite with ctest.
# Usage: scripts/test.sh [--sanitize | --cpu-only] [extra ctest args…]
#   --sanitize   ASan+UBSan build in build-asan/ (see README, Development)
#   --cpu-only   build without the CUDA backend in build-cpu/
set -euo pipefail
cd "$(dirname "$0")/.."

case "${1:-}" in
  --sanitize)
    shift
    export AGORA_BUILD_DIR=build-asan AGORA_BUILD_TYPE=RelWithDebInfo
    export AGORA_CMAKE_ARGS="-DAGORA_SANITIZE=ON ${AGORA_CMAKE_ARGS:-}"
    export ASAN_OPTIONS="detect_leaks=1:abort_on_error=1"
    export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1:suppressions=$PWD/scripts/ubsan.supp"
    ;;
  --cpu-only)
    shift
    export AGORA_BUILD_DIR=build-cpu AGORA_CMAKE_ARGS="-DAGORA_CUDA=OFF ${AGORA_CMAKE_ARGS:-}"
    ;;
esac

scripts/setup.sh
ctest --test-dir "${AGORA_BUILD_DIR:-build}" --output-on-failure --parallel "$(nproc)" \
  --timeout 600 "$@"
