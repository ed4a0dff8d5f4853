"""Read HAR 1.2 files as browsers and recording tools write them.

What the format allows is read: response content as text or base64 (`encoding`), bodies still
compressed (`Content-Encoding: gzip` or `deflate`), `postData` as `text` or as `params`,
`_`-prefixed extension fields (ignored), missing optional fields, entries from many hosts.
What cannot be read is an error naming the file and entry (truncated JSON, no `log`, an entry
without a request or response); a body that is not text (an image) is left out of its
example, with a warning. Nothing here writes anything.
"""

from __future__ import annotations

import base64
import binascii
import json
import zlib
from collections.abc import Iterable
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlsplit

from apidocgen.capture.exchange import Exchange
from apidocgen.diagnostics import Diagnostic, error, warning

DEFAULT_MAX_HAR_BYTES = 64 * 1024 * 1024
_TEXT_MEDIA = ("json", "text/", "xml", "javascript", "x-www-form-urlencoded", "yaml", "csv")


def read_har(
    path: Path, *, shown: str | None = None, max_bytes: int = DEFAULT_MAX_HAR_BYTES
) -> tuple[list[Exchange], list[Diagnostic]]:
    """The exchanges of one HAR file, in file order, and what was wrong with it; on an error
    the exchanges are not to be used."""
    where = shown or str(path)
    try:
        size = path.stat().st_size
        if size > max_bytes:
            return [], [
                error(
                    where,
                    1,
                    1,
                    f"HAR file is {size / 1e6:.0f} MB, over the limit of {max_bytes / 1e6:.0f} MB"
                    " (--max-har-bytes raises it; or record fewer exchanges)",
                )
            ]
        raw = path.read_bytes()
    except OSError as exc:
        return [], [error(where, 1, 1, f"cannot read the HAR file: {exc.strerror or exc}")]
    try:
        document = json.loads(raw.decode("utf-8-sig"))
    except UnicodeDecodeError:
        return [], [error(where, 1, 1, "HAR file is not UTF-8 text")]
    except json.JSONDecodeError as exc:
        return [], [error(where, exc.lineno, exc.colno, f"HAR file is not valid JSON: {exc.msg}")]
    log = document.get("log") if isinstance(document, dict) else None
    if not isinstance(log, dict):
        return [], [error(where, 1, 1, "not a HAR file: no 'log' object")]
    entries = log.get("entries")
    if not isinstance(entries, list):
        return [], [error(where, 1, 1, "not a HAR file: 'log' has no 'entries' list")]
    exchanges: list[Exchange] = []
    problems: list[Diagnostic] = []
    for number, entry in enumerate(entries):
        origin = f"{where}: entry {number}"
        found, messages = _exchange(entry, origin)
        for severity, message in messages:
            make = error if severity == "error" else warning
            problems.append(make(where, 1, 1, f"entry {number}: {message}"))
        if found is not None:
            exchanges.append(found)
    return exchanges, problems


def _exchange(entry: Any, origin: str) -> tuple[Exchange | None, list[tuple[str, str]]]:
    if not isinstance(entry, dict):
        return None, [("error", "is not an object")]
    request, response = entry.get("request"), entry.get("response")
    if not isinstance(request, dict):
        return None, [("error", "has no request")]
    if not isinstance(response, dict):
        return None, [("error", "has no response (the request never completed?)")]
    method, url = request.get("method"), request.get("url")
    if not isinstance(method, str) or not method.strip() or not isinstance(url, str):
        return None, [("error", "request has no method or URL")]
    if urlsplit(url).scheme not in ("http", "https"):
        return None, [("warning", f"not an HTTP exchange ({_short(url)}); skipped")]
    status = response.get("status")
    if not isinstance(status, int) or isinstance(status, bool) or status <= 0:
        # Browsers record a request that failed (blocked, aborted) with status 0.
        return None, [
            ("warning", f"{method} {_short(url)} got no response (status {status}); skipped")
        ]
    messages: list[tuple[str, str]] = []
    request_headers = _headers(request.get("headers"))
    response_headers = _headers(response.get("headers"))
    request_body = _post_data(request.get("postData"), messages)
    response_body = _content(response.get("content"), response_headers, messages)
    return (
        Exchange(
            origin=origin,
            method=method.strip().upper(),
            url=url,
            request_headers=request_headers,
            request_body=request_body,
            status=status,
            reason=str(response.get("statusText") or ""),
            response_headers=response_headers,
            response_body=response_body,
            notes=tuple(message for _, message in messages),
        ),
        messages,
    )


def _headers(items: Any) -> tuple[tuple[str, str], ...]:
    out = []
    for item in items if isinstance(items, list) else []:
        if isinstance(item, dict) and isinstance(item.get("name"), str):
            out.append((item["name"], str(item.get("value") or "")))
    return tuple(out)


def _post_data(data: Any, messages: list[tuple[str, str]]) -> str:
    if not isinstance(data, dict):
        return ""
    text = data.get("text")
    if isinstance(text, str) and text:
        if data.get("encoding") == "base64":
            decoded = _base64(text)
            return _as_text(decoded, str(data.get("mimeType") or ""), "request", messages)
        return text
    params = data.get("params")
    if isinstance(params, list) and params:
        pairs = [
            (str(p.get("name")), str(p.get("value") or ""))
            for p in params
            if isinstance(p, dict) and p.get("name") is not None
        ]
        if any(isinstance(p, dict) and p.get("fileName") for p in params):
            messages.append(("warning", "request form has file fields; their content is left out"))
        return urlencode(pairs)
    return ""


def _content(
    content: Any, headers: Iterable[tuple[str, str]], messages: list[tuple[str, str]]
) -> str:
    if not isinstance(content, dict):
        return ""
    text = content.get("text")
    if not isinstance(text, str) or not text:
        size = _recorded_size(content, headers)
        if size:
            # Saved without content (a browser's "without content" export, or a response
            # still arriving when the recording stopped): say so, the example has no body.
            messages.append(
                ("warning", f"response body ({size} bytes) is not in the HAR; left out")
            )
        return ""
    media = str(content.get("mimeType") or "")
    if content.get("encoding") != "base64":
        return text
    data = _base64(text)
    if data is None:
        messages.append(("warning", "response body is not valid base64; left out"))
        return ""
    encoding = next((v.lower() for k, v in headers if k.lower() == "content-encoding"), "")
    data = _decompressed(data, encoding)
    return _as_text(data, media, "response", messages)


def _recorded_size(content: dict[str, Any], headers: Iterable[tuple[str, str]]) -> int:
    """The size a response body had, as the HAR tells it (content.size, else Content-Length);
    0 when it does not, or had none."""
    size = content.get("size")
    if isinstance(size, int) and not isinstance(size, bool) and size > 0:
        return size
    length = next((v.strip() for k, v in headers if k.lower() == "content-length"), "")
    return int(length) if length.isdigit() else 0


def _base64(text: str) -> bytes | None:
    try:
        return base64.b64decode(text, validate=False)
    except (binascii.Error, ValueError):
        return None


def _decompressed(data: bytes, encoding: str) -> bytes:
    """Bodies some tools record as sent on the wire, still gzip- or deflate-compressed."""
    if data[:2] == b"\x1f\x8b" or "gzip" in encoding:
        try:
            return zlib.decompress(data, 16 + zlib.MAX_WBITS)
        except zlib.error:
            return data
    if "deflate" in encoding:
        for wbits in (zlib.MAX_WBITS, -zlib.MAX_WBITS):
            try:
                return zlib.decompress(data, wbits)
            except zlib.error:
                continue
    return data


def _as_text(data: bytes | None, media: str, which: str, messages: list[tuple[str, str]]) -> str:
    if data is None:
        return ""
    textual = any(marker in media.lower() for marker in _TEXT_MEDIA) or not media
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        textual = False
        text = ""
    if not textual or "\x00" in text:
        kind = media or "binary"
        messages.append(
            ("warning", f"{which} body is not text ({kind}, {len(data)} bytes); left out")
        )
        return ""
    return text


def _short(text: str, limit: int = 80) -> str:
    return text if len(text) <= limit else text[: limit - 3] + "..."
