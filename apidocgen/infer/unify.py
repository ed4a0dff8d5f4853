"""Cross-endpoint unification: decide which object places are the same kind of thing.

Every object place (a body, a property, array items, map values) of every body is a `Position`.
Positions found to be the same thing form one cluster, which becomes one named component whose
evidence is merged: a property null anywhere is nullable, a property missing anywhere optional.
Positions with identical evidence trees form a `_Shape`; rules compare shapes pairwise, on their
own evidence (never on a growing cluster):

1. Identical key sets, compatible -> the same. Identical shapes never give two components.
2. Same name: the shapes answer to one name (the property they appear under, singular for
   items; an endpoint title's noun phrase, or any single word of it) and their key sets overlap
   by Jaccard >= `SAME_NAME_JACCARD`, or one holds >= `SUBSET_SHARE` of the other and is inside
   it. Overlaps of shapes with fewer than `STRONG_MIN_KEYS` keys, and subsets, are weak: taken
   only when each side's weak partners all lie in one cluster, so a bare `{id}` inside both a
   user and a repository bridges nothing. A name that is only one word of each side's title
   ("Get an organization secret", "Get an organization variable") counts only for bodies of
   one collection (rule 4's): the same keys alone do not make a secret a variable.
3. Any name: Jaccard >= `ANY_NAME_JACCARD` over >= `ANY_NAME_MIN_KEYS` keys, and neither lacks a
   property the other always has (`owner`, `author`, `assignee` are all simple users).
4. Same collection: response bodies of endpoints on one REST collection (`GET /projects/`,
   `GET /projects/{org}/{slug}/`, `POST /projects/`) are one resource even when the list shows
   a summary: Jaccard or subset share >= `RESOURCE_OVERLAP`.
5. Established summaries: a key set seen identical in >= `STABLE_MIN` API areas is a type of its
   own (GitHub's 46-key "simple repository"), never merged by rules 2 and 4 into a larger shape
   that contains it (rule 4 allows near-identical pairs, Jaccard >= `ANY_NAME_JACCARD`).
6. Compatible: no shared property holds disjoint non-null kinds (integer and number agree, a
   map and a record agree), all the way down; and few objects under shared properties differ:
   at most `UNALIKE_SHARE` of the smaller key count (`NAMED_UNALIKE_SHARE` when a whole name is
   shared), so generic wrappers `{total_count, items: [...]}` of different things stay apart.
7. Congruence: objects under one property of merged positions are merged when alike (rule 2's
   overlap); unalike ones stay apart and the property becomes a union of both.

Request bodies unify only with request bodies, and a request body's root never unifies (its
documented fields are its own).

Thresholds measured on the GitHub corpus (`bench/bench_infer.py`, fidelity figures opt_recall /
over_opt, targets >= 30 / <= 5): rules 2 at 0.5 -> 32.8 / 6.2, at 0.6 -> 31.6 / 5.6, at 0.65 ->
25.5 / 1.7 (GitHub's simple and full repository meet between 0.6 and 0.65); rule 5 at 3 areas
-> 30.2 / 4.9; rule 3 without its required-keys guard -> 32.3 / 7.7 (one 17-key "requester"
made `login` optional for 300 users). Rule 6 at 0.2 without per-child congruence -> over_opt 29.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

from apidocgen.infer.naming import (
    pascal,
    singular,
    singular_words,
    title_words,
    valid_name,
    words_of,
)
from apidocgen.infer.positions import Cluster, Position
from apidocgen.infer.records import BodySample
from apidocgen.infer.settings import DEFAULT, Thresholds
from apidocgen.infer.strategies import ArrayKind, MapKind, Node, ObjectKind

Join = tuple[int, int, str]  # two positions whose clusters a rule merged, and the rule
MAX_CANDIDATES = 200  # bounds pairwise work on hostile input (see `_overlapping`)


def collection_of(api_path: str) -> str:
    """The collection an endpoint's path names: the path without its trailing parameters.

    REST paths name resources: `GET /api/0/projects/` lists what
    `GET /api/0/projects/{org}/{project}/` returns one of, and what `POST /api/0/projects/`
    creates. Parameter names are dropped, so that `{org}` and `{organization_slug}` agree.
    """
    segments = [part for part in api_path.split("/") if part]
    while segments and segments[-1].startswith("{"):
        segments.pop()
    if not segments:
        return ""
    return "/".join("{}" if part.startswith("{") else part for part in segments)


def _body_hint(sample: BodySample) -> tuple[str, ...]:
    """Words naming a body: its title's noun phrase; when that is empty or a reserved word
    ("Generate a list of ..." gives `list`), the last fixed segment of its path; else its id."""
    hint = title_words(sample.title, sample.role)
    if hint and valid_name(pascal(hint)) == pascal(hint):
        return hint
    segments = [part for part in sample.api_path.split("/") if part and not part.startswith("{")]
    return (words_of(segments[-1]) if segments else ()) or hint or words_of(sample.operation_id)


def collect_positions(samples: Sequence[BodySample], roots: Sequence[Node]) -> list[Position]:
    """Every object place of every body, numbered in a deterministic walk order."""
    positions: list[Position] = []
    for number, (sample, root) in enumerate(zip(samples, roots, strict=True)):
        hint = _body_hint(sample)
        resource = collection_of(sample.api_path) if sample.role == "response" else ""
        # (node, hint, from_title, parent, path, already singular)
        pending: list[tuple[Node, tuple[str, ...], bool, int | None, str, bool]] = [
            (root, hint, True, None, "", False)
        ]
        while pending:
            node, words, from_title, parent, path, single = pending.pop()
            inner = words if single else singular_words(words)
            for kind in sorted(node.kinds):
                strategy = node.kinds[kind]
                if isinstance(strategy, ObjectKind):
                    strategy.position = len(positions)
                    positions.append(
                        Position(
                            len(positions),
                            strategy,
                            words,
                            from_title,
                            parent,
                            number,
                            sample.role,
                            path,
                            sample.section,
                            resource if path in ("", "[]") else "",
                            sample.operation_id,
                        )
                    )
                    for key in sorted(strategy.props, reverse=True):
                        child = strategy.props[key]
                        pending.append(
                            (child, words_of(key), False, strategy.position, f"{path}/{key}", False)
                        )
                elif isinstance(strategy, ArrayKind) and strategy.items is not None:
                    pending.append((strategy.items, inner, from_title, parent, path + "[]", True))
                elif isinstance(strategy, MapKind):
                    pending.append((strategy.values, inner, from_title, parent, path + "{}", True))
    return positions


def _kinds(node: Node) -> frozenset[str]:
    """The non-null kinds of a node, normalised for compatibility."""
    kinds = set()
    for kind in node.kinds:
        if kind == "null" or kind == "any":
            continue
        kinds.add({"integer": "number", "map": "object"}.get(kind, kind))
    return frozenset(kinds)


def _slots(obj: ObjectKind) -> dict[tuple[str, str], int]:
    """The object places directly under `obj`: by property, through arrays and map values."""
    slots: dict[tuple[str, str], int] = {}
    for key, node in obj.props.items():
        pending = [(node, "")]
        while pending:
            current, via = pending.pop()
            for strategy in current.kinds.values():
                if isinstance(strategy, ObjectKind):
                    # `{}` says nothing about what belongs here: it never joins a component
                    if strategy.props:
                        slots[(key, via)] = strategy.position
                elif isinstance(strategy, ArrayKind) and strategy.items is not None:
                    pending.append((strategy.items, via + "[]"))
                elif isinstance(strategy, MapKind):
                    pending.append((strategy.values, via + "{}"))
    return slots


def _jaccard(a: frozenset[str], b: frozenset[str]) -> float:
    shared = len(a & b)
    union = len(a) + len(b) - shared
    return shared / union if union else 1.0


class _Evidence:
    """Per-position features: key set, kinds per key, child places, and a deep signature (two
    positions with equal deep signatures have identical trees of keys and kinds)."""

    def __init__(self, positions: Sequence[Position], thresholds: Thresholds = DEFAULT) -> None:
        self.positions = positions
        self.t = thresholds
        self.keys = [frozenset(p.obj.props) for p in positions]
        self.kinds = [{key: _kinds(node) for key, node in p.obj.props.items()} for p in positions]
        self.slots = [_slots(p.obj) for p in positions]
        self.required = [frozenset(p.obj.required()) for p in positions]
        self.deep = [0] * len(positions)
        interned: dict[tuple[object, ...], int] = {}
        # children are numbered after their parents, so a reverse walk sees children first
        for index in range(len(positions) - 1, -1, -1):
            signature = (
                positions[index].role,
                tuple(sorted(self.kinds[index].items(), key=lambda item: item[0])),
                tuple(
                    sorted((slot, self.deep[child]) for slot, child in self.slots[index].items())
                ),
            )
            self.deep[index] = interned.setdefault(signature, len(interned))
        self._memo: dict[tuple[int, int], tuple[bool, int]] = {}

    def kinds_compatible(self, a: int, b: int) -> bool:
        """No shared property seen with disjoint non-null kinds."""
        mine, theirs = self.kinds[a], self.kinds[b]
        if len(theirs) < len(mine):
            mine, theirs = theirs, mine
        for key, kinds in mine.items():
            other = theirs.get(key)
            if other and kinds and not kinds & other:
                return False
        return True

    def keeps_required(self, a: int, b: int) -> bool:
        """Neither position lacks a property that the other had in every instance: joining
        them makes nothing optional that was always there."""
        return self.required[a] <= self.keys[b] and self.required[b] <= self.keys[a]

    def compatible(self, a: int, b: int, share: float = -1.0) -> bool:
        """Kinds agree here and all the way down, and few objects under shared properties
        differ: at most `share` (default `UNALIKE_SHARE`) times the smaller key count of
        `a` and `b` may fail to look alike (identical, one empty, or matching by the same-name
        rule, as they share their property name).

        This keeps generic wrappers apart: `{total_count, items: [label]}` and
        `{total_count, items: [user]}` share their keys but are not one thing; yet two events
        whose `metadata` differs with the kind of event, among thirty shared fields, are.
        Objects that differ stay apart after the merge (see `_Clusters`).
        """
        share = self.t.unalike_share if share < 0 else share
        agree, unalike = self._differences(a, b)
        return agree and unalike <= share * min(len(self.keys[a]), len(self.keys[b]))

    def _differences(self, a: int, b: int) -> tuple[bool, int]:
        """(kinds agree throughout, number of unalike object pairs) under `a` and `b`."""
        if self.deep[a] == self.deep[b]:
            return True, 0
        pair = (a, b) if a < b else (b, a)
        known = self._memo.get(pair)
        if known is not None:
            return known
        self._memo[pair] = (True, 0)  # provisional; trees have no cycles, this guards reentry
        agree, unalike = self.kinds_compatible(a, b), 0
        if agree:
            mine, theirs = self.slots[a], self.slots[b]
            for slot in sorted(mine.keys() & theirs.keys()):
                x, y = mine[slot], theirs[slot]
                kx, ky = self.keys[x], self.keys[y]
                if kx and ky and not _same_name_match(kx, ky, self.t):
                    unalike += 1
                    continue
                below_agree, below = self._differences(x, y)
                if not below_agree:
                    agree = False
                    break
                unalike += below
        self._memo[pair] = (agree, unalike)
        return agree, unalike


@dataclass(eq=False)
class _Shape:
    """Positions with identical evidence trees (same deep signature)."""

    role: str
    keys: frozenset[str]
    hints: set[str] = field(default_factory=set)  # every name it answers to
    names: set[str] = field(default_factory=set)  # whole names only (no single title words)
    resources: set[str] = field(default_factory=set)
    members: list[int] = field(default_factory=list)


def _same_name_match(a: frozenset[str], b: frozenset[str], t: Thresholds) -> bool:
    if _jaccard(a, b) >= t.same_name_jaccard:
        return True
    small, big = (a, b) if len(a) <= len(b) else (b, a)
    return small <= big and len(small) >= t.subset_share * len(big)


class _Clusters:
    """Union-find with congruence closure: merging two objects merges their same-key children
    when those look alike (the same-name rule); children that do not stay apart, and the
    property holds either (`anyOf`), as event `metadata` that differs with the kind of event.
    """

    def __init__(self, evidence: _Evidence) -> None:
        self.keys = evidence.keys
        self.t = evidence.t
        self.parent = list(range(len(evidence.positions)))
        # per cluster root: for each slot, one representative position per child cluster
        self.slots = [{slot: [child] for slot, child in slots.items()} for slots in evidence.slots]
        self.joins: list[Join] = []  # every merge made, with its reason (for `explain`)

    def find(self, item: int) -> int:
        root = item
        while self.parent[root] != root:
            root = self.parent[root]
        while self.parent[item] != root:
            self.parent[item], item = root, self.parent[item]
        return root

    def _alike(self, a: int, b: int) -> bool:
        mine, theirs = self.keys[a], self.keys[b]
        return not mine or not theirs or _same_name_match(mine, theirs, self.t)

    def union(self, first: int, second: int, reason: str) -> None:
        pending = [(first, second, reason)]
        while pending:
            x, y, why = pending.pop()
            a, b = self.find(x), self.find(y)
            if a == b:
                continue
            self.joins.append((x, y, why))
            keep, gone = (a, b) if a < b else (b, a)
            self.parent[gone] = keep
            kept_slots = self.slots[keep]
            for slot, children in self.slots[gone].items():
                mine = kept_slots.setdefault(slot, [])
                for child in children:
                    match = next((rep for rep in mine if self._alike(rep, child)), None)
                    if match is None:
                        mine.append(child)
                    else:
                        pending.append((match, child, f"congruence: both under `{slot[0]}`"))
            self.slots[gone] = {}


def _name_keys(position: Position) -> tuple[str, set[str]]:
    """The names a position answers to for the same-name rule: its whole hint (a property
    name, or a title's noun phrase), and for a title also each of its words, since the noun
    can sit anywhere in it ("List issues assigned to the authenticated user")."""
    hint = position.hint
    full = "".join(hint)
    words = {singular(word) for word in hint} if position.from_title else set()
    return full, ({full} | words) - {""}


def _shapes(evidence: _Evidence) -> list[_Shape]:
    by_signature: dict[int, _Shape] = {}
    for position in evidence.positions:
        if position.request_root or not position.obj.props:
            continue
        index = position.index
        shape = by_signature.get(evidence.deep[index])
        if shape is None:
            shape = by_signature[evidence.deep[index]] = _Shape(position.role, evidence.keys[index])
        full, names = _name_keys(position)
        shape.hints |= names
        if full:
            shape.names.add(full)
        if position.resource:
            shape.resources.add(position.resource)
        shape.members.append(index)
    return list(by_signature.values())


def _candidate_pairs(
    shapes: Sequence[_Shape], evidence: _Evidence
) -> tuple[dict[tuple[int, int], str], dict[tuple[int, int], str]]:
    """Pairs of shapes (by index) that a rule joins: (strong pairs, weak pairs).

    Weak pairs (a small shape inside a larger one of the same name, or a loose overlap of two
    small shapes) are only taken when unambiguous: see `unify`.
    """
    strong: dict[tuple[int, int], str] = {}
    weak: dict[tuple[int, int], str] = {}
    by_hint: dict[tuple[str, str], list[int]] = defaultdict(list)
    by_resource: dict[tuple[str, str], list[int]] = defaultdict(list)
    for index, shape in enumerate(shapes):
        for hint in sorted(shape.hints):
            by_hint[(shape.role, hint)].append(index)
        for resource in sorted(shape.resources):
            by_resource[(shape.role, resource)].append(index)
    established = _established(shapes, evidence)
    t = evidence.t

    def summary(i: int, j: int, near: float = 1.0) -> bool:
        """One is an established shape of its own, inside the other (and overlapping it by
        less than `near`)."""
        small, big = (i, j) if len(shapes[i].keys) <= len(shapes[j].keys) else (j, i)
        keys, other = shapes[small].keys, shapes[big].keys
        return established[small] and keys < other and _jaccard(keys, other) < near

    def consider(i: int, j: int, hint: str = "", vouched: bool = False) -> None:
        a, b = shapes[i], shapes[j]
        if i == j or a.role != b.role:
            return
        jaccard = _jaccard(a.keys, b.keys)
        if a.keys == b.keys:
            found, reason = strong, "rule 1: the same keys"
        elif (
            len(a.keys | b.keys) >= t.any_name_min_keys
            and jaccard >= t.any_name_jaccard
            and evidence.keeps_required(a.members[0], b.members[0])
        ):
            found, reason = strong, f"rule 3: keys overlap by {jaccard:.2f}"
        elif hint and _same_name_match(a.keys, b.keys, t) and not summary(i, j):
            big_enough = min(len(a.keys), len(b.keys)) >= t.strong_min_keys
            found = strong if jaccard >= t.same_name_jaccard and big_enough else weak
            reason = f"rule 2: both named `{hint}`, keys overlap by {jaccard:.2f}"
        else:
            return
        # a shared whole name vouches for the pair: what differs under it is variation of one
        # thing (events whose entries differ by kind); a shared title word does not
        share = t.named_unalike_share if vouched else t.unalike_share
        if evidence.compatible(a.members[0], b.members[0], share):
            found.setdefault((min(i, j), max(i, j)), reason)

    # every same-name match overlaps by Jaccard >= min(same_name_jaccard, subset_share)
    loosest = min(t.same_name_jaccard, t.subset_share)
    for (_, hint), members in by_hint.items():
        for i, j in _overlapping(members, shapes, loosest):
            a, b = shapes[i], shapes[j]
            if (
                t.title_word_same_collection
                and hint not in a.names
                and hint not in b.names
                and not a.resources & b.resources
            ):
                # one word each of two titles ("organization secret", "organization
                # variable") is no evidence of one thing outside one collection
                continue
            consider(i, j, hint, hint in a.names and hint in b.names)

    # Bodies of endpoints on one collection are one resource (the list items, the item, the
    # created item), even when the list shows a summary: a looser overlap suffices.
    for (_, resource), members in by_resource.items():
        for i, j in _overlapping(members, shapes, t.resource_overlap):
            a, b = shapes[i], shapes[j]
            if (
                a.role == b.role
                and _jaccard(a.keys, b.keys) >= t.resource_overlap  # a subset share >= t is too
                and not summary(i, j, t.any_name_jaccard)
                and evidence.compatible(a.members[0], b.members[0], t.named_unalike_share)
            ):
                strong.setdefault(
                    (min(i, j), max(i, j)), f"rule 4: bodies of one collection `{resource}`"
                )

    # identical key sets and any-name overlaps, across all shapes
    for i, j in _overlapping(range(len(shapes)), shapes, t.any_name_jaccard):
        consider(i, j)
    return strong, weak


def _overlapping(
    members: Sequence[int], shapes: Sequence[_Shape], threshold: float
) -> list[tuple[int, int]]:
    """Pairs among `members` whose key sets may overlap by Jaccard >= `threshold`: every such
    pair, and few others, in near-linear time (a prefix filter: two sets that overlap that much
    share one of the first |A| - ceil(t * |A|) + 1 keys of A, in a common rarest-first order),
    so that thousands of shapes of one name are never compared all against all. Hostile input
    can still make every set share its rarest keys: each shape then meets at most
    `MAX_CANDIDATES` earlier ones (real APIs stay far below: GitHub's busiest name has 29 shapes).
    """
    frequency: dict[str, int] = defaultdict(int)
    for index in members:
        for key in shapes[index].keys:
            frequency[key] += 1
    index_of: dict[str, list[int]] = defaultdict(list)
    pairs: list[tuple[int, int]] = []
    for index in members:
        keys = sorted(shapes[index].keys, key=lambda k: (frequency[k], k))
        seen: set[int] = set()
        for key in keys[: len(keys) - math.ceil(threshold * len(keys)) + 1]:
            for other in index_of[key][-MAX_CANDIDATES:]:
                if other not in seen and len(seen) < MAX_CANDIDATES:
                    seen.add(other)
                    pairs.append((other, index))
            index_of[key].append(index)
    return pairs


def _established(shapes: Sequence[_Shape], evidence: _Evidence) -> list[bool]:
    """Whether each shape is an established type of its own: its exact key set recurs in at
    least `STABLE_MIN` API areas (descriptor sections).

    A shape that the API returns unchanged across several areas is a deliberate summary type
    (GitHub's 36 places of one 46-key "simple repository"), not a partial view of a fuller
    shape that happens to contain it.
    """
    areas: dict[frozenset[str], set[str]] = defaultdict(set)
    for shape in shapes:
        areas[shape.keys].update(evidence.positions[m].section for m in shape.members)
    stable = evidence.t.stable_min
    return [bool(stable) and len(areas[shape.keys]) >= stable for shape in shapes]


def unify(
    positions: Sequence[Position], thresholds: Thresholds = DEFAULT
) -> tuple[list[Cluster], list[int], list[Join]]:
    """Clusters of positions, each position's cluster key, and every merge made with its
    reason (two positions and the rule that joined their clusters).

    Strong pairs are joined first. A weak pair is then joined only when all the weak partners of
    each of its shapes lie in one strong cluster: a bare `{id}` that fits inside a user and
    inside a repository says nothing about which it is, and must not bridge the two.
    """
    evidence = _Evidence(positions, thresholds)
    shapes = _shapes(evidence)
    clusters = _Clusters(evidence)
    for shape in shapes:
        for member in shape.members[1:]:
            clusters.union(shape.members[0], member, "identical evidence")
    if thresholds.operation_places:
        # rule O1: the examples of one operation show one place, whatever they differ in
        first: dict[tuple[str, str, str], int] = {}
        for position in positions:
            if position.request_root or not position.obj.props:
                continue
            place = (position.operation, position.role, position.path)
            other = first.setdefault(place, position.index)
            if other != position.index and evidence.kinds_compatible(other, position.index):
                clusters.union(other, position.index, "rule O1: one operation's examples")
    strong, weak = _candidate_pairs(shapes, evidence)
    for (i, j), reason in sorted(strong.items()):
        clusters.union(shapes[i].members[0], shapes[j].members[0], reason)
    partners: dict[int, set[int]] = defaultdict(set)
    for i, j in weak:
        partners[i].add(clusters.find(shapes[j].members[0]))
        partners[j].add(clusters.find(shapes[i].members[0]))
    for (i, j), reason in sorted(weak.items()):
        if len(partners[i]) == 1 and len(partners[j]) == 1:
            clusters.union(shapes[i].members[0], shapes[j].members[0], reason + " (unambiguous)")
    owner = [clusters.find(p.index) for p in positions]
    grouped: dict[int, Cluster] = {}
    for position in positions:
        grouped.setdefault(owner[position.index], Cluster(owner[position.index])).members.append(
            position
        )
    for cluster in grouped.values():
        cluster.key = cluster.members[0].index
    return list(grouped.values()), owner, clusters.joins
