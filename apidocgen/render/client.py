"""Render the typed httpx client package (sync and async) from the OpenAPI operations.

Python decides, templates present: `render/python_api.py` decides every name of the
package (sections, methods, arguments) and the model plan every type; this module turns
them into the views `templates/client/` writes as files. Descriptor text reaches the files
only through the `pystr`, `pydoc`, `pycomment`, `toml_str` and `md` filters, so no title,
description or field name can become code.

The package is three kinds of file:
- the runtime (`apidocgen/runtime/`), the same in every package, copied as it is: requests,
  retries, redirects, logging, lenient or strict parsing, pagination, errors;
- `_constants.py`, the package's own values (base URL, environment variables, user agent);
- the API itself, from templates: `Client`/`AsyncClient` with one attribute per section,
  one module of `_resources` per section with a method per operation, `models.py` (written
  by `render/models.py`), the README and `pyproject.toml`.
"""

from __future__ import annotations

import hashlib
import html
import json
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

import jinja2

from apidocgen import __version__
from apidocgen.config import Config
from apidocgen.digests import checked_body, checksummed, stable_hash
from apidocgen.model import Api
from apidocgen.paths import template_values
from apidocgen.render.model_plan import OperationTypes, TypeRef, plan_models
from apidocgen.render.models import format_python_files
from apidocgen.render.python_api import GroupView, build_groups
from apidocgen.render.templates import generator_header
from apidocgen.runtime import COPIED_MODULES, runtime_source


@dataclass(frozen=True)
class ClientTypes:
    """What the client takes from the model plan: the body types of every operation and the
    names `models.py` exports. Kept between runs: planning the models is a tenth of the
    client's time, and it depends only on what the models unit's key covers."""

    operations: dict[str, OperationTypes]
    exported: tuple[str, ...]

    @classmethod
    def of(cls, api: Api) -> ClientTypes:
        plan = plan_models(api)
        return cls(plan.operations, plan.exported)

    def to_bytes(self, key: str) -> bytes:
        """The types, for the models key `key`: a checksum line, then JSON."""
        body = json.dumps(
            {
                "key": key,
                "exported": list(self.exported),
                "operations": {
                    name: [_type_data(types.request), _type_data(types.response)]
                    for name, types in self.operations.items()
                },
            },
            sort_keys=True,
        ).encode("utf-8")
        return checksummed(body)

    @classmethod
    def from_bytes(cls, data: bytes | None, key: str) -> ClientTypes | None:
        """The types `to_bytes` wrote for `key`; None for anything else (other key, damage)."""
        body = checked_body(data)
        if body is None:
            return None
        try:
            found = json.loads(body)
            if found["key"] != key:
                return None
            return cls(
                {
                    str(name): OperationTypes(_type_ref(request), _type_ref(response))
                    for name, (request, response) in found["operations"].items()
                },
                tuple(str(name) for name in found["exported"]),
            )
        except (ValueError, KeyError, TypeError, AttributeError):
            return None


def _type_data(ref: TypeRef | None) -> list[Any] | None:
    return None if ref is None else [ref.model, ref.is_list]


def _type_ref(data: Any) -> TypeRef | None:
    if data is None:
        return None
    model, is_list = data
    if not (model is None or isinstance(model, str)) or not isinstance(is_list, bool):
        raise TypeError("not a type")
    return TypeRef(model, is_list)


def render_client(api: Api, config: Config, env: jinja2.Environment) -> dict[str, str]:
    """Every file of the installable package under `python/`, keyed by output-relative path."""
    files, _ = render_client_except(api, config, env, lambda path, key: False, ClientTypes.of(api))
    return files


def render_client_except(
    api: Api,
    config: Config,
    env: jinja2.Environment,
    unchanged: Callable[[str, str], bool],
    types: ClientTypes,
) -> tuple[dict[str, str], dict[str, str]]:
    """`render_client` for incremental runs: each section module gets a key (a digest of all
    it is rendered from); modules for which `unchanged(path, key)` holds are left out.
    `types` are the document's `ClientTypes`. Returns the files and the key of every
    section module."""
    register_filters(env)
    groups = build_groups(api, types.operations)
    package = config.package
    header = generator_header()
    server = api.server
    base_url = config.base_url or (server if server.startswith(("http://", "https://")) else "")
    title = config.title or api.title or package
    model_names = [n for n in types.exported if n not in _top_level_names()]
    context: dict[str, Any] = {
        "header": header,
        "package": package,
        "distribution": package.replace("_", "-"),
        "version": config.version,
        "title": title,
        "token_env": config.token_env,
        "base_url_env": config.base_url_variable,
        "base_url": base_url,
        "user_agent": f"{package.replace('_', '-')}/{config.version} (apidocgen {__version__})",
        "groups": groups,
        "model_names": model_names,
        "example": usage_example(api, groups),
    }
    files: dict[str, str] = {}
    root = f"python/{package}"
    for template, target in (
        ("client/package/__init__.py.j2", f"{root}/__init__.py"),
        ("client/package/_client.py.j2", f"{root}/_client.py"),
        ("client/package/_constants.py.j2", f"{root}/_constants.py"),
        ("client/package/_resources/__init__.py.j2", f"{root}/_resources/__init__.py"),
    ):
        files[target] = env.get_template(template).render(context)
    group_template = env.get_template("client/package/_resources/group.py.j2")
    keys: dict[str, str] = {}
    for group in groups:
        path = f"{root}/_resources/{group.module}.py"
        keys[path] = stable_hash(
            ["client group", repr(group), header, package, _template_digest(env)]
        )
        if not unchanged(path, keys[path]):
            files[path] = group_template.render(context, group=group)
    example_path = "example.py"
    files[example_path] = env.get_template("client/example.py.j2").render(context)
    files = format_python_files(files, package)
    context["example_code"] = files.pop(example_path)
    # The runtime is the same in every package: copied as it is (it is formatted as the
    # package is), below the generated-file header.
    for module in COPIED_MODULES:
        files[f"{root}/{module}"] = f"# {header}\n{runtime_source(module)}"
    files[f"{root}/py.typed"] = env.get_template("client/package/py.typed.j2").render(context)
    files["python/pyproject.toml"] = env.get_template("client/pyproject.toml.j2").render(context)
    files["python/README.md"] = env.get_template("client/README.md.j2").render(context)
    return files, keys


def _template_digest(env: jinja2.Environment) -> str:
    """The source of the section-module template (a user may override it)."""
    assert env.loader is not None
    source, _, _ = env.loader.get_source(env, "client/package/_resources/group.py.j2")
    return hashlib.sha256(source.encode("utf-8")).hexdigest()


def _top_level_names() -> frozenset[str]:
    """Names the package's `__init__` defines itself; a model by that name stays in `models`."""
    return frozenset(
        {
            "APIConnectionError", "APIError", "APIResponse", "APIResponseValidationError",
            "APIStatusError", "APITimeoutError", "AsyncClient", "AsyncPaginator",
            "AuthenticationError", "BadRequestError", "Client", "ConflictError",
            "InternalServerError", "NOT_GIVEN", "NotFoundError", "NotGiven", "Page",
            "PermissionDeniedError", "RateLimitError", "RedirectError", "SyncPaginator",
            "UnprocessableEntityError", "models",
            "TYPE_CHECKING", "Any", "annotations",
        }
    )  # fmt: skip


def usage_example(api: Api, groups: list[GroupView]) -> dict[str, Any] | None:
    """A call to show in the README: a GET without a body, values taken from its example."""
    examples = {
        (op.method, op.path): op.examples.request.path
        for op in api.routed
        if op.examples.request is not None
    }
    best: tuple[tuple[int, ...], dict[str, Any]] | None = None
    for group_index, group in enumerate(groups):
        for op_index, op in enumerate(group.operations):
            if op.http_method != "GET" or op.body or op.files or op.data or op.content:
                continue
            example_path = examples.get((op.http_method, op.path))
            values = (template_values(op.path, example_path) or {}) if example_path else {}
            required = len(op.required_arguments)
            rank = (
                0 if op.return_type not in ("Any", "None") else 1,
                0 if all(a.wire in values for a in op.path_arguments) else 1,
                0 if op.iter_name else 1,  # show pagination too
                0 if 1 <= required <= 2 else 1,  # a call with an argument or two reads best
                required,
                group_index,
                op_index,
            )
            if best is None or rank < best[0]:
                args = [values.get(a.wire, a.name) for a in op.required_arguments]
                best = (rank, {"group": group, "operation": op, "arguments": args})
    return best[1] if best else None


# -- filters: descriptor text into generated files --------------------------------------------


def register_filters(env: jinja2.Environment) -> None:
    """The escaping filters the client templates use for every piece of descriptor text."""
    env.filters["pystr"] = python_string
    env.filters["pydoc"] = docstring_text
    env.filters["pycomment"] = comment_text
    env.filters["toml_str"] = toml_string
    env.filters["md"] = markdown_text
    env.filters["pyrepr"] = python_repr
    env.filters["fence"] = code_fence


def python_string(value: Any) -> str:
    """A Python string literal with the value's text (repr: quotes, escapes, all inert)."""
    return repr(str(value))


def python_repr(value: Any) -> str:
    """A Python literal of a JSON-like value (str, int, float, bool, None)."""
    if value is None or isinstance(value, (bool, int, float)):
        return repr(value)
    return repr(str(value))


def docstring_text(value: Any) -> str:
    """Text for inside a triple-quoted docstring, inert whatever it holds.

    Backslashes are doubled, no two quotes stay adjacent (so `\"\"\"` cannot close the
    docstring), a trailing quote is escaped, and control characters become escapes.
    """
    text = str(value).replace("\r\n", "\n").replace("\r", "\n").replace("\\", "\\\\")
    # In a run of quotes every second one is escaped, so no two stay adjacent.
    text = _QUOTE_RUN.sub(
        lambda m: '"\\"' * (len(m.group()) // 2) + '"' * (len(m.group()) % 2), text
    )
    if not text.replace("\n", "").replace("\t", "").isprintable():
        text = "".join(
            char if char in "\n\t" or char.isprintable() else _control_escape(char) for char in text
        )
    result = "\n".join(line.rstrip() for line in text.split("\n")).strip("\n")
    if result.endswith('"') and not result.endswith('\\"'):
        result = result[:-1] + '\\"'
    return result


_QUOTE_RUN = re.compile(r'"{2,}')


def _control_escape(char: str) -> str:
    code = ord(char)
    if code < 0x100:
        return f"\\x{code:02x}"
    if code < 0x10000:
        return f"\\u{code:04x}"
    return f"\\U{code:08x}"


def comment_text(value: Any) -> str:
    """One line of text for a `#` comment."""
    return " ".join(str(value).split())


def toml_string(value: Any) -> str:
    """A TOML basic string."""
    out = ['"']
    for char in str(value):
        if char in '"\\':
            out.append("\\" + char)
        elif ord(char) < 0x20 or ord(char) == 0x7F:
            out.append(f"\\u{ord(char):04x}")
        else:
            out.append(char)
    out.append('"')
    return "".join(out)


def markdown_text(value: Any) -> str:
    """Descriptor text shown in Markdown: one line, no HTML, no Markdown syntax from it."""
    text = html.escape(" ".join(str(value).split()), quote=False)
    return re.sub(r"([\\`*_\[\]{}()#+!|~])", r"\\\1", text)


def code_fence(lines: Iterable[str]) -> str:
    """A backtick fence longer than any backtick run inside the block."""
    longest = max((len(run) for line in lines for run in re.findall(r"`+", line)), default=0)
    return "`" * max(3, longest + 1)
