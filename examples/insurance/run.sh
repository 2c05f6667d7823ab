#!/usr/bin/env bash
# Runs the insurance example end to end: builds Hyphae if needed, starts the local Kafka broker, schema registry and
# Kafka Connect worker when no KAFKA_BOOTSTRAP is set, loads the geo-risk table and the sample events, runs the route,
# delivers HIGH-risk quotes to a local webhook receiver (signed, signatures checked) and prints what arrived on every
# stage topic. The local stack keeps running afterwards: ./hyphae local stop
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
example="examples/insurance"
cd "$root"

# The policy service's receiver: a signing secret for this run unless one is given, and the receiver on its port.
export POLICY_WEBHOOK_SECRET="${POLICY_WEBHOOK_SECRET:-whsec_$(head -c 24 /dev/urandom | base64)}"
export POLICY_WEBHOOK_PORT="${POLICY_WEBHOOK_PORT:-38099}"
received="$(mktemp)"
./hyphae --version >/dev/null   # build once, before two commands start
./hyphae receive --port "$POLICY_WEBHOOK_PORT" --secret-env POLICY_WEBHOOK_SECRET >"$received" 2>&1 &
receiver=$!
trap 'kill "$receiver" 2>/dev/null || true; rm -f "$received"' EXIT

echo "(the last sample event is not JSON on purpose: the warning below is expected, and the event lands in the dead-letter topic)"
./hyphae demo "$example/insurance.yaml" \
  --load "geo.accident-volume=$example/geo-risk.jsonl:postalCode" \
  --load "customer.address-changed=$example/address-changed.jsonl:customerId" \
  "$@"

echo
echo "== what the policy service's webhook (http://127.0.0.1:$POLICY_WEBHOOK_PORT/policy-events) received"
cat "$received"
