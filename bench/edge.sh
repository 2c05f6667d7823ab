#!/usr/bin/env bash
# Runs the edge benchmark on a fresh local broker (about 2 min): the mirror's apply rate against a plain batched
# SQLite insert of the same rows, the outbox's publish rate, the edge process's peak RSS, and the time for a row
# inserted on node A to be visible on node B through a route.
#   bench/edge.sh                200 000 records over 20 000 keys, 50 000 published rows, 50 inserts/s for 20 s
# Options: --records N --keys N --publish-rows N --rate INSERTS_PER_S --latency-seconds S --results DIR
#          --parts mirror,publish,latency (which to run) --edge-java-opts "OPTS" (default: @edge/jvm.options)
#          --malloc-arena-max N (default 2; "" leaves it unset) --mirror-rounds N (default 3)
#          --mirror-key fields|record (the mirror's table keyed by its droneId column, the default, or by the record key)
# Results: a table on stdout and bench/results/<date>-edge.md (<date>-edge-2.md, ... when it exists).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
echo "bench: building (tests skipped)..." >&2
mvn -B -q -Dstyle.color=never -DskipTests -pl bench,edge -am package >&2
exec java -Xmx512m -cp "bench/target/classes:$(cat bench/target/bench.classpath)" io.hyphae.bench.EdgeBenchmark "$@"
