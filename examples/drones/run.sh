#!/usr/bin/env bash
# Runs the drone-fleet example end to end: builds Hyphae if needed, starts the local Kafka broker (and registry and
# Connect worker) when no KAFKA_BOOTSTRAP is set, loads the drone registry and the telemetry as the link delivered it
# (duplicated and out of order), runs the route, and prints what every stage topic holds: the duplicates are gone
# after `unique`, the order is restored after `ordered`. The local stack keeps running afterwards: ./hyphae local stop
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
example="examples/drones"
cd "$root"

# Each run is a new flight of the same drones: sequence numbers start at 1 again in a group of its own, and the
# reading ids are new (the dedupe stage remembers the last flight's for an hour).
flight="F$(date -u +%Y%m%d%H%M%S)"
telemetry="$(mktemp)"
trap 'rm -f "$telemetry"' EXIT
sed "s/@FLIGHT@/$flight/g" "$example/telemetry.jsonl" >"$telemetry"

echo "(flight $flight: 20 readings of 3 drones, 4 of them delivered twice, 7 out of order, hawk-3's reading 4 lost;"
echo " plus a drone the registry does not know and a reading with a broken battery value, both dead letters)"
./hyphae demo "$example/drones.yaml" \
  --load "drones.registry=$example/registry.jsonl:droneId" \
  --load "drones.telemetry=$telemetry:droneId" \
  --settle 8 \
  "$@"
