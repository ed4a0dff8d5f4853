"""The older hand-written endpoint page, read as the descriptor it describes.

Before descriptors, Sentry's documentation wrote endpoints as Markdown pages rendered from
Sphinx, and real folders still hold them:

    ---
    title: 'Bulk Remove a List of Issues'
    sidebar_order: 1
    ---

    DELETE /api/0/projects/_{organization_slug}_/_{project_slug}_/issues/

    : Permanently remove the given issues. ...          (the description)

      <table class="table">...</table>                  (parameters, authentication, ...)

    ## Example

    ```http                                             (the example request)
    ```http                                             (the example response)

`legacy_fields` turns such a page into the fields a descriptor's front matter would hold
(`api_path`, `method`, `description`, the three parameter lists, `authentication`, the
examples), so that it becomes an endpoint like any other, checked by the same rules; and
`apidocgen migrate` writes those fields as a descriptor. The page's prose stays in the
description; what the format does not explain is kept there too, with a warning.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from typing import Any

from apidocgen.diagnostics import Diagnostic, warning
from apidocgen.load.quoting import _short

_ROUTE = re.compile(r"(GET|POST|PUT|PATCH|DELETE|HEAD|OPTIONS)[ \t]+(/\S*)[ \t]*\Z")
_LEGACY_PLACEHOLDER = re.compile(r"_(\{[^{}\s]+\})_")
_TABLE = re.compile(r"<table\b[^>]*>(.*?)</table>", re.DOTALL | re.IGNORECASE)
_ROW = re.compile(r"<tr>\s*<th>(.*?)</th>\s*<td>(.*?)</td>\s*</tr>", re.DOTALL | re.IGNORECASE)
_ITEM = re.compile(r"<li>(.*?)</li>", re.DOTALL | re.IGNORECASE)
_PARAMETER = re.compile(
    r"\s*<strong>(?P<name>[^<]+)</strong>\s*(?:\(<em>(?P<type>[^<]+)</em>\))?\s*"
    r"(?:[–—-]\s*(?P<description>.*))?\Z",
    re.DOTALL,
)
_FENCE = re.compile(r"(`{3,}|~{3,})[ \t]*([\w+-]*)[^\n]*\Z")
_HEADING = re.compile(r"#{1,6}[ \t]+(.*?)[ \t#]*\Z")
_LISTS = {
    "path parameters": "path_parameters",
    "query parameters": "query_parameters",
    "parameters": "parameters",
}


@dataclass(frozen=True)
class LegacyFields:
    """What an older endpoint page says, as descriptor fields, with the line of each."""

    data: dict[str, Any]
    lines: dict[str, int]
    problems: list[Diagnostic]


def legacy_fields(
    front: dict[str, Any], body: str, body_line: int, where: str
) -> LegacyFields | None:
    """The descriptor fields of an older endpoint page (None: the page is not one)."""
    lines = body.split("\n")
    start = next((n for n, text in enumerate(lines) if text.strip()), None)
    if start is None:
        return None
    route = _ROUTE.match(lines[start].strip())
    if route is None:
        return None
    method, legacy_path = route.groups()
    reader = _Reader(where, body_line)
    fields: dict[str, Any] = {
        "api_path": _LEGACY_PLACEHOLDER.sub(r"\1", legacy_path),
        "method": method,
        "title": front.get("title"),
        "sidebar_order": front.get("sidebar_order"),
    }
    reader.lines.update(api_path=body_line + start, method=body_line + start)
    rest = start + 1
    definition, rest = _definition(lines, rest)
    prose = reader.definition(definition, fields)
    examples, leftovers = _examples(lines, rest, reader)
    fields.update(examples)
    for number, text in leftovers:
        reader.problems.append(
            warning(
                where,
                body_line + number,
                1,
                f"text the older endpoint page format does not have ({_short(text.strip())});"
                " kept in the description",
            )
        )
        prose.append(text)
    fields["description"] = "\n".join(prose).strip() or None
    reader.lines.setdefault("description", body_line + start)
    for key in ("title", "sidebar_order"):
        if fields[key] is None:
            del fields[key]
    return LegacyFields(fields, reader.lines, reader.problems)


def _definition(lines: list[str], start: int) -> tuple[list[tuple[int, str]], int]:
    """The definition after the route (`: text`, then lines indented two spaces), dedented."""
    out: list[tuple[int, str]] = []
    index = start
    while index < len(lines) and not lines[index].strip():
        index += 1
    if index >= len(lines) or not lines[index].startswith(": "):
        return out, start
    out.append((index, lines[index][2:]))
    index += 1
    while index < len(lines) and (not lines[index].strip() or lines[index].startswith("  ")):
        out.append((index, lines[index][2:]))
        index += 1
    while out and not out[-1][1].strip():
        out.pop()
    return out, index


class _Reader:
    """Collects fields, their lines and the problems met on the way."""

    def __init__(self, where: str, body_line: int) -> None:
        self.where = where
        self.body_line = body_line
        self.lines: dict[str, int] = {}
        self.problems: list[Diagnostic] = []

    def definition(self, definition: list[tuple[int, str]], fields: dict[str, Any]) -> list[str]:
        """Read the parameter table out of the definition; the rest is the description."""
        prose: list[str] = []
        for number, text in definition:
            table = _TABLE.search(text)
            if table is None:
                prose.append(text)
                continue
            self.lines.setdefault("description", self.body_line + definition[0][0])
            before, after = text[: table.start()].strip(), text[table.end() :].strip()
            prose.extend(part for part in (before, after) if part)
            prose.extend(self.table(table.group(1), self.body_line + number, fields))
        if definition:
            self.lines.setdefault("description", self.body_line + definition[0][0])
        return prose

    def table(self, table: str, line: int, fields: dict[str, Any]) -> list[str]:
        """Fields from the table's rows; rows it does not know come back as prose."""
        kept: list[str] = []
        for label_html, cell in _ROW.findall(table):
            label = _text(label_html).rstrip(":").strip()
            key = label.lower()
            if key in _LISTS:
                field = _LISTS[key]
                fields[field] = self.parameters(cell, label, line)
                self.lines[field] = line
            elif key == "authentication":
                fields["authentication"] = _text(cell) or None
                self.lines["authentication"] = line
            elif key in ("method", "path"):
                self.check(key, _text(cell, joiner=""), fields, line)
            else:
                self.problems.append(
                    warning(
                        self.where,
                        line,
                        1,
                        f"table row '{_short(label)}' is not one the older endpoint page"
                        " format has; kept in the description",
                    )
                )
                kept.append(f"**{label}:** {_markdown(cell)}")
        return kept

    def parameters(self, cell: str, label: str, line: int) -> list[dict[str, Any]]:
        items = _ITEM.findall(cell) or [cell]
        out: list[dict[str, Any]] = []
        for item in items:
            found = _PARAMETER.match(item)
            if found is None:
                self.problems.append(
                    warning(
                        self.where,
                        line,
                        1,
                        f"{label.lower()} entry '{_short(_text(item))}' is not"
                        " '<name> (<type>) – <description>'; left out",
                    )
                )
                continue
            parameter: dict[str, Any] = {"name": html.unescape(found["name"]).strip()}
            if found["type"]:
                parameter["type"] = html.unescape(found["type"]).strip()
            if found["description"]:
                parameter["description"] = _markdown(found["description"])
            out.append(parameter)
        return out

    def check(self, key: str, value: str, fields: dict[str, Any], line: int) -> None:
        """The table repeats the method and path of the route line: they must agree."""
        expected = fields["method"] if key == "method" else fields["api_path"]
        if value != expected:
            self.problems.append(
                warning(
                    self.where,
                    line,
                    1,
                    f"the table's {key} '{_short(value)}' differs from the route line's"
                    f" '{_short(expected)}'; the route line is used",
                )
            )


def _examples(
    lines: list[str], start: int, reader: _Reader
) -> tuple[dict[str, str], list[tuple[int, str]]]:
    """The example request and response (fenced blocks under an `Example` heading), and the
    lines that are neither (with their index)."""
    fields: dict[str, str] = {}
    leftovers: list[tuple[int, str]] = []
    index = start
    in_examples = False
    while index < len(lines):
        text = lines[index]
        heading = _HEADING.fullmatch(text.strip())
        fence = _FENCE.fullmatch(text.strip())
        if heading is not None:
            in_examples = heading.group(1).strip().lower() in ("example", "examples")
            if not in_examples:
                leftovers.append((index, text))
            index += 1
            continue
        if fence is not None and in_examples:
            marker = fence.group(1)
            end = index + 1
            while end < len(lines) and not lines[end].strip().startswith(marker):
                end += 1
            block = "\n".join(lines[index + 1 : end]).strip("\n")
            field = "example_response" if block.lstrip().startswith("HTTP/") else "example_request"
            if field in fields:
                reader.problems.append(
                    warning(
                        reader.where,
                        reader.body_line + index,
                        1,
                        f"a further {field.replace('_', ' ')}; only the first is used",
                    )
                )
            else:
                fields[field] = block
                reader.lines[field] = reader.body_line + index
            index = end + 1
            continue
        if text.strip():
            leftovers.append((index, text))
        index += 1
    return fields, leftovers


def _text(fragment: str, joiner: str = " ") -> str:
    """The text of an HTML fragment: tags dropped (`joiner` in their place), entities
    decoded, spaces collapsed."""
    return " ".join(html.unescape(re.sub(r"<[^>]*>", joiner, fragment)).split())


def _markdown(fragment: str) -> str:
    """An inline HTML fragment of the old pages as Markdown: code, emphasis, links."""
    text = re.sub(
        r"<code[^>]*>(.*?)</code>",
        lambda m: "`" + re.sub(r"<[^>]*>", "", m.group(1)) + "`",
        fragment,
        flags=re.DOTALL,
    )
    text = re.sub(r"<(?:em|cite|i)>(.*?)</(?:em|cite|i)>", r"*\1*", text, flags=re.DOTALL)
    text = re.sub(r"<(?:strong|b)>(.*?)</(?:strong|b)>", r"**\1**", text, flags=re.DOTALL)
    text = re.sub(r'<a\s[^>]*href="([^"]*)"[^>]*>(.*?)</a>', r"[\2](\1)", text, flags=re.DOTALL)
    text = re.sub(r"<[^>]*>", "", text)
    return " ".join(html.unescape(text).split())
