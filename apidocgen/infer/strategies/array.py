"""The array strategy: one item node merges the evidence of every item of every array seen."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any, Self

from apidocgen.infer.strategies.base import Child, Emitter, Node, Schema, Strategy, register


@register
class ArrayKind(Strategy):
    """Arrays. Only empty arrays seen means nothing is known of the items: `items` stays open."""

    kind = "array"
    priority = 50
    rank = 20

    __slots__ = ("items",)

    def __init__(self) -> None:
        super().__init__()
        self.items: Node | None = None

    @staticmethod
    def matches(value: Any) -> bool:
        return isinstance(value, (list, tuple))

    def add(self, value: Any) -> Iterable[Child]:
        self.count += 1
        if not value:
            return ()
        if self.items is None:
            self.items = Node()
        items = self.items
        # scalars are recorded here; only containers go back to the walk (which tracks depth)
        children: list[Child] = []
        for item in value:
            if isinstance(item, (dict, list, tuple)):
                children.append((item, items))
            else:
                items.add(item)
        return children

    def absorb(self, other: Self) -> list[tuple[Node, Node]]:
        self.count += other.count
        if other.items is None:
            return []
        if self.items is None:
            self.items = other.items
            return []
        return [(self.items, other.items)]

    def children(self) -> list[Node]:
        return [] if self.items is None else [self.items]

    @classmethod
    def to_schema(cls, group: Sequence[Self], emitter: Emitter) -> list[Schema]:
        items = [a.items for a in group if a.items is not None]
        if not items:
            return [{"type": "array"}]
        return [{"type": "array", "items": emitter.schema_of(items)}]
