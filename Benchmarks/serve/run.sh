#!/usr/bin/env bash
# reconcile serve's benchmarks, on the sandbox's Azure seed (the ARM emulator, three broker simulators, the local
# stand-in for SSH), release build:
#   1. webhook received -> pass started (a signed generic webhook; the status' lastPassStarted, in ms);
#   2. a converged pass: its ARM requests and wall time, next to a CLI dry-run's (one round of reads);
#   3. idle CPU of the service between passes (--interval 1h) over IDLE seconds;
#   4. resident memory (VmRSS) over PASSES requested passes against the ARM emulator: it must stay flat.
# Usage: Benchmarks/serve/run.sh [PASSES=2000] [IDLE=60] [WEBHOOKS=12]
set -euo pipefail
cd "$(dirname "$0")/../.."
passes=${1:-2000}; idle=${2:-60}; webhooks=${3:-12}
source scripts/sandbox/lib.sh
private=(10.0.0.4 10.0.0.5 10.0.0.6); local=(127.0.0.2 127.0.0.3 127.0.0.4)
frontend_private=10.0.0.254; frontend_local=127.0.0.10
products=(arm-emulator)
SANDBOX_CONFIGURATION=${SANDBOX_CONFIGURATION:-release} sandbox_begin >/dev/null
serve_pid=
trap '[ -n "$serve_pid" ] && kill -TERM "$serve_pid" 2>/dev/null; wait "$serve_pid" 2>/dev/null; sandbox_end' EXIT
start_arm_emulator 1 >/dev/null
start_brokers /home/azureuser/data >/dev/null
resolve_brokers 39092
mkdir -p "$sandbox/manifests"
seed_cluster_yaml >"$sandbox/manifests/cluster.yaml"
cp manifests/examples/azure-private-link/private-link.yaml "$sandbox/manifests/"
head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n' >"$sandbox/token"
head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n' >"$sandbox/hook"
"$reconcile" serve --manifests "$sandbox/manifests" --state "$sandbox/state" --local-hosts "$sandbox/hosts" "${resolve[@]}" \
    --listen 127.0.0.1:0 --token-file "$sandbox/token" --webhook "generic:bench:$sandbox/hook" --interval 1h --source-poll 1h \
    --log-level notice 2>"$sandbox/serve.log" &
serve_pid=$!
for _ in $(seq 400); do grep -q '"listening"' "$sandbox/serve.log" 2>/dev/null && break; sleep 0.05; done
python3 - "$serve_pid" "$sandbox" "$passes" "$idle" "$webhooks" "$reconcile" "${resolve[@]}" <<'PY'
import hashlib, hmac, json, os, subprocess, sys, time, urllib.request
pid, sandbox, passes, idle, webhooks, reconcile = int(sys.argv[1]), sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5]), sys.argv[6]
resolve = sys.argv[7:]
log = open(f"{sandbox}/serve.log").read().splitlines()
address = next(json.loads(l)["address"] for l in log if '"listening"' in l)
hook = next(json.loads(l)["message"].split(" at ")[1] for l in log if "webhook bench" in l)
api, token, secret = f"http://{address}", open(f"{sandbox}/token").read(), open(f"{sandbox}/hook").read()
requests_log = f"{sandbox}/arm-emulator-requests.jsonl"

def call(method, path, body=None, headers={}):
    req = urllib.request.Request(api + path, data=body, method=method, headers=headers)
    with urllib.request.urlopen(req) as r: return json.loads(r.read() or b"null")
def status(): return call("GET", "/api/v1/clusters/tidb-kafka")
def ts(text): return time.mktime(time.strptime(text[:19], "%Y-%m-%dT%H:%M:%S")) - time.timezone + float("0" + text[19:-1])
def wait_passes(n):
    while True:
        s = status()
        if s["passes"] >= n and s.get("lastPassFinished") and not any(c["type"] == "Reconciling" and c["status"] for c in s["conditions"]): return s
        time.sleep(0.002)
def rss(): return int(next(l for l in open(f"/proc/{pid}/status") if l.startswith("VmRSS")).split()[1])
def cpu(): f = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split(); return (int(f[11]) + int(f[12])) / os.sysconf("SC_CLK_TCK")
def arm_requests(): return sum(1 for _ in open(requests_log))
def request(): call("POST", "/api/v1/clusters/tidb-kafka/reconcile", headers={"Authorization": "Bearer " + token})

s = wait_passes(1)
assert s["result"] == "succeeded", s
print(f"first pass (creates the seed, rolls the brokers): {ts(s['lastPassFinished']) - ts(s['lastPassStarted']):.2f} s")
n = s["passes"]
request(); n += 1; wait_passes(n)   # the first converged pass (warm)

# 2. a converged pass, against a CLI dry-run's single round of reads
before = arm_requests(); request(); n += 1; s = wait_passes(n); after = arm_requests()
serve_requests = after - before
walls = []
for _ in range(20):
    request(); n += 1; s = wait_passes(n); walls.append(ts(s["lastPassFinished"]) - ts(s["lastPassStarted"]))
walls.sort()
before = arm_requests()
subprocess.run([reconcile, "--dry-run", "--manifests", f"{sandbox}/manifests", "--state", f"{sandbox}/state", "--local-hosts", f"{sandbox}/hosts"] + resolve,
               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
cli_requests = arm_requests() - before
print(f"converged pass: {serve_requests} ARM requests (a CLI dry-run: {cli_requests}, its token request included); "
      f"wall median {walls[len(walls)//2]*1000:.0f} ms, p90 {walls[int(len(walls)*0.9)]*1000:.0f} ms over {len(walls)} passes")

# 1. webhook received -> pass started (spaced 5.5 s apart: the receivers' rate limit is 12 a minute)
latencies = []
for k in range(webhooks):
    if k: time.sleep(5.5)
    body = json.dumps({"ref": "refs/heads/main", "n": n}).encode()
    sig = "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    t0 = time.time()
    call("POST", hook, body, {"X-Signature": sig})
    n += 1; s = wait_passes(n)
    latencies.append(ts(s["lastPassStarted"]) - t0)
latencies.sort()
print(f"webhook -> pass started: median {latencies[len(latencies)//2]*1000:.1f} ms, max {latencies[-1]*1000:.1f} ms over {len(latencies)} webhooks")

# 3. idle CPU
time.sleep(1); c0, t0 = cpu(), time.time(); time.sleep(idle); c1, t1 = cpu(), time.time()
print(f"idle CPU: {(c1 - c0) / (t1 - t0) * 100:.3f}% of one core over {t1 - t0:.0f} s (interval 1h, source poll 1h)")

# 4. RSS over many passes
marks, samples, start = {100, 500, 1000, 1500, 2000, passes} | set(range(1000, passes + 1, 1000)), [], time.time()
for i in range(1, passes + 1):
    request(); n += 1; wait_passes(n)
    if i in marks: samples.append((i, rss()))
print(f"{passes} passes in {time.time() - start:.0f} s; VmRSS (KiB) after " + ", ".join(f"{i}: {k}" for i, k in samples))
PY
