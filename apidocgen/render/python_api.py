"""The Python surface of the API: every name the generated client gives, decided once.

Sections become attributes of the client (`client.events`), operations methods
(`list_issue_events`, and `iter_list_issue_events` where the API paginates), parameters
arguments: required ones positional-or-keyword, optional ones keyword-only, then the per-call
options every method takes (`CALL_OPTIONS`). A JSON request body is one `body` argument; a
form is `files` and `data`; any other body is `content`.

The client renderer writes these views as code; the docs renderer writes its code samples
from the same views, so that a sample calls exactly what the package has. Types (the models
of bodies and results) come from the model plan; the names do not depend on them.
"""

from __future__ import annotations

import keyword
import re
from dataclasses import dataclass, field, replace
from typing import Any, Literal

from apidocgen.model import Api, Operation, Parameter
from apidocgen.naming import is_reserved_file_name, words
from apidocgen.paths import placeholder_names
from apidocgen.render.model_plan import OperationTypes, TypeRef, field_names

# Public attributes of the generated clients: a section group must not shadow them.
CLIENT_ATTRIBUTES = frozenset(
    {
        "aclose", "base_url", "close", "is_closed", "max_retries", "retry_non_idempotent",
        "timeout", "with_options", "with_raw_response",
    }
)  # fmt: skip
# The per-call options every generated method takes after its own parameters.
CALL_OPTIONS = ("extra_headers", "extra_query", "timeout", "strict")
# Names a generated method body uses: never a parameter name.
_BODY_NAMES = frozenset(
    {
        "self",
        "models",
        "cast",
        "RequestOptions",
        "NO_BODY",
        "NOT_GIVEN",
        "NotGiven",
        "Timeout",
        "Any",
        "SyncPaginator",
        "AsyncPaginator",
        *CALL_OPTIONS,
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
        found = set(re.findall(r"[A-Za-z_][A-Za-z0-9_]*", text)) | {"Mapping"}
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


def build_groups(api: Api, types: dict[str, OperationTypes]) -> list[GroupView]:
    """Sections with their operations, in tag order, with every Python name decided."""
    tags = {t.name: t for t in api.tags}
    by_group: dict[str, list[Operation]] = {}
    tag_of: dict[str, str] = {}
    for operation in api.routed:
        group = operation.python_group or "api"
        by_group.setdefault(group, []).append(operation)
        tag_of.setdefault(group, operation.tag)
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
        tag = tags.get(tag_of[group])
        operations = _operations(by_group[group], types)
        groups.append(
            GroupView(
                attribute=attribute,
                module=attribute,
                class_name=_unique_class(_pascal(attribute), taken_classes),
                title=str(tag_of[group] or attribute),
                description=tag.description if tag is not None else "",
                operations=operations,
            )
        )
    return groups


def _operations(members: list[Operation], types: dict[str, OperationTypes]) -> list[OperationView]:
    views: list[OperationView] = []
    taken: set[str] = set()
    for operation in members:
        name = _identifier(operation.python_method or operation.operation_id, fallback="call")
        while name in taken or name in _ANNOTATION_NAMES or name.startswith("_"):
            name += "_"
        taken.add(name)
        views.append(_operation(operation, name, types.get(operation.operation_id)))
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


def _operation(operation: Operation, name: str, types: OperationTypes | None) -> OperationView:
    path = operation.path or ""
    arguments = _parameter_arguments(operation, path)
    bodies = _body_arguments(operation, types, {a.name for a in arguments} | _BODY_NAMES)
    arguments += [a for a in bodies.arguments if a is not None]
    # Required arguments come first (positional-or-keyword), optional ones after `*`.
    arguments = [a for a in arguments if a.required] + [a for a in arguments if not a.required]
    return_type, cast_to, item_type, items_are_list = _result_types(operation, types)
    return OperationView(
        name=name,
        iter_name="" if operation.pagination is not None else None,
        http_method=operation.method,
        path=path,
        summary=operation.summary,
        description=operation.description,
        deprecated=operation.deprecated,
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


def _parameter_arguments(operation: Operation, path: str) -> list[ArgumentView]:
    """Path parameters (every `{name}` of the path, documented or not), then query parameters.

    Python names come from `field_names`; a query parameter whose wire name repeats a path
    parameter's is named from `<name> query` (`id` and `id` -> `id`, `id_query`).
    """
    path_docs = {p.name: p for p in operation.parameters if p.location == "path"}
    query_docs: dict[str, Parameter] = {}
    for parameter in operation.parameters:
        if parameter.location == "query":
            query_docs.setdefault(parameter.name, parameter)
    path_wires = list(dict.fromkeys(placeholder_names(path)))
    keys = [("path", w) for w in path_wires] + [("query", w) for w in query_docs]
    labels = [w if loc == "path" or w not in path_wires else f"{w} query" for loc, w in keys]
    names = field_names(labels, _BODY_NAMES)
    arguments: list[ArgumentView] = []
    for (location, wire), label in zip(keys, labels, strict=True):
        doc = path_docs.get(wire) if location == "path" else query_docs[wire]
        schema = doc.schema if doc is not None else None
        arguments.append(
            ArgumentView(
                name=names[label],
                annotation=python_type(schema or {"type": "string"}, for_path=location == "path"),
                required=location == "path" or bool(doc is not None and doc.required),
                description=doc.description if doc is not None else "",
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


def _body_arguments(operation: Operation, types: OperationTypes | None, taken: set[str]) -> _Bodies:
    """The request body as arguments: `body` (JSON), `files`/`data` (forms) or `content`."""
    request_body = operation.request_body
    if request_body is None:
        return _Bodies()
    media = request_body.content.media
    base = media.split(";")[0].strip().lower()
    kind = _MEDIA_KIND.get(base) or ("json" if base.endswith("+json") else None)
    required = bool(request_body.required)
    if kind == "json":
        ref = types.request if types and types.request else TypeRef(None)
        item = TypeRef(ref.model).expression("models.")
        if ref.is_list:
            annotation = f"Sequence[{item} | Mapping[str, Any]]" if ref.model else "Sequence[Any]"
        else:
            annotation = f"{item} | Mapping[str, Any]" if ref.model else "Any"
        description = "The request body: the request model, or a dict of wire names."
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


def _result_types(operation: Operation, types: OperationTypes | None) -> tuple[str, str, str, bool]:
    """(return annotation, runtime cast target, paginator item type, items are list elements)."""
    response = operation.success
    if response is None:
        return "Any", "Any", "Any", False
    if types is not None and types.response is not None:
        ref = types.response
        expression = ref.expression("models.")
        if ref.is_list:
            return expression, expression, TypeRef(ref.model).expression("models."), True
        return expression, expression, expression, False
    if response.status in ("204", "205") or response.content is None:
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
