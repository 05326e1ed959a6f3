#!/usr/bin/env bash
# Benchmark: `reconcile --dry-run` of a seed (3 brokers) and of generated variants (30 brokers by default) against
# the project's cloud emulator with added latency on every request: wall time and number of requests, in two
# states: fresh (nothing exists in the emulator, every GET is a 404) and converged (after one apply, the
# steady-state dry-run CI runs on every commit: no changes). No root, no network.
# Usage: Benchmarks/cloud-dry-run/run.sh azure|gcp [RUNS] [BROKER COUNTS...]    (LATENCY_MS=50 by default)
#
# azure: seed 000 (manifests/examples/azure-private-link) against `arm-emulator`, a service principal's secret
#        (one token request per process). Target: the seed's dry-run within 6 x one request's latency.
# gcp:   seed 003 option A (manifests/examples/gcp-psc-port-mapping) against `compute-emulator`, a
#        service-account key (self-signed JWTs: no token request). Target: within 3 x one request's latency.
#
# Each broker count gets its own scenario (scenario.py: the seed's manifests with a relative configPath and
# `restart: {policy: manual}`, so the plan never needs live Kafka health) and two emulators: one with
# `--latency-ms LATENCY_MS` (the figures) and one with no added latency (the baseline: the process's own work,
# so (wall - baseline) / latency estimates the request latencies on the critical path, low when work overlaps
# the waits), both with the request log on. Brokers are reached with the hidden `--local-hosts` (host H is the
# directory hosts/H); their files start as the rendered config without the EXTERNAL listener, and the apply
# writes them. Each state: one warm-up, then RUNS timed dry-runs with `--detailed-exitcode` (fresh must exit 2,
# converged 0). Wall time is the whole process, as CI sees it. Requests per dry-run are the lines each run adds
# to the emulator's request log (token requests included; the emulators' control endpoints are not logged).
# The emulator adds the latency before it handles a request, so one request's round trip is shown too (curl,
# median of 5 GETs).
set -euo pipefail
cd "$(dirname "$0")/../.."
cloud=${1:-}
case "$cloud" in
    azure) emulator=arm-emulator; factor=6 ;;
    gcp) emulator=compute-emulator; factor=3 ;;
    *) echo "usage: Benchmarks/cloud-dry-run/run.sh azure|gcp [RUNS] [BROKER COUNTS...]" >&2; exit 64 ;;
esac
shift
runs=${1:-7}
shift || true
counts=("$@")
((${#counts[@]})) || counts=(3 30)
latency=${LATENCY_MS:-50}
((latency > 0)) || { echo "bench: LATENCY_MS must be positive" >&2; exit 64; }
here=Benchmarks/cloud-dry-run

command -v python3 >/dev/null || { echo "bench: needs python3" >&2; exit 1; }
command -v curl >/dev/null || { echo "bench: needs curl" >&2; exit 1; }
swift build -c release --product reconcile >/dev/null
swift build -c release --product "$emulator" >/dev/null
bindir=$(swift build -c release --show-bin-path)
reconcile=$bindir/reconcile
work=$(mktemp -d)
pids=()
cleanup() {
    for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null || true; done
    rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

lines() { wc -l <"$1"; }

# start_emulator DIR LATENCY: starts the emulator on a free loopback port; sets $base.
start_emulator() {
    local extra=(--retry-after 0)
    [ "$cloud" = gcp ] && extra=()
    "$bindir/$emulator" --listen 127.0.0.1:0 --port-file "$1/port" --latency-ms "$2" "${extra[@]}" \
        --log "$1/requests.jsonl" >"$1/emulator.out" 2>&1 &
    pids+=($!)
    for _ in $(seq 100); do [ -s "$1/port" ] && break; kill -0 "${pids[-1]}" 2>/dev/null || break; sleep 0.1; done
    [ -s "$1/port" ] || { echo "bench: $emulator did not start:" >&2; cat "$1/emulator.out" >&2; exit 1; }
    base=http://127.0.0.1:$(cat "$1/port")
}

# measure KEY EXPECTED_EXIT: one warm-up and $runs timed dry-runs in $dir; appends "KEY microseconds requests".
measure() {
    local key=$1 expect=$2 run before t0 t1 rc
    for run in $(seq 0 "$runs"); do
        rc=0
        before=$(lines "$dir/requests.jsonl")
        t0=${EPOCHREALTIME/./}
        "$reconcile" --dry-run --detailed-exitcode "${args[@]}" >"$dir/out" 2>&1 || rc=$?
        t1=${EPOCHREALTIME/./}
        [ "$rc" -eq "$expect" ] || { echo "bench: $key: dry-run exited $rc, expected $expect:" >&2; cat "$dir/out" >&2; exit 1; }
        ((run == 0)) || echo "$key $((t1 - t0)) $(($(lines "$dir/requests.jsonl") - before))" >>"$work/results"
    done
}

# A loopback port nothing listens on (bound, then released).
closed=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
: >"$work/results"
for n in "${counts[@]}"; do
    for lat in "$latency" 0; do
        dir=$work/$n-$lat; mkdir -p "$dir/manifests" "$dir/hosts"
        python3 "$here/scenario.py" "$cloud" "$dir/manifests" "$n" >"$dir/addresses"
        cluster=$(awk '/^metadata:/{m=1} m && /name:/{print $2; exit}' "$dir/manifests/cluster.yaml")
        i=0
        resolve=()
        while read -r address; do
            i=$((i + 1)); home=$dir/hosts/$address; mkdir -p "$home/config"
            # Asking a broker what it runs (the pending-restart check) is refused at once on loopback: there are
            # no brokers here, and nothing may leave the machine.
            resolve+=(--resolve "$address:9092=127.0.0.1:$closed")
            "$reconcile" render --manifests "$dir/manifests" --cluster "$cluster" --broker "$i" \
                | sed -e 's/,EXTERNAL:[^,]*//' -e 's/,EXTERNAL:\/\/[^,]*//' >"$home/config/server.properties"
        done <"$dir/addresses"
        start_emulator "$dir" "$lat"
        args=(--manifests "$dir/manifests" --state "$dir/state" --local-hosts "$dir/hosts" "${resolve[@]}")
        if [ "$cloud" = azure ]; then
            export AZURE_RESOURCE_MANAGER_ENDPOINT=$base AZURE_AUTHORITY_HOST=$base RECONCILE_AZURE_POLL_SECONDS=0
            export AZURE_TENANT_ID=bench-tenant AZURE_CLIENT_ID=bench-client AZURE_CLIENT_SECRET=bench-secret
            # One request's round trip as curl sees it: the resource group GET the dry-run sends too.
            rg=$(awk '/resourceGroup:/{print $2; exit}' "$dir/manifests/private-link.yaml")
            sub=$(awk '/subscriptionId:/{print $2; exit}' "$dir/manifests/private-link.yaml")
            rtt_url="$base/subscriptions/$sub/resourcegroups/$rg?api-version=2025-04-01"
        else
            [ -f "$work/key.pem" ] || openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$work/key.pem" 2>/dev/null
            python3 - "$work/key.pem" "$base/token" >"$dir/service-account.json" <<'KEY'
import json, sys
print(json.dumps({"type": "service_account", "project_id": "my-kafka-project", "private_key_id": "bench",
                  "private_key": open(sys.argv[1]).read(), "client_email": "bench@my-kafka-project.iam.gserviceaccount.com",
                  "client_id": "1", "token_uri": sys.argv[2]}))
KEY
            export GOOGLE_APPLICATION_CREDENTIALS=$dir/service-account.json GOOGLE_COMPUTE_CUSTOM_ENDPOINT=$base/compute/v1/
            export GCE_METADATA_HOST=127.0.0.1:$(cat "$dir/port") RECONCILE_GCP_POLL_SECONDS=0
            # One request's round trip as curl sees it: the network GET the dry-run sends too.
            rtt_url="$base/compute/v1/projects/my-kafka-project/global/networks/kafka-vpc"
        fi
        for _ in 1 2 3 4 5; do
            curl -s -o /dev/null -w '%{time_total}\n' -H 'Authorization: Bearer arm-emulator-token' "$rtt_url"
        done | awk -v key="$n $lat rtt" '{printf "%s %d 1\n", key, $1 * 1000000}' >>"$work/results"

        measure "$n $lat fresh" 2
        grep -q "Plan: [1-9][0-9]* to add" "$dir/out" || { echo "bench: fresh dry-run planned nothing:" >&2; cat "$dir/out" >&2; exit 1; }

        "$reconcile" "${args[@]}" >"$dir/apply.out" 2>&1 || { echo "bench: apply failed:" >&2; cat "$dir/apply.out" >&2; exit 1; }
        grep -q "Apply complete" "$dir/apply.out" || { cat "$dir/apply.out" >&2; exit 1; }

        measure "$n $lat converged" 0
        grep -q "No changes" "$dir/out" || { echo "bench: converged dry-run is not clean:" >&2; cat "$dir/out" >&2; exit 1; }
    done
done

python3 - "$work/results" "$latency" "$runs" "$factor" <<'PY'
import statistics, sys
from collections import defaultdict
rows = defaultdict(list)
for line in open(sys.argv[1]):
    n, lat, state, us, requests = line.split()
    rows[(int(n), int(lat), state)].append((int(us) / 1000, int(requests)))
latency, runs, factor = int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
med = lambda key: statistics.median(v[0] for v in rows[key])
print(f"latency added per request: {latency} ms; {runs} timed runs per row after 1 warm-up; wall = the whole process")
for n in sorted({k[0] for k in rows}):
    print(f"{n} brokers: one request's round trip (curl, median of 5): {med((n, latency, 'rtt')):.1f} ms "
          f"({med((n, 0, 'rtt')):.1f} ms with no added latency)")
print()
print(f"{'brokers':<8} {'state':<10} {'requests':<9} {'median (ms)':<12} {'min (ms)':<9} {'max (ms)':<9} "
      f"{'median / latency':<17} {'no-latency median (ms)':<23} {'(median - no-latency) / latency':<32} target")
verdicts = []
for (n, lat, state) in sorted(rows, key=lambda k: (k[0], ["fresh", "converged"].index(k[2]) if k[2] != "rtt" else -1)):
    if lat != latency or state == "rtt":
        continue
    values = rows[(n, lat, state)]
    ms = [v[0] for v in values]
    requests = "/".join(map(str, sorted({v[1] for v in values})))
    m, base = statistics.median(ms), med((n, 0, state))
    target = "-"
    if n == 3:
        ok = m <= factor * latency
        verdicts.append(ok)
        target = ("met" if ok else "MISSED") + f" (<= {factor * latency} ms)"
    print(f"{n:<8} {state:<10} {requests:<9} {m:<12.1f} {min(ms):<9.1f} {max(ms):<9.1f} {m / latency:<17.2f} "
          f"{base:<23.1f} {(m - base) / latency:<32.1f} {target}")
if verdicts:
    print(f"\ntarget (seed scenario, 3 brokers: dry-run <= {factor} x {latency} ms): " + ("met" if all(verdicts) else "MISSED"))
PY
