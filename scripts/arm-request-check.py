#!/usr/bin/env python3
"""Strict validation of ARM request bodies against the official ARM JSON Schemas (draft-04).

Usage (with the project venv, see scripts/setup.sh):
    .build-venv/bin/python scripts/arm-request-check.py requests.jsonl [more.jsonl ...]
    .build-venv/bin/python scripts/arm-request-check.py --body Microsoft.Network/loadBalancers body.json
    .build-venv/bin/python scripts/arm-request-check.py --example Microsoft.Network/loadBalancers x-ms-example.json
    .build-venv/bin/python scripts/arm-request-check.py --self-test

Contract
- A request log is JSONL: one object per line with at least `method`, `path` and `body` (an object, or a string
  holding JSON), plus `apiVersion` (else the `api-version` query parameter of `path`). Other fields are ignored.
  Only PUT and PATCH are checked; a PUT/PATCH without a body, an unknown resource type, an api-version other than
  the vendored schema's, or a line that is not JSON is a failure, so nothing escapes validation.
- Paths map case-insensitively to a resource definition (see RESOURCE_TYPES). The schemas are read at run time
  from ../shared/specs/azure beside the repository (or --specs DIR) and never copied.
- The template schemas are turned into REST request schemas once per run:
  1. `oneOf`/`anyOf` branches that `$ref` the common `expression` definition are removed (a single remaining branch
     replaces the combinator), so "[x]" or a string in place of an integer fails;
  2. strict mode (default; --lenient turns it off): every object schema that lists `properties` and has no
     `additionalProperties` of its own gets `additionalProperties: false`; for `allOf` compositions the properties
     of all branches are merged into the composite, which is closed, and the branches are left open;
  3. the envelope fields `name`, `type`, `apiVersion` are injected from the request (a body that carries a
     different value fails); the template-only `resources` (nested child resources) is removed;
  4. `location` is required for tracked resources (all but subnets and private endpoint connections); every
     other `required` of the template schema stands (a resource group's PUT carries `properties`, even if `{}`).
  PATCH: Network resources accept only `{tags}` (PLS, subnets and PLS connections have no PATCH); resource groups
  `{tags, managedBy, properties}`; virtual machines the PUT schema without `location`; nothing is required.
- Output: one line per request, `OK` or `FAIL` followed by one line per error: the JSON path of the offending field
  and the schema's message. Last line: `N request bodies checked, M failed`. Exit 1 if any failed, 0 otherwise,
  2 on usage or setup errors (missing specs, unreadable input).
"""
import argparse
import json
import os
import re
import sys
import time

from arm_schemas import SchemaSet, SetupError, close_objects, strip_expressions  # scripts/arm_schemas.py

# (ARM type, path regex after /subscriptions/{s}/resourcegroups/{rg}, provider, definition group, definition,
#  tracked, PATCH mode). Regexes are matched case-insensitively against the whole path.
_RG = r"^/subscriptions/[^/]+/resourcegroups/(?P<rg>[^/]+)"
_NET = _RG + r"/providers/microsoft\.network/"
RESOURCE_TYPES = [
    ("Microsoft.Resources/resourceGroups", _RG + r"$", "Microsoft.Resources",
     "subscription_resourceDefinitions", "resourceGroups", True, "resourceGroup"),
    ("Microsoft.Network/virtualNetworks", _NET + r"virtualnetworks/(?P<n>[^/]+)$", "Microsoft.Network",
     "resourceDefinitions", "virtualNetworks", True, "tags"),
    ("Microsoft.Network/virtualNetworks/subnets", _NET + r"virtualnetworks/(?P<p>[^/]+)/subnets/(?P<n>[^/]+)$",
     "Microsoft.Network", "resourceDefinitions", "virtualNetworks_subnets", False, None),
    ("Microsoft.Network/networkSecurityGroups", _NET + r"networksecuritygroups/(?P<n>[^/]+)$", "Microsoft.Network",
     "resourceDefinitions", "networkSecurityGroups", True, "tags"),
    ("Microsoft.Network/networkInterfaces", _NET + r"networkinterfaces/(?P<n>[^/]+)$", "Microsoft.Network",
     "resourceDefinitions", "networkInterfaces", True, "tags"),
    ("Microsoft.Network/loadBalancers", _NET + r"loadbalancers/(?P<n>[^/]+)$", "Microsoft.Network",
     "resourceDefinitions", "loadBalancers", True, "tags"),
    ("Microsoft.Network/privateLinkServices", _NET + r"privatelinkservices/(?P<n>[^/]+)$", "Microsoft.Network",
     "resourceDefinitions", "privateLinkServices", True, None),
    ("Microsoft.Network/privateLinkServices/privateEndpointConnections",
     _NET + r"privatelinkservices/(?P<p>[^/]+)/privateendpointconnections/(?P<n>[^/]+)$", "Microsoft.Network",
     "resourceDefinitions", "privateLinkServices_privateEndpointConnections", False, None),
    ("Microsoft.Network/privateEndpoints", _NET + r"privateendpoints/(?P<n>[^/]+)$", "Microsoft.Network",
     "resourceDefinitions", "privateEndpoints", True, "tags"),
    ("Microsoft.Compute/virtualMachines", _RG + r"/providers/microsoft\.compute/virtualmachines/(?P<n>[^/]+)$",
     "Microsoft.Compute", "resourceDefinitions", "virtualMachines", True, "virtualMachine"),
]
_BY_TYPE = {t[0].lower(): t for t in RESOURCE_TYPES}


class Request:
    """One body to check: where it came from, the verb, the resolved type (or a reason it has none)."""

    def __init__(self, origin, method, path, api_version, body, problem=None):
        self.origin, self.method, self.path = origin, method, path
        self.api_version, self.body, self.problem = api_version, body, problem


def split_path(raw):
    """(path, api-version from the query or None) of a URL or path."""
    path = re.sub(r"^[a-z]+://[^/]+", "", raw, flags=re.IGNORECASE)
    path, _, query = path.partition("?")
    version = None
    for pair in query.split("&"):
        key, _, value = pair.partition("=")
        if key.lower() == "api-version":
            version = value
    return path.rstrip("/"), version


def match_type(path):
    """(type tuple, envelope name) for a request path, or (None, None)."""
    for entry in RESOURCE_TYPES:
        found = re.match(entry[1], path, flags=re.IGNORECASE)
        if found:
            groups = found.groupdict()
            name = groups.get("n") or groups["rg"]
            return entry, (groups["p"] + "/" + name) if groups.get("p") else name
    return None, None


def read_log(file):
    """The PUT/PATCH requests of one JSONL log (malformed lines become failing requests)."""
    with open(file, encoding="utf-8") as handle:
        for number, line in enumerate(handle, 1):
            if not line.strip():
                continue
            origin = f"{file}:{number}"
            try:
                record = json.loads(line)
                if not isinstance(record, dict):
                    raise ValueError("not a JSON object")
            except ValueError as error:
                yield Request(origin, "?", "?", None, None, f"line is not a JSON object: {error}")
                continue
            method = str(record.get("method", "")).upper()
            if method not in ("PUT", "PATCH"):
                continue
            path, query_version = split_path(str(record.get("path") or record.get("url") or ""))
            body, problem = record.get("body"), None
            if isinstance(body, str):
                try:
                    body = json.loads(body)
                except ValueError as error:
                    problem = f"body is not JSON: {error}"
            if body is None and problem is None:
                problem = f"{method} without a body"
            yield Request(origin, method, path, record.get("apiVersion") or query_version, body, problem)


def check(schemas, request, entry, name):
    """The errors of one request: [(json path, message)]."""
    arm_type, _, provider, group, definition, tracked, patch_mode = entry
    pinned = schemas.version(provider)
    if request.api_version is not None and request.api_version != pinned:
        return [("$", f"api-version {request.api_version} is not the pinned {pinned} of {provider}")]
    if request.method == "PATCH" and patch_mode is None:
        return [("$", f"{arm_type} has no PATCH operation")]
    return schemas.validate(request.body, provider, group, definition, arm_type, name, tracked,
                            patch_mode if request.method == "PATCH" else None)


def self_test():
    """Checks the two schema transformations on synthetic schemas (no specs needed); 0 when they behave."""
    from jsonschema import Draft4Validator

    expression = {"$ref": "https://schema.management.azure.com/schemas/common/definitions.json#/definitions/expression"}
    document = {"definitions": {
        "Base": {"type": "object", "properties": {"a": {"oneOf": [{"type": "integer"}, expression]}}},
        "Composite": {"allOf": [{"$ref": "#/definitions/Base"}, {"properties": {"b": {"type": "string"}}}]},
        "Nested": {"type": "object", "properties": {"inner": {"oneOf": [{"$ref": "#/definitions/Base"}, expression]}}},
    }}
    strip_expressions(document)
    close_objects(document, lambda ref: document["definitions"][ref.rsplit("/", 1)[1]])
    cases = [("Base", {"a": 1}, True), ("Base", {"a": "[x]"}, False), ("Base", {"a": 1, "b": "x"}, False),
             ("Composite", {"a": 1, "b": "x"}, True), ("Composite", {"a": 1, "b": "x", "c": 0}, False),
             ("Composite", {"a": "1"}, False), ("Nested", {"inner": {"a": 1}}, True),
             ("Nested", {"inner": {"a": 1, "z": 0}}, False), ("Nested", {"inner": "[x]"}, False)]
    failures = 0
    for name, instance, valid in cases:
        schema = dict(document["definitions"][name], definitions=document["definitions"])
        if Draft4Validator(schema).is_valid(instance) != valid:
            failures += 1
            print(f"self-test FAIL: {name} {json.dumps(instance)} should be {'valid' if valid else 'invalid'}")
    print(f"self-test: {len(cases)} cases, {failures} failed")
    return 1 if failures else 0


def main(argv):
    parser = argparse.ArgumentParser(description="Validate ARM request bodies strictly against the ARM schemas.")
    parser.add_argument("logs", nargs="*", help="JSONL request logs")
    parser.add_argument("--body", nargs=2, action="append", default=[], metavar=("TYPE", "FILE"),
                        help="a single body of ARM TYPE (e.g. Microsoft.Network/loadBalancers)")
    parser.add_argument("--example", nargs=2, action="append", default=[], metavar=("TYPE", "FILE"),
                        help="an x-ms-examples file whose parameters.parameters is a body of TYPE")
    default_specs = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "shared", "specs", "azure")
    parser.add_argument("--specs", default=os.path.normpath(default_specs), help="directory of the ARM schemas")
    parser.add_argument("--lenient", action="store_true", help="do not close object schemas (for comparison)")
    parser.add_argument("--self-test", action="store_true", help="check the schema transformations and exit")
    args = parser.parse_args(argv)
    if args.self_test:
        return self_test()
    if not (args.logs or args.body or args.example):
        parser.error("give JSONL logs, --body TYPE FILE or --example TYPE FILE")

    started = time.monotonic()
    requests = []
    try:
        schemas = SchemaSet(args.specs, strict=not args.lenient)
        for kind, (arm_type, file) in [("body", b) for b in args.body] + [("example", e) for e in args.example]:
            with open(file, encoding="utf-8") as handle:
                body = json.load(handle)
            if kind == "example":
                body = body.get("parameters", {}).get("parameters")
            entry = _BY_TYPE.get(arm_type.lower())
            problem = None if entry else f"unknown resource type {arm_type}"
            problem = problem or (None if body is not None else f"{file} holds no body")
            requests.append((Request(file, "PUT", f"({kind})", None, body, problem), entry, "example"))
        for log in args.logs:
            for request in read_log(log):
                entry, name = (None, None) if request.problem else match_type(request.path)
                if request.problem is None and entry is None:
                    request.problem = f"unknown resource type: no schema mapping for {request.method} {request.path}"
                requests.append((request, entry, name))
    except (OSError, ValueError, SetupError) as error:
        print(f"arm-request-check: {error}", file=sys.stderr)
        return 2

    failed = 0
    for request, entry, name in requests:
        errors = [("$", request.problem)] if request.problem else check(schemas, request, entry, name)
        label = f"{request.origin}: {request.method} {request.path}"
        if entry:
            label += f" ({entry[0]} {schemas.version(entry[2])})"
        if errors:
            failed += 1
            print(f"FAIL {label}")
            for path, message in errors:
                print(f"  {path}: {message}")
        else:
            print(f"OK   {label}")
    elapsed = time.monotonic() - started
    print(f"{len(requests)} request bodies checked, {failed} failed ({elapsed:.2f}s)")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
