"""Incremental runs: what a re-run renders and rewrites, observed on disk."""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from jinja2.bccache import bc_magic

from apidocgen.config import load_config
from apidocgen.manifest import CACHE_DIR, CLIENT_TYPES, OUTPUT_STATES, read_manifest
from apidocgen.parse_cache import PARSE_CACHE, ParseCache, parse_settings
from apidocgen.pipeline import parse_input, run
from apidocgen.render.templates import template_environment
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
    """The outputs a run rewrote (not the manifest, not the caches for the next run)."""
    changed = {p for p in after if before.get(p) != after[p]}
    return {p for p in changed - {".apidocgen-manifest.json"} if not p.startswith(CACHE_DIR)}


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
    from apidocgen.incremental import last_run
    from apidocgen.manifest import INFERENCE, reusable_manifest
    from apidocgen.reuse import Reuse
    from apidocgen.write import read_regular_file

    last = last_run(config)
    reuse = Reuse.from_manifest(
        reusable_manifest(out, last.manifest, last.states),
        inference_cache=read_regular_file(out / INFERENCE),
    )
    result = run(config, reuse=reuse)
    assert result.rendered_units == ["inference reused"]
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
        if rel.name != ".apidocgen-manifest.json" and rel.as_posix() != OUTPUT_STATES:
            assert (fresh / rel).read_bytes() == (out / rel).read_bytes(), rel


def test_hand_edited_client_module_is_restored(project: tuple[Path, Path]) -> None:
    source, out = project
    module = out / "python" / "sentry_api" / "_resources" / "teams.py"
    original = module.read_text()
    module.write_text("# edited by hand\n")
    regenerate(source, out)
    assert module.read_text() == original
    assert (out / "python" / "sentry_api" / "_resources" / "events.py").is_file()


# --- the parse cache ------------------------------------------------------------------------


def parse_counts(stdout: str) -> tuple[int, int]:
    """(files parsed, files taken from the parse cache) as `-v` reports them."""
    found = re.search(r"parsed: (\d+) files; (\d+) unchanged files from the parse cache", stdout)
    assert found is not None, stdout
    return int(found.group(1)), int(found.group(2))


def test_only_edited_descriptors_are_parsed_again(project: tuple[Path, Path]) -> None:
    source, out = project
    files = len(list(source.rglob("*.md")))
    descriptor = source / "teams" / "put-team-details.md"
    descriptor.write_text(descriptor.read_text().replace("Changes the name", "Renames"))
    assert parse_counts(regenerate(source, out)) == (1, files - 1)
    assert "Renames" in (out / "teams" / "put-team-details.md").read_text()
    descriptor.write_text(descriptor.read_text().replace("Renames", "Changes the name"))
    assert parse_counts(regenerate(source, out)) == (1, files - 1)
    assert "Renames" not in (out / "teams" / "put-team-details.md").read_text()


def _entry_lines(cache: bytes) -> tuple[bytes, list[bytes]]:
    head, *lines = cache.rstrip(b"\n").split(b"\n")
    return head, lines


def _flip_a_letter(cache: bytes) -> bytes:
    # Damage inside a kept text: trusted, it would show up in the team page.
    assert cache.count(b"Changes the name") >= 1
    return cache.replace(b"Changes the name", b"Changes the nane")


def _valid_checksum_wrong_shape(cache: bytes) -> bytes:
    head, lines = _entry_lines(cache)
    damaged = []
    for line in lines:
        entry = json.loads(line.partition(b" ")[2])
        entry["record"] = 5 if entry["kind"] == "descriptor" else {"title": []}
        entry["examples"] = {"request": "GET /", "response": [], "problems": 7}
        entry["diagnostics"] = [["x", 1, "fatal", None]]
        payload = json.dumps(entry).encode()
        damaged.append(hashlib.sha256(payload).hexdigest().encode() + b" " + payload)
    return b"\n".join([head, *damaged]) + b"\n"


DAMAGE = {
    "garbage": lambda cache: b"\x00\xff not a cache \n\n\x00",
    "empty": lambda cache: b"",
    "truncated": lambda cache: cache[: len(cache) // 2],
    "flipped-letter": _flip_a_letter,
    "other-parser": lambda cache: cache.replace(b'"parser":"', b'"parser":"0', 1),
    "other-format": lambda cache: cache.replace(b'"format":2', b'"format":0', 1),
    "valid-checksum-wrong-shape": _valid_checksum_wrong_shape,
    "lines-swapped": lambda cache: b"\n".join(reversed(cache.split(b"\n"))),
}


@pytest.mark.parametrize("damage", sorted(DAMAGE))
def test_a_damaged_parse_cache_means_a_full_parse(
    damage: str, project: tuple[Path, Path], tmp_path: Path
) -> None:
    source, out = project
    cache_file = out / PARSE_CACHE
    cache_file.write_bytes(DAMAGE[damage](cache_file.read_bytes()))
    # A warning, so that diagnostics from a damaged cache would show.
    descriptor = source / "events" / "get-group-events.md"
    descriptor.write_text(descriptor.read_text().replace('"title":', '"colour": 1,\n  "title":'))
    proc = run_cli("--input", str(source), "--output", str(out), "--package", "sentry_api", "-v")
    assert proc.returncode == 0, proc.stderr
    assert "Traceback" not in proc.stderr
    fresh = tmp_path / "fresh"
    expected = run_cli("--input", str(source), "--output", str(fresh), "--package", "sentry_api")
    assert expected.returncode == 0, expected.stderr
    assert "unknown field 'colour'" in expected.stderr
    assert proc.stderr == expected.stderr
    assert "Changes the nane" not in (out / "teams" / "put-team-details.md").read_text()
    assert snapshot(out) == snapshot(fresh)
    # The cache is whole again: the next edit parses one file.
    descriptor.write_text(descriptor.read_text().replace('"colour": 1', '"colour": 2'))
    files = len(list(source.rglob("*.md")))
    assert parse_counts(regenerate(source, out)) == (1, files - 1)


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file under `folder` (the manifest and the parse cache too) by relative path,
    but the record of the outputs' mtimes."""
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and p.relative_to(folder).as_posix() != OUTPUT_STATES
    }


def test_check_uses_the_cache_but_writes_nothing(project: tuple[Path, Path]) -> None:
    source, out = project
    before = snapshot(out)
    args = ("check", "--input", str(source), "--output", str(out), "--package", "sentry_api")
    proc = run_cli(*args)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    descriptor = source / "teams" / "put-team-details.md"
    original = descriptor.read_text()
    descriptor.write_text(original.replace("Changes the name", "Renames"))
    proc = run_cli(*args)
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "would change" in proc.stdout
    descriptor.write_text(original)
    assert run_cli(*args).returncode == 0
    assert snapshot(out) == before


def _hostile_cases() -> list[Any]:
    from tests.test_hostile import CASES, _fifo

    return [pytest.param(c, id=c.id) for c in CASES if c.setup is not _fifo]


@pytest.mark.parametrize("case", _hostile_cases())
def test_the_parse_cache_gives_what_parsing_gives(case: Any, tmp_path: Path) -> None:
    """Every hostile input: records, examples and diagnostics from the cache equal a parse."""
    from tests.test_hostile import GOOD, write_files

    source = tmp_path / "in"
    write_files(source, GOOD)
    write_files(source, case.files)
    if case.setup is not None:
        case.setup(source, tmp_path)
    (tmp_path / "pyproject.toml").write_text(f"[tool.apidocgen]\n{case.config}\n")
    config, problems = load_config(tmp_path / "pyproject.toml")
    config = replace(config, input=source, output=tmp_path / "out")

    cold = ParseCache(parse_settings(config))
    parsed = parse_input(config, display_input="in", parse_cache=cold)
    warm = ParseCache(parse_settings(config), cold.to_bytes())
    assert parse_input(config, display_input="in", parse_cache=warm) == parsed
    assert parse_input(config, display_input="in") == parsed
    assert warm.hits >= len(GOOD) and warm.hits + warm.misses == cold.misses
    assert warm.to_bytes() == cold.to_bytes()


@pytest.mark.parametrize("blocker", ["folder-for-the-cache-file", "file-for-the-cache-folder"])
def test_a_cache_that_cannot_be_read_or_written_fails_nothing(
    blocker: str, project: tuple[Path, Path]
) -> None:
    source, out = project
    shutil.rmtree(out / CACHE_DIR)
    if blocker == "folder-for-the-cache-file":
        (out / PARSE_CACHE).mkdir(parents=True)
    else:
        (out / CACHE_DIR).write_text("not a folder\n")
    descriptor = source / "teams" / "put-team-details.md"
    descriptor.write_text(descriptor.read_text().replace("Changes the name", "Renames"))
    files = len(list(source.rglob("*.md")))
    assert parse_counts(regenerate(source, out)) == (files, 0)
    assert "Renames" in (out / "teams" / "put-team-details.md").read_text()
    args = ("check", "--input", str(source), "--output", str(out), "--package", "sentry_api")
    assert run_cli(*args).returncode == 0


# --- compiled templates ---------------------------------------------------------------------


def _render_probe(templates: Path, bytecode: Path) -> str:
    env = template_environment(templates, bytecode_dir=bytecode)
    return env.get_template("probe.md.j2").render(items=["a", "b"], title="T")


def test_compiled_templates_are_kept_and_a_damaged_one_is_compiled_again(tmp_path: Path) -> None:
    templates, bytecode = tmp_path / "templates", tmp_path / "bytecode"
    templates.mkdir()
    bytecode.mkdir()
    (templates / "probe.md.j2").write_text(
        "# {{ title }}\n{% for item in items %}\n- {{ item | tojson_pretty }}\n{% endfor %}\n"
    )
    expected = '# T\n- "a"\n- "b"\n'
    assert _render_probe(templates, bytecode) == expected
    [entry] = list(bytecode.iterdir())
    compiled = entry.read_bytes()
    assert _render_probe(templates, bytecode) == expected
    assert entry.read_bytes() == compiled
    magic = compiled[: len(bc_magic)]
    damages = (b"", b"garbage", compiled[: len(compiled) // 2], magic + b"\xff not a pickle")
    for damage in damages:
        entry.write_bytes(damage)
        assert _render_probe(templates, bytecode) == expected
        assert entry.read_bytes() == compiled
    # An edited template is compiled again, whatever the cache holds.
    (templates / "probe.md.j2").write_text("{{ title }}!\n")
    assert _render_probe(templates, bytecode) == "T!\n"


def test_an_unusable_template_cache_folder_fails_nothing(tmp_path: Path) -> None:
    templates = tmp_path / "templates"
    templates.mkdir()
    (templates / "probe.md.j2").write_text("{{ title }}: {{ items | length }}\n")
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("")
    assert _render_probe(templates, blocked) == "T: 2\n"
    assert _render_probe(templates, tmp_path / "missing") == "T: 2\n"


# --- checking outputs by size and mtime -----------------------------------------------------


def output_checks(stdout: str) -> tuple[int, int]:
    """(outputs checked by size and mtime, outputs hashed) as `-v` reports them."""
    found = re.search(r"outputs checked: (\d+) by size and mtime, (\d+) hashed", stdout)
    assert found is not None, stdout
    return int(found.group(1)), int(found.group(2))


def age_the_record(out: Path) -> None:
    """Make the record of output states newer than every output (as when the outputs were
    written well before it), so that every record is trusted."""
    later = max(p.stat().st_mtime_ns for p in out.rglob("*") if p.is_file()) + 10**9
    os.utime(out / OUTPUT_STATES, ns=(later, later))


def test_outputs_are_checked_by_size_and_mtime(project: tuple[Path, Path]) -> None:
    source, out = project
    outputs = len(read_manifest(out)["files"])
    age_the_record(out)
    descriptor = source / "teams" / "put-team-details.md"
    descriptor.write_text(descriptor.read_text().replace("Changes the name", "Renames"))
    assert output_checks(regenerate(source, out)) == (outputs, 0)


def test_a_same_size_hand_edit_is_found(project: tuple[Path, Path]) -> None:
    source, out = project
    age_the_record(out)
    page = out / "events" / "get-group-events.md"
    original = page.read_bytes()
    edited = original.replace(b"#", b"=", 1)
    assert edited != original and len(edited) == len(original)
    page.write_bytes(edited)  # written after the record: its mtime differs, or is too recent
    descriptor = source / "teams" / "put-team-details.md"
    descriptor.write_text(descriptor.read_text().replace("Changes the name", "Renames"))
    regenerate(source, out)
    assert page.read_bytes() == original
    # Also when nothing else changed (the up-to-date check).
    page.write_bytes(edited)
    regenerate(source, out)
    assert page.read_bytes() == original


def _forged_records(data: bytes) -> bytes:
    """Records that match every file's size and mtime but not its content."""
    body = json.loads(data.partition(b"\n")[2])
    for record in body["files"].values():
        record[2] = "0" * 64
    text = json.dumps(body).encode()
    return hashlib.sha256(text).hexdigest().encode() + b"\n" + text


@pytest.mark.parametrize("damage", ["garbage", "bad-checksum", "forged-digests"])
def test_a_damaged_record_of_outputs_costs_only_time(
    damage: str, project: tuple[Path, Path], tmp_path: Path
) -> None:
    source, out = project
    record = out / OUTPUT_STATES
    data = record.read_bytes()
    record.write_bytes(
        {
            "garbage": b"\x00 not json",
            "bad-checksum": b"0" * 64 + data[64:],
            "forged-digests": _forged_records(data),
        }[damage]
    )
    age_the_record(out)
    page = out / "teams" / "put-team-details.md"
    page.write_text("edited by hand\n")
    stdout = regenerate(source, out)
    fresh = tmp_path / "fresh"
    assert run_cli("--input", str(source), "--output", str(fresh)).returncode == 0
    assert page.read_bytes() == (fresh / "teams" / "put-team-details.md").read_bytes()
    assert "up to date" not in stdout
    args = ("check", "--input", str(source), "--output", str(out), "--package", "sentry_api")
    assert run_cli(*args).returncode == 0


def test_an_edit_in_the_tick_of_the_record_is_found(project: tuple[Path, Path]) -> None:
    """An edit that keeps a file's size and lands in the clock tick in which the record was
    written leaves size and mtime as recorded: such a record is not trusted."""
    source, out = project
    page = out / "events" / "get-group-events.md"
    original = page.read_bytes()
    written = page.stat().st_mtime_ns
    page.write_bytes(original.replace(b"#", b"=", 1))
    os.utime(page, ns=(written, written))
    os.utime(out / OUTPUT_STATES, ns=(written, written))
    stdout = regenerate(source, out)
    assert page.read_bytes() == original
    assert "up to date" not in stdout


# --- the client's types ---------------------------------------------------------------------


def test_the_client_reuses_the_model_plan_while_the_models_are_unchanged(
    project: tuple[Path, Path],
) -> None:
    source, out = project
    descriptor = source / "teams" / "put-team-details.md"
    descriptor.write_text(descriptor.read_text().replace("Changes the name", "Renames"))
    assert "client types reused" in rendered_units(regenerate(source, out))
    # A body change changes the models: the plan is made again.
    stats = source / "projects" / "get-project-stats.md"
    stats.write_text(stats.read_text().replace("1541455200.0", '\\"1541455200\\"'))
    units = rendered_units(regenerate(source, out))
    assert "models" in units and "client types reused" not in units


@pytest.mark.parametrize("damage", ["garbage", "bad-checksum", "valid-checksum-wrong-types"])
def test_damaged_client_types_are_planned_again(
    damage: str, project: tuple[Path, Path], tmp_path: Path
) -> None:
    source, out = project
    record = out / CLIENT_TYPES
    data = record.read_bytes()
    if damage == "garbage":
        data = b"\x00garbage"
    elif damage == "bad-checksum":
        data = data.replace(b'"Team', b'"Tean', 1)
    else:
        body = json.loads(data.partition(b"\n")[2])
        body["operations"] = {name: [["x", "y"], 5] for name in body["operations"]}
        text = json.dumps(body).encode()
        data = hashlib.sha256(text).hexdigest().encode() + b"\n" + text
    record.write_bytes(data)
    descriptor = source / "teams" / "put-team-details.md"
    descriptor.write_text(descriptor.read_text().replace("Changes the name", "Renames"))
    assert "client types reused" not in rendered_units(regenerate(source, out))
    fresh = tmp_path / "fresh"
    args = ("--input", str(source), "--package", "sentry_api")
    assert run_cli(*args, "--output", str(fresh)).returncode == 0
    assert snapshot(out) == snapshot(fresh)
