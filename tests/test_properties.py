"""Property tests: whatever the descriptors hold, the generator answers with diagnostics only.

- Names: `slug` and `snake_identifier` give safe path segments and valid identifiers for any
  text (2,000 examples in the default run: each takes about a millisecond).
- load + http never raise, report one-line diagnostics at real positions, are deterministic,
  and pass on only values that can be written back as JSON and UTF-8.
- JSON bodies round-trip through the body parser; so do JavaScript-object renderings of them.
- Inferred schemas (load -> http -> infer -> spec, in process) validate every example they were
  inferred from, with the components embedded (jsonschema draft 2020-12, formats checked).
- The whole pipeline (`apidocgen.pipeline.run`) never raises, two runs give identical bytes,
  openapi.json is strict JSON, every generated Python file compiles.
- Every accepted example validates into its generated Pydantic model, and the generated
  package imports (in a subprocess).

Generating one input takes 10-20 ms and a pipeline run a few hundred, so each property but the
first is a pair (see `property_test`): a quick test in the default run (the file takes about a
minute) and a `-m slow` twin with APIDOCGEN_HYPOTHESIS_EXAMPLES examples, 2,000 unless set.
"""

from __future__ import annotations

import importlib
import json
import keyword
import os
import re
import string
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from hypothesis import HealthCheck, assume, given, note, settings
from hypothesis import strategies as st

from apidocgen.config import Config
from apidocgen.diagnostics import Diagnostic
from apidocgen.http import METHODS, load_javascript_object, parse_body, parse_examples
from apidocgen.infer import infer_schemas
from apidocgen.load import ENDPOINT_FIELDS, load_input
from apidocgen.model.build import build_api
from apidocgen.model.endpoints import assign_operation_ids, body_samples
from apidocgen.naming import is_reserved_file_name, slug, snake_identifier
from apidocgen.pipeline import run
from apidocgen.render.openapi import openapi_document
from apidocgen.write import check_relative_path

# Examples per property. Generating an input alone takes 10-20 ms (recursive JSON, trees of
# files), far from the 5 ms that 2,000 examples in the default run would need; so each property
# runs twice: a quick variant in the default run (the whole file in about a minute), and an
# `-m slow` variant with APIDOCGEN_HYPOTHESIS_EXAMPLES examples, 2,000 unless set (CI).
SLOW_EXAMPLES = int(os.environ.get("APIDOCGEN_HYPOTHESIS_EXAMPLES", "2000"))
LIMITS = {"max_descriptor_bytes": 1_000_000, "max_depth": 64}
BODY_LIMITS = {"max_body_bytes": 1_000_000, "max_depth": 64}


def examples(count: int) -> settings:
    return settings(
        max_examples=count,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )


def property_test(default: int, *strategies: Any) -> Callable[[Callable[..., None]], Any]:
    """`test_x` runs `default` examples; its twin `test_x_at_length`, marked slow, runs
    SLOW_EXAMPLES (APIDOCGEN_HYPOTHESIS_EXAMPLES, 2,000 unless set)."""

    def decorate(body: Callable[..., None]) -> Any:
        twin = pytest.mark.slow(examples(SLOW_EXAMPLES)(given(*strategies)(body)))
        globals()[f"{body.__name__}_at_length"] = twin
        return examples(default)(given(*strategies)(body))

    return decorate


# --- strategies -------------------------------------------------------------------------------

HOSTILE_NAMES = [
    "class", "def", "None", "True", "from", "import", "self", "list", "str", "id", "type",
    "model_config", "model_dump", "json", "dict", "copy", "validate", "schema", "fields",
    "__init__", "_", "1st", "2fa", "", " ", "a b", "a.b", "$ref", "userId", "user_id",
    "user-id", "UserID", "ünïcødé", "日本", "Field", "BaseModel", "Any", "Optional",
]  # fmt: skip
keys = st.one_of(st.text(max_size=12), st.sampled_from(HOSTILE_NAMES))
scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=20),
)
json_values = st.recursive(
    scalars,
    lambda children: st.lists(children, max_size=4) | st.dictionaries(keys, children, max_size=5),
    max_leaves=25,
)
objects = st.dictionaries(keys, json_values, max_size=6)
bodies = st.one_of(objects, st.lists(objects, max_size=3), json_values)


def javascript(value: Any, draw: Any) -> str:
    """A JavaScript-object rendering: unquoted or single-quoted keys, trailing commas, comments."""
    if isinstance(value, dict):
        parts = []
        for key, item in value.items():
            style = draw(st.sampled_from(["double", "single", "bare"]))
            if style == "bare" and IDENTIFIER_RE.fullmatch(key) and key not in JS_WORDS:
                name = key
            elif style == "single":
                name = single_quoted(key)
            else:
                name = json.dumps(key)
            parts.append(f"{name}: {javascript(item, draw)}")
        comma = "," if parts and draw(st.booleans()) else ""
        comment = draw(st.sampled_from(["", " // note\n", " /* note */ "]))
        return "{" + ", ".join(parts) + comma + comment + "}"
    if isinstance(value, list):
        items = [javascript(item, draw) for item in value]
        comma = "," if items and draw(st.booleans()) else ""
        return "[" + ", ".join(items) + comma + "]"
    if isinstance(value, str) and draw(st.booleans()):
        return single_quoted(value)
    return json.dumps(value)


IDENTIFIER_RE = re.compile(r"[A-Za-z_$][A-Za-z0-9_$]*")
JS_WORDS = {"true", "false", "null"}


def single_quoted(text: str) -> str:
    inner = json.dumps(text)[1:-1].replace('\\"', '"').replace("'", "\\'")
    return f"'{inner}'"


TOKEN = string.ascii_letters + string.digits + "!#$%&'*+.^_`|~-"
plain_text = st.text(
    alphabet=st.characters(blacklist_categories=("Cc", "Cs")), max_size=30
)  # what real descriptors hold; the odd cases below add control characters and worse


def usually(usual: Any, odd: Any) -> Any:
    """`usual` nine times in ten, `odd` otherwise: most inputs get far enough to be rendered."""
    # sampled_from draws evenly (integers() favours the ends) and shrinks towards the usual.
    return st.sampled_from(range(10)).flatmap(lambda n: odd if n == 9 else usual)


header_names = usually(
    st.sampled_from(["Host", "Link", "X-Request-Id", "Content-Length", "content-type"]),
    st.one_of(st.text(alphabet=TOKEN, min_size=1, max_size=12), st.text(max_size=8)),
)
header_values = usually(
    st.text(alphabet=string.printable.strip() + " ", max_size=20), st.text(max_size=20)
).map(lambda v: v.replace("\n", " ").replace("\r", " "))
headers = st.lists(st.tuples(header_names, header_values), max_size=3)
body_texts = usually(
    st.one_of(
        bodies.map(json.dumps), bodies.map(lambda v: json.dumps(v, indent=2, ensure_ascii=False))
    ),
    st.one_of(st.text(max_size=40), st.just("")),
)
segments = usually(
    st.one_of(
        st.text(alphabet=string.ascii_letters + string.digits + "-_.~", min_size=1, max_size=8),
        st.sampled_from(["{id}", "{user_id}", "{org.slug}"]),
    ),
    st.sampled_from(["{", "}", "{}", "{a b}", "日本", "%41"]),
)
api_paths = usually(
    st.lists(segments, max_size=4).map(lambda parts: "/" + "/".join(parts) + "/"),
    st.one_of(st.text(max_size=20), st.none()),
)
titles = usually(
    plain_text.filter(str.strip),
    st.one_of(
        st.text(min_size=1, max_size=40),
        st.sampled_from(["!!!", "日本語", "../../etc/passwd", "/abs/path", "CON", "{{ 7*7 }}"]),
    ),
)
methods = usually(st.sampled_from([*METHODS, "get", "Post"]), st.sampled_from(["FETCH", ""]))
parameter_types = usually(
    st.sampled_from(["string", "int", "bool", "datetime", "url", "file", "array[string]", None]),
    st.text(max_size=8),
)
parameter_names = usually(st.sampled_from(["id", "user_id", "class", "q", "per-page"]), plain_text)
parameters = st.one_of(
    st.none(),
    st.lists(
        st.fixed_dictionaries(
            {"name": parameter_names},
            optional={
                "type": parameter_types,
                "description": plain_text,
                "required": st.booleans(),
            },
        ),
        max_size=3,
    ),
)


@st.composite
def responses(draw: Any) -> str:
    status = draw(usually(st.sampled_from([200, 200, 201, 204, 404]), st.integers(0, 999)))
    version = draw(st.sampled_from(["1.1", "1.0", "2"]))
    lines = [f"HTTP/{version} {status} {draw(st.sampled_from(['OK', '', 'Whatever']))}"]
    if draw(st.booleans()):
        lines.append("Content-Type: application/json")
    lines += [f"{name}: {value}" for name, value in draw(headers)]
    body = draw(body_texts)
    text = "\n".join(lines) + ("\n\n" + body if body else "")
    return text.replace("\n", "\r\n") if draw(st.booleans()) else text


@st.composite
def requests(draw: Any, method: str, path: str) -> str:
    lines = [f"{method or 'GET'} {path or '/'} HTTP/1.1", "Host: api.example.com"]
    if draw(st.booleans()):
        lines.append("Content-Type: application/json")
    lines += [f"{name}: {value}" for name, value in draw(headers)]
    body = draw(body_texts)
    return "\n".join(lines) + ("\n\n" + body if body else "")


@st.composite
def descriptors(draw: Any) -> dict[str, Any]:
    """Front matter objects: mostly well-formed, with every field sometimes odd."""
    method = draw(methods)
    api_path = draw(api_paths)
    data: dict[str, Any] = {"method": method, "title": draw(titles)}
    if api_path is not None:
        data["api_path"] = api_path
    if draw(st.booleans()):
        data["example_request"] = draw(requests(method, api_path or "/"))
    if draw(st.integers(0, 4)):
        data["example_response"] = draw(usually(responses(), st.text(max_size=30)))
    for name in ("path_parameters", "query_parameters", "parameters"):
        if draw(st.booleans()):
            data[name] = draw(parameters)
    for name in ("description", "authentication", "warning"):
        if draw(st.booleans()):
            data[name] = draw(usually(plain_text, st.one_of(st.text(max_size=30), st.none())))
    if draw(st.booleans()):
        data["sidebar_order"] = draw(st.one_of(st.integers(-5, 5), st.none()))
    if draw(st.integers(0, 19)) == 0:  # a field of the wrong type, or an unknown one
        field = draw(st.one_of(st.sampled_from(ENDPOINT_FIELDS), st.text(max_size=8)))
        data[field] = draw(json_values)
    return data


@st.composite
def descriptor_files(draw: Any) -> str:
    """Whole files: front matter from `descriptors`; one in ten mangled or garbage."""
    indent = draw(st.sampled_from([None, 2]))
    text = "---\n# descriptor\n" + json.dumps(draw(descriptors()), indent=indent) + "\n---\n"
    kind = draw(usually(st.just("as is"), st.sampled_from(["garbage", "cut", "splice", "crlf"])))
    if kind == "garbage":
        return draw(st.text(max_size=200))
    if kind == "cut":
        return text[: draw(st.integers(0, len(text)))]
    if kind == "splice":
        at = draw(st.integers(0, len(text)))
        return text[:at] + draw(st.text(max_size=5)) + text[at:]
    if kind == "crlf":
        return text.replace("\n", "\r\n")
    return text


def folder_names() -> st.SearchStrategy[str]:
    return st.sampled_from(["", "things", "Things", "...", "..foo", "aux", "日本"])


@st.composite
def input_trees(draw: Any, max_files: int = 3) -> dict[str, str]:
    """Relative path -> file text: one to `max_files` descriptors in a folder or two."""
    files: dict[str, str] = {}
    for index in range(draw(st.integers(1, max_files))):
        folder = draw(folder_names())
        stem = draw(st.sampled_from(["get-thing", "get_thing", "list", "index", "CON", "a.b"]))
        path = f"{folder}/{stem}-{index}.md" if folder else f"{stem}-{index}.md"
        files[path] = draw(descriptor_files())
    return files


@contextmanager
def written(files: dict[str, str]) -> Iterator[Path]:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "in"
        root.mkdir()
        for rel, text in files.items():
            path = root / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(text.encode("utf-8", "surrogatepass"))
        yield root


# --- checks -----------------------------------------------------------------------------------


def check_diagnostics(diagnostics: Any, files: dict[str, str]) -> None:
    for diagnostic in diagnostics:
        assert isinstance(diagnostic, Diagnostic)
        text = diagnostic.format()
        assert "\n" not in text and "\r" not in text, text
        assert all(char.isprintable() for char in diagnostic.message), text
        assert diagnostic.line >= 1 and diagnostic.col >= 1, text
        rel = diagnostic.path.removeprefix("in/")
        if rel in files:  # a position inside the file
            lines = files[rel].replace("\r\n", "\n").replace("\r", "\n").split("\n")
            assert diagnostic.line <= len(lines) + 1, text


def strict_json(text: str) -> Any:
    def refuse(constant: str) -> None:
        raise AssertionError(f"{constant} in openapi.json")

    return json.loads(text, parse_constant=refuse)


def examples_with_schemas(openapi: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any], Any]]:
    """(where, schema, example) for every media type that has both."""
    operations = [op for item in openapi.get("paths", {}).values() for op in item.values()]
    for op in operations:
        contents = [("request", (op.get("requestBody") or {}).get("content") or {})]
        contents += [(status, r.get("content") or {}) for status, r in op["responses"].items()]
        for where, content in contents:
            for media, entry in content.items():
                if "schema" in entry and "example" in entry:
                    yield f"{op['operationId']} {where} {media}", entry["schema"], entry["example"]


def check_schemas_validate_examples(openapi: dict[str, Any]) -> None:
    for where, schema, example in examples_with_schemas(openapi):
        document = {**schema, "components": openapi["components"]}
        validator = jsonschema.Draft202012Validator(
            document, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
        )
        errors = [e.message for e in validator.iter_errors(example)]
        assert errors == [], f"{where}: {errors[:3]}\nschema: {json.dumps(schema)[:500]}"


# --- fast properties --------------------------------------------------------------------------


@property_test(400, input_trees())
def test_load_and_http_never_raise(files: dict[str, str]) -> None:
    with written(files) as root:
        first = load_input(root, display_root="in", **LIMITS)
        second = load_input(root, display_root="in", **LIMITS)
    assert first == second
    check_diagnostics(first.diagnostics, files)
    for descriptor in first.descriptors:
        parsed = parse_examples(
            descriptor.example_request, descriptor.example_response, **BODY_LIMITS
        )
        again = parse_examples(
            descriptor.example_request, descriptor.example_response, **BODY_LIMITS
        )
        assert parsed == again
        for found in parsed.problems:
            assert found.problem.line >= 1 and "\n" not in found.problem.message
        for message in (parsed.request, parsed.response):
            if message is not None and message.body.is_structured:
                json.dumps(message.body.value, allow_nan=False).encode("utf-8")


@property_test(400, bodies, st.sampled_from([None, 0, 2]), st.booleans())
def test_json_bodies_round_trip(value: Any, indent: int | None, ascii_only: bool) -> None:
    text = json.dumps(value, indent=indent, ensure_ascii=ascii_only)
    depth = _depth(value)
    body, problems = parse_body(text, 4, "application/json", "response", 10**7, 64)
    if depth > 64:
        assert body.kind == "text" and [p.severity for p in problems] == ["error"]
        return
    assert body.kind == "json" and body.value == value
    assert all(p.severity == "warning" for p in problems)
    assert (problems == []) == isinstance(value, (dict, list))


@property_test(400, st.data(), st.one_of(objects, st.lists(objects, max_size=3)))
def test_javascript_object_syntax_round_trips(data: Any, value: Any) -> None:
    text = javascript(value, data.draw)
    note(text)
    assert load_javascript_object(text) == value
    body, problems = parse_body(text, 1, None, "response", 10**7, 64)
    assert body.value == value and body.kind in ("json", "lenient")


def _depth(value: Any) -> int:
    if isinstance(value, dict):
        return 1 + max((_depth(v) for v in value.values()), default=0)
    if isinstance(value, list):
        return 1 + max((_depth(v) for v in value), default=0)
    return 0


@property_test(400, input_trees(max_files=2))
def test_inferred_schemas_validate_their_examples(files: dict[str, str]) -> None:
    """load -> http -> infer -> spec in process (no rendering): fast enough for 2,000 examples."""
    with written(files) as root:
        loaded = load_input(root, display_root="in", **LIMITS)
    if any(d.severity == "error" for d in loaded.diagnostics):
        return
    parsed = [
        parse_examples(d.example_request, d.example_response, **BODY_LIMITS)
        for d in loaded.descriptors
    ]
    if any(p.problem.severity == "error" for examples in parsed for p in examples.problems):
        return
    endpoints = assign_operation_ids(loaded.descriptors, parsed)
    inference = infer_schemas(body_samples(endpoints, loaded.sections))
    api = build_api(
        endpoints, loaded.sections, loaded.pages, inference, title="API", version="1", base_url=None
    )
    openapi = openapi_document(api)
    strict_json(json.dumps(openapi, allow_nan=False))
    check_schemas_validate_examples(openapi)


@examples(2_000)  # about a millisecond each: the full count in the default run
@given(st.text(), st.sampled_from(["operation", "api", "x"]))
def test_names_from_any_text_are_safe(text: str, fallback: str) -> None:
    name = slug(text)
    assert re.fullmatch(r"[a-z0-9]+(?:-[a-z0-9]+)*", name) and len(name) <= 89, name
    assert not is_reserved_file_name(name) and check_relative_path(f"{name}/{name}.md")
    identifier = snake_identifier(text, fallback=fallback)
    assert identifier.isidentifier() and identifier.isascii(), identifier
    assert not keyword.iskeyword(identifier) and not keyword.issoftkeyword(identifier)


# --- full pipeline ----------------------------------------------------------------------------


def _full_pipeline(files: dict[str, str], package: str = "api_client") -> None:
    with written(files) as root:
        config = Config(input=root, output=root.parent / "out", package=package)
        first = run(config, display_input="in")
        second = run(config, display_input="in")
    check_diagnostics(first.diagnostics, files)
    assert first.diagnostics == second.diagnostics
    assert first.files == second.files
    if first.failed:
        assert first.files == {}
        return
    openapi = strict_json(first.files["openapi.json"])
    check_schemas_validate_examples(openapi)
    for path, text in first.files.items():
        text.encode("utf-8")
        if path.endswith(".py"):
            compile(text, path, "exec")


@property_test(30, input_trees())
def test_pipeline_never_raises_and_is_deterministic(files: dict[str, str]) -> None:
    _full_pipeline(files)


# --- generated models -------------------------------------------------------------------------


@st.composite
def accepted_descriptors(draw: Any) -> dict[str, str]:
    """Descriptors whose examples are accepted JSON bodies: a request and a 200 response."""
    files = {}
    for index in range(draw(st.integers(1, 2))):
        path = f"/things{index}/"
        request = draw(objects)
        response = draw(st.one_of(objects, st.lists(objects, min_size=1, max_size=3)))
        data = {
            "api_path": path,
            "method": "POST",
            "title": draw(titles.filter(lambda t: t.strip() and t.isprintable())),
            "example_request": f"POST {path} HTTP/1.1\nContent-Type: application/json\n\n"
            + json.dumps(request),
            "example_response": "HTTP/1.1 200 OK\nContent-Type: application/json\n\n"
            + json.dumps(response),
        }
        files[f"things/make-{index}.md"] = "---\n" + json.dumps(data) + "\n---\n"
    return files


_PACKAGES = iter(range(10**9))


def _models_validate(files: dict[str, str]) -> None:
    from pydantic import TypeAdapter

    from apidocgen.render.models import plan_models

    package = f"hypothesis_models_{next(_PACKAGES)}"
    with written(files) as root:
        result = run(Config(input=root, output=root.parent / "out", package=package))
        assert not result.failed, [d.format() for d in result.diagnostics]
        models_path = f"python/{package}/models.py"
        assume(models_path in result.files)
        python = root.parent / "python"
        for rel, text in result.files.items():
            if rel.startswith(f"python/{package}/"):
                target = root.parent / rel
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_text(text, "utf-8")
        assert result.api is not None
        plan = plan_models(result.api)
        sys.path.insert(0, str(python))
        try:
            models = importlib.import_module(f"{package}.models")
            namespace = {"models": models, "Any": Any}
            for op in result.api.routed:
                types = plan.operations.get(op.operation_id)
                if types is None:
                    continue
                request = op.request_body.content if op.request_body is not None else None
                success = op.success
                response = success.content if success is not None else None
                for ref, entry in ((types.request, request), (types.response, response)):
                    if ref is None or entry is None or not entry.has_example:
                        continue
                    if entry.media != "application/json":
                        continue
                    expression = ref.expression("models.")
                    adapter: TypeAdapter[Any] = TypeAdapter(eval(expression, namespace))  # noqa: S307
                    adapter.validate_python(entry.example)
        finally:
            sys.path.remove(str(python))
            for name in [m for m in sys.modules if m == package or m.startswith(package + ".")]:
                del sys.modules[name]


@property_test(25, accepted_descriptors())
def test_accepted_examples_validate_into_their_models(files: dict[str, str]) -> None:
    _models_validate(files)


@examples(3)
@given(accepted_descriptors())
def test_generated_package_imports(files: dict[str, str]) -> None:
    with written(files) as root:
        result = run(Config(input=root, output=root.parent / "out", package="generated_api"))
        assert not result.failed
        for rel, text in result.files.items():
            target = root.parent / "out" / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text, "utf-8")
        proc = subprocess.run(
            [sys.executable, "-c", "import generated_api, generated_api.models"],
            cwd=root.parent / "out" / "python",
            capture_output=True,
            text=True,
            timeout=120,
        )
    assert proc.returncode == 0, proc.stderr[-2000:]
