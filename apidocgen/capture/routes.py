"""Route templates for concrete request paths: `/api/0/teams/42/members/` ->
`/api/0/teams/{team_id}/members/`.

In order of evidence:
1. a template the input already has (a descriptor's `api_path`) or that the user declared
   (`--route`): the most literal one that fits wins;
2. a segment that is an identifier by its form (a number, a UUID, a hex digest) is a
   parameter, even in a single exchange (a number right after `api` is the API's version);
   so is a placeholder left in a recorded URL (`{team}`, `%7Bteam%7D`, `:team`), named as
   it says;
3. a segment that varies among exchanges of the same shape is a parameter: paths equal but
   at that position (identifiers masked), with at least two values there, none of which is a
   word the traffic uses elsewhere as a literal (`issues` in `/repos/o/r/issues` and
   `/search/issues`) and which is not the path's first segment, and either going on to the same next segments (`/orgs/a/teams`,
   `/orgs/b/teams`) or, at the end of the path, answering bodies of the same shape. A
   position found variable is variable for every path through the same prefix.
Every other segment stays literal. Parameters are named after the segment before them,
singular (`teams` -> `team_id` for identifiers, `team_slug` for other values; the two
formats are settings), made unique within their template.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from apidocgen.paths import literal_length, path_matches_template, template_values

_UUID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\Z")
_HEX = re.compile(r"(?=[0-9a-f]*[0-9])(?=[0-9a-f]*[a-f])[0-9a-f]{16,}\Z")
_NUMBER = re.compile(r"[0-9]+\Z")
_PLACEHOLDER = re.compile(r"(?:\{|%7[Bb]|:)([A-Za-z_][A-Za-z0-9_-]*)(?:\}|%7[Dd]|)\Z")
SAME_SHAPE = 0.8  # key-set similarity of two bodies that answer the same route


def is_identifier(segment: str) -> bool:
    """A number, a UUID or a hex digest (16 or more hex digits, letters and digits both)."""
    return bool(_NUMBER.match(segment) or _UUID.match(segment) or _HEX.match(segment.lower()))


@dataclass(frozen=True)
class Naming:
    """How parameters are named from the segment before them (`{}`: that segment, singular)."""

    identifier: str = "{}_id"
    other: str = "{}_slug"


@dataclass(frozen=True)
class Route:
    """The template found for a path, how (`known`, `declared`, `found`), and why each of its
    new parameters is one."""

    template: str
    how: str
    reasons: tuple[tuple[str, str], ...] = ()  # (parameter, why)


@dataclass(frozen=True)
class Sample:
    """What route finding looks at: a request's method and path, and its response body's
    shape (the set of field paths; None when it is not JSON)."""

    method: str
    path: str
    shape: frozenset[str] | None


def find_routes(
    samples: Sequence[Sample],
    known: Sequence[str] = (),
    declared: Sequence[str] = (),
    naming: Naming = Naming(),
) -> list[Route]:
    """The route of each sample, in order."""
    out: list[Route | None] = []
    for sample in samples:
        match = _best(declared, sample.path) or _best(known, sample.path)
        if match is not None:
            out.append(Route(match, "declared" if match in declared else "known"))
        else:
            out.append(None)
    unmatched = [i for i, route in enumerate(out) if route is None]
    masks = _Variation([samples[i] for i in unmatched], [s.path for s in samples]).masks()
    for index, mask in zip(unmatched, masks, strict=True):
        out[index] = _template(samples[index].path, mask, naming)
    return [route for route in out if route is not None]


def _best(templates: Sequence[str], path: str) -> str | None:
    fitting = [
        t
        for t in templates
        if template_values(t, path) is not None or path_matches_template(t, path)
    ]
    return max(fitting, key=lambda t: (literal_length(t), t), default=None)


class _Variation:
    """Rule 3 over the unmatched paths (rule 2 masks identifiers first)."""

    def __init__(self, samples: Sequence[Sample], every_path: Sequence[str]) -> None:
        self.samples = samples
        self.segments = [s.path.split("/") for s in samples]
        # Where each literal word occurs: (position, the segment before it).
        self.contexts: dict[str, set[tuple[int, str]]] = defaultdict(set)
        for path in every_path:
            parts = path.split("/")
            for position, part in enumerate(parts):
                if part and not is_identifier(part):
                    self.contexts[part].add((position, parts[position - 1] if position else ""))

    def masks(self) -> list[list[bool]]:
        masks = [
            [_identifier_at(parts, position) for position in range(len(parts))]
            for parts in self.segments
        ]
        variable: set[tuple[str, ...]] = set()  # prefixes (masked) whose next segment varies
        while True:
            for parts, mask in zip(self.segments, masks, strict=True):
                for position in range(1, len(parts)):
                    if not mask[position] and _key(parts, mask, position) in variable:
                        mask[position] = True
            found = self._new_variable(masks) - variable
            if not found:
                return masks
            variable |= found

    def _new_variable(self, masks: list[list[bool]]) -> set[tuple[str, ...]]:
        groups: dict[tuple[int, tuple[str, ...], tuple[str, ...]], list[int]] = defaultdict(list)
        for index, (parts, mask) in enumerate(zip(self.segments, masks, strict=True)):
            # The first segment names a collection in practically every API: never by variation.
            for position in range(2, len(parts)):
                if mask[position] or not parts[position]:
                    continue
                rest = tuple("{}" if m else p for p, m in zip(parts, mask, strict=True))
                groups[(position, rest[:position], rest[position + 1 :])].append(index)
        found: set[tuple[str, ...]] = set()
        for (position, prefix, suffix), members in groups.items():
            values = {self.segments[i][position] for i in members}
            if len(values) < 2 or not all(self._only_here(v, position) for v in values):
                continue
            if suffix and any(suffix):
                found.add(prefix)
            elif self._same_answers(members):
                found.add(prefix)
        return found

    def _only_here(self, value: str, position: int) -> bool:
        """The value never occurs as a word elsewhere in the traffic (another position, or
        after another segment)."""
        return len({at for at, _ in self.contexts[value]}) == 1 and all(
            at == position for at, _ in self.contexts[value]
        )

    def _same_answers(self, members: list[int]) -> bool:
        shapes = [self.samples[i].shape for i in members]
        methods = {self.samples[i].method for i in members}
        if len(methods) != 1 or any(not shape for shape in shapes):
            return False
        first = shapes[0]
        assert first is not None
        return all(
            len(first & shape) / len(first | shape) >= SAME_SHAPE
            for shape in shapes[1:]
            if shape is not None
        )


def _placeholder(segment: str) -> str | None:
    """The name of a placeholder written into a recorded path (`{team}`), if it is one."""
    match = _PLACEHOLDER.match(segment)
    if match is None or (segment.startswith(("{", "%7")) != segment.endswith(("}", "%7D", "%7d"))):
        return None
    if segment.startswith(":") and segment.endswith(("}", "%7D", "%7d")):
        return None
    return match.group(1)


def _identifier_at(parts: list[str], position: int) -> bool:
    """Rule 2, except for an API version (`/api/0/`: a number right after `api`)."""
    part = parts[position]
    if part and _placeholder(part) is not None:
        return True
    if not part or not is_identifier(part):
        return False
    return not (_NUMBER.match(part) and position and parts[position - 1].lower() == "api")


def _key(parts: list[str], mask: list[bool], position: int) -> tuple[str, ...]:
    return tuple("{}" if m else p for p, m in zip(parts[:position], mask[:position], strict=True))


def _template(path: str, mask: list[bool], naming: Naming) -> Route:
    parts = path.split("/")
    names: list[str] = []
    reasons: list[tuple[str, str]] = []
    out: list[str] = []
    for position, (part, masked) in enumerate(zip(parts, mask, strict=True)):
        if not masked:
            out.append(part)
            continue
        before = parts[position - 1] if position and not mask[position - 1] else ""
        base = _singular(before) if before else "param"
        identifier = is_identifier(part)
        written = _placeholder(part)
        name = written or (naming.identifier if identifier else naming.other).format(base)
        name = re.sub(r"[^A-Za-z0-9_]", "_", name)
        unique, number = name, 2
        while unique in names:
            unique, number = f"{name}_{number}", number + 1
        names.append(unique)
        kind = "is an identifier" if identifier else "varies among the recorded paths"
        kind = "is a placeholder" if written else kind
        reasons.append((unique, f"'{part}' in {path} {kind}"))
        out.append("{" + unique + "}")
    how = "found" if reasons else "literal"
    return Route("/".join(out), how, tuple(reasons))


def _singular(word: str) -> str:
    word = re.sub(r"[^A-Za-z0-9]+", "_", word).strip("_").lower() or "param"
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith(("sses", "shes", "ches", "xes")):
        return word[:-2]
    if word.endswith("s") and not word.endswith("ss") and len(word) > 3:
        return word[:-1]
    return word
