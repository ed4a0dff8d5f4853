"""The changelog: what each recent revision of the input folder changed in the API.

The revisions are the last `config.changelog` ones that changed the input folder (or, with
`changelog_tags`, its last tags), newest first; each is compared with the one before it, and
those whose changes are all prose drop out. The comparison of two trees of the folder is kept
in the output's cache under their git tree ids, so a later run compares only new revisions.
Outside git, or with `changelog = 0`, there is no changelog.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from typing import Any

from apidocgen.config import Config
from apidocgen.diagnostics import Diagnostic, warning
from apidocgen.diff.git import (
    GitError,
    LogEntry,
    Repository,
    changelog_entries,
    changelog_repository,
)
from apidocgen.diff.rules import compare
from apidocgen.diff.sources import DiffError, revision_api
from apidocgen.diff.surface import Surface, surface_of_api
from apidocgen.model import Change, Revision

CACHE_VERSION = 1


@dataclass
class Changelog:
    revisions: tuple[Revision, ...] = ()
    diagnostics: list[Diagnostic] = field(default_factory=list)
    cache: bytes | None = None  # for the output's cache folder


def changelog(config: Config, cache: bytes | None, code: str) -> Changelog:
    """The revisions for the Changes page; `cache` is what the last run kept, `code` the
    digest of the generator (a new generator compares again)."""
    repository = changelog_repository(config)
    if repository is None:
        return Changelog()
    try:
        entries = changelog_entries(repository, config)
    except GitError as exc:
        where = str(config.input)
        return Changelog(diagnostics=[warning(where, 1, 1, f"no Changes page: {exc}")])
    kept = _read_cache(cache, code)
    builder = _Builder(config, repository, kept)
    revisions: list[Revision] = []
    for index, entry in enumerate(entries[: config.changelog]):
        before = entries[index + 1] if index + 1 < len(entries) else None
        revision = builder.revision(entry, before, shallow_end=repository.shallow)
        if revision is not None:
            revisions.append(revision)
    data = {"version": CACHE_VERSION, "code": code, "pairs": builder.used}
    return Changelog(
        tuple(revisions),
        builder.diagnostics,
        json.dumps(data, sort_keys=True, separators=(",", ":")).encode(),
    )


def _read_cache(cache: bytes | None, code: str) -> dict[str, Any]:
    try:
        data = json.loads(cache) if cache else {}
    except ValueError:
        return {}
    if not isinstance(data, dict) or data.get("version") != CACHE_VERSION:
        return {}
    pairs = data.get("pairs")
    return pairs if data.get("code") == code and isinstance(pairs, dict) else {}


class _Builder:
    """Compares trees of the input folder, each built at most once, each pair taken from the
    cache when it is there."""

    def __init__(self, config: Config, repository: Repository, kept: dict[str, Any]) -> None:
        self.config, self.repository, self.kept = config, repository, kept
        self.surfaces: dict[str, Surface | None] = {}
        self.used: dict[str, Any] = {}
        self.diagnostics: list[Diagnostic] = []

    def revision(
        self, entry: LogEntry, before: LogEntry | None, *, shallow_end: bool
    ) -> Revision | None:
        head_tree = self.repository.tree(entry.commit) or ""
        base_tree = self.repository.tree(before.commit) or "" if before else ""
        key = f"{base_tree}..{head_tree}"
        found = self.kept.get(key)
        changes = _changes(found)
        if changes is None:
            found = self._compare(entry, before, base_tree, head_tree)
            changes = _changes(found)
            if found is None or changes is None:
                return None
        assert isinstance(found, dict)
        self.used[key] = found
        first = before is None and not shallow_end
        if not changes and not first:
            return None  # prose only, or an unchanged tree (a tag of the same folder)
        return Revision(
            commit=entry.commit,
            date=entry.date,
            subject=entry.subject,
            tags=entry.tags,
            changes=changes,
            first=first,
            operations=int(found.get("operations") or 0),
        )

    def _compare(
        self, entry: LogEntry, before: LogEntry | None, base_tree: str, head_tree: str
    ) -> dict[str, Any] | None:
        head = self._surface(entry, head_tree)
        if head is None:
            return None
        if before is None or not base_tree:
            return {"changes": [], "operations": len(head.operations)}
        base = self._surface(before, base_tree)
        if base is None:
            return None
        changes = [asdict(change) for change in compare(base, head)]
        return {"changes": changes, "operations": len(head.operations)}

    def _surface(self, entry: LogEntry, tree: str) -> Surface | None:
        if tree not in self.surfaces:
            try:
                api = revision_api(self.config, self.repository, entry.commit, entry.commit[:12])
                self.surfaces[tree] = surface_of_api(api)
            except DiffError as exc:
                self.surfaces[tree] = None
                self.diagnostics.append(
                    warning(str(self.config.input), 1, 1, f"left out of the Changes page: {exc}")
                )
        return self.surfaces[tree]


def _changes(found: Any) -> tuple[Change, ...] | None:
    """The changes of a cached (or just made) comparison; None when it is not one."""
    if not isinstance(found, dict) or not isinstance(found.get("changes"), list):
        return None
    try:
        return tuple(Change(**change) for change in found["changes"])
    except TypeError:
        return None
