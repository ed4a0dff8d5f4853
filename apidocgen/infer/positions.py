"""Where objects sit in the example bodies (positions), and the groups of positions that
unification finds to be one kind of thing (clusters): the data that unification, naming,
nullability and schema emission share."""

from __future__ import annotations

from dataclasses import dataclass, field

from apidocgen.infer.strategies import ObjectKind


@dataclass(eq=False)
class Position:
    """One object place in one body, with the context that names and unifies it."""

    index: int
    obj: ObjectKind
    hint: tuple[str, ...]  # words naming the place
    from_title: bool  # hint taken from the endpoint title (a body or its items), not a property
    parent: int | None  # position of the enclosing object
    sample: int  # index into the sorted samples
    role: str
    path: str  # within the body, e.g. "/items[]/owner"
    section: str  # the API area of the sample
    resource: str = ""  # for a response body (or its items): the collection its path names
    operation: str = ""  # the operation id of the sample

    @property
    def request_root(self) -> bool:
        return self.role == "request" and self.path == ""


@dataclass
class Cluster:
    """Positions found to be one kind of thing: one component."""

    key: int  # the smallest member index
    members: list[Position] = field(default_factory=list)

    @property
    def keys(self) -> set[str]:
        return set().union(*(m.obj.props for m in self.members))
