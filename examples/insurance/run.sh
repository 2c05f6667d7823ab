#!/usr/bin/env bash
# Runs the insurance example end to end: builds Hyphae if needed, starts the local Kafka broker when no
# KAFKA_BOOTSTRAP is set, loads the geo-risk table and the sample events, runs the route and prints
# what arrived on every stage topic. The broker keeps running afterwards: ./hyphae local stop
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
example="examples/insurance"
cd "$root"
exec ./hyphae demo "$example/insurance.yaml" \
  --load "geo.accident-volume=$example/geo-risk.jsonl:postalCode" \
  --load "customer.address-changed=$example/address-changed.jsonl:customerId" \
  "$@"
