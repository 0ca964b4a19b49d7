#!/usr/bin/env bash
# Prepares device-carry/ (git-ignored) for scripts/gpu-check.sh on a GPU machine that has the CUDA
# toolkit but not the Debian development packages: builds the CUDA device path here for sm_90
# (H100/H200; ARCH=80 for A100), copies the test and benchmark programs (bench_social too: gpu-check
# runs it), the shared libraries they need beyond libc (the device tests make their own instances).
# gpu-check.sh reads the model's predictions from bench/gpu_model.json in the tree.
set -euo pipefail
cd "$(dirname "$0")/.."
arch="${ARCH:-90}"
IVASSIGN_BUILD_DIR=build-gpu bash scripts/build.sh -DIVASSIGN_DEVICE=CUDA -DCMAKE_CUDA_ARCHITECTURES="$arch"
rm -rf device-carry && mkdir -p device-carry/lib
cp build-gpu/tests/ivassign_tests build-gpu/bench/bench_posterior build-gpu/bench/bench_solvers build-gpu/bench/bench_social \
  build-gpu/ivassign device-carry/
for b in device-carry/ivassign_tests device-carry/bench_posterior device-carry/bench_solvers device-carry/bench_social \
  device-carry/ivassign; do
  ldd "$b" | awk '/=> \// {print $3}' | grep -Ev 'libc\.so|libm\.so|libpthread|libdl|ld-linux|librt\.so|libgcc_s|libstdc\+\+' \
    | xargs -r -I{} cp -n {} device-carry/lib/
done
echo "sm_$arch" > device-carry/ARCH
du -sh device-carry
