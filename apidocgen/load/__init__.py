"""Stage 1, load: files under the input folder -> descriptors, pages, sections and diagnostics.

A descriptor is a file whose front matter (between `---` lines, `#` comment lines allowed)
holds a JSON object with endpoint fields. Files whose front matter has no endpoint fields
are pages (guides, section introductions, older hand-written endpoint pages). A folder is a
section; its `index.md` gives the section's title and introduction.

This stage and `write` are the only ones that touch the file system.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from pathlib import Path
from typing import Protocol

from apidocgen.diagnostics import Diagnostic, error
from apidocgen.load.descriptors import _check_duplicates, check_api_path, parameter_schema
from apidocgen.load.discover import _discover, _NotRegularFile, _read_bounded, _TooLarge
from apidocgen.load.front_matter import _decode_and_parse
from apidocgen.load.front_matter import _field_lines_json as _field_lines_json
from apidocgen.load.front_matter import _parse_yaml as _parse_yaml
from apidocgen.load.quoting import _join, printable
from apidocgen.load.records import (
    ENDPOINT_FIELDS,
    Descriptor,
    ExampleText,
    LoadResult,
    Page,
    Parameter,
    ParameterLocation,
    Section,
    _Limits,
)
from apidocgen.load.schema import _fast_valid as _fast_valid
from apidocgen.load.schema import descriptor_schema, descriptor_schema_text
from apidocgen.load.sections import _sections
from apidocgen.paths import path_matches_template
from apidocgen.paths import placeholder_names as path_template_names


class RecordCache(Protocol):
    """What earlier runs made of input files, by content (the pipeline passes the parse cache,
    `apidocgen.parse_cache.ParseCache`); the loader knows nothing else of it."""

    def file(
        self, source: str, digest: str, where: str
    ) -> tuple[Descriptor | Page | None, list[Diagnostic]] | None:
        """The record and diagnostics of `source` when its bytes hash to `digest`."""

    def remember_file(
        self,
        source: str,
        digest: str,
        where: str,
        record: Descriptor | Page | None,
        diagnostics: Iterable[Diagnostic],
    ) -> None:
        """Keep what this run made of a file it parsed."""


# Tests and benchmarks also call private helpers as attributes of this package
# (`_field_lines_json`, `_parse_yaml`, `_fast_valid`, `_Limits`): those are imported above,
# the unused ones with redundant aliases that mark them as re-exported.
__all__ = [
    "RecordCache",
    "ENDPOINT_FIELDS",
    "Descriptor",
    "ExampleText",
    "LoadResult",
    "Page",
    "Parameter",
    "ParameterLocation",
    "Section",
    "check_api_path",
    "descriptor_schema",
    "descriptor_schema_text",
    "load_file",
    "load_input",
    "parameter_schema",
    "path_matches_template",
    "path_template_names",
    "printable",
]


def load_input(
    root: Path,
    *,
    max_descriptor_bytes: int,
    max_depth: int,
    display_root: str | None = None,
    cache: RecordCache | None = None,
) -> LoadResult:
    """Discover and read every `*.md` and `*.json` under `root`.

    `display_root` is how paths are shown in diagnostics (defaults to `root` as given).
    A file whose bytes `cache` has seen before is not parsed again; what is parsed is handed
    to `cache` for the next run.
    """
    shown = display_root if display_root is not None else str(root)
    limits = _Limits(max_descriptor_bytes, max_depth)
    diagnostics: list[Diagnostic] = []
    if not root.is_dir():
        return LoadResult((), (), (), (error(shown, 1, 1, "input folder does not exist"),))
    files, walk_problems = _discover(root, shown)
    diagnostics.extend(walk_problems)
    descriptors: list[Descriptor] = []
    pages: list[Page] = []
    folders: set[str] = set()
    for rel, real in files:
        where = _join(shown, rel)
        folder = rel.rpartition("/")[0]
        folders.add(folder)
        record, problems = _load_file(real, rel, where, limits, cache)
        diagnostics.extend(problems)
        if isinstance(record, Descriptor):
            descriptors.append(record)
        elif isinstance(record, Page):
            pages.append(record)
    diagnostics.extend(_check_duplicates(descriptors, shown))
    sections = _sections(folders, pages)
    return LoadResult(
        tuple(descriptors),
        tuple(pages),
        sections,
        tuple(sorted(diagnostics)),
    )


def load_file(
    path: Path, *, max_descriptor_bytes: int, max_depth: int, display: str | None = None
) -> tuple[Descriptor | Page | None, list[Diagnostic]]:
    """One input file read as `load_input` reads each (its section is its folder's name)."""
    where = display if display is not None else str(path)
    return _load_file(path, path.name, where, _Limits(max_descriptor_bytes, max_depth))


def _load_file(
    path: Path, rel: str, where: str, limits: _Limits, cache: RecordCache | None = None
) -> tuple[Descriptor | Page | None, list[Diagnostic]]:
    try:
        raw = _read_bounded(path, limits.max_descriptor_bytes)
    except _TooLarge as exc:
        return None, [
            error(
                where,
                1,
                1,
                f"file is {exc.size:,} bytes, over the limit of {limits.max_descriptor_bytes:,}"
                " bytes (raise max_descriptor_bytes in [tool.apidocgen] to allow it)",
            )
        ]
    except _NotRegularFile:
        return None, [
            error(where, 1, 1, "not a regular file (a FIFO, socket or device?); remove it")
        ]
    except OSError as exc:
        return None, [error(where, 1, 1, f"cannot read file: {exc.strerror}")]
    digest = hashlib.sha256(raw).hexdigest()
    if cache is not None:
        cached = cache.file(rel, digest, where)
        if cached is not None:
            return cached
    record, problems = _decode_and_parse(raw, rel, where, digest, limits)
    if cache is not None:
        cache.remember_file(rel, digest, where, record, problems)
    return record, problems
