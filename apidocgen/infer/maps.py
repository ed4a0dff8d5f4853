"""Maps versus records: when an object's keys are data, it becomes `additionalProperties`.

Rules (applied top-down to each object place, after observation, before unification):

1. Data keys. Every key looks like a value rather than a field name: a number, a UUID, a hex
   hash (7+ hex digits with a digit in them, as git abbreviates), a date or date-time, an
   address (email, URI, IP), or text with characters no field name uses (spaces, dots, slashes,
   colons, quotes: file names, MIME types, namespaced settings). One such key is enough when
   all keys are like it: quicktype likewise makes all-digit keys a map "no questions asked".
   This is our analogue of quicktype's Markov chain over property names (which scores how
   "word-like" a name is); a deterministic classifier is cheaper, explainable and testable.
2. Many keys, one shape. At least `MANY_KEYS` (20, quicktype's `mapSizeThreshold`) keys whose
   values are all of one non-null kind, and for object values sharing at least half of their
   keys; for scalar values at least `MANY_SCALAR_KEYS` (50, quicktype's
   `stringMapSizeThreshold`), since records with 20-odd string or boolean fields are common
   (a GitHub user has 18 URL fields).

Nothing else is a map: a record with ordinary field names stays a record however it varies.
"""

from __future__ import annotations

from apidocgen.infer.formats import detect_format
from apidocgen.infer.strategies import MapKind, Node, ObjectKind, merge_nodes

MANY_KEYS = 20
MANY_SCALAR_KEYS = 50
SHARED_KEYS = 0.5
MIN_HASH = 7

_HEX = frozenset("0123456789abcdefABCDEF")
_DIGITS = frozenset("0123456789")
_NAME_PUNCTUATION = frozenset("_-$@")
_CONTAINERS = frozenset(("object", "map", "array"))


def is_data_key(key: str) -> bool:
    """True when `key` reads as a value (id, hash, date, address, free text), not a field name."""
    if not key:
        return True
    digits = key[1:] if key[0] == "-" and len(key) > 1 else key
    if all(ch in _DIGITS for ch in digits):
        return True
    if len(key) >= MIN_HASH and all(ch in _HEX for ch in key) and any(ch in _DIGITS for ch in key):
        return True
    if any(not (ch.isalnum() or ch in _NAME_PUNCTUATION) for ch in key):
        return True
    return detect_format(key) is not None


def _value_kinds(node: Node) -> frozenset[str]:
    kinds = {k for k in node.kinds if k != "null"}
    if "integer" in kinds and "number" in kinds:
        kinds.discard("integer")
    return frozenset("object" if k == "map" else k for k in kinds)


def is_map(record: ObjectKind) -> bool:
    """The map rule (see the module docstring)."""
    props = record.props
    if not props:
        return False
    if all(is_data_key(key) for key in props):
        return True
    if len(props) < MANY_KEYS:
        return False
    kinds = {_value_kinds(node) for node in props.values()}
    kinds.discard(frozenset())
    if len(kinds) != 1:
        return False
    (only,) = kinds
    if len(only) != 1:
        return False
    if not only & _CONTAINERS:
        return len(props) >= MANY_SCALAR_KEYS
    if "object" in only:
        key_sets = [
            set(strategy.props)
            for node in props.values()
            if isinstance(strategy := node.kinds.get("object"), ObjectKind)
        ]
        if key_sets:
            union = set().union(*key_sets)
            common = set.intersection(*key_sets)
            return len(common) >= SHARED_KEYS * len(union)
    return True


def detect_maps(root: Node) -> None:
    """Turn every object place that the map rule accepts into a `MapKind`, top-down.

    Top-down, so that a map's merged value node (which holds more evidence than any single
    value) is judged in turn.
    """
    pending = [root]
    while pending:
        node = pending.pop()
        record = node.kinds.get("object")
        if isinstance(record, ObjectKind) and is_map(record):
            del node.kinds["object"]
            made = MapKind.from_object(record)
            existing = node.kinds.get("map")
            if existing is None:
                node.kinds["map"] = made
            else:
                for kept, absorbed in existing.absorb(made):
                    merge_nodes(kept, absorbed)
        for strategy in node.kinds.values():
            pending.extend(strategy.children())
