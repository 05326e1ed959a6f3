#!/usr/bin/env python3
"""What other people do to the sandbox's GCP (the Compute emulator), through Compute's REST API like the console would.

  sandbox-gcp.py BASE consumer-endpoint ATTACHMENT   TiDB Cloud (project tidbcloud-prod-000) creates its PSC endpoint
                                                      (a forwarding rule targeting the service attachment) at 10.200.0.5
  sandbox-gcp.py BASE detach-endpoint NEG INSTANCE    someone detaches a broker's endpoint from the NEG in the console
  sandbox-gcp.py BASE show NEG                        prints the NEG's endpoints
  sandbox-gcp.py BASE attachment ATTACHMENT           prints the attachment's connected endpoints
  sandbox-gcp.py BASE existing-network PROJECT REGION  the VPC kafka-vpc and brokers-subnet (10.64.0.0/18) someone made before
  sandbox-gcp.py BASE resize IGM N                    someone resizes the managed instance group in the console
  sandbox-gcp.py BASE edit-template IGM               someone "edits" the group's template the only way GCE allows: a copy
                                                      with the last bootstrap mapping dropped from its flags, set on the
                                                      group, its instances recreated
  sandbox-gcp.py BASE group IGM                       prints the group's size, template and instances

BASE is the Compute endpoint (`http://127.0.0.1:PORT/compute/v1/`); NEG, ATTACHMENT and INSTANCE are paths
`projects/...`. The emulator accepts any bearer token; stdlib only.
"""
import json
import sys
import time
import urllib.error
import urllib.request

CONSUMER_PROJECT = "tidbcloud-prod-000"
CONSUMER_ADDRESS = "10.200.0.5"


def call(base, method, path, body=None):
    url = path if path.startswith("http") else base.rstrip("/") + "/" + path.lstrip("/")
    data = json.dumps(body).encode() if body is not None else (b"" if method == "POST" else None)
    req = urllib.request.Request(url, data=data, method=method,
                                 headers={"Authorization": "Bearer sandbox-console", "Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(req) as resp:
            text = resp.read()
            return resp.status, (json.loads(text) if text else None)
    except urllib.error.HTTPError as e:
        text = e.read()
        return e.code, (json.loads(text) if text else None)


def relative(link):
    """A selfLink or reference as a path relative to `compute/v1/`, whatever the host."""
    marker = "/compute/v1/"
    return link.split(marker, 1)[1] if marker in link else link


def mutate(base, method, path, body=None, ok=(200,)):
    """Sends one mutation and follows its operation to DONE; exits on an error (checked even when DONE)."""
    status, op = call(base, method, path, body)
    if status not in ok:
        sys.exit(f"{method} {path}: {status} {json.dumps(op)}")
    while op.get("status") != "DONE":
        time.sleep(0.05)
        status, op = call(base, "GET", relative(op["selfLink"]))
        if status != 200:
            sys.exit(f"GET operation: {status} {json.dumps(op)}")
    if op.get("error"):
        sys.exit(f"{method} {path}: operation failed: {json.dumps(op['error'])}")
    return op


def consumer_endpoint(base, attachment):
    project = f"projects/{CONSUMER_PROJECT}"
    region = attachment.split("/regions/", 1)[1].split("/", 1)[0]
    network = f"{project}/global/networks/tidb-vpc"
    subnet = f"{project}/regions/{region}/subnetworks/tidb-endpoints"
    mutate(base, "POST", f"{project}/global/networks", {"name": "tidb-vpc", "autoCreateSubnetworks": False})
    mutate(base, "POST", f"{project}/regions/{region}/subnetworks",
           {"name": "tidb-endpoints", "network": network, "ipCidrRange": "10.200.0.0/24"})
    mutate(base, "POST", f"{project}/regions/{region}/forwardingRules", {
        "name": "tidb-changefeed", "target": attachment, "network": network, "IPAddress": CONSUMER_ADDRESS,
        "loadBalancingScheme": ""})
    print(f"PSC endpoint tidb-changefeed ({CONSUMER_ADDRESS}) created in project {CONSUMER_PROJECT}, targeting {attachment}")


def endpoints(base, neg):
    status, page = call(base, "POST", f"{neg}/listNetworkEndpoints")
    if status != 200:
        sys.exit(f"listNetworkEndpoints {neg}: {status} {json.dumps(page)}")
    return [item["networkEndpoint"] for item in page.get("items", [])]


def detach_endpoint(base, neg, instance):
    gone = [e for e in endpoints(base, neg) if relative(e.get("instance", "")) == instance]
    if not gone:
        sys.exit(f"{neg} has no endpoint on {instance}")
    mutate(base, "POST", f"{neg}/detachNetworkEndpoints", {"networkEndpoints": gone})
    for e in gone:
        print(f"endpoint {instance.rsplit('/', 1)[-1]}:{e['port']} <- {e.get('clientDestinationPort')} detached from {neg.rsplit('/', 1)[-1]}")


def show(base, neg):
    for e in sorted(endpoints(base, neg), key=lambda e: e.get("clientDestinationPort", 0)):
        print(f"  client port {e.get('clientDestinationPort')} -> {relative(e['instance']).rsplit('/', 1)[-1]} "
              f"({e.get('ipAddress')}):{e['port']}")


def show_attachment(base, attachment):
    status, body = call(base, "GET", attachment)
    if status != 200:
        sys.exit(f"GET {attachment}: {status} {json.dumps(body)}")
    connected = body.get("connectedEndpoints", [])
    if not connected:
        print("  no connected endpoints")
    for c in connected:
        print(f"  {relative(c.get('endpoint', '?'))}: {c.get('status')} (pscConnectionId {c.get('pscConnectionId')})")


def existing_network(base, project, region):
    project = f"projects/{project}"
    mutate(base, "POST", f"{project}/global/networks", {"name": "kafka-vpc", "autoCreateSubnetworks": False})
    mutate(base, "POST", f"{project}/regions/{region}/subnetworks", {
        "name": "brokers-subnet", "network": f"{project}/global/networks/kafka-vpc", "ipCidrRange": "10.64.0.0/18"})
    print(f"{project}: VPC kafka-vpc with brokers-subnet 10.64.0.0/18 (not the reconciler's: it only references them)")


def resize(base, igm, size):
    mutate(base, "POST", f"{igm}/resize?size={int(size)}")
    print(f"{igm.rsplit('/', 1)[-1]} resized to {size}")


def managed(base, igm):
    status, page = call(base, "POST", f"{igm}/listManagedInstances")
    if status != 200:
        sys.exit(f"listManagedInstances {igm}: {status} {json.dumps(page)}")
    return page.get("managedInstances", [])


def edit_template(base, igm):
    status, group = call(base, "GET", igm)
    if status != 200:
        sys.exit(f"GET {igm}: {status} {json.dumps(group)}")
    source = relative(group["instanceTemplate"])
    status, template = call(base, "GET", source)
    if status != 200:
        sys.exit(f"GET {source}: {status} {json.dumps(template)}")
    properties = template["properties"]
    for item in properties.get("metadata", {}).get("items", []):
        if item["key"] != "startup-script":
            continue
        lines = item["value"].split("\n")
        for i, line in enumerate(lines):
            if line.startswith('KAFKA_PROXY_ARGS="'):
                words = line[len('KAFKA_PROXY_ARGS="'):-1].split()
                last = max(j for j, w in enumerate(words) if w == "--bootstrap-server-mapping")
                print(f"dropping flag: {words[last]} {words[last + 1]}")
                del words[last:last + 2]
                lines[i] = 'KAFKA_PROXY_ARGS="' + " ".join(words) + '"'
        item["value"] = "\n".join(lines)
    region_path = source.rsplit("/instanceTemplates/", 1)[0]
    name = "kafka-proxy-tpl-by-hand"
    mutate(base, "POST", f"{region_path}/instanceTemplates", {"name": name, "description": "edited in the console", "properties": properties})
    mutate(base, "POST", f"{igm}/setInstanceTemplate", {"instanceTemplate": f"{region_path}/instanceTemplates/{name}"})
    mutate(base, "POST", f"{igm}/recreateInstances", {"instances": [m["instance"] for m in managed(base, igm)]})
    print(f"{igm.rsplit('/', 1)[-1]} now runs {name}; its instances were recreated")


def show_group(base, igm):
    status, group = call(base, "GET", igm)
    if status != 200:
        sys.exit(f"GET {igm}: {status} {json.dumps(group)}")
    print(f"  targetSize {group.get('targetSize')}, template {relative(group.get('instanceTemplate', '?')).rsplit('/', 1)[-1]}")
    for m in managed(base, igm):
        print(f"  {relative(m['instance']).rsplit('/', 1)[-1]}: {m.get('instanceStatus')} "
              f"(template {relative(m.get('version', {}).get('instanceTemplate', '?')).rsplit('/', 1)[-1]})")


if __name__ == "__main__":
    base, command, args = sys.argv[1], sys.argv[2], sys.argv[3:]
    {"consumer-endpoint": consumer_endpoint, "detach-endpoint": detach_endpoint, "show": show,
     "attachment": show_attachment, "existing-network": existing_network, "resize": resize,
     "edit-template": edit_template, "group": show_group}[command](base, *args)
