#!/usr/bin/env bash
# Runs the HTTP API benchmark on a fresh local broker and Connect worker (about 2 min): the fan-out connector's
# deliveries per second with one subscriber against 100 subscribers of the same stage topic, and events per second
# through POST /v1/topics/{topic}/events against a plain KafkaProducer, single events and batches of 100.
#   bench/api.sh            20 000 records, 100 subscribers, receiver latency 1 ms, 8 ingest clients
# Options: --records N --subscribers N --max-in-flight N --receiver-latency-ms MS --clients N --single-requests N
#   --batch-requests N --results DIR
# Results: a table on stdout and bench/results/<date>-api.md.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
echo "bench: building (tests skipped)..." >&2
mvn -B -q -Dstyle.color=never -DskipTests -pl bench -am package >&2
exec java -Xmx1g -Dhyphae.connect.lib="$root/connect-worker/target/lib" \
  -cp "bench/target/classes:$(cat bench/target/bench.classpath)" io.hyphae.bench.ApiBenchmark "$@"
