"""Why a component is what it is: where it occurs, which places were merged into it and by
which rule, and where its name came from. Plain values, for `apidocgen explain` to print."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from apidocgen.infer.evidence import Marks
from apidocgen.infer.positions import Cluster, Position
from apidocgen.infer.records import BodySample
from apidocgen.infer.unify import Join

MAX_MERGES = 50  # merges listed per component (the count says how many there were)


@dataclass(frozen=True)
class Merge:
    """Two places whose groups a rule joined."""

    first: str  # "<sample key> <path in the body>"
    second: str
    reason: str


@dataclass(frozen=True)
class ComponentExplanation:
    """Where one component occurs, what was merged into it and why, and its name's source."""

    name: str
    occurrences: tuple[str, ...]  # "<sample key> <path>", sorted
    merges: tuple[Merge, ...]
    merge_count: int
    name_source: str
    folded: tuple[str, ...] = ()  # names of identical components folded into this one
    marks: tuple[str, ...] = ()  # properties made optional or nullable by other evidence


def _place(position: Position, samples: Sequence[BodySample]) -> str:
    return f"{samples[position.sample].key} {position.path or '/'}"


def explain_clusters(
    clusters: Sequence[Cluster],
    names: Mapping[int, str],
    sources: Mapping[int, str],
    joins: Sequence[Join],
    positions: Sequence[Position],
    samples: Sequence[BodySample],
    marks: Marks,
    folded: Mapping[str, str],
) -> dict[str, ComponentExplanation]:
    """One explanation per component name (folded components explain their keeper)."""
    owner = {m.index: c.key for c in clusters for m in c.members}
    merges: dict[int, list[Merge]] = {}
    for first, second, reason in joins:
        key = owner.get(first)
        if key is not None:
            merges.setdefault(key, []).append(
                Merge(_place(positions[first], samples), _place(positions[second], samples), reason)
            )
    result: dict[str, ComponentExplanation] = {}
    for cluster in clusters:
        name = names.get(cluster.key)
        if name is None:
            continue
        keeper = folded.get(name, name)
        found = merges.get(cluster.key, [])
        notes = sorted(
            f"{key} {'optional' if kind == 'o' else 'nullable'}: {marks.reasons[(m.index, key)]}"
            for m in cluster.members
            for kind, table in (("o", marks.optional), ("n", marks.nullable))
            for key in table.get(m.index, ())
        )
        own = ComponentExplanation(
            name=keeper,
            occurrences=tuple(sorted(_place(m, samples) for m in cluster.members)),
            merges=tuple(found[:MAX_MERGES]),
            merge_count=len(found),
            name_source=sources.get(cluster.key, ""),
            marks=tuple(notes),
        )
        kept = result.get(keeper)
        if kept is None:
            result[keeper] = own
            continue
        # an identical component folded into `keeper`: its places and merges are the keeper's
        result[keeper] = ComponentExplanation(
            name=keeper,
            occurrences=tuple(sorted(kept.occurrences + own.occurrences)),
            merges=(kept.merges + own.merges)[:MAX_MERGES],
            merge_count=kept.merge_count + own.merge_count,
            name_source=kept.name_source if keeper != name else own.name_source,
            folded=tuple(sorted({*kept.folded, *([name] if name != keeper else [])})),
            marks=tuple(sorted({*kept.marks, *own.marks})),
        )
    for name, keeper in folded.items():
        if keeper in result and name not in result[keeper].folded:
            kept = result[keeper]
            result[keeper] = ComponentExplanation(
                kept.name, kept.occurrences, kept.merges, kept.merge_count, kept.name_source,
                tuple(sorted({*kept.folded, name})), kept.marks,
            )  # fmt: skip
    return dict(sorted(result.items()))
