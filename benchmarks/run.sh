#!/usr/bin/env bash
# benchmarks/run.sh: builds the benchmarks, runs them in one JMH run with the GC profiler, one benchmark thread,
# and prints the results table (kernel, size, ms, % of floor, speed-ups). See benchmarks/README.md.
#
#   benchmarks/run.sh                      # everything: the kernels and the probes, about 45 minutes
#   benchmarks/run.sh 'FullKl|Probes'      # a JMH regex; keep Probes in it for the % of floor
#   benchmarks/run.sh '.*' -f 1 -wi 3 -i 3 # extra JMH options after the regex
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
(cd "$root" && mvn -B -q -pl benchmarks -am -DskipTests package)
cp="$root/benchmarks/target/classes:$(cat "$root/benchmarks/target/classpath.txt")"
out="$root/benchmarks/target/jmh-results.json"
regex="${1:-.*}"
shift || true
export OPT_OUT_TRACKING="${OPT_OUT_TRACKING:-true}"
java -cp "$cp" org.openjdk.jmh.Main "$regex" -t 1 -prof gc -rf json -rff "$out" "$@" >&2
java -cp "$cp" dev.align4j.benchmarks.ResultsTable "$out"
