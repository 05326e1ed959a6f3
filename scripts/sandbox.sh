#!/usr/bin/env bash
# The README's first command: set up, build, and run the main job on an embedded sandbox, with no cloud, no
# root and no network. Three broker simulators stand in for the VMs of the Azure Private Link seed, on
# 127.0.0.2-4 of this machine's loopback; a local transport stands in for SSH (host H is the directory
# hosts/H). The reconciler then does what the runbook does by hand, narrating each step: plan, write every
# broker's server.properties (adding the EXTERNAL listener), roll the brokers one at a time gated on Kafka's
# health, verify the EXTERNAL bootstrap and each broker's identity, then repair drift made by hand.
# (The Azure resources of the seed join the sandbox with the ARM emulator; until then the pass is limited to the
# brokers with --target.)
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
configuration=${SANDBOX_CONFIGURATION:-release}   # CI reuses the test build with debug
swift build -c "$configuration" --product reconcile
swift build -c "$configuration" --product kafka-broker-sim
bindir=$(swift build -c "$configuration" --show-bin-path)
reconcile=$bindir/reconcile
sim=$bindir/kafka-broker-sim
ctl=$PWD/scripts/kafka-sim-ctl
sandbox=$(mktemp -d /tmp/reconcile-sandbox.XXXXXX)
hosts=(127.0.0.2 127.0.0.3 127.0.0.4)

stop_all() {
    for ip in "${hosts[@]}"; do
        [ -f "$sandbox/hosts/$ip/config/server.properties" ] && \
            (cd "$sandbox/hosts/$ip" && HOME=$PWD "$ctl" stop --config "$PWD/config/server.properties" >/dev/null 2>&1) || true
    done
    rm -rf "$sandbox"
}
trap stop_all EXIT
step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
run() { printf '$ %s\n' "$*"; "$@"; }

step "Three KRaft brokers (simulated) as the runbook leaves them before the EXTERNAL listener"
voters="1@127.0.0.2:29092,2@127.0.0.3:29092,3@127.0.0.4:29092"
for i in 0 1 2; do
    ip=${hosts[$i]}; home=$sandbox/hosts/$ip; mkdir -p "$home/config"
    cat >"$home/config/server.properties" <<PROPS
# broker-node-$((i+1)): the seed's file before the EXTERNAL listener
process.roles=broker,controller
node.id=$((i+1))
controller.quorum.voters=$voters
listeners=INTERNAL://0.0.0.0:9092,CONTROLLER://0.0.0.0:29092
inter.broker.listener.name=INTERNAL
advertised.listeners=INTERNAL://$ip:9092
controller.listener.names=CONTROLLER
listener.security.protocol.map=INTERNAL:PLAINTEXT,CONTROLLER:PLAINTEXT,SSL:SSL,SASL_PLAINTEXT:SASL_PLAINTEXT,SASL_SSL:SASL_SSL
log.dirs=/home/azureuser/data

# sandbox only: the broker simulator's settings
simulator.cluster.dir=$sandbox/cluster
simulator.bind.host=$ip
simulator.topics=test-topic:3:3
simulator.fenced.ms=700
simulator.catchup.ms=700
PROPS
    (cd "$home" && HOME=$home "$ctl" start --config "$home/config/server.properties" --bin "$sim")
done

mkdir -p "$sandbox/manifests"
cat >"$sandbox/manifests/cluster.yaml" <<YAML
apiVersion: reconcile.kafka/v1alpha1
kind: KafkaCluster
metadata: {name: tidb-kafka}
spec:
  kafkaVersion: "3.7.1"
  clusterId: BRl69zcmTFmiPaoaANybiw
  logDirs: /home/azureuser/data
  brokers:
    - {nodeId: 1, name: broker-node-1, address: 127.0.0.2, zone: "1"}
    - {nodeId: 2, name: broker-node-2, address: 127.0.0.3, zone: "2"}
    - {nodeId: 3, name: broker-node-3, address: 127.0.0.4, zone: "3"}
  ssh: {user: azureuser}
  configPath: config/server.properties
  restart:
    command: [$ctl, restart, --config, config/server.properties, --bin, $sim]
    timeoutSeconds: 60
  health: {brokerReadyTimeoutSeconds: 60, pollIntervalMilliseconds: 100}
YAML
sed -e '/^  network:/,$d' manifests/examples/azure-private-link/private-link.yaml >"$sandbox/manifests/private-link.yaml"
cat >>"$sandbox/manifests/private-link.yaml" <<'YAML'
  network:
    existing: true
    virtualNetwork: {name: kafka-pls-vnet}
    subnet: {name: brokers-subnet}
  vms:
    mode: existing
    networkInterfaces: {1: {name: broker-node-1-nic}, 2: {name: broker-node-2-nic}, 3: {name: broker-node-3-nic}}
  loadBalancer: {name: kafka-lb, frontendName: kafka-lb-ip, probeName: kafka-lb-hp}
  privateLinkService:
    name: kafka-pls
    natSubnet: brokers-subnet
    visibility: [99549169-6cee-4263-8491-924a3011ee31]
    autoApproval: [99549169-6cee-4263-8491-924a3011ee31]
YAML
args=(--manifests "$sandbox/manifests" --state "$sandbox/state" --local-hosts "$sandbox/hosts" --target tidb-kafka/kafka.brokerConfig)
resolve=()
for i in 0 1 2; do resolve+=(--resolve "b$((i+1)).abc.eastus.azure.3199745.tidbcloud.com:$((9093+i))=${hosts[$i]}:39092"); done

step "1. Validate the manifests"
run "$reconcile" validate --manifests "$sandbox/manifests"

step "2. Plan (dry run): per-broker key changes, then restarts in the order they would run"
run "$reconcile" --dry-run "${args[@]}"

step "3. Apply: write every broker's server.properties, then roll one broker at a time"
run "$reconcile" "${args[@]}"

step "4. Verify, as the runbook's kafka-broker-api-versions checks do (names mapped like the load balancer rules)"
run "$reconcile" verify --manifests "$sandbox/manifests" --require-advertised "${resolve[@]}"

step "5. Drift: someone edits broker 2's file by hand, dropping its EXTERNAL advertised listener"
sed -i 's/,EXTERNAL:\/\/b2[^,]*//' "$sandbox/hosts/127.0.0.3/config/server.properties"
grep '^advertised.listeners' "$sandbox/hosts/127.0.0.3/config/server.properties"
run "$reconcile" --dry-run "${args[@]}" || true

step "6. Reconcile the drift back: the file is repaired and broker 2 restarted"
run "$reconcile" "${args[@]}"
run "$reconcile" verify --manifests "$sandbox/manifests" --require-advertised "${resolve[@]}"

step "7. Nothing left to do"
run "$reconcile" --detailed-exitcode "${args[@]}"
echo
echo "Sandbox finished: the brokers were reconfigured, rolled, verified and repaired. (Stopping the simulators.)"
