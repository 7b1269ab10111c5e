#!/usr/bin/env bash
# Runs the whole JMH suite (io.magnetar.perf.jmh) with the GC profiler, with settings that finish in a few minutes
# on a 2-core machine, and writes the results to perf-results/:
#   jmh-<date>.txt   human output, followed by a summary (score ± error and gc.alloc.rate.norm per benchmark)
#   jmh-<date>.json  machine output (-rf json)
# Usage: perf/jmh-suite.sh [regex]
#   regex               benchmarks to run (default: the whole suite)
#   JMH_SUITE_SETTINGS  JMH settings (default: "-f 1 -wi 3 -w 1 -i 5 -r 1")
# Builds perf (with the shared Maven lock) only if its jar is missing. One run at a time: it holds
# /tmp/magnetar-jmh.lock while it runs, so two suites never compete for the cores. Other JVMs or Maven builds seen
# while it runs are listed at the end of the output: their scores are disturbed.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
pattern=${1:-'io\.magnetar\.perf\.jmh\.'}
read -r -a settings <<< "${JMH_SUITE_SETTINGS:--f 1 -wi 3 -w 1 -i 5 -r 1}"

exec 9> /tmp/magnetar-jmh.lock
if ! flock -n 9; then
    echo "another JMH suite is running (it holds /tmp/magnetar-jmh.lock)" >&2
    exit 1
fi

jar=$(ls "$root"/perf/target/magnetar-perf-*.jar 2>/dev/null | grep -v sources | head -1 || true)
if [ -z "$jar" ] || [ ! -d "$root/perf/target/lib" ]; then
    (cd "$root" && flock /tmp/mvn.lock mvn -q -B -o install -DskipTests -pl perf -am)
fi

results="$root/perf-results"
mkdir -p "$results"
stamp=$(date -u +%Y%m%d-%H%M%S)
txt="$results/jmh-$stamp.txt"
json="$results/jmh-$stamp.json"

# note other JVMs and builds (outside this script's process group) that compete for the cores
others=$(mktemp)
pgid=$(ps -o pgid= $$ | tr -d ' ')
(
    while true; do
        ps -eo pgid=,pid=,args= | awk -v own="$pgid" '$1 != own && ($3 ~ /java$/ || $3 ~ /mvn/) {
            $1 = ""; print substr($0, 2, 150) }' >> "$others"
        sleep 5
    done
) &
monitor=$!
trap 'kill "$monitor" 2> /dev/null || true; rm -f "$others"' EXIT

start=$(date +%s)
{
    echo "# magnetar JMH suite $stamp UTC, commit $(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo unknown)"
    echo "# host: $(nproc) cores, $(java -version 2>&1 | head -1)"
    echo "# settings: ${settings[*]} -prof gc, pattern: $pattern"
} | tee "$txt"
"$root/perf/jmh.sh" "$pattern" "${settings[@]}" -rf json -rff "$json" 2>&1 | tee -a "$txt"
elapsed=$(( $(date +%s) - start ))

if command -v python3 > /dev/null; then
    python3 - "$json" << 'EOF' | tee -a "$txt"
import json
import sys

def value(metric, key):
    return float(metric[key])  # "NaN" when there is only one iteration


rows = []
for result in json.load(open(sys.argv[1])):
    name = result["benchmark"].replace("io.magnetar.perf.jmh.", "")
    params = ",".join(k + "=" + v for k, v in sorted(result.get("params", {}).items()))
    primary = result["primaryMetric"]
    norm = result.get("secondaryMetrics", {}).get("gc.alloc.rate.norm")
    counters = ["%s %.3f %s" % (key, value(metric, "score"), metric["scoreUnit"])
                for key, metric in sorted(result.get("secondaryMetrics", {}).items()) if not key.startswith("gc.")]
    rows.append((
        name + ("(" + params + ")" if params else ""),
        "%.3f ± %.3f %s" % (value(primary, "score"), value(primary, "scoreError"), primary["scoreUnit"]),
        "%.3f ± %.3f B/op" % (value(norm, "score"), value(norm, "scoreError")) if norm else "n/a",
        counters))

print()
print("Summary: score ± 99.9% error, gc.alloc.rate.norm, then any counters of the benchmark")
width = max(len(row[0]) for row in rows)
score_width = max(len(row[1]) for row in rows)
for name, score, alloc, counters in rows:
    print(name.ljust(width), score.rjust(score_width), " ", alloc)
    for counter in counters:
        print("    " + counter)
EOF
fi

{
    if [ -s "$others" ]; then
        echo "warning: other JVMs or builds ran during the suite; the scores are disturbed:"
        sort -u "$others" | head -20 | sed 's/^/    /'
    fi
    echo "suite wall time: ${elapsed} s"
} | tee -a "$txt"
echo "human output: $txt"
echo "machine output: $json"
