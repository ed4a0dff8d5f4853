"""Strategies for null, booleans, integers, numbers, and the catch-all for anything else."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Self

from apidocgen.infer.strategies.base import Emitter, Schema, Strategy, register


@register
class NullKind(Strategy):
    """`null`: what makes a place nullable."""

    kind = "null"
    priority = 0
    rank = 90

    @staticmethod
    def matches(value: Any) -> bool:
        return value is None

    @classmethod
    def to_schema(cls, group: Sequence[Self], emitter: Emitter) -> list[Schema]:
        return [{"type": "null"}]


@register
class BooleanKind(Strategy):
    """`true` / `false` (checked before integers: `bool` is an `int` in Python)."""

    kind = "boolean"
    priority = 10
    rank = 60

    @staticmethod
    def matches(value: Any) -> bool:
        return isinstance(value, bool)

    @classmethod
    def to_schema(cls, group: Sequence[Self], emitter: Emitter) -> list[Schema]:
        return [{"type": "boolean"}]


@register
class IntegerKind(Strategy):
    """Whole numbers: kept apart from `number`, unless a place also held fractions."""

    kind = "integer"
    priority = 20
    rank = 40
    subsumed_by = "number"

    @staticmethod
    def matches(value: Any) -> bool:
        return isinstance(value, int)

    @classmethod
    def to_schema(cls, group: Sequence[Self], emitter: Emitter) -> list[Schema]:
        return [{"type": "integer"}]


@register
class NumberKind(Strategy):
    """Numbers with a fraction or exponent (JSON `1.0` parses as a float: it is a `number`)."""

    kind = "number"
    priority = 30
    rank = 50

    @staticmethod
    def matches(value: Any) -> bool:
        return isinstance(value, float)

    @classmethod
    def to_schema(cls, group: Sequence[Self], emitter: Emitter) -> list[Schema]:
        return [{"type": "number"}]


@register
class AnyKind(Strategy):
    """Anything else, and values past the depth limit: described by the open schema `{}`."""

    kind = "any"
    priority = 1000
    rank = 0

    @staticmethod
    def matches(value: Any) -> bool:
        return True

    @classmethod
    def to_schema(cls, group: Sequence[Self], emitter: Emitter) -> list[Schema]:
        return [{}]
