"""Observation: walk one JSON body (iteratively) into a tree of `Node`s.

Every value at the same place is recorded in the same node: all items of an array share one
item node, so the item schema merges every item's evidence; a property's values across the
instances of an object place share one node.
"""

from __future__ import annotations

from typing import Any

from apidocgen.infer.strategies import AnyKind, Node

# Containers nested deeper than this are described by `{}`. Upstream limits bodies to 64 levels,
# so real examples never reach it; it bounds the (recursive) emitter on arbitrary input.
MAX_DEPTH = 100


def observe(value: Any, max_depth: int = MAX_DEPTH) -> Node:
    """The node tree of one body."""
    root = Node()
    pending: list[tuple[Any, Node, int]] = [(value, root, 0)]
    while pending:
        item, node, depth = pending.pop()
        if depth >= max_depth and isinstance(item, (dict, list, tuple)):
            node.strategy(AnyKind).add(item)
            continue
        children = node.add(item)
        if children:
            deeper = depth + 1
            pending.extend((child, child_node, deeper) for child, child_node in children)
    return root
