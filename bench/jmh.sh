#!/usr/bin/env bash
# Runs the JMH microbenchmarks of the per-record hot path (io.hyphae.bench.jmh):
#   CelBenchmark      the route's CEL expressions: Hyphae's engine against the CEL interpreter alone
#   HeadersBenchmark  producer size estimate + batch append with no, three (lineage) and six headers
#   SerdeBenchmark    decode + encode: Hyphae's JSON against Jackson, Hyphae's Avro serde against plain Avro
#   bench/jmh.sh                    all of them (about 4 minutes)
#   bench/jmh.sh CelBenchmark -f 1  any JMH arguments (bench/jmh.sh -h lists them)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
echo "jmh: building (tests skipped)..." >&2
mvn -B -q -Dstyle.color=never -DskipTests -pl bench -am package >&2
exec java -cp "bench/target/classes:$(cat bench/target/bench.classpath)" org.openjdk.jmh.Main "$@"
