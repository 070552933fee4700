#!/usr/bin/env bash
# Longer fuzzing of the Java edges than mvn -B verify's short run: each *FuzzTest target for
# ROUNDS rounds of its @FuzzTest maxDuration (8 s), each round picking up the corpus the last
# one grew, every JVM in an empty network namespace (as in the build). Afterwards the corpus
# grown is copied to java/src/test/fuzz-corpus/CLASS/METHOD (where the build's short runs
# start from): commit it to keep it. A finding stops the script, its input already saved
# beside the test (src/test/resources/.../*FuzzTestInputs/METHOD/crash-*), where every plain
# test run replays it.
#
#   benchmarks/fuzz.sh [ROUNDS] [TARGET-ID...]    (as root: unshare; ids: the pom's fuzz-*)
#
# Reports executions and coverage per round, from libFuzzer's DONE line.
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${1:-10}
shift || true
[ "$(id -u)" = 0 ] || { echo "fuzz.sh: run as root (each JVM gets an empty network namespace)" >&2; exit 1; }
# the surefire executions only: fuzz-corpus is the resources execution that copies the corpus
mapfile -t all < <(sed -n 's|.*<id>fuzz-\(.*\)</id>.*|\1|p' java/pom.xml | grep -vx corpus)
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=("${all[@]}")
mvn -B -q -o -DskipTests -Dlnw.prerequisites.skip=true install >/dev/null
mvn -B -q -o -pl java resources:copy-resources@fuzz-corpus >/dev/null # the kept corpus, where Jazzer reads it
for t in "${targets[@]}"; do
  for r in $(seq 1 "$rounds"); do
    line=$(mvn -B -o -pl java "surefire:test@fuzz-$t" 2>&1 | tee "java/target/fuzz-$t.log" | grep -E "DONE" | tail -1) ||
      { echo "fuzz-$t round $r: a finding or a failure; see java/target/fuzz-$t.log" >&2; exit 1; }
    echo "fuzz-$t round $r: $line"
  done
done
# the grown corpus, kept: .cifuzz-corpus/CLASS/METHOD -> java/src/test/fuzz-corpus/CLASS/METHOD
for d in java/.cifuzz-corpus/*/*; do
  [ -d "$d" ] || continue
  dest=java/src/test/fuzz-corpus/${d#java/.cifuzz-corpus/}
  mkdir -p "$dest"
  cp -n "$d"/* "$dest"/ 2>/dev/null || true
  echo "corpus: $(ls "$dest" | wc -l) inputs kept for ${d#java/.cifuzz-corpus/}"
done
