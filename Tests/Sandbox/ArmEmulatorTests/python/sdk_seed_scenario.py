"""Drives the ARM emulator with the official Azure SDKs through the seed's whole lifecycle.

Usage: sdk_seed_scenario.py BASE_URL TOKEN

Creates the seed's resources with the SDKs' pollers (resource group, VNet + subnet, NSG, three NICs with static
IPs, three VMs, the internal Standard LB with pools/probe/rules, NIC pool membership, the PLS), reads the alias,
lists with paging, connects two private endpoints (auto-approved and pending), approves the pending one, updates,
checks error mapping, and deletes everything. Every check that fails raises; the last stdout line is
`RESULT {json}` with what the Swift side asserts on. Exit status 0 means every step passed.
"""

import json
import sys
import time

from azure.core.credentials import AccessToken
from azure.core.exceptions import HttpResponseError, ResourceNotFoundError
from azure.core.pipeline.policies import SansIOHTTPPolicy
from azure.mgmt.compute import ComputeManagementClient
from azure.mgmt.compute import models as cm
from azure.mgmt.network import NetworkManagementClient
from azure.mgmt.network import models as nm
from azure.mgmt.resource.resources import ResourceManagementClient

BASE_URL, TOKEN = sys.argv[1], sys.argv[2]
SUB = "5f0c3c8e-1d2b-4a47-9d0e-6b1a2c3d4e5f"
AUTO_APPROVED_SUB = "99549169-6cee-4263-8491-924a3011ee31"
OTHER_SUB = "0b4c1f9e-7a6d-4e3b-8c2a-1d0e9f8a7b6c"
RG, LOCATION = "kafka-pls-rg", "eastus"
SSH_KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIEmulatorTestKeyOnlyNotARealKeyAAAAAAAAAAAA test@emulator"


class StaticCredential:
    """A TokenCredential returning a fixed token (the emulator accepts it)."""

    def get_token(self, *scopes, **kwargs):
        return AccessToken(TOKEN, int(time.time()) + 3600)


class BearerOverHttp(SansIOHTTPPolicy):
    """Sets the bearer header; azure-core's own policy refuses bearer tokens on plain http."""

    def on_request(self, request):
        request.http_request.headers["Authorization"] = f"Bearer {TOKEN}"


def clients(subscription):
    options = dict(base_url=BASE_URL, authentication_policy=BearerOverHttp(), polling_interval=0, retry_backoff_factor=0)
    return (
        ResourceManagementClient(StaticCredential(), subscription, **options),
        NetworkManagementClient(StaticCredential(), subscription, **options),
        ComputeManagementClient(StaticCredential(), subscription, **options),
    )


def step(message):
    print(f"== {message}", flush=True)


def expect(condition, message):
    if not condition:
        raise AssertionError(message)


resources, network, compute = clients(SUB)
result = {}

step("resource group")
group = resources.resource_groups.create_or_update(RG, {"location": LOCATION})
expect(group.name == RG and group.properties.provisioning_state == "Succeeded", f"group: {group}")
expect(resources.resource_groups.check_existence(RG), "check_existence should be True")

step("virtual network with brokers-subnet")
vnet = network.virtual_networks.begin_create_or_update(
    RG,
    "kafka-pls-vnet",
    nm.VirtualNetwork(
        location=LOCATION,
        address_space=nm.AddressSpace(address_prefixes=["10.0.0.0/16"]),
        subnets=[
            nm.Subnet(
                name="brokers-subnet",
                address_prefix="10.0.0.0/24",
                private_link_service_network_policies="Disabled",
            )
        ],
    ),
).result()
expect(vnet.provisioning_state == "Succeeded", f"vnet state {vnet.provisioning_state}")
subnet = network.subnets.get(RG, "kafka-pls-vnet", "brokers-subnet")
expect(subnet.private_link_service_network_policies == "Disabled", "subnet policies")

step("network security group allowing SSH")
nsg = network.network_security_groups.begin_create_or_update(
    RG,
    "kafka-broker-nsg",
    nm.NetworkSecurityGroup(
        location=LOCATION,
        security_rules=[
            nm.SecurityRule(
                name="allow-ssh",
                protocol="Tcp",
                source_port_range="*",
                destination_port_range="22",
                source_address_prefix="*",
                destination_address_prefix="*",
                access="Allow",
                priority=1000,
                direction="Inbound",
            )
        ],
    ),
).result()
expect(nsg.security_rules[0].destination_port_range == "22", "nsg rule")

step("three NICs with static IPs")
nics = []
for index in (1, 2, 3):
    nic = network.network_interfaces.begin_create_or_update(
        RG,
        f"broker-node-{index}-nic",
        nm.NetworkInterface(
            location=LOCATION,
            network_security_group=nm.NetworkSecurityGroup(id=nsg.id),
            ip_configurations=[
                nm.NetworkInterfaceIPConfiguration(
                    name="ipconfig1",
                    subnet=nm.Subnet(id=subnet.id),
                    private_ip_allocation_method="Static",
                    private_ip_address=f"10.0.0.{3 + index}",
                    primary=True,
                )
            ],
        ),
    ).result()
    expect(nic.ip_configurations[0].private_ip_address == f"10.0.0.{3 + index}", "static IP kept")
    nics.append(nic)

step("three VMs")
for index, nic in enumerate(nics, start=1):
    vm = compute.virtual_machines.begin_create_or_update(
        RG,
        f"broker-node-{index}",
        cm.VirtualMachine(
            location=LOCATION,
            zones=[str(index)],
            hardware_profile=cm.HardwareProfile(vm_size="Standard_D2s_v3"),
            storage_profile=cm.StorageProfile(
                image_reference=cm.ImageReference(
                    publisher="Canonical", offer="ubuntu-24_04-lts", sku="server", version="latest"
                ),
                os_disk=cm.OSDisk(
                    create_option="FromImage",
                    managed_disk=cm.ManagedDiskParameters(storage_account_type="Premium_LRS"),
                    delete_option="Delete",
                ),
            ),
            os_profile=cm.OSProfile(
                computer_name=f"broker-node-{index}",
                admin_username="azureuser",
                custom_data="I2Nsb3VkLWNvbmZpZwo=",
                linux_configuration=cm.LinuxConfiguration(
                    disable_password_authentication=True,
                    ssh=cm.SshConfiguration(
                        public_keys=[
                            cm.SshPublicKey(path="/home/azureuser/.ssh/authorized_keys", key_data=SSH_KEY)
                        ]
                    ),
                ),
            ),
            network_profile=cm.NetworkProfile(
                network_interfaces=[cm.NetworkInterfaceReference(id=nic.id, primary=True, delete_option="Detach")]
            ),
        ),
    ).result()
    expect(vm.provisioning_state == "Succeeded" and vm.vm_id, f"vm {vm.name}: {vm.provisioning_state}")
    expect(vm.os_profile.custom_data is None, "customData must never be returned")
    expect(vm.zones == [str(index)], "zones")

step("internal Standard load balancer")
lb_id = f"/subscriptions/{SUB}/resourceGroups/{RG}/providers/Microsoft.Network/loadBalancers/kafka-lb"


def lb_body(rules, tags=None):
    return nm.LoadBalancer(
        location=LOCATION,
        tags=tags,
        sku=nm.LoadBalancerSku(name="Standard", tier="Regional"),
        frontend_ip_configurations=[
            nm.FrontendIPConfiguration(
                name="kafka-lb-ip",
                zones=["1", "2", "3"],
                subnet=nm.Subnet(id=subnet.id),
                private_ip_allocation_method="Dynamic",
                private_ip_address_version="IPv4",
            )
        ],
        backend_address_pools=[nm.BackendAddressPool(name=f"pool{i}") for i in (1, 2, 3)],
        probes=[nm.Probe(name="kafka-lb-hp", protocol="Tcp", port=39092, interval_in_seconds=5, probe_threshold=2)],
        load_balancing_rules=[
            nm.LoadBalancingRule(
                name=f"rule{i}",
                protocol="Tcp",
                frontend_port=port,
                backend_port=39092,
                enable_floating_ip=False,
                idle_timeout_in_minutes=4,
                frontend_ip_configuration=nm.SubResource(id=f"{lb_id}/frontendIPConfigurations/kafka-lb-ip"),
                backend_address_pool=nm.SubResource(id=f"{lb_id}/backendAddressPools/pool{i}"),
                probe=nm.SubResource(id=f"{lb_id}/probes/kafka-lb-hp"),
            )
            for i, port in rules
        ],
    )


lb = network.load_balancers.begin_create_or_update(RG, "kafka-lb", lb_body([(1, 9093), (2, 9094), (3, 9095)])).result()
frontend_ip = lb.frontend_ip_configurations[0].private_ip_address
expect(frontend_ip == "10.0.0.7", f"frontend gets the lowest free address, got {frontend_ip}")
expect([r.frontend_port for r in lb.load_balancing_rules] == [9093, 9094, 9095], "rules")
result["frontendIP"] = frontend_ip

step("NIC updates: each ipconfig into its pool")
for index, nic in enumerate(nics, start=1):
    current = network.network_interfaces.get(RG, nic.name)
    current.ip_configurations[0].load_balancer_backend_address_pools = [
        nm.BackendAddressPool(id=f"{lb_id}/backendAddressPools/pool{index}")
    ]
    updated = network.network_interfaces.begin_create_or_update(RG, nic.name, current).result()
    expect(updated.ip_configurations[0].private_ip_address == f"10.0.0.{3 + index}", "address survives the update")
lb = network.load_balancers.get(RG, "kafka-lb")
members = [[c.id for c in (pool.backend_ip_configurations or [])] for pool in lb.backend_address_pools]
expect(all(len(m) == 1 for m in members), f"each pool has one member: {members}")
expect(members[0][0].lower().endswith("broker-node-1-nic/ipconfigurations/ipconfig1"), f"pool1 member {members[0]}")

step("private link service")
pls = network.private_link_services.begin_create_or_update(
    RG,
    "kafka-pls",
    nm.PrivateLinkService(
        location=LOCATION,
        load_balancer_frontend_ip_configurations=[nm.FrontendIPConfiguration(id=lb.frontend_ip_configurations[0].id)],
        ip_configurations=[
            nm.PrivateLinkServiceIpConfiguration(
                name="kafka-pls-nat",
                subnet=nm.Subnet(id=subnet.id),
                private_ip_allocation_method="Dynamic",
                private_ip_address_version="IPv4",
                primary=True,
            )
        ],
        visibility=nm.PrivateLinkServicePropertiesVisibility(subscriptions=[AUTO_APPROVED_SUB, OTHER_SUB]),
        auto_approval=nm.PrivateLinkServicePropertiesAutoApproval(subscriptions=[AUTO_APPROVED_SUB]),
    ),
).result()
alias = network.private_link_services.get(RG, "kafka-pls").alias
expect(alias.startswith("kafka-pls.") and alias.endswith(".eastus.azure.privatelinkservice"), f"alias {alias}")
expect(pls.ip_configurations[0].private_ip_address == "10.0.0.8", f"NAT IP {pls.ip_configurations[0].private_ip_address}")
result["alias"] = alias

step("lists with paging")
listed = [r.name for r in resources.resources.list_by_resource_group(RG)]
expected = {"kafka-pls-vnet", "kafka-broker-nsg", "kafka-lb", "kafka-pls"} | {f"broker-node-{i}" for i in (1, 2, 3)}
expected |= {f"broker-node-{i}-nic" for i in (1, 2, 3)}
expect(set(listed) == expected and len(listed) == len(expected), f"generic list {listed}")
nic_names = [n.name for n in network.network_interfaces.list(RG)]
expect(nic_names == [f"broker-node-{i}-nic" for i in (1, 2, 3)], f"NIC list {nic_names}")
vm_names = [v.name for v in compute.virtual_machines.list(RG)]
expect(sorted(vm_names) == [f"broker-node-{i}" for i in (1, 2, 3)], f"VM list {vm_names}")
result["listedCount"] = len(listed)

step("private endpoints from two consumer subscriptions")
statuses = {}
for label, consumer in (("auto", AUTO_APPROVED_SUB), ("manual", OTHER_SUB)):
    c_resources, c_network, _ = clients(consumer)
    c_resources.resource_groups.create_or_update("consumer-rg", {"location": LOCATION})
    c_vnet = c_network.virtual_networks.begin_create_or_update(
        "consumer-rg",
        "consumer-vnet",
        nm.VirtualNetwork(
            location=LOCATION,
            address_space=nm.AddressSpace(address_prefixes=["172.16.0.0/16"]),
            subnets=[nm.Subnet(name="endpoints", address_prefix="172.16.1.0/24")],
        ),
    ).result()
    endpoint = c_network.private_endpoints.begin_create_or_update(
        "consumer-rg",
        f"kafka-pe-{label}",
        nm.PrivateEndpoint(
            location=LOCATION,
            subnet=nm.Subnet(id=c_vnet.subnets[0].id),
            private_link_service_connections=[
                nm.PrivateLinkServiceConnection(
                    name="kafka", private_link_service_id=pls.id, request_message=f"please ({label})"
                )
            ],
        ),
    ).result()
    statuses[label] = endpoint.private_link_service_connections[0].private_link_service_connection_state.status
expect(statuses == {"auto": "Approved", "manual": "Pending"}, f"endpoint states {statuses}")

connections = list(network.private_link_services.list_private_endpoint_connections(RG, "kafka-pls"))
by_status = {c.private_link_service_connection_state.status: c for c in connections}
expect(sorted(by_status) == ["Approved", "Pending"], f"PLS connections {sorted(by_status)}")
pending = by_status["Pending"]
pending.private_link_service_connection_state = nm.PrivateLinkServiceConnectionState(
    status="Approved", description="approved by the seed scenario"
)
approved = network.private_link_services.update_private_endpoint_connection(RG, "kafka-pls", pending.name, pending)
expect(approved.private_link_service_connection_state.status == "Approved", "approval")
_, other_network, _ = clients(OTHER_SUB)
mirrored = other_network.private_endpoints.get("consumer-rg", "kafka-pe-manual")
mirrored_state = mirrored.private_link_service_connections[0].private_link_service_connection_state.status
expect(mirrored_state == "Approved", f"the consumer sees {mirrored_state}")
result["connections"] = sorted(c.private_link_service_connection_state.status for c in
                               network.private_link_services.list_private_endpoint_connections(RG, "kafka-pls"))

step("update: a fourth rule and tags")
lb = network.load_balancers.begin_create_or_update(
    RG, "kafka-lb", lb_body([(1, 9093), (2, 9094), (3, 9095)], tags={"owner": "seed"})
).result()
expect(lb.tags == {"owner": "seed"}, "tags")
lb.load_balancing_rules.append(
    nm.LoadBalancingRule(
        name="rule4",
        protocol="Tcp",
        frontend_port=9096,
        backend_port=39093,
        frontend_ip_configuration=nm.SubResource(id=f"{lb_id}/frontendIPConfigurations/kafka-lb-ip"),
        backend_address_pool=nm.SubResource(id=f"{lb_id}/backendAddressPools/pool1"),
        probe=nm.SubResource(id=f"{lb_id}/probes/kafka-lb-hp"),
    )
)
lb = network.load_balancers.begin_create_or_update(RG, "kafka-lb", lb).result()
expect(len(lb.load_balancing_rules) == 4, "four rules")
expect(lb.frontend_ip_configurations[0].private_ip_address == frontend_ip, "frontend IP stable across updates")
tagged = network.load_balancers.update_tags(RG, "kafka-lb", nm.TagsObject(tags={"owner": "seed", "env": "test"}))
expect(tagged.tags == {"owner": "seed", "env": "test"}, "update_tags")

step("lists filtered by tag (what discovery of owned resources sends)")
by_tag = list(resources.resources.list(filter="tagName eq 'env' and tagValue eq 'test'"))
expect([r.name for r in by_tag] == ["kafka-lb"], f"tag-filtered list {[r.name for r in by_tag]}")
expect(by_tag[0].type == "Microsoft.Network/loadBalancers" and by_tag[0].id.endswith("/loadBalancers/kafka-lb"), "item id and type")
expect(not by_tag[0].tags, "ARM leaves tags out of a tag-filtered list")
expect(list(resources.resources.list(filter="tagName eq 'env' and tagValue eq 'prod'")) == [], "other value: none")
expect([r.name for r in resources.resources.list_by_resource_group(RG, filter="tagName eq 'OWNER'")] == ["kafka-lb"],
       "tag names compare case-insensitively")
resources.resource_groups.update(RG, {"tags": {"managed-by": "seed-scenario"}})
groups = list(resources.resource_groups.list(filter="tagName eq 'managed-by' and tagValue eq 'seed-scenario'"))
expect([g.name for g in groups] == [RG], f"tag-filtered groups {[g.name for g in groups]}")
try:
    list(resources.resources.list(filter="startswith(name, 'kafka')"))
    raise AssertionError("expected a 400 for an unsupported filter")
except HttpResponseError as error:
    expect(error.status_code == 400 and error.error.code == "InvalidFilterInQueryString", f"filter error {error.error.code}")
result["tagFiltered"] = len(by_tag)

step("errors")
try:
    network.load_balancers.get(RG, "no-such-lb")
    raise AssertionError("expected ResourceNotFoundError")
except ResourceNotFoundError as error:
    expect(error.error.code == "ResourceNotFound", f"code {error.error.code}")
    result["notFoundCode"] = error.error.code
try:
    network.network_interfaces.begin_create_or_update(
        RG,
        "broken-nic",
        nm.NetworkInterface(
            location=LOCATION,
            ip_configurations=[
                nm.NetworkInterfaceIPConfiguration(
                    name="ipconfig1", subnet=nm.Subnet(id=subnet.id.replace("brokers-subnet", "missing-subnet"))
                )
            ],
        ),
    ).result()
    raise AssertionError("expected HttpResponseError")
except HttpResponseError as error:
    expect(error.status_code == 400 and error.error.code == "InvalidResourceReference", f"{error.status_code} {error.error.code}")
    result["referenceErrorCode"] = error.error.code
try:
    network.network_interfaces.begin_create_or_update(
        RG,
        "clashing-nic",
        nm.NetworkInterface(
            location=LOCATION,
            ip_configurations=[
                nm.NetworkInterfaceIPConfiguration(
                    name="ipconfig1", subnet=nm.Subnet(id=subnet.id), private_ip_allocation_method="Static",
                    private_ip_address="10.0.0.4",
                )
            ],
        ),
    ).result()
    raise AssertionError("expected PrivateIPAddressInUse")
except HttpResponseError as error:
    expect(error.error.code == "PrivateIPAddressInUse", f"code {error.error.code}")
try:
    network.network_interfaces.begin_delete(RG, "broker-node-1-nic").result()
    raise AssertionError("expected NicInUse")
except HttpResponseError as error:
    expect(error.error.code == "NicInUse", f"code {error.error.code}")

step("delete everything")
network.private_link_services.begin_delete(RG, "kafka-pls").result()
network.load_balancers.begin_delete(RG, "kafka-lb").result()
for index in (1, 2, 3):
    compute.virtual_machines.begin_delete(RG, f"broker-node-{index}").result()
for index in (1, 2, 3):
    network.network_interfaces.begin_delete(RG, f"broker-node-{index}-nic").result()
network.network_security_groups.begin_delete(RG, "kafka-broker-nsg").result()
network.virtual_networks.begin_delete(RG, "kafka-pls-vnet").result()
resources.resource_groups.begin_delete(RG).result()
expect(not resources.resource_groups.check_existence(RG), "group gone")
for consumer in (AUTO_APPROVED_SUB, OTHER_SUB):
    clients(consumer)[0].resource_groups.begin_delete("consumer-rg").result()
try:
    network.virtual_networks.get(RG, "kafka-pls-vnet")
    raise AssertionError("expected ResourceNotFoundError after the group delete")
except ResourceNotFoundError as error:
    result["afterDeleteCode"] = error.error.code

print("RESULT " + json.dumps(result, sort_keys=True), flush=True)
