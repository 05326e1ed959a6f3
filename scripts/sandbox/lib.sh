# Shared by the sandbox scenarios (sourced, never run): building, narration, the simulated brokers, the emulator
# and clean-up. A scenario sets `private` (the seed's broker addresses), `local` (where their simulators listen),
# `products` (besides reconcile and kafka-broker-sim), then calls `sandbox_begin`.

step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
run() { printf '$ %s\n' "$*"; "$@"; }

# Sets up, builds the products and creates the sandbox directory; installs the clean-up trap.
sandbox_begin() {
    scripts/setup.sh
    configuration=${SANDBOX_CONFIGURATION:-release}   # CI reuses the test build with debug
    for product in reconcile kafka-broker-sim "${products[@]}"; do swift build -c "$configuration" --product "$product"; done
    bindir=$(swift build -c "$configuration" --show-bin-path)
    reconcile=$bindir/reconcile
    sim=$bindir/kafka-broker-sim
    ctl=$PWD/scripts/kafka-sim-ctl
    sandbox=$(mktemp -d /tmp/reconcile-sandbox.XXXXXX)
    emulator_pid=
    trap sandbox_end EXIT
}

sandbox_end() {
    for ip in "${private[@]}"; do
        [ -f "$sandbox/hosts/$ip/config/server.properties" ] && \
            (cd "$sandbox/hosts/$ip" && HOME=$PWD "$ctl" stop --config "$PWD/config/server.properties" >/dev/null 2>&1) || true
    done
    [ -n "$emulator_pid" ] && kill "$emulator_pid" 2>/dev/null && wait "$emulator_pid" 2>/dev/null || true
    rm -rf "$sandbox"
}

# start_emulator NAME ARGS...: runs the emulator product NAME on an ephemeral loopback port and sets
# `emulator_port`; its output goes to $sandbox/NAME.out, its request log to $sandbox/NAME-requests.jsonl.
start_emulator() {
    local name=$1; shift
    "$bindir/$name" --listen 127.0.0.1:0 --port-file "$sandbox/$name.port" --log "$sandbox/$name-requests.jsonl" "$@" \
        >"$sandbox/$name.out" 2>&1 &
    emulator_pid=$!
    for _ in $(seq 200); do [ -s "$sandbox/$name.port" ] && grep -q . "$sandbox/$name.out" 2>/dev/null && break; sleep 0.05; done
    emulator_port=$(cat "$sandbox/$name.port")
    cat "$sandbox/$name.out"
}

# start_arm_emulator POLLS: the ARM emulator with its load balancers forwarding (the frontend $frontend_private to
# $frontend_local, each broker's private address to its stand-in), sets `arm` and points the reconciler's
# credential chain and ARM endpoint at it (a service principal's secret would come from these same variables
# against the real Azure).
start_arm_emulator() {
    local maps=(--address-map "$frontend_private=$frontend_local") i
    for i in "${!private[@]}"; do maps+=(--address-map "${private[$i]}=${local[$i]}"); done
    start_emulator arm-emulator --forwarding "${maps[@]}" --retry-after 0 --operation-polls "$1"
    arm="http://127.0.0.1:$emulator_port"
    export AZURE_RESOURCE_MANAGER_ENDPOINT=$arm AZURE_AUTHORITY_HOST=$arm
    export AZURE_TENANT_ID=sandbox-tenant AZURE_CLIENT_ID=sandbox-client AZURE_CLIENT_SECRET=sandbox-secret
    export RECONCILE_AZURE_POLL_SECONDS=0
}

# start_brokers LOG_DIRS: KRaft broker simulators as the runbook leaves them before the EXTERNAL listener, one per
# entry of `private`, broker i at ${private[i]} (listening on ${local[i]}); the first three are also the controller
# quorum, any further one is a plain broker; host H's files are the directory hosts/H.
start_brokers() {
    local log_dirs=$1 voters="1@${private[0]}:29092,2@${private[1]}:29092,3@${private[2]}:29092" i ip home roles listeners
    for i in "${!private[@]}"; do
        ip=${private[$i]}; home=$sandbox/hosts/$ip; mkdir -p "$home/config"
        roles=broker,controller; listeners=INTERNAL://0.0.0.0:9092,CONTROLLER://0.0.0.0:29092
        [ "$i" -ge 3 ] && { roles=broker; listeners=INTERNAL://0.0.0.0:9092; }
        cat >"$home/config/server.properties" <<PROPS
# broker $((i+1)): the seed's file before the EXTERNAL listener
process.roles=$roles
node.id=$((i+1))
controller.quorum.voters=$voters
listeners=$listeners
inter.broker.listener.name=INTERNAL
advertised.listeners=INTERNAL://$ip:9092
controller.listener.names=CONTROLLER
listener.security.protocol.map=INTERNAL:PLAINTEXT,CONTROLLER:PLAINTEXT,SSL:SSL,SASL_PLAINTEXT:SASL_PLAINTEXT,SASL_SSL:SASL_SSL
log.dirs=$log_dirs

# sandbox only: the broker simulator's settings
simulator.cluster.dir=$sandbox/cluster
simulator.bind.host=${local[$i]}
simulator.topics=test-topic:3:3
simulator.fenced.ms=700
simulator.catchup.ms=700
PROPS
        (cd "$home" && HOME=$home "$ctl" start --config "$home/config/server.properties" --bin "$sim")
    done
}

# The Azure seed's (000) cluster manifest for the sandbox's three brokers, restartable by the simulator's script.
seed_cluster_yaml() {
    cat <<YAML
apiVersion: reconcile.kafka/v1alpha1
kind: KafkaCluster
metadata: {name: tidb-kafka}
spec:
  kafkaVersion: "3.7.1"
  clusterId: BRl69zcmTFmiPaoaANybiw
  logDirs: /home/azureuser/data
  brokers:
    - {nodeId: 1, name: broker-node-1, address: 10.0.0.4, zone: "1"}
    - {nodeId: 2, name: broker-node-2, address: 10.0.0.5, zone: "2"}
    - {nodeId: 3, name: broker-node-3, address: 10.0.0.6, zone: "3"}
  ssh: {user: azureuser}
YAML
    restart_yaml
}

# The cluster manifest's lines that make the sandbox's brokers restartable by the simulator's control script.
restart_yaml() {
    cat <<YAML
  configPath: config/server.properties
  restart:
    command: [$ctl, restart, --config, config/server.properties, --bin, $sim]
    timeoutSeconds: 60
  health: {brokerReadyTimeoutSeconds: 60, pollIntervalMilliseconds: 100}
YAML
}

# --resolve flags: every broker's private address (ports 9092 and LISTEN_PORT) to its stand-in on this machine.
resolve_brokers() {
    local listen_port=$1 i port
    resolve=()
    for i in "${!private[@]}"; do
        for port in 9092 "$listen_port"; do resolve+=(--resolve "${private[$i]}:$port=${local[$i]}:$port"); done
    done
}

# gcp_credentials: the reconciler's credentials and Compute endpoint, pointed at the emulator started last (sets
# `gcp` and `compute`): a service-account key file, as `gcloud iam service-accounts keys create` would write it
# (against the real GCP, only the endpoint would go).
gcp_credentials() {
    gcp="http://127.0.0.1:$emulator_port"
    compute=$gcp/compute/v1/
    openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$sandbox/key.pem" 2>/dev/null
    python3 - "$sandbox/key.pem" "$gcp/token" >"$sandbox/service-account.json" <<'PY'
import json, sys
print(json.dumps({"type": "service_account", "project_id": "my-kafka-project", "private_key_id": "sandbox-key",
                  "private_key": open(sys.argv[1]).read(), "client_email": "reconciler@my-kafka-project.iam.gserviceaccount.com",
                  "client_id": "100000000000000000001", "token_uri": sys.argv[2]}))
PY
    export GOOGLE_APPLICATION_CREDENTIALS=$sandbox/service-account.json GOOGLE_COMPUTE_CUSTOM_ENDPOINT=$compute
    export GCE_METADATA_HOST=127.0.0.1:$emulator_port   # never the link-local metadata address, even by mistake
    export RECONCILE_GCP_POLL_SECONDS=0
}
