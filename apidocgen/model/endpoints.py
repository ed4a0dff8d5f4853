"""Endpoints: each descriptor with its parsed examples and a stable operation id, and the
example bodies inference learns from.

This sits between `http` and `infer`: operation ids name inferred schemas, and only routed
endpoints' bodies are evidence (a documented-only page repeats a route another file owns).
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from apidocgen.http import ParsedExamples
from apidocgen.infer import BodySample, DocumentedField
from apidocgen.load import Descriptor, Section
from apidocgen.naming import snake_identifier
from apidocgen.paths import route_key


@dataclass(frozen=True)
class Endpoint:
    """A descriptor with its parsed examples and the names the outputs use for it."""

    descriptor: Descriptor
    examples: ParsedExamples
    operation_id: str
    routed: bool  # False: documented only (no api_path, or another file owns the route)
    more: tuple[tuple[str, ParsedExamples], ...] = ()  # further examples, named (`examples`)


def assign_operation_ids(
    descriptors: Sequence[Descriptor],
    examples: Sequence[ParsedExamples],
    more: Sequence[tuple[tuple[str, ParsedExamples], ...]] | None = None,
) -> tuple[Endpoint, ...]:
    """Stable operation ids from file names; a section prefix only where stems collide.
    `more` holds each descriptor's further examples, named."""
    more = more if more is not None else [()] * len(descriptors)
    stems = Counter(snake_identifier(d.stem, fallback="operation") for d in descriptors)
    taken: set[str] = set()
    routes: set[tuple[str, str]] = set()
    out = []
    for descriptor, parsed, extras in zip(descriptors, examples, more, strict=True):
        base = snake_identifier(descriptor.stem, fallback="operation")
        if stems[base] > 1:
            base = snake_identifier(f"{descriptor.section} {descriptor.stem}", fallback="operation")
        operation_id = base
        if operation_id in taken:
            # Same section and stem after normalisation (e.g. `a-b.md` and `a_b.md`).
            operation_id = snake_identifier(f"{descriptor.source}", fallback="operation")
        if operation_id in taken:
            # Sources that differ only in punctuation: the source path's digest tells them
            # apart, and stays the same whatever else is added.
            operation_id = f"{base}_{short_digest(descriptor.source)}"
        taken.add(operation_id)
        routed = descriptor.api_path is not None
        if routed:
            route = (descriptor.method, route_key(descriptor.api_path or ""))
            routed = route not in routes
            routes.add(route)
        out.append(Endpoint(descriptor, parsed, operation_id, routed, extras))
    return tuple(out)


def body_samples(endpoints: Sequence[Endpoint], sections: Sequence[Section]) -> list[BodySample]:
    """The example bodies that inference learns from: success responses and request bodies."""
    titles = {s.path: s.title for s in sections}
    samples: list[BodySample] = []
    for endpoint in endpoints:
        d = endpoint.descriptor
        if not endpoint.routed:
            continue
        section = titles.get(d.section, d.section)
        common: dict[str, Any] = dict(
            operation_id=endpoint.operation_id,
            title=d.title,
            api_path=d.api_path or "",
            method=d.method,
            section=section,
            description=d.description or "",
        )
        every = [endpoint.examples, *(parsed for _, parsed in endpoint.more)]
        for parsed in every:
            response = parsed.response
            if response is not None and not response.is_error and response.body.is_structured:
                samples.append(
                    BodySample(
                        key=f"{endpoint.operation_id}.response",
                        role="response",
                        value=response.body.value,
                        **common,
                    )
                )
        documented = tuple(
            DocumentedField(p.name, p.schema, p.description, p.required) for p in d.body_parameters
        )
        bodies = [
            parsed.request.body.value
            for parsed in every
            if parsed.request is not None and parsed.request.body.is_structured
        ]
        if documented and not bodies:
            bodies = [{}]  # an empty example body still documents what may be sent
        for value in bodies:
            samples.append(
                BodySample(
                    key=f"{endpoint.operation_id}.request",
                    role="request",
                    value=value,
                    documented=documented,
                    **common,
                )
            )
    return samples


def short_digest(text: str) -> str:
    """Eight hex digits that tell apart names which normalise alike."""
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:8]
