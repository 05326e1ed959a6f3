#!/usr/bin/env bash
# Benchmark: read and diff every broker's server.properties over SSH, `reconcile --dry-run` against Ansible's
# `--check --diff` of the same file, side by side, on 3 and 30 real sshd hosts of the test datacenter.
# Needs root (network namespaces). Usage: Benchmarks/broker-config-diff/run.sh [ROUNDS] [HOST COUNTS...]
#
# Both tools start cold every round (no SSH master left from a previous round): reconcile opens one master per
# host per process by design; Ansible gets a fresh ANSIBLE_SSH_CONTROL_PATH_DIR per round. Ansible runs with
# forks = host count. Ansible compares the whole file (the `copy` module with the upgraded content); reconcile
# compares the managed keys semantically. Both read every file and print the difference.
set -euo pipefail
cd "$(dirname "$0")/../.."
rounds=${1:-5}
shift || true
counts=("$@")
((${#counts[@]})) || counts=(3 30)

command -v bc >/dev/null || { echo "bench: needs bc (apt-get install bc)" >&2; exit 1; }
[ "$(id -u)" -eq 0 ] || { echo "bench: needs root for the test datacenter (network namespaces, sshd)" >&2; exit 1; }
venv=.build-bench-venv
[ -x "$venv/bin/ansible-playbook" ] || { python3 -m venv "$venv" && "$venv/bin/pip" install -q ansible-core; }
swift build -c release --product reconcile >/dev/null
bin=$(swift build -c release --show-bin-path)/reconcile
work=$(mktemp -d)
names=()
cleanup() { for n in "${names[@]}"; do scripts/testdc.sh down "$n" >/dev/null 2>&1 || true; done; rm -rf "$work"; }
trap cleanup EXIT

now() { date +%s.%N; }
median() { sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }

printf '%-6s %-22s %-22s %s\n' hosts "reconcile median (s)" "ansible median (s)" "ansible / reconcile"
for n in "${counts[@]}"; do
    name="bench$n$$"; name=${name:0:10}; names+=("$name")
    layout=$(scripts/testdc.sh up "$name" "$n")
    user=$(awk '$1=="user"{print $2}' <<<"$layout")
    identity=$(awk '$1=="identity"{print $2}' <<<"$layout")
    known=$(awk '$1=="known_hosts"{print $2}' <<<"$layout")
    mapfile -t vms < <(awk '$1=="vm"{print $3" "$4}' <<<"$layout")
    dir="$work/$n"; mkdir -p "$dir/manifests"
    {
        echo "apiVersion: reconcile.kafka/v1alpha1"; echo "kind: KafkaCluster"; echo "metadata: {name: bench}"; echo "spec:"
        echo "  kafkaVersion: \"3.7.1\""; echo "  clusterId: BRl69zcmTFmiPaoaANybiw"; echo "  logDirs: /var/lib/kafka/data"
        echo "  brokers:"
        i=0; for vm in "${vms[@]}"; do i=$((i+1)); echo "    - {nodeId: $i, name: b$i, address: ${vm%% *}}"; done
        echo "  ssh: {user: $user, identityFile: $identity, knownHostsFile: $known, maxConcurrentHosts: $n}"
        echo "  configPath: config/server.properties"
        echo "  restart: {policy: manual}"
    } >"$dir/manifests/cluster.yaml"
    cat >"$dir/manifests/exposure.yaml" <<YAML
apiVersion: reconcile.kafka/v1alpha1
kind: AzurePrivateLinkExposure
metadata: {name: bench-eastus}
spec:
  cluster: bench
  listener: {name: EXTERNAL, port: 39092}
  advertisedListenerPattern: "<broker_id>.abc.eastus.azure.3199745.tidbcloud.com:<port>"
  externalPorts: {start: 9093}
  subscriptionId: 11111111-2222-3333-4444-555555555555
  resourceGroup: rg
  createResourceGroup: false
  location: eastus
  network: {existing: true, virtualNetwork: {name: vnet}, subnet: {name: s}}
  vms:
    mode: existing
    networkInterfaces:
$(i=0; for vm in "${vms[@]}"; do i=$((i+1)); echo "      $i: {name: b$i-nic}"; done)
  privateLinkService: {natSubnet: s, visibility: ["*"]}
YAML
    # Each broker's current file: the rendered config without the EXTERNAL listener; Ansible's desired file
    # is the rendered config with it. Both tools therefore find the same three keys to change on every host.
    : >"$dir/inventory.ini"
    i=0
    for vm in "${vms[@]}"; do
        i=$((i+1)); ip=${vm%% *}; home=${vm#* }
        "$bin" render --manifests "$dir/manifests" --cluster bench --broker "$i" >"$dir/desired-$i.properties"
        sed -e 's/,EXTERNAL:[^,]*//' -e 's/,EXTERNAL:\/\/[^,]*//' "$dir/desired-$i.properties" >"$home/config/server.properties"
        chown 1999:1999 "$home/config/server.properties"
        echo "b$i ansible_host=$ip desired_file=$dir/desired-$i.properties" >>"$dir/inventory.ini"
    done
    cat >"$dir/check.yml" <<'YAML'
- hosts: all
  gather_facts: false
  tasks:
    - name: server.properties as desired
      ansible.builtin.copy:
        src: "{{ desired_file }}"
        dest: config/server.properties
YAML
    export ANSIBLE_HOST_KEY_CHECKING=True ANSIBLE_PYTHON_INTERPRETER=/usr/bin/python3 ANSIBLE_NOCOLOR=1
    export ANSIBLE_PRIVATE_KEY_FILE=$identity ANSIBLE_REMOTE_USER=$user
    export ANSIBLE_SSH_ARGS="-o ControlMaster=auto -o ControlPersist=60s -o UserKnownHostsFile=$known -o StrictHostKeyChecking=yes -o IdentitiesOnly=yes"
    r_times=(); a_times=()
    for round in $(seq "$rounds"); do
        t0=$(now)
        "$bin" --dry-run --manifests "$dir/manifests" --state "$dir/state" --target bench/kafka.brokerConfig >"$dir/r.out" 2>&1 || true
        t1=$(now)
        grep -q "$n broker configs to write" "$dir/r.out" || { echo "bench: reconcile did not plan $n writes:" >&2; cat "$dir/r.out" >&2; exit 1; }
        r_times+=("$(echo "$t1 - $t0" | bc)")
        export ANSIBLE_SSH_CONTROL_PATH_DIR="$dir/cp-$round"
        t0=$(now)
        "$venv/bin/ansible-playbook" -i "$dir/inventory.ini" -f "$n" --check --diff "$dir/check.yml" >"$dir/a.out" 2>&1 || { cat "$dir/a.out" >&2; exit 1; }
        t1=$(now)
        grep -q "changed=1" "$dir/a.out" || { echo "bench: ansible found no difference" >&2; cat "$dir/a.out" >&2; exit 1; }
        a_times+=("$(echo "$t1 - $t0" | bc)")
        for p in "$dir"/cp-"$round"/*; do [ -S "$p" ] && ssh -o ControlPath="$p" -O exit dummy >/dev/null 2>&1 || true; done
    done
    rm_=$(printf '%s\n' "${r_times[@]}" | median); am=$(printf '%s\n' "${a_times[@]}" | median)
    printf '%-6s %-22.3f %-22.3f %.1fx\n' "$n" "$rm_" "$am" "$(echo "$am / $rm_" | bc -l)"
    scripts/testdc.sh down "$name" >/dev/null
done
