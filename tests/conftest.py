"""Shared fixtures: the real corpora next to the repository, and a way to run the CLI."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

# The `server_factory` fixture: real HTTP servers on 127.0.0.1 for the client's tests.
pytest_plugins = ["tests.recording_server"]

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT.parent / "shared" / "corpus"


def corpus_dir(name: str) -> Path:
    """A corpus folder; skips (or fails when APIDOCGEN_CORPUS_REQUIRED=1) when it is absent."""
    path = CORPUS / name
    if not path.is_dir():
        message = f"corpus {path} is not present (it sits beside the repository in CI)"
        if os.environ.get("APIDOCGEN_CORPUS_REQUIRED") == "1":
            pytest.fail(message)
        pytest.skip(message)
    return path


@pytest.fixture
def sentry_corpus() -> Path:
    return corpus_dir("sentry")


@pytest.fixture
def github_corpus() -> Path:
    return corpus_dir("github-dev")


def run_cli(
    *args: str, cwd: Path | None = None, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """Run `python -m apidocgen ARGS` in a subprocess, as a user would."""
    full_env = dict(os.environ, **(env or {}))
    full_env.pop("APIDOCGEN_DEBUG", None)
    return subprocess.run(
        [sys.executable, "-m", "apidocgen", *args],
        cwd=cwd or ROOT,
        env=full_env,
        capture_output=True,
        text=True,
        timeout=600,
    )


def run_python(
    *args: str, cwd: Path, env: dict[str, str] | None = None, timeout: int = 300
) -> subprocess.CompletedProcess[str]:
    """Run this interpreter with ARGS in a subprocess (extra environment on top of ours)."""
    return subprocess.run(
        [sys.executable, *args],
        cwd=cwd,
        env=dict(os.environ, **(env or {})),
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def write_descriptor(folder: Path, name: str, front: str, body: str = "") -> Path:
    """Write a descriptor file with the given front-matter text."""
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f"---\n{front}\n---\n{body}", encoding="utf-8")
    return path


def pytest_terminal_summary(terminalreporter: Any) -> None:
    """The accessibility checks' results (recorded by tests/test_site_browser.py as the
    `axe` property of each test), whichever process ran them."""
    lines = [
        str(value)
        for reports in terminalreporter.stats.values()
        for report in reports
        for name, value in getattr(report, "user_properties", [])
        if name == "axe" and getattr(report, "when", "call") == "call"
    ]
    if lines:
        terminalreporter.section("axe-core")
        for line in sorted(lines):
            terminalreporter.line(line)
