#!/usr/bin/env bash
# `reconcile serve` on the embedded sandbox: the Azure seed (000) from a local bare git repository.
# - The ARM emulator, three simulated brokers and a local transport standing in for SSH, as in azure.sh.
# - The manifests are committed to a bare repository; `reconcile serve --git-url` follows its main branch, with a
#   generic HMAC webhook, a bearer token for the API and JSON logs.
# - First revision: the service creates the Azure resources, writes every broker's file and rolls them.
# - Second revision, announced by the webhook: a new NSG source (applied at once) and new external ports under a
#   deny window that is in force now (held, shown as held with the next opening).
# - Then the status and the metrics show the new revision, and SIGTERM stops the service cleanly.
set -euo pipefail
cd "$(dirname "$0")/../.."
source scripts/sandbox/lib.sh
private=(10.0.0.4 10.0.0.5 10.0.0.6)
local=(127.0.0.2 127.0.0.3 127.0.0.4)
frontend_private=10.0.0.254
frontend_local=127.0.0.10
products=(arm-emulator)
sandbox_begin
serve_pid=
stop_serve() { [ -n "$serve_pid" ] && kill -TERM "$serve_pid" 2>/dev/null && wait "$serve_pid" 2>/dev/null || true; serve_pid=; }
trap 'stop_serve; sandbox_end' EXIT

step "Azure: the ARM emulator on loopback; three KRaft brokers (simulated) before the EXTERNAL listener"
start_arm_emulator 2
start_brokers /home/azureuser/data
resolve_brokers 39092

step "1. The manifests in a git repository (a bare repository standing in for GitHub)"
git init -q --bare "$sandbox/manifests.git"
git init -q -b main "$sandbox/work"
g() { git -C "$sandbox/work" -c user.name=Platform -c user.email=platform@example.com "$@"; }
seed_cluster_yaml >"$sandbox/work/cluster.yaml"
cp manifests/examples/azure-private-link/private-link.yaml "$sandbox/work/private-link.yaml"
g add -A && g commit -q -m "tidb-kafka behind Private Link (seed 000)"
g remote add origin "$sandbox/manifests.git" && g push -q origin main
git -C "$sandbox/work" log --oneline

step "2. Start reconcile serve: git source, API token, a generic HMAC webhook; JSON logs to serve.log"
head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n' >"$sandbox/token"
head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n' >"$sandbox/hook-secret"
chmod 600 "$sandbox/token" "$sandbox/hook-secret"
"$reconcile" serve --git-url "$sandbox/manifests.git" --git-branch main --state "$sandbox/state" --local-hosts "$sandbox/hosts" \
    "${resolve[@]}" --listen 127.0.0.1:0 --token-file "$sandbox/token" --webhook "generic:sandbox:$sandbox/hook-secret" \
    --source-poll 1h --interval 1h 2>"$sandbox/serve.log" &
serve_pid=$!
for _ in $(seq 200); do grep -q '"message":"listening"' "$sandbox/serve.log" && break; sleep 0.05; done
api=http://$(python3 -c 'import json,sys
for l in open(sys.argv[1]):
    r = json.loads(l)
    if r.get("message") == "listening": print(r["address"])' "$sandbox/serve.log")
hook=$(python3 -c 'import json,sys
for l in open(sys.argv[1]):
    r = json.loads(l)
    if r.get("message", "").startswith("webhook sandbox"): print(r["message"].split(" at ")[1])' "$sandbox/serve.log")
echo "API at $api, webhook at $hook"
auth=(-H "Authorization: Bearer $(cat "$sandbox/token")")

# wait_pass REVISION: until the cluster's last pass used REVISION and no pass is running; prints the status.
wait_pass() {
    for _ in $(seq 1200); do
        if curl -sf "$api/api/v1/clusters/tidb-kafka" | python3 -c 'import json,sys
s = json.load(sys.stdin); c = {x["type"]: x["status"] for x in s["conditions"]}
sys.exit(0 if s.get("revision") == sys.argv[1] and s.get("lastPassFinished") and not c["Reconciling"] else 1)' "$1"; then
            curl -sf "$api/api/v1/clusters/tidb-kafka" | python3 -c 'import json,sys
s = json.load(sys.stdin)
print("revision:", s["revision"]); print("result:", s["result"], "| passes:", s["passes"], "| drifted:", s["drifted"], "| pending:", s["pending"])
for c in s["conditions"]: print("  %-16s %-5s %s" % (c["type"], c["status"], c["message"][:110]))
for h in s["held"]: print("  held:", h["address"], "-", h["reason"][:100])'
            return 0
        fi
        sleep 0.1
    done
    echo "no pass of $1 finished; the service's log:" >&2; tail -20 "$sandbox/serve.log" >&2; return 1
}
first="main@sha1:$(git -C "$sandbox/work" rev-parse HEAD)"
# expect WHAT PYTHON-EXPRESSION: the cluster's status (`s`, with conditions `c`) must satisfy the expression.
expect() {
    curl -sf "$api/api/v1/clusters/tidb-kafka" | python3 -c 'import json,sys
s = json.load(sys.stdin); c = {x["type"]: x["status"] for x in s["conditions"]}
sys.exit(0 if eval(sys.argv[1]) else 1)' "$2" || { echo "sandbox: expected $1" >&2; exit 1; }
    echo "ok: $1"
}

step "3. The first revision is applied: Azure created, brokers written and rolled one at a time"
wait_pass "$first"
expect "the first revision applied, Ready" 's["result"] == "succeeded" and c["Ready"]'
echo "The roll, from the service's log (JSON lines with the pass id, cluster and revision):"
python3 -c 'import json,sys
for l in open(sys.argv[1]):
    r = json.loads(l)
    if "restart" in r.get("message", ""): print("  %s %s [pass %s, %s]" % (r["time"], r["message"], r.get("reconcile.pass", "")[:8], r.get("revision", "")[:22]))' "$sandbox/serve.log"
run curl -sf "$api/readyz"
run "$reconcile" verify --manifests "$sandbox/work" "${resolve[@]}" | tail -4

step "4. A commit: a new NSG source, and new external ports (disruptive) under a deny window in force now"
sed -i 's/sshSourcePrefixes: \[VirtualNetwork\]/sshSourcePrefixes: [VirtualNetwork, 10.8.0.0\/16]/; s/externalPorts: {start: 9093}/externalPorts: {start: 9193}/' \
    "$sandbox/work/private-link.yaml"
cat >>"$sandbox/work/cluster.yaml" <<YAML
  reconcile:
    windows:
      - {kind: deny, schedule: "0 0 * * *", duration: 24h, timeZone: UTC}   # a change freeze, all day every day
      - {kind: allow, schedule: "0 2 * * SAT", duration: 4h}
YAML
g commit -q -am "Allow 10.8.0.0/16 to SSH; move the external ports to 9193+ (disruptive: waits for a window)"
g push -q origin main
second="main@sha1:$(git -C "$sandbox/work" rev-parse HEAD)"
git -C "$sandbox/work" log --oneline -1

step "5. The push's webhook (HMAC-SHA256 of the body): a bad signature is refused, the good one triggers a pass"
body='{"ref":"refs/heads/main","after":"'"${second#main@sha1:}"'"}'
printf '$ curl -X POST %s -H "X-Signature: sha256=<wrong>"  ->  ' "$hook"
curl -s -o /dev/null -w '%{http_code}\n' -X POST "$api$hook" -H "X-Signature: sha256=0000" -d "$body"
signature=$(printf '%s' "$body" | openssl dgst -sha256 -hmac "$(cat "$sandbox/hook-secret")" | sed 's/^.*= //')
printf '$ curl -X POST %s -H "X-Signature: sha256=%s"  ->  ' "$hook" "${signature:0:12}..."
curl -s -o /dev/null -w '%{http_code}\n' -X POST "$api$hook" -H "X-Signature: sha256=$signature" -d "$body"
wait_pass "$second"
expect "the port move held by the window, WaitingForWindow" \
    's["result"] == "held" and c["WaitingForWindow"] and s["pending"].get("consumer_visible") == 1 and s["pending"].get("broker_restart") == 3'
ids=/subscriptions/11111111-2222-3333-4444-555555555555/resourceGroups/kafka-pls-rg/providers/Microsoft.Network
echo "The NSG now (applied at once: not disruptive); the load balancer's rules (still 9093-9095: held):"
nsg=$(scripts/sandbox-arm.py "$arm" nsg-rules "$ids/networkSecurityGroups/kafka-broker-nsg")
rules=$(scripts/sandbox-arm.py "$arm" show "$ids/loadBalancers/kafka-lb")
printf '%s\n%s\n' "$nsg" "$rules"
# (checked on captured text: `grep -q` on a pipe may close it before the writer is done, failing the pipeline)
[[ $nsg == *10.8.0.0/16* ]] || { echo "sandbox: the NSG change was not applied" >&2; exit 1; }
[[ $rules == *" 9093 -> 39092"* ]] || { echo "sandbox: the held port move was applied" >&2; exit 1; }

step "6. The metrics show the revision, the passes and the held changes"
curl -sf "${auth[@]}" "$api/metrics" >"$sandbox/metrics.txt"
grep -q "reconcile_cluster_info{cluster=\"tidb-kafka\",revision=\"$second\"" "$sandbox/metrics.txt" \
    || { echo "sandbox: the metrics do not show $second" >&2; exit 1; }
grep -q '^reconcile_broker_restarts_total{cluster="tidb-kafka"} 3' "$sandbox/metrics.txt" \
    || { grep restart "$sandbox/metrics.txt"; echo "sandbox: the metrics do not count the 3 restarts of the first roll" >&2; exit 1; }
grep -E '^reconcile_(cluster_info|passes_total|pending_changes\{.*(consumer_visible|broker_restart)|broker_restarts_total|cloud_requests_total\{provider="azure",status="2)' "$sandbox/metrics.txt" | head -12 || true
printf '$ curl -X POST %s/api/v1/clusters/tidb-kafka/reconcile (no token)  ->  ' "$api"
curl -s -o /dev/null -w '%{http_code}\n' -X POST "$api/api/v1/clusters/tidb-kafka/reconcile"

step "7. SIGTERM: the service stops taking passes and exits 0"
kill -TERM "$serve_pid"; status=0; wait "$serve_pid" || status=$?; serve_pid=
echo "reconcile serve exited with $status"
tail -2 "$sandbox/serve.log"
[ "$status" -eq 0 ]
echo
echo "Sandbox finished: the service applied the first revision, applied the NSG change from the webhook's revision,"
echo "held the disruptive port move outside its window, reported both in its status and metrics, and stopped cleanly."
