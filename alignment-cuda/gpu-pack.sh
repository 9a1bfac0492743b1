#!/usr/bin/env bash
# Prepares .gpu-carry/ at the repository root for gpu-check.sh on a lent GPU machine (see GPU-CHECK.md):
#   .gpu-carry/jre.tgz  a jlinked Java 25 runtime (java.base, java.logging, jdk.zipfs, jdk.incubator.vector), ~23 MB
#   .gpu-carry/lib/     the kernel jars (alignment-api, alignment-core, alignment-cuda with libalign4j_cuda.so, and the
#                       cuda tests jar) with their small dependencies; no DJL engine (its native jar is 111 MB)
# Run it here, on the build machine (it needs nvcc and Maven); the GPU machine has neither Java nor a network.
#
#   alignment-cuda/gpu-pack.sh [JDK_HOME]     # JDK_HOME defaults to /usr/lib/jvm/temurin-25-jdk-amd64
set -euo pipefail
cd "$(dirname "$0")/.."
jdk=${1:-/usr/lib/jvm/temurin-25-jdk-amd64}
carry=.gpu-carry
limit=$((64 * 1024 * 1024))

[[ -x $jdk/bin/jlink ]] || { echo "gpu-pack: no jlink in $jdk" >&2; exit 2; }
command -v nvcc >/dev/null || [[ -x /usr/local/cuda/bin/nvcc ]] || {
  echo "gpu-pack: no nvcc here: the jar would hold no libalign4j_cuda.so" >&2; exit 2; }

rm -rf "$carry"
mkdir -p "$carry/lib"

# The jars and their dependencies, without DJL's engine (alignment-core's pytorch and tokenizer jars).
mvn -B -o -q -pl alignment-cuda -am -Pcuda-native -DskipTests package dependency:copy-dependencies \
  -DincludeScope=test -DexcludeGroupIds=ai.djl.pytorch,ai.djl.huggingface \
  -DoutputDirectory="$PWD/$carry/lib"
# copy-dependencies also copied the reactor's own jars of alignment-api and alignment-core; add alignment-cuda's.
cp alignment-cuda/target/alignment-cuda-*.jar "$carry/lib/"
unzip -l alignment-cuda/target/alignment-cuda-*[0-9T].jar | grep -q 'native/linux-x86_64/libalign4j_cuda.so$' || {
  echo "gpu-pack: alignment-cuda's jar holds no libalign4j_cuda.so" >&2; exit 1; }

# A small Java runtime: java.base and java.logging for the kernels, jdk.zipfs for reading jars as file systems (JUnit's
# class-path scan and the conformance vectors inside alignment-core's tests jar), jdk.incubator.vector for the CPU
# provider's Vector API path.
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$jdk/bin/jlink" --add-modules java.base,java.logging,jdk.zipfs,jdk.incubator.vector --strip-debug --no-man-pages \
  --no-header-files --compress=zip-9 --output "$tmp/jre"
tar -C "$tmp" -czf "$carry/jre.tgz" jre

size=$(du -sb "$carry" | cut -f1)
tree=$(git ls-files -z | xargs -0 du -cb 2>/dev/null | tail -n 1 | cut -f1)
echo "gpu-pack: $carry holds $((size / 1024 / 1024)) MiB (jre.tgz $(($(stat -c %s "$carry/jre.tgz") / 1024 / 1024)) MiB," \
  "$(ls "$carry/lib" | wc -l) jars); with the working tree ($((tree / 1024 / 1024)) MiB) the device call carries" \
  "$(((size + tree) / 1024 / 1024)) MiB of the 64 MiB allowed"
if ((size + tree > limit)); then
  echo "gpu-pack: too large for the device tool's 64 MiB" >&2
  exit 1
fi
