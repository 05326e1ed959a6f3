#!/usr/bin/env python3
"""What other people do to the sandbox's Azure (the ARM emulator), through ARM's REST API like the portal would.

  sandbox-arm.py URL consumer-endpoint PLS_ID   TiDB Cloud (subscription 99549169-...) creates a private endpoint
  sandbox-arm.py URL delete-rule LB_ID RULE     someone removes a load-balancing rule in the portal
  sandbox-arm.py URL show LB_ID                 prints the load balancer's rules

Uses the emulator's static token; stdlib only.
"""
import json
import sys
import time
import urllib.error
import urllib.request

TOKEN = "arm-emulator-token"
CONSUMER = "99549169-6cee-4263-8491-924a3011ee31"


def call(base, method, path, body=None, api="2025-07-01"):
    sep = "&" if "?" in path else "?"
    url = path if path.startswith("http") else f"{base}{path}{sep}api-version={api}"
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(url, data=data, method=method,
                                 headers={"Authorization": f"Bearer {TOKEN}", "Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(req) as resp:
            text = resp.read()
            return resp.status, dict(resp.headers), (json.loads(text) if text else None)
    except urllib.error.HTTPError as e:
        text = e.read()
        return e.code, dict(e.headers), (json.loads(text) if text else None)


def put_and_wait(base, path, body, api="2025-07-01"):
    status, headers, doc = call(base, "PUT", path, body, api)
    if status >= 300:
        sys.exit(f"PUT {path}: {status} {doc}")
    poll = headers.get("Azure-AsyncOperation") or headers.get("azure-asyncoperation")
    while poll:
        _, _, op = call(base, "GET", poll)
        if op and op.get("status") in ("Succeeded", "Failed", "Canceled"):
            if op["status"] != "Succeeded":
                sys.exit(f"PUT {path}: operation {op['status']}: {op.get('error')}")
            break
        time.sleep(0.05)
    return doc


def consumer_endpoint(base, pls_id):
    group = f"/subscriptions/{CONSUMER}/resourceGroups/tidbcloud-consumer"
    put_and_wait(base, group, {"location": "eastus"}, api="2025-04-01")
    vnet = f"{group}/providers/Microsoft.Network/virtualNetworks/tidb-vnet"
    put_and_wait(base, vnet, {"location": "eastus", "properties": {
        "addressSpace": {"addressPrefixes": ["172.16.0.0/16"]},
        "subnets": [{"name": "endpoints", "properties": {"addressPrefix": "172.16.1.0/24"}}]}})
    put_and_wait(base, f"{group}/providers/Microsoft.Network/privateEndpoints/tidb-changefeed", {
        "location": "eastus", "properties": {
            "subnet": {"id": f"{vnet}/subnets/endpoints"},
            "privateLinkServiceConnections": [{"name": "tidb-changefeed", "properties": {
                "privateLinkServiceId": pls_id, "requestMessage": "TiDB Cloud changefeed"}}]}})
    print(f"private endpoint tidb-changefeed created in subscription {CONSUMER}")


def delete_rule(base, lb_id, rule):
    _, _, lb = call(base, "GET", lb_id)
    rules = lb["properties"]["loadBalancingRules"]
    lb["properties"]["loadBalancingRules"] = [r for r in rules if r["name"] != rule]
    for key in ("etag",):
        lb.pop(key, None)
    lb["properties"].pop("provisioningState", None)
    put_and_wait(base, lb_id, lb)
    print(f"load-balancing rule {rule} removed from {lb_id.rsplit('/', 1)[-1]}")


def show(base, lb_id):
    _, _, lb = call(base, "GET", lb_id)
    for r in lb["properties"]["loadBalancingRules"]:
        p = r["properties"]
        print(f"  {r['name']}: {p['protocol']} {p['frontendPort']} -> {p['backendPort']} ({p['backendAddressPool']['id'].rsplit('/', 1)[-1]})")


def nsg_rules(base, nsg_id):
    _, _, nsg = call(base, "GET", nsg_id)
    for r in nsg["properties"]["securityRules"]:
        p = r["properties"]
        sources = p.get("sourceAddressPrefixes") or [p.get("sourceAddressPrefix")]
        ports = p.get("destinationPortRanges") or [p.get("destinationPortRange")]
        print(f"  {r['name']}: {p['access']} {p['direction']} from {', '.join(sources)} to port {', '.join(ports)}")


if __name__ == "__main__":
    base, command, args = sys.argv[1], sys.argv[2], sys.argv[3:]
    {"consumer-endpoint": consumer_endpoint, "delete-rule": delete_rule, "show": show, "nsg-rules": nsg_rules}[command](base, *args)
