#!/usr/bin/env bash
# Installs what building and testing need on a fresh Debian machine (bookworm): the two C libraries the
# package links (libyaml, libcurl with OpenSSL) and the tools the tests drive. Idempotent; needs root for apt.
set -euo pipefail

packages=(libyaml-dev libcurl4-openssl-dev pkg-config python3 python3-venv openssl openjdk-17-jdk-headless openssh-client openssh-server iproute2 util-linux kcat librdkafka1 tzdata git gnupg prometheus etcd-server etcd-client)
missing=()
for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
    if [ "$(id -u)" -ne 0 ]; then
        echo "setup: missing Debian packages: ${missing[*]}; run as root or: sudo apt-get install -y ${missing[*]}" >&2
        exit 1
    fi
    echo "setup: installing ${missing[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi
command -v swift >/dev/null || { echo "setup: swift is not on PATH (expected Swift 6.2 or later)" >&2; exit 1; }

# Python packages from PyPI, into one venv: kafka-python (a real Kafka client the simulator tests check the
# broker double with), the official Azure SDKs and Google's Compute client (real ARM and Compute clients that
# drive the emulators) and jsonschema (strict validation of the ARM and Compute request bodies against
# ../shared/specs).
venv=${KAFKA_TEST_VENV:-$(cd "$(dirname "$0")/.." && pwd)/.build-venv}
python_packages=(kafka-python==3.0.12 azure-core==1.41.0 azure-mgmt-core==1.6.0 azure-mgmt-network==33.1.0
    azure-mgmt-compute==39.0.0 azure-mgmt-resource==26.0.0 jsonschema==4.26.0 google-cloud-compute==1.57.0)
if [ ! -x "$venv/bin/python" ] || ! "$venv/bin/python" -c "import kafka, azure.mgmt.network, azure.mgmt.compute, azure.mgmt.resource, jsonschema, google.cloud.compute_v1" 2>/dev/null; then
    echo "setup: installing ${python_packages[*]} into $venv"
    [ -x "$venv/bin/python" ] || python3 -m venv "$venv"
    "$venv/bin/pip" install -q "${python_packages[@]}"
fi
