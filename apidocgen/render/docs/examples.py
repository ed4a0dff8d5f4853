"""The example HTTP messages of an endpoint: raw text split into start line, headers and
body, and example bodies cut to what a page can show."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

# An example body longer than this is shown in part on its page (openapi.json holds it all).
MAX_EXAMPLE_CHARS = 256 * 1024
MAX_EXAMPLE_LINES = 2_000


@dataclass(frozen=True)
class RawHttp:
    """A raw HTTP message split into its start line, headers and body (text)."""

    start: str
    headers: tuple[tuple[str, str], ...]
    body: str

    def header(self, name: str) -> str | None:
        for key, value in self.headers:
            if key.lower() == name.lower():
                return value
        return None


def parse_raw_http(text: str | None) -> RawHttp | None:
    """Split example text as the descriptor wrote it; None when there is none."""
    if not text or not text.strip():
        return None
    text = text.replace("\r\n", "\n").lstrip("\n")
    head, _, body = text.partition("\n\n")
    lines = head.split("\n")
    headers = []
    for line in lines[1:]:
        if ":" in line:
            key, _, value = line.partition(":")
            headers.append((key.strip(), value.strip()))
    return RawHttp(lines[0].strip(), tuple(headers), body)


def pretty_json(value: Any, limit: int) -> tuple[str, bool]:
    """`json.dumps(value, indent=2)`, or its first lines when it runs past `limit`
    characters (never built whole: a 50 MB body would be 250 MB of text)."""
    chunks: list[str] = []
    size = 0
    for chunk in json.JSONEncoder(indent=2, ensure_ascii=False).iterencode(value):
        chunks.append(chunk)
        size += len(chunk)
        if size > limit:
            return shortened("".join(chunks), limit)[0], True
    return "".join(chunks), False


def shortened(text: str, limit: int) -> tuple[str, bool]:
    """`text`, or its first whole lines up to `limit` characters and `MAX_EXAMPLE_LINES`
    lines; and whether it was cut."""
    cut = len(text) if len(text) <= limit else text.rfind("\n", 0, limit)
    cut = cut if cut > 0 else limit
    line_end = -1
    for _ in range(MAX_EXAMPLE_LINES):
        line_end = text.find("\n", line_end + 1, cut)
        if line_end < 0:
            break
    else:
        cut = line_end
    return text[:cut], cut < len(text)
