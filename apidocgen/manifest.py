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

MANIFEST = ".apidocgen-manifest.json"


def stable_hash(value: Any) -> str:
    """A digest of JSON-like data that does not depend on dict order or the hash seed."""
    try:
        data = orjson.dumps(
            value, option=orjson.OPT_SORT_KEYS | orjson.OPT_NON_STR_KEYS, default=str
        )
    except (TypeError, orjson.JSONEncodeError):
        # Integers beyond 64 bits are out of orjson's range.
        text = json.dumps(
            value, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str
        )
        data = text.encode("utf-8", "surrogatepass")
    return hashlib.sha256(data).hexdigest()


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


def outputs_intact(output: Path, manifest: dict[str, Any]) -> bool:
    """True when every file the manifest lists is on disk with the recorded content."""
    files = manifest.get("files")
    if not isinstance(files, dict) or not files:
        return False
    for path, entry in files.items():
        expected = entry.get("sha256") if isinstance(entry, dict) else None
        try:
            data = (output / path).read_bytes()
        except OSError:
            return False
        if hashlib.sha256(data).hexdigest() != expected:
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


def reusable_manifest(output: Path, manifest: dict[str, Any]) -> dict[str, Any]:
    """The manifest less every render unit that is no longer intact on disk.

    Outputs rendered together form a unit; if any file of a unit was edited or deleted by
    hand, the whole unit is rendered again rather than reused.
    """
    files = manifest.get("files")
    units = manifest.get("units")
    if not isinstance(files, dict) or not isinstance(units, dict):
        return {}
    broken: set[str] = set()
    for path, entry in files.items():
        if not isinstance(entry, dict):
            continue
        try:
            data = (output / path).read_bytes()
        except OSError:
            data = None
        if data is None or hashlib.sha256(data).hexdigest() != entry.get("sha256"):
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
