#!/usr/bin/env bash
# Benchmark: failover of `reconcile serve` replicas sharing a 3-member etcd (Debian's etcd-server, on loopback):
# the replica leading the cluster is killed (SIGKILL) and the time until the other one leads it is measured.
# Target (issue 14): the lease TTL plus at most 2 s. No root, no network: the ARM emulator stands in for Azure,
# brokers are files (--local-hosts), and their INTERNAL addresses map to a closed loopback port (--resolve).
# Usage: Benchmarks/failover/run.sh [RUNS] [TTL_SECONDS]    (defaults: 5 runs, a 5 s lease)
#
# Each run: both replicas up, one leading (its log says `leading kafka-c01`), the other standing by; the leader is
# killed; the failover is the time from the kill until the survivor's log says `leading` (the lock taken: its next
# step is the pass, which starts at once). The killed replica is then started again as the standby and the roles
# swap. The clock is bash's EPOCHREALTIME, polling the log every 10 ms.
set -euo pipefail
cd "$(dirname "$0")/../.."
runs=${1:-5}
ttl=${2:-5}
command -v etcd >/dev/null || { echo "bench: needs etcd (apt-get install etcd-server)" >&2; exit 1; }
swift build -c release --product reconcile >/dev/null
swift build -c release --product arm-emulator >/dev/null
bindir=$(swift build -c release --show-bin-path)
reconcile=$bindir/reconcile
work=$(mktemp -d)
pids=()
cleanup() {
    for pid in "${pids[@]}"; do kill -9 "$pid" 2>/dev/null || true; done
    wait 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

# etcd: three members on loopback.
cluster="" endpoints=""
declare -a client peer
for i in 1 2 3; do client[$i]=$(port); peer[$i]=$(port); cluster+="${cluster:+,}m$i=http://127.0.0.1:${peer[$i]}"; done
for i in 1 2 3; do
    etcd --name "m$i" --data-dir "$work/m$i.etcd" --listen-client-urls "http://127.0.0.1:${client[$i]}" \
        --advertise-client-urls "http://127.0.0.1:${client[$i]}" --listen-peer-urls "http://127.0.0.1:${peer[$i]}" \
        --initial-advertise-peer-urls "http://127.0.0.1:${peer[$i]}" --initial-cluster "$cluster" \
        --initial-cluster-state new --initial-cluster-token bench >"$work/m$i.log" 2>&1 &
    pids+=($!)
    endpoints+="${endpoints:+,}127.0.0.1:${client[$i]}"
done
for _ in $(seq 200); do curl -sf "http://127.0.0.1:${client[1]}/health" | grep -q '"true"' && break; sleep 0.1; done

# The Azure seed as cluster kafka-c01, against the emulator.
mkdir -p "$work/seed" "$work/manifests" "$work/hosts"
python3 Benchmarks/cloud-dry-run/scenario.py azure "$work/seed" 3 >"$work/addresses"
sed -e "s/name: tidb-kafka/name: kafka-c01/" "$work/seed/cluster.yaml" >"$work/manifests/cluster.yaml"
sed -e "s/cluster: tidb-kafka/cluster: kafka-c01/" "$work/seed/private-link.yaml" >"$work/manifests/private-link.yaml"
closed=$(port)
resolve=()
i=0
while read -r address; do
    i=$((i + 1)); mkdir -p "$work/hosts/$address/config"
    "$reconcile" render --manifests "$work/manifests" --cluster kafka-c01 --broker "$i" \
        | sed -e 's/,EXTERNAL:[^,]*//' -e 's/,EXTERNAL:\/\/[^,]*//' >"$work/hosts/$address/config/server.properties"
    resolve+=(--resolve "$address:9092=127.0.0.1:$closed")
done <"$work/addresses"
"$bindir/arm-emulator" --listen 127.0.0.1:0 --port-file "$work/arm-port" --retry-after 0 >"$work/arm.out" 2>&1 &
pids+=($!)
for _ in $(seq 100); do [ -s "$work/arm-port" ] && break; sleep 0.1; done
base=http://127.0.0.1:$(cat "$work/arm-port")
export AZURE_RESOURCE_MANAGER_ENDPOINT=$base AZURE_AUTHORITY_HOST=$base RECONCILE_AZURE_POLL_SECONDS=0
export AZURE_TENANT_ID=bench-tenant AZURE_CLIENT_ID=bench-client AZURE_CLIENT_SECRET=bench-secret

declare -A pid
start() {
    : >"$work/$1.log"
    "$reconcile" serve --manifests "$work/manifests" --state "etcd://$endpoints/bench" --state-lease-ttl "$ttl" --replica "$1" \
        --listen 127.0.0.1:0 --interval 1h --source-poll 1h --log-level notice --local-hosts "$work/hosts" "${resolve[@]}" \
        >>"$work/$1.log" 2>&1 &
    pid[$1]=$!
    disown "$!"   # no job-control notice when it is killed
    pids+=($!)
}
leads() { grep -q "leading kafka-c01" "$work/$1.log"; }
wait_for() {  # wait_for SECONDS COMMAND...
    local deadline=$((${EPOCHREALTIME/./} + $1 * 1000000)); shift
    until "$@"; do
        ((${EPOCHREALTIME/./} < deadline)) || return 1
        sleep 0.01
    done
}

start a
wait_for 60 leads a || { echo "bench: replica a never led:" >&2; cat "$work/a.log" >&2; exit 1; }
start b
leader=a standby=b
: >"$work/results"
for run in $(seq 1 "$runs"); do
    sleep 3   # the standby has campaigned at least once and found the lock held
    kill -9 "${pid[$leader]}"
    t0=${EPOCHREALTIME/./}
    wait_for $((ttl * 4 + 30)) leads "$standby" || { echo "bench: $standby never took over:" >&2; cat "$work/$standby.log" >&2; exit 1; }
    t1=${EPOCHREALTIME/./}
    echo "$(( (t1 - t0) / 1000 ))" >>"$work/results"
    echo "run $run: $leader killed, $standby leading after $(( (t1 - t0) / 1000 )) ms"
    start "$leader"
    tmp=$leader; leader=$standby; standby=$tmp
done

python3 - "$work/results" "$ttl" <<'PY'
import statistics, sys
ms = [int(line) for line in open(sys.argv[1])]
ttl = int(sys.argv[2])
print(f"lease TTL {ttl} s; {len(ms)} failovers (ms): {ms}")
print(f"median {statistics.median(ms):.0f} ms, min {min(ms)} ms, max {max(ms)} ms")
ok = max(ms) <= (ttl + 2) * 1000
print(f"target (every failover within TTL + 2 s = {(ttl + 2) * 1000} ms): " + ("met" if ok else "MISSED"))
PY
