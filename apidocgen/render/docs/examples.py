"""The example HTTP messages of an endpoint as a page shows them (from what `http` parsed),
and example bodies cut to what a page can show."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from apidocgen.http import HttpRequest, HttpResponse

# An example body longer than this is shown in part on its page (openapi.json holds it all).
MAX_EXAMPLE_CHARS = 256 * 1024
MAX_EXAMPLE_LINES = 2_000


@dataclass(frozen=True)
class RawHttp:
    """An example HTTP message as shown: its start line as written, headers and body text."""

    start: str
    headers: tuple[tuple[str, str], ...]
    body: str

    @classmethod
    def of(cls, message: HttpRequest | HttpResponse | None) -> RawHttp | None:
        """The message `http` parsed (None: the operation has no such example)."""
        if message is None:
            return None
        headers = tuple((h.name, h.value) for h in message.headers.items)
        return cls(message.start, headers, message.body.text)

    def header(self, name: str) -> str | None:
        for key, value in self.headers:
            if key.lower() == name.lower():
                return value
        return None


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
