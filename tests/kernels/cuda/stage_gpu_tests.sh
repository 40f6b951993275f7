#!/usr/bin/env bash
# Stages the GPU tests for the lent GPU machine (/work/.library/device/README.md): cuda_tests and
# the shared libraries it needs that the machine's image lacks (Boost.JSON, OpenBLAS and its
# Fortran runtime) or must match the build (cudart) go to .gpu-tests/ (git-ignored locally),
# RPATH $ORIGIN; the machine's own CUDA 13.0 supplies cuBLAS (too large to carry). Then call
# the device tool with carry [".gpu-tests"] and
#   [ -e /work/main ] || { mkdir -p /work && ln -s "$PWD" /work/main; } &&
#   export LD_LIBRARY_PATH=/usr/local/cuda/lib64:/usr/local/cuda/lib &&
#   .gpu-tests/cuda_tests --gtest_also_run_disabled_tests
# (the tests find the fixtures under the source dir compiled in, /work/main; the disabled
# cuda_bench test prints the throughput table last).
# Usage: tests/kernels/cuda/stage_gpu_tests.sh [build-dir]   (default build-cuda)
set -euo pipefail
cd "$(dirname "$0")/../../.."
build=${1:-build-cuda}
ninja -C "$build" -j2 cuda_tests
exclude=$(git rev-parse --git-path info/exclude)
mkdir -p "$(dirname "$exclude")"
grep -qx '/.gpu-tests/' "$exclude" 2>/dev/null || echo '/.gpu-tests/' >>"$exclude"
rm -rf .gpu-tests
mkdir -p .gpu-tests
cp "$build/tests/cuda_tests" .gpu-tests/
ldd "$build/tests/cuda_tests" | awk '/=> \//{print $1" "$3}' | while read -r name path; do
  case "$name" in
    libboost_*|libopenblas*|libgfortran*|libquadmath*|libcudart*) cp -L "$path" .gpu-tests/ ;;
  esac
done
patchelf --set-rpath '$ORIGIN' .gpu-tests/*
du -sh .gpu-tests
