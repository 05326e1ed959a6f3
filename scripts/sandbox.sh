#!/usr/bin/env bash
# The README's first command: set up, build, and run the main job on an embedded sandbox, with no cloud, no
# root and no network, narrating each step.
#
#   scripts/sandbox.sh                    seed 000, Azure Private Link (the ARM emulator)
#   scripts/sandbox.sh azure              the same
#   scripts/sandbox.sh gcp-port-mapping   seed 003 option A, GCP Private Service Connect by port mapping
#                                         (the Compute emulator)
#   scripts/sandbox.sh gcp-kafka-proxy    seed 003 option B, GCP Private Service Connect through kafka-proxy
#                                         (the Compute emulator running the kafka-proxy stand-in)
#   scripts/sandbox.sh serve              `reconcile serve` following a local git repository of seed 000: webhook,
#                                         status, metrics, a disruptive change held outside its window, SIGTERM
#
# SANDBOX_CONFIGURATION=debug reuses the test build (CI does).
set -euo pipefail
cd "$(dirname "$0")/.."
scenario=${1:-azure}
case "$scenario" in
    azure | gcp-port-mapping | gcp-kafka-proxy | serve) exec bash "scripts/sandbox/$scenario.sh" ;;
    *) echo "sandbox: unknown scenario '$scenario' (azure, gcp-port-mapping, gcp-kafka-proxy, serve)" >&2; exit 2 ;;
esac
