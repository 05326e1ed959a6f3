#!/usr/bin/env bash
# Benchmark: one `reconcile --dry-run` process over K clusters (20 by default) against the ARM emulator with 50 ms
# added to every request, beside the same dry-run over one cluster. Target (issue 14): K clusters within twice one
# cluster's time. No root, no network: brokers are files (--local-hosts) and their INTERNAL addresses are mapped to
# a closed loopback port (--resolve), so asking a broker what it runs is refused at once, as for a broker that is
# down, and nothing leaves the machine.
# Usage: Benchmarks/clusters-dry-run/run.sh [RUNS] [K]    (LATENCY_MS=50 by default)
# RECONCILE=path runs another build's reconcile binary (to compare two builds on the same emulator build).
# PLANS_DIR=dir keeps each size's and state's plan (`--output json`, the work directory's path replaced by WORK and
# UUIDs by UUID: each emulator gives its Private Link Services a fresh alias) as dir/K-STATE.json, to diff the plans
# of two builds.
#
# Cluster i (kafka-cNN) is the Azure seed (Benchmarks/cloud-dry-run/scenario.py: the seed's manifests with a
# relative configPath and `restart: {policy: manual}`) in its own resource group kafka-pls-rg-NN; the K clusters
# share the seed's three broker hosts, each with its own file (config/cNN/server.properties). Two states per size: fresh (nothing exists:
# every GET is a 404, the plan creates everything; exit 2) and converged (after one apply; exit 0), each one
# warm-up then RUNS timed runs. Requests are counted from the emulator's request log.
set -euo pipefail
cd "$(dirname "$0")/../.."
runs=${1:-7}
clusters=${2:-20}
latency=${LATENCY_MS:-50}
plans=${PLANS_DIR:-}
[ -z "$plans" ] || { mkdir -p "$plans"; plans=$(cd "$plans" && pwd); }
command -v python3 >/dev/null || { echo "bench: needs python3" >&2; exit 1; }
swift build -c release --product reconcile >/dev/null
swift build -c release --product arm-emulator >/dev/null
bindir=$(swift build -c release --show-bin-path)
reconcile=${RECONCILE:-$bindir/reconcile}
work=$(mktemp -d)
pids=()
cleanup() {
    for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null || true; done
    rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# A loopback port nothing listens on (bound, then released; nothing else here listens on it).
closed=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
: >"$work/results"
for k in 1 "$clusters"; do
    dir=$work/$k; mkdir -p "$dir/seed" "$dir/manifests" "$dir/hosts"
    python3 Benchmarks/cloud-dry-run/scenario.py azure "$dir/seed" 3 >"$dir/addresses"
    for i in $(seq 1 "$k"); do
        n=$(printf 'c%02d' "$i")
        sed -e "s/name: tidb-kafka/name: kafka-$n/" -e "s|configPath: config/server.properties|configPath: config/$n/server.properties|" \
            "$dir/seed/cluster.yaml" >"$dir/manifests/$n-cluster.yaml"
        sed -e "s/cluster: tidb-kafka/cluster: kafka-$n/" -e "s/resourceGroup: kafka-pls-rg/resourceGroup: kafka-pls-rg-$n/" -e "s/tidb-eastus/tidb-eastus-$n/" \
            "$dir/seed/private-link.yaml" >"$dir/manifests/$n-private-link.yaml"
    done
    resolve=()
    i=0
    while read -r address; do
        i=$((i + 1))
        for c in $(seq 1 "$k"); do
            n=$(printf 'c%02d' "$c"); home=$dir/hosts/$address; mkdir -p "$home/config/$n"
            "$reconcile" render --manifests "$dir/manifests" --cluster "kafka-$n" --broker "$i" \
                | sed -e 's/,EXTERNAL:[^,]*//' -e 's/,EXTERNAL:\/\/[^,]*//' >"$home/config/$n/server.properties"
        done
        resolve+=(--resolve "$address:9092=127.0.0.1:$closed")
    done <"$dir/addresses"
    "$bindir/arm-emulator" --listen 127.0.0.1:0 --port-file "$dir/port" --latency-ms "$latency" --retry-after 0 \
        --log "$dir/requests.jsonl" >"$dir/emulator.out" 2>&1 &
    pids+=($!)
    for _ in $(seq 100); do [ -s "$dir/port" ] && break; sleep 0.1; done
    [ -s "$dir/port" ] || { echo "bench: arm-emulator did not start:" >&2; cat "$dir/emulator.out" >&2; exit 1; }
    base=http://127.0.0.1:$(cat "$dir/port")
    export AZURE_RESOURCE_MANAGER_ENDPOINT=$base AZURE_AUTHORITY_HOST=$base RECONCILE_AZURE_POLL_SECONDS=0
    export AZURE_TENANT_ID=bench-tenant AZURE_CLIENT_ID=bench-client AZURE_CLIENT_SECRET=bench-secret
    args=(--manifests "$dir/manifests" --state "$dir/state" --local-hosts "$dir/hosts" "${resolve[@]}")
    measure() {
        local state=$1 expect=$2 run before t0 t1 rc
        for run in $(seq 0 "$runs"); do
            rc=0
            before=$(wc -l <"$dir/requests.jsonl")
            t0=${EPOCHREALTIME/./}
            "$reconcile" --dry-run --detailed-exitcode "${args[@]}" >"$dir/out" 2>&1 || rc=$?
            t1=${EPOCHREALTIME/./}
            [ "$rc" -eq "$expect" ] || { echo "bench: $k clusters $state: exit $rc, expected $expect:" >&2; cat "$dir/out" >&2; exit 1; }
            ((run == 0)) || echo "$k $state $((t1 - t0)) $(($(wc -l <"$dir/requests.jsonl") - before))" >>"$work/results"
        done
        if [ -n "$plans" ]; then
            rc=0
            "$reconcile" --dry-run --detailed-exitcode --output json "${args[@]}" >"$dir/plan.json" 2>/dev/null || rc=$?
            [ "$rc" -eq "$expect" ] || { echo "bench: $k clusters $state (json): exit $rc, expected $expect" >&2; exit 1; }
            sed -E -e "s|$work|WORK|g" -e 's/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/UUID/g' \
                "$dir/plan.json" >"$plans/$k-$state.json"
        fi
    }
    measure fresh 2
    "$reconcile" "${args[@]}" >"$dir/apply.out" 2>&1 || { echo "bench: apply failed:" >&2; cat "$dir/apply.out" >&2; exit 1; }
    measure converged 0
    grep -q "No changes" "$dir/out" || { echo "bench: converged dry-run is not clean:" >&2; cat "$dir/out" >&2; exit 1; }
done

python3 - "$work/results" "$latency" "$runs" "$clusters" <<'PY'
import statistics, sys
from collections import defaultdict
rows = defaultdict(list)
for line in open(sys.argv[1]):
    k, state, us, requests = line.split()
    rows[(int(k), state)].append((int(us) / 1000, int(requests)))
latency, runs, clusters = int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
print(f"latency added per request: {latency} ms; {runs} timed runs per row after 1 warm-up; wall = the whole process")
print(f"{'clusters':<9} {'state':<10} {'requests':<9} {'median (ms)':<12} {'min (ms)':<9} {'max (ms)':<9} {'median / latency':<17} vs one cluster")
verdicts = []
for state in ["fresh", "converged"]:
    one = statistics.median(v[0] for v in rows[(1, state)])
    for k in [1, clusters]:
        values = rows[(k, state)]
        ms = [v[0] for v in values]
        m = statistics.median(ms)
        requests = "/".join(map(str, sorted({v[1] for v in values})))
        ratio = m / one
        if k == clusters:
            verdicts.append(ratio <= 2)
        print(f"{k:<9} {state:<10} {requests:<9} {m:<12.1f} {min(ms):<9.1f} {max(ms):<9.1f} {m / latency:<17.2f} {ratio:.2f}x")
print(f"\ntarget ({clusters} clusters within 2 x one cluster's time): " + ("met" if all(verdicts) else "MISSED"))
PY
