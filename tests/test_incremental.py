"""Incremental runs: what a re-run renders and rewrites, observed on disk."""

from __future__ import annotations

import json
import shutil
from dataclasses import replace
from pathlib import Path

import pytest

from apidocgen.config import load_config
from apidocgen.manifest import read_manifest
from apidocgen.pipeline import run
from tests.conftest import ROOT, run_cli


@pytest.fixture
def project(tmp_path: Path) -> tuple[Path, Path]:
    source = tmp_path / "in"
    shutil.copytree(ROOT / "api-docs", source)
    out = tmp_path / "out"
    proc = run_cli("--input", str(source), "--output", str(out), "--package", "sentry_api")
    assert proc.returncode == 0, proc.stderr
    return source, out


def stamps(out: Path) -> dict[str, int]:
    return {
        p.relative_to(out).as_posix(): p.stat().st_mtime_ns for p in out.rglob("*") if p.is_file()
    }


def rewritten(before: dict[str, int], after: dict[str, int]) -> set[str]:
    changed = {p for p in after if before.get(p) != after[p]}
    return changed - {".apidocgen-manifest.json"}


def regenerate(source: Path, out: Path) -> str:
    proc = run_cli("--input", str(source), "--output", str(out), "--package", "sentry_api", "-v")
    assert proc.returncode == 0, proc.stderr
    return proc.stdout


def rendered_units(stdout: str) -> set[str]:
    line = next(line for line in stdout.splitlines() if "rendered:" in line)
    return set(line.split("rendered:")[1].split(";")[0].strip().split(", "))


def test_noop_rerun_renders_and_writes_nothing(project: tuple[Path, Path]) -> None:
    source, out = project
    before = stamps(out)
    stdout = regenerate(source, out)
    assert "is up to date; nothing to do" in stdout
    assert stamps(out) == before
    config, problems = load_config(ROOT / "pyproject.toml")
    assert problems == []
    config = replace(config, input=source, output=out, package="sentry_api")
    result = run(config, previous=read_manifest(out))
    assert result.rendered_units == []
    assert result.files.keys() == {"openapi.json", "descriptor.schema.json"}


def test_prose_edit_rewrites_only_that_page(project: tuple[Path, Path]) -> None:
    source, out = project
    before = stamps(out)
    descriptor = source / "teams" / "put-team-details.md"
    descriptor.write_text(descriptor.read_text().replace("Changes the name", "Renames"))
    stdout = regenerate(source, out)
    # The client's method docstrings quote the description; nothing else changes.
    assert rewritten(before, stamps(out)) == {
        "teams/put-team-details.md",
        "openapi.json",
        "python/sentry_api/_resources/teams.py",
    }
    assert "Renames" in (out / "teams" / "put-team-details.md").read_text()
    assert {"docs", "inference reused"} <= rendered_units(stdout)
    assert "models" not in rendered_units(stdout)


def test_title_edit_also_rewrites_section_and_home(project: tuple[Path, Path]) -> None:
    source, out = project
    before = stamps(out)
    descriptor = source / "teams" / "delete-team-details.md"
    descriptor.write_text(descriptor.read_text().replace('"Delete a Team"', '"Remove a Team"'))
    regenerate(source, out)
    changed = rewritten(before, stamps(out))
    assert {"teams/delete-team-details.md", "teams/index.md", "openapi.json"} <= changed
    assert not any(p.startswith(("events/", "projects/")) for p in changed)
    assert not any(p.endswith("models.py") for p in changed)


def test_body_change_regenerates_models(project: tuple[Path, Path]) -> None:
    source, out = project
    descriptor = source / "projects" / "get-project-stats.md"
    text = descriptor.read_text()
    descriptor.write_text(text.replace("1541455200.0", '\\"1541455200\\"'))
    assert descriptor.read_text() != text
    stdout = regenerate(source, out)
    assert "models" in rendered_units(stdout)
    assert "inference reused" not in rendered_units(stdout)


def test_deleting_a_descriptor_removes_its_page(project: tuple[Path, Path]) -> None:
    source, out = project
    (source / "teams" / "delete-team-details.md").unlink()
    regenerate(source, out)
    assert not (out / "teams" / "delete-team-details.md").exists()
    manifest = json.loads((out / ".apidocgen-manifest.json").read_text())
    assert "teams/delete-team-details.md" not in manifest["files"]


def test_hand_edited_output_is_restored(project: tuple[Path, Path]) -> None:
    source, out = project
    page = out / "events" / "get-group-events.md"
    original = page.read_text()
    page.write_text("edited by hand\n")
    regenerate(source, out)
    assert page.read_text() == original


def test_path_edit_rerenders_that_page_with_the_new_path(project: tuple[Path, Path]) -> None:
    source, out = project
    descriptor = source / "teams" / "delete-team-details.md"
    text = descriptor.read_text()
    descriptor.write_text(
        text.replace(
            '"/api/0/teams/{organization_slug}/{team_slug}/"',
            '"/api/1/teams/{organization_slug}/{team_slug}/"',
        )
    )
    regenerate(source, out)
    page = (out / "teams" / "delete-team-details.md").read_text()
    assert "/api/1/teams/" in page


def test_reused_pages_equal_a_fresh_run(project: tuple[Path, Path], tmp_path: Path) -> None:
    source, out = project
    descriptor = source / "teams" / "put-team-details.md"
    descriptor.write_text(descriptor.read_text().replace("Changes the name", "Renames"))
    regenerate(source, out)
    fresh = tmp_path / "fresh"
    proc = run_cli("--input", str(source), "--output", str(fresh), "--package", "sentry_api")
    assert proc.returncode == 0, proc.stderr
    files = sorted(p.relative_to(fresh) for p in fresh.rglob("*") if p.is_file())
    assert files == sorted(p.relative_to(out) for p in out.rglob("*") if p.is_file())
    for rel in files:
        if rel.name != ".apidocgen-manifest.json":
            assert (fresh / rel).read_bytes() == (out / rel).read_bytes(), rel


def test_hand_edited_client_module_is_restored(project: tuple[Path, Path]) -> None:
    source, out = project
    module = out / "python" / "sentry_api" / "_resources" / "teams.py"
    original = module.read_text()
    module.write_text("# edited by hand\n")
    regenerate(source, out)
    assert module.read_text() == original
    assert (out / "python" / "sentry_api" / "_resources" / "events.py").is_file()
