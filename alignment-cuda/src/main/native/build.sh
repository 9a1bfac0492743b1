#!/usr/bin/env bash
# Builds libalign4j_cuda.so; run by the cuda-native Maven profile (process-classes phase), or by hand:
#
#   build.sh NVCC JAVA_HOME JNI_HEADER_DIR OUTPUT_SO [PACKAGE_DIR]
#
# JNI_HEADER_DIR holds dev_align4j_cuda_NativeCuda.h, written by `javac -h` in the same build. OUTPUT_SO is rebuilt
# only when a source changed; it and its SHA-256 are then copied into PACKAGE_DIR (the jar's platform folder). The
# library is
# self-contained: the CUDA runtime is linked statically (no libcudart needed at run time, only the driver), with
# machine code for sm_80 (A100 and the other compute capability 8.x cards) and sm_90 (H100, H200), plus compute_90
# PTX that newer GPUs compile when they load it. Only the JNI entry points and the a4j_* C ABI are exported.
set -euo pipefail

if [[ $# -ne 4 && $# -ne 5 ]]; then
  echo "usage: $0 NVCC JAVA_HOME JNI_HEADER_DIR OUTPUT_SO [PACKAGE_DIR]" >&2
  exit 2
fi
nvcc=$1
java_home=$2
headers=$3
out=$4
package_dir=${5:-}

package() {
  if [[ -n $package_dir ]]; then
    mkdir -p "$package_dir"
    cp "$out" "$out.sha256" "$package_dir/"
  fi
}
src=$(cd "$(dirname "$0")" && pwd)
sources=("$src/kernels.cu" "$src/host_emulation.cu" "$src/jni_binding.cpp")
generated="$headers/dev_align4j_cuda_NativeCuda.h"

[[ -f $generated ]] || { echo "build.sh: $generated is missing (javac -h did not run)" >&2; exit 1; }

# Up to date when the library (and its checksum) is newer than every source, header and this script.
if [[ -f $out && -f $out.sha256 ]]; then
  newer=$(find "$src" "$generated" -newer "$out" -type f | head -n 1)
  if [[ -z $newer ]]; then
    echo "build.sh: $out is up to date"
    package
    exit 0
  fi
fi

# The public header must stay plain C.
"${CC:-cc}" -std=c99 -Wall -Wextra -Werror -fsyntax-only -x c "$src/align4j_cuda.h"

mkdir -p "$(dirname "$out")"
tmp="$out.tmp.$$"
trap 'rm -f "$tmp"' EXIT
"$nvcc" -O3 -std=c++17 -shared --threads 2 --compress-mode=size \
  -cudart static \
  -gencode arch=compute_80,code=sm_80 \
  -gencode arch=compute_90,code=sm_90 \
  -gencode arch=compute_90,code=compute_90 \
  -Werror all-warnings \
  -Xcompiler -fPIC,-fvisibility=hidden,-Wall,-Wextra,-Werror \
  -Xlinker --exclude-libs,ALL -Xlinker --version-script="$src/exports.map" -Xlinker --no-undefined -Xlinker -s \
  -I"$src" -I"$headers" -I"$java_home/include" -I"$java_home/include/linux" \
  -o "$tmp" "${sources[@]}"

# Signature drift: every method the generated header declares must be defined, and nothing else may leak out.
declared=$(grep -o 'Java_dev_align4j_cuda_NativeCuda_[A-Za-z0-9_]*' "$generated" | sort -u)
exported=$(nm -D --defined-only "$tmp" | awk '{print $3}' | sort -u)
missing=$(comm -23 <(echo "$declared") <(echo "$exported"))
if [[ -n $missing ]]; then
  echo "build.sh: native methods declared by NativeCuda but not implemented in jni_binding.cpp:" >&2
  echo "$missing" >&2
  exit 1
fi
leaked=$(echo "$exported" | grep -v -E '^(Java_dev_align4j_cuda_NativeCuda_|a4j_|JNI_OnLoad$)' || true)
if [[ -n $leaked ]]; then
  echo "build.sh: unexpected exported symbols (the CUDA runtime must stay hidden):" >&2
  echo "$leaked" >&2
  exit 1
fi

mv "$tmp" "$out"
trap - EXIT
# The loader refuses a copy that does not match this checksum (a damaged jar) instead of handing it to dlopen.
sha256sum "$out" | cut -d' ' -f1 > "$out.sha256"
package
echo "build.sh: built $out ($(stat -c %s "$out") bytes)"
