"""A raw response and the way to parse its body into what the operation returns."""

from __future__ import annotations

import logging
from typing import Any, Generic, TypeVar, cast

import httpx

from ._constants import PACKAGE
from ._errors import APIResponseValidationError
from ._parsing import construct_parts, validate

__all__ = ["NO_BODY", "APIResponse", "decode_body", "describe"]

T = TypeVar("T")

NO_BODY: Any = object()  # `cast_to` of an operation documented to answer without a body

_logger = logging.getLogger(PACKAGE)
_UNPARSED: Any = object()


def decode_body(response: httpx.Response) -> Any:
    """The body as JSON data when it parses, else its text, or None when it is empty."""
    if not response.content.strip():
        return None
    try:
        return response.json()
    except ValueError:
        return response.text


def describe(response: httpx.Response, operation: str = "") -> str:
    """`operation: METHOD URL -> STATUS REASON`, for messages."""
    request = response.request
    where = f"{request.method} {request.url} -> {response.status_code}"
    where += f" {response.reason_phrase}" if response.reason_phrase else ""
    return f"{operation}: {where}" if operation else where


class APIResponse(Generic[T]):
    """A raw `httpx.Response` together with the way to parse its body.

    Get one from `client.with_raw_response.<section>.<method>(...)`; `parse()` returns what
    the plain method would have returned, `http_response` the response itself.
    """

    def __init__(
        self,
        http_response: httpx.Response,
        cast_to: Any,
        *,
        operation: str = "",
        strict: bool = False,
    ) -> None:
        self.http_response = http_response
        self.operation = operation
        self.strict = strict
        self._cast_to = cast_to
        self._parsed: Any = _UNPARSED

    @property
    def status_code(self) -> int:
        """The HTTP status code."""
        return self.http_response.status_code

    @property
    def headers(self) -> httpx.Headers:
        """The response headers."""
        return self.http_response.headers

    @property
    def url(self) -> httpx.URL:
        """The URL that was called (the last one, after redirects)."""
        return self.http_response.url

    @property
    def text(self) -> str:
        """The body as text."""
        return self.http_response.text

    def json(self) -> Any:
        """The body as JSON data, without validation."""
        return self.http_response.json()

    def parse(self) -> T:
        """The body as the operation's documented type (see the package README).

        None for operations documented without a body and for HEAD requests. Raises
        `APIResponseValidationError` when a body that should be JSON is empty or is not
        JSON, and, in strict mode, when it does not match the documented type.
        """
        if self._parsed is _UNPARSED:
            self._parsed = self._parse()
        return cast(T, self._parsed)

    def _parse(self) -> Any:
        response = self.http_response
        if self._cast_to is NO_BODY or response.request.method == "HEAD":
            return None
        data = decode_body(response)
        if self._cast_to is Any:
            return data
        if data is None:
            raise APIResponseValidationError(
                f"{self._where()}: the body is empty; {self._expected()} was documented",
                response=response,
                body=data,
            )
        if isinstance(data, str):
            raise APIResponseValidationError(
                f"{self._where()}: the body is not JSON; {self._expected()} was documented",
                response=response,
                body=data,
            )
        from pydantic import ValidationError

        try:
            return validate(self._cast_to, data)
        except ValidationError as exc:
            if self.strict:
                message = (
                    f"{self._where()}: the body does not match the documented type "
                    f"{self._expected()}: {_first_error(exc)}"
                )
                raise APIResponseValidationError(
                    message, response=response, body=data
                ) from exc
            _logger.debug(
                "%s: the body differs from the documented type; parts that differ are kept "
                "as received (%s)",
                self._where(),
                _first_error(exc),
            )
        return construct_parts(self._cast_to, data)

    def _where(self) -> str:
        return describe(self.http_response, self.operation)

    def _expected(self) -> str:
        name = getattr(self._cast_to, "__name__", None)
        return name if isinstance(name, str) and name != "list" else str(self._cast_to)

    def __repr__(self) -> str:
        request = self.http_response.request
        return f"<APIResponse [{self.status_code}] {request.method} {self.url}>"


def _first_error(exc: Exception) -> str:
    errors = getattr(exc, "errors", None)
    if callable(errors):
        found = errors(include_url=False, include_input=False)
        if found:
            first = found[0]
            where = ".".join(str(part) for part in first.get("loc", ())) or "(body)"
            more = f" (and {len(found) - 1} more)" if len(found) > 1 else ""
            return f"{where}: {first.get('msg', '')}{more}"
    return str(exc).splitlines()[0]
