#!/usr/bin/env python3
"""Writes a benchmark scenario: a seed's manifests with N brokers, reachable through `reconcile --local-hosts`.

Usage: scenario.py azure|gcp OUT_DIR N

The seeds: azure = manifests/examples/azure-private-link/ (seed 000), gcp = manifests/examples/gcp-psc-port-mapping/
(seed 003 option A). Changes to the seed, nothing else:
- `configPath: config/server.properties` (relative: with --local-hosts, host H's home is the directory DIR/H;
  the seed's absolute path would point outside it);
- `restart: {policy: manual}`: the plan never needs Kafka's live health, so the pass measures ARM and the
  brokers' files only;
- N != 3: Azure: brokers 1..N at 10.0.0.4..10.0.0.(3+N), zones cycling 1-3 (inside brokers-subnet 10.0.0.0/24
  and away from the load balancer frontend's default static address, the subnet's last usable one, 10.0.0.254);
  GCP: brokers 1..N (broker-node1..) at 10.64.0.10..10.64.0.(9+N) in brokers-subnet 10.64.0.0/18, zones cycling
  us-west1-a/b/c. N = 3 keeps the seed's own broker list, which is exactly that.
- GCP: no `jumpHost` (the brokers' files are local).

Prints the brokers' addresses, one per line.
"""
import re
import sys

cloud, out, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
seed, exposure = {"azure": ("manifests/examples/azure-private-link", "private-link.yaml"),
                  "gcp": ("manifests/examples/gcp-psc-port-mapping", "psc.yaml")}[cloud]
if not 1 <= n <= 200:
    sys.exit("scenario.py: N must be 1..200")


def broker(i):
    if cloud == "azure":
        return f"10.0.0.{3 + i}", f'    - {{nodeId: {i}, name: broker-node-{i}, address: 10.0.0.{3 + i}, zone: "{(i - 1) % 3 + 1}"}}\n'
    address = f"10.64.{(9 + i) // 256}.{(9 + i) % 256}"
    return address, f"    - {{nodeId: {i}, name: broker-node{i}, address: {address}, zone: us-west1-{'abc'[(i - 1) % 3]}}}\n"


cluster = open(f"{seed}/cluster.yaml").read()
cluster, count = re.subn(r"(?m)^  configPath: .*$", "  configPath: config/server.properties", cluster)
assert count == 1, "seed cluster.yaml: no configPath line"
cluster, count = re.subn(r"(?m)^  restart:\n(    .*\n)+", "  restart: {policy: manual}\n", cluster)
if count == 0:
    cluster += "  restart: {policy: manual}\n"
cluster = re.sub(r"(?m)^    jumpHost: .*\n", "", cluster)
if n != 3:
    brokers = "".join(broker(i)[1] for i in range(1, n + 1))
    cluster, count = re.subn(r"(?m)^  brokers:\n(    - .*\n)+", "  brokers:\n" + brokers, cluster)
    assert count == 1, "seed cluster.yaml: no brokers list"
open(f"{out}/cluster.yaml", "w").write(cluster)
open(f"{out}/{exposure}", "w").write(open(f"{seed}/{exposure}").read())
for i in range(1, n + 1):
    print(broker(i)[0])
