"""Optional and nullable properties from evidence other than one place's own examples.

A property is optional where some instance lacked it, and nullable where one held null (the
emitter's own rules, with `nullability`'s). These rules add what the rest of the input says;
each marks properties of object places (positions), which the emitter reads for the whole
component, so a mark made at one place holds wherever the component is used. Figures are
held-out (`bench/cv.py`), in the README.

- O1 Operation: every example of one operation, and every place at the same path of its
  bodies, is one place (`unify` merges them): a property one example lacks is optional.
- O2 Description: the endpoint's description names a property (in backticks) in a sentence
  that says it may be left out ("optional", "omitted", "only ... if", "not included") or that
  it may be null ("null"): the property of the response body (or its items) is optional, or
  nullable. Only the body's own properties: a sentence is about the endpoint's resource.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from apidocgen.infer.positions import Position
from apidocgen.infer.records import BodySample
from apidocgen.infer.settings import Thresholds

_SENTENCE = re.compile(r"(?<=[.!?])\s+|\n\s*\n")
_CODE = re.compile(r"`([A-Za-z_][A-Za-z0-9_.-]{0,80})`")
_NULL = re.compile(r"\bnull\b", re.IGNORECASE)
_OPTIONAL = re.compile(
    r"\b(optional(ly)?|omitted|absent|not (be )?(included|present|returned)|only (be )?"
    r"(included|present|returned)|if (present|available|set|any))\b",
    re.IGNORECASE,
)
MAX_DESCRIPTION = 20_000  # characters of a description that are read


@dataclass
class Marks:
    """Property names marked optional or nullable, per position index."""

    optional: dict[int, set[str]] = field(default_factory=dict)
    nullable: dict[int, set[str]] = field(default_factory=dict)
    reasons: dict[tuple[int, str], str] = field(default_factory=dict)  # for `explain`

    def mark(self, kind: str, position: int, key: str, reason: str) -> None:
        target = self.optional if kind == "optional" else self.nullable
        target.setdefault(position, set()).add(key)
        self.reasons.setdefault((position, key), reason)


def described(text: str) -> tuple[set[str], set[str]]:
    """(names a description says may be left out, names it says may be null)."""
    optional: set[str] = set()
    nullable: set[str] = set()
    for sentence in _SENTENCE.split(text[:MAX_DESCRIPTION]):
        names = {name.rsplit(".", 1)[-1] for name in _CODE.findall(sentence)}
        if not names:
            continue
        if _NULL.search(sentence):
            nullable |= names
        if _OPTIONAL.search(sentence):
            optional |= names
    return optional, nullable


def collect_marks(
    samples: Sequence[BodySample], positions: Sequence[Position], thresholds: Thresholds
) -> Marks:
    """The marks rule O2 makes on `positions` (O1 lives in `unify`)."""
    marks = Marks()
    by_sample: dict[int, list[Position]] = {}
    for position in positions:
        by_sample.setdefault(position.sample, []).append(position)
    if thresholds.description_marks:
        for number, sample in enumerate(samples):
            if sample.role != "response" or not sample.description:
                continue
            optional, nullable = described(sample.description)
            for position in by_sample.get(number, ()):
                if position.path not in ("", "[]"):
                    continue  # the description is about the endpoint's resource, not its parts
                for key in position.obj.props.keys() & optional:
                    marks.mark("optional", position.index, key, f"{sample.key}: description")
                for key in position.obj.props.keys() & nullable:
                    marks.mark("nullable", position.index, key, f"{sample.key}: description")
    return marks
