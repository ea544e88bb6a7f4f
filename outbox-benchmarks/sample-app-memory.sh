#!/usr/bin/env bash
# Peak resident memory of the sample app on embedded defaults (Linux: reads /proc).
#
#   outbox-benchmarks/sample-app-memory.sh [orders] [JVM options...]
#
# Builds the sample app, starts it as `spring-boot:run` would (its class path, embedded
# PostgreSQL and Kafka), places the orders over HTTP one after another, then prints the JVM's
# peak resident memory (VmHWM; the JVM holds the service, the relay and the Kafka broker) and
# the memory of the embedded PostgreSQL's processes (sum of Pss, and of VmHWM).
set -euo pipefail

orders=${1:-2000}
shift || true
root=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

cd "$root"
mvn -B -q install -DskipTests -pl outbox-sample-app -am
mvn -B -q dependency:build-classpath -pl outbox-sample-app -Dmdep.includeScope=runtime \
	-Dmdep.outputFile="$work/classpath"

java "$@" -cp "outbox-sample-app/target/classes:$(cat "$work/classpath")" \
	io.github.outbox.sample.OrderServiceApplication --server.port=18080 >"$work/app.log" 2>&1 &
app=$!
trap 'kill $app 2>/dev/null || true; wait $app 2>/dev/null || true; rm -rf "$work"' EXIT

for _ in $(seq 1 240); do
	grep -q "Started OrderServiceApplication" "$work/app.log" && break
	kill -0 $app 2>/dev/null || { cat "$work/app.log"; exit 1; }
	sleep 0.5
done
echo "after start:      $(grep VmHWM /proc/$app/status | tr -s ' \t' ' ')"

for _ in $(seq 1 "$orders"); do
	curl -sf -o /dev/null -X POST localhost:18080/orders -H 'Content-Type: application/json' \
		-d '{"customer":"alice","total":42.50}'
done
echo "after $orders orders: $(grep VmHWM /proc/$app/status | tr -s ' \t' ' ')"

pss=0
hwm=0
count=0
for pid in $(pgrep -x postgres); do
	pss=$((pss + $(awk '/^Pss:/ {print $2}' /proc/$pid/smaps_rollup 2>/dev/null || echo 0)))
	hwm=$((hwm + $(awk '/VmHWM/ {print $2}' /proc/$pid/status 2>/dev/null || echo 0)))
	count=$((count + 1))
done
echo "PostgreSQL:       $count processes, Pss $pss kB (sum), VmHWM $hwm kB (sum, counts shared memory in each)"
