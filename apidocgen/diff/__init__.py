"""API changes between two versions of the descriptors: `apidocgen diff` and the changelog.

The pieces: `surface` (what users of an API see, comparable between versions), `rules` (each
change classified by a named rule, breaking or not), `git` (the input folder's history),
`sources` (the current descriptors, and a BASE: revision, output folder or openapi.json),
`report` (text, Markdown, JSON) and `history` (the site's Changes page).

This module imports nothing at load time, so that `diff.git.history_key` stays cheap for
deciding whether an output is up to date.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from apidocgen.config import Config
    from apidocgen.diagnostics import Diagnostic
    from apidocgen.diff.report import Report


def diff(
    config: Config, base: str | None, *, display_input: str
) -> tuple[Report | None, list[Diagnostic]]:
    """Compare the current descriptors with BASE; None (and the diagnostics) when the current
    descriptors have errors. A BASE that cannot be compared raises `sources.DiffError`."""
    from apidocgen.diff.report import Report
    from apidocgen.diff.rules import compare
    from apidocgen.diff.sources import base_surface, head_surface

    head, diagnostics = head_surface(config, display_input)
    if head is None:
        return None, diagnostics
    base_side, label = base_surface(config, base)
    changes = tuple(compare(base_side, head))
    return Report(label, "the working tree", display_input, changes), diagnostics
