"""The command line end to end: exit codes, diagnostics, atomic output, check mode."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from tests.conftest import ROOT, run_cli, write_descriptor


def snapshot(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def test_generate_shipped_api_docs(tmp_path: Path) -> None:
    out = tmp_path / "out"
    proc = run_cli("--input", "api-docs", "--output", str(out))
    assert proc.returncode == 0, proc.stderr
    assert "6 endpoints" in proc.stdout
    document = json.loads((out / "openapi.json").read_text())
    assert document["info"]["title"] == "Sentry Web API"
    assert document["servers"] == [{"url": "https://sentry.io"}]
    operation = document["paths"]["/api/0/issues/{issue_id}/events/"]["get"]
    assert operation["operationId"] == "get_group_events"
    page = (out / "events" / "get-group-events.md").read_text()
    # The path may break only between segments (<wbr>), never inside one.
    assert "/api/0/issues/{issue_id}/events/" in page.replace("<wbr>", "")
    assert "List an Issue" in page
    assert "Traceback" not in proc.stderr


def test_input_errors_exit_1_and_keep_previous_output(tmp_path: Path) -> None:
    source = tmp_path / "in"
    shutil.copytree(ROOT / "api-docs", source)
    out = tmp_path / "out"
    assert run_cli("--input", str(source), "--output", str(out)).returncode == 0
    before = snapshot(out)
    write_descriptor(
        source, "events/broken.md", '{"api_path": "/x/", "method": "GET"\n "title": "x"}'
    )
    write_descriptor(
        source, "events/bad-method.md", '{"api_path": "/y/", "method": "FETCH", "title": "y"}'
    )
    proc = run_cli("--input", str(source), "--output", str(out))
    assert proc.returncode == 1
    lines = proc.stderr.splitlines()
    assert (
        f"{source.relative_to(ROOT) if source.is_relative_to(ROOT) else _rel(source)}/events/bad-method.md:2:1: error: unknown HTTP method 'FETCH'"
        in lines
    )
    assert any(
        line.endswith(
            "events/broken.md:3:2: error: front matter is not valid JSON: Expecting ',' delimiter"
        )
        for line in lines
    )
    assert "Traceback" not in proc.stderr
    assert snapshot(out) == before


def _rel(path: Path) -> str:
    import os

    return os.path.relpath(path, ROOT)


def test_strict_turns_warnings_into_errors(tmp_path: Path) -> None:
    write_descriptor(
        tmp_path / "in", "a.md", '{"api_path": "/x/", "method": "GET", "title": "x", "colour": 1}'
    )
    relaxed = run_cli("--input", str(tmp_path / "in"), "--output", str(tmp_path / "o1"))
    strict = run_cli("--input", str(tmp_path / "in"), "--output", str(tmp_path / "o2"), "--strict")
    assert relaxed.returncode == 0 and "warning: unknown field 'colour' ignored" in relaxed.stderr
    assert strict.returncode == 1 and "error: unknown field 'colour' ignored" in strict.stderr
    assert not (tmp_path / "o2").exists()


def test_usage_errors_exit_2(tmp_path: Path) -> None:
    missing = run_cli("--input", str(tmp_path / "nope"), "--output", str(tmp_path / "o"))
    assert missing.returncode == 2 and "does not exist" in missing.stderr
    (tmp_path / "in").mkdir()
    inside = run_cli("--input", str(tmp_path / "in"), "--output", str(tmp_path / "in" / "out"))
    assert inside.returncode == 2 and "must not be the input folder or inside it" in inside.stderr
    same = run_cli("--input", str(tmp_path / "in"), "--output", str(tmp_path / "in"))
    assert same.returncode == 2
    bad_flag = run_cli("--no-such-flag")
    assert bad_flag.returncode == 2


def test_lint_writes_nothing(tmp_path: Path) -> None:
    proc = run_cli("lint", "--input", "api-docs", "--output", str(tmp_path / "out"))
    assert proc.returncode == 0 and "6 endpoints, 5 pages checked" in proc.stdout
    assert not (tmp_path / "out").exists()


def test_check_mode_reports_stale_files(tmp_path: Path) -> None:
    source = tmp_path / "in"
    shutil.copytree(ROOT / "api-docs", source)
    out = tmp_path / "out"
    fresh = run_cli("check", "--input", str(source), "--output", str(out))
    assert fresh.returncode == 1 and "would add" in fresh.stdout
    assert not out.exists()
    assert run_cli("--input", str(source), "--output", str(out)).returncode == 0
    clean = run_cli("--check", "--input", str(source), "--output", str(out))
    assert clean.returncode == 0, clean.stdout + clean.stderr
    page = source / "teams" / "delete-team-details.md"
    page.write_text(
        page.read_text().replace("Schedules a team for deletion", "Deletes a team later")
    )
    stale = run_cli("check", "--input", str(source), "--output", str(out))
    assert stale.returncode == 1
    assert f"would change {out}/teams/delete-team-details.md" in stale.stdout
    assert "+Deletes a team later" in stale.stdout
    write_descriptor(source, "teams/bad.md", "[1]")
    broken = run_cli("check", "--input", str(source), "--output", str(out))
    assert broken.returncode == 2


def test_deleting_a_descriptor_removes_its_outputs(tmp_path: Path) -> None:
    source = tmp_path / "in"
    shutil.copytree(ROOT / "api-docs", source)
    out = tmp_path / "out"
    assert run_cli("--input", str(source), "--output", str(out)).returncode == 0
    assert (out / "teams" / "delete-team-details.md").exists()
    (source / "teams" / "delete-team-details.md").unlink()
    assert run_cli("--input", str(source), "--output", str(out)).returncode == 0
    assert not (out / "teams" / "delete-team-details.md").exists()
    assert (out / "teams" / "put-team-details.md").exists()


def _endpoint(title: str, path: str, body: object) -> str:
    return json.dumps(
        {
            "api_path": path,
            "method": "GET",
            "title": title,
            "example_response": "HTTP/1.1 200 OK\nContent-Type: application/json\n\n"
            + json.dumps(body),
        }
    )


def test_explain_prints_places_merges_and_the_names_source(tmp_path: Path) -> None:
    user = {"login": "a", "id": 1, "url": "https://api.x.test/users/a", "type": "User"}
    docs = tmp_path / "api-docs"
    write_descriptor(docs / "repos", "get-repo.md", _endpoint("Get a repository",
                     "/repos/{owner}/{repo}", {"id": 1, "url": "https://api.x.test/repos/o/r", "owner": user}))  # fmt: skip
    write_descriptor(docs / "issues", "get-issue.md", _endpoint("Get an issue",
                     "/issues/{n}", {"id": 2, "title": "t", "assignee": user}))  # fmt: skip
    shown = run_cli("explain", "User", "--input", str(docs), "--output", str(tmp_path / "out"))
    assert shown.returncode == 0, shown.stderr
    lines = shown.stdout.splitlines()
    assert lines[0] == "User"
    assert lines[1] == "  name: rule N1: its places link to the `User` resource"
    assert "    get_issue.response /assignee" in lines
    assert "    get_repo.response /owner" in lines
    assert any("identical evidence" in line for line in lines)
    missing = run_cli("explain", "Usr", "--input", str(docs), "--output", str(tmp_path / "out"))
    assert missing.returncode == 1
    assert "did you mean User?" in missing.stderr
    assert not (tmp_path / "out").exists()  # explaining writes nothing
