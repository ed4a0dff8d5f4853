"""`Link` headers (RFC 8288): their values split into links, and a response's next page."""

from __future__ import annotations

from apidocgen.http.records import HttpResponse, Link


def parse_link_header(value: str) -> list[Link]:
    """Parse an RFC 8288 `Link` header value into its links (lenient about spacing)."""
    links: list[Link] = []
    for part in _split_link_values(value):
        part = part.strip()
        if not part.startswith("<") or ">" not in part:
            continue
        url, _, rest = part[1:].partition(">")
        rel = ""
        params: list[tuple[str, str]] = []
        for piece in _split_outside_quotes(rest, ";"):
            key, eq, val = piece.strip().partition("=")
            key = key.strip().lower()
            if not key:
                continue
            val = val.strip()
            if len(val) >= 2 and val[0] == val[-1] == '"':
                val = val[1:-1]
            if key == "rel":
                rel = val
            else:
                params.append((key, val if eq else ""))
        links.append(Link(url.strip(), rel, tuple(params)))
    return links


def _split_link_values(value: str) -> list[str]:
    """Split on commas that are outside `<...>` and quotes."""
    return _split_outside(value, ",", angles=True)


def _split_outside_quotes(text: str, sep: str) -> list[str]:
    return _split_outside(text, sep, angles=False)


def _split_outside(text: str, sep: str, *, angles: bool) -> list[str]:
    """Split on `sep` outside quotes (and, with `angles`, outside `<...>`)."""
    parts: list[str] = []
    current: list[str] = []
    in_angle = in_quote = False
    for char in text:
        if angles and char == "<" and not in_quote:
            in_angle = True
        elif angles and char == ">" and not in_quote:
            in_angle = False
        elif char == '"' and not in_angle:
            in_quote = not in_quote
        if char == sep and not in_angle and not in_quote:
            parts.append("".join(current))
            current = []
        else:
            current.append(char)
    parts.append("".join(current))
    return parts


def next_link(response: HttpResponse) -> Link | None:
    """The `rel="next"` link of a paginated response, if any."""
    for link in response.links:
        if "next" in link.rel.split():
            return link
    return None
