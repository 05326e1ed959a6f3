#!/usr/bin/env bash
# `scripts/sandbox.sh gcp-port-mapping`: seed 003 option A (GCP Private Service Connect by port mapping) end to
# end, with no cloud, no root and no network, narrating each step:
# - GCP is the project's Compute emulator on loopback (network, subnets, firewalls, instances, the
#   GCE_VM_IP_PORTMAP NEG, the internal backend service and all-ports forwarding rule, the PSC NAT subnet and
#   the service attachment, with Compute's operations); its data path is real: the forwarding rule's address and
#   TiDB Cloud's PSC endpoint (once accepted) forward each NEG client port to the broker's EXTERNAL listener;
# - the reconciler authenticates with a service-account key made here (self-signed JWTs, as Google's clients do);
# - the three brokers are simulators on 127.0.3.2-4 (standing in for 10.64.0.10-12); a local transport stands
#   in for SSH (host H is the directory hosts/H).
# The reconciler plans, creates the GCP resources in dependency order, writes every broker's server.properties
# (adding the EXTERNAL listener), rolls the brokers one at a time gated on Kafka's health; TiDB Cloud's project
# connects and is accepted; `verify` bootstraps through the PSC path; then drift made by hand (an endpoint
# detached in the console, a broker file edited) is repaired, ending with "No changes".
set -euo pipefail
cd "$(dirname "$0")/../.."
source scripts/sandbox/lib.sh
private=(10.64.0.10 10.64.0.11 10.64.0.12)   # the seed's broker addresses (networkIP in brokers-subnet)
local=(127.0.3.2 127.0.3.3 127.0.3.4)        # where their simulators listen on this machine
rule_private=10.64.0.2                        # the forwarding rule's address (the emulator allocates the first free one)
rule_local=127.0.3.10
consumer_private=10.200.0.5                   # TiDB Cloud's PSC endpoint, in its own project's network
consumer_local=127.0.3.20
products=(compute-emulator)
sandbox_begin
console=$PWD/scripts/sandbox-gcp.py
project=projects/my-kafka-project
region=$project/regions/us-west1

step "GCP: the Compute emulator on loopback, its load balancer and PSC endpoints forwarding to the brokers' stand-ins"
maps=(--address-map "$rule_private=$rule_local" --address-map "$consumer_private=$consumer_local")
for i in 0 1 2; do maps+=(--address-map "${private[$i]}=${local[$i]}"); done
start_emulator compute-emulator --forwarding "${maps[@]}" --operation-polls 2
gcp_credentials

step "Three KRaft brokers (simulated) as the runbook leaves them before the EXTERNAL listener"
start_brokers /home/kafka/data

mkdir -p "$sandbox/manifests"
cat >"$sandbox/manifests/cluster.yaml" <<YAML
apiVersion: reconcile.kafka/v1alpha1
kind: KafkaCluster
metadata: {name: tidb-kafka-gcp}
spec:
  kafkaVersion: "3.7.1"
  clusterId: BRl69zcmTFmiPaoaANybiw
  logDirs: /home/kafka/data
  brokers:
    - {nodeId: 1, name: broker-node1, address: ${private[0]}, zone: us-west1-a}
    - {nodeId: 2, name: broker-node2, address: ${private[1]}, zone: us-west1-b}
    - {nodeId: 3, name: broker-node3, address: ${private[2]}, zone: us-west1-c}
  ssh: {user: kafka}
$(restart_yaml)
YAML
cp manifests/examples/gcp-psc-port-mapping/psc.yaml "$sandbox/manifests/psc.yaml"
args=(--manifests "$sandbox/manifests" --state "$sandbox/state" --local-hosts "$sandbox/hosts")
resolve_brokers 39092
through_psc=("${resolve[@]}")   # each advertised name to TiDB Cloud's PSC endpoint, as its private DNS would
for i in 0 1 2; do through_psc+=(--resolve "b$((i+1)).abc.us-west1.gcp.3199745.tidbcloud.com:$((9093+i))=$consumer_local:$((9093+i))"); done

step "1. Validate the manifests (the seed's cluster and port-mapping exposure)"
run "$reconcile" validate --manifests "$sandbox/manifests"

step "2. Plan (dry run): the GCP resources in dependency order, per-broker key changes, restarts in roll order"
run "$reconcile" --dry-run "${args[@]}" "${resolve[@]}"

step "3. Apply: create the GCP resources, write every broker's server.properties, roll one broker at a time"
run "$reconcile" "${args[@]}" "${resolve[@]}"
run "$console" "$compute" show "$region/networkEndpointGroups/kafka-neg"

step "4. TiDB Cloud's project creates its PSC endpoint to the service attachment; the accept list accepts it"
run "$console" "$compute" consumer-endpoint "$region/serviceAttachments/kafka-psc"
run "$console" "$compute" attachment "$region/serviceAttachments/kafka-psc"

step "5. Verify: bootstrap through INTERNAL and through each advertised name, via PSC endpoint -> forwarding rule -> port mapping"
run "$reconcile" verify --manifests "$sandbox/manifests" --require-advertised --require-cloud "${through_psc[@]}"

step "6. Drift: someone detaches broker 2's endpoint in the console, and edits broker 2's file by hand"
run "$console" "$compute" detach-endpoint "$region/networkEndpointGroups/kafka-neg" "$project/zones/us-west1-b/instances/broker-node2"
sed -i 's/,EXTERNAL:\/\/b2[^,]*//' "$sandbox/hosts/${private[1]}/config/server.properties"
grep '^advertised.listeners' "$sandbox/hosts/${private[1]}/config/server.properties"
printf 'verify now fails for broker 2 (its client port maps to nothing and it no longer advertises one):\n'
"$reconcile" verify --manifests "$sandbox/manifests" --require-advertised --require-cloud "${through_psc[@]}" | tail -8 || true
run "$reconcile" --dry-run "${args[@]}" "${resolve[@]}" || true

step "7. Reconcile the drift back: the endpoint re-attached, broker 2's file repaired and broker 2 restarted"
run "$reconcile" "${args[@]}" "${resolve[@]}"
run "$reconcile" verify --manifests "$sandbox/manifests" --require-advertised --require-cloud "${through_psc[@]}"

step "8. Nothing left to do"
run "$reconcile" --detailed-exitcode "${args[@]}" "${resolve[@]}"
echo
echo "Sandbox finished: GCP created, brokers reconfigured and rolled, TiDB Cloud accepted and verified through PSC, drift repaired."
echo "($(wc -l <"$sandbox/compute-emulator-requests.jsonl") Compute requests served; stopping the emulator and the simulators.)"
