"""Object strategies: records (`ObjectKind`, named components) and maps (`MapKind`, inline)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any, Self

from apidocgen.infer.strategies.base import (
    Child,
    Emitter,
    Node,
    Schema,
    Strategy,
    merge_nodes,
    register,
)


@register
class ObjectKind(Strategy):
    """Objects read as records: a node per property, and how many instances had each property.

    A property is required when every instance had it; the emitter turns each unified group of
    these into one named component.
    """

    kind = "object"
    priority = 60
    rank = 10

    __slots__ = ("presence", "props", "position")

    def __init__(self) -> None:
        super().__init__()
        self.props: dict[str, Node] = {}
        self.presence: dict[str, int] = {}
        self.position = -1  # index of this place among all object places, set by the engine

    @staticmethod
    def matches(value: Any) -> bool:
        return isinstance(value, dict)

    def add(self, value: Any) -> Iterable[Child]:
        self.count += 1
        props, presence = self.props, self.presence
        out: list[Child] = []
        for key, item in value.items():
            key = str(key)
            node = props.get(key)
            if node is None:
                node = props[key] = Node()
                presence[key] = 1
            else:
                presence[key] += 1
            # scalars are recorded here; only containers go back to the walk (it tracks depth)
            if isinstance(item, (dict, list, tuple)):
                out.append((item, node))
            else:
                node.add(item)
        return out

    def absorb(self, other: Self) -> list[tuple[Node, Node]]:
        self.count += other.count
        pairs: list[tuple[Node, Node]] = []
        for key, node in other.props.items():
            mine = self.props.get(key)
            if mine is None:
                self.props[key] = node
                self.presence[key] = other.presence[key]
            else:
                self.presence[key] += other.presence[key]
                pairs.append((mine, node))
        return pairs

    def children(self) -> list[Node]:
        return list(self.props.values())

    def required(self) -> set[str]:
        """Properties present in every instance."""
        return {key for key, seen in self.presence.items() if seen == self.count}

    @classmethod
    def to_schema(cls, group: Sequence[Self], emitter: Emitter) -> list[Schema]:
        return emitter.object_branches(group)


@register
class MapKind(Strategy):
    """Objects whose keys are data (ids, hashes, dates, ...): one value node for all keys.

    Never produced by dispatch (`matches` is False); `maps.detect_maps` turns an `ObjectKind`
    into one when the map rule says so.
    """

    kind = "map"
    priority = 10_000
    rank = 11

    __slots__ = ("values",)

    def __init__(self) -> None:
        super().__init__()
        self.values = Node()

    @staticmethod
    def matches(value: Any) -> bool:
        return False

    @classmethod
    def from_object(cls, record: ObjectKind) -> MapKind:
        """The map reading of `record`: every property's evidence merged into one value node."""
        made = cls()
        made.count = record.count
        for node in record.props.values():
            merge_nodes(made.values, node)
        return made

    def absorb(self, other: Self) -> list[tuple[Node, Node]]:
        self.count += other.count
        return [(self.values, other.values)]

    def children(self) -> list[Node]:
        return [self.values]

    @classmethod
    def to_schema(cls, group: Sequence[Self], emitter: Emitter) -> list[Schema]:
        values = emitter.schema_of([m.values for m in group])
        return [{"type": "object", "additionalProperties": values}]
