#!/usr/bin/env bash
# The README's first command: set up, build, and run the main job on an embedded sandbox, with no cloud, no
# root and no network. It does seed 000 (the Azure Private Link runbook) end to end, narrating each step:
# - Azure is the project's ARM emulator on loopback (resource group, NSG, VNet, NICs, VMs, the internal load
#   balancer and the Private Link Service, with ARM's long-running operations); its load balancer really
#   forwards each rule's frontend port (on 127.0.0.10, standing in for the frontend's 10.0.0.254) to the
#   broker's EXTERNAL listener;
# - the three VMs are broker simulators on 127.0.0.2-4 (standing in for 10.0.0.4-6); a local transport stands
#   in for SSH (host H is the directory hosts/H).
# The reconciler plans, creates the Azure resources in dependency order, writes every broker's
# server.properties (adding the EXTERNAL listener), rolls the brokers one at a time gated on Kafka's health,
# verifies the EXTERNAL bootstrap through the load balancer, then repairs drift made by hand (a load-balancing
# rule deleted in the portal, a broker file edited).
set -euo pipefail
cd "$(dirname "$0")/../.."
source scripts/sandbox/lib.sh
private=(10.0.0.4 10.0.0.5 10.0.0.6)   # the seed's broker addresses (NIC static IPs)
local=(127.0.0.2 127.0.0.3 127.0.0.4)  # where their simulators listen on this machine
frontend_private=10.0.0.254             # the load balancer frontend (the subnet's last usable address)
frontend_local=127.0.0.10
products=(arm-emulator)
sandbox_begin
portal=$PWD/scripts/sandbox-arm.py

step "Azure: the ARM emulator on loopback, its load balancer forwarding to the brokers' stand-in addresses"
start_arm_emulator 2

step "Three KRaft brokers (simulated) as the runbook leaves them before the EXTERNAL listener"
start_brokers /home/azureuser/data

mkdir -p "$sandbox/manifests"
seed_cluster_yaml >"$sandbox/manifests/cluster.yaml"
cp manifests/examples/azure-private-link/private-link.yaml "$sandbox/manifests/private-link.yaml"
ids=/subscriptions/11111111-2222-3333-4444-555555555555/resourceGroups/kafka-pls-rg/providers/Microsoft.Network
args=(--manifests "$sandbox/manifests" --state "$sandbox/state" --local-hosts "$sandbox/hosts")
resolve_brokers 39092   # the brokers' private addresses, reached at their stand-ins on this machine
through_lb=("${resolve[@]}")   # each advertised name to the load balancer frontend, as TiDB Cloud's DNS would
for i in 0 1 2; do through_lb+=(--resolve "b$((i+1)).abc.eastus.azure.3199745.tidbcloud.com:$((9093+i))=$frontend_local:$((9093+i))"); done

step "1. Validate the manifests (the seed's cluster and Private Link exposure)"
run "$reconcile" validate --manifests "$sandbox/manifests"

step "2. Plan (dry run): the Azure resources in dependency order, per-broker key changes, restarts in roll order"
run "$reconcile" --dry-run "${args[@]}" "${resolve[@]}"

step "3. Apply: create the Azure resources, write every broker's server.properties, roll one broker at a time"
run "$reconcile" "${args[@]}" "${resolve[@]}"
"$portal" "$arm" show "$ids/loadBalancers/kafka-lb"

step "4. TiDB Cloud creates its private endpoint to the Private Link Service (auto-approved subscription)"
run "$portal" "$arm" consumer-endpoint "$ids/privateLinkServices/kafka-pls"

step "5. Verify: bootstrap through INTERNAL and through each advertised name, via the load balancer's rules"
run "$reconcile" verify --manifests "$sandbox/manifests" --require-advertised --require-cloud "${through_lb[@]}"

step "6. Drift: someone deletes rule2 in the portal, and edits broker 2's file by hand"
run "$portal" "$arm" delete-rule "$ids/loadBalancers/kafka-lb" rule2
sed -i 's/,EXTERNAL:\/\/b2[^,]*//' "$sandbox/hosts/10.0.0.5/config/server.properties"
grep '^advertised.listeners' "$sandbox/hosts/10.0.0.5/config/server.properties"
printf 'verify now fails for broker 2 (its advertised address has no rule and it no longer advertises one):\n'
"$reconcile" verify --manifests "$sandbox/manifests" --require-advertised --require-cloud "${through_lb[@]}" | tail -8 || true
run "$reconcile" --dry-run "${args[@]}" "${resolve[@]}" || true

step "7. Reconcile the drift back: rule2 restored, broker 2's file repaired and broker 2 restarted"
run "$reconcile" "${args[@]}" "${resolve[@]}"
run "$reconcile" verify --manifests "$sandbox/manifests" --require-advertised --require-cloud "${through_lb[@]}"

step "8. Nothing left to do"
run "$reconcile" --detailed-exitcode "${args[@]}" "${resolve[@]}"
echo
echo "Sandbox finished: Azure created, brokers reconfigured and rolled, verified through the load balancer, drift repaired."
echo "($(wc -l <"$sandbox/arm-emulator-requests.jsonl") ARM requests served; stopping the emulator and the simulators.)"
