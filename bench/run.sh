#!/usr/bin/env bash
# Runs the benchmark: Hyphae vs hand-written Kafka Streams vs a raw client loop vs Apache Camel, on one local broker.
#   bench/run.sh                          the full run: 1 000 000 events, JSON and Avro, ALOS and EOS (about 30 min)
#   bench/run.sh --events 100000          a quick run (a few minutes)
# Other options: --table N --rate EVENTS_PER_S --latency-seconds S --latency-warmup-seconds S --formats json,avro
#   --guarantees at_least_once,exactly_once_v2 --systems hyphae,streams,raw,camel --latency false --results DIR
# Results: a table on stdout, bench/results/<date>.md and .png.
#   bench/run.sh --workload fleet         the fleet route with and without dedupe + resequence against a hand-written
#                                         Kafka Streams job (1 000 000 readings, 2 rounds; see docs/benchmark.md)
#   Its options: --events N --drones N --rounds N --guarantees exactly_once_v2,at_least_once
#   --systems hyphae,hyphae-stateless,streams --results DIR; results: bench/results/<date>-fleet.md
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
echo "bench: building (tests skipped)..." >&2
mvn -B -q -Dstyle.color=never -DskipTests -pl bench,registry-server -am package >&2
exec java -Xmx1g -Dhyphae.registry.lib="$root/registry-server/target/lib" \
  -cp "bench/target/classes:$(cat bench/target/bench.classpath)" io.hyphae.bench.BenchmarkRunner "$@"
