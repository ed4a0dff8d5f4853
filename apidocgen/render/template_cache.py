"""Compiled templates kept between runs: compiling them is a tenth of a second of every run."""

from __future__ import annotations

import hashlib
import sys
from pathlib import Path
from typing import Any

import jinja2
from jinja2.bccache import Bucket

from apidocgen import __version__


class TolerantBytecodeCache(jinja2.FileSystemBytecodeCache):
    """Jinja's file cache, where a damaged, unreadable or unwritable entry only means that
    the template is compiled again."""

    def load_bytecode(self, bucket: Bucket) -> None:
        try:
            super().load_bytecode(bucket)
        except Exception:
            bucket.reset()

    def dump_bytecode(self, bucket: Bucket) -> None:
        try:
            super().dump_bytecode(bucket)
        except OSError:
            pass


def template_bytecode_cache(
    directory: Path | None, options: dict[str, Any]
) -> jinja2.BytecodeCache | None:
    """A bytecode cache in `directory`, by default Jinja's private per-user folder in the
    temporary directory (never the output folder: compiled code is only loaded from a place
    that no one else can write). None when there is no such folder.

    Jinja keys an entry by template file and source; the versions and the environment
    `options` that turned the source into code go into the file names.
    """
    settings = repr((__version__, jinja2.__version__, sys.version, sorted(options.items())))
    tag = hashlib.sha256(settings.encode("utf-8")).hexdigest()[:16]
    try:
        return TolerantBytecodeCache(
            str(directory) if directory is not None else None, f"apidocgen-{tag}-%s.cache"
        )
    except (OSError, RuntimeError):  # Jinja found no folder it deems safe: compile every time
        return None
