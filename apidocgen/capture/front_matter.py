"""Adding examples to a descriptor file without touching any other byte of it.

The front matter's JSON object is located by scanning (strings and nesting respected), and
the new entries go at the end of its `examples` list, or into a new `examples` field before
the object's closing brace, indented like the object's other fields. The result is parsed
again and must equal the original object plus the new entries; otherwise (and for YAML front
matter) nothing is changed and the caller says why.
"""

from __future__ import annotations

import json
from typing import Any


def add_examples(text: str, items: list[dict[str, Any]]) -> str | None:
    """`text` with `items` appended to its descriptor's `examples`; None when it cannot be
    done safely (not JSON front matter, or the edit would change anything else)."""
    span = _object_span(text)
    if span is None:
        return None
    start, end = span
    try:
        before = json.loads(text[start:end])
    except ValueError:
        return None
    if not isinstance(before, dict):
        return None
    existing = before.get("examples")
    if existing is not None and not isinstance(existing, list):
        return None
    indent = _field_indent(text, start)
    entries = [json.dumps(item, ensure_ascii=False) for item in items]
    inner = indent * 2
    located = _value_span(text, start, end, "examples")
    if located is not None and isinstance(existing, list) and existing:
        _, value_end = located
        close = text.rfind("]", 0, value_end)
        head = text[:close].rstrip()
        addition = "".join(f",\n{inner}{entry}" for entry in entries)
        edited = f"{head}{addition}\n{indent}{text[close:]}"
    elif located is not None:
        value_start, value_end = located
        listing = ",\n".join(f"{inner}{entry}" for entry in entries)
        edited = f"{text[:value_start]}[\n{listing}\n{indent}]{text[value_end:]}"
    else:
        close = end - 1
        head = text[:close].rstrip()
        listing = ",\n".join(f"{inner}{entry}" for entry in entries)
        separator = "," if head[-1] != "{" else ""
        edited = f'{head}{separator}\n{indent}"examples": [\n{listing}\n{indent}]\n{text[close:]}'
    span_after = _object_span(edited)
    if span_after is None:
        return None
    try:
        after = json.loads(edited[span_after[0] : span_after[1]])
    except ValueError:
        return None
    expected = dict(before, examples=[*(existing or []), *items])
    return edited if after == expected else None


def _object_span(text: str) -> tuple[int, int] | None:
    """Where the front matter's JSON object starts and ends (end exclusive)."""
    lines = text.split("\n")
    if not lines or lines[0].rstrip() != "---":
        return None
    offset = len(lines[0]) + 1
    for line in lines[1:]:
        stripped = line.strip()
        if stripped.startswith("{"):
            start = offset + line.index("{")
            end = _matching_end(text, start)
            return (start, end) if end is not None else None
        if stripped and not stripped.startswith("#"):
            return None  # YAML, or not a descriptor
        offset += len(line) + 1
    return None


def _matching_end(text: str, start: int) -> int | None:
    depth, index, in_string = 0, start, False
    while index < len(text):
        char = text[index]
        if in_string:
            if char == "\\":
                index += 1
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char in "{[":
            depth += 1
        elif char in "}]":
            depth -= 1
            if depth == 0:
                return index + 1
        index += 1
    return None


def _value_span(text: str, start: int, end: int, key: str) -> tuple[int, int] | None:
    """The span of a top-level field's value in the object at `start`..`end`."""
    depth, index = 0, start
    wanted = json.dumps(key)
    while index < end:
        char = text[index]
        if char == '"':
            close = _string_end(text, index)
            if depth == 1 and text[index:close] == wanted:
                colon = text.index(":", close)
                value_start = colon + 1
                while text[value_start] in " \t\r\n":
                    value_start += 1
                return value_start, _value_end(text, value_start)
            index = close
            continue
        if char in "{[":
            depth += 1
        elif char in "}]":
            depth -= 1
        index += 1
    return None


def _string_end(text: str, index: int) -> int:
    index += 1
    while text[index] != '"':
        index += 2 if text[index] == "\\" else 1
    return index + 1


def _value_end(text: str, start: int) -> int:
    if text[start] in "{[":
        found = _matching_end(text, start)
        return found if found is not None else start
    if text[start] == '"':
        return _string_end(text, start)
    index = start
    while index < len(text) and text[index] not in ",}\n":
        index += 1
    return index


def _field_indent(text: str, start: int) -> str:
    """The indentation of the object's first field (two spaces when it has none)."""
    newline = text.find("\n", start)
    line = text[newline + 1 : text.find("\n", newline + 1)] if newline >= 0 else ""
    stripped = line.lstrip(" \t")
    return line[: len(line) - len(stripped)] if stripped.startswith('"') else "  "
