"""Google's official Compute client (google-cloud-compute, REST transport) drives the Compute emulator through seed
003 option A, then an update and a delete, and a failed operation.

Usage: sdk_seed_scenario.py HTTP_ENDPOINT     (e.g. http://127.0.0.1:8080; the client adds /compute/v1/ itself)

Prints one line `RESULT <json>` with what the test checks. Credentials are anonymous (no Authorization header);
each client's operation poller is pointed at the emulator (gcp-compute.md A.2), so `.result()` never leaves it.
"""
import json
import sys

from google.api_core import exceptions
from google.api_core.client_options import ClientOptions
from google.auth.credentials import AnonymousCredentials
from google.cloud import compute_v1 as c

endpoint = sys.argv[1]
opts = ClientOptions(api_endpoint=endpoint)
creds = AnonymousCredentials()
P, R = "my-kafka-project", "us-west1"
NET = f"projects/{P}/global/networks/kafka-vpc"
SUB = f"projects/{P}/regions/{R}/subnetworks"


def client(cls, pollers):
    made = cls(credentials=creds, client_options=opts)
    for key in pollers:
        poller = {"global_operations": c.GlobalOperationsClient, "region_operations": c.RegionOperationsClient,
                  "zone_operations": c.ZoneOperationsClient}[key]
        made._transport._extended_operations_services[key] = poller(credentials=creds, client_options=opts)
    return made


networks = client(c.NetworksClient, ["global_operations"])
subnets = client(c.SubnetworksClient, ["region_operations"])
firewalls = client(c.FirewallsClient, ["global_operations"])
instances = client(c.InstancesClient, ["zone_operations"])
negs = client(c.RegionNetworkEndpointGroupsClient, ["region_operations"])
backends = client(c.RegionBackendServicesClient, ["region_operations"])
rules = client(c.ForwardingRulesClient, ["region_operations"])
attachments = client(c.ServiceAttachmentsClient, ["region_operations"])

networks.insert(project=P, network_resource=c.Network(
    name="kafka-vpc", auto_create_subnetworks=False,
    description="managed-by=kafka-private-link-reconciler cluster=tidb-kafka exposure=psc")).result(timeout=60)
for name, cidr, purpose in [("bastion-subnet", "10.0.0.0/18", None), ("brokers-subnet", "10.64.0.0/18", None),
                            ("psc-subnet", "10.128.0.0/18", "PRIVATE_SERVICE_CONNECT")]:
    sub = c.Subnetwork(name=name, network=NET, ip_cidr_range=cidr)
    if purpose:
        sub.purpose = purpose
    subnets.insert(project=P, region=R, subnetwork_resource=sub).result(timeout=60)
firewalls.insert(project=P, firewall_resource=c.Firewall(
    name="allow-psc-traffic", network=NET, direction="INGRESS", priority=1000, source_ranges=["10.128.0.0/18"],
    allowed=[c.Allowed(I_p_protocol="all")])).result(timeout=60)
for i, zone in enumerate(["us-west1-a", "us-west1-b", "us-west1-c"], start=1):
    instances.insert(project=P, zone=zone, instance_resource=c.Instance(
        name=f"broker-node{i}", machine_type=f"zones/{zone}/machineTypes/e2-medium",
        disks=[c.AttachedDisk(boot=True, auto_delete=True, initialize_params=c.AttachedDiskInitializeParams(
            source_image="projects/debian-cloud/global/images/family/debian-12", disk_size_gb=20))],
        labels={"managed-by": "kafka-private-link-reconciler", "reconcile-kafka-cluster": "tidb-kafka"} if i < 3 else {},
        network_interfaces=[c.NetworkInterface(subnetwork=f"{SUB}/brokers-subnet", network_i_p=f"10.64.0.{9 + i}")])).result(timeout=60)
instances.insert(project=P, zone="us-west1-a", instance_resource=c.Instance(
    name="bastion-node", machine_type="zones/us-west1-a/machineTypes/e2-medium",
    disks=[c.AttachedDisk(boot=True, auto_delete=True, initialize_params=c.AttachedDiskInitializeParams(
        source_image="projects/debian-cloud/global/images/family/debian-12"))],
    network_interfaces=[c.NetworkInterface(subnetwork=f"{SUB}/bastion-subnet", access_configs=[
        c.AccessConfig(type_="ONE_TO_ONE_NAT", name="External NAT")])])).result(timeout=60)

negs.insert(request=c.InsertRegionNetworkEndpointGroupRequest(
    project=P, region=R, request_id="5d0f0c1e-7a51-4b8e-9a8e-1e2f3a4b5c6d",
    network_endpoint_group_resource=c.NetworkEndpointGroup(
        name="kafka-neg", network_endpoint_type="GCE_VM_IP_PORTMAP", network=NET, subnetwork=f"{SUB}/brokers-subnet"))).result(timeout=60)
negs.attach_network_endpoints(project=P, region=R, network_endpoint_group="kafka-neg",
    region_network_endpoint_groups_attach_endpoints_request_resource=c.RegionNetworkEndpointGroupsAttachEndpointsRequest(
        network_endpoints=[c.NetworkEndpoint(instance=f"projects/{P}/zones/{z}/instances/broker-node{i}", port=39092,
                                             client_destination_port=9092 + i)
                           for i, z in enumerate(["us-west1-a", "us-west1-b", "us-west1-c"], start=1)])).result(timeout=60)
listed = list(negs.list_network_endpoints(project=P, region=R, network_endpoint_group="kafka-neg"))
backends.insert(project=P, region=R, backend_service_resource=c.BackendService(
    name="kafka-lb", protocol="TCP", network=NET, load_balancing_scheme="INTERNAL",
    backends=[c.Backend(group=f"projects/{P}/regions/{R}/networkEndpointGroups/kafka-neg", balancing_mode="CONNECTION")])).result(timeout=60)
rules.insert(project=P, region=R, forwarding_rule_resource=c.ForwardingRule(
    name="kafka-lb-forwarding-rule", network=NET, subnetwork=f"{SUB}/brokers-subnet",
    backend_service=f"projects/{P}/regions/{R}/backendServices/kafka-lb", load_balancing_scheme="INTERNAL", all_ports=True,
    I_p_protocol="TCP")).result(timeout=60)
attachments.insert(project=P, region=R, service_attachment_resource=c.ServiceAttachment(
    name="kafka-psc", target_service=f"projects/{P}/regions/{R}/forwardingRules/kafka-lb-forwarding-rule",
    connection_preference="ACCEPT_MANUAL", enable_proxy_protocol=False, nat_subnets=[f"{SUB}/psc-subnet"],
    consumer_accept_lists=[c.ServiceAttachmentConsumerProjectLimit(project_id_or_num="tidbcloud-prod-000", connection_limit=10)])).result(timeout=60)

# Discovery's lists: an aggregated list filtered on a label (AIP-160), paged one item at a time, and a global list
# filtered on the description (the regex form).
labelled = instances.aggregated_list(request=c.AggregatedListInstancesRequest(
    project=P, filter='labels.managed-by = "kafka-private-link-reconciler"', max_results=1))
labelled_names = sorted(i.name for _, scoped in labelled for i in scoped.instances)
described = sorted(n.name for n in networks.list(request=c.ListNetworksRequest(
    project=P, filter='description eq "managed-by=kafka-private-link-reconciler cluster=.*"')))
subnet_scopes = sorted(scope for scope, scoped in subnets.aggregated_list(project=P) if scoped.subnetworks)
bad_filter = None
try:
    list(networks.list(request=c.ListNetworksRequest(project=P, filter="(name = ")))
except exceptions.BadRequest as e:
    bad_filter = type(e).__name__

# Update: the accept list gains a project (PATCH with the current fingerprint).
current = attachments.get(project=P, region=R, service_attachment="kafka-psc")
attachments.patch(project=P, region=R, service_attachment="kafka-psc", service_attachment_resource=c.ServiceAttachment(
    name="kafka-psc", enable_proxy_protocol=False, fingerprint=current.fingerprint,
    consumer_accept_lists=list(current.consumer_accept_lists) + [
        c.ServiceAttachmentConsumerProjectLimit(project_id_or_num="tidbcloud-prod-001", connection_limit=5)])).result(timeout=60)
patched = attachments.get(project=P, region=R, service_attachment="kafka-psc")
stale = None
try:
    attachments.patch(project=P, region=R, service_attachment="kafka-psc", service_attachment_resource=c.ServiceAttachment(
        name="kafka-psc", enable_proxy_protocol=False, fingerprint=current.fingerprint)).result(timeout=60)
except exceptions.GoogleAPICallError as e:
    stale = type(e).__name__

# Errors as the client parses them.
not_found = None
try:
    networks.get(project=P, network="missing")
except exceptions.NotFound as e:
    not_found = type(e).__name__
conflict = None
try:
    networks.insert(project=P, network_resource=c.Network(name="kafka-vpc")).result(timeout=60)
except exceptions.Conflict as e:
    conflict = type(e).__name__

# A failed operation (the test arms the emulator to fail the next firewall insert): the client raises.
failed = None
try:
    firewalls.insert(project=P, firewall_resource=c.Firewall(
        name="doomed", network=NET, allowed=[c.Allowed(I_p_protocol="all")])).result(timeout=60)
except exceptions.GoogleAPICallError as e:
    failed = {"type": type(e).__name__, "code": e.code, "reasons": [getattr(x, "code", None) for x in (e.errors or [])]}

# Delete: the firewall, then everything that depends on nothing.
firewalls.delete(project=P, firewall="allow-psc-traffic").result(timeout=60)
remaining = sorted(f.name for f in firewalls.list(project=P))

print("RESULT " + json.dumps({
    "endpoints": sorted((e.network_endpoint.instance.rsplit("/", 1)[-1], e.network_endpoint.ip_address,
                         e.network_endpoint.client_destination_port) for e in listed),
    "acceptList": [a.project_id_or_num for a in patched.consumer_accept_lists],
    "fingerprintChanged": patched.fingerprint != current.fingerprint,
    "stale": stale, "notFound": not_found, "conflict": conflict, "failed": failed,
    "bastionNatIP": bool(instances.get(project=P, zone="us-west1-a", instance="bastion-node").network_interfaces[0].access_configs[0].nat_i_p),
    "firewallsLeft": remaining,
    "labelled": labelled_names, "described": described, "subnetScopes": subnet_scopes, "badFilter": bad_filter,
}))
