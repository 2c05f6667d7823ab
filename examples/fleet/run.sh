#!/usr/bin/env bash
# Runs the drone-fleet example end to end: builds Hyphae if needed, starts the local Kafka broker and Connect worker
# when no KAFKA_BOOTSTRAP is set, loads the drone registry and the telemetry as the link delivered it (duplicated and
# out of order), runs the route, and prints what every stage topic holds: the duplicates are gone after `unique`, the
# order is restored after `ordered`. Where a Mosquitto answers on MQTT_URL (default tcp://127.0.0.1:1883) and
# mosquitto_sub is installed, it also prints the alerts the outbound bridge published on fleet/<droneId>/alerts.
# The local stack keeps running afterwards: ./hyphae local stop
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
example="examples/fleet"
cd "$root"

# Each run is a new flight of the same drones: sequence numbers start at 1 again in a group of its own, and the
# reading ids are new (the dedupe stage remembers the last flight's for an hour).
flight="F$(date -u +%Y%m%d%H%M%S)"
work="$(mktemp -d)"
sub_pid=""
cleanup() {
  [ -n "$sub_pid" ] && kill "$sub_pid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
sed "s/@FLIGHT@/$flight/g" "$example/telemetry.jsonl" >"$work/telemetry.jsonl"

mqtt_url="${MQTT_URL:-tcp://127.0.0.1:1883}"
mqtt_hostport="${mqtt_url#*://}"
mqtt_host="${mqtt_hostport%:*}"
mqtt_port="${mqtt_hostport##*:}"
if command -v mosquitto_sub >/dev/null 2>&1 && (exec 3<>"/dev/tcp/$mqtt_host/$mqtt_port") 2>/dev/null; then
  mosquitto_sub -h "$mqtt_host" -p "$mqtt_port" -q 1 -v -t 'fleet/+/alerts' >"$work/alerts.txt" 2>&1 &
  sub_pid=$!
else
  echo "(no MQTT broker at $mqtt_url or no mosquitto_sub: the bridges are created but cannot connect; the route runs all the same)"
fi

echo "(flight $flight: 20 readings of 3 drones, 4 of them delivered twice, 7 out of order, hawk-3's reading 4 lost;"
echo " plus a drone the registry does not know and a reading with a broken battery value, both dead letters)"
./hyphae demo "$example/fleet.yaml" \
  --load "fleet.registry=$example/registry.jsonl:droneId" \
  --load "fleet.telemetry=$work/telemetry.jsonl:droneId" \
  --settle 8 \
  "$@"

if [ -n "$sub_pid" ]; then
  # The outbound bridge publishes what reached fleet.alerts; give it a moment to catch up.
  for _ in $(seq 1 20); do
    [ "$(grep -c "\"flightId\":\"$flight\"" "$work/alerts.txt" || true)" -ge 3 ] && break
    sleep 1
  done
  echo
  echo "received on MQTT (mosquitto_sub -t 'fleet/+/alerts') for flight $flight:"
  grep "\"flightId\":\"$flight\"" "$work/alerts.txt" | sed 's/^/  /' || echo "  nothing yet: see ./hyphae connectors status $example/fleet.yaml"
fi
