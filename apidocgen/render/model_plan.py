"""Plan the Pydantic models: every class and field name, and every operation's body types.

Every name in `models.py` is decided here, before the schemas are handed to the generator
(`render/models.py`), so that no generated name is ever numbered (`user_id_1`, `Owner1`):

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

The plan is pure and deterministic, and needs neither datamodel-code-generator nor ruff:
`render/python_api.py` and `render/client.py` take the body types of operations from it
(`TypeRef`, `OperationTypes`) as well.
"""

from __future__ import annotations

import builtins
import hashlib
import keyword
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from apidocgen.model import Api, JsonSchema, Operation
from apidocgen.naming import words

REF_PREFIX = "#/components/schemas/"

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
    "json_request_schema",
    "json_response_schema",
    "pascal",
    "plan_models",
]
