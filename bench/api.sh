#!/usr/bin/env bash
# Runs the HTTP API benchmark on a fresh local broker and Connect worker (about 4 min): the fan-out connector's
# deliveries per second with one subscriber against 100 subscribers of the same stage topic; the 100 subscribers'
# latency at a fixed rate with and without one more subscriber answering 503; and events per second
# through POST /v1/topics/{topic}/events against a plain KafkaProducer, single events and batches of 100.
#   bench/api.sh            20 000 records, 100 subscribers, receiver latency 1 ms, 1 then 8 ingest clients,
#                           40 000 single-event requests, 20 000 of 100 events (with 8 clients; fewer with fewer)
# Options: --records N --subscribers N --max-in-flight N --receiver-latency-ms MS --clients N[,N...] --single-requests N
#   --batch-requests N --isolation-rate EVENTS_PER_S (400) --isolation-warmup-seconds S (15) --isolation-seconds S (20) --fan-out false --isolation false
#   --http-client keep-alive|jdk (the API ingest clients; keep-alive: one connection each, requests written in one piece)
#   --results DIR
# Results: a table on stdout and bench/results/<date>-api.md.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
echo "bench: building (tests skipped)..." >&2
mvn -B -q -Dstyle.color=never -DskipTests -pl bench -am package >&2
exec java -Xmx1g ${BENCH_JAVA_OPTS:-} -Dhyphae.connect.lib="$root/connect-worker/target/lib" \
  -cp "bench/target/classes:$(cat bench/target/bench.classpath)" io.hyphae.bench.ApiBenchmark "$@"
