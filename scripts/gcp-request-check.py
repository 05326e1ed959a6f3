#!/usr/bin/env python3
"""Strict validation of Compute Engine v1 requests against the official discovery document.

Usage (with the project venv, see scripts/setup.sh):
    .build-venv/bin/python scripts/gcp-request-check.py requests.jsonl [more.jsonl ...]
    .build-venv/bin/python scripts/gcp-request-check.py -           (JSONL on stdin)
    .build-venv/bin/python scripts/gcp-request-check.py --lenient ...

Contract
- A request log is JSONL: one object per line with `method`, `path` (or `url`), and `body` (an object, a string
  holding JSON, or null/absent). The path may carry a host, the `/compute/v1/` prefix and a query. Other fields are
  ignored. Lines whose path is not under `compute/v1/projects/` (token requests, the metadata server, an emulator's
  control endpoints) are skipped and counted as such.
- Each request maps to exactly one discovery method by HTTP verb and path template (`{param}` is one segment); an
  unknown verb and path is a failure, so nothing escapes validation. Its query (from the path, or a `query` field)
  may name only the method's query parameters and the document's standard ones. A method with a request schema must get a body
  that validates; a method without one must get no body (an empty object counts as none only for POSTs).
- The discovery schemas are converted to JSON Schema 2020-12 once per run (only those reached): `$ref` -> `$defs`;
  `int64`/`uint64` are strings of digits; `int32`/`uint32` integers (`uint32` >= 0); enums closed. Strict mode
  (default): every object that lists `properties` is closed (unknown and misspelt fields fail), and fields whose
  description marks them `[Output Only]` fail in requests. `--lenient` keeps objects open and allows output-only
  fields (for responses).
- The discovery document is read at run time from ../shared/specs/gcp beside the repository (or --specs DIR) and
  never copied.
- Output: one line per checked request, `OK` or `FAIL` then `METHOD PATH (method id)`, followed by one line per
  error: the JSON pointer of the offending field and the message. Last line: `N requests checked, M failed, K
  skipped`. Exit 1 if any failed, 0 otherwise, 2 on usage or setup errors.
"""
import argparse
import json
import os
import re
import sys
import time
import urllib.parse

try:
    import jsonschema
except ImportError:  # pragma: no cover
    sys.exit("gcp-request-check: jsonschema is missing; run scripts/setup.sh (it installs it into .build-venv)")

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_SPECS = os.path.normpath(os.path.join(HERE, "..", "..", "shared", "specs", "gcp"))
OUTPUT_ONLY = re.compile(r"^\s*(Output only\.\s*)?\[Output Only\]", re.IGNORECASE)


class SetupError(Exception):
    pass


def load_discovery(specs):
    path = os.path.join(specs, "compute.v1.discovery.json")
    if not os.path.exists(path):
        raise SetupError(f"the Compute discovery document is missing: expected {path} (../shared/specs beside the repository)")
    with open(path) as f:
        return json.load(f)


def methods_of(discovery):
    """Every method of the document: (verb, compiled path regex, id, request schema name or None, query parameter names)."""
    out = []

    def walk(resources):
        for resource in resources.values():
            for method in resource.get("methods", {}).values():
                template = method.get("flatPath") or method["path"]
                pattern = re.sub(r"\{\+?[^}]+\}", "[^/]+", re.escape(template).replace(r"\{", "{").replace(r"\}", "}"))
                request = method.get("request", {}).get("$ref")
                query = {name for name, p in method.get("parameters", {}).items() if p.get("location") == "query"}
                out.append((method["httpMethod"].upper(), re.compile("^" + pattern + "$"), method["id"], request, query))
            walk(resource.get("resources", {}))

    walk(discovery.get("resources", {}))
    return out


class Converter:
    """Discovery schemas to JSON Schema 2020-12, closed (strict) or open (lenient)."""

    def __init__(self, discovery, strict):
        self.schemas = discovery["schemas"]
        self.strict = strict
        self.defs = {}

    def root(self, name):
        self.ref(name)
        return {"$schema": "https://json-schema.org/draft/2020-12/schema", "$ref": f"#/$defs/{name}", "$defs": self.defs}

    def ref(self, name):
        if name not in self.defs:
            if name not in self.schemas:
                raise SetupError(f"the discovery document has no schema {name}")
            self.defs[name] = {}  # placeholder against cycles
            self.defs[name] = self.convert(self.schemas[name])
        return {"$ref": f"#/$defs/{name}"}

    def convert(self, s):
        if "$ref" in s:
            return self.ref(s["$ref"])
        kind, fmt = s.get("type"), s.get("format")
        if kind == "object":
            out = {"type": "object"}
            if "properties" in s:
                props = {}
                for key, sub in s["properties"].items():
                    if self.strict and OUTPUT_ONLY.match(sub.get("description", "")):
                        props[key] = {"not": {}, "x-output-only": True}
                    else:
                        props[key] = self.convert(sub)
                out["properties"] = props
                if self.strict and "additionalProperties" not in s:
                    out["additionalProperties"] = False
            if "additionalProperties" in s:
                out["additionalProperties"] = self.convert(s["additionalProperties"])
            return out
        if kind == "array":
            return {"type": "array", "items": self.convert(s.get("items", {}))}
        if kind == "string":
            if fmt == "int64":
                return {"type": "string", "pattern": r"^-?[0-9]+$", "x-int64": True}
            if fmt == "uint64":
                return {"type": "string", "pattern": r"^[0-9]+$", "x-int64": True}
            out = {"type": "string"}
            if "enum" in s and self.strict:
                out["enum"] = s["enum"]
            return out
        if kind == "integer":
            out = {"type": "integer"}
            if fmt == "uint32":
                out["minimum"] = 0
            return out
        if kind == "number":
            return {"type": "number"}
        if kind == "boolean":
            return {"type": "boolean"}
        if kind == "any" or kind is None:
            return {}
        raise SetupError(f"unknown discovery type {kind}")


def relative_path(raw):
    """`compute/v1/...` path without host or query, or None when the request is not a Compute API call."""
    parsed = urllib.parse.urlsplit(raw)
    path = parsed.path
    marker = "/compute/v1/"
    if marker in path:
        path = path.split(marker, 1)[1]
    elif path.startswith("compute/v1/"):
        path = path[len("compute/v1/"):]
    else:
        return None
    return "projects/" + path.split("projects/", 1)[1] if path.startswith("projects/") else None


def message(error):
    schema = error.schema if isinstance(error.schema, dict) else {}
    if schema.get("x-output-only"):
        return "output-only field: the server sets it and a request must not carry it"
    if error.validator == "additionalProperties":
        return error.message.replace("Additional properties are not allowed", "unknown field(s) in strict mode:")
    if schema.get("x-int64") and error.validator in ("type", "pattern"):
        return f"{json.dumps(error.instance)} is not an int64 string (64-bit integers are JSON strings of digits)"
    return error.message


def check(requests, methods, discovery, strict):
    cache = {}
    checked = failed = skipped = 0
    for index, request in enumerate(requests, start=1):
        verb = str(request.get("method", "")).upper()
        raw = request.get("path") or request.get("url") or ""
        path = relative_path(raw)
        if path is None:
            skipped += 1
            continue
        checked += 1
        body = request.get("body")
        if isinstance(body, str):
            body = json.loads(body) if body.strip() else None
        match = [m for m in methods if m[0] == verb and m[1].match(path)]
        header = f"{verb} {path}"
        if len(match) != 1:
            failed += 1
            why = "no discovery method has this verb and path" if not match else f"ambiguous: {[m[2] for m in match]}"
            print(f"FAIL #{index} {header}\n  /: {why}")
            continue
        _, _, method_id, request_schema, query_names = match[0]
        errors = []
        query = request.get("query")
        if query is None:
            query = urllib.parse.urlsplit(raw).query
        # The method's own query parameters, the document's standard ones, and `$alt` (Google's clients send
        # `$alt=json;enum-encoding=int`).
        allowed = query_names | set(discovery.get("parameters", {})) | {"$alt"}
        for name, _ in urllib.parse.parse_qsl(query or "", keep_blank_values=True):
            if name not in allowed:
                errors.append(("?" + name, f"{method_id} has no query parameter {name!r} (it takes {sorted(query_names)})"))
        if request_schema is None:
            if body not in (None, {}) or (body == {} and verb != "POST"):
                errors.append(("/", f"{method_id} takes no request body, got {json.dumps(body)[:80]}"))
        elif body is None:
            errors.append(("/", f"{method_id} needs a {request_schema} body"))
        else:
            if request_schema not in cache:
                schema = Converter(discovery, strict).root(request_schema)
                cache[request_schema] = jsonschema.Draft202012Validator(schema)
            for error in sorted(cache[request_schema].iter_errors(body), key=lambda e: list(e.absolute_path)):
                pointer = "/" + "/".join(str(p) for p in error.absolute_path)
                errors.append((pointer, message(error)))
        if errors:
            failed += 1
            print(f"FAIL #{index} {header} ({method_id})")
            for pointer, text in errors:
                print(f"  {pointer}: {text}")
        else:
            print(f"OK #{index} {header} ({method_id})")
    return checked, failed, skipped


def read_requests(paths):
    out = []
    for path in paths:
        stream = sys.stdin if path == "-" else open(path)
        for number, line in enumerate(stream, start=1):
            if not line.strip():
                continue
            try:
                out.append(json.loads(line))
            except json.JSONDecodeError as e:
                raise SetupError(f"{path}:{number}: not JSON: {e}")
    return out


def main():
    parser = argparse.ArgumentParser(description="Validate Compute v1 requests against the discovery document.")
    parser.add_argument("logs", nargs="+", help="JSONL request logs ('-' for stdin)")
    parser.add_argument("--specs", default=DEFAULT_SPECS, help="directory holding compute.v1.discovery.json")
    parser.add_argument("--lenient", action="store_true", help="open objects and allow output-only fields")
    args = parser.parse_args()
    started = time.monotonic()
    try:
        discovery = load_discovery(args.specs)
        requests = read_requests(args.logs)
    except (SetupError, OSError) as e:
        print(f"gcp-request-check: {e}", file=sys.stderr)
        return 2
    methods = methods_of(discovery)
    checked, failed, skipped = check(requests, methods, discovery, strict=not args.lenient)
    print(f"{checked} requests checked, {failed} failed, {skipped} skipped ({time.monotonic() - started:.2f} s)")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
