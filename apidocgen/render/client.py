"""Render the typed httpx client package (sync and async) from the OpenAPI operations.

Python decides, templates present: this module turns the document into plain views (names,
annotations, descriptions) and `templates/client/` turns the views into files. Every name
that reaches generated code is computed here and checked to be a valid identifier; every
piece of descriptor text reaches it only through the `pystr`, `pydoc`, `pycomment`,
`toml_str` and `md` filters, so no title, description or field name can become code.

Design, as the generated package presents it:
- `Client` / `AsyncClient` (httpx) with one attribute per section (`client.events`) and one
  method per operation (`client.events.list_issue_events(issue_id)`); required parameters
  are positional-or-keyword, optional ones keyword-only with `None` defaults.
- A JSON request body is one `body` argument: the request model or a plain dict.
- Methods return the parsed model (or list of models); `None` for 204 and empty bodies.
  `client.with_raw_response.<group>.<method>(...)` returns an `APIResponse` with the raw
  `httpx.Response` (`.http_response`) and `.parse()`.
- Operations whose example had a `Link: rel="next"` header also get `iter_<method>(...)`,
  a paginator over the items of every page (`for` / `async for`), `.pages()` for pages.
"""

from __future__ import annotations

import hashlib
import html
import json
import keyword
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from typing import Any, Literal

import jinja2

from apidocgen import __version__
from apidocgen.config import Config
from apidocgen.manifest import stable_hash
from apidocgen.naming import is_reserved_file_name, words
from apidocgen.paths import template_values
from apidocgen.render.models import (
    OperationTypes,
    TypeRef,
    field_names,
    format_python_files,
    iter_operations,
    plan_models,
    success_response,
)

X = "x-apidocgen-"
_PLACEHOLDER = re.compile(r"\{([^{}]*)\}")
# Public attributes of the generated clients: a section group must not shadow them.
CLIENT_ATTRIBUTES = frozenset(
    {
        "aclose", "base_url", "close", "is_closed", "max_retries", "retry_non_idempotent",
        "timeout", "with_options", "with_raw_response",
    }
)  # fmt: skip
# Names a generated method body uses: never a parameter name.
_BODY_NAMES = frozenset(
    {
        "self",
        "models",
        "cast",
        "RequestOptions",
        "NO_BODY",
        "Any",
        "SyncPaginator",
        "AsyncPaginator",
    }
)
# Names the annotations of a resource class use: a method by that name would shadow them.
_ANNOTATION_NAMES = _BODY_NAMES | frozenset(
    {
        "list", "dict", "str", "int", "float", "bool", "bytes", "date", "datetime", "Mapping",
        "Sequence", "SyncAPIClient", "AsyncAPIClient",
    }
)  # fmt: skip
_MEDIA_KIND: dict[str, Literal["json", "multipart", "form"]] = {
    "application/json": "json",
    "multipart/form-data": "multipart",
    "application/x-www-form-urlencoded": "form",
}


@dataclass(frozen=True)
class ArgumentView:
    """One argument of a generated method."""

    name: str
    annotation: str
    required: bool
    description: str
    wire: str = ""
    location: str = ""  # path, query, body, files, data, content


@dataclass(frozen=True)
class OperationView:
    """One generated method (and its paginator, when it has one)."""

    name: str
    iter_name: str | None
    http_method: str
    path: str
    summary: str
    description: str
    deprecated: bool
    arguments: list[ArgumentView]
    return_type: str
    cast_to: str
    item_type: str
    items_are_list: bool
    body: ArgumentView | None
    files: ArgumentView | None
    data: ArgumentView | None
    content: ArgumentView | None
    content_type: str | None

    @property
    def required_arguments(self) -> list[ArgumentView]:
        """The positional-or-keyword arguments."""
        return [a for a in self.arguments if a.required]

    @property
    def optional_arguments(self) -> list[ArgumentView]:
        """The keyword-only arguments."""
        return [a for a in self.arguments if not a.required]

    @property
    def path_arguments(self) -> list[ArgumentView]:
        return [a for a in self.arguments if a.location == "path"]

    @property
    def query_arguments(self) -> list[ArgumentView]:
        return [a for a in self.arguments if a.location == "query"]


@dataclass(frozen=True)
class GroupView:
    """One section of the API: a module of `_resources`, one attribute of the client."""

    attribute: str
    module: str
    class_name: str
    title: str
    description: str
    operations: list[OperationView] = field(default_factory=list)

    @property
    def names(self) -> frozenset[str]:
        """The names the group's module needs to import (from its annotations and bodies)."""
        text = " ".join(
            " ".join([o.return_type, o.cast_to, o.item_type, *(a.annotation for a in o.arguments)])
            for o in self.operations
        )
        found = set(re.findall(r"[A-Za-z_][A-Za-z0-9_]*", text))
        if any(o.iter_name for o in self.operations):
            found.add("SyncPaginator")
        return frozenset(
            found
            | {
                "TYPE_CHECKING",
                "cast",
                "RequestOptions",
                "async_to_raw_response",
                "to_raw_response",
            }
        )

    def uses(self, name: str) -> bool:
        """Whether the group's module refers to `name`."""
        return name in self.names

    def imports(self, module: str, candidates: list[str]) -> str:
        """The names of `candidates` that the module uses, comma-separated (`module` documents)."""
        return ", ".join(name for name in candidates if name in self.names)


@dataclass(frozen=True)
class ClientTypes:
    """What the client takes from the model plan: the body types of every operation and the
    names `models.py` exports. Kept between runs: planning the models is a tenth of the
    client's time, and it depends only on what the models unit's key covers."""

    operations: dict[str, OperationTypes]
    exported: tuple[str, ...]

    @classmethod
    def of(cls, openapi: dict[str, Any]) -> ClientTypes:
        plan = plan_models(openapi)
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
        return hashlib.sha256(body).hexdigest().encode("ascii") + b"\n" + body

    @classmethod
    def from_bytes(cls, data: bytes | None, key: str) -> ClientTypes | None:
        """The types `to_bytes` wrote for `key`; None for anything else (other key, damage)."""
        if not data:
            return None
        checksum, _, body = data.partition(b"\n")
        if hashlib.sha256(body).hexdigest().encode("ascii") != checksum:
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


def render_client(
    openapi: dict[str, Any], config: Config, env: jinja2.Environment
) -> dict[str, str]:
    """Every file of the installable package under `python/`, keyed by output-relative path."""
    files, _ = render_client_except(
        openapi, config, env, lambda path, key: False, ClientTypes.of(openapi)
    )
    return files


def render_client_except(
    openapi: dict[str, Any],
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
    groups = build_groups(openapi, types.operations)
    package = config.package
    header = _generator_header()
    server = ((openapi.get("servers") or [{}])[0] or {}).get("url") or ""
    base_url = config.base_url or (server if server.startswith(("http://", "https://")) else "")
    title = config.title or (openapi.get("info") or {}).get("title") or package
    model_names = [n for n in types.exported if n not in _top_level_names()]
    context: dict[str, Any] = {
        "header": header,
        "package": package,
        "distribution": package.replace("_", "-"),
        "version": config.version,
        "title": title,
        "token_env": config.token_env,
        "base_url": base_url,
        "user_agent": f"{package.replace('_', '-')}/{config.version} (apidocgen {__version__})",
        "groups": groups,
        "model_names": model_names,
        "example": usage_example(openapi, groups),
    }
    files: dict[str, str] = {}
    root = f"python/{package}"
    for template, target in (
        ("client/package/__init__.py.j2", f"{root}/__init__.py"),
        ("client/package/_base_model.py.j2", f"{root}/_base_model.py"),
        ("client/package/_client.py.j2", f"{root}/_client.py"),
        ("client/package/_errors.py.j2", f"{root}/_errors.py"),
        ("client/package/_lazy.py.j2", f"{root}/_lazy.py"),
        ("client/package/_pagination.py.j2", f"{root}/_pagination.py"),
        ("client/package/_transport.py.j2", f"{root}/_transport.py"),
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
    files[f"{root}/py.typed"] = env.get_template("client/package/py.typed.j2").render(context)
    files["python/pyproject.toml"] = env.get_template("client/pyproject.toml.j2").render(context)
    files["python/README.md"] = env.get_template("client/README.md.j2").render(context)
    return files, keys


def _template_digest(env: jinja2.Environment) -> str:
    """The source of the section-module template (a user may override it)."""
    assert env.loader is not None
    source, _, _ = env.loader.get_source(env, "client/package/_resources/group.py.j2")
    return hashlib.sha256(source.encode("utf-8")).hexdigest()


def _generator_header() -> str:
    from apidocgen.pipeline import generator_header

    return generator_header()


def _top_level_names() -> frozenset[str]:
    """Names the package's `__init__` defines itself; a model by that name stays in `models`."""
    return frozenset(
        {
            "APIConnectionError", "APIError", "APIResponse", "APIResponseValidationError",
            "APIStatusError", "APITimeoutError", "AsyncClient", "AsyncPaginator",
            "AuthenticationError", "BadRequestError", "Client", "ConflictError",
            "InternalServerError", "NotFoundError", "Page", "PermissionDeniedError",
            "RateLimitError", "SyncPaginator", "UnprocessableEntityError", "models",
            "TYPE_CHECKING", "Any", "annotations",
        }
    )  # fmt: skip


def build_groups(openapi: dict[str, Any], types: dict[str, OperationTypes]) -> list[GroupView]:
    """Sections with their operations, in tag order, with every Python name decided."""
    tags = {t.get("name"): t for t in openapi.get("tags") or [] if isinstance(t, dict)}
    by_group: dict[str, list[dict[str, Any]]] = {}
    tag_of: dict[str, str] = {}
    for operation in iter_operations(openapi):
        group = str(operation.get(X + "python-group") or "api")
        by_group.setdefault(group, []).append(operation)
        tag_of.setdefault(group, str((operation.get("tags") or [""])[0]))
    order = {name: index for index, name in enumerate(tags)}
    groups: list[GroupView] = []
    taken_attributes: set[str] = set()
    taken_classes: set[str] = set()
    for group in sorted(by_group, key=lambda g: (order.get(tag_of[g], len(order)), g)):
        attribute = _identifier(group, fallback="api")
        while (
            attribute in CLIENT_ATTRIBUTES
            or attribute in taken_attributes
            or attribute.startswith("_")
            or is_reserved_file_name(attribute)  # the module `_resources/aux.py`: no Windows file
        ):
            attribute += "_"
        taken_attributes.add(attribute)
        tag = tags.get(tag_of[group], {})
        operations = _operations(by_group[group], types)
        groups.append(
            GroupView(
                attribute=attribute,
                module=attribute,
                class_name=_unique_class(_pascal(attribute), taken_classes),
                title=str(tag_of[group] or attribute),
                description=str(tag.get("description") or ""),
                operations=operations,
            )
        )
    return groups


def _operations(
    members: list[dict[str, Any]], types: dict[str, OperationTypes]
) -> list[OperationView]:
    views: list[OperationView] = []
    taken: set[str] = set()
    for operation in members:
        name = _identifier(
            str(operation.get(X + "python-method") or operation["operationId"]), fallback="call"
        )
        while name in taken or name in _ANNOTATION_NAMES or name.startswith("_"):
            name += "_"
        taken.add(name)
        views.append(_operation(operation, name, types.get(str(operation["operationId"]))))
    out: list[OperationView] = []
    for view in views:
        if view.iter_name is not None:
            iter_name = view.iter_name
            for candidate in (f"iter_{view.name}", f"{view.name}_iter", f"{view.name}_all_pages"):
                if candidate not in taken:
                    iter_name = candidate
                    break
            else:
                iter_name = f"iter_{view.name}_"
                while iter_name in taken:
                    iter_name += "_"
            taken.add(iter_name)
            view = replace(view, iter_name=iter_name)
        out.append(view)
    return out


def _operation(operation: dict[str, Any], name: str, types: OperationTypes | None) -> OperationView:
    path = str(operation[X + "path"])
    arguments = _parameter_arguments(operation, path)
    bodies = _body_arguments(operation, types, {a.name for a in arguments} | _BODY_NAMES)
    arguments += [a for a in bodies.arguments if a is not None]
    # Required arguments come first (positional-or-keyword), optional ones after `*`.
    arguments = [a for a in arguments if a.required] + [a for a in arguments if not a.required]
    return_type, cast_to, item_type, items_are_list = _result_types(operation, types)
    return OperationView(
        name=name,
        iter_name="" if operation.get(X + "pagination") else None,
        http_method=str(operation[X + "method"]).upper(),
        path=path,
        summary=str(operation.get("summary") or ""),
        description=str(operation.get("description") or ""),
        deprecated=bool(operation.get("deprecated")),
        arguments=arguments,
        return_type=return_type,
        cast_to=cast_to,
        item_type=item_type,
        items_are_list=items_are_list,
        body=bodies.body,
        files=bodies.files,
        data=bodies.data,
        content=bodies.content,
        content_type=bodies.content_type,
    )


def python_parameter_names(operation: dict[str, Any], path: str) -> dict[tuple[str, str], str]:
    """The client's Python name of each path and query parameter, by (location, wire name):
    what the docs' code samples must call the arguments."""
    return {(a.location, a.wire): a.name for a in _parameter_arguments(operation, path)}


def _parameter_arguments(operation: dict[str, Any], path: str) -> list[ArgumentView]:
    """Path parameters (every `{name}` of the path, documented or not), then query parameters.

    Python names come from `field_names`; a query parameter whose wire name repeats a path
    parameter's is named from `<name> query` (`id` and `id` -> `id`, `id_query`).
    """
    documented = [p for p in operation.get("parameters") or [] if isinstance(p, dict)]
    path_docs = {str(p.get("name")): p for p in documented if p.get("in") == "path"}
    query_docs: dict[str, dict[str, Any]] = {}
    for parameter in documented:
        if parameter.get("in") == "query" and isinstance(parameter.get("name"), str):
            query_docs.setdefault(parameter["name"], parameter)
    path_wires = list(dict.fromkeys(_PLACEHOLDER.findall(path)))
    keys = [("path", w) for w in path_wires] + [("query", w) for w in query_docs]
    labels = [w if loc == "path" or w not in path_wires else f"{w} query" for loc, w in keys]
    names = field_names(labels, _BODY_NAMES)
    arguments: list[ArgumentView] = []
    for (location, wire), label in zip(keys, labels, strict=True):
        doc = path_docs.get(wire, {}) if location == "path" else query_docs[wire]
        schema = doc.get("schema") if isinstance(doc.get("schema"), dict) else None
        arguments.append(
            ArgumentView(
                name=names[label],
                annotation=python_type(schema or {"type": "string"}, for_path=location == "path"),
                required=location == "path" or bool(doc.get("required")),
                description=str(doc.get("description") or ""),
                wire=wire,
                location=location,
            )
        )
    return arguments


@dataclass(frozen=True)
class _Bodies:
    body: ArgumentView | None = None
    files: ArgumentView | None = None
    data: ArgumentView | None = None
    content: ArgumentView | None = None
    content_type: str | None = None

    @property
    def arguments(self) -> list[ArgumentView | None]:
        return [self.body, self.files, self.data, self.content]


def _body_arguments(
    operation: dict[str, Any], types: OperationTypes | None, taken: set[str]
) -> _Bodies:
    """The request body as arguments: `body` (JSON), `files`/`data` (forms) or `content`."""
    request_body = operation.get("requestBody")
    if not isinstance(request_body, dict):
        return _Bodies()
    media = _first_media(request_body.get("content") or {})
    base = media.split(";")[0].strip().lower()
    kind = _MEDIA_KIND.get(base) or ("json" if base.endswith("+json") else None)
    required = bool(request_body.get("required"))
    if kind == "json":
        ref = types.request if types and types.request else TypeRef(None)
        item = TypeRef(ref.model).expression("models.")
        if ref.is_list:
            annotation = f"Sequence[{item} | Mapping[str, Any]]" if ref.model else "Sequence[Any]"
        else:
            annotation = f"{item} | Mapping[str, Any]" if ref.model else "Any"
        description = str(request_body.get("description") or "") or (
            "The request body: the request model, or a dict of wire names."
        )
        body = _name_argument(
            ("body", "request_body", "json_body"), taken, annotation, required, description, "body"
        )
        return _Bodies(body=body, content_type=None if base == "application/json" else media)
    if kind in ("multipart", "form"):
        files = None
        if kind == "multipart":
            files = _name_argument(
                ("files", "upload_files", "multipart_files"),
                taken,
                "Mapping[str, Any]",
                False,
                "Files to upload: name -> file object, bytes, or (filename, file, content type).",
                "files",
            )
        data = _name_argument(
            ("data", "form_data", "form_fields"),
            taken,
            "Mapping[str, Any]",
            False,
            "Form fields.",
            "data",
        )
        return _Bodies(files=files, data=data)
    content = _name_argument(
        ("content", "request_content", "raw_content"),
        taken,
        "str | bytes",
        required,
        "The raw request body.",
        "content",
    )
    return _Bodies(content=content, content_type=media or None)


def _first_media(content: dict[str, Any]) -> str:
    for media in content:
        return str(media)
    return "application/json"


def _name_argument(
    candidates: tuple[str, ...],
    taken: set[str],
    annotation: str,
    required: bool,
    description: str,
    location: str,
) -> ArgumentView:
    name = next((c for c in candidates if c not in taken), None)
    if name is None:
        name = candidates[0] + "_"
        while name in taken:
            name += "_"
    taken.add(name)
    return ArgumentView(name, annotation, required, description, location=location)


def _result_types(
    operation: dict[str, Any], types: OperationTypes | None
) -> tuple[str, str, str, bool]:
    """(return annotation, runtime cast target, paginator item type, items are list elements)."""
    found = success_response(operation)
    if found is None:
        return "Any", "Any", "Any", False
    status, response = found
    if types is not None and types.response is not None:
        ref = types.response
        expression = ref.expression("models.")
        if ref.is_list:
            return expression, expression, TypeRef(ref.model).expression("models."), True
        return expression, expression, expression, False
    if status in ("204", "205") or not response.get("content"):
        return "None", "NO_BODY", "Any", False
    return "Any", "Any", "Any", False


def python_type(schema: dict[str, Any], *, for_path: bool = False) -> str:
    """The annotation of a path or query parameter from its schema."""
    types = schema.get("type")
    if isinstance(types, list):
        non_null = [t for t in types if t != "null"]
        types = non_null[0] if len(non_null) == 1 else None
    if types == "string":
        fmt = schema.get("format")
        if fmt == "date-time":
            return "datetime | str"
        if fmt == "date":
            return "date | str"
        return "str"
    if types == "integer":
        return "int"
    if types == "number":
        return "float"
    if types == "boolean":
        return "bool"
    if types == "array" and not for_path:
        items = schema.get("items") if isinstance(schema.get("items"), dict) else {}
        return f"list[{python_type(items or {'type': 'string'}, for_path=True)}]"
    return "str" if for_path else "Any"


def usage_example(openapi: dict[str, Any], groups: list[GroupView]) -> dict[str, Any] | None:
    """A call to show in the README: a GET without a body, values taken from its example."""
    examples = {}
    for operation in iter_operations(openapi):
        examples[(operation[X + "method"], operation[X + "path"])] = (
            operation.get(X + "examples") or {}
        ).get("request")
    best: tuple[tuple[int, ...], dict[str, Any]] | None = None
    for group_index, group in enumerate(groups):
        for op_index, op in enumerate(group.operations):
            if op.http_method != "GET" or op.body or op.files or op.data or op.content:
                continue
            values = _example_values(op.path, examples.get((op.http_method, op.path)))
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


def _example_values(template: str, request_text: str | None) -> dict[str, str]:
    """Path parameter values from the example request line, when its path fits the template."""
    if not request_text:
        return {}
    first = request_text.split("\n", 1)[0].split()
    if len(first) < 2:
        return {}
    target = first[1].split("?", 1)[0]
    if "://" in target:
        target = "/" + target.split("://", 1)[1].partition("/")[2]
    return template_values(template, target) or {}


def _identifier(text: str, *, fallback: str) -> str:
    """A snake_case identifier (identifiers in the document are normally already valid)."""
    if text.isidentifier() and text.isascii() and not keyword.iskeyword(text):
        return text
    name = "_".join(words(text)) or fallback
    if name[0].isdigit():
        name = f"{fallback}_{name}"
    if keyword.iskeyword(name):
        name += "_"
    return name


def _unique_class(base: str, taken: set[str]) -> str:
    """`<Base>Resource`, or with `Group`/`Section` before `Resource` when that is taken."""
    for infix in ("", "Group", "Section", "Api"):
        name = f"{base}{infix}Resource"
        if name not in taken:
            break
    else:
        name = f"{base}Resource"
        while name in taken:
            name = "Other" + name
    taken.add(name)
    return name


def _pascal(text: str) -> str:
    return "".join(w[:1].upper() + w[1:] for w in words(text)) or "Api"


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
