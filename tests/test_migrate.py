"""`apidocgen migrate`: older endpoint pages rewritten as descriptors, giving the same API."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from tests.conftest import corpus_dir, run_cli
from tests.test_legacy import PAGE


def snapshot(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and ".apidocgen-" not in p.as_posix()
    }


def test_a_page_becomes_a_descriptor_in_the_seeds_format(tmp_path: Path) -> None:
    page = tmp_path / "in" / "projects" / "put-project.md"
    page.parent.mkdir(parents=True)
    page.write_text(PAGE, encoding="utf-8")
    guide = tmp_path / "in" / "guide.md"
    guide.write_text("---\ntitle: Guide\n---\nText.\n", encoding="utf-8")
    done = run_cli("migrate", "--input", "in", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == [
        "migrated in/projects/put-project.md",
        "apidocgen: 1 page(s) migrated; 1 file(s) are not endpoint pages of the older format"
        " and were left as they are",
    ]
    text = page.read_text(encoding="utf-8")
    header, _, rest = text.partition("\n{")
    assert (
        header
        == "---\n# Migrated by `apidocgen migrate` from an endpoint page of the older hand-written format."
    )
    assert text.endswith("}\n---\n")
    data = json.loads("{" + rest.rpartition("\n---")[0])
    assert list(data) == sorted(data) and len(data) == 12
    assert data["api_path"] == "/api/0/projects/{org}/{project}/" and data["warning"] is None
    assert data["query_parameters"] == [
        {"description": 'the `"id"` to remove.', "name": "id", "type": "int"}
    ]
    assert '"method": "PUT", \n' in text  # the seed's separators, as json.dumps wrote them
    assert guide.read_text(encoding="utf-8") == "---\ntitle: Guide\n---\nText.\n"
    again = run_cli("migrate", "--input", "in", "--check", cwd=tmp_path)
    assert again.returncode == 0 and page.read_text(encoding="utf-8") == text


def test_migrating_the_sentry_corpus_gives_the_same_api(tmp_path: Path) -> None:
    source = corpus_dir("sentry")
    shutil.copytree(source, tmp_path / "in")
    check = run_cli("migrate", "--input", str(tmp_path / "in"), "--check", cwd=tmp_path)
    assert check.returncode == 1
    assert (
        check.stdout.splitlines()[-1]
        == "apidocgen: 20 page(s) of the older format would be migrated"
    )
    # The older pages read cleanly but for one true statement about one of them.
    assert [line.split("/in/", 1)[1] for line in check.stderr.splitlines()] == [
        "projects/get-project-users.md:10:1: warning: documented path parameter 'key' does not"
        " appear in api_path"
    ]
    before = snapshot(tmp_path / "in")
    done = run_cli("migrate", "--input", str(tmp_path / "in"), cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    after = snapshot(tmp_path / "in")
    changed = sorted(name for name in before if before[name] != after[name])
    assert len(changed) == 20 and set(before) == set(after)
    original = run_cli("--input", str(source), "--output", "original", cwd=tmp_path)
    migrated = run_cli("--input", "in", "--output", "migrated", cwd=tmp_path)
    assert original.returncode == migrated.returncode == 0
    assert snapshot(tmp_path / "original") == snapshot(tmp_path / "migrated")
