"""One recorded HTTP exchange, whatever recorded it (a HAR file, a test run's client), and
its text in a descriptor: raw HTTP, as `example_request` and `example_response` hold it."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from urllib.parse import urlsplit


@dataclass(frozen=True)
class Exchange:
    """A request and its response. Bodies are text (a binary body is left out by whoever
    made the exchange, with a warning); header names keep their case."""

    origin: str  # where it was recorded, for messages: `traffic.har: entry 12`
    method: str
    url: str
    request_headers: tuple[tuple[str, str], ...]
    request_body: str
    status: int
    reason: str
    response_headers: tuple[tuple[str, str], ...]
    response_body: str
    notes: tuple[str, ...] = field(default=())  # what was left out or changed on the way

    @property
    def host(self) -> str:
        return (urlsplit(self.url).hostname or "").lower()

    @property
    def path(self) -> str:
        return urlsplit(self.url).path or "/"

    @property
    def query(self) -> str:
        return urlsplit(self.url).query

    def header(self, name: str, *, response: bool = True) -> str | None:
        headers = self.response_headers if response else self.request_headers
        return next((v for k, v in headers if k.lower() == name.lower()), None)

    def response_json(self) -> object:
        """The response body parsed as JSON (None when it is not JSON)."""
        try:
            return json.loads(self.response_body) if self.response_body.strip() else None
        except ValueError:
            return None


# Headers that describe one transfer, not the API: never part of an example.
_TRANSFER_HEADERS = frozenset(
    {
        "connection",
        "keep-alive",
        "transfer-encoding",
        "content-encoding",
        "te",
        "trailer",
        "upgrade",
        "proxy-connection",
        "content-length",
    }
)


def request_text(exchange: Exchange) -> str:
    """The request as raw HTTP: request line (path and query), Host, headers, body."""
    target = exchange.path + (f"?{exchange.query}" if exchange.query else "")
    lines = [f"{exchange.method} {target} HTTP/1.1"]
    if not any(k.lower() == "host" for k, _ in exchange.request_headers):
        lines.append(f"Host: {urlsplit(exchange.url).netloc}")
    lines += _header_lines(exchange.request_headers, exchange.request_body)
    return "\n".join(lines) + (f"\n\n{exchange.request_body}" if exchange.request_body else "")


def response_text(exchange: Exchange) -> str:
    """The response as raw HTTP: status line, headers, body (JSON bodies pretty-printed, as
    the descriptors people write have them)."""
    body = _pretty(exchange.response_body, exchange.header("Content-Type") or "")
    lines = [f"HTTP/1.1 {exchange.status} {exchange.reason}".rstrip()]
    lines += _header_lines(exchange.response_headers, body)
    return "\n".join(lines) + (f"\n\n{body}" if body else "")


def _header_lines(headers: tuple[tuple[str, str], ...], body: str) -> list[str]:
    out = [
        f"{name}: {value}"
        for name, value in headers
        if name.lower() not in _TRANSFER_HEADERS and not name.startswith(":")
    ]
    if body:
        out.append(f"Content-Length: {len(body.encode('utf-8'))}")
    return out


def _pretty(body: str, media: str) -> str:
    if "json" not in media.lower() or not body.strip():
        return body
    try:
        return json.dumps(json.loads(body), indent=2, ensure_ascii=False)
    except ValueError:
        return body
