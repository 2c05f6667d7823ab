#!/usr/bin/env bash
# Runs the bridge benchmark: inbound messages/s through the MQTT (QoS 1) and RabbitMQ bridges into Kafka against plain
# clients on the same brokers, and the end-to-end latency MQTT in -> route -> MQTT out at a fixed rate (a few minutes).
# Needs the mosquitto binary (a broker of its own is started) and RabbitMQ on 127.0.0.1:5672 (guest/guest).
#   bench/bridges.sh                      20 000 messages per inbound run; latency at 200 msg/s for 20 s
# Options: --messages N --rate MSG_PER_S --latency-seconds S --results DIR
# Results: a table on stdout and bench/results/<date>-bridges.md.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
echo "bench: building (tests skipped)..." >&2
mvn -B -q -Dstyle.color=never -DskipTests -pl bench -am package >&2
exec java -Xmx1g -Dhyphae.connect.lib="$root/connect-worker/target/lib" \
  -cp "bench/target/classes:$(cat bench/target/bench.classpath)" io.hyphae.bench.BridgeBenchmark "$@"
