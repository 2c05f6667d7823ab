#!/usr/bin/env bash
# Runs the webhook delivery benchmark: Hyphae's webhook sink connector against its physical limit and a naive sink
# (one request at a time), on a fresh local broker and Connect worker, delivering to a local receiver (about 2 min).
#   bench/webhook.sh                      30 000 records (Hyphae), 600 (naive), latency at 1 600 records/s for 20 s
# Options: --records N --naive-records N --keys N --max-in-flight N --receiver-latency-ms MS --rate RECORDS_PER_S
#   --latency-seconds S --latency-warmup-seconds S --latency false --results DIR
#   --latency-overrides 'fetch.max.wait.ms=10,max.poll.records=100|...'   more latency runs, each with these consumer.override.*
# Results: a table on stdout and bench/results/<date>-webhook.md.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
echo "bench: building (tests skipped)..." >&2
mvn -B -q -Dstyle.color=never -DskipTests -pl bench -am package >&2
exec java -Xmx1g -Dhyphae.connect.lib="$root/connect-worker/target/lib" \
  -cp "bench/target/classes:$(cat bench/target/bench.classpath)" io.hyphae.bench.WebhookBenchmark "$@"
