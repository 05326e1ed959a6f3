"""The ARM template schemas turned into strict REST request-body schemas (used by arm-request-check.py).

Contract: `SchemaSet(specs_dir, strict)` loads and transforms the vendored schemas once; `validate(...)` returns
[(json path, message)] for one body, empty when it is valid. `$ref`s resolve only to the local files (an unknown
remote reference is an error naming it, never a download). Transformations are documented in arm-request-check.py.
"""
import copy
import json
import os
import re

from jsonschema import Draft4Validator
from referencing import Registry, Resource
from referencing.exceptions import NoSuchResource
from referencing.jsonschema import DRAFT4

COMMON_URI = "https://schema.management.azure.com/schemas/common/definitions.json"
PROVIDER_FILES = {
    "Microsoft.Network": ("Microsoft.Network.NRP.2025-07-01.json", "2025-07-01"),
    "Microsoft.Compute": ("Microsoft.Compute.2026-03-01.json", "2026-03-01"),
    "Microsoft.Resources": ("Microsoft.Resources.2025-04-01.json", "2025-04-01"),
}
ENVELOPE = ("name", "type", "apiVersion")
_SCHEMA_MAPS = ("properties", "patternProperties", "definitions", "resourceDefinitions",
                "subscription_resourceDefinitions", "managementGroup_resourceDefinitions",
                "tenant_resourceDefinitions", "extension_resourceDefinitions")
_SCHEMA_LISTS = ("allOf", "anyOf", "oneOf")
_SCHEMA_ONE = ("additionalProperties", "additionalItems", "not", "items")
_ANNOTATIONS = {"description", "title", "default"}
_IDENTIFIER = re.compile(r"^[A-Za-z_$][A-Za-z0-9_$]*$")


class SetupError(Exception):
    """The specs are missing or unusable."""


def _children(node):
    """Every subschema directly below `node` (schema-aware: a property named `properties` is not a keyword)."""
    for key in _SCHEMA_MAPS:
        if isinstance(node.get(key), dict):
            yield from (v for v in node[key].values() if isinstance(v, dict))
    for key in _SCHEMA_LISTS:
        yield from (v for v in node.get(key, []) if isinstance(v, dict))
    for key in _SCHEMA_ONE:
        value = node.get(key)
        if isinstance(value, dict):
            yield value
        elif isinstance(value, list):
            yield from (v for v in value if isinstance(v, dict))


def _walk(node):
    """Post-order traversal of every subschema of `node`."""
    for child in _children(node):
        yield from _walk(child)
    yield node


def _is_expression(branch):
    return branch.get("$ref", "").endswith("#/definitions/expression")


def strip_expressions(document):
    """Removes the `[expression]` string alternatives; a lone remaining branch replaces the combinator."""
    for node in _walk(document):
        for key in ("oneOf", "anyOf"):
            if key not in node or not any(_is_expression(b) for b in node[key]):
                continue
            kept = [b for b in node.pop(key) if not _is_expression(b)]
            if not kept:
                node["not"] = {}
            elif len(kept) > 1:
                node[key] = kept
            elif set(node) <= _ANNOTATIONS and "$ref" not in kept[0]:
                node.update({k: v for k, v in kept[0].items() if k not in node})
            elif set(node) <= _ANNOTATIONS:
                node.clear()
                node.update(kept[0])
            else:
                node.setdefault("allOf", []).append(kept[0])


def close_objects(document, resolve):
    """Strict mode: `additionalProperties: false` on every object schema listing `properties` without its own.

    `allOf` compositions (and object schemas beside `oneOf`/`anyOf` branches that list properties) are closed at the
    composite with the properties of every branch merged in; the branches themselves stay open (a `$ref` branch is
    replaced by an open copy of its target, so the shared definition stays closed where it is used alone).
    """
    open_nodes = set()
    for node in list(_walk(document)):
        keys = [k for k in _SCHEMA_LISTS if k == "allOf" or "properties" in node]
        if not any(_lists_properties(b, resolve) for k in keys for b in node.get(k, [])):
            continue
        names = set(node.get("properties", {}))
        for key in keys:
            branches = node.get(key, [])
            for index, branch in enumerate(branches):
                if "$ref" in branch:
                    branch = branches[index] = copy.deepcopy(resolve(branch["$ref"]))
                for part in _flatten(branch, resolve):
                    names.update(part.get("properties", {}))
                    open_nodes.add(id(part))
        node.setdefault("properties", {})
        for name in names - set(node["properties"]):
            node["properties"][name] = {}
        node.setdefault("additionalProperties", False)
    for node in _walk(document):
        if "properties" in node and "additionalProperties" not in node and id(node) not in open_nodes:
            node["additionalProperties"] = False


def _lists_properties(branch, resolve):
    return any("properties" in part for part in _flatten(branch, resolve))


def _flatten(schema, resolve):
    """`schema` and, through `$ref` and `allOf`, every schema whose properties it adds to an instance."""
    if "$ref" in schema:
        schema = resolve(schema["$ref"])
    yield schema
    for branch in schema.get("allOf", []):
        yield from _flatten(branch, resolve)


def json_path(parts):
    text = "$"
    for part in parts:
        if isinstance(part, int):
            text += f"[{part}]"
        elif _IDENTIFIER.match(part):
            text += f".{part}"
        else:
            text += "[" + json.dumps(part) + "]"
    return text


def _leaves(error):
    """The most specific errors under a failed `oneOf`/`anyOf`: those of the branch that got deepest."""
    if not error.context:
        return [error]
    deepest = max(len(e.absolute_path) for e in error.context)
    branch = min((e.schema_path[0] for e in error.context if len(e.absolute_path) == deepest), default=None)
    chosen = [e for e in error.context if e.schema_path and e.schema_path[0] == branch] or [error]
    if deepest <= len(error.absolute_path):
        return [error]
    return [leaf for e in chosen for leaf in _leaves(e)]


def describe(error):
    """(json path, message) lines for one jsonschema error, pointing at the offending field itself."""
    out = []
    for leaf in _leaves(error):
        path = list(leaf.absolute_path)
        if leaf.validator == "additionalProperties" and isinstance(leaf.instance, dict):
            known = leaf.schema.get("properties", {})
            pattern = leaf.schema.get("patternProperties", {})
            extras = [k for k in leaf.instance if k not in known and not any(re.search(p, k) for p in pattern)]
            out += [(json_path(path + [k]), f"{leaf.message}") for k in sorted(extras)] or [(json_path(path), leaf.message)]
        elif leaf.validator == "required":
            missing = re.match(r"^'(.*)' is a required property$", leaf.message)
            out.append((json_path(path + [missing.group(1)] if missing else path), leaf.message))
        else:
            out.append((json_path(path), leaf.message))
    return out


class SchemaSet:
    """The three provider schemas and the common definitions, transformed and compiled once."""

    def __init__(self, specs_dir, strict=True):
        if not os.path.isdir(specs_dir):
            raise SetupError(f"ARM schemas not found at {specs_dir} (expected ../shared/specs/azure beside the repo)")
        self.documents, self.versions, self.validators = {}, {}, {}
        loaded = [(COMMON_URI, "common-definitions.json")]
        for provider, (file, version) in PROVIDER_FILES.items():
            self.versions[provider] = version
            loaded.append((provider, file))
        registry = Registry(retrieve=self._refuse)
        for key, file in loaded:
            path = os.path.join(specs_dir, file)
            try:
                with open(path, encoding="utf-8") as handle:
                    document = json.load(handle)
            except (OSError, ValueError) as error:
                raise SetupError(f"cannot read {path}: {error}") from error
            strip_expressions(document)
            self.documents[key] = document
            uri = document["id"].rstrip("#")
            self.documents[uri] = document
            registry = registry.with_resource(uri, Resource.from_contents(document, default_specification=DRAFT4))
        self.registry = registry
        if strict:
            for document in {id(d): d for d in self.documents.values()}.values():
                close_objects(document, lambda ref, d=document: self._resolve(d, ref))

    @staticmethod
    def _refuse(uri):
        raise NoSuchResource(ref=uri)

    def _resolve(self, document, ref):
        uri, _, pointer = ref.partition("#")
        target = self.documents.get(uri.rstrip("#"), document) if uri else document
        if uri and uri.rstrip("#") not in self.documents:
            raise SetupError(f"$ref to a schema that is not vendored: {ref}")
        for part in [p for p in pointer.split("/") if p]:
            target = target[part.replace("~1", "/").replace("~0", "~")]
        return target

    def version(self, provider):
        return self.versions[provider]

    def _validator(self, provider, group, definition, arm_type, tracked, patch_mode):
        key = (provider, group, definition, patch_mode)
        if key not in self.validators:
            document = self.documents[provider]
            top = copy.deepcopy(document[group][definition])
            top["properties"].pop("resources", None)
            required = list(top.get("required", []))
            if tracked and "location" not in required:
                required.append("location")
            top["required"] = required
            if patch_mode is not None:
                keep = {"tags": {"tags"}, "resourceGroup": {"tags", "managedBy", "properties"}}.get(patch_mode)
                top["properties"] = {k: v for k, v in top["properties"].items()
                                     if k in ENVELOPE or (keep is None and k not in ("location", "extendedLocation"))
                                     or (keep is not None and k in keep)}
                top["required"] = []
            name = f"{definition}__{patch_mode or 'put'}"
            document.setdefault("x-requestDefinitions", {})[name] = top
            uri = document["id"].rstrip("#")
            resource = Resource.from_contents(document, default_specification=DRAFT4)
            self.registry = self.registry.with_resource(uri, resource)
            self.validators[key] = Draft4Validator({"$ref": f"{uri}#/x-requestDefinitions/{name}"},
                                                   registry=self.registry)
        return self.validators[key]

    def validate(self, body, provider, group, definition, arm_type, name, tracked, patch_mode=None):
        if not isinstance(body, dict):
            return [("$", f"body is not a JSON object: {json.dumps(body)[:80]}")]
        instance = dict(body)
        errors = []
        for field, value in (("name", name), ("type", arm_type), ("apiVersion", self.versions[provider])):
            if field in instance and instance[field] != value and not (field == "type" and str(instance[field]).lower() == value.lower()):
                errors.append((json_path([field]), f"{instance[field]!r} does not match the request ({value!r})"))
            instance[field] = value
        validator = self._validator(provider, group, definition, arm_type, tracked, patch_mode)
        for error in sorted(validator.iter_errors(instance), key=lambda e: list(map(str, e.absolute_path))):
            errors += describe(error)
        return errors
