#!/usr/bin/env bash
# Makes a relocatable release: dist/agora-<version>-linux-x86_64/ with bin/, lib/ (every shared
# library the binaries need except glibc's, the NVIDIA driver's and, unless --with-cuda-libs,
# cuBLAS/cuBLASLt, which are hundreds of MB and come with the host's CUDA 13 install; the small
# CUDA runtime is always bundled), RPATH $ORIGIN/../lib, and a SHA256SUMS manifest.
# Usage: scripts/bundle.sh [--build-dir DIR] [--with-tests] [--with-cuda-libs]
set -euo pipefail
cd "$(dirname "$0")/.."

build_dir=build with_tests=0 with_cuda=0
while (($#)); do
  case "$1" in
    --build-dir) build_dir="$2"; shift ;;
    --with-tests) with_tests=1 ;;
    --with-cuda-libs) with_cuda=1 ;;
    *) echo "bundle: unknown option $1" >&2; exit 2 ;;
  esac
  shift
done

[ -f "$build_dir/CMakeCache.txt" ] || AGORA_BUILD_DIR="$build_dir" scripts/setup.sh
cmake --build "$build_dir" --parallel "$(nproc)"
command -v patchelf >/dev/null || scripts/setup.sh --no-build

version=$(sed -n 's/^CMAKE_PROJECT_VERSION:STATIC=//p' "$build_dir/CMakeCache.txt")
out="dist/agora-${version}-linux-x86_64"
rm -rf "$out"
mkdir -p "$out/bin" "$out/lib"

binaries=("$build_dir/bin/agora" "$build_dir/bin/agora-sim" "$build_dir/bin/agora-bench")
if ((with_tests)); then
  mkdir -p "$out/tests"
  for t in "$build_dir"/tests/*_tests; do binaries+=("$t"); done
fi

# Libraries that must come from the target host: glibc's and the NVIDIA driver's.
system_lib='^(linux-vdso|ld-linux|libc|libm|libdl|libpthread|librt|libresolv|libutil)\.so|^libcuda\.so|^libnvidia-'
cuda_lib='^(libcublas|libcublasLt|libnvrtc|libnvJitLink)\.so'

for bin in "${binaries[@]}"; do
  dest="$out/bin"
  [[ "$bin" == *_tests ]] && dest="$out/tests"
  cp "$bin" "$dest/"
  ldd "$bin" | awk '/=> \//{print $1" "$3}' | while read -r name path; do
    [[ "$name" =~ $system_lib ]] && continue
    ((with_cuda == 0)) && [[ "$name" =~ $cuda_lib ]] && continue
    [ -f "$out/lib/$name" ] || cp -L "$path" "$out/lib/$name"
  done
done

for f in "$out"/bin/* "$out"/tests/*; do
  [ -f "$f" ] && patchelf --set-rpath '$ORIGIN/../lib' "$f"
done
for f in "$out"/lib/*; do patchelf --set-rpath '$ORIGIN' "$f"; done

(cd "$out" && find . -type f ! -name SHA256SUMS | sort | xargs sha256sum > SHA256SUMS)
echo "bundle: $out ($(du -sh "$out" | cut -f1)); verify with: (cd $out && sha256sum -c SHA256SUMS)"
