"""The string strategy: a format is claimed only when every string seen at the place fits it."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any, Self

from apidocgen.infer.formats import detect_format
from apidocgen.infer.strategies.base import Child, Emitter, Schema, Strategy, register

SAMPLE_CHARS = 500  # of the value kept as a sample: enough for any URL a name comes from


@register
class StringKind(Strategy):
    """Strings, with the format all of them share (or none)."""

    kind = "string"
    priority = 40
    rank = 30

    __slots__ = ("empty", "format", "sample")

    def __init__(self) -> None:
        super().__init__()
        self.format: str | None = None
        self.empty = 0  # how many values were ""
        self.sample: str | None = None  # the first non-empty value (cut), for self links

    @staticmethod
    def matches(value: Any) -> bool:
        return isinstance(value, str)

    def add(self, value: Any) -> Iterable[Child]:
        if not value:
            self.empty += 1
        elif self.sample is None:
            self.sample = value[:SAMPLE_CHARS]
        # once two values disagree there is no format to keep: stop checking
        if self.count == 0:
            self.format = detect_format(value)
        elif self.format is not None and detect_format(value) != self.format:
            self.format = None
        self.count += 1
        return ()

    def absorb(self, other: Self) -> list[Any]:
        if self.count == 0:
            self.format = other.format
        elif other.count and other.format != self.format:
            self.format = None
        self.count += other.count
        self.empty += other.empty
        if self.sample is None:
            self.sample = other.sample
        return []

    @classmethod
    def suggests_null(cls, group: Sequence[Self]) -> bool:
        return any(s.empty for s in group)

    @classmethod
    def to_schema(cls, group: Sequence[Self], emitter: Emitter) -> list[Schema]:
        formats = {s.format for s in group if s.count}
        schema: Schema = {"type": "string"}
        if len(formats) == 1:
            (only,) = formats
            if only is not None:
                schema["format"] = only
        return [schema]
