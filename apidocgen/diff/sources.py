"""The two sides of a comparison: the API of the current descriptors, and of a BASE.

A BASE is a git revision of the input folder (default: the merge base of HEAD with the
default branch), a previous output folder (its `openapi.json`), an `openapi.json` file, or a
folder of descriptors. A base that cannot be read is a `DiffError` (exit 2); so is a base
whose descriptors do not load.
"""

from __future__ import annotations

import json
import tempfile
from dataclasses import replace
from pathlib import Path

from apidocgen.config import Config
from apidocgen.diagnostics import Diagnostic
from apidocgen.diff.git import GitError, Repository, repository_of
from apidocgen.diff.surface import Surface, surface_of_api, surface_of_document
from apidocgen.model import Api


class DiffError(Exception):
    """The comparison cannot be made (the message is one line for the user)."""


def head_surface(config: Config, display_input: str) -> tuple[Surface | None, list[Diagnostic]]:
    """The surface of the current descriptors, with their diagnostics (None on errors)."""
    api, diagnostics = api_of(config, display_input)
    return (surface_of_api(api) if api is not None else None), diagnostics


def base_surface(config: Config, base: str | None) -> tuple[Surface, str]:
    """The surface of BASE and how to name it in the report."""
    if base is not None and Path(base).exists():
        return _path_surface(config, Path(base)), base
    repository = repository_of(config.input)
    if repository is None:
        raise DiffError(
            f"{config.input} is not in a git repository: name a previous output folder,"
            " an openapi.json or a folder of descriptors as BASE"
        )
    try:
        if base is None:
            label, commit = repository.default_base()
        else:
            label, commit = base, repository.resolve(base)
        return revision_surface(config, repository, commit, label), f"{label} ({commit[:12]})"
    except GitError as exc:
        raise DiffError(str(exc)) from None


def revision_surface(config: Config, repository: Repository, commit: str, label: str) -> Surface:
    """The surface of the input folder as it is at `commit`."""
    api = revision_api(config, repository, commit, label)
    return surface_of_api(api)


def revision_api(config: Config, repository: Repository, commit: str, label: str) -> Api:
    with tempfile.TemporaryDirectory(prefix="apidocgen-base-") as folder:
        try:
            tree = repository.extract(commit, Path(folder))
        except GitError as exc:
            raise DiffError(str(exc)) from None
        shown = f"{label}:{repository.prefix or '.'}"
        api, diagnostics = api_of(replace(config, input=tree), shown)
    if api is None:
        first = next(d for d in diagnostics if d.severity == "error")
        raise DiffError(f"the descriptors at {label} do not load: {first.format()}")
    return api


def api_of(config: Config, display_input: str) -> tuple[Api | None, list[Diagnostic]]:
    from apidocgen.pipeline import api_model

    return api_model(config, display_input=display_input)


def _path_surface(config: Config, path: Path) -> Surface:
    document_file = path / "openapi.json" if path.is_dir() else path
    if path.is_dir() and not document_file.is_file():
        api, diagnostics = api_of(replace(config, input=path), str(path))
        if api is None:
            first = next(d for d in diagnostics if d.severity == "error")
            raise DiffError(f"the descriptors in {path} do not load: {first.format()}")
        return surface_of_api(api)
    try:
        document = json.loads(document_file.read_bytes())
    except (OSError, ValueError) as exc:
        raise DiffError(f"{document_file}: cannot read an OpenAPI document: {exc}") from None
    if not isinstance(document, dict) or not isinstance(document.get("paths"), dict):
        raise DiffError(f"{document_file}: not an OpenAPI document (no paths)")
    return surface_of_document(document)
