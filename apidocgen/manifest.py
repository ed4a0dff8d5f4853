"""Incremental runs: fingerprints of what an output was built from.

The manifest in the output folder records a fingerprint of every input (descriptor files,
configuration, templates, generator version) and, per output file, its digest and the key of
what it was rendered from. A run whose input fingerprint matches the manifest has nothing to
do; otherwise only the outputs whose keys changed are rendered again.
"""

from __future__ import annotations

import hashlib
import json
import os
import stat
from dataclasses import asdict
from pathlib import Path
from typing import Any

import orjson

from apidocgen import __version__
from apidocgen.config import Config
from apidocgen.digests import checked_body, checksummed, stable_hash

MANIFEST = ".apidocgen-manifest.json"
# Caches for the next run (not outputs: the manifest does not list them, check ignores them).
CACHE_DIR = ".apidocgen-cache"
OUTPUT_STATES = f"{CACHE_DIR}/outputs.json"
CLIENT_TYPES = f"{CACHE_DIR}/client-types.json"
INFERENCE = f"{CACHE_DIR}/inference.json"
CHANGES = f"{CACHE_DIR}/changes.json"
# Tools that find the folder should leave it alone (as with .pytest_cache and .ruff_cache).
CACHE_GITIGNORE = (
    f"{CACHE_DIR}/.gitignore",
    b"# Created by apidocgen: a cache, never commit it.\n*\n",
)


def _tree_digest(root: Path, suffixes: tuple[str, ...] | None) -> list[tuple[str, str]]:
    """(relative path, sha256) of the files under `root`; symlinked folders are not entered,
    like `load` does. Reading a superset of what `load` reads keeps skipping safe."""
    out: list[tuple[str, str]] = []
    if not root.is_dir():
        return out
    for dirpath, dirnames, filenames in os.walk(root, followlinks=False):
        dirnames.sort()
        for name in sorted(filenames):
            if suffixes is not None and not name.endswith(suffixes):
                continue
            path = Path(dirpath) / name
            try:
                info = path.lstat()
                if stat.S_ISLNK(info.st_mode):
                    # Never read through a link: it may lead out of the input, to /dev/zero or
                    # a FIFO. A target inside the input is hashed where it lies.
                    data = b"symlink to " + os.fsencode(os.readlink(path))
                elif not stat.S_ISREG(info.st_mode):
                    data = b"not a regular file"  # a FIFO would block the read forever
                else:
                    data = path.read_bytes()
            except OSError as exc:
                data = f"unreadable: {exc.strerror}".encode()
            out.append((path.relative_to(root).as_posix(), hashlib.sha256(data).hexdigest()))
    out.sort()
    return out


def input_fingerprint(config: Config, shipped_templates: Path) -> str:
    """Everything a run's output depends on, as one digest."""
    settings = {k: v for k, v in asdict(config).items() if k not in ("input", "output", "strict")}
    return stable_hash(
        {
            "generator": __version__,
            "config": settings,
            "strict": config.strict,
            "inputs": _tree_digest(config.input, (".md", ".json")),
            "templates": _tree_digest(shipped_templates, None),
            "user_templates": _tree_digest(config.templates, None) if config.templates else [],
        }
    )


def read_manifest(output: Path) -> dict[str, Any]:
    """The previous run's manifest, or an empty one."""
    try:
        data = json.loads((output / MANIFEST).read_text("utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


class OutputStates:
    """What each output file held when last seen, by its size and modification time.

    Hashing every output to find the ones edited by hand costs more than a re-run's other
    checks together; a file whose size and mtime are those recorded after the last write
    still holds the content recorded then. The record lives in the cache folder, not in the
    manifest (which stays the same bytes for the same input). As in git, a record is
    trusted only for a file last modified before the record itself was written: an edit in
    the same clock tick as the write is caught by hashing.
    """

    def __init__(self, records: dict[str, tuple[int, int, str]], written_ns: int) -> None:
        self._records = records
        self._written_ns = written_ns
        self.seen: dict[str, tuple[int, int, str]] = {}  # path -> (size, mtime_ns, sha256)
        self.trusted = 0
        self.hashed = 0

    def sha256(self, output: Path, path: str) -> str | None:
        """The digest of `output/path` (None when it cannot be read as a regular file)."""
        flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
        try:
            fd = os.open(output / path, flags)
        except OSError:
            return None
        try:
            info = os.fstat(fd)
            if not stat.S_ISREG(info.st_mode):
                return None
            state = (info.st_size, info.st_mtime_ns)
            record = self._records.get(path)
            if record is not None and record[:2] == state and state[1] < self._written_ns:
                self.trusted += 1
                self.seen[path] = record
                return record[2]
            with os.fdopen(os.dup(fd), "rb") as handle:
                sha = hashlib.file_digest(handle, "sha256").hexdigest()
        except OSError:
            return None
        finally:
            os.close(fd)
        self.hashed += 1
        self.seen[path] = (*state, sha)
        return sha

    @staticmethod
    def to_bytes(records: dict[str, tuple[int, int, str]]) -> bytes:
        """A record file: a checksum line, then the records as JSON."""
        body = orjson.dumps({"format": 1, "files": records}, option=orjson.OPT_SORT_KEYS)
        return checksummed(body)


def read_output_states(output: Path) -> OutputStates:
    """The record of the output files' states, or an empty one when it is missing or damaged."""
    empty = OutputStates({}, 0)
    try:
        with open(output / OUTPUT_STATES, "rb") as handle:
            written_ns = os.fstat(handle.fileno()).st_mtime_ns
            body = checked_body(handle.read())
        if body is None:
            return empty
        data = orjson.loads(body)
        records = {
            str(path): (int(size), int(mtime), str(sha))
            for path, (size, mtime, sha) in data["files"].items()
        }
    except (OSError, ValueError, TypeError, KeyError, AttributeError):
        return empty
    if data.get("format") != 1:
        return empty
    return OutputStates(records, written_ns)


def outputs_intact(
    output: Path, manifest: dict[str, Any], states: OutputStates | None = None
) -> bool:
    """True when every file the manifest lists is on disk with the recorded content."""
    files = manifest.get("files")
    if not isinstance(files, dict) or not files:
        return False
    if states is None:
        states = read_output_states(output)
    for path, entry in files.items():
        expected = entry.get("sha256") if isinstance(entry, dict) else None
        if states.sha256(output, path) != expected:
            return False
    return True


def parent_unit(unit: str) -> str | None:
    """The render unit a smaller one belongs to: endpoint pages and the models page belong to
    the docs, section modules to the client (the larger unit is reused only whole)."""
    if unit.startswith("page:") or unit == "models-page":
        return "docs"
    if unit.startswith("client:"):
        return "client"
    return None


def reusable_manifest(
    output: Path, manifest: dict[str, Any], states: OutputStates | None = None
) -> dict[str, Any]:
    """The manifest less every render unit that is no longer intact on disk.

    Outputs rendered together form a unit; if any file of a unit was edited or deleted by
    hand, the whole unit is rendered again rather than reused.
    """
    files = manifest.get("files")
    units = manifest.get("units")
    if not isinstance(files, dict) or not isinstance(units, dict):
        return {}
    if states is None:
        states = read_output_states(output)
    broken: set[str] = set()
    for path, entry in files.items():
        if not isinstance(entry, dict):
            continue
        if states.sha256(output, path) != entry.get("sha256"):
            unit = str(entry.get("unit"))
            broken.add(unit)
            parent = parent_unit(unit)
            if parent is not None:
                broken.add(parent)
    return dict(
        manifest,
        units={name: key for name, key in units.items() if name not in broken},
        files={
            p: e
            for p, e in files.items()
            if isinstance(e, dict) and str(e.get("unit")) not in broken
        },
    )
