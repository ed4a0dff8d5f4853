"""Loading descriptors and pages: discovery, front matter, validation, diagnostics."""

from __future__ import annotations

import json
import os
from collections import Counter
from pathlib import Path

import jsonschema
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from apidocgen.load import (
    ENDPOINT_FIELDS,
    _fast_valid,
    descriptor_schema,
    load_input,
    parameter_schema,
    path_matches_template,
)
from tests.conftest import ROOT, write_descriptor

LIMITS = {"max_descriptor_bytes": 1_000_000, "max_depth": 64}


def descriptor(**fields: object) -> str:
    base: dict[str, object] = {
        "api_path": "/api/0/things/{thing_id}/",
        "method": "GET",
        "title": "Retrieve a Thing",
    }
    base["path_parameters"] = [{"name": "thing_id", "type": "string", "description": "the id."}]
    base.update(fields)
    return "# comment line\n" + json.dumps(
        {k: v for k, v in base.items() if v is not ...}, indent=2
    )


def load(folder: Path):  # type: ignore[no-untyped-def]
    return load_input(folder, display_root="in", **LIMITS)


def messages(result) -> list[str]:  # type: ignore[no-untyped-def]
    return [d.format() for d in result.diagnostics]


def test_shipped_api_docs_load_cleanly() -> None:
    result = load_input(ROOT / "api-docs", **LIMITS)
    assert result.diagnostics == ()
    assert len(result.descriptors) >= 6
    methods = Counter(d.method for d in result.descriptors)
    assert {"GET", "POST", "PUT", "DELETE"} <= methods.keys()
    seed = next(d for d in result.descriptors if d.source == "events/get-group-events.md")
    assert seed.api_path == "/api/0/issues/{issue_id}/events/"
    assert seed.title == "List an Issue's Events"
    assert [p.name for p in seed.path_parameters] == ["issue_id"]


def test_seed_is_kept_byte_for_byte() -> None:
    seed = ROOT.parent / "shared" / "seed" / "get-group-events.md"
    if not seed.is_file():
        pytest.skip("shared/seed is not beside the repository")
    assert (ROOT / "api-docs" / "events" / "get-group-events.md").read_bytes() == seed.read_bytes()


def test_sentry_corpus_loads_with_zero_errors(sentry_corpus: Path) -> None:
    result = load_input(sentry_corpus, display_root="sentry", **LIMITS)
    assert [d.format() for d in result.diagnostics if d.severity == "error"] == []
    # 72 descriptors and 20 endpoint pages of the older format; 11 guides and section pages.
    assert (len(result.descriptors), len(result.pages)) == (92, 11)
    kinds = Counter(_kind(d.message) for d in result.diagnostics)
    # Every warning is a true statement about its file; these are the kinds the corpus has.
    assert kinds == Counter(
        {
            "undocumented path parameter": 7,
            "documented parameter not in path": 3,
            "no api_path": 1,
            "duplicate route": 3,
            "request path mismatch": 1,
        }
    )
    missing = next(d for d in result.diagnostics if "no api_path" in d.message)
    assert missing.path == "sentry/organizations/delete-organization-details.md"


def _kind(message: str) -> str:
    if "is not documented in path_parameters" in message:
        return "undocumented path parameter"
    if "does not appear in api_path" in message:
        return "documented parameter not in path"
    if message.startswith("no api_path"):
        return "no api_path"
    if "is already documented by" in message:
        return "duplicate route"
    if "does not match api_path" in message:
        return "request path mismatch"
    return message


def test_sentry_pages_and_sections(sentry_corpus: Path) -> None:
    result = load_input(sentry_corpus, **LIMITS)
    titles = {s.path: s.title for s in result.sections}
    assert titles["projects"] == "Projects"
    pagination = next(p for p in result.pages if p.stem == "pagination")
    assert pagination.title == "Pagination" and pagination.sidebar_order == 2
    assert "Link header" in pagination.body


def test_yaml_fallback_for_literal_line_breaks(tmp_path: Path) -> None:
    front = '{\n  "api_path": "/a/",\n  "method": "GET",\n  "title": "A",\n  "description": "line one\n  line two"\n}'
    write_descriptor(tmp_path, "a.md", front)
    result = load(tmp_path)
    assert messages(result) == [
        "in/a.md:6:27: warning: front matter is not valid JSON (a line break inside a string, where JSON needs \\n); read it as YAML"
    ]
    assert result.descriptors[0].description == "line one line two"


def test_json_syntax_error_points_at_its_line(tmp_path: Path) -> None:
    write_descriptor(
        tmp_path, "bad.md", '# c\n{\n  "api_path": "/a/",\n  "method": "GET"\n  "title": "x"\n}'
    )
    result = load(tmp_path)
    assert messages(result) == [
        "in/bad.md:6:3: error: front matter is not valid JSON: Expecting ',' delimiter"
    ]
    assert result.descriptors == ()


def test_unterminated_front_matter_and_empty_file(tmp_path: Path) -> None:
    (tmp_path / "a.md").write_text("---\n{}\n")
    (tmp_path / "b.md").write_text("")
    (tmp_path / "c.md").write_text("---\n")
    assert messages(load(tmp_path)) == [
        "in/a.md:1:1: error: unterminated front matter: no closing '---' line",
        "in/b.md:1:1: error: file is empty; expected a '---' front matter block",
        "in/c.md:1:1: error: unterminated front matter: no closing '---' line",
    ]


def test_bom_and_crlf_are_accepted(tmp_path: Path) -> None:
    text = "---\r\n" + descriptor().replace("\n", "\r\n") + "\r\n---\r\n"
    (tmp_path / "a.md").write_bytes(b"\xef\xbb\xbf" + text.encode())
    result = load(tmp_path)
    assert messages(result) == []
    assert result.descriptors[0].title == "Retrieve a Thing"


def test_invalid_utf8_is_located(tmp_path: Path) -> None:
    (tmp_path / "a.md").write_bytes(b'---\n{"title": "caf\xe9"}\n---\n')
    assert messages(load(tmp_path)) == [
        "in/a.md:2:15: error: file is not valid UTF-8 (byte 0xe9); save it as UTF-8"
    ]


def test_wrong_field_types_and_missing_fields(tmp_path: Path) -> None:
    write_descriptor(tmp_path, "a.md", descriptor(method=5, path_parameters="x"))
    write_descriptor(tmp_path, "b.md", descriptor(title=...))
    assert messages(load(tmp_path)) == [
        "in/a.md:5:1: error: field 'method': expected string, found an integer",
        "in/a.md:7:1: error: field 'path_parameters': expected array, found a string",
        "in/b.md:2:1: error: missing required field 'title'",
    ]


def test_unknown_method_unknown_field_and_bad_paths(tmp_path: Path) -> None:
    write_descriptor(tmp_path, "a.md", descriptor(method="FETCH"))
    write_descriptor(tmp_path, "b.md", descriptor(colour="blue"))
    write_descriptor(tmp_path, "c.md", descriptor(api_path="api/0/x/"))
    write_descriptor(tmp_path, "d.md", descriptor(api_path="/api/{thing_id/"))
    assert messages(load(tmp_path)) == [
        "in/a.md:5:1: error: unknown HTTP method 'FETCH'",
        "in/b.md:14:1: warning: unknown field 'colour' ignored",
        "in/c.md:4:1: error: api_path 'api/0/x/' must start with '/'",
        "in/d.md:4:1: error: api_path '/api/{thing_id/' has '{' without '}'",
    ]


def test_path_parameter_cross_checks_and_request_mismatch(tmp_path: Path) -> None:
    write_descriptor(
        tmp_path,
        "a.md",
        descriptor(
            path_parameters=[{"name": "other", "type": "string"}],
            example_request="POST /api/0/elsewhere/ HTTP/1.1\nHost: x",
        ),
    )
    assert messages(load(tmp_path)) == [
        "in/a.md:4:1: warning: path parameter 'thing_id' in api_path is not documented in path_parameters",
        "in/a.md:7:1: warning: documented path parameter 'other' does not appear in api_path",
        "in/a.md:13:1: warning: example request path '/api/0/elsewhere/' does not match api_path '/api/0/things/{thing_id}/'",
        "in/a.md:13:1: warning: example request uses POST but the descriptor's method is GET",
    ]


def test_parameter_types_map_and_unknown_types_warn(tmp_path: Path) -> None:
    assert parameter_schema("int") == {"type": "integer"}
    assert parameter_schema("Boolean") == {"type": "boolean"}
    assert parameter_schema("timestamp") == {"type": "string", "format": "date-time"}
    assert parameter_schema("url") == {"type": "string", "format": "uri"}
    assert parameter_schema("file") == {"type": "string", "format": "binary"}
    assert parameter_schema("array[string]") == {"type": "array", "items": {"type": "string"}}
    assert parameter_schema("array[int]") == {"type": "array", "items": {"type": "integer"}}
    assert parameter_schema("gizmo") is None
    write_descriptor(
        tmp_path, "a.md", descriptor(query_parameters=[{"name": "q", "type": "gizmo"}])
    )
    result = load(tmp_path)
    assert messages(result) == [
        "in/a.md:14:1: warning: query parameter 'q' has unknown type 'gizmo'; documented as string"
    ]
    assert result.descriptors[0].query_parameters[0].schema == {"type": "string"}


def test_duplicate_keys_and_duplicate_routes(tmp_path: Path) -> None:
    write_descriptor(
        tmp_path, "a.md", '{"api_path": "/x/", "method": "GET", "title": "A", "title": "B"}'
    )
    write_descriptor(tmp_path, "b.md", '{"api_path": "/x/", "method": "GET", "title": "C"}')
    result = load(tmp_path)
    assert messages(result) == [
        "in/a.md:2:1: warning: duplicate key 'title'; the last value wins",
        "in/b.md:2:1: warning: GET /x/ is already documented by in/a.md; the operation in openapi.json and the client comes from that file, and this page shows its own parameters and examples",
    ]
    assert result.descriptors[0].title == "B"


def test_non_object_front_matter(tmp_path: Path) -> None:
    write_descriptor(tmp_path, "a.md", "[1, 2]")
    assert messages(load(tmp_path)) == [
        "in/a.md:2:1: error: front matter must be a JSON object, not an array"
    ]


def test_pages_sections_and_ordering(tmp_path: Path) -> None:
    (tmp_path / "guides").mkdir()
    (tmp_path / "guides" / "index.md").write_text(
        "---\ntitle: Guides\nsidebar_order: 3\n---\nAll the guides.\n"
    )
    (tmp_path / "guides" / "auth.md").write_text(
        "---\ntitle: Authentication\nsidebar_order: 1\n---\nUse a token.\n"
    )
    (tmp_path / "notes.md").write_text("# Release notes\n\nNothing yet.\n")
    result = load(tmp_path)
    assert messages(result) == []
    assert sorted((p.source, p.title, p.sidebar_order) for p in result.pages) == [
        ("guides/auth.md", "Authentication", 1),
        ("guides/index.md", "Guides", 3),
        ("notes.md", "Release notes", None),
    ]
    guides = next(s for s in result.sections if s.path == "guides")
    assert (guides.title, guides.intro, guides.sidebar_order) == ("Guides", "All the guides.", 3)


def test_symlink_outside_input_is_not_followed(tmp_path: Path) -> None:
    outside = tmp_path / "outside.md"
    write_descriptor(tmp_path, "outside.md", descriptor())
    folder = tmp_path / "in"
    folder.mkdir()
    os.symlink(outside, folder / "link.md")
    result = load_input(folder, display_root="in", **LIMITS)
    assert messages(result) == [
        "in/link.md:1:1: warning: symlink points outside the input folder; skipped"
    ]
    assert result.descriptors == ()


def test_file_over_size_limit(tmp_path: Path) -> None:
    write_descriptor(tmp_path, "a.md", descriptor(description="x" * 2000))
    result = load_input(tmp_path, display_root="in", max_descriptor_bytes=1000, max_depth=64)
    assert len(messages(result)) == 1
    assert messages(result)[0].endswith(
        "over the limit of 1,000 bytes (raise max_descriptor_bytes in [tool.apidocgen] to allow it)"
    )


def test_json_descriptor_file_without_front_matter(tmp_path: Path) -> None:
    (tmp_path / "a.json").write_text(descriptor().split("\n", 1)[1])
    result = load(tmp_path)
    assert messages(result) == [] and result.descriptors[0].source == "a.json"


def test_path_template_matching() -> None:
    assert path_matches_template("/a/{x}/b/{y}/", "/a/1/b/2/")
    assert path_matches_template("/repos/{o}/git/refs/{ref}", "/repos/me/git/refs/heads/main")
    assert not path_matches_template("/a/{x}/b/", "/a/b/")
    assert not path_matches_template("/a/{x}", "/b/1")
    # Linear time: a long hostile target does not hang.
    assert not path_matches_template("/{a}/x/{b}/x/{c}/x/{d}/y", "/" + "x/" * 50_000)


_SCALARS = st.one_of(st.none(), st.booleans(), st.integers(), st.text(max_size=5))
_PARAM = st.dictionaries(
    st.sampled_from(["name", "type", "description", "required"]), _SCALARS, max_size=4
)
_VALUES = st.one_of(_SCALARS, st.lists(st.one_of(_PARAM, _SCALARS), max_size=3))


@settings(max_examples=300, deadline=None)
@given(st.dictionaries(st.sampled_from(ENDPOINT_FIELDS), _VALUES, max_size=12))
def test_fast_check_agrees_with_the_published_schema(data: dict[str, object]) -> None:
    valid = not list(jsonschema.Draft202012Validator(descriptor_schema()).iter_errors(data))
    assert _fast_valid(data) == valid


def test_special_files_are_refused_without_reading_them(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "pipe.md")  # a read would block forever
    os.symlink("/dev/zero", tmp_path / "zero.md")  # a read would never end
    os.symlink("loop.md", tmp_path / "loop.md")
    os.symlink(tmp_path / "missing.md", tmp_path / "gone.md")
    assert messages(load(tmp_path)) == [
        "in/gone.md:1:1: warning: symlink points to nothing (its target does not exist); skipped",
        "in/loop.md:1:1: warning: symlink cannot be resolved (a loop of links?); skipped",
        "in/pipe.md:1:1: error: not a regular file (a FIFO, socket or device?); remove it",
        "in/zero.md:1:1: warning: symlink points outside the input folder; skipped",
    ]


def test_symlink_inside_the_input_is_read(tmp_path: Path) -> None:
    write_descriptor(tmp_path, "real/a.md", descriptor())
    os.symlink(tmp_path / "real" / "a.md", tmp_path / "b.md")
    result = load(tmp_path)
    assert messages(result) == [
        "in/real/a.md:4:1: warning: GET /api/0/things/{thing_id}/ is already documented by in/b.md;"
        " the operation in openapi.json and the client comes from that file, and this page shows its own parameters and examples"
    ]
    assert sorted(d.source for d in result.descriptors) == ["b.md", "real/a.md"]


def test_unusable_file_names_are_errors_shown_escaped(tmp_path: Path) -> None:
    write_descriptor(tmp_path, "new\nline.md", descriptor())
    write_descriptor(tmp_path, "esc\x1bape/a.md", descriptor())
    fd = os.open(os.fsencode(tmp_path) + b"/caf\xe9.md", os.O_WRONLY | os.O_CREAT, 0o644)
    os.close(fd)
    assert messages(load(tmp_path)) == [
        "in/caf\\udce9.md:1:1: error: file name is not valid UTF-8; rename the file",
        "in/esc\\x1bape:1:1: error: folder name contains the control character U+001B; rename the folder",
        "in/new\\nline.md:1:1: error: file name contains the control character U+000A; rename the file",
    ]


def test_yaml_front_matter_problems(tmp_path: Path) -> None:
    (tmp_path / "dup.md").write_text("---\ntitle: A\nmethod: GET\napi_path: /x/\ntitle: B\n---\n")
    (tmp_path / "key.md").write_text("---\ntitle: A\nmethod: GET\napi_path: /y/\n404: no\n---\n")
    (tmp_path / "null.md").write_text("---\n~\n---\n")
    (tmp_path / "deep.md").write_text("---\ntitle:\n" + "- " * 100 + "x\n---\n")
    bomb = "".join(
        f"{name}: &{name} [{', '.join([f'*{prev}' if prev else 'x'] * 10)}]\n"
        for prev, name in zip(["", "a", "b", "c", "d", "e"], "abcdef", strict=True)
    )
    (tmp_path / "bomb.md").write_text(f"---\n{bomb}title: B\nmethod: GET\napi_path: /z/\n---\n")
    result = load(tmp_path)
    assert messages(result) == [
        "in/bomb.md:2:1: error: front matter expands to more than 100,000 values (YAML aliases that repeat large values?)",
        "in/deep.md:2:1: error: front matter nests more than 64 levels deep (max_depth in [tool.apidocgen])",
        "in/dup.md:5:1: warning: duplicate key 'title'; the last value wins",
        "in/key.md:5:1: error: key 404 is an integer, not a string; quote it",
        "in/null.md:2:1: error: front matter must be a mapping, not null",
    ]
    assert [d.title for d in result.descriptors] == ["B"]


def test_front_matter_after_blank_lines_and_text_after_it(tmp_path: Path) -> None:
    write_descriptor(tmp_path, "a.md", descriptor(), body="\n\nNotes.\n")
    (tmp_path / "b.md").write_text("\n \n" + (tmp_path / "a.md").read_text().split("\n\n")[0])
    result = load(tmp_path)
    assert messages(result) == [
        "in/a.md:18:1: warning: text after the front matter of a descriptor is ignored",
        "in/b.md:3:1: warning: blank lines before the opening '---' of the front matter; read it anyway",
        "in/b.md:6:1: warning: GET /api/0/things/{thing_id}/ is already documented by in/a.md;"
        " the operation in openapi.json and the client comes from that file, and this page shows its own parameters and examples",
    ]
    assert [d.title for d in result.descriptors] == ["Retrieve a Thing"] * 2


def test_values_no_output_can_carry_are_errors(tmp_path: Path) -> None:
    write_descriptor(tmp_path, "a.md", descriptor(description="x\x00y"))
    write_descriptor(tmp_path, "b.md", descriptor().replace("Retrieve", "Retrieve\\ud83d"))
    write_descriptor(
        tmp_path, "c.md", descriptor(sidebar_order=int("9" * 4000)).replace("9" * 4000, "9" * 5000)
    )
    write_descriptor(tmp_path, "d.md", descriptor(title="Red \x1b[31m"))
    assert messages(load(tmp_path)) == [
        "in/a.md:14:1: error: field 'description' contains a NUL character (\\u0000)",
        "in/b.md:6:1: error: field 'title' contains \\ud83d, half of a UTF-16 surrogate pair (not valid Unicode)",
        "in/c.md:2:1: error: front matter is not valid JSON: a number has more than 4300 digits",
        "in/d.md:6:1: error: title contains the control character U+001B",
    ]


def test_titles_are_one_line_and_messages_escape_descriptor_text(tmp_path: Path) -> None:
    write_descriptor(
        tmp_path, "a.md", descriptor(title="Retrieve\n  a\tThing", **{"\u202eevil": 1})
    )
    result = load(tmp_path)
    assert messages(result) == [
        "in/a.md:6:1: warning: title has line breaks or tabs; they are read as spaces",
        "in/a.md:14:1: warning: unknown field '\\u202eevil' ignored",
    ]
    assert result.descriptors[0].title == "Retrieve a Thing"


def test_json_syntax_messages_in_user_terms(tmp_path: Path) -> None:
    write_descriptor(tmp_path, "a.md", '{"api_path": "/a/", "method": "GET", "title": "A",}')
    write_descriptor(tmp_path, "b.md", "{'api_path': '/b/', 'method': 'GET', 'title': 'B'}")
    write_descriptor(tmp_path, "c.md", '{"api_path": "/c/", "method": "GET", "title": "C}')
    assert messages(load(tmp_path)) == [
        "in/a.md:2:51: warning: front matter is not valid JSON (a trailing comma before '}'); read it as YAML",
        "in/b.md:2:2: warning: front matter is not valid JSON (a single-quoted name (JSON needs double quotes)); read it as YAML",
        "in/c.md:2:47: error: front matter is not valid JSON: a string is not closed (a '\"' is missing)",
    ]


def test_typos_get_a_suggestion_and_a_path_from_the_request_names_its_fixed_segments(
    tmp_path: Path,
) -> None:
    front = {
        "api_paht": "/teams/{team}/",
        "method": "GET",
        "title": "Retrieve a Team",
        "query_parameters": [{"name": "expand", "type": "bolean"}],
        "example_request": "GET /api/0/teams/acme/ops/ HTTP/1.1",
    }
    write_descriptor(tmp_path, "get-team.md", json.dumps(front, indent=2))
    assert messages(load(tmp_path)) == [
        "in/get-team.md:2:1: warning: no api_path; taken from the example request:"
        " /api/0/teams/acme/ops/, so every segment of it ('api', '0', 'teams', 'acme', 'ops')"
        " is fixed in the route and the client; write api_path with {placeholders} for the"
        " values that vary",
        "in/get-team.md:3:1: warning: unknown field 'api_paht' ignored; did you mean 'api_path'?",
        "in/get-team.md:6:1: warning: query parameter 'expand' has unknown type 'bolean';"
        " documented as string; did you mean 'boolean'?",
    ]


def test_a_tab_in_yaml_front_matter_is_named(tmp_path: Path) -> None:
    (tmp_path / "guide.md").write_text("---\ntitle: Guide\nitems:\n\t- a\n---\nText\n")
    assert messages(load(tmp_path)) == [
        "in/guide.md:4:1: error: front matter is not valid YAML: a tab indents this line;"
        " YAML indents with spaces only (replace the tabs with spaces)"
    ]
