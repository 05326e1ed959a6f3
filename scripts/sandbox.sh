#!/usr/bin/env bash
# The README's first command: set up, build, and run the main job on the embedded examples.
# Until the cloud emulators and broker simulators land, the main job is offline: validate every example, render
# each broker's server.properties, and print the plan of one pass in dry-run mode (it reports which resource
# types this build cannot observe yet).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
swift build -c release --product reconcile
bin=$(swift build -c release --show-bin-path)/reconcile
for example in manifests/examples/*/; do
    echo "== reconcile validate --manifests $example"
    "$bin" validate --manifests "$example"
done
echo "== reconcile render --manifests manifests/examples/azure-private-link --cluster tidb-kafka --broker 1"
"$bin" render --manifests manifests/examples/azure-private-link --cluster tidb-kafka --broker 1
echo "== reconcile render --manifests manifests/examples/gcp-psc-port-mapping --cluster tidb-kafka-gcp --broker 3"
"$bin" render --manifests manifests/examples/gcp-psc-port-mapping --cluster tidb-kafka-gcp --broker 3
state=$(mktemp -d)
trap 'rm -rf "$state"' EXIT
echo "== reconcile --dry-run --manifests manifests/examples/second-consumer --output text"
"$bin" --dry-run --manifests manifests/examples/second-consumer --state "$state" || true
