"""`apidocgen migrate`: rewrite endpoint pages of the older format as descriptors.

Each page is read as `load` reads it (`load.legacy`), and written back, in place, as a
descriptor in the seed's format: a `---` block holding a comment line and the JSON object,
keys sorted, every field present (`null` when the page has none), so that a folder moves
over once and generating from it gives the same operations as before. Pages that are not
endpoint pages of the older format are left as they are. Every write is atomic.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from apidocgen.config import Config
from apidocgen.diagnostics import Diagnostic
from apidocgen.files import replace_file
from apidocgen.load import ENDPOINT_FIELDS, Descriptor, Parameter, load_file

HEADER = "# Migrated by `apidocgen migrate` from an endpoint page of the older hand-written format."


@dataclass
class Migration:
    """What a migration found: the pages it rewrites (path -> new text), the files it leaves,
    the diagnostics of reading them."""

    pages: dict[Path, str] = field(default_factory=dict)
    left: list[Path] = field(default_factory=list)
    diagnostics: list[Diagnostic] = field(default_factory=list)


def plan_migration(paths: list[Path], config: Config) -> Migration:
    """Read every `.md` file of `paths` (files, or folders searched recursively)."""
    migration = Migration()
    for path in _files(paths):
        record, problems = load_file(
            path,
            max_descriptor_bytes=config.max_descriptor_bytes,
            max_depth=config.max_depth,
            display=str(path),
        )
        if isinstance(record, Descriptor) and record.legacy:
            migration.pages[path] = descriptor_text(record)
            migration.diagnostics.extend(problems)
        else:
            migration.left.append(path)
    return migration


def _files(paths: list[Path]) -> list[Path]:
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            found.extend(
                p for p in sorted(path.rglob("*.md")) if p.is_file() and not p.is_symlink()
            )
        else:
            found.append(path)
    return found


def descriptor_text(descriptor: Descriptor, header: str = HEADER) -> str:
    """The descriptor as a file in the seed's format (`header`: its comment line)."""
    data: dict[str, Any] = dict.fromkeys(ENDPOINT_FIELDS)
    data.update(
        api_path=descriptor.api_path,
        method=descriptor.method,
        title=descriptor.title,
        description=descriptor.description or None,
        authentication=descriptor.authentication,
        warning=descriptor.warning,
        sidebar_order=descriptor.sidebar_order,
        example_request=descriptor.example_request or None,
        example_response=descriptor.example_response or None,
        path_parameters=_parameters(descriptor.path_parameters),
        query_parameters=_parameters(descriptor.query_parameters),
        parameters=_parameters(descriptor.body_parameters),
    )
    data.pop("examples")
    if descriptor.more_examples:
        data["examples"] = [
            {"name": e.name, "request": e.request or None, "response": e.response or None}
            for e in descriptor.more_examples
        ]
    return seed_format(data, header)


def seed_format(data: dict[str, Any], header: str) -> str:
    """A descriptor file as the seed's are written: a comment line, then the JSON object
    with sorted keys and two-space indentation."""
    body = json.dumps(data, indent=2, sort_keys=True, separators=(", ", ": "), ensure_ascii=True)
    return f"---\n{header}\n{body}\n---\n"


def _parameters(parameters: tuple[Parameter, ...]) -> list[dict[str, Any]] | None:
    out = []
    for p in parameters:
        item: dict[str, Any] = {"name": p.name}
        if p.type is not None:
            item["type"] = p.type
        if p.description:
            item["description"] = p.description
        out.append(item)
    return out or None


def write_migration(migration: Migration) -> list[Path]:
    """Write each migrated page in place (atomically); the paths that changed."""
    changed = []
    for path, text in migration.pages.items():
        data = text.encode("utf-8")
        if path.read_bytes() == data:
            continue
        replace_file(path, data)
        changed.append(path)
    return changed
