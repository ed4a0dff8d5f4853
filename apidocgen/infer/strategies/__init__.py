"""One strategy per JSON kind; importing this package registers them all with `Node`."""

from apidocgen.infer.strategies.array import ArrayKind
from apidocgen.infer.strategies.base import Emitter, Node, Schema, Strategy, merge_nodes
from apidocgen.infer.strategies.object import MapKind, ObjectKind
from apidocgen.infer.strategies.scalars import (
    AnyKind,
    BooleanKind,
    IntegerKind,
    NullKind,
    NumberKind,
)
from apidocgen.infer.strategies.string import StringKind

__all__ = [
    "AnyKind",
    "ArrayKind",
    "BooleanKind",
    "Emitter",
    "IntegerKind",
    "MapKind",
    "Node",
    "NullKind",
    "NumberKind",
    "ObjectKind",
    "Schema",
    "Strategy",
    "StringKind",
    "merge_nodes",
]
