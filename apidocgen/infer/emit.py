"""Emission: node trees and clusters -> JSON Schema 2020-12 (OpenAPI 3.1) objects."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

from apidocgen.infer.evidence import Marks
from apidocgen.infer.nullability import nullable_by_name
from apidocgen.infer.positions import Cluster
from apidocgen.infer.strategies import Node, ObjectKind, Schema, Strategy

REF_PREFIX = "#/components/schemas/"


def ref(name: str) -> Schema:
    """A reference to a component."""
    return {"$ref": REF_PREFIX + name}


def combine(branches: Sequence[Schema], nullable: bool) -> Schema:
    """One schema admitting every branch, and null when `nullable`.

    Bare types join as a type list (`{"type": ["integer", "string"]}`); null joins a single
    typed branch the same way (`{"type": ["string", "null"], "format": ...}`); anything else
    becomes `anyOf`, with null as a last branch.
    """
    unique: list[Schema] = []
    seen: set[str] = set()
    for branch in branches:
        text = json.dumps(branch, sort_keys=True)
        if text not in seen:
            seen.add(text)
            unique.append(branch)
    if any(not branch for branch in unique):
        return {}
    if not unique:
        return {"type": "null"} if nullable else {}
    if all(set(branch) == {"type"} and isinstance(branch["type"], str) for branch in unique):
        types = [branch["type"] for branch in unique] + (["null"] if nullable else [])
        return {"type": types[0]} if len(types) == 1 else {"type": types}
    if len(unique) == 1:
        (only,) = unique
        if not nullable:
            return only
        if isinstance(only.get("type"), str) and "$ref" not in only:
            return {**only, "type": [only["type"], "null"]}
        return {"anyOf": [only, {"type": "null"}]}
    return {"anyOf": unique + ([{"type": "null"}] if nullable else [])}


class SchemaEmitter:
    """Describes nodes, with object places replaced by references to their components."""

    def __init__(
        self,
        owner: Sequence[int],
        names: Mapping[int, str],
        null_names: Mapping[str, frozenset[str]] | None = None,
        marks: Marks | None = None,
    ) -> None:
        self.owner = owner  # position -> cluster key
        self.names = names  # cluster key -> component name (clusters with properties only)
        self.null_names = null_names or {}  # see `nullability`
        self.marks = marks or Marks()  # see `evidence`

    def schema_of(self, nodes: Sequence[Node], force_null: bool = False) -> Schema:
        """The schema of every value seen at any of `nodes`."""
        groups: dict[str, list[Strategy]] = {}
        for node in nodes:
            for kind, strategy in node.kinds.items():
                groups.setdefault(kind, []).append(strategy)
        branches: list[Schema] = []
        nullable = "null" in groups or force_null
        for kind, group in sorted(groups.items(), key=lambda item: type(item[1][0]).rank):
            cls = type(group[0])
            if kind == "null" or (cls.subsumed_by is not None and cls.subsumed_by in groups):
                continue
            branches.extend(cls.to_schema(group, self))
            nullable = nullable or cls.suggests_null(group)
        return combine(branches, nullable)

    def object_branches(self, objects: Sequence[Any]) -> list[Schema]:
        """One branch per distinct component among `objects` (`{"type": "object"}` for places
        that only ever held `{}`: an empty object says nothing)."""
        names: set[str] = set()
        open_object = False
        for obj in objects:
            position = obj.position if isinstance(obj, ObjectKind) else -1
            name = self.names.get(self.owner[position]) if position >= 0 else None
            if name is None:
                open_object = True
            else:
                names.add(name)
        branches: list[Schema] = [{"type": "object"}] if open_object else []
        return branches + [ref(name) for name in sorted(names)]

    def component(self, cluster: Cluster) -> Schema:
        """The merged schema of a cluster: properties of all members, required where every
        instance had them, each property's schema from all members' evidence."""
        total = sum(member.obj.count for member in cluster.members)
        nodes: dict[str, list[Node]] = {}
        seen: dict[str, int] = {}
        optional: set[str] = set()
        nullable: set[str] = set()
        for member in cluster.members:
            for key, node in member.obj.props.items():
                nodes.setdefault(key, []).append(node)
                seen[key] = seen.get(key, 0) + member.obj.presence[key]
            optional |= self.marks.optional.get(member.index, set())
            nullable |= self.marks.nullable.get(member.index, set())
        keys = sorted(nodes)
        schema: Schema = {
            "type": "object",
            "properties": {
                key: self.schema_of(
                    nodes[key],
                    key in nullable or nullable_by_name(self.null_names, key, nodes[key]),
                )
                for key in keys
            },
        }
        required = [key for key in keys if seen[key] == total and key not in optional]
        if required:
            schema["required"] = required
        return schema
