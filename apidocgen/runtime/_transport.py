"""Sending calls: the machinery shared by `Client` and `AsyncClient`.

- The token goes only into the `Authorization: Bearer` header, and only to the API's own
  origin (the scheme, host and port of the base URL). It is held in a `Secret`, whose repr
  hides it, and it is blanked out of every error message and log line.
- Every attempt builds its request anew (file objects are rewound first), so a retry sends
  exactly what the first attempt sent; retries follow `_retries`.
- Redirects: GET, HEAD and OPTIONS follow 301, 302, 303, 307 and 308 answers (at most
  `MAX_REDIRECTS` in a row), and a redirect to another origin is followed without the
  token. Any other method, or a 3xx without a `Location`, raises `RedirectError`: a call
  never returns a 3xx as if it had succeeded.
- Logging goes to the logger named after the package: each attempt at DEBUG (method, URL,
  status, time taken), each retry at INFO.
"""

from __future__ import annotations

import logging
import os
import re
import time
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Generic, TypeVar

import httpx

from ._constants import BASE_URL_ENV, DEFAULT_BASE_URL, PACKAGE, TOKEN_ENV, USER_AGENT
from ._errors import (
    APIConnectionError,
    APIError,
    APIStatusError,
    APITimeoutError,
    error_class_for,
)
from ._raw import wants_raw
from ._request import (
    NOT_GIVEN,
    NotGiven,
    RequestOptions,
    Timeout,
    encode_path,
    encode_query,
    rewind,
    rewind_points,
    to_jsonable,
)
from ._response import APIResponse, decode_body, describe
from ._retries import (
    IDEMPOTENT_METHODS,
    MAX_REDIRECTS,
    REDIRECT_STATUSES,
    RETRY_ERRORS,
    SAFE_METHODS,
    backoff,
    retry_after,
    retryable_status,
)

if TYPE_CHECKING:
    from typing_extensions import Self

__all__ = [
    "DEFAULT_MAX_RETRIES",
    "DEFAULT_TIMEOUT",
    "AsyncAPIClient",
    "BaseAPIClient",
    "Secret",
    "SyncAPIClient",
    "redact",
]

DEFAULT_TIMEOUT = 60.0
DEFAULT_MAX_RETRIES = 2
REDACTED = "**********"

_logger = logging.getLogger(PACKAGE)
_HttpT = TypeVar("_HttpT", httpx.Client, httpx.AsyncClient)
# Characters that can be part of a token: a short token is blanked out only where it
# stands alone, never inside a longer word.
_TOKEN_CHARS = r"A-Za-z0-9._~+/=-"
_SHORT_TOKEN = 8


def _sleep(seconds: float) -> None:
    """Wait before a retry (a function of its own, so that tests can count the waits)."""
    time.sleep(seconds)


async def _async_sleep(seconds: float) -> None:
    import anyio

    await anyio.sleep(seconds)


class Secret:
    """A token that does not show itself in reprs, logs or tracebacks."""

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        self._value = value

    def reveal(self) -> str:
        """The token itself, for the Authorization header."""
        return self._value

    def __repr__(self) -> str:
        return f"Secret('{REDACTED}')"

    __str__ = __repr__

    def __reduce__(self) -> Any:
        raise TypeError("a Secret cannot be pickled")


def redact(text: str, secret: Secret | None) -> str:
    """`text` with every occurrence of the token blanked out.

    A token of fewer than eight characters is blanked out only where it stands alone (not
    inside a longer word), so that a short token does not mangle the rest of the text.
    """
    if secret is None or not secret.reveal():
        return text
    token = secret.reveal()
    if len(token) >= _SHORT_TOKEN:
        return text.replace(token, REDACTED)
    alone = rf"(?<![{_TOKEN_CHARS}]){re.escape(token)}(?![{_TOKEN_CHARS}])"
    return re.sub(alone, REDACTED, text)


@dataclass
class _Call:
    """One call in flight: where it goes now, and the retries and redirects it used."""

    options: RequestOptions
    retries: int  # retries allowed
    rewind: list[tuple[Any, int]] = field(default_factory=list)
    attempt: int = 0  # retries made
    redirects: int = 0
    visited: set[str] = field(default_factory=set)
    idempotency_key: str | None = None


@dataclass(frozen=True)
class _Again:
    """Send the call again (a retry, or a redirect to follow) after `wait` seconds."""

    wait: float = 0.0


class BaseAPIClient(Generic[_HttpT]):
    """Settings and request building shared by the sync and the async client (each with
    its own kind of httpx client, `_HttpT`)."""

    base_url: str
    timeout: Timeout
    max_retries: int
    retry_non_idempotent: bool
    strict: bool
    default_headers: dict[str, str]
    idempotency_header: str | None
    _http: _HttpT

    def __init__(
        self,
        *,
        base_url: str | None = None,
        token: str | None = None,
        timeout: Timeout = DEFAULT_TIMEOUT,
        max_retries: int = DEFAULT_MAX_RETRIES,
        retry_non_idempotent: bool = False,
        default_headers: Mapping[str, str] | None = None,
        strict: bool = False,
        idempotency_header: str | None = None,
        http_client: _HttpT | None = None,
    ) -> None:
        if max_retries < 0:
            raise ValueError("max_retries must be 0 or more")
        base_url = base_url or os.environ.get(BASE_URL_ENV) or DEFAULT_BASE_URL
        if not base_url.startswith(("http://", "https://")):
            raise ValueError(
                f"base_url is required: pass base_url=... or set ${BASE_URL_ENV} "
                "(the API description names no server URL)"
            )
        self.base_url = base_url.rstrip("/")
        if token is None:
            token = os.environ.get(TOKEN_ENV) or None
        self._token = Secret(token) if token else None
        self.timeout = timeout
        self.max_retries = max_retries
        self.retry_non_idempotent = retry_non_idempotent
        self.default_headers = dict(default_headers or {})
        self.strict = strict
        self.idempotency_header = idempotency_header
        self._owns_http = http_client is None
        self._http = http_client if http_client is not None else self._new_http(timeout)

    def _new_http(self, timeout: Timeout) -> _HttpT:
        """The httpx client to use when the caller supplied none."""
        raise NotImplementedError

    @property
    def is_closed(self) -> bool:
        """True once the underlying httpx client is closed."""
        return self._http.is_closed

    def with_options(
        self,
        *,
        base_url: str | NotGiven = NOT_GIVEN,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        max_retries: int | NotGiven = NOT_GIVEN,
        retry_non_idempotent: bool | NotGiven = NOT_GIVEN,
        default_headers: Mapping[str, str] | NotGiven = NOT_GIVEN,
        strict: bool | NotGiven = NOT_GIVEN,
        idempotency_header: str | None | NotGiven = NOT_GIVEN,
    ) -> Self:
        """A client with some settings changed, sharing this one's connections and token."""
        settings: dict[str, Any] = {
            "base_url": self.base_url,
            "timeout": self.timeout,
            "max_retries": self.max_retries,
            "retry_non_idempotent": self.retry_non_idempotent,
            "default_headers": self.default_headers,
            "strict": self.strict,
            "idempotency_header": self.idempotency_header,
        }
        changes = {
            "base_url": base_url,
            "timeout": timeout,
            "max_retries": max_retries,
            "retry_non_idempotent": retry_non_idempotent,
            "default_headers": default_headers,
            "strict": strict,
            "idempotency_header": idempotency_header,
        }
        settings.update(
            {k: v for k, v in changes.items() if not isinstance(v, NotGiven)}
        )
        clone = type(self)(**settings, http_client=self._http)
        clone._token = self._token
        return clone

    def __repr__(self) -> str:
        return f"{type(self).__name__}(base_url={self.base_url!r})"

    # -- one call --------------------------------------------------------------------------

    def _start(self, options: RequestOptions) -> _Call:
        method = options.method.upper()
        retries = self.max_retries
        key = None
        if method not in IDEMPOTENT_METHODS:
            if self.idempotency_header:
                key = f"apidocgen-retry-{uuid.uuid4()}"  # the same key on every attempt
            elif not self.retry_non_idempotent:
                retries = 0
        points = rewind_points(options.files) if options.files is not None else []
        if points is None:  # a stream that cannot be sent twice
            points, retries = [], 0
        return _Call(options, retries, points, idempotency_key=key)

    def _build(self, call: _Call) -> httpx.Request:
        options = call.options
        if options.path_params is None and "://" in options.path:
            url = options.path
        else:
            url = self.base_url + encode_path(options.path, options.path_params or {})
        same_origin = self._same_origin(url)
        if not same_origin and call.redirects == 0 and self._token is not None:
            # A next-page link to another origin: refuse rather than call it without the
            # token (a redirect is another matter: the server itself sent us there).
            raise APIError(
                f"refusing to send the token to another origin: {self._redact(url)}"
            )
        rewind(call.rewind)
        query = encode_query(options.query)
        query += encode_query(list((options.extra_query or {}).items()))
        return self._http.build_request(
            options.method,
            url,
            params=query or None,
            json=to_jsonable(options.json) if options.has_json else None,
            files=options.files,
            data=options.data,
            content=options.content,
            headers=self._headers(call, same_origin),
            timeout=self.timeout
            if isinstance(options.timeout, NotGiven)
            else options.timeout,
        )

    def _headers(self, call: _Call, same_origin: bool) -> httpx.Headers:
        options = call.options
        headers = httpx.Headers(
            {"Accept": "application/json", "User-Agent": USER_AGENT}
        )
        if options.content_type is not None:
            headers["Content-Type"] = options.content_type
        if self._token is not None:
            headers["Authorization"] = f"Bearer {self._token.reveal()}"
        headers.update(self.default_headers)
        headers.update(options.extra_headers or {})
        if call.idempotency_key is not None and self.idempotency_header:
            headers[self.idempotency_header] = call.idempotency_key
        if not same_origin:
            headers.pop("Authorization", None)
        return headers

    def _same_origin(self, url: str) -> bool:
        base = httpx.URL(self.base_url)
        target = httpx.URL(url)
        return (base.scheme, base.host, base.port) == (
            target.scheme,
            target.host,
            target.port,
        )

    def _after_failure(
        self, call: _Call, exc: httpx.TransportError, request: httpx.Request
    ) -> float:
        """The wait before the next attempt after a transport error; raises when the call
        has no retry left (or the error is not worth one)."""
        if call.attempt < call.retries and isinstance(exc, RETRY_ERRORS):
            wait = backoff(call.attempt)
            call.attempt += 1
            _logger.info(
                "Retrying %s %s in %.2f s (%s)",
                request.method,
                self._redact(str(request.url)),
                wait,
                type(exc).__name__,
            )
            return wait
        raise self._connection_error(exc, request, call.options.operation) from None

    def _after_response(
        self, call: _Call, response: httpx.Response, started: float
    ) -> _Again | None:
        """None when `response` is the call's answer; `_Again` to send the call again (a
        retry, a redirect); raises for a status that is not a success."""
        request = response.request
        status = response.status_code
        _logger.debug(
            "%s %s -> %d %s (%.0f ms)",
            request.method,
            self._redact(str(request.url)),
            status,
            response.reason_phrase,
            (time.monotonic() - started) * 1000,
        )
        if 300 <= status < 400:
            return self._redirect(call, response)
        if retryable_status(status) and call.attempt < call.retries:
            wait = retry_after(response.headers)
            wait = backoff(call.attempt) if wait is None else wait
            call.attempt += 1
            _logger.info(
                "Retrying %s %s in %.2f s (%d %s)",
                request.method,
                self._redact(str(request.url)),
                wait,
                status,
                response.reason_phrase,
            )
            return _Again(wait)
        if response.is_error:
            raise self._status_error(response, call.options.operation)
        return None

    def _redirect(self, call: _Call, response: httpx.Response) -> _Again:
        location = response.headers.get("location")
        method = response.request.method.upper()
        if status_reason := _redirect_refusal(method, response.status_code, location):
            raise self._status_error(response, call.options.operation, status_reason)
        assert location is not None
        target = str(response.url.join(location))
        call.visited.add(str(response.url))
        if call.redirects >= MAX_REDIRECTS or target in call.visited:
            raise self._status_error(
                response,
                call.options.operation,
                "too many redirects (or a redirect loop)",
            )
        call.redirects += 1
        call.options = call.options.follow(target)
        _logger.debug("Following the redirect to %s", self._redact(target))
        return _Again()

    def _strict(self, options: RequestOptions) -> bool:
        return self.strict if options.strict is None else options.strict

    def _api_response(self, call: _Call, response: httpx.Response) -> APIResponse[Any]:
        options = call.options
        return APIResponse(
            response,
            options.cast_to,
            operation=options.operation,
            strict=self._strict(options),
        )

    def _redact(self, text: str) -> str:
        return redact(text, self._token)

    def _status_error(
        self, response: httpx.Response, operation: str, detail: str | None = None
    ) -> APIStatusError:
        body = decode_body(response)
        message = describe(response, operation)
        if detail is None:
            detail = body if isinstance(body, str) else None
            if isinstance(body, dict):
                for key in ("detail", "message", "error", "error_description"):
                    if isinstance(body.get(key), str):
                        detail = body[key]
                        break
        if detail:
            message += f": {detail[:500]}"
        return error_class_for(response.status_code)(
            self._redact(message), response=response, body=body
        )

    def _connection_error(
        self, exc: httpx.TransportError, request: httpx.Request, operation: str
    ) -> APIError:
        where = f"{operation}: " if operation else ""
        where += f"{request.method} {request.url}"
        if isinstance(exc, httpx.TimeoutException):
            return APITimeoutError(
                self._redact(f"Request timed out: {where}"), request=request
            )
        reason = self._redact(str(exc))[:300]
        return APIConnectionError(
            self._redact(f"Connection error: {where}: {type(exc).__name__}: {reason}"),
            request=request,
        )


def _redirect_refusal(method: str, status: int, location: str | None) -> str | None:
    """Why a 3xx answer is not followed, or None when it is."""
    if status not in REDIRECT_STATUSES:
        return "a 3xx answer that is not a redirect to follow"
    if not location:
        return "a redirect without a Location header"
    if method not in SAFE_METHODS:
        return f"redirected to {location}; a {method} request is not re-sent elsewhere"
    return None


class SyncAPIClient(BaseAPIClient[httpx.Client]):
    """The blocking transport: an `httpx.Client`, retries, redirects, parsing."""

    def _new_http(self, timeout: Timeout) -> httpx.Client:
        return httpx.Client(timeout=timeout)

    def close(self) -> None:
        """Close the connection pool (unless the caller supplied the `httpx.Client`)."""
        if self._owns_http:
            self._http.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def _request(self, options: RequestOptions) -> Any:
        response = self._send(options)
        return response if wants_raw() else response.parse()

    def _send(self, options: RequestOptions) -> APIResponse[Any]:
        call = self._start(options)
        while True:
            request = self._build(call)
            started = time.monotonic()
            try:
                response = self._http.send(request, follow_redirects=False)
            except httpx.TransportError as exc:
                _sleep(self._after_failure(call, exc, request))
                continue
            again = self._after_response(call, response, started)
            if again is None:
                return self._api_response(call, response)
            response.close()
            if again.wait > 0:
                _sleep(again.wait)


class AsyncAPIClient(BaseAPIClient[httpx.AsyncClient]):
    """The asynchronous transport: an `httpx.AsyncClient`, retries, redirects, parsing."""

    def _new_http(self, timeout: Timeout) -> httpx.AsyncClient:
        return httpx.AsyncClient(timeout=timeout)

    async def aclose(self) -> None:
        """Close the connection pool (unless the caller supplied the `httpx.AsyncClient`)."""
        if self._owns_http:
            await self._http.aclose()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()

    async def _request(self, options: RequestOptions) -> Any:
        response = await self._send(options)
        return response if wants_raw() else response.parse()

    async def _send(self, options: RequestOptions) -> APIResponse[Any]:
        call = self._start(options)
        while True:
            request = self._build(call)
            started = time.monotonic()
            try:
                response = await self._http.send(request, follow_redirects=False)
            except httpx.TransportError as exc:
                await _async_sleep(self._after_failure(call, exc, request))
                continue
            again = self._after_response(call, response, started)
            if again is None:
                return self._api_response(call, response)
            await response.aclose()
            if again.wait > 0:
                await _async_sleep(again.wait)
