"""`apidocgen diff`: what changed in the API since a base, and the breaking-change gate.

Each test makes a git repository in a temporary folder, commits descriptors on `main`, changes
them on a branch as a pull request would, and runs the command as CI does.
"""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path
from typing import Any

import pytest

from apidocgen.site_layout import NAV_FILE
from tests.conftest import run_cli

GIT_ENV = {
    "GIT_AUTHOR_NAME": "Author",
    "GIT_AUTHOR_EMAIL": "author@example.com",
    "GIT_COMMITTER_NAME": "Author",
    "GIT_COMMITTER_EMAIL": "author@example.com",
    "GIT_CONFIG_GLOBAL": os.devnull,
    "GIT_CONFIG_NOSYSTEM": "1",
}


def git(repo: Path, *args: str) -> str:
    done = subprocess.run(
        ["git", *args],
        cwd=repo,
        env={**os.environ, **GIT_ENV},
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout.strip()


def team(fields: dict[str, Any] | None = None, **changes: Any) -> dict[str, Any]:
    """A descriptor of `GET /teams/{team}/` answering a team object."""
    body = {"id": "1", "slug": "ops", "name": "Ops", "memberCount": 3}
    body.update(fields or {})
    descriptor: dict[str, Any] = {
        "api_path": "/api/0/teams/{team}/",
        "method": "GET",
        "title": "Retrieve a Team",
        "description": "Return one team.",
        "path_parameters": [{"name": "team", "type": "string", "description": "the team."}],
        "query_parameters": [],
        "parameters": [],
        "authentication": "required",
        "example_request": "GET /api/0/teams/ops/ HTTP/1.1\nHost: sentry.io",
        "example_response": "HTTP/1.1 200 OK\nContent-Type: application/json\n\n"
        + json.dumps({k: v for k, v in body.items() if v is not None}, indent=2),
    }
    descriptor.update(changes)
    return descriptor


def write(repo: Path, descriptor: dict[str, Any], *, notes: tuple[str, ...] = ()) -> Path:
    path = repo / "api-docs" / "teams" / "get-team.md"
    path.parent.mkdir(parents=True, exist_ok=True)
    comments = "".join(f"# {note}\n" for note in ("Endpoint descriptor.", *notes))
    path.write_text(f"---\n{comments}{json.dumps(descriptor, indent=2)}\n---\n", "utf-8")
    return path


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A repository whose `main` holds one descriptor, checked out on a branch `change`."""
    root = tmp_path / "repo"
    root.mkdir()
    git(root, "init", "-q", "-b", "main")
    write(root, team())
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "Document teams")
    git(root, "checkout", "-q", "-b", "change")
    return root


def diff(repo: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return run_cli("diff", "-i", "api-docs", *args, cwd=repo)


def test_removing_a_response_field_fails_the_gate_at_its_descriptor_line(repo: Path) -> None:
    path = write(repo, team({"memberCount": None}))
    done = diff(repo, "main", "--fail-on", "breaking")
    assert done.returncode == 1, done.stderr
    line = next(
        n for n, text in enumerate(path.read_text().splitlines(), 1) if "example_response" in text
    )
    assert (
        f"api-docs/teams/get-team.md:{line}:1: breaking: GET /api/0/teams/{{team}}/:"
        " response field memberCount (integer): a response field is gone"
        " [response-field-removed]"
    ) in done.stdout
    assert "client: " in done.stdout and ".memberCount" in done.stdout
    assert "1 breaking change(s) not acknowledged" in done.stderr


def test_adding_an_optional_parameter_and_a_response_field_passes(repo: Path) -> None:
    optional = [{"name": "expand", "type": "string", "description": "more.", "required": False}]
    write(repo, team({"avatar": "https://example.com/a.png"}, query_parameters=optional))
    done = diff(repo, "main", "--fail-on", "breaking")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "[parameter-added-optional]" in done.stdout
    assert "response field avatar (string (uri)): a new response field" in done.stdout
    assert "2 API changes: 2 compatible" in done.stdout


def test_a_description_edit_is_no_api_change(repo: Path) -> None:
    write(repo, team(description="Return one team, with its members counted."))
    done = diff(repo, "main", "--fail-on", "any")
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.startswith("apidocgen diff: no API changes from main (")


def test_an_acknowledged_breaking_change_passes_with_its_note(repo: Path) -> None:
    write(repo, team({"memberCount": None}), notes=("breaking: memberCount moved to /stats/",))
    done = diff(repo, "main", "--fail-on", "breaking")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "breaking (acknowledged):" in done.stdout
    assert "note: memberCount moved to /stats/" in done.stdout
    # A note already on the base acknowledged an earlier change, not the next one.
    git(repo, "commit", "-q", "-am", "Drop memberCount")
    write(
        repo,
        team({"memberCount": None, "slug": None}),
        notes=("breaking: memberCount moved to /stats/",),
    )
    again = diff(repo, "HEAD", "--fail-on", "breaking")
    assert again.returncode == 1
    assert "response field slug (string)" in again.stdout


def test_a_type_change_and_a_new_required_parameter_are_breaking(repo: Path) -> None:
    required = [{"name": "region", "type": "string", "description": "where.", "required": True}]
    write(repo, team({"memberCount": "3"}, query_parameters=required))
    done = diff(repo, "main", "--format", "json")
    assert done.returncode == 0
    report = json.loads(done.stdout)
    rules = {change["rule"]: change for change in report["changes"]}
    assert rules["response-field-type-changed"]["detail"] == "integer -> string"
    assert rules["response-field-type-changed"]["breaking"] is True
    assert rules["parameter-added-required"]["target"] == "query parameter region"
    assert "takes a new required argument" in rules["parameter-added-required"]["client"]
    assert report["summary"] == {"changes": 2, "breaking": 2, "acknowledged": 0}


def test_a_new_title_renames_the_client_method_never_removes_fields(repo: Path) -> None:
    write(repo, team(title="Fetch a Team"))
    done = diff(repo, "main", "--format", "json")
    rules = [change["rule"] for change in json.loads(done.stdout)["changes"]]
    assert "operation-renamed" in rules
    assert "client-method-renamed" in rules
    assert not [r for r in rules if r.endswith(("-removed", "-added"))]
    method = next(
        c for c in json.loads(done.stdout)["changes"] if c["rule"] == "client-method-renamed"
    )
    assert method["client"].startswith(
        "client.teams.retrieve_team() is now client.teams.fetch_team()"
    )


def test_a_removed_operation_is_breaking_and_named(repo: Path) -> None:
    (repo / "api-docs" / "teams" / "get-team.md").unlink()
    other = team(api_path="/api/0/teams/{team}/members/", title="List Members")
    other["example_request"] = "GET /api/0/teams/ops/members/ HTTP/1.1\nHost: sentry.io"
    path = repo / "api-docs" / "teams" / "list-members.md"
    path.write_text(f"---\n{json.dumps(other)}\n---\n", "utf-8")
    done = diff(repo, "main", "--fail-on", "breaking")
    assert done.returncode == 1
    assert (
        "api-docs/teams/get-team.md:4:1: breaking: GET /api/0/teams/{team}/: Retrieve a Team:"
        " an operation is gone [operation-removed]; client: client.teams.retrieve_team() is gone"
    ) in done.stdout
    assert "[operation-added]" in done.stdout


def test_markdown_fits_a_pull_request_comment_and_shows_text_literally(repo: Path) -> None:
    write(repo, team({"memberCount": None}), notes=("breaking: ping @org/admins <b>now</b>",))
    done = diff(repo, "main", "--format", "markdown")
    text = done.stdout
    assert text.startswith("### API changes: 1 API change: 1 breaking but acknowledged\n")
    assert "| | Operation | Breaking | Compatible |" in text
    assert "<details><summary>Every change</summary>" in text and text.rstrip().endswith(
        "</details>"
    )
    assert "@org" not in text and "<b>" not in text
    assert "&#64;org/admins &lt;b&gt;now&lt;/b&gt;" in text or "&#64;org/admins &#60;b&#62;" in text


def test_the_default_base_is_the_merge_base_with_main(repo: Path) -> None:
    write(repo, team({"memberCount": None}))
    git(repo, "commit", "-q", "-am", "Drop memberCount")
    done = diff(repo, "--fail-on", "breaking")
    assert done.returncode == 1
    assert "from merge base with main (" in done.stdout


def test_a_previous_output_folder_or_openapi_json_is_a_base(repo: Path, tmp_path: Path) -> None:
    out = tmp_path / "before"
    assert run_cli("generate", "-q", "-i", "api-docs", "-o", str(out), cwd=repo).returncode == 0
    write(repo, team({"memberCount": None}))
    for base in (out, out / "openapi.json"):
        done = diff(repo, str(base), "--fail-on", "breaking")
        assert done.returncode == 1, done.stderr
        assert "[response-field-removed]" in done.stdout


@pytest.mark.parametrize(
    ("base", "message"),
    [
        ("no-such-branch", "apidocgen: error: unknown revision 'no-such-branch'\n"),
        ("--output", None),  # an option, not a revision: argparse's usage error
    ],
)
def test_an_unknown_revision_is_one_line_and_exit_2(
    repo: Path, base: str, message: str | None
) -> None:
    done = diff(repo, base)
    assert done.returncode == 2
    assert "Traceback" not in done.stderr
    if message is not None:
        assert done.stderr == message


def test_a_shallow_clone_without_the_base_says_so(repo: Path, tmp_path: Path) -> None:
    first = git(repo, "rev-parse", "main")
    write(repo, team({"avatar": "x"}))
    git(repo, "commit", "-q", "-am", "Add avatar")
    shallow = tmp_path / "shallow"
    git(
        tmp_path,
        "clone",
        "-q",
        "--depth",
        "1",
        "--branch",
        "change",
        f"file://{repo}",
        str(shallow),
    )
    done = diff(shallow, first)
    assert done.returncode == 2
    assert done.stderr.startswith(
        f"apidocgen: error: revision '{first}' is not in this shallow clone"
    )
    assert len(done.stderr.splitlines()) == 1


def test_a_base_whose_descriptors_no_longer_load_is_exit_2(repo: Path) -> None:
    git(repo, "checkout", "-q", "main")
    (repo / "api-docs" / "teams" / "get-team.md").write_text("---\n{ not json\n---\n", "utf-8")
    git(repo, "commit", "-q", "-am", "Break the descriptor")
    git(repo, "checkout", "-q", "-b", "fix")
    write(repo, team())
    done = diff(repo, "main")
    assert done.returncode == 2
    assert done.stderr.startswith(
        "apidocgen: error: the descriptors at main do not load: main:api-docs/teams/get-team.md:"
    )
    assert len(done.stderr.splitlines()) == 1


def test_outside_git_a_base_must_be_named(tmp_path: Path) -> None:
    write(tmp_path, team())
    done = run_cli("diff", "-i", "api-docs", cwd=tmp_path)
    assert done.returncode == 2
    assert "is not in a git repository" in done.stderr


def test_the_current_descriptors_with_errors_exit_1(repo: Path) -> None:
    (repo / "api-docs" / "teams" / "get-team.md").write_text("---\n{ not json\n---\n", "utf-8")
    done = diff(repo, "main")
    assert done.returncode == 1
    assert "api-docs/teams/get-team.md:" in done.stderr and "nothing compared" in done.stderr


# ---- the Changes page ------------------------------------------------------------------


def _generate(repo: Path, out: Path) -> subprocess.CompletedProcess[str]:
    return run_cli("generate", "-q", "-i", "api-docs", "-o", str(out), cwd=repo)


def test_the_changes_page_lists_revisions_that_changed_the_api(repo: Path, tmp_path: Path) -> None:
    write(repo, team(description="Prose only."))
    git(repo, "commit", "-q", "-am", "Reword the description")
    write(repo, team({"memberCount": None}, description="Prose only."))
    git(repo, "commit", "-q", "-am", "Drop memberCount")
    git(repo, "tag", "v2.0")
    out = tmp_path / "out"
    assert _generate(repo, out).returncode == 0
    page = (out / "changes.md").read_text("utf-8")
    headings = [line for line in page.splitlines() if line.startswith("## ")]
    assert len(headings) == 2  # the prose-only revision is not an API change
    assert "· `v2.0` ·" in headings[0] and "Drop memberCount" in page
    assert "Reword the description" not in page
    assert "- [`GET /api/0/teams/{team}/`](teams/get-team.md)" in page
    assert "**breaking**: response field memberCount (integer): a response field is gone" in page
    assert "The first revision of the descriptors: 1 operations." in page
    nav = json.loads((out / NAV_FILE).read_text("utf-8"))["nav"]
    assert {"title": "Changes", "page": "changes.md"} in nav
    # The output is up to date until a new revision changes the API's history.
    assert "up to date" in run_cli("check", "-i", "api-docs", "-o", str(out), cwd=repo).stdout


def test_the_changelog_compares_only_new_revisions(
    repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from apidocgen.config import Config
    from apidocgen.diff import history
    from apidocgen.incremental import generate, last_run

    built: list[str] = []
    real = history.revision_api

    def counting(config: Config, repository: Any, commit: str, label: str) -> Any:
        built.append(commit)
        return real(config, repository, commit, label)

    monkeypatch.setattr(history, "revision_api", counting)
    config = Config(input=repo / "api-docs", output=tmp_path / "out")
    write(repo, team({"avatar": "https://example.com/a.png"}))
    git(repo, "commit", "-q", "-am", "Add avatar")
    generate(config, last_run(config))
    assert len(built) == 2  # both revisions, once each
    built.clear()
    write(repo, team({"avatar": "https://example.com/a.png", "slug": None}))
    git(repo, "commit", "-q", "-am", "Drop slug")
    assert not last_run(config).up_to_date
    result, _ = generate(config, last_run(config))
    # The new revision and the one it is compared with; older comparisons come from the cache.
    assert built == [git(repo, "rev-parse", "HEAD"), git(repo, "rev-parse", "HEAD~1")]
    assert result.api is not None
    assert [len(r.changes) for r in result.api.changes] == [1, 1, 0]


def test_no_changes_page_outside_git_or_when_turned_off(repo: Path, tmp_path: Path) -> None:
    plain = tmp_path / "plain"
    write(plain, team())
    assert _generate(plain, tmp_path / "a").returncode == 0
    assert not (tmp_path / "a" / "changes.md").exists()
    (repo / "pyproject.toml").write_text("[tool.apidocgen]\nchangelog = 0\n", "utf-8")
    assert _generate(repo, tmp_path / "b").returncode == 0
    assert not (tmp_path / "b" / "changes.md").exists()
    assert "Changes" not in (tmp_path / "b" / NAV_FILE).read_text("utf-8")
