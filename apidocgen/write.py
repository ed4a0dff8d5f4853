"""Stage 6, write: a deterministic output tree, updated atomically, with a manifest.

Only files that differ from what is on disk are written; files that the previous run wrote
and this one does not are removed. New content is staged in a temporary folder first and
moved into place only when everything was staged, so a failed run leaves the previous output
intact. The manifest (`.apidocgen-manifest.json`) records every output's digest and the key
of what it was built from, and the fingerprint of the inputs (see `manifest`).
"""

from __future__ import annotations

import difflib
import hashlib
import json
import os
import shutil
import stat
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

import orjson

from apidocgen import __version__
from apidocgen.manifest import (
    CACHE_DIR,
    CACHE_GITIGNORE,
    MANIFEST,
    OUTPUT_STATES,
    OutputStates,
    read_manifest,
)
from apidocgen.naming import is_reserved_file_name

# Characters Windows refuses in a file name (besides controls and `/`).
_FORBIDDEN = frozenset('<>:"|?*\\')


class UnsafePathError(ValueError):
    """A generated path that would leave the output folder or is not portable."""


@dataclass
class Changes:
    """What a write did (or, in check mode, would do)."""

    added: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    unchanged: int = 0

    @property
    def stale(self) -> bool:
        return bool(self.added or self.changed or self.removed)


def check_relative_path(path: str) -> str:
    """Return `path` if it is a safe relative posix path inside the output folder, portable
    to Windows and macOS: no controls, no `<>:"|?*\\`, no empty, `.` or `..` segment, no device
    name (`aux.py`), no segment ending in a dot or a space, none over 200 characters."""
    if not path or not path.isprintable() or any(char in _FORBIDDEN for char in path):
        raise UnsafePathError(f"unsafe output path {path!r}")
    if PurePosixPath(path).is_absolute():
        raise UnsafePathError(f"absolute output path {path!r}")
    for part in path.split("/"):  # not PurePosixPath.parts: it drops `.` and empty segments
        if (
            part in ("", ".", "..")
            or part.endswith((".", " "))
            or is_reserved_file_name(part)
            or len(part) > 200
        ):
            raise UnsafePathError(f"unsafe output path {path!r}")
    return path


def check_distinct_paths(paths: Iterable[str]) -> None:
    """Two outputs whose paths differ only in case are one file on Windows and macOS."""
    seen: dict[str, str] = {}
    for path in sorted(paths):
        first = seen.setdefault(path.casefold(), path)
        if first != path:
            raise UnsafePathError(f"output paths {first!r} and {path!r} differ only in case")


def digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _previous_files(manifest: dict[str, Any]) -> list[str]:
    files = manifest.get("files")
    return sorted(files) if isinstance(files, dict) else []


def plan(
    output: Path,
    files: dict[str, str],
    reused: Iterable[str] = (),
    previous: dict[str, Any] | None = None,
) -> Changes:
    """Compare generated files with the output folder without touching it (`previous`: the
    manifest in the folder, when the caller has read it already)."""
    changes = Changes()
    kept = set(reused)
    check_distinct_paths(files)
    for path in sorted(files):
        check_relative_path(path)
        try:
            current = (output / path).read_bytes()
        except OSError:
            changes.added.append(path)
            continue
        if current != files[path].encode("utf-8"):
            changes.changed.append(path)
        else:
            changes.unchanged += 1
    changes.unchanged += len(kept)
    for path in _previous_files(read_manifest(output) if previous is None else previous):
        if path in files or path in kept:
            continue
        try:
            check_relative_path(path)
        except UnsafePathError:
            continue
        if (output / path).is_file():
            changes.removed.append(path)
    return changes


def unified_diffs(
    output: Path, files: dict[str, str], changes: Changes, *, max_lines: int = 40
) -> list[str]:
    """A short unified diff per stale file, as `black --check --diff` shows them."""
    out: list[str] = []
    for path in changes.changed + changes.added + changes.removed:
        try:
            old = (output / path).read_text("utf-8").splitlines(keepends=True)
        except (OSError, UnicodeDecodeError):
            old = []
        new = files.get(path, "").splitlines(keepends=True)
        lines = list(difflib.unified_diff(old, new, f"a/{path}", f"b/{path}", n=2))
        if len(lines) > max_lines:
            lines = lines[:max_lines] + [f"... ({len(lines) - max_lines} more diff lines)\n"]
        out.append("".join(line if line.endswith("\n") else line + "\n" for line in lines))
    return out


def manifest_text(
    files: dict[str, str],
    reused: Iterable[str],
    units: dict[str, str],
    unit_of: dict[str, str],
    fingerprint: str,
    output: Path,
    diagnostics: Iterable[str] = (),
    previous_manifest: dict[str, Any] | None = None,
    digests: dict[str, str] | None = None,
) -> str:
    """The manifest for an output made of `files` plus the `reused` files already on disk.

    It also keeps the run's diagnostics, so that a later up-to-date run can repeat them.
    `digests` are those of `files`, when the caller has them already."""
    entries: dict[str, dict[str, str]] = {}
    if previous_manifest is None:
        previous_manifest = read_manifest(output)
    previous = previous_manifest.get("files") or {}
    for path in reused:
        old = previous.get(path) if isinstance(previous, dict) else None
        sha = old.get("sha256") if isinstance(old, dict) else None
        entries[path] = {"sha256": str(sha), "unit": unit_of.get(path, "")}
    for path, text in files.items():
        sha = digests[path] if digests is not None else digest(text)
        entries[path] = {"sha256": sha, "unit": unit_of.get(path, "")}
    data = {
        "generator": f"apidocgen {__version__}",
        "inputs": fingerprint,
        "units": units,
        "files": {p: entries[p] for p in sorted(entries)},
        "diagnostics": list(diagnostics),
    }
    options = orjson.OPT_INDENT_2 | orjson.OPT_SORT_KEYS | orjson.OPT_APPEND_NEWLINE
    try:
        return orjson.dumps(data, option=options).decode("utf-8")
    except (TypeError, orjson.JSONEncodeError):  # a lone surrogate in a diagnostic
        return json.dumps(data, indent=2, sort_keys=True) + "\n"


def write_output(
    output: Path,
    files: dict[str, str],
    *,
    reused: Iterable[str] = (),
    units: dict[str, str] | None = None,
    unit_of: dict[str, str] | None = None,
    fingerprint: str = "",
    diagnostics: Iterable[str] = (),
    states: OutputStates | None = None,
) -> Changes:
    """Bring `output` to `files` plus the `reused` files, changing only what differs.

    Then record the state (size, mtime) of every output whose content is known, for the
    next run to check them without hashing; `states` holds what this run saw of the reused
    files (see `manifest.OutputStates`).
    """
    reused = sorted(set(reused))
    digests = {path: digest(text) for path, text in files.items()}
    before = {path: _state(output / path) for path in files}
    changes = _write_tree(output, files, reused, units, unit_of, fingerprint, diagnostics, digests)
    _record_states(output, files, reused, digests, before, changes, states)
    return changes


def _write_tree(
    output: Path,
    files: dict[str, str],
    reused: list[str],
    units: dict[str, str] | None,
    unit_of: dict[str, str] | None,
    fingerprint: str,
    diagnostics: Iterable[str],
    digests: dict[str, str],
) -> Changes:
    manifest_path = output / MANIFEST
    try:
        old_manifest: str | None = manifest_path.read_text("utf-8")
    except (OSError, UnicodeDecodeError):
        old_manifest = None
    previous = _parse_manifest(old_manifest)
    changes = plan(output, files, reused, previous)
    manifest = manifest_text(
        files,
        reused,
        units or {},
        unit_of or {},
        fingerprint,
        output,
        diagnostics,
        previous,
        digests,
    )
    to_write = changes.added + changes.changed
    manifest_same = old_manifest == manifest
    if not to_write and not changes.removed and manifest_same:
        return changes
    output.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{output.name}.", dir=output.parent))
    try:
        if not output.exists():
            for path in sorted(files):
                _write_file(staging / path, files[path])
            _write_file(staging / MANIFEST, manifest)
            os.replace(staging, output)
            return changes
        for path in to_write:
            _write_file(staging / path, files[path])
        _write_file(staging / MANIFEST, manifest)
        for path in to_write:
            target = output / path
            target.parent.mkdir(parents=True, exist_ok=True)
            os.replace(staging / path, target)
        for path in changes.removed:
            (output / path).unlink(missing_ok=True)
            _prune_empty_dirs(output, (output / path).parent)
        os.replace(staging / MANIFEST, manifest_path)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return changes


def _size(path: Path) -> int | None:
    try:
        return path.stat().st_size
    except OSError:
        return None


def _state(path: Path) -> tuple[int, int] | None:
    try:
        info = path.stat()
    except OSError:
        return None
    return (info.st_size, info.st_mtime_ns)


def _record_states(
    output: Path,
    files: dict[str, str],
    reused: list[str],
    digests: dict[str, str],
    before: dict[str, tuple[int, int] | None],
    changes: Changes,
    states: OutputStates | None,
) -> None:
    """Record (size, mtime_ns, sha256) of each output whose content this run knows: written
    now, found equal to what was generated, or reused after `states` checked it. A file that
    changed since it was checked gets no record (the next run hashes it)."""
    written = set(changes.added + changes.changed)
    seen = states.seen if states is not None else {}
    records: dict[str, tuple[int, int, str]] = {}
    for path in sorted({*files, *reused}):
        now = _state(output / path)
        if now is None:
            continue
        if path in files:
            if path in written or now == before.get(path):
                records[path] = (*now, digests[path])
        elif path in seen and seen[path][:2] == now:
            records[path] = seen[path]
    write_bookkeeping(output, {OUTPUT_STATES: OutputStates.to_bytes(records)})


def _parse_manifest(text: str | None) -> dict[str, Any]:
    """A manifest's data, as `read_manifest` gives it."""
    try:
        data = json.loads(text) if text is not None else {}
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}


def _write_file(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8", newline="\n") as handle:
        handle.write(text)


def write_bookkeeping(output: Path, files: dict[str, bytes]) -> None:
    """Write caches for the next run into `output`, each only where it differs from the disk.

    They are not outputs: the manifest does not list them and `check` does not compare them.
    One that cannot be written is left out (the next run does the work afresh); it never
    fails the run that already wrote its outputs.
    """
    if any(path.startswith(f"{CACHE_DIR}/") for path in files):
        files = dict([CACHE_GITIGNORE], **files)
    for path, data in sorted(files.items()):
        target = output / check_relative_path(path)
        if _size(target) == len(data) and read_regular_file(target) == data:
            continue
        temporary = None
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            fd, temporary = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent)
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
            os.replace(temporary, target)
        except OSError:
            if temporary is not None:
                Path(temporary).unlink(missing_ok=True)


def read_regular_file(path: Path) -> bytes | None:
    """The bytes of `path` if it is a regular file that can be read, else None (without
    blocking on a FIFO or following a final symlink)."""
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
    flags |= getattr(os, "O_BINARY", 0)
    try:
        fd = os.open(path, flags)
    except OSError:
        return None
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            return None
        chunks = []
        while chunk := os.read(fd, 1 << 20):
            chunks.append(chunk)
        return b"".join(chunks)
    except OSError:
        return None
    finally:
        os.close(fd)


def _prune_empty_dirs(root: Path, folder: Path) -> None:
    while folder != root and folder.is_relative_to(root):
        try:
            folder.rmdir()
        except OSError:
            return
        folder = folder.parent
