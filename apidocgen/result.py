"""What a run produced: output texts, what it kept from the previous run, diagnostics."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from apidocgen.diagnostics import Diagnostic, has_errors
from apidocgen.model import Api


@dataclass
class RunResult:
    """What a run produced.

    `files` maps output-relative posix paths to text; `reused` lists outputs whose inputs did
    not change since the previous run (left as they are on disk); `units` records the digest of
    what each render unit was built from and `unit_of` which unit wrote each output (for the
    next incremental run).
    """

    files: dict[str, str] = field(default_factory=dict)
    reused: set[str] = field(default_factory=set)
    units: dict[str, str] = field(default_factory=dict)
    unit_of: dict[str, str] = field(default_factory=dict)
    diagnostics: list[Diagnostic] = field(default_factory=list)
    api: Api | None = None
    openapi: dict[str, Any] | None = None
    timings: dict[str, float] = field(default_factory=dict)
    counts: dict[str, int] = field(default_factory=dict)
    rendered_units: list[str] = field(default_factory=list)
    # Files for the cache folder (output-relative path -> bytes), for the next run.
    caches: dict[str, bytes] = field(default_factory=dict)

    @property
    def failed(self) -> bool:
        return has_errors(self.diagnostics)

    def reuse(self, unit: str, paths: list[str]) -> None:
        """Keep `paths`, written by `unit` in the previous run, as they are on disk."""
        for path in paths:
            self.reused.add(path)
            self.unit_of[path] = unit
