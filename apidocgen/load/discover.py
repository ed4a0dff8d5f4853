"""Finding the input's files: walking the folder, symlinks, file names, bounded reads."""

from __future__ import annotations

import os
import stat
import unicodedata
from pathlib import Path

from apidocgen.diagnostics import Diagnostic, error, warning
from apidocgen.load.quoting import _join


def _discover(root: Path, shown: str) -> tuple[list[tuple[str, Path]], list[Diagnostic]]:
    """Candidate files, sorted: (relative posix path, the path to read).

    Symlinks never lead outside `root`, and only regular files are read (a FIFO named `x.md`
    would block a read forever).
    """
    found: list[tuple[str, Path]] = []
    problems: list[Diagnostic] = []
    real_root = root.resolve()
    for dirpath, dirnames, filenames in os.walk(root, followlinks=False):
        base = Path(dirpath)
        rel_dir = base.relative_to(root).as_posix()
        rel_dir = "" if rel_dir == "." else rel_dir
        kept_dirs = []
        for name in sorted(dirnames):
            rel = f"{rel_dir}/{name}" if rel_dir else name
            if (base / name).is_symlink():
                problems.append(warning(_join(shown, rel), 1, 1, "symlinked folder not followed"))
                continue
            bad_name = _name_problem(name, "folder")
            if bad_name:
                problems.append(error(_join(shown, rel), 1, 1, bad_name))
                continue
            kept_dirs.append(name)
        dirnames[:] = kept_dirs
        for name in sorted(filenames):
            if not name.endswith((".md", ".json")):
                continue
            rel = f"{rel_dir}/{name}" if rel_dir else name
            where = _join(shown, rel)
            bad_name = _name_problem(name, "file")
            if bad_name:
                problems.append(error(where, 1, 1, bad_name))
                continue
            path = base / name
            if path.is_symlink():
                target, problem = _symlink_target(path, real_root)
                if target is None:
                    problems.append(warning(where, 1, 1, f"{problem}; skipped"))
                    continue
                path = target
            found.append((rel, path))
    found.sort()
    return found, problems


def _symlink_target(path: Path, real_root: Path) -> tuple[Path | None, str]:
    try:
        target = path.resolve(strict=True)
    except FileNotFoundError:
        return None, "symlink points to nothing (its target does not exist)"
    except (OSError, RuntimeError):  # a loop of links
        return None, "symlink cannot be resolved (a loop of links?)"
    if not target.is_relative_to(real_root):
        return None, "symlink points outside the input folder"
    return target, ""


def _name_problem(name: str, kind: str) -> str | None:
    """Why a file or folder name cannot be used, or None."""
    if name.isascii() and name.isprintable():
        return None  # the common case, spared the scan below
    if any("\ud800" <= char <= "\udfff" for char in name):
        return f"{kind} name is not valid UTF-8; rename the {kind}"
    for char in name:
        if unicodedata.category(char) == "Cc":
            return (
                f"{kind} name contains the control character U+{ord(char):04X}; rename the {kind}"
            )
    return None


def _read_bounded(path: Path, limit: int) -> bytes:
    """The bytes of a regular file, refusing more than `limit` of them.

    Opened without following a final symlink (symlinks were resolved and checked by
    `_discover`) and without blocking (a FIFO would never answer).
    """
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
    flags |= getattr(os, "O_BINARY", 0)
    fd = os.open(path, flags)
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise _NotRegularFile
        if info.st_size > limit:
            raise _TooLarge(info.st_size)
        chunks: list[bytes] = []
        remaining = limit + 1
        while remaining > 0:
            chunk = os.read(fd, min(remaining, 1 << 20))
            if not chunk:
                break
            chunks.append(chunk)
            remaining -= len(chunk)
        data = b"".join(chunks)
        if len(data) > limit:  # the file grew after fstat
            raise _TooLarge(len(data))
        return data
    finally:
        os.close(fd)


class _NotRegularFile(Exception):
    pass


class _TooLarge(Exception):
    def __init__(self, size: int) -> None:
        super().__init__(size)
        self.size = size
