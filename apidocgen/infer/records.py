"""What inference takes and gives: example bodies with their context, documented body
fields, and the inferred schemas."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal


@dataclass(frozen=True)
class DocumentedField:
    """A body parameter documented in the descriptor (`parameters`)."""

    name: str
    schema: dict[str, Any]
    description: str
    required: bool


@dataclass(frozen=True)
class BodySample:
    """One example body, with the context that names and unifies what is inferred from it."""

    key: str  # stable, e.g. "get_group_events.response"; shared by examples of one body
    role: Literal["request", "response"]
    value: Any  # parsed JSON
    operation_id: str
    title: str
    api_path: str
    method: str
    section: str
    documented: tuple[DocumentedField, ...] = ()
    description: str = ""  # the endpoint's description (it may say a field is optional)


@dataclass(frozen=True)
class InferenceResult:
    """Named component schemas, and the root schema of each sample (usually a `$ref`)."""

    components: dict[str, dict[str, Any]] = field(default_factory=dict)
    roots: dict[str, dict[str, Any]] = field(default_factory=dict)
