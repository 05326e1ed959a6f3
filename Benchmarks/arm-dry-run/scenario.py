#!/usr/bin/env python3
"""Writes a benchmark scenario: the Azure Private Link seed's manifests with N brokers, reachable through
`reconcile --local-hosts`.

Usage: scenario.py SEED_DIR OUT_DIR N

Changes to the seed (manifests/examples/azure-private-link/), nothing else:
- `configPath: config/server.properties` (relative: with --local-hosts, host H's home is the directory DIR/H;
  the seed's absolute path would point outside it);
- `restart: {policy: manual}`: the plan never needs Kafka's live health, so the pass measures ARM and the
  brokers' files only;
- N != 3: brokers 1..N at 10.0.0.4..10.0.0.(3+N), zones cycling 1-3 (inside brokers-subnet 10.0.0.0/24 and
  away from the load balancer frontend's default static address, the subnet's last usable one, 10.0.0.254).
  N = 3 keeps the seed's own broker list, which is exactly that.
"""
import re
import sys

seed, out, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
if not 1 <= n <= 200:
    sys.exit("scenario.py: N must be 1..200 (addresses 10.0.0.4..10.0.0.203)")

cluster = open(f"{seed}/cluster.yaml").read()
cluster, count = re.subn(r"(?m)^  configPath: .*$", "  configPath: config/server.properties", cluster)
assert count == 1, "seed cluster.yaml: no configPath line"
cluster, count = re.subn(r"(?m)^  restart:\n(    .*\n)+", "  restart: {policy: manual}\n", cluster)
assert count == 1, "seed cluster.yaml: no restart block"
if n != 3:
    brokers = "".join(
        f'    - {{nodeId: {i}, name: broker-node-{i}, address: 10.0.0.{3 + i}, zone: "{(i - 1) % 3 + 1}"}}\n'
        for i in range(1, n + 1))
    cluster, count = re.subn(r"(?m)^  brokers:\n(    - .*\n)+", "  brokers:\n" + brokers, cluster)
    assert count == 1, "seed cluster.yaml: no brokers list"
open(f"{out}/cluster.yaml", "w").write(cluster)
open(f"{out}/private-link.yaml", "w").write(open(f"{seed}/private-link.yaml").read())
