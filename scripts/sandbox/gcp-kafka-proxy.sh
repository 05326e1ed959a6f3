#!/usr/bin/env bash
# `scripts/sandbox.sh gcp-kafka-proxy`: seed 003 option B (GCP Private Service Connect through kafka-proxy) end to
# end, with no cloud, no root and no network, narrating each step:
# - GCP is the project's Compute emulator on loopback; it runs the kafka-proxy stand-in (the `kafka-proxy` product,
#   kafka-proxy v0.3.11's behaviour) as the managed group's instance, started from the flags the template's startup
#   script writes, on the instance's stand-in address, behind the emulated internal load balancer and TiDB Cloud's
#   PSC endpoint;
# - an existing cluster of four simulated brokers (10.64.0.10-13 on 127.0.5.2-5) advertising their private INTERNAL
#   addresses; the manifest lists three, so the fourth is reached through one of kafka-proxy's dynamic ports, as in
#   the runbook's expected output. The reconciler never touches the brokers and needs no SSH: it reads their
#   advertised addresses over Kafka and builds the proxy's mappings from them.
# Plan, apply, TiDB Cloud connects and is accepted, `verify` bootstraps through each static port and reaches every
# broker through the proxy (dynamic names included); then drift made by hand (the group resized to 2, the template's
# flags "edited") is repaired, and broker 4 added to the manifest rolls out as a consumer-visible template change.
set -euo pipefail
cd "$(dirname "$0")/../.."
source scripts/sandbox/lib.sh
private=(10.64.0.10 10.64.0.11 10.64.0.12 10.64.0.13)   # the existing brokers (the manifest lists the first three)
local=(127.0.5.2 127.0.5.3 127.0.5.4 127.0.5.5)
instance_private=10.64.0.2; instance_local=127.0.5.10    # the group's instance: the subnet's first free address
rule_private=10.64.0.3; rule_local=127.0.5.11            # then the forwarding rule's
spare_private=10.64.0.4; spare_local=127.0.5.12          # a second instance, if someone resizes the group
consumer_private=10.200.0.5; consumer_local=127.0.5.20   # TiDB Cloud's PSC endpoint, in its own project
products=(compute-emulator kafka-proxy)
sandbox_begin
console=$PWD/scripts/sandbox-gcp.py
project=projects/my-kafka-project
region=$project/regions/us-west1
igm=$project/zones/us-west1-a/instanceGroupManagers/kafka-proxy-ig
suffix=abc.us-west1.gcp.3199745.tidbcloud.com

step "GCP: the Compute emulator on loopback; managed instances run the kafka-proxy stand-in behind the load balancer"
maps=(--address-map "$instance_private=$instance_local" --address-map "$rule_private=$rule_local"
      --address-map "$spare_private=$spare_local" --address-map "$consumer_private=$consumer_local")
for i in "${!private[@]}"; do maps+=(--address-map "${private[$i]}=${local[$i]}"); done
mkdir -p "$sandbox/proxy-logs"
start_emulator compute-emulator --forwarding "${maps[@]}" --operation-polls 2 \
    --kafka-proxy-binary "$bindir/kafka-proxy" --kafka-proxy-log-directory "$sandbox/proxy-logs"
gcp_credentials
run "$console" "$compute" existing-network my-kafka-project us-west1

step "An existing cluster of four KRaft brokers (simulated), advertising INTERNAL://10.64.0.1x:9092; never reconfigured here"
start_brokers /home/kafka/data
for _ in $(seq 200); do   # they start fenced; the cluster is "existing" once all four are registered
    [ "$(kcat -L -b "${local[0]}:9092" -m 2 2>/dev/null | grep -c '^  broker ')" = 4 ] && break
    sleep 0.1
done
run kcat -L -b "${local[0]}:9092" -m 5

mkdir -p "$sandbox/manifests"
cp manifests/examples/gcp-kafka-proxy/cluster.yaml manifests/examples/gcp-kafka-proxy/proxy.yaml "$sandbox/manifests/"
args=(--manifests "$sandbox/manifests" --state "$sandbox/state")
resolve_brokers 9092   # the reconciler reads the brokers' advertised addresses over Kafka, through their stand-ins
through_psc=("${resolve[@]}")   # each name the proxy advertises to TiDB Cloud's PSC endpoint, as its private DNS would
for port in 9092 9093 9094 9095 9096; do
    id=$((port - 9091))
    through_psc+=(--resolve "b$id.$suffix:$port=$consumer_local:$port" --resolve "brokers.$suffix:$port=$consumer_local:$port")
done

step "1. Validate the manifests (an existing cluster without ssh, the kafka-proxy exposure)"
run "$reconcile" validate --manifests "$sandbox/manifests"

step "2. Plan (dry run): the proxy's template named by its content, built from what the brokers advertise; no broker change"
run "$reconcile" --dry-run "${args[@]}" "${resolve[@]}"

step "3. Apply: the GCP resources in dependency order; the group's instance starts kafka-proxy"
run "$reconcile" "${args[@]}" "${resolve[@]}"
run "$console" "$compute" group "$igm"

step "4. TiDB Cloud's project creates its PSC endpoint to the service attachment; the accept list accepts it"
run "$console" "$compute" consumer-endpoint "$region/serviceAttachments/kafka-proxy-psc"
run "$console" "$compute" attachment "$region/serviceAttachments/kafka-proxy-psc"

step "5. Verify: a Kafka round trip through each static port (9092-9094), every broker's identity through each name (broker 4 on a dynamic port)"
run "$reconcile" verify --manifests "$sandbox/manifests" --require-advertised --require-cloud "${through_psc[@]}"

step "6. Drift: someone resizes the group to 2, then replaces its template with a copy whose flags lost a mapping"
run "$console" "$compute" resize "$igm" 2
run "$console" "$compute" edit-template "$igm"
run "$console" "$compute" group "$igm"
printf 'verify now fails: broker 3 lost its static mapping, so the proxy lists it under a dynamic name:\n'
"$reconcile" verify --manifests "$sandbox/manifests" --require-advertised --require-cloud "${through_psc[@]}" | grep -A3 '^  broker 3' || true
run "$reconcile" --dry-run "${args[@]}" "${resolve[@]}" || true

step "7. Reconcile the drift back: one instance, on the reconciler's template (the hand-made template is not the reconciler's and stays)"
run "$reconcile" "${args[@]}" "${resolve[@]}"
run "$console" "$compute" group "$igm"
run "$reconcile" verify --manifests "$sandbox/manifests" --require-advertised --require-cloud "${through_psc[@]}"

step "8. Broker 4 joins the manifest (and the dynamic ports move to 9096): a new template (consumer visible: 9095 becomes b4's static port), the group moved, the old template deleted"
sed -i "s|    - {nodeId: 3, name: broker-node3, address: 10.64.0.12, zone: us-west1-c}|&\n    - {nodeId: 4, name: broker-node4, address: 10.64.0.13, zone: us-west1-a}|" "$sandbox/manifests/cluster.yaml"
sed -i "s|dynamicSequentialMinPort: 9095 |dynamicSequentialMinPort: 9096 |" "$sandbox/manifests/proxy.yaml"
grep -n "nodeId: 4\|dynamicSequentialMinPort" "$sandbox/manifests/cluster.yaml" "$sandbox/manifests/proxy.yaml"
run "$reconcile" --dry-run "${args[@]}" "${resolve[@]}"
run "$reconcile" "${args[@]}" "${resolve[@]}"
run "$reconcile" verify --manifests "$sandbox/manifests" --require-advertised --require-cloud "${through_psc[@]}"

step "9. Nothing left to do"
run "$reconcile" --detailed-exitcode "${args[@]}" "${resolve[@]}"
echo
echo "Sandbox finished: the proxy group created from the brokers' own addresses, TiDB Cloud accepted and verified through every"
echo "static port, drift repaired, a new broker rolled out as a new template; the brokers were never touched."
echo "($(wc -l <"$sandbox/compute-emulator-requests.jsonl") Compute requests served; stopping the emulator, the proxy and the simulators.)"
