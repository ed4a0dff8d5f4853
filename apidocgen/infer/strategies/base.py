"""The strategy protocol, and `Node`: everything observed at one place of a body.

In the style of GenSON's schema strategies, each JSON kind is one small class that knows how to
recognise a value (`matches`), record it (`add`), take in the evidence of another instance of
itself (`absorb`) and describe what it saw (`to_schema`). A `Node` holds one strategy per kind
seen at its place, so a place that held a string in one example and null in another carries both.
Adding a capability means registering a class, not editing a switch.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterable, Sequence
from typing import Any, ClassVar, Protocol, Self, TypeVar

Schema = dict[str, Any]
Child = tuple[Any, "Node"]


class Emitter(Protocol):
    """What a strategy needs from the emitter to describe containers."""

    def schema_of(self, nodes: Sequence[Node]) -> Schema:
        """The schema of every value seen at any of `nodes`."""
        ...

    def object_branches(self, objects: Sequence[Any]) -> list[Schema]:
        """References (or inline schemas) for object strategies, by their unified component."""
        ...


class Strategy(ABC):
    """Evidence about the values of one JSON kind at one place."""

    kind: ClassVar[str]
    priority: ClassVar[int]  # dispatch order: the matching strategy with the lowest value wins
    rank: ClassVar[int]  # order of this kind's branch within a union
    subsumed_by: ClassVar[str | None] = None  # a kind whose branch already admits this one's values

    __slots__ = ("count",)

    def __init__(self) -> None:
        self.count = 0

    @staticmethod
    @abstractmethod
    def matches(value: Any) -> bool:
        """True when this strategy describes `value`."""

    def add(self, value: Any) -> Iterable[Child]:
        """Record one value; return the (child value, child node) pairs still to observe."""
        self.count += 1
        return ()

    def absorb(self, other: Self) -> list[tuple[Node, Node]]:
        """Take in another instance's evidence; return (kept, absorbed) child nodes to merge."""
        self.count += other.count
        return []

    def children(self) -> list[Node]:
        """Child nodes (array items, property values) for walks over the node tree."""
        return []

    @classmethod
    def suggests_null(cls, group: Sequence[Self]) -> bool:
        """True when the values seen stand for "no value" although none was null."""
        return False

    @classmethod
    @abstractmethod
    def to_schema(cls, group: Sequence[Self], emitter: Emitter) -> list[Schema]:
        """Union branches describing every instance in `group` (all of this kind)."""


_S = TypeVar("_S", bound=type[Strategy])
_REGISTRY: list[type[Strategy]] = []
_BY_TYPE: dict[type, type[Strategy]] = {}


def register(cls: _S) -> _S:
    """Class decorator: make a strategy available to `Node.add`."""
    _REGISTRY.append(cls)
    _REGISTRY.sort(key=lambda c: c.priority)
    _BY_TYPE.clear()
    return cls


def strategy_for(value: Any) -> type[Strategy]:
    """The registered strategy that describes `value` (cached per Python type: JSON kinds
    depend only on the type)."""
    found = _BY_TYPE.get(type(value))
    if found is None:
        found = next(cls for cls in _REGISTRY if cls.matches(value))
        _BY_TYPE[type(value)] = found
    return found


class Node:
    """All values seen at one place (a property of a shape, the items of an array, a root)."""

    __slots__ = ("kinds",)

    def __init__(self) -> None:
        self.kinds: dict[str, Strategy] = {}

    def add(self, value: Any) -> Iterable[Child]:
        """Record `value` with the strategy of its kind."""
        return self.strategy(strategy_for(value)).add(value)

    def strategy(self, cls: type[Strategy]) -> Strategy:
        """This node's strategy of `cls`'s kind, created on first use."""
        found = self.kinds.get(cls.kind)
        if found is None:
            found = self.kinds[cls.kind] = cls()
        return found


def merge_nodes(kept: Node, absorbed: Node) -> None:
    """Merge `absorbed`'s evidence into `kept`, all the way down (iteratively: bodies nest deep).

    `absorbed` must not be used afterwards: its strategies may now be shared with `kept`.
    """
    pending = [(kept, absorbed)]
    while pending:
        target, source = pending.pop()
        if target is source:
            continue
        for kind, strategy in source.kinds.items():
            mine = target.kinds.get(kind)
            if mine is None:
                target.kinds[kind] = strategy
            else:
                pending.extend(mine.absorb(strategy))
