#!/usr/bin/env bash
# Benchmark: the reconciler's own overhead during a roll of N simulated brokers on test-datacenter VMs
# (real sshd, real restart command, the broker simulator): total apply time minus the time the brokers
# themselves spend down and catching up. Needs root. Usage: Benchmarks/roll-overhead/run.sh [ROUNDS] [SIZES...]
#
# Each round changes one setting so every broker's file is written and the whole cluster rolls. A broker's own
# time runs from its old process starting its controlled shutdown to its new process having rejoined every ISR,
# read from the simulator's log; everything else (SSH, health reads, gate polling, file writes, planning, process
# start) is the reconciler's.
set -euo pipefail
cd "$(dirname "$0")/../.."
rounds=${1:-3}
shift || true
sizes=("$@")
((${#sizes[@]})) || sizes=(3 9)
[ "$(id -u)" -eq 0 ] || { echo "bench: needs root for the test datacenter" >&2; exit 1; }
swift build -c release --product reconcile >/dev/null
swift build -c release --product kafka-broker-sim >/dev/null
bindir=$(swift build -c release --show-bin-path)
work=$(mktemp -d)
names=()
cleanup() {
    for n in "${names[@]}"; do
        for home in "$work/$n"-homes/*; do [ -d "$home" ] || true; done
        scripts/testdc.sh down "$n" >/dev/null 2>&1 || true
    done
    pkill -f "$bindir/kafka-broker-sim" 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT

printf '%-8s %-14s %-18s %-18s %s\n' brokers "roll (s)" "brokers' own (s)" "overhead (s)" "overhead per broker (s)"
for n in "${sizes[@]}"; do
    name="roll$n$$"; name=${name:0:10}; names+=("$name")
    layout=$(scripts/testdc.sh up "$name" "$n")
    user=$(awk '$1=="user"{print $2}' <<<"$layout")
    identity=$(awk '$1=="identity"{print $2}' <<<"$layout")
    known=$(awk '$1=="known_hosts"{print $2}' <<<"$layout")
    mapfile -t ips < <(awk '$1=="vm"{print $3}' <<<"$layout")
    mapfile -t homes < <(awk '$1=="vm"{print $4}' <<<"$layout")
    dir="$work/$n"; mkdir -p "$dir/manifests" "$dir/cluster"; chmod 777 "$dir/cluster"; chmod 755 "$work" "$dir"
    voters=$(for i in "${!ips[@]}"; do printf '%s%d@%s:29092' "$([ "$i" -gt 0 ] && echo ,)" $((i+1)) "${ips[$i]}"; done)
    for i in "${!ips[@]}"; do
        h=${homes[$i]}; mkdir -p "$h/config"
        cat >"$h/config/server.properties" <<PROPS
process.roles=broker,controller
node.id=$((i+1))
controller.quorum.voters=$voters
listeners=INTERNAL://0.0.0.0:9092,CONTROLLER://0.0.0.0:29092
inter.broker.listener.name=INTERNAL
advertised.listeners=INTERNAL://${ips[$i]}:9092
controller.listener.names=CONTROLLER
listener.security.protocol.map=INTERNAL:PLAINTEXT,CONTROLLER:PLAINTEXT
log.dirs=/home/kafka/data
simulator.cluster.dir=$dir/cluster
simulator.topics=orders:12:3
simulator.fenced.ms=500
simulator.catchup.ms=500
PROPS
        chown -R 1999:1999 "$h/config"
        ssh -o BatchMode=yes -o UserKnownHostsFile="$known" -i "$identity" -l "$user" "${ips[$i]}" \
            "$PWD/scripts/kafka-sim-ctl start --config config/server.properties --bin $bindir/kafka-broker-sim" >/dev/null
    done
    write_manifest() {
        {
            echo "apiVersion: reconcile.kafka/v1alpha1"; echo "kind: KafkaCluster"; echo "metadata: {name: bench}"; echo "spec:"
            echo "  kafkaVersion: \"3.7.1\""; echo "  clusterId: BRl69zcmTFmiPaoaANybiw"; echo "  logDirs: /home/kafka/data"
            echo "  brokers:"
            for i in "${!ips[@]}"; do echo "    - {nodeId: $((i+1)), name: b$((i+1)), address: ${ips[$i]}}"; done
            echo "  settings: {num.network.threads: \"$1\"}"
            echo "  ssh: {user: $user, identityFile: $identity, knownHostsFile: $known}"
            echo "  configPath: config/server.properties"
            echo "  restart: {command: [$PWD/scripts/kafka-sim-ctl, restart, --config, config/server.properties, --bin, $bindir/kafka-broker-sim], timeoutSeconds: 60}"
            echo "  health: {brokerReadyTimeoutSeconds: 60, pollIntervalMilliseconds: 100}"
        } >"$dir/manifests/cluster.yaml"
    }
    sleep 2
    for round in $(seq "$rounds"); do
        write_manifest $((round + 2))
        : >"$dir/marks"
        for h in "${homes[@]}"; do wc -c <"$h/config/kafka-broker-sim.log" >>"$dir/marks"; done
        t0=$(date +%s.%N)
        "$bindir/reconcile" --manifests "$dir/manifests" --state "$dir/state" >"$dir/out" 2>&1 || { cat "$dir/out" >&2; exit 1; }
        t1=$(date +%s.%N)
        grep -q "Apply complete" "$dir/out" || { cat "$dir/out" >&2; exit 1; }
        # Brokers' own time, from each simulator log since the round started.
        own=$(python3 - "$dir/marks" "${homes[@]}" <<'PY'
import sys, datetime, re
marks = [int(x) for x in open(sys.argv[1]).read().split()]
total = 0.0
for mark, home in zip(marks, sys.argv[2:]):
    text = open(home + "/config/kafka-broker-sim.log", "rb").read()[mark:].decode()
    def ts(line): return datetime.datetime.fromisoformat(line.split()[0].replace("Z", "+00:00")).timestamp()
    stop = next(l for l in text.splitlines() if "controlled shutdown" in l)
    up = next(l for l in text.splitlines() if "unfenced (running)" in l)
    isr = re.search(r"joins ISRs in (\d+) ms", up)
    total += ts(up) + (int(isr.group(1)) / 1000 if isr else 0) - ts(stop)
print(f"{total:.3f}")
PY
)
        echo "$n $(echo "$t1 - $t0" | bc) $own" >>"$dir/results"
    done
    python3 - "$dir/results" "$n" <<'PY'
import sys, statistics
rows = [list(map(float, l.split()[1:])) for l in open(sys.argv[1])]
roll = statistics.median(r[0] for r in rows); own = statistics.median(r[1] for r in rows)
n = int(sys.argv[2])
print(f"{n:<8} {roll:<14.3f} {own:<18.3f} {roll - own:<18.3f} {(roll - own) / n:.3f}")
PY
    for i in "${!ips[@]}"; do
        ssh -o BatchMode=yes -o UserKnownHostsFile="$known" -i "$identity" -l "$user" "${ips[$i]}" \
            "$PWD/scripts/kafka-sim-ctl stop --config config/server.properties" >/dev/null 2>&1 || true
    done
    scripts/testdc.sh down "$name" >/dev/null
done
