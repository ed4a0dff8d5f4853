"""The project's own source is lint-clean, formatted and type-checked, the client runtime
included (as Python 3.10 code too: generated packages support it)."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import ROOT, run_python

SOURCES = ("apidocgen", "tests", "bench", "generate.py")


def test_ruff_check_and_format_clean() -> None:
    checked = run_python("-m", "ruff", "check", *SOURCES, cwd=ROOT)
    assert checked.returncode == 0, checked.stdout[-4000:]
    formatted = run_python("-m", "ruff", "format", "--check", *SOURCES, cwd=ROOT)
    assert formatted.returncode == 0, formatted.stdout[-4000:]


def test_mypy_strict_clean(tmp_path: Path) -> None:
    cache = ("--cache-dir", str(tmp_path / "cache"))
    checked = run_python("-m", "mypy", *cache, cwd=ROOT)  # files and strictness: pyproject.toml
    assert checked.returncode == 0, checked.stdout[-4000:]
    runtime = run_python(
        "-m", "mypy", *cache, "--python-version", "3.10", "apidocgen/runtime", cwd=ROOT
    )
    assert runtime.returncode == 0, runtime.stdout[-4000:]
