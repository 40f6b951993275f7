#!/usr/bin/env bash
# Installs Agora's Debian 12 build dependencies (idempotent, fast when present) and builds a
# Release tree under build/. Usage: scripts/setup.sh [--no-build]. Env: AGORA_BUILD_DIR,
# AGORA_BUILD_TYPE, AGORA_CMAKE_ARGS (extra configure flags).
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(
  build-essential cmake ninja-build pkg-config git ca-certificates python3
  libcaf-dev libboost1.81-dev libboost-json1.81-dev libboost-url1.81-dev libssl-dev
  libsecp256k1-dev libcrypto++-dev libflatbuffers-dev flatbuffers-compiler librocksdb-dev
  libspdlog-dev libcli11-dev libopenblas-dev libicu-dev libgtest-dev libgmock-dev libbenchmark-dev
  patchelf
)

missing=()
command -v node >/dev/null && command -v npm >/dev/null || packages+=(nodejs npm)
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "setup: installing ${missing[*]}"
  sudo_cmd=""
  [ "$(id -u)" -eq 0 ] || sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq --no-install-recommends \
    "${missing[@]}"
fi

[ "${1:-}" = "--no-build" ] && exit 0

build_dir="${AGORA_BUILD_DIR:-build}"
generator=()
command -v ninja >/dev/null && generator=(-G Ninja)
if [ ! -f "$build_dir/CMakeCache.txt" ]; then
  cmake -S . -B "$build_dir" "${generator[@]}" \
    -DCMAKE_BUILD_TYPE="${AGORA_BUILD_TYPE:-Release}" ${AGORA_CMAKE_ARGS:-}
fi
cmake --build "$build_dir" --parallel "$(nproc)"
