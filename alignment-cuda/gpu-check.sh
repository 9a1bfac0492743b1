#!/usr/bin/env bash
# The GPU check, for a lent GPU machine (no Java, no network there): unpacks the carried Java runtime, then
#   1. runs the gpu-tagged tests (conformance vectors on the device, random comparisons with the CPU provider and the
#      host emulation, device memory round trips) through GpuTestLauncher;
#   2. runs GpuCheck: every kernel against the CPU provider at realistic sizes (KL 1024x32000 and 8192x50257, GAE
#      4096x1024, group advantages 16384x64), timed with CUDA events after warm-up, as a Markdown table.
# Prepare .gpu-carry/ with alignment-cuda/gpu-pack.sh first and carry it; GPU-CHECK.md has the device-tool call.
# Outputs also go to $OUT (the device tool brings them back): nvidia-smi.txt, gpu-tests.txt, gpu-check.txt.
#
#   bash alignment-cuda/gpu-check.sh [GpuCheck arguments, e.g. --small or --reps=10]
set -uo pipefail
cd "$(dirname "$0")/.."
carry=.gpu-carry
out=${OUT:-/tmp/align4j-gpu-check}
mkdir -p "$out"

if [[ ! -f $carry/jre.tgz || ! -d $carry/lib ]]; then
  echo "gpu-check: $carry/jre.tgz or $carry/lib is missing: run alignment-cuda/gpu-pack.sh and carry $carry" >&2
  exit 2
fi
# Unpacked beside the carried files rather than in /tmp, which may be mounted noexec (the JVM and the extracted
# libalign4j_cuda.so are both mapped executable).
run=$carry/run
rm -rf "$run"
mkdir -p "$run/jre"
jre=$run/jre
tar -xzf "$carry/jre.tgz" -C "$jre" --strip-components=1
java=$jre/bin/java
"$java" -version 2>&1 | head -n 1

{ nvidia-smi --query-gpu=name,driver_version,memory.total,clocks.max.sm,clocks.max.memory --format=csv 2>&1 \
  || echo "nvidia-smi failed"; } | tee "$out/nvidia-smi.txt"

opts=(--add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED -Xmx48g -XX:+UseParallelGC
  -Dalign4j.cuda.extractDir="$run/native" -cp "$carry/lib/*")

echo "== gpu-tagged tests"
"$java" "${opts[@]}" dev.align4j.cuda.GpuTestLauncher 2>&1 | tee "$out/gpu-tests.txt"
tests=${PIPESTATUS[0]}

echo "== kernels against the CPU provider, timed"
"$java" "${opts[@]}" dev.align4j.cuda.GpuCheck "$@" 2>&1 | tee "$out/gpu-check.txt"
check=${PIPESTATUS[0]}

rm -rf "$run"
echo "gpu-check.sh: tests exit $tests, check exit $check (results in $out)"
[[ $tests -eq 0 && $check -eq 0 ]]
