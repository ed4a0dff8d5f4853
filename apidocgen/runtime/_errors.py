"""The exceptions the client raises: one base class, then status and transport errors.

Messages name the operation, the method, the URL and the status; they never contain the
API token.
"""

from __future__ import annotations

from typing import Any

import httpx

__all__ = [
    "APIConnectionError",
    "APIError",
    "APIResponseValidationError",
    "APIStatusError",
    "APITimeoutError",
    "AuthenticationError",
    "BadRequestError",
    "ConflictError",
    "InternalServerError",
    "NotFoundError",
    "PermissionDeniedError",
    "RateLimitError",
    "RedirectError",
    "UnprocessableEntityError",
    "error_class_for",
]


class APIError(Exception):
    """Base class of every error this client raises."""

    message: str
    request: httpx.Request | None

    def __init__(self, message: str, *, request: httpx.Request | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.request = request

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.message!r})"


class APIConnectionError(APIError):
    """The request did not get a response: DNS, refused connection, reset, TLS, ..."""

    def __init__(
        self, message: str = "Connection error.", *, request: httpx.Request
    ) -> None:
        super().__init__(message, request=request)


class APITimeoutError(APIConnectionError):
    """The request timed out (connecting, writing, reading or waiting for the pool)."""

    def __init__(
        self, message: str = "Request timed out.", *, request: httpx.Request
    ) -> None:
        super().__init__(message, request=request)


class APIResponseValidationError(APIError):
    """A success response whose body cannot be what the operation documents.

    Raised when the body is not JSON (or is empty) where the operation returns a model, and,
    in strict mode only, when a JSON body does not match the documented type. `body` holds
    the decoded JSON (or the text), `response` the raw `httpx.Response`; a validation
    error is chained as `__cause__`.
    """

    response: httpx.Response
    body: Any
    status_code: int

    def __init__(self, message: str, *, response: httpx.Response, body: Any) -> None:
        super().__init__(message, request=response.request)
        self.response = response
        self.body = body
        self.status_code = response.status_code


class APIStatusError(APIError):
    """The API answered with a status that is not a success (3xx not followed, 4xx, 5xx).

    `status_code` is the status, `body` the decoded JSON body (or its text, or None when
    empty), `response` the raw `httpx.Response`.
    """

    response: httpx.Response
    status_code: int
    body: Any

    def __init__(self, message: str, *, response: httpx.Response, body: Any) -> None:
        super().__init__(message, request=response.request)
        self.response = response
        self.status_code = response.status_code
        self.body = body


class RedirectError(APIStatusError):
    """A 3xx answer the client does not follow.

    GET and HEAD requests follow redirects; any other method would have to be re-sent
    somewhere else, which the client never does on its own. `location` is where the
    server pointed (None when it named no place).
    """

    @property
    def location(self) -> str | None:
        """The `Location` header of the answer."""
        location = self.response.headers.get("location")
        return None if location is None else str(location)


class BadRequestError(APIStatusError):
    """400 Bad Request."""


class AuthenticationError(APIStatusError):
    """401 Unauthorized: the token is missing, wrong or expired."""


class PermissionDeniedError(APIStatusError):
    """403 Forbidden: the token may not do this."""


class NotFoundError(APIStatusError):
    """404 Not Found."""


class ConflictError(APIStatusError):
    """409 Conflict."""


class UnprocessableEntityError(APIStatusError):
    """422 Unprocessable Entity."""


class RateLimitError(APIStatusError):
    """429 Too Many Requests (raised once the retries are used up)."""


class InternalServerError(APIStatusError):
    """Any 5xx status."""


_BY_STATUS: dict[int, type[APIStatusError]] = {
    400: BadRequestError,
    401: AuthenticationError,
    403: PermissionDeniedError,
    404: NotFoundError,
    409: ConflictError,
    422: UnprocessableEntityError,
    429: RateLimitError,
}


def error_class_for(status_code: int) -> type[APIStatusError]:
    """The most specific error class for a status that is not a success."""
    if status_code >= 500:
        return InternalServerError
    if 300 <= status_code < 400:
        return RedirectError
    return _BY_STATUS.get(status_code, APIStatusError)
