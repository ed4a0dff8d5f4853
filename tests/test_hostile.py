"""Hostile and broken input: nothing crashes, nothing leaks, nothing is lost.

A catalogue of small hostile inputs, each run through the real command line in a subprocess,
next to a good descriptor set whose output was generated before. For every case:

- the diagnostics are exactly the expected `path:line:col: severity: message` lines;
- the exit code is the expected one and no traceback is printed;
- a failed run leaves the previous output byte for byte as it was, and writes nothing beside it;
- a run with warnings only succeeds, writes only inside the output folder, keeps every
  descriptor (one operation each, unique operation ids), and its openapi.json and Python files
  are valid.

Then: usage errors for output folders inside the input, scanners that stay linear on 100k-char
hostile text, and 10,000 endpoints in one section.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from apidocgen import http, load, naming
from apidocgen.load import load_input
from tests.conftest import run_cli

F = "in/case.md"
RESPONSE = "HTTP/1.1 200 OK\nContent-Type: application/json\n\n"
REQUEST = "POST /x/ HTTP/1.1\nHost: api.example.com\nContent-Type: application/json\n\n"
MB = 1024 * 1024
RESERVED = (
    {"con", "prn", "aux", "nul"} | {f"com{n}" for n in range(10)} | {f"lpt{n}" for n in range(10)}
)

GOOD = {
    "good/index.md": "---\ntitle: Widgets\nsidebar_order: 1\n---\n\nEverything about widgets.\n",
    "good/get-widget.md": "---\n# Endpoint descriptor\n"
    + json.dumps(
        {
            "api_path": "/api/widgets/{widget_id}/",
            "method": "GET",
            "title": "Retrieve a Widget",
            "description": "Returns one widget.",
            "path_parameters": [{"name": "widget_id", "type": "int", "description": "the id."}],
            "example_request": "GET /api/widgets/7/ HTTP/1.1\nHost: api.example.com",
            "example_response": RESPONSE + '{"id": 7, "name": "Sprocket", "tags": ["a"]}',
        },
        indent=2,
    )
    + "\n---\n",
}


def endpoint(**fields: Any) -> dict[str, Any]:
    """Front matter fields: api_path, method and title first (lines 3-5), then `fields`
    in order (line 6 on); a value of `...` removes a field."""
    data: dict[str, Any] = {"api_path": "/x/", "method": "GET", "title": "X"}
    data.update(fields)
    return {k: v for k, v in data.items() if v is not ...}


def front(data: Any) -> str:
    """A descriptor file: `---` on line 1, the JSON object from line 2, two-space indent."""
    return "---\n" + json.dumps(data, indent=2, ensure_ascii=False) + "\n---\n"


Files = dict[str, str | bytes]
Expected = list[str] | Callable[[Path], list[str]]


@dataclass(frozen=True)
class Case:
    id: str
    files: Files
    expected: Expected
    exit_code: int = 1
    setup: Callable[[Path, Path], None] | None = None  # (input folder, work folder)
    config: str = ""  # lines of [tool.apidocgen]
    check: Callable[[Path, dict[str, Any]], None] | None = None  # (output, openapi)
    marks: tuple[Any, ...] = field(default=())


def case(id: str, files: Files, expected: Expected, exit_code: int = 1, **kw: Any) -> Case:
    return Case(id, files, expected, exit_code, **kw)


# --- set-ups for what a dict of files cannot say -------------------------------------------


def _symlink_outside(source: Path, work: Path) -> None:
    (work / "secret.md").write_text(front(endpoint(title="Secret")))
    os.symlink(work / "secret.md", source / "case.md")


def _symlink_loop(source: Path, work: Path) -> None:
    os.symlink("case.md", source / "case.md")


def _symlink_dangling(source: Path, work: Path) -> None:
    os.symlink(work / "nowhere.md", source / "case.md")


def _symlinked_folder(source: Path, work: Path) -> None:
    (work / "elsewhere").mkdir()
    (work / "elsewhere" / "a.md").write_text(front(endpoint()))
    os.symlink(work / "elsewhere", source / "linked")


def _fifo(source: Path, work: Path) -> None:
    fifo = source / "case.md"
    os.mkfifo(fifo)

    def unblock() -> None:
        # Whatever opens the FIFO to read it blocks until a writer comes: after a while,
        # come and go as a writer so that such a reader sees an empty file instead of
        # hanging the test (the case then fails on its time limit, not on a timeout).
        time.sleep(FIFO_PATIENCE)
        for _ in range(600):
            try:
                os.close(os.open(fifo, os.O_WRONLY | os.O_NONBLOCK))
                return
            except OSError:  # no reader yet, or the run is over and the folder gone
                time.sleep(0.1)

    threading.Thread(target=unblock, daemon=True).start()


FIFO_PATIENCE = 15.0


def _big_body(size: int) -> Callable[[Path, Path], None]:
    def write(source: Path, work: Path) -> None:
        body = "[" + "1," * ((size - 3) // 2) + "1]"
        body += " " * (size - len(body))
        (source / "case.md").write_text(front(endpoint(example_response=RESPONSE + body)))

    return write


def _size_error(source: Path) -> list[str]:
    size = (source / "case.md").stat().st_size
    return [
        f"{F}:1:1: error: file is {size:,} bytes, over the limit of 10,485,760 bytes"
        " (raise max_descriptor_bytes in [tool.apidocgen] to allow it)"
    ]


def _non_utf8_file_name(source: Path, work: Path) -> None:
    fd = os.open(os.fsencode(source) + b"/caf\xe9.md", os.O_WRONLY | os.O_CREAT, 0o644)
    os.write(fd, front(endpoint()).encode())
    os.close(fd)


# --- checks on a successful run ---------------------------------------------------------------


def _operation(openapi: dict[str, Any], source: str) -> dict[str, Any]:
    operations = [op for item in openapi["paths"].values() for op in item.values()]
    return next(op for op in operations if op["x-apidocgen-source"] == source)


def _response_example(source: str, expected: Any) -> Callable[[Path, dict[str, Any]], None]:
    def check(out: Path, openapi: dict[str, Any]) -> None:
        content = _operation(openapi, source)["responses"]["200"]["content"]
        assert content["application/json"]["example"] == expected

    return check


def _response_text(source: str) -> Callable[[Path, dict[str, Any]], None]:
    def check(out: Path, openapi: dict[str, Any]) -> None:
        content = _operation(openapi, source)["responses"]["200"]["content"]
        assert all(media["schema"] == {"type": "string"} for media in content.values())

    return check


def _summary_is(source: str, title: str) -> Callable[[Path, dict[str, Any]], None]:
    def check(out: Path, openapi: dict[str, Any]) -> None:
        assert _operation(openapi, source)["summary"] == title

    return check


def _no_response_invented(source: str) -> Callable[[Path, dict[str, Any]], None]:
    def check(out: Path, openapi: dict[str, Any]) -> None:
        responses = _operation(openapi, source)["responses"]
        assert responses == {"default": {"description": "No example response was documented."}}

    return check


def _no_markup_from_descriptors(out: Path, openapi: dict[str, Any]) -> None:
    # Descriptor text is data: kept as written in openapi.json, never evaluated as a template,
    # never HTML in a page.
    assert _operation(openapi, "case.md")["summary"] == "{{ 7*7 }} <script>alert(1)</script>"
    for page in out.rglob("*.md"):
        text = page.read_text("utf-8")
        assert "<script" not in text and "<img" not in text, page
        assert not re.search(r"^# 49\b", text, re.MULTILINE), page


# --- the catalogue ----------------------------------------------------------------------------

BOMB = (
    "---\n"
    "a: &a [x, x, x, x, x, x, x, x, x, x]\n"
    "b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
    "c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\n"
    "d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]\n"
    "e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d]\n"
    "f: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e, *e]\n"
    "g: &g [*f, *f, *f, *f, *f, *f, *f, *f, *f, *f]\n"
    "h: &h [*g, *g, *g, *g, *g, *g, *g, *g, *g, *g]\n"
    "title: Bomb\nmethod: GET\napi_path: /bomb/\n---\n"
)
PYTHON_NAMES = {
    "class": 1, "def": 2, "None": 3, "True": True, "from": "x", "import": 4, "async": 5,
    "match": 6, "case": 7, "type": 8, "_": 9, "__init__": 10, "self": 11, "list": [1],
    "str": "s", "print": 12, "id": 13, "1st": 14, "2fa": True, "": 15, "ünïcødé": 16, "日本": 17,
    "userId": 18, "user_id": 19, "user-id": 20, "UserID": 21, "model_config": 22,
    "model_dump": 23, "json": 24, "dict": 25, "copy": 26, "validate": 27, "fields": 28,
    "schema": 29, "a b": 30, "a.b": 31, "$ref": "x", "Field": 32, "BaseModel": 33,
    "Any": 34, "Optional": 35, "datetime": 36,
}  # fmt: skip

CASES = [
    # Files and front matter blocks.
    case("empty-file", {"case.md": ""}, [f"{F}:1:1: error: file is empty; expected a '---' front matter block"]),
    case("only-dashes", {"case.md": "---"}, [f"{F}:1:1: error: unterminated front matter: no closing '---' line"]),
    case("empty-front-matter", {"case.md": "---\n---\n"}, [f"{F}:1:1: error: front matter is empty"]),
    case("comments-only-front-matter", {"case.md": "---\n# generated\n---\n"}, [f"{F}:1:1: error: front matter is empty"]),
    case(
        "unterminated-front-matter",
        {"case.md": '---\n{"api_path": "/x/", "method": "GET", "title": "X"}\n'},
        [f"{F}:1:1: error: unterminated front matter: no closing '---' line"],
    ),
    case(
        "blank-lines-before-front-matter",
        {"case.md": "\n\n" + front(endpoint())},
        [f"{F}:3:1: warning: blank lines before the opening '---' of the front matter; read it anyway"],
        0,
        check=_summary_is("case.md", "X"),
    ),
    case(
        "text-after-front-matter",
        {"case.md": front(endpoint()) + "\nStray notes.\n"},
        [f"{F}:9:1: warning: text after the front matter of a descriptor is ignored"],
        0,
    ),
    # Encodings and characters.
    case("bom", {"case.md": b"\xef\xbb\xbf" + front(endpoint()).encode()}, [], 0, check=_summary_is("case.md", "X")),
    case(
        "crlf",
        {"case.md": front(endpoint(example_response=RESPONSE.replace("\n", "\r\n") + '{"id": 1}')).replace("\n", "\r\n")},
        [],
        0,
        check=_response_example("case.md", {"id": 1}),
    ),
    case(
        "invalid-utf8",
        {"case.md": b'---\n{\n  "api_path": "/x/",\n  "method": "GET",\n  "title": "Caf\xe9"\n}\n---\n'},
        [f"{F}:5:16: error: file is not valid UTF-8 (byte 0xe9); save it as UTF-8"],
    ),
    case(
        "nul-byte",
        {"case.md": '---\n{\n  "api_path": "/x/",\n  "method": "GET",\n  "title": "A\x00B"\n}\n---\n'},
        [f"{F}:5:14: error: file contains a NUL character"],
    ),
    case(
        "nul-escape-in-title",
        {"case.md": front(endpoint(title="A\x00B"))},
        [f"{F}:5:1: error: field 'title' contains a NUL character (\\u0000)"],
    ),
    case(
        "lone-surrogate-in-title",
        {"case.md": '---\n{\n  "api_path": "/x/",\n  "method": "GET",\n  "title": "A\\ud800"\n}\n---\n'},
        [f"{F}:5:1: error: field 'title' contains \\ud800, half of a UTF-16 surrogate pair (not valid Unicode)"],
    ),
    case(
        "control-character-in-title",
        {"case.md": front(endpoint(title="\x1b[31mRed"))},
        [f"{F}:5:1: error: title contains the control character U+001B"],
    ),
    case(
        "multi-line-title",
        {"case.md": front(endpoint(title="List\nthe\twidgets"))},
        [f"{F}:5:1: warning: title has line breaks or tabs; they are read as spaces"],
        0,
        check=_summary_is("case.md", "List the widgets"),
    ),
    case(
        "terminal-escape-in-field-name",
        {"case.md": front(endpoint(**{"\x1b[2Jcolour": 1}))},
        [f"{F}:6:1: warning: unknown field '\\x1b[2Jcolour' ignored"],
        0,
    ),
    # JSON syntax.
    case(
        "json-missing-comma",
        {"case.md": '---\n# comment\n{\n  "api_path": "/x/",\n  "method": "GET"\n  "title": "X"\n}\n---\n'},
        [f"{F}:6:3: error: front matter is not valid JSON: Expecting ',' delimiter"],
    ),
    case(
        "json-unclosed-object",
        {"case.md": '---\n{\n  "api_path": "/x/",\n  "method": "GET",\n  "title": "X"\n---\n'},
        [f"{F}:5:15: error: front matter is not valid JSON: Expecting ',' delimiter"],
    ),
    case(
        "json-unclosed-string",
        {"case.md": '---\n{\n  "api_path": "/x/",\n  "method": "GET,\n  "title": "X"\n}\n---\n'},
        [f"{F}:4:18: error: front matter is not valid JSON: a line break inside a string, where JSON needs \\n"],
    ),
    case(
        "json-trailing-comma",
        {"case.md": '---\n{\n  "api_path": "/x/",\n  "method": "GET",\n  "title": "X",\n}\n---\n'},
        [f"{F}:6:1: warning: front matter is not valid JSON (a trailing comma before '}}'); read it as YAML"],
        0,
    ),
    case(
        "duplicate-keys",
        {"case.md": '---\n{\n  "api_path": "/x/",\n  "method": "GET",\n  "title": "A",\n  "title": "B"\n}\n---\n'},
        [f"{F}:6:1: warning: duplicate key 'title'; the last value wins"],
        0,
        check=_summary_is("case.md", "B"),
    ),
    case("top-level-array", {"case.md": front([1, 2])}, [f"{F}:2:1: error: front matter must be a JSON object, not an array"]),
    case("top-level-string", {"case.md": front("hello")}, [f"{F}:2:1: error: front matter must be a mapping, not a string"]),
    case("top-level-null", {"case.md": front(None)}, [f"{F}:2:1: error: front matter must be a mapping, not null"]),
    case(
        "json-nested-100000-deep",
        {"case.md": "---\n" + "[" * 100_000 + "]" * 100_000 + "\n---\n"},
        [f"{F}:2:1: error: front matter nests 100000 levels deep, over the limit of 64 (max_depth in [tool.apidocgen])"],
    ),
    case(
        "field-name-of-100000-characters",
        {"case.md": front(endpoint(**{"k" * 100_000: 1}))},
        [f"{F}:6:1: warning: unknown field '{'k' * 57}...' ignored"],
        0,
    ),
    # YAML front matter.
    case(
        "yaml-alias-bomb",
        {"case.md": BOMB},
        [f"{F}:2:1: error: front matter expands to more than 100,000 values (YAML aliases that repeat large values?)"],
    ),
    case(
        "yaml-non-string-key",
        {"case.md": "---\ntitle: X\nmethod: GET\napi_path: /x/\n200: ok\n---\n"},
        [f"{F}:5:1: error: key 200 is an integer, not a string; quote it"],
    ),
    case(
        "yaml-duplicate-key",
        {"case.md": "---\ntitle: A\nmethod: GET\napi_path: /x/\ntitle: B\n---\n"},
        [f"{F}:5:1: warning: duplicate key 'title'; the last value wins"],
        0,
        check=_summary_is("case.md", "B"),
    ),
    case(
        "yaml-date-title",
        {"case.md": "---\ntitle: 2024-01-31\nmethod: GET\napi_path: /x/\n---\n"},
        [f"{F}:2:1: error: field 'title': expected string, found a date (quote it to make it a string)"],
    ),
    # Fields.
    case("method-is-a-number", {"case.md": front(endpoint(method=5))}, [f"{F}:4:1: error: field 'method': expected string, found an integer"]),
    case(
        "path-parameters-is-a-string",
        {"case.md": front(endpoint(path_parameters="x"))},
        [f"{F}:6:1: error: field 'path_parameters': expected array, found a string"],
    ),
    case("unknown-http-method", {"case.md": front(endpoint(method="FETCH"))}, [f"{F}:4:1: error: unknown HTTP method 'FETCH'"]),
    case(
        "missing-required-fields",
        {"case.md": front({"api_path": "/x/"})},
        [f"{F}:2:1: error: missing required field 'method'", f"{F}:2:1: error: missing required field 'title'"],
    ),
    case("api-path-without-slash", {"case.md": front(endpoint(api_path="x/y"))}, [f"{F}:3:1: error: api_path 'x/y' must start with '/'"]),
    case("api-path-unclosed-brace", {"case.md": front(endpoint(api_path="/x/{id/"))}, [f"{F}:3:1: error: api_path '/x/{{id/' has '{{' without '}}'"]),
    case("api-path-unopened-brace", {"case.md": front(endpoint(api_path="/x/id}/"))}, [f"{F}:3:1: error: api_path '/x/id}}/' has '}}' without '{{'"]),
    case(
        "api-path-with-control-character",
        {"case.md": front(endpoint(api_path="/x/\x1b/"))},
        [f"{F}:3:1: error: api_path '/x/\\x1b/' must not contain spaces, control characters, '?' or '#'"],
    ),
    case(
        "sidebar-order-is-true",
        {"case.md": front(endpoint(sidebar_order=True))},
        [f"{F}:6:1: error: field 'sidebar_order': expected integer, found a boolean"],
    ),
    case(
        "parameters-with-non-object-items",
        {"case.md": front(endpoint(parameters=[1, "name", None]))},
        [
            f"{F}:6:1: error: field 'parameters.0': expected object, found an integer",
            f"{F}:6:1: error: field 'parameters.1': expected object, found a string",
            f"{F}:6:1: error: field 'parameters.2': expected object, found null",
        ],
    ),
    case(
        "parameter-with-blank-name",
        {"case.md": front(endpoint(query_parameters=[{"name": "  ", "type": "string"}]))},
        [f"{F}:6:1: error: a query parameter has an empty name"],
    ),
    case(
        "unknown-fields",
        {"case.md": front(endpoint(colour="red", Size=2))},
        [f"{F}:6:1: warning: unknown field 'colour' ignored", f"{F}:7:1: warning: unknown field 'Size' ignored"],
        0,
    ),
    case(
        "two-descriptors-for-one-route",
        {"a.md": front(endpoint(title="A")), "b.md": front(endpoint(title="B"))},
        [
            "in/b.md:3:1: warning: GET /x/ is already documented by in/a.md; the operation in"
            " openapi.json and the client comes from that file, and this page shows its own"
            " parameters and examples"
        ],
        0,
    ),
    # Examples.
    case(
        "request-that-is-not-http",
        {"case.md": front(endpoint(example_request="fetch me the widgets please"))},
        [f"{F}:6:1: error: example request line 'fetch me the widgets please' is not 'METHOD /path HTTP/1.1'"],
    ),
    case(
        "request-with-invalid-url",
        {"case.md": front(endpoint(example_request="GET http://[::1/x/ HTTP/1.1"))},
        [f"{F}:6:1: error: example request target 'http://[::1/x/' is not a valid URL (Invalid IPv6 URL)"],
    ),
    case(
        "request-headers-with-trailing-newline",
        {"case.md": front(endpoint(example_request="GET /x/ HTTP/1.1\nHost: api.example.com\n\n"))},
        [],
        0,
    ),
    case(
        "status-line-without-code",
        {"case.md": front(endpoint(example_response="HTTP/1.1 OK\n\n{}"))},
        [f"{F}:6:1: error: example response status line 'HTTP/1.1 OK' has no 3-digit status code (expected e.g. 'HTTP/1.1 200 OK')"],
    ),
    case(
        "status-line-that-is-only-a-version",  # a capture that recorded no status
        {"case.md": front(endpoint(example_response="HTTP/1.1\n\n"))},
        [f"{F}:6:1: warning: example response status line 'HTTP/1.1' has no status code; the example response is not used"],
        0,
        check=_no_response_invented("case.md"),
    ),
    case(
        "status-out-of-range",
        {"case.md": front(endpoint(example_response="HTTP/1.1 999 Whatever\n\n{}"))},
        [f"{F}:6:1: error: example response status 999 is not between 100 and 599"],
    ),
    case(
        "response-without-status-line",
        {"case.md": front(endpoint(example_response='{"id": 1}'))},
        [
            f"{F}:6:1: error: example response status line '{{\"id\": 1}}' is not 'HTTP/1.1 200 OK';"
            " the example seems to start with its body: add a status line 'HTTP/1.1 200 OK' and a blank line first"
        ],
    ),
    case(
        "header-line-without-colon",
        {"case.md": front(endpoint(example_response="HTTP/1.1 200 OK\nContent-Type application/json\n\n{}"))},
        [
            f"{F}:6:1: error: example response line 2: header 'Content-Type application/json' has no ':'"
            " (expected 'Name: value'; a blank line must separate the headers from the body)"
        ],
    ),
    case(
        "example-with-only-headers",
        {"case.md": front(endpoint(example_response="HTTP/1.1 200 OK\nContent-Type: application/json\n"))},
        [],
        0,
    ),
    case(
        "http2-start-lines",
        {
            "case.md": front(
                endpoint(
                    example_request="GET /x/ HTTP/2\nhost: api.example.com",
                    example_response='HTTP/2 200\ncontent-type: application/json\n\n{"id": 1}',
                )
            )
        },
        [],
        0,
        check=_response_example("case.md", {"id": 1}),
    ),
    case(
        "204-with-a-body",
        {"case.md": front(endpoint(example_response="HTTP/1.1 204 No Content\n\n{}"))},
        [f"{F}:6:1: warning: example response 204 has a body; a 204 response has none"],
        0,
    ),
    case(
        "truncated-json-body",
        {"case.md": front(endpoint(example_response=RESPONSE + '{"id": 1, "tags": ["a", "b"'))},
        [
            f"{F}:6:1: warning: example response body does not parse as JSON (Expecting ',' delimiter"
            " at line 1 column 28 of the body); kept as text"
        ],
        0,
        check=_response_text("case.md"),
    ),
    case(
        "javascript-object-body",
        {"case.md": front(endpoint(example_response=RESPONSE + "{id: 1, name: 'it\\'s', tags: ['a', /* last */], // note\n}"))},
        [
            f"{F}:6:1: warning: example response body is not JSON (a name that is not in double quotes"
            " at line 1 column 2 of the body); read it as JavaScript object syntax"
        ],
        0,
        check=_response_example("case.md", {"id": 1, "name": "it's", "tags": ["a"]}),
    ),
    case(
        "bare-string-body",
        {"case.md": front(endpoint(example_response=RESPONSE + '"ok"'))},
        [f"{F}:6:1: warning: example response body is a bare JSON string (str), not an object or array"],
        0,
    ),
    case(
        "bare-number-body",
        {"case.md": front(endpoint(example_response=RESPONSE + "42"))},
        [f"{F}:6:1: warning: example response body is a bare JSON number (int), not an object or array"],
        0,
    ),
    case(
        "nan-body",
        {"case.md": front(endpoint(example_response=RESPONSE + '{"ratio": NaN}'))},
        [f"{F}:6:1: warning: example response body does not parse as JSON (NaN is not a JSON number); kept as text"],
        0,
        check=_response_text("case.md"),
    ),
    case(
        "infinite-number-body",
        {"case.md": front(endpoint(example_response=RESPONSE + '{"big": 1e999}'))},
        [f"{F}:6:1: warning: example response body does not parse as JSON (the number 1e999 is too large to represent); kept as text"],
        0,
    ),
    case(
        "lone-surrogate-body",
        {"case.md": front(endpoint(example_response=RESPONSE + '{"name": "\\ud800"}'))},
        [
            f"{F}:6:1: warning: example response body does not parse as JSON (a \\u escape is half of a"
            " UTF-16 surrogate pair, which is not valid Unicode); kept as text"
        ],
        0,
    ),
    case(
        "integer-beyond-64-bits",
        {"case.md": front(endpoint(example_response=RESPONSE + '{"big": 123456789012345678901234567890}'))},
        [],
        0,
        check=_response_example("case.md", {"big": 123456789012345678901234567890}),
    ),
    case(
        "body-nested-100000-deep",
        {"case.md": front(endpoint(example_response=RESPONSE + "[" * 100_000 + "]" * 100_000))},
        [f"{F}:6:1: error: example response body nests 100000 levels deep, over the limit of 64 (max_depth in [tool.apidocgen])"],
    ),
    case(
        "body-key-of-100000-characters",
        {"case.md": front(endpoint(example_response=RESPONSE + json.dumps({"k" * 100_000: 1, "id": 2})))},
        [],
        0,
        check=_response_example("case.md", {"k" * 100_000: 1, "id": 2}),
    ),
    case(
        "python-hostile-field-names",
        {"case.md": front(endpoint(method="POST", example_request=REQUEST + json.dumps(PYTHON_NAMES), example_response=RESPONSE + json.dumps(PYTHON_NAMES)))},
        [],
        0,
        check=_response_example("case.md", PYTHON_NAMES),
    ),
    # Sizes (the defaults: 10 MiB per file, 5 MiB per body; both configurable).
    case("50-mb-example-body", {}, _size_error, setup=_big_body(50 * MB)),
    case(
        "50-mb-body-with-a-raised-file-limit",
        {},
        [
            f"{F}:6:1: error: example response body is 52,428,800 bytes, over the limit of 5,242,880 bytes"
            " (raise max_body_bytes in [tool.apidocgen] to allow it)"
        ],
        setup=_big_body(50 * MB),
        config="max_descriptor_bytes = 104857600",
    ),
    case(
        "body-over-a-configured-limit",
        {"case.md": front(endpoint(example_response=RESPONSE + json.dumps({"name": "x" * 100})))},
        [
            f"{F}:6:1: error: example response body is 112 bytes, over the limit of 64 bytes"
            " (raise max_body_bytes in [tool.apidocgen] to allow it)"
        ],
        config="max_body_bytes = 64",
    ),
    # Names that become identifiers and paths.
    case(
        "titles-without-identifiers",
        {"case.md": front(endpoint(title="!!!")), "b.md": front(endpoint(title="日本語", api_path="/b/"))},
        [],
        0,
    ),
    case(
        "titles-that-look-like-paths",
        {
            "case.md": front(endpoint(title="../../etc/passwd")),
            "b.md": front(endpoint(title="/abs/path", api_path="/b/")),
            "c.md": front(endpoint(title="CON", api_path="/c/")),
        },
        [],
        0,
        check=_summary_is("case.md", "../../etc/passwd"),
    ),
    case(
        "reserved-device-file-names",
        {"CON.md": front(endpoint()), "nul.md": front(endpoint(api_path="/n/")), "com1.json": json.dumps(endpoint(api_path="/c/"))},
        [],
        0,
    ),
    case(
        "reserved-device-folder-name",
        {"aux/x.md": front(endpoint())},
        [],
        0,
    ),
    case(
        "dot-folders",
        {".../a.md": front(endpoint()), ". ./b.md": front(endpoint(api_path="/b/")), "..foo/c.md": front(endpoint(api_path="/c/"))},
        [],
        0,
    ),
    case(
        "file-names-that-name-alike",
        {"a-b.md": front(endpoint()), "a_b.md": front(endpoint(api_path="/b/")), "a.b.md": front(endpoint(api_path="/c/"))},
        [],
        0,
    ),
    case(
        "template-and-html-injection",
        {
            "case.md": front(
                endpoint(
                    title="{{ 7*7 }} <script>alert(1)</script>",
                    description="{% raw %}{{ config }}\n<img src=x onerror=alert(1)>\n\"\"\"; import os #",
                )
            )
        },
        [],
        0,
        check=_no_markup_from_descriptors,
    ),
    case(
        "description-of-unclosed-links",
        {"case.md": front(endpoint(description="[a](" * 3000))},
        [],
        0,  # link scanning is linear: bench/bench_scanners.py measures it
    ),
    case(
        "file-name-with-a-line-break",
        {"bad\nname.md": front(endpoint())},
        ["in/bad\\nname.md:1:1: error: file name contains the control character U+000A; rename the file"],
    ),
    case(
        "folder-name-with-an-escape-character",
        {"bad\x1bdir/a.md": front(endpoint())},
        ["in/bad\\x1bdir:1:1: error: folder name contains the control character U+001B; rename the folder"],
    ),
    case(
        "file-name-not-utf8",
        {},
        ["in/caf\\udce9.md:1:1: error: file name is not valid UTF-8; rename the file"],
        setup=_non_utf8_file_name,
    ),
    # The file system.
    case("symlink-outside-the-input", {}, [f"{F}:1:1: warning: symlink points outside the input folder; skipped"], 0, setup=_symlink_outside),
    case("symlink-loop", {}, [f"{F}:1:1: warning: symlink cannot be resolved (a loop of links?); skipped"], 0, setup=_symlink_loop),
    case(
        "symlink-to-nothing",
        {},
        [f"{F}:1:1: warning: symlink points to nothing (its target does not exist); skipped"],
        0,
        setup=_symlink_dangling,
    ),
    case(
        "symlinked-folder",
        {"notes.md": "# Notes\n"},
        ["in/linked:1:1: warning: symlinked folder not followed"],
        0,
        setup=_symlinked_folder,
    ),
    case(
        "fifo-named-md",
        {},
        [f"{F}:1:1: error: not a regular file (a FIFO, socket or device?); remove it"],
        setup=_fifo,  # a blocking read would hang the run until run_cli's time-out
    ),
]  # fmt: skip


# --- running a case ---------------------------------------------------------------------------

DIAGNOSTIC = re.compile(r"^.+:\d+:\d+: (error|warning): ")


def snapshot(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def write_files(folder: Path, files: Files) -> None:
    for rel, content in files.items():
        path = folder / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))


@pytest.fixture(scope="module")
def previous_output(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The output of the good descriptor set: what a failed run must leave as it is."""
    work = tmp_path_factory.mktemp("previous")
    write_files(work / "in", GOOD)
    proc = run_cli("--input", "in", "--output", "out", cwd=work)
    assert proc.returncode == 0 and proc.stderr == "", proc.stderr
    return work / "out"


def _params() -> list[Any]:
    return [pytest.param(c, id=c.id, marks=c.marks) for c in CASES]


def test_the_catalogue_is_large_and_distinct() -> None:
    assert len(CASES) >= 40
    assert len({c.id for c in CASES}) == len(CASES)


@pytest.mark.parametrize("case", _params())
def test_hostile_input(case: Case, tmp_path: Path, previous_output: Path) -> None:
    source, out = tmp_path / "in", tmp_path / "out"
    write_files(source, GOOD)
    write_files(source, case.files)
    if case.setup is not None:
        case.setup(source, tmp_path)
    if case.config:
        (tmp_path / "pyproject.toml").write_text(f"[tool.apidocgen]\n{case.config}\n")
    shutil.copytree(previous_output, out, symlinks=True)
    before = snapshot(out)
    beside = sorted(p.name for p in tmp_path.iterdir())

    proc = run_cli("--input", "in", "--output", "out", cwd=tmp_path)

    assert "Traceback" not in proc.stderr + proc.stdout
    assert "\x1b" not in proc.stderr, "descriptor text reached the terminal unescaped"
    lines = proc.stderr.splitlines()
    diagnostics = [line for line in lines if DIAGNOSTIC.match(line)]
    expected = case.expected(source) if callable(case.expected) else case.expected
    assert diagnostics == expected
    assert proc.returncode == case.exit_code, proc.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == beside, "something was written beside"
    if case.exit_code:
        errors = sum(" error: " in line for line in diagnostics)
        assert [line for line in lines if line not in diagnostics] == [
            f"apidocgen: {errors} error(s); nothing written"
        ]
        assert snapshot(out) == before
        return
    assert all(" warning: " in line for line in diagnostics)
    openapi = _check_written_output(out, source)
    if case.check is not None:
        case.check(out, openapi)


def _check_written_output(out: Path, source: Path) -> dict[str, Any]:
    """Everything inside `out`, strict JSON, valid Python, one operation per descriptor."""
    root = out.resolve()
    for path in out.rglob("*"):
        assert not path.is_symlink() and path.resolve().is_relative_to(root), path
        for part in path.relative_to(out).parts:
            assert part not in ("", ".", "..") and part.split(".")[0].lower() not in RESERVED, path
            assert part.isprintable() and not re.search(r'[\\:*?"<>|]', part), path
        if path.suffix == ".py":
            compile(path.read_text("utf-8"), str(path), "exec")

    def refuse(constant: str) -> None:
        raise AssertionError(f"openapi.json holds {constant}")

    openapi: dict[str, Any] = json.loads(
        (out / "openapi.json").read_text("utf-8"), parse_constant=refuse
    )
    operations = [op for item in openapi["paths"].values() for op in item.values()]
    ids = [op["operationId"] for op in operations]
    assert len(ids) == len(set(ids)), f"duplicate operation ids: {sorted(ids)}"
    loaded = load_input(source, max_descriptor_bytes=10 * MB, max_depth=64)
    descriptors = {d.source for d in loaded.descriptors}
    sources = [op["x-apidocgen-source"] for op in operations]
    assert len(sources) == len(set(sources)) and set(sources) <= descriptors
    # Every descriptor, routed or documented only, has a page of its own.
    manifest = json.loads((out / ".apidocgen-manifest.json").read_text("utf-8"))
    pages = {e["unit"] for e in manifest["files"].values() if e["unit"].startswith("page:")}
    assert len(pages) == len(descriptors)
    return openapi


# --- output folders that would overwrite the input -------------------------------------------


@pytest.mark.parametrize(
    ("output", "message"),
    [
        ("in", "output folder in must not be the input folder or inside it"),
        ("in/generated", "output folder in/generated must not be the input folder or inside it"),
        ("in/./good/..", "output folder in/good/.. must not be the input folder or inside it"),
        (".", "input folder in must not be inside the output folder"),
    ],
    ids=["same-folder", "inside", "inside-via-dots", "input-inside-output"],
)
def test_output_folder_inside_the_input_is_a_usage_error(
    tmp_path: Path, output: str, message: str
) -> None:
    write_files(tmp_path / "in", GOOD)
    before = snapshot(tmp_path)
    proc = run_cli("--input", "in", "--output", output, cwd=tmp_path)
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr
    assert proc.stderr == f"apidocgen: error: {message}\n"
    assert snapshot(tmp_path) == before


# --- scanners stay linear on hostile text ----------------------------------------------------

N = 100_000
LIMITS = {"max_body_bytes": 100 * MB, "max_depth": 64}
SCANS: dict[str, Callable[[], object]] = {
    "nesting_depth: unclosed escaped quotes": lambda: http.nesting_depth('"\\' * N),
    "nesting_depth: unclosed single quotes": lambda: http.nesting_depth("'\\" * N),
    "field lines: unclosed escaped quotes": lambda: load._field_lines_json('"\\' * N, 1),
    "field lines: 100k keys": lambda: load._field_lines_json(
        "{" + ",\n".join(f'"k{i}": 1' for i in range(N)) + "}", 1
    ),
    "words: a run of capitals": lambda: naming.words("A" * N),
    "slug: a run of capitals": lambda: naming.slug("A" * N + "b"),
    "snake_identifier: camel case": lambda: naming.snake_identifier("aB" * N, fallback="x"),
    "body: unclosed comments": lambda: http.parse_body("{" + "/*" * N, 1, None, "r", **_body()),
    "body: unclosed strings": lambda: http.parse_body("{" + "'\\" * N, 1, None, "r", **_body()),
    "body: trailing commas": lambda: http.parse_body("[" + "[]," * N + "]", 1, None, "r", **_body()),
    "body: JavaScript objects": lambda: http.parse_body("[" + "{a: 'x'}," * N + "]", 1, None, "r", **_body()),
    "body: long numbers": lambda: http.parse_body("[" + "9" * N + "e999]", 1, None, "r", **_body()),
    "body: surrogate escapes": lambda: http.parse_body(json.dumps(["\ud83d\ude00"] * N, ensure_ascii=True), 1, None, "r", **_body()),
    "response: spaces between head and body": lambda: http.parse_response(
        "HTTP/1.1 200 OK\n" + ("\n" + " " * 1000) * 100, **LIMITS
    ),
    "response: 100k headers": lambda: http.parse_response("HTTP/1.1 200 OK\n" + "X-A: b\n" * N, **LIMITS),
    "request: long line": lambda: http.parse_request("GET /x" + " \t" * N + "y", **LIMITS),
    "link header: brackets and quotes": lambda: http.parse_link_header("<" * N + '"' * N + "," * N),
    "api_path: many placeholders": lambda: load.check_api_path("/" + "{a}" * N),
    "path template: backtracking bait": lambda: load.path_matches_template(
        "/{a}/x/{b}/x/{c}/x/{d}/y", "/" + "x/" * N
    ),
    "yaml: nested block sequences": lambda: load._parse_yaml("a: " + "- " * N, 2, "w", load._Limits(MB, 64)),
    "printable: escape characters": lambda: load.printable("\x1b" * N),
}  # fmt: skip


def _body() -> dict[str, int]:
    return {"max_bytes": 100 * MB, "max_depth": 64}


@pytest.mark.parametrize("scan", list(SCANS), ids=list(SCANS))
def test_scanners_finish_on_hostile_text(scan: str) -> None:
    # Each took from 5 s to minutes with a backtracking regex or json5; how their time grows
    # with the input (linearly) is measured by bench/bench_scanners.py, not asserted here.
    SCANS[scan]()


# --- 10,000 endpoints in one section ----------------------------------------------------------


def _many_endpoints(folder: Path, count: int) -> None:
    (folder / "things").mkdir(parents=True)
    for i in range(count):
        data = endpoint(
            api_path=f"/api/things{i}/{{thing_id}}/",
            title=f"Retrieve thing {i}",
            path_parameters=[{"name": "thing_id", "type": "int"}],
            example_response=RESPONSE + json.dumps({"id": i, "name": "x", "tags": ["a"]}),
        )
        (folder / "things" / f"get-thing-{i:05d}.md").write_text(front(data))


def test_ten_thousand_endpoints_lint(tmp_path: Path) -> None:
    _many_endpoints(tmp_path / "in", 10_000)
    proc = run_cli("lint", "--input", "in", "--output", "out", cwd=tmp_path)
    assert proc.returncode == 0 and proc.stderr == "", proc.stderr
    assert "10000 endpoints" in proc.stdout


@pytest.mark.slow
def test_ten_thousand_endpoints_generate(tmp_path: Path) -> None:
    _many_endpoints(tmp_path / "in", 10_000)
    proc = run_cli("--input", "in", "--output", "out", cwd=tmp_path)
    assert proc.returncode == 0 and proc.stderr == "", proc.stderr
    openapi = json.loads((tmp_path / "out" / "openapi.json").read_text("utf-8"))
    assert len(openapi["paths"]) == 10_000
