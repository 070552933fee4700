#!/usr/bin/env bash
# The C core under sanitizers, and its fuzz targets, each for a bounded time:
#   1. ASan + UBSan: every C test (ctest), then a Java smoke run (the kernel package's tests,
#      the CNM end to end, the concurrency and DNS tests) on a JNI library built the same way,
#      in a JVM with the ASan runtime preloaded;
#   2. TSan: the C tests that run threads of their own (netns, dump, probe);
#   3. libFuzzer (clang), ASan + UBSan: each target of native/fuzz for SECONDS, from a copy of
#      its corpus in native/fuzz/corpus/ (--keep-corpus adds what it grew there); each run's
#      executions and coverage are printed.
# Any sanitizer report, test failure or fuzz finding stops the script with a non-zero status.
# `mvn -B verify` runs it last (-Dlnw.sanitize.skip=true leaves it out); by hand, after a build:
#
#   sudo native/sanitize.sh [--fuzz-seconds N] [--keep-corpus] [--no-java]
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$PWD
seconds=15
keep_corpus=
java=1
while [ $# -gt 0 ]; do
  case $1 in
    --fuzz-seconds) seconds=$2; shift ;;
    --fuzz-seconds=*) seconds=${1#*=} ;;
    --keep-corpus) keep_corpus=1 ;;
    --no-java) java= ;;
    *) echo "usage: $0 [--fuzz-seconds N] [--keep-corpus] [--no-java]" >&2; exit 2 ;;
  esac
  shift
done
[ "$(id -u)" = 0 ] || { echo "sanitize.sh: run as root (the tests create network namespaces)" >&2; exit 1; }
hawtjni=$repo/java/target/generated-sources/hawtjni/native-src
[ -z "$java" ] || [ -f "$hawtjni/lnw4j.c" ] ||
  { echo "sanitize.sh: build first (mvn -B -DskipTests package): the JNI library's C is generated there" >&2; exit 1; }
for tool in clang cmake; do
  command -v $tool >/dev/null || { echo "sanitize.sh: $tool is missing (native/prerequisites.sh installs it)" >&2; exit 1; }
done
out=$repo/java/target/sanitize
mkdir -p "$out"
step() { echo; echo "=== sanitize: $* ($(date -u +%H:%M:%S))"; }
# the sanitizers' verdict is the exit status: stop at the first report, with its stack
export ASAN_OPTIONS=abort_on_error=1:detect_leaks=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
export TSAN_OPTIONS=halt_on_error=1:second_deadlock_stack=1

step "1. ASan + UBSan: the C tests"
jdk=$(dirname "$(dirname "$(readlink -f "$(command -v javac)")")")
cmake -S . -B "$out/asan" -DLNW_SANITIZE=address,undefined ${java:+-DLNW_JNI_SOURCES="$hawtjni"} \
  -DLNW_JNI_OUTPUT_DIR="$out/asan/jni" -DJAVA_HOME="$jdk" >/dev/null
cmake --build "$out/asan" --parallel 2 >/dev/null
ctest --test-dir "$out/asan" --output-on-failure

if [ -n "$java" ]; then
  step "1b. ASan + UBSan: a Java smoke run on the sanitized JNI library"
  # Surefire wants a JVM path ending in bin/java. ASan must be the first library mapped, so it
  # is preloaded; unpreload.so then drops LD_PRELOAD before the JVM reads its environment, so
  # that the processes the tests start do not inherit it. A JVM leaks by design (no leak
  # check), and it uses SIGSEGV itself (implicit null checks): ASan must leave those alone.
  mkdir -p "$out/jvm/bin"
  cat >"$out/jvm/bin/java" <<EOF
#!/bin/sh
export LD_PRELOAD="$(gcc -print-file-name=libasan.so) $out/asan/jni/liblnw-unpreload.so"
export ASAN_OPTIONS=detect_leaks=0:handle_segv=0:handle_sigbus=0:handle_sigfpe=0:handle_sigill=0:allow_user_segv_handler=1:use_sigaltstack=0:abort_on_error=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
exec "$jdk/bin/java" "\$@"
EOF
  chmod +x "$out/jvm/bin/java"
  # First, that the JVM runs the sanitized library, not the jar's, and that no child inherits ASan.
  cat >"$out/WhichLibrary.java" <<'EOF'
import java.nio.file.Files;
import java.nio.file.Path;

public class WhichLibrary {
    public static void main(String[] args) throws Exception {
        org.libnetwork4j.kernel.NativeLoader.ensureLoaded();
        for (String line : Files.readAllLines(Path.of("/proc/self/maps"))) {
            if (line.contains("liblnw4j") || line.contains("libasan")) {
                System.out.println("mapped " + line.substring(line.indexOf('/')));
            }
        }
        System.out.println("children's LD_PRELOAD=" + System.getenv("LD_PRELOAD"));
    }
}
EOF
  cp=$repo/java/target/classes:$(cat "$repo/java/target/classpath.txt")
  which=$("$out/jvm/bin/java" --enable-native-access=ALL-UNNAMED -Dlibrary.lnw4j.path="$out/asan/jni" \
    -cp "$cp" "$out/WhichLibrary.java" | sort -u)
  echo "$which"
  grep -qF "mapped $out/asan/jni/liblnw4j.so" <<<"$which" && grep -q "mapped .*libasan" <<<"$which" &&
    grep -qx "children's LD_PRELOAD=null" <<<"$which" ||
    { echo "sanitize.sh: the JVM did not load the sanitized library alone (above)" >&2; exit 1; }
  # A finding aborts the test JVM before the tests' own cleanup runs: its namespaces stay
  # mounted under /run/lnw-test-PID. Unmounted here, once that JVM is gone.
  sweep() {
    for d in /run/lnw-test-*; do
      [ -d "$d" ] && ! kill -0 "${d##*-}" 2>/dev/null || continue
      findmnt -rn -o TARGET | grep "^$d/" | sort -r | xargs -r -n1 umount -l
      rm -rf --one-file-system "$d"
    done
  }
  trap sweep EXIT
  mvn -B -o -pl java surefire:test -Dlnw.prerequisites.skip=true \
    -Dtest='org.libnetwork4j.kernel.*Test,CnmTest,ConcurrencyTest,DnsTest,ErrorsAndRollbackTest' \
    -Djvm="$out/jvm/bin/java" -Dlnw.test.jvm.args=-Dlibrary.lnw4j.path="$out/asan/jni"
fi

step "2. TSan: the C tests that run threads"
cmake -S . -B "$out/tsan" -DLNW_SANITIZE=thread >/dev/null
cmake --build "$out/tsan" --parallel 2 --target test_netns test_dump test_probe >/dev/null
ctest --test-dir "$out/tsan" -R '^(netns|dump|probe)$' --output-on-failure

step "3. libFuzzer, ASan + UBSan: each target for ${seconds} s"
CC=clang cmake -S . -B "$out/fuzz" -DLNW_FUZZ=ON -DLNW_SANITIZE=address,undefined >/dev/null
targets=$(sed -n 's/^ *foreach(f \(.*\))$/\1/p' CMakeLists.txt | head -1)
for t in $targets; do
  cmake --build "$out/fuzz" --parallel 2 --target "fuzz_$t" >/dev/null
  corpus=$out/fuzz/corpus-$t
  rm -rf "$corpus" && mkdir -p "$corpus" "$out/fuzz/findings"
  cp native/fuzz/corpus/"$t"/* "$corpus"/ 2>/dev/null || true
  log=$out/fuzz/$t.log
  if ! (cd "$out/fuzz" && "./fuzz_$t" -max_total_time="$seconds" -artifact_prefix="$out/fuzz/findings/$t-" \
        "$corpus" >"$log" 2>&1); then
    tail -40 "$log"
    echo "sanitize.sh: fuzz_$t found an input that fails (above; saved under $out/fuzz/findings)" >&2
    exit 1
  fi
  echo "fuzz_$t: $(grep -E 'DONE' "$log" | tail -1 | sed -E 's/^#([0-9]+)[[:space:]]+DONE[[:space:]]+/\1 executions, /')"
  if [ -n "$keep_corpus" ]; then
    mkdir -p native/fuzz/corpus/"$t"
    cp -n "$corpus"/* native/fuzz/corpus/"$t"/
  fi
done
step "done: no sanitizer report, no test failure, no fuzz finding"
