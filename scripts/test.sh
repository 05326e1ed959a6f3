#!/usr/bin/env bash
# The README's test command: set up, build, and run every test. `.ci/run` calls exactly this.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
export KAFKA_SIM_PYTHON=${KAFKA_SIM_PYTHON:-$PWD/.build-venv/bin/python}
if [ ! -d ../shared/seeds ]; then
    echo "test: ../shared is missing beside the repository; the seed golden tests will fail (they read ../shared/seeds)" >&2
fi
swift build --build-tests
# Command-line checks of the built binary against every example (also exercised by CLITests).
bin=$(swift build --show-bin-path)/reconcile
for example in manifests/examples/*/; do "$bin" validate --manifests "$example"; done
"$bin" validate --manifests manifests
# Two phases: everything that needs no test hosts in parallel; then the suites that start test-datacenter hosts
# (sshd per VM, broker simulators) or real etcd members one test at a time, so two cores are not shared by dozens
# of sshd handshakes and simulated clusters at once, and lease timings (keepalives every TTL/3) are not starved by
# 800 tests on the cooperative pool.
hosts='SSHTransportTests|BrokerEndToEndTests|RollEndToEndTests|AzureEndToEndTests|GcpEndToEndTests|KafkaSimulatorTests|ServeEndToEndTests'
hosts+="|EtcdStateStoreTests|StateBackendTests|EtcdStatePassTests|ServiceLeadershipTests|HAEndToEndTests|TruthfulDryRunTests|HAScaleTests"
swift test --skip-build --parallel --skip "$hosts"
# The README's first command must work too: the sandbox, on the debug build just made.
SANDBOX_CONFIGURATION=debug scripts/sandbox.sh >sandbox.log 2>&1 || { tail -40 sandbox.log >&2; echo "test: the sandbox failed (log: sandbox.log)" >&2; exit 1; }
grep -q "All brokers match the manifests." sandbox.log && grep -q "Sandbox finished" sandbox.log || { echo "test: the sandbox did not finish" >&2; exit 1; }
echo "sandbox: passed (log: sandbox.log)"
SANDBOX_CONFIGURATION=debug scripts/sandbox.sh gcp-port-mapping >sandbox-gcp.log 2>&1 || { tail -40 sandbox-gcp.log >&2; echo "test: the GCP sandbox failed (log: sandbox-gcp.log)" >&2; exit 1; }
grep -q "All brokers match the manifests." sandbox-gcp.log && grep -q "No changes. The real world matches the manifests." sandbox-gcp.log \
    && grep -q "Sandbox finished" sandbox-gcp.log || { echo "test: the GCP sandbox did not finish" >&2; exit 1; }
echo "sandbox gcp-port-mapping: passed (log: sandbox-gcp.log)"
SANDBOX_CONFIGURATION=debug scripts/sandbox.sh gcp-kafka-proxy >sandbox-gcp-proxy.log 2>&1 || { tail -40 sandbox-gcp-proxy.log >&2; echo "test: the kafka-proxy sandbox failed (log: sandbox-gcp-proxy.log)" >&2; exit 1; }
grep -q "All brokers match the manifests." sandbox-gcp-proxy.log && grep -q "No changes. The real world matches the manifests." sandbox-gcp-proxy.log \
    && grep -q "Sandbox finished" sandbox-gcp-proxy.log || { echo "test: the kafka-proxy sandbox did not finish" >&2; exit 1; }
echo "sandbox gcp-kafka-proxy: passed (log: sandbox-gcp-proxy.log)"
SANDBOX_CONFIGURATION=debug scripts/sandbox.sh serve >sandbox-serve.log 2>&1 || { tail -40 sandbox-serve.log >&2; echo "test: the serve sandbox failed (log: sandbox-serve.log)" >&2; exit 1; }
grep -q "reconcile serve exited with 0" sandbox-serve.log && grep -q "Sandbox finished" sandbox-serve.log || { echo "test: the serve sandbox did not finish" >&2; exit 1; }
echo "sandbox serve: passed (log: sandbox-serve.log)"
swift test --skip-build --no-parallel --filter "$hosts"
