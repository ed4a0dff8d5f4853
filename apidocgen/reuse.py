"""What an earlier run into the same output folder left that this run may use again.

A run is a function of its inputs; re-running after a small edit should cost in proportion
to the edit. This module is the one layer that remembers: the pipeline asks it, by the digest
of a stage's or a render unit's inputs, whether the earlier run already made that; the stages
themselves know nothing of it. `Reuse()` remembers nothing: a plain run.

- Parsed files (`ParseCache`): load and http results per input file, by the file's digest.
- Inference: the inferred schemas, by the digest of every body sample and what names them.
- Render units: the previous run's manifest says which outputs each unit wrote and the
  digest of what it was rendered from (`units.py` decides units and digests); a unit whose
  digest is unchanged and whose files are intact on disk is kept as it is.
- Client types: the model plan's types, by the digest of the models' inputs.

Nothing here changes a result: a cache that is missing, damaged or made by another version
of apidocgen is the same as none. Every digest includes `code_digest`, so that new code or
templates never reuse what older ones made.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import orjson

from apidocgen import __version__
from apidocgen.digests import checked_body, checksummed
from apidocgen.infer import InferenceResult
from apidocgen.manifest import parent_unit

if TYPE_CHECKING:
    from apidocgen.parse_cache import ParseCache

_PACKAGE_DIR = Path(__file__).resolve().parent


@cache
def code_digest(*template_dirs: Path) -> str:
    """A digest of the generator itself: its version, every module of the package and the
    templates it renders with (shipped and the user's); part of every render unit's key."""
    hasher = hashlib.sha256(__version__.encode("utf-8"))
    for folder in (_PACKAGE_DIR, *template_dirs):
        for path in sorted(folder.rglob("*")):
            if path.is_file() and path.suffix in (".py", ".j2", ".json", ".css", ".html", ".md"):
                hasher.update(path.relative_to(folder).as_posix().encode("utf-8", "surrogatepass"))
                hasher.update(path.read_bytes())
    return hasher.hexdigest()


@dataclass
class Reuse:
    """What the previous run left: see the module docstring."""

    units: dict[str, str] = field(default_factory=dict)  # unit -> key, intact units only
    members: dict[str, list[str]] = field(default_factory=dict)  # unit -> its output files
    inference_cache: bytes | None = None  # `inference_bytes` of the previous run
    client_types: bytes | None = None  # `ClientTypes.to_bytes` of the previous run
    parse_cache: ParseCache | None = None

    @classmethod
    def from_manifest(
        cls,
        manifest: dict[str, Any],
        *,
        inference_cache: bytes | None = None,
        client_types: bytes | None = None,
        parse_cache: ParseCache | None = None,
    ) -> Reuse:
        """From a manifest whose broken units are already left out (`reusable_manifest`)."""
        units = manifest.get("units")
        members: dict[str, list[str]] = {}
        for path, entry in (manifest.get("files") or {}).items():
            if isinstance(entry, dict):
                members.setdefault(str(entry.get("unit")), []).append(path)
        return cls(
            units={str(k): str(v) for k, v in units.items()} if isinstance(units, dict) else {},
            members=members,
            inference_cache=inference_cache,
            client_types=client_types,
            parse_cache=parse_cache,
        )

    def rendered(self, unit: str) -> bool:
        """Whether the previous run rendered this unit at all."""
        return unit in self.units

    def unchanged(self, unit: str, key: str) -> bool:
        """Whether the previous run rendered `unit` from the same inputs and its files are
        still intact."""
        return self.units.get(unit) == key and bool(self.members.get(unit))

    def files(self, unit: str) -> list[str]:
        """The files the previous run's `unit` wrote."""
        return list(self.members.get(unit, []))

    def units_within(self, unit: str) -> list[str]:
        """The previous run's units inside `unit` (the docs' pages, the client's modules),
        which are kept with it."""
        return sorted(name for name in self.members if parent_unit(name) == unit)

    def inference(self, key: str) -> InferenceResult | None:
        """The inferred schemas of the previous run, when it inferred from the same samples."""
        data = _checked(self.inference_cache)
        if data is None or data.get("key") != key:
            return None
        components, roots = data.get("components"), data.get("roots")
        if not isinstance(components, dict) or not isinstance(roots, dict):
            return None
        return InferenceResult(components=components, roots=roots)


def inference_bytes(key: str, inference: InferenceResult) -> bytes | None:
    """The cache file of an inference (None: not representable, so not kept)."""
    try:
        body = orjson.dumps(
            {"key": key, "components": inference.components, "roots": inference.roots}
        )
    except (TypeError, orjson.JSONEncodeError):
        return None
    return checksummed(body)


def _checked(data: bytes | None) -> dict[str, Any] | None:
    """The JSON body of a `checksummed` cache file (None: missing or damaged)."""
    body = checked_body(data)
    if body is None:
        return None
    try:
        found = orjson.loads(body)
    except orjson.JSONDecodeError:
        return None
    return found if isinstance(found, dict) else None
