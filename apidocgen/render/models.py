"""Render Pydantic v2 models from the OpenAPI document with datamodel-code-generator.

Every name in `models.py` is decided here, before the schemas are handed to the generator, so
that no generated name is ever numbered (`user_id_1`, `Owner1`):

- Class names. Components keep their names (made valid and kept clear of the names the module
  imports). Every inline object schema, anywhere (in a component or in an operation's request
  or response), is hoisted into a class named after where it sits: `<Parent><Property>`, with
  `Item` for array items, `Value` for map values, `Option<A..>` for `anyOf`/`oneOf` members
  and `Part<A..>` for `allOf` members. Each operation's root gets `<OperationId>Response` or
  `<OperationId>Request` (or, when the root is a `$ref` or a list of one, that class itself).
  A taken name gets the first free suffix of `Model`, `Body`, `Schema`, `Data`.
- Field names (`field_names`). A wire name that already is a plain snake_case identifier keeps
  its spelling, whatever its position. Every other wire name, in wire order, takes the first
  free candidate of: its snake_case form (`userId` -> `user_id`); its words run together
  (`userid`); its raw spelling when that is a valid identifier (`userID`); its snake_case form
  with punctuation spelt out (`user-id` -> `user_dash_id`); and, when all of those are taken,
  its snake_case form plus a short hash of the wire name (never a counter). Keywords,
  pydantic's own attribute names and the names the module uses (`list`, `date`, every class
  name) get a trailing `_` (`class_`, `json_`, `model_config_`); digit-first names get a
  `field_` prefix (`2fa` -> `field_2fa`); a name with no letters is `field`.
- A value only ever seen as null (`{"type": "null"}`) says nothing of its type: it becomes
  `Any`, and such a field is optional (`field: Any | None = None`), never a bare `None`.
- Formats (`FORMAT_POLICY`). `date-time` -> `DateTime` (the package's `_types`: a
  `datetime` that dumps back to the exact text it was read from; naive values accepted, so
  a document whose examples lack an offset still validates), `date` -> `date`, `uuid` -> `UUID`. Every
  other format (`uri`, `email`, `ipv4`, ...) is a plain `str`: `AnyUrl` normalises values (a
  trailing slash appears, so a value does not round-trip) and `EmailStr` needs the
  `email-validator` package at import time.

Models keep unknown fields (`extra="allow"`) and accept both the Python name and the wire name
(`populate_by_name=True`); dump them with `by_alias=True` to get the wire names back.

datamodel-code-generator runs once over one document holding every class, with no formatter
of its own: its builtin formatter is fast but not `ruff format` clean, so ruff formats the
result (`format_python`, a fraction of a second even for GitHub's models).
"""

from __future__ import annotations

import builtins
import hashlib
import json
import keyword
import re
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from apidocgen.config import Config
from apidocgen.model import Api, JsonSchema, Operation
from apidocgen.naming import words

REF_PREFIX = "#/components/schemas/"
BASE_MODULE = "_base_model"
BASE_CLASS = "APIModel"
TYPES_MODULE = "_types"
LINE_LENGTH = 88

# Formats kept (and the Python type they become); every other format is dropped, i.e. `str`.
FORMAT_POLICY = {"date-time": "datetime", "date": "date", "uuid": "UUID"}

# Names the generated module imports or uses in annotations: never a class or field name.
_MODULE_NAMES = frozenset(
    {
        "Any", "AwareDatetime", "BaseModel", "ConfigDict", "Field", "Literal", "NaiveDatetime",
        "Optional", "RootModel", "TypeAlias", "TypeAliasType", "Union", "UUID", "APIModel",
        "date", "datetime", "time", "timedelta", "Decimal", "Enum", "List", "Dict",
        "bool", "bytes", "dict", "float", "frozenset", "int", "list", "object", "set", "str",
        "tuple",
    }
)  # fmt: skip
# Attributes of pydantic's BaseModel (v2 and its v1-compatible methods).
_PYDANTIC_NAMES = frozenset(
    {
        "construct", "copy", "dict", "fields", "from_orm", "json", "parse_file", "parse_obj",
        "parse_raw", "schema", "schema_json", "update_forward_refs", "validate",
    }
)  # fmt: skip
_CONSTANTS = frozenset({"None", "True", "False", "NotImplemented", "Ellipsis"})
_RESERVED_CLASS_NAMES = _MODULE_NAMES | _CONSTANTS | frozenset(dir(builtins))
_SPELLED = {
    "-": "dash", ".": "dot", " ": "space", "/": "slash", ":": "colon", "@": "at", "$": "dollar",
    "#": "hash", "+": "plus", "*": "star", "&": "and", "%": "percent", "!": "bang", "?": "question",
    "=": "equals", "~": "tilde", "^": "caret", "|": "pipe", "<": "lt", ">": "gt", ",": "comma",
    ";": "semicolon", "'": "quote", '"': "dquote", "\\": "backslash", "(": "lparen",
    ")": "rparen", "[": "lbracket", "]": "rbracket", "{": "lbrace", "}": "rbrace",
}  # fmt: skip
_CLASS_SUFFIXES = ("Model", "Body", "Schema", "Data")
_PLAIN_FIELD = re.compile(r"[a-z][a-z0-9_]*\Z")
_COMBINATORS = ("anyOf", "oneOf", "allOf")


@dataclass(frozen=True)
class TypeRef:
    """The Python type of a body: a class (or alias) of `models.py`, `Any`, or a list of one."""

    model: str | None  # None: Any
    is_list: bool = False

    def expression(self, prefix: str = "") -> str:
        """The type as source text, model names prefixed with `prefix` (e.g. `models.`)."""
        inner = f"{prefix}{self.model}" if self.model else "Any"
        return f"list[{inner}]" if self.is_list else inner


@dataclass(frozen=True)
class OperationTypes:
    """The types of an operation's JSON bodies (None: it has no JSON body of that kind)."""

    request: TypeRef | None
    response: TypeRef | None


@dataclass(frozen=True)
class ModelPlan:
    """Everything decided before generation: schemas by class name, aliases, operation types."""

    schemas: dict[str, dict[str, Any]]
    aliases: dict[str, str]
    field_names: dict[str, dict[str, str]]  # class name -> wire name -> Python name
    operations: dict[str, OperationTypes]  # operationId -> types
    exported: tuple[str, ...]  # every public name of models.py, sorted


def render_models(api: Api, config: Config) -> dict[str, str]:
    """`python/<package>/models.py` (and nothing else), keyed by output-relative path."""
    plan = plan_models(api)
    source = generate_models_source(plan, config.package)
    return {f"python/{config.package}/models.py": format_python(source, config.package)}


def generate_models_source(plan: ModelPlan, package: str) -> str:
    """Run datamodel-code-generator once over every planned schema; return the module text.

    Every class derives from `<package>._base_model.APIModel`, which holds the one model
    configuration (unknown fields kept, both names accepted, schemas built on first use).
    """
    from apidocgen.render.templates import generator_header

    header = f"# {generator_header()}\n# Pydantic v2 models, written by datamodel-code-generator."
    if not plan.schemas:
        return f'{header}\n"""No JSON bodies are documented, so there are no models."""\n\n__all__: list[str] = []\n'
    from datamodel_code_generator import generate
    from datamodel_code_generator.enums import DataModelType, InputFileType
    from datamodel_code_generator.format import DatetimeClassType, PythonVersion
    from datamodel_code_generator.parser import LiteralType

    document = {
        "openapi": "3.1.0",
        "info": {"title": "models", "version": "0"},
        "paths": {},
        "components": {"schemas": _wire_types(plan.schemas, package)},
    }
    source = generate(
        json.dumps(document, ensure_ascii=False),
        input_file_type=InputFileType.OpenAPI,
        output_model_type=DataModelType.PydanticV2BaseModel,
        target_python_version=PythonVersion.PY_310,
        base_class=f"{package}.{BASE_MODULE}.{BASE_CLASS}",
        disable_timestamp=True,
        formatters=[],  # ruff formats the result (`format_python`): faster, and ruff-clean
        custom_file_header=header,
        aliases=plan.aliases,
        use_schema_description=True,
        use_standard_collections=True,
        use_union_operator=True,
        use_double_quotes=True,
        use_type_alias=True,
        enum_field_as_literal=LiteralType.All,
        output_datetime_class=DatetimeClassType.Datetime,
        keep_model_order=True,
    )
    if not isinstance(source, str):  # pragma: no cover - one module in, one module out
        raise TypeError("datamodel-code-generator returned several modules for one document")
    # A class using a custom type gets this configuration; `DateTime` needs none of it.
    source = _ARBITRARY_TYPES_CONFIG.sub("", source)
    exports = "".join(f"    {json.dumps(name)},\n" for name in plan.exported)
    return source.rstrip("\n") + f"\n\n\n__all__ = [\n{exports}]\n"


_ARBITRARY_TYPES_CONFIG = re.compile(
    r"\n[ \t]+model_config = ConfigDict\(\s*arbitrary_types_allowed=True,?\s*\)[ \t]*(?=\n)"
)


def _wire_types(schemas: dict[str, Any], package: str) -> dict[str, Any]:
    """The schemas with every `date-time` string typed `<package>._types.DateTime`: a
    datetime that dumps back to the text it was read from."""

    def walk(value: Any) -> Any:
        if isinstance(value, list):
            return [walk(item) for item in value]
        if not isinstance(value, dict):
            return value
        out = {key: walk(item) for key, item in value.items()}
        if out.get("format") == "date-time" and out.get("type", "string") == "string":
            del out["format"]
            out["customTypePath"] = f"{package}.{TYPES_MODULE}.DateTime"
        return out

    return {name: walk(schema) for name, schema in schemas.items()}


def format_python(source: str, package: str, *, filename: str = "module.py") -> str:
    """Sort imports, apply ruff's safe fixes and format with ruff (line length 88, Python 3.10).

    The same settings go into the generated package's pyproject.toml, so `ruff check` and
    `ruff format --check` run there agree with what was generated. Without a ruff executable
    the source is returned as it is (valid Python, only not ruff-formatted).
    """
    return format_python_files({filename: source}, package)[filename]


def format_python_files(files: dict[str, str], package: str) -> dict[str, str]:
    """`format_python` for many files at once: two ruff processes in all, not two per file.

    The files are written to a temporary folder for ruff to read (ruff's stdin mode takes one
    file per process); nothing outside that folder is touched.
    """
    ruff = ruff_executable()
    if ruff is None or not files:
        return dict(files)
    with tempfile.TemporaryDirectory(prefix="apidocgen-ruff-") as tmp:
        root = Path(tmp)
        names = {
            path: f"f{index:05d}_{path.rpartition('/')[2]}" for index, path in enumerate(files)
        }
        for path, name in names.items():
            (root / name).write_text(files[path], encoding="utf-8")
        common = [
            "--isolated",
            "--quiet",
            "--target-version",
            "py310",
            "--line-length",
            str(LINE_LENGTH),
        ]
        first_party = f"lint.isort.known-first-party = [{json.dumps(package)}]"
        for command in (
            [ruff, "check", "--fix", "--exit-zero", "--config", first_party, *common, "."],
            [ruff, "format", *common, "."],
        ):
            done = subprocess.run(command, cwd=root, capture_output=True, text=True, check=False)
            if done.returncode != 0:
                raise RuntimeError(f"ruff failed on generated code: {done.stderr.strip()[:2000]}")
        return {path: (root / name).read_text(encoding="utf-8") for path, name in names.items()}


def ruff_executable() -> str | None:
    """The ruff binary of this environment, if there is one."""
    try:
        from ruff.__main__ import find_ruff_bin
    except ImportError:
        return shutil.which("ruff")
    try:
        return str(find_ruff_bin())
    except FileNotFoundError:
        return shutil.which("ruff")


def plan_models(api: Api) -> ModelPlan:
    """Name every class, field and operation type of the API (pure, deterministic)."""
    planner = _Planner(api.schemas)
    operations: dict[str, OperationTypes] = {}
    for operation in api.routed:
        base = pascal(operation.operation_id, fallback="Operation")
        request = response = None
        request_schema = json_request_schema(operation)
        if request_schema is not None:
            request = planner.root(request_schema, base + "Request")
        response_schema = json_response_schema(operation)
        if response_schema is not None:
            response = planner.root(response_schema, base + "Response")
        operations[operation.operation_id] = OperationTypes(request, response)
    planner.finish()
    schemas = planner.schemas
    exported = tuple(sorted(schemas))
    return ModelPlan(schemas, planner.aliases, planner.field_names, operations, exported)


def json_request_schema(operation: Operation) -> JsonSchema | None:
    """The schema of a JSON request body, if the operation has one."""
    body = operation.request_body
    if body is not None and _is_json(body.content.media) and body.content.schema is not None:
        return body.content.schema
    return None


def json_response_schema(operation: Operation) -> JsonSchema | None:
    """The schema of the JSON success body, if the operation documents one."""
    response = operation.success
    content = response.content if response is not None else None
    if content is not None and _is_json(content.media) and content.schema is not None:
        return content.schema
    return None


def _is_json(media: str) -> bool:
    media = media.split(";")[0].strip().lower()
    return media == "application/json" or media.endswith("+json")


def pascal(text: str, *, fallback: str) -> str:
    """A PascalCase identifier from the words of `text` (never a keyword, never digit-first)."""
    name = "".join(w[:1].upper() + w[1:] for w in words(text)) or fallback
    if name[0].isdigit():
        name = fallback + name
    return name


def field_names(wire_names: list[str], reserved: frozenset[str] = frozenset()) -> dict[str, str]:
    """Python attribute names for the wire names of one class (see the module docstring)."""
    taken: set[str] = set()
    out: dict[str, str] = {}
    for wire in wire_names:
        if _PLAIN_FIELD.match(wire) and _usable_field(wire, reserved) and wire not in taken:
            out[wire] = wire
            taken.add(wire)
    for wire in wire_names:
        if wire in out:
            continue
        for candidate in _field_candidates(wire, reserved):
            if candidate not in taken:
                break
        else:  # pragma: no cover - the hashed candidate is unique per wire name
            raise AssertionError(f"no free field name for {wire!r}")
        out[wire] = candidate
        taken.add(candidate)
    return out


def _usable_field(name: str, reserved: frozenset[str]) -> bool:
    return not (
        keyword.iskeyword(name)
        or name in _MODULE_NAMES
        or name in _PYDANTIC_NAMES
        or name in reserved
        or name.startswith(("model_", "_"))
        or name in _CONSTANTS
    )


def _fix_field(name: str, reserved: frozenset[str]) -> str:
    if not name:
        name = "field"
    if name[0].isdigit():
        name = "field_" + name
    if not _usable_field(name, reserved):
        name += "_"
    return name


def _field_candidates(wire: str, reserved: frozenset[str]) -> Iterator[str]:
    parts = words(wire)
    snake = _fix_field("_".join(parts), reserved)
    yield snake
    if len(parts) > 1:
        yield _fix_field("".join(parts), reserved)
    if wire.isidentifier() and wire.isascii() and _usable_field(wire, reserved):
        yield wire
    spelled = _spelled(wire)
    if spelled:
        yield _fix_field(spelled, reserved)
    digest = hashlib.sha256(wire.encode("utf-8", "surrogatepass")).hexdigest()[:6]
    yield f"{snake.rstrip('_')}_{digest}"


def _spelled(wire: str) -> str:
    """Snake case with punctuation named (`user-id` -> `user_dash_id`) and case marked."""
    tokens: list[str] = []
    for chunk in re.findall(r"[A-Za-z0-9]+|[^A-Za-z0-9]", wire):
        if chunk.isalnum() and chunk.isascii():
            tokens.extend(words(chunk) if chunk != chunk.upper() else [chunk.lower() + "_upper"])
        elif chunk in _SPELLED:
            tokens.append(_SPELLED[chunk])
        elif chunk == "_":
            tokens.append("underscore")
        else:
            tokens.extend(words(chunk) or [f"u{ord(chunk):04x}"])
    return "_".join(tokens)


class _Planner:
    """Hoists inline objects into named schemas and assigns every class and field name."""

    def __init__(self, components: dict[str, Any]) -> None:
        self.components = components
        self.schemas: dict[str, dict[str, Any]] = {}
        self.aliases: dict[str, str] = {}
        self.field_names: dict[str, dict[str, str]] = {}
        self.taken: set[str] = set()
        self.class_of: dict[str, str] = {}  # component name -> class name
        for name in sorted(components):
            self.class_of[name] = self._claim(self._valid_class(name))
        for name in sorted(components):
            schema = components[name]
            self._add(self.class_of[name], schema if isinstance(schema, dict) else {})

    # -- names ---------------------------------------------------------------------------------

    def _valid_class(self, name: str) -> str:
        if not (name.isidentifier() and name.isascii() and name[:1].isupper()):
            name = pascal(name, fallback="Model")
        return name

    def _claim(self, base: str) -> str:
        name = base
        reserved = _RESERVED_CLASS_NAMES
        candidates = [base, *(base + suffix for suffix in _CLASS_SUFFIXES)]
        for name in candidates:
            if name not in self.taken and name not in reserved and not keyword.iskeyword(name):
                break
        else:
            digest = hashlib.sha256(base.encode("utf-8")).hexdigest()[:6]
            name = f"{base}X{digest}"
        self.taken.add(name)
        return name

    # -- schemas -------------------------------------------------------------------------------

    def root(self, schema: dict[str, Any], name: str) -> TypeRef:
        """The type of an operation root: a component, a hoisted class, or a list of one."""
        target = self._ref_class(schema)
        if target is not None:
            return TypeRef(None if target == "Any" else target)
        if _is_empty(schema):
            return TypeRef(None)
        if _is_array(schema) and set(schema) <= {"type", "items", "description", "title"}:
            items = schema.get("items")
            item = self._list_item(items if isinstance(items, dict) else {}, name + "Item")
            if item is not None:
                return item
        if _is_object(schema):
            return TypeRef(self._hoist(schema, name))
        class_name = self._claim(name)
        self._add(class_name, schema)
        return TypeRef(class_name)

    def _list_item(self, schema: dict[str, Any], name: str) -> TypeRef | None:
        """`list[Model]` (or `list[Any]`) when the items need no alias of their own."""
        target = self._ref_class(schema)
        if target is not None:
            return TypeRef(None if target == "Any" else target, is_list=True)
        if _is_empty(schema):
            return TypeRef(None, is_list=True)
        if _is_object(schema):
            return TypeRef(self._hoist(schema, name), is_list=True)
        return None

    def _ref_class(self, schema: dict[str, Any]) -> str | None:
        ref = schema.get("$ref")
        if not isinstance(ref, str):
            return None
        if ref.startswith(REF_PREFIX) and ref[len(REF_PREFIX) :] in self.class_of:
            return self.class_of[ref[len(REF_PREFIX) :]]
        return "Any"

    def _hoist(self, schema: dict[str, Any], name: str) -> str:
        class_name = self._claim(name)
        self._add(class_name, schema)
        return class_name

    def _add(self, class_name: str, schema: dict[str, Any]) -> None:
        rewritten = self._rewrite(_copy_json(schema, {}), class_name, top=True)
        self.schemas[class_name] = rewritten

    def finish(self) -> None:
        """Name the fields of every class, now that every class name is known."""
        reserved = frozenset(self.taken)
        for class_name, schema in self.schemas.items():
            properties = schema.get("properties")
            if isinstance(properties, dict) and properties:
                names = field_names(list(properties), reserved)
                self.field_names[class_name] = names
                for wire, python in names.items():
                    if python != wire:
                        self.aliases[f"{class_name}.{wire}"] = python
        self.schemas = {name: self.schemas[name] for name in sorted(self.schemas)}
        self.aliases = dict(sorted(self.aliases.items()))

    def _rewrite(self, schema: dict[str, Any], owner: str, *, top: bool) -> dict[str, Any]:
        """Rewrite refs to class names, apply the format policy, hoist nested inline objects."""
        if "$ref" in schema:
            target = self._ref_class(schema)
            if target == "Any":
                return {k: v for k, v in schema.items() if k != "$ref"}
            schema["$ref"] = REF_PREFIX + str(target)
            return schema
        fmt = schema.get("format")
        if fmt is not None and fmt not in FORMAT_POLICY:
            del schema["format"]
        for key in ("title", "examples", "example", "$id", "$schema", "discriminator"):
            schema.pop(key, None)
        types = schema.get("type")
        if (
            isinstance(types, list)
            and "object" in types
            and len(types) > 1
            and _has_properties(schema)
        ):
            # A nullable (or multi-type) object: the object part becomes a class of its own.
            obj = {k: v for k, v in schema.items() if k not in ("type", "description")}
            obj["type"] = "object"
            others = [{"type": t} for t in types if t != "object"]
            ref = {"$ref": REF_PREFIX + self._hoist(obj, owner if not top else owner + "Object")}
            out: dict[str, Any] = {"anyOf": [ref, *others]}
            if "description" in schema:
                out["description"] = schema["description"]
            return out
        properties = schema.get("properties")
        if isinstance(properties, dict):
            for key, sub in list(properties.items()):
                properties[key] = self._child(sub, owner + pascal(key, fallback="Field"))
            # A field only ever seen as null may hold anything: `Any | None = None`.
            nulls = {key for key, sub in properties.items() if _is_any(sub)}
            if nulls and isinstance(schema.get("required"), list):
                schema["required"] = [k for k in schema["required"] if k not in nulls]
        items = schema.get("items")
        if isinstance(items, dict):
            schema["items"] = self._child(items, owner + "Item")
        prefix = schema.get("prefixItems")
        if isinstance(prefix, list):
            schema["prefixItems"] = [self._child(s, owner + "Item") for s in prefix]
        extra = schema.get("additionalProperties")
        if isinstance(extra, dict):
            schema["additionalProperties"] = self._child(extra, owner + "Value")
        for combinator in _COMBINATORS:
            members = schema.get(combinator)
            if isinstance(members, list):
                word = "Part" if combinator == "allOf" else "Option"
                schema[combinator] = [
                    self._child(member, owner + word + _letters(index), member=True)
                    for index, member in enumerate(members)
                ]
        return schema

    def _child(self, sub: Any, name: str, *, member: bool = False) -> Any:
        """A nested schema rewritten; `member` of a combinator (where a null member is what
        makes the whole nullable, not a value only ever seen as null)."""
        if not isinstance(sub, dict):
            return sub
        if not member and _only_null(sub):
            # Seen only as null: the examples say nothing of the type (never a bare `None`).
            return {k: v for k, v in sub.items() if k == "description"}
        if _is_object(sub) and "$ref" not in sub:
            described = sub.get("description")
            ref: dict[str, Any] = {"$ref": REF_PREFIX + self._hoist(sub, name)}
            if described:
                ref["description"] = described
            return ref
        return self._rewrite(sub, name, top=False)


def _copy_json(value: Any, memo: dict[int, Any]) -> Any:
    """A deep copy of JSON-like data, as `copy.deepcopy` makes it (a container that occurs
    twice is copied once), in a fraction of its time."""
    if isinstance(value, dict):
        found = memo.get(id(value))
        if found is None:
            found = memo[id(value)] = {}
            for key, item in value.items():
                found[key] = _copy_json(item, memo)
        return found
    if isinstance(value, list):
        found = memo.get(id(value))
        if found is None:
            found = memo[id(value)] = []
            found.extend(_copy_json(item, memo) for item in value)
        return found
    if isinstance(value, tuple):
        return tuple(_copy_json(item, memo) for item in value)
    return value


def _letters(index: int) -> str:
    """A, B, ..., Z, AA, AB, ...: a member's position without a number."""
    out = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        out = chr(ord("A") + rest) + out
    return out


def _only_null(schema: dict[str, Any]) -> bool:
    types = schema.get("type")
    return (types == "null" or types == ["null"]) and not any(
        key in schema for key in ("$ref", *_COMBINATORS, "enum", "const")
    )


def _is_any(schema: Any) -> bool:
    """A schema that admits every value (a description at most)."""
    return isinstance(schema, dict) and not any(k for k in schema if k != "description")


def _is_empty(schema: dict[str, Any]) -> bool:
    return not any(k for k in schema if k not in ("description", "title", "example", "examples"))


def _is_array(schema: dict[str, Any]) -> bool:
    return schema.get("type") == "array"


def _has_properties(schema: dict[str, Any]) -> bool:
    return isinstance(schema.get("properties"), dict) and bool(schema["properties"])


def _is_object(schema: dict[str, Any]) -> bool:
    """An object with declared properties (a class); property-less objects stay `dict`s."""
    return schema.get("type") == "object" and _has_properties(schema)


__all__ = [
    "FORMAT_POLICY",
    "ModelPlan",
    "OperationTypes",
    "TypeRef",
    "field_names",
    "format_python",
    "generate_models_source",
    "json_request_schema",
    "json_response_schema",
    "pascal",
    "plan_models",
    "render_models",
    "ruff_executable",
]
