"""Schemas as the pages show them: type labels that link to their model, formats, and the
fields tables of bodies and models."""

from __future__ import annotations

import html
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from apidocgen.naming import slug
from apidocgen.render.docs.markup import code_span, html_code_span, html_field_path, plain_text
from apidocgen.render.docs.sanitize import MarkdownContext, relative_link, safe_markdown

JsonDict = dict[str, Any]

_MAX_FIELD_ROWS = 150
_MAX_FIELD_DEPTH = 6


def ref_name(schema: Any) -> str | None:
    """The component a `$ref` schema names, or None."""
    if isinstance(schema, dict) and isinstance(schema.get("$ref"), str):
        ref: str = schema["$ref"]
        if ref.startswith("#/components/schemas/"):
            return ref.rsplit("/", 1)[1].replace("~1", "/").replace("~0", "~")
    return None


@dataclass
class Schemas:
    """Named components and where the models page puts them."""

    components: JsonDict
    models_page: str | None
    anchors: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        used: set[str] = set()
        for name in self.components:
            anchor = "model-" + slug(name)
            while anchor in used:
                anchor += "-1"
            used.add(anchor)
            self.anchors[name] = anchor

    def resolve(self, schema: Any) -> tuple[JsonDict, str | None]:
        """Follow `$ref` (bounded) to a schema; also the first component name on the way."""
        first: str | None = None
        for _ in range(20):
            name = ref_name(schema)
            if name is None:
                break
            first = first or name
            schema = self.components.get(name, {})
        return (schema if isinstance(schema, dict) else {}), first

    def model_link(self, name: str, page: str, as_html: bool = False) -> str:
        """A link to a model's entry: Markdown, or HTML for generator-made HTML blocks (whose
        `.md` links the mkdocs plugin turns into site URLs)."""
        label = plain_text(name)
        if self.models_page is None or name not in self.anchors:
            return label
        url = f"{relative_link(page, self.models_page)}#{self.anchors[name]}"
        return f'<a href="{html.escape(url)}">{label}</a>' if as_html else f"[{label}]({url})"

    def variants(self, schema: JsonDict) -> tuple[list[Any], bool]:
        """The non-null alternatives of a schema, and whether null is allowed."""
        nullable = False
        options: list[Any] = []
        for key in ("anyOf", "oneOf"):
            if isinstance(schema.get(key), list):
                for option in schema[key]:
                    if isinstance(option, dict) and option.get("type") == "null":
                        nullable = True
                    else:
                        options.append(option)
        types = schema.get("type")
        if isinstance(types, list):
            nullable = nullable or "null" in types
        elif types == "null":
            nullable = True
        if schema.get("nullable") is True:
            nullable = True
        return options, nullable

    def type_label(self, schema: Any, page: str, depth: int = 0, as_html: bool = False) -> str:
        """Markdown (or HTML) for a schema's type, null left out (`string`, `Team or Owner`,
        `array of Event`): names link to their model. `null` when null is all it allows."""
        return say_alternatives(self._type_labels(schema, page, depth, as_html)) or "any"

    def type_phrase(self, schema: Any, page: str, as_html: bool = False) -> str:
        """A schema's type as a person would say it, format and null included: `string
        (date-time) or null`, `Team`, `array of Event`. A value only ever seen as null (the
        schemas are inferred from examples) is `always null in the examples`."""
        labels = self._type_labels(schema, page, 0, as_html)
        if labels == ["null"]:
            return "always null in the examples"
        resolved, _ = self.resolve(schema)
        nullable = self.variants(resolved)[1] or (
            isinstance(schema, dict) and self.variants(schema)[1]
        )
        labels = labels or ["any"]
        format_label = self.format_label(schema, as_html)
        if format_label:
            labels = [*labels[:-1], f"{labels[-1]} ({format_label})"]
        return say_alternatives([*labels, "null"] if nullable else labels)

    def _type_labels(self, schema: Any, page: str, depth: int, as_html: bool) -> list[str]:
        """The type's alternatives other than null; `["null"]` when null is all it allows."""
        name = ref_name(schema)
        if name is not None:
            return [self.model_link(name, page, as_html)]
        if not isinstance(schema, dict) or depth > 6:
            return ["any"]
        options, _ = self.variants(schema)
        if options:
            return _unique(
                label
                for option in options
                for label in self._type_labels(option, page, depth + 1, as_html)
                if label != "null"
            )
        types = schema.get("type")
        names = [t for t in (types if isinstance(types, list) else [types]) if isinstance(t, str)]
        names = [t for t in names if t != "null"] or (["null"] if types else [])
        if not names:
            if "properties" in schema or "additionalProperties" in schema:
                names = ["object"]
            elif "items" in schema:
                names = ["array"]
            elif "enum" in schema or "const" in schema:
                names = ["enum"]
            else:
                return ["any"]
        labels = []
        for type_name in names:
            if type_name == "array":
                items = schema.get("items")
                labels.append(
                    f"array of {self._inner_label(items, page, depth, as_html)}"
                    if items
                    else "array"
                )
            elif (
                type_name == "object"
                and not schema.get("properties")
                and isinstance(schema.get("additionalProperties"), dict)
            ):
                values = schema["additionalProperties"]
                labels.append(f"map of {self._inner_label(values, page, depth, as_html)}")
            else:
                labels.append(plain_text(type_name))
        return _unique(labels)

    def _inner_label(self, schema: Any, page: str, depth: int, as_html: bool) -> str:
        """The type of an array's items or a map's values: alternatives in parentheses
        (`array of (string or integer)`), null included."""
        labels = self._type_labels(schema, page, depth + 1, as_html)
        if labels != ["null"] and isinstance(schema, dict):
            resolved, _ = self.resolve(schema)
            if self.variants(resolved)[1] or self.variants(schema)[1]:
                labels = [*labels, "null"]
        text = say_alternatives(labels) or "any"
        return f"({text})" if len(labels) > 1 else text

    def format_label(self, schema: Any, as_html: bool = False) -> str:
        resolved, _ = self.resolve(schema)
        options, _ = self.variants(resolved)
        formats = _unique(
            str(s["format"])
            for s in [resolved, *options]
            if isinstance(s, dict) and s.get("format")
        )
        enum = resolved.get("enum")
        parts = [plain_text(f) for f in formats]
        if isinstance(enum, list) and enum:
            code = html_code_span if as_html else code_span
            shown = ", ".join(code(json.dumps(v, ensure_ascii=False)) for v in enum[:8])
            parts.append("one of " + shown + (", …" if len(enum) > 8 else ""))
        return "; ".join(parts)

    def refs_in(self, schema: Any) -> set[str]:
        """Every component a schema uses, directly or through other components."""
        found: set[str] = set()
        stack = [schema]
        while stack:
            node = stack.pop()
            if isinstance(node, dict):
                name = ref_name(node)
                if name is not None and name not in found:
                    found.add(name)
                    stack.append(self.components.get(name))
                stack.extend(v for k, v in node.items() if k != "$ref")
            elif isinstance(node, list):
                stack.extend(node)
        return found


def say_alternatives(labels: list[str]) -> str:
    """`a`, `a or b`, `a, b or c`."""
    if len(labels) <= 2:
        return " or ".join(labels)
    return ", ".join(labels[:-1]) + " or " + labels[-1]


def _unique(values: Iterable[str]) -> list[str]:
    seen: list[str] = []
    for value in values:
        if value not in seen:
            seen.append(value)
    return seen


@dataclass(frozen=True)
class FieldRow:
    """One row of a fields table (already-safe Markdown, or HTML, in each cell; the
    description is always Markdown)."""

    path: str
    type: str
    nullable: str
    format: str
    example: str
    description: str = ""
    required: str = ""
    summary: str = ""  # type, format and nullability in one phrase (`type_phrase`)


def _example_cell(value: Any, present: bool, as_html: bool) -> str:
    if not present or isinstance(value, dict | list) and value:
        return ""
    text = json.dumps(value, ensure_ascii=False)
    if len(text) > 60:
        text = text[:57] + "…"
    return html_code_span(text) if as_html else code_span(text)


def field_rows(
    schemas: Schemas,
    schema: Any,
    example: Any,
    page: str,
    ctx: MarkdownContext,
    as_html: bool = False,
) -> tuple[list[FieldRow], int]:
    """Rows for the fields of a body schema, and the number left out over the row limit;
    cells in Markdown, or with `as_html` in HTML (for an HTML table).

    Inline nested objects are expanded (`owner.name`, `items[].id`, map values as `tags.*`);
    a named model is not: its row links to the model, described once on the models page.
    Example values come from the example body, following the same path.
    """
    rows: list[FieldRow] = []
    skipped = 0

    def walk(node: Any, sample: Any, prefix: str, depth: int) -> None:
        nonlocal skipped
        resolved, _ = schemas.resolve(node)
        options, _ = schemas.variants(resolved)
        objects = [schemas.resolve(o)[0] for o in options]
        objects = [o for o in objects if isinstance(o.get("properties"), dict)]
        if len(objects) == 1:
            resolved = objects[0]  # `T or null`: the fields of T
        if is_array(resolved):
            first = sample[0] if isinstance(sample, list) and sample else None
            # A top-level array is said in words above the table; nested ones show as `name[]`.
            walk(resolved.get("items"), first, prefix + "[]" if prefix else "", depth)
            return
        properties = resolved.get("properties")
        if not isinstance(properties, dict):
            values = resolved.get("additionalProperties")
            if (
                isinstance(values, dict)
                and _expandable(schemas, values)
                and depth < _MAX_FIELD_DEPTH
            ):
                first = next(iter(sample.values()), None) if isinstance(sample, dict) else None
                walk(values, first, prefix + ".*", depth + 1)
            return
        required = set(resolved.get("required") or [])
        for name, prop in properties.items():
            if len(rows) >= _MAX_FIELD_ROWS:
                skipped += 1
                continue
            path = f"{prefix}.{name}" if prefix else name
            present = isinstance(sample, dict) and name in sample
            value = sample.get(name) if isinstance(sample, dict) else None
            prop_resolved, _ = schemas.resolve(prop)
            nullable = (
                schemas.variants(prop_resolved)[1]
                or schemas.variants(prop if isinstance(prop, dict) else {})[1]
            )
            type_label = schemas.type_label(prop, page, as_html=as_html)
            format_label = schemas.format_label(prop, as_html)
            rows.append(
                FieldRow(
                    path=html_field_path(path) if as_html else code_span(path),
                    type=type_label,
                    nullable="yes" if nullable else "no",
                    format=format_label,
                    summary=schemas.type_phrase(prop, page, as_html),
                    example=_example_cell(value, present, as_html),
                    description=safe_markdown(str(prop_resolved.get("description") or ""), ctx),
                    required="yes" if name in required else "no",
                )
            )
            if _expandable(schemas, prop) and depth + 1 < _MAX_FIELD_DEPTH:
                walk(prop, value, path, depth + 1)

    walk(schema, example, "", 0)
    return rows, skipped


def is_array(schema: JsonDict) -> bool:
    """Whether a (resolved) schema is an array."""
    types = schema.get("type")
    return (
        types == "array"
        or (isinstance(types, list) and "array" in types)
        or (types is None and "items" in schema)
    )


def _expandable(schemas: Schemas, schema: Any) -> bool:
    """Whether a field's schema has fields of its own to list here (inline, not a model)."""
    if ref_name(schema) is not None or _ref_in_array(schemas, schema):
        return False
    resolved, _ = schemas.resolve(schema)
    options, _ = schemas.variants(resolved)
    if any(ref_name(o) is not None for o in options):
        return False
    return True


def _ref_in_array(schemas: Schemas, schema: Any) -> bool:
    resolved, _ = schemas.resolve(schema)
    while is_array(resolved):
        items = resolved.get("items")
        if ref_name(items) is not None:
            return True
        resolved, _ = schemas.resolve(items)
    return False
