"""`apidocgen mock`: replay the documented example responses over HTTP.

`ReplayServer` answers each operation of the API model with the example response of its
descriptor: status, headers and body as documented, except that
`Content-Length` is recomputed, hop-by-hop headers are dropped and the host of every absolute
`Link` URL becomes the mock's own, so a client can follow pagination locally. A request is
matched by method and path template, each `{param}` matching exactly one (still
percent-encoded) path segment; anything else gets a 404 (or 405) JSON answer.

Operations without a success example answer a default, `204 No Content` (the example's own
status when it gives only a status line): those whose example is empty or missing, and those
whose example captured an error. An error example is served on request, with the header
`Prefer: code=<status>` (as Prism does); asking for a status no example has gets a 404 whose
JSON `detail` says so. A descriptor's further examples (`examples`) are served on request by
name, `Prefer: example=<name>` (quoted when it has spaces: `example="not found"`), and by
status; the default answer is the first success example. `serve` lists the operations that
answer the default.

Tests use the class directly (`with ReplayServer(api) as server: server.url`), the command
line uses `serve`.
"""

from __future__ import annotations

import json
import re
import socket
import sys
import threading
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from apidocgen.config import Config
from apidocgen.http import parse_link_header
from apidocgen.model import Api, Examples
from apidocgen.paths import literal_length, template_regex

# Headers that describe one connection or one encoding of the body, not the example.
_DROPPED_HEADERS = frozenset(
    {
        "content-length",
        "transfer-encoding",
        "connection",
        "keep-alive",
        "content-encoding",
        "date",
        "server",
    }
)
_MAX_REQUEST_BYTES = 16 * 1024 * 1024


@dataclass(frozen=True)
class Reply:
    """A canned response."""

    status: int
    headers: tuple[tuple[str, str], ...]
    body: bytes


# The answer of an operation without a success example.
DEFAULT_REPLY = Reply(204, (), b"")


@dataclass(frozen=True)
class Route:
    """One operation: method, path template (as a regex over raw segments) and its replies."""

    method: str
    template: str
    pattern: re.Pattern[str]
    reply: Reply  # the default answer
    literal_length: int  # more literal text wins when two templates match
    operation_id: str = ""
    by_status: tuple[tuple[int, Reply], ...] = ()  # every example, for `Prefer: code=N`
    defaulted: bool = False  # `reply` is DEFAULT_REPLY: no success example is documented
    by_name: tuple[tuple[str, Reply], ...] = ()  # further examples, for `Prefer: example=`

    def for_status(self, status: int) -> Reply | None:
        """The example with this status, if the operation documents one."""
        return next((reply for code, reply in self.by_status if code == status), None)


def build_routes(api: Api) -> list[Route]:
    """Every routed operation of the API with the replies its example describes."""
    routes: list[Route] = []
    for operation in api.routed:
        path = operation.path or "/"
        example = example_reply(operation.examples)
        named = [
            (extra.name, reply)
            for extra in operation.more_examples
            if (reply := example_reply(extra.examples)) is not None
        ]
        every = ([example] if example is not None else []) + [reply for _, reply in named]
        first_success = next((reply for reply in every if reply.status < 400), None)
        by_status: dict[int, Reply] = {}
        for reply in every:
            by_status.setdefault(reply.status, reply)
        routes.append(
            Route(
                method=operation.method,
                template=path,
                pattern=template_regex(path),
                reply=first_success or DEFAULT_REPLY,
                literal_length=literal_length(path),
                operation_id=operation.operation_id,
                by_status=tuple(by_status.items()),
                defaulted=first_success is None,
                by_name=tuple(named),
            )
        )
    routes.sort(key=lambda r: (-r.literal_length, r.template, r.method))
    return routes


def example_reply(examples: Examples) -> Reply | None:
    """An example response as a reply (None: there is none)."""
    parsed = examples.response
    if parsed is None:
        return None
    headers = tuple(
        (h.name, h.value) for h in parsed.headers.items if h.name.lower() not in _DROPPED_HEADERS
    )
    body = b"" if parsed.status in (204, 304) else parsed.body.text.encode("utf-8")
    if body and not any(name.lower() == "content-type" for name, _ in headers):
        kind = "application/json" if parsed.body.is_structured else "text/plain; charset=utf-8"
        headers += (("Content-Type", kind),)
    return Reply(parsed.status, headers, body)


def rewrite_link_header(value: str, base_url: str) -> str:
    """Point every absolute URL of a `Link` header at `base_url` (scheme, host and port)."""
    base = urlsplit(base_url)

    def rewrite(match: re.Match[str]) -> str:
        url = urlsplit(match.group(1))
        if not url.scheme or not url.netloc:
            return match.group(0)
        return "<" + urlunsplit((base.scheme, base.netloc, url.path, url.query, url.fragment)) + ">"

    return re.sub(r"<([^<>]*)>", rewrite, value)


def last_page_links(value: str, request_target: str) -> str:
    """The `Link` header for a request that followed the example's own `rel="next"` link.

    The mock has one example per operation: it serves it as the first page and, to whoever
    follows its next link, as the last page (the next link dropped), so that a client's
    pagination ends instead of looping.
    """
    links = parse_link_header(value)
    following = any(
        "next" in link.rel.split() and _target(link.url) == request_target for link in links
    )
    if not following:
        return value
    kept = [link for link in links if "next" not in link.rel.split()]
    return ", ".join(
        "; ".join([f"<{link.url}>", f'rel="{link.rel}"', *(f'{k}="{v}"' for k, v in link.params)])
        for link in kept
    )


def _target(url: str) -> str:
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


class ReplayServer:
    """A threaded HTTP server replaying an OpenAPI document's examples.

    Use it as a context manager (it serves from a background thread), or call
    `serve_forever()` in the foreground. Port 0 picks a free port; `url` tells which.
    """

    def __init__(
        self,
        api: Api,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        log_requests: bool = False,
    ) -> None:
        self.routes = build_routes(api)
        server_url = api.server
        self.base_path = urlsplit(server_url).path.rstrip("/") if "://" in server_url else ""
        self.log_requests = log_requests
        handler = _handler_class(self)
        server_class = _IPv6Server if ":" in host else _Server
        self.httpd = server_class((host, port), handler)
        self.httpd.daemon_threads = True
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        """The base URL the server answers on, e.g. `http://127.0.0.1:4010`."""
        host, port = self.httpd.server_address[:2]
        host = str(host)
        return f"http://[{host}]:{port}" if ":" in host else f"http://{host}:{port}"

    def match(
        self, method: str, raw_path: str, prefer: str | None = None
    ) -> tuple[Reply, str | None]:
        """The reply for a request, and the template it matched (None: no operation did).

        `prefer` is the request's `Prefer` header: `code=<status>` asks for the example with
        that status instead of the default reply."""
        path = raw_path.split("?", 1)[0].split("#", 1)[0]
        candidates = [path]
        if self.base_path and path.startswith(self.base_path + "/"):
            candidates.insert(0, path[len(self.base_path) :])
        allowed: set[str] = set()
        for candidate in candidates:
            for route in self.routes:
                if route.pattern.fullmatch(candidate):
                    if route.method == method or (method == "HEAD" and route.method == "GET"):
                        return _preferred(route, prefer), route.template
                    allowed.add(route.method)
        if allowed:
            detail = f"{method} is not documented for this path; documented: {', '.join(sorted(allowed))}"
            headers = (("Content-Type", "application/json"), ("Allow", ", ".join(sorted(allowed))))
            return Reply(405, headers, json.dumps({"detail": detail}).encode()), None
        detail = f"no documented operation matches {method} {path}"
        return Reply(
            404, (("Content-Type", "application/json"),), json.dumps({"detail": detail}).encode()
        ), None

    def serve_forever(self) -> None:
        """Serve in this thread until `shutdown()` (or Ctrl-C)."""
        self.httpd.serve_forever()

    def start(self) -> ReplayServer:
        """Serve from a background thread."""
        self._thread = threading.Thread(
            target=self.httpd.serve_forever, args=(0.05,), name="apidocgen-mock", daemon=True
        )
        self._thread.start()
        return self

    def shutdown(self) -> None:
        """Stop serving and close the socket."""
        if self._thread is not None:
            self.httpd.shutdown()
            self._thread.join()
            self._thread = None
        self.httpd.server_close()

    def __enter__(self) -> ReplayServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.shutdown()


def _preferred(route: Route, prefer: str | None) -> Reply:
    name = re.search(r'(?:^|[;,\s])example=(?:"([^"]*)"|([^;,\s]+))', prefer or "")
    if name is not None:
        asked = (name.group(1) if name.group(1) is not None else name.group(2)).lower()
        found = next((reply for label, reply in route.by_name if label.lower() == asked), None)
        if found is not None:
            return found
        documented = ", ".join(f'"{label}"' for label, _ in route.by_name) or "none"
        detail = (
            f"no example named {asked!r} is documented for"
            f" {route.operation_id or route.template} (named examples: {documented})"
        )
        return Reply(
            404, (("Content-Type", "application/json"),), json.dumps({"detail": detail}).encode()
        )
    wanted = re.search(r"(?:^|[;,\s])code=(\d{3})\b", prefer or "")
    if wanted is None:
        return route.reply
    reply = route.for_status(int(wanted.group(1)))
    if reply is not None:
        return reply
    documented = ", ".join(str(code) for code, _ in route.by_status) or "none"
    detail = (
        f"no example with status {wanted.group(1)} is documented for "
        f"{route.operation_id or route.template} (documented: {documented})"
    )
    return Reply(
        404, (("Content-Type", "application/json"),), json.dumps({"detail": detail}).encode()
    )


class _Server(ThreadingHTTPServer):
    def handle_error(self, request: Any, client_address: Any) -> None:
        """One line, not a traceback, when a client hangs up mid-answer."""
        error = sys.exc_info()[1]
        sys.stderr.write(f"apidocgen mock: {client_address[0]}: {type(error).__name__}: {error}\n")


class _IPv6Server(_Server):
    address_family = socket.AF_INET6


def _handler_class(server: ReplayServer) -> type[BaseHTTPRequestHandler]:
    class ReplayHandler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        server_version = "apidocgen-mock"

        def _answer(self) -> None:
            self._drain_body()
            reply, _ = server.match(self.command, self.path, self.headers.get("Prefer"))
            self.send_response(reply.status)
            for name, value in reply.headers:
                if name.lower() == "link":
                    value = last_page_links(rewrite_link_header(value, server.url), self.path)
                    if not value:
                        continue
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(reply.body)))
            self.end_headers()
            if self.command != "HEAD" and reply.body:
                self.wfile.write(reply.body)

        def _drain_body(self) -> None:
            length = self.headers.get("Content-Length")
            if length and length.isdigit():
                remaining = min(int(length), _MAX_REQUEST_BYTES)
                while remaining > 0:
                    chunk = self.rfile.read(min(remaining, 65536))
                    if not chunk:
                        break
                    remaining -= len(chunk)

        do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = do_OPTIONS = do_TRACE = _answer

        def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - stdlib signature
            if server.log_requests:
                sys.stderr.write(f"{self.address_string()} {format % args}\n")

    return ReplayHandler


def defaulted_summary(routes: list[Route]) -> str:
    """The lines `serve` prints about operations that answer the default reply."""
    missing = [r for r in routes if r.defaulted and not r.by_status]
    errors = [r for r in routes if r.defaulted and r.by_status]
    lines: list[str] = []
    if missing:
        lines.append(
            f"apidocgen mock: {len(missing)} operation(s) have no example response and answer "
            "204 No Content:"
        )
        lines += [f"  {r.method} {r.template} ({r.operation_id})" for r in _sorted(missing)]
    if errors:
        lines.append(
            f"apidocgen mock: {len(errors)} operation(s) have only an error example and answer "
            "204 No Content; send `Prefer: code=<status>` for the example:"
        )
        lines += [
            f"  {r.method} {r.template} ({r.operation_id}): {r.by_status[0][0]}"
            for r in _sorted(errors)
        ]
    return "".join(line + "\n" for line in lines)


def _sorted(routes: list[Route]) -> list[Route]:
    return sorted(routes, key=lambda r: (r.template, r.method))


def serve(config: Config, host: str, port: int) -> int:
    """Run the pipeline in memory and replay its examples on host:port until Ctrl-C."""
    from apidocgen.pipeline import run

    result = run(config)
    for diagnostic in result.diagnostics:
        if diagnostic.severity == "error":
            print(diagnostic.format(), file=sys.stderr)
    if result.failed or result.api is None:
        print("apidocgen: mock: the descriptors have errors; nothing to serve", file=sys.stderr)
        return 1
    try:
        server = ReplayServer(result.api, host=host, port=port, log_requests=True)
    except OSError as exc:
        print(
            f"apidocgen: mock: cannot listen on {host}:{port}: {exc.strerror or exc}",
            file=sys.stderr,
        )
        return 1
    print(
        f"apidocgen mock: {len(server.routes)} operations on {server.url} (Ctrl-C to stop)",
        flush=True,
    )
    print(defaulted_summary(server.routes), end="", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        print("apidocgen mock: stopped", flush=True)
    finally:
        server.httpd.server_close()
    return 0
