#!/usr/bin/env bash
# Runs the JMH suite (or the benchmarks matching $1) with the GC profiler, which reports B/op.
# Usage: perf/jmh.sh [regex] [extra JMH options...]
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
jar=$(ls "$root"/perf/target/magnetar-perf-*.jar 2>/dev/null | grep -v sources | head -1 || true)
if [ -z "$jar" ] || [ ! -d "$root/perf/target/lib" ]; then
    (cd "$root" && mvn -q -B -DskipTests package)
    jar=$(ls "$root"/perf/target/magnetar-perf-*.jar | grep -v sources | head -1)
fi
pattern=${1:-.}
shift || true
exec java --add-opens java.base/jdk.internal.misc=ALL-UNNAMED --add-opens java.base/java.util.zip=ALL-UNNAMED \
    -cp "$jar:$root/perf/target/lib/*" org.openjdk.jmh.Main "$pattern" -prof gc "$@"
