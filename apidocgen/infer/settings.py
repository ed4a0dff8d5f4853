"""Every threshold and weight inference uses, in one value.

Each was chosen by cross-validation on the GitHub corpus split by tag (`bench/cv.py`: chosen
on four folds, scored on the fifth); the README reports the held-out figures. `Thresholds()`
is what a run uses; the benchmark passes others to choose among them.
"""

from __future__ import annotations

from dataclasses import dataclass, fields, replace
from typing import Any


@dataclass(frozen=True)
class Thresholds:
    """The numbers behind inference's rules (see `unify` and `evidence` for each rule)."""

    # unification (`unify`)
    same_name_jaccard: float = 0.6  # rule 2: key overlap of shapes that answer to one name
    subset_share: float = 0.6  # rule 2: a subset this large of the other is the same thing
    strong_min_keys: int = 3  # rule 2: smaller overlaps are weak
    any_name_jaccard: float = 0.8  # rule 3: key overlap of shapes under different names
    any_name_min_keys: int = 6  # rule 3
    resource_overlap: float = 0.3  # rule 4: bodies of one REST collection
    stable_min: int = 3  # rule 5: API areas that make a key set an established type
    unalike_share: float = 0.1  # rule 6
    named_unalike_share: float = 0.3  # rule 6, when a whole name is shared
    title_word_same_collection: bool = True  # rule 2: a title word alone needs one collection
    # optional and nullable properties (`evidence`)
    operation_places: bool = True  # rule O1: every example of an operation is one place
    description_marks: bool = True  # rule O2: descriptions that say optional or null
    # names (`naming`)
    resource_names: bool = True  # rule N1: an object linking to itself names its resource
    container_siblings: int = 3  # rule N2: like siblings take their container's name

    def with_values(self, **values: Any) -> Thresholds:
        """A copy with some values replaced (unknown names raise `TypeError`)."""
        known = {f.name for f in fields(self)}
        unknown = sorted(set(values) - known)
        if unknown:
            raise TypeError(f"unknown thresholds: {', '.join(unknown)}")
        return replace(self, **values)


DEFAULT = Thresholds()
