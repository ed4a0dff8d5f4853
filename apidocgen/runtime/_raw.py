"""`client.with_raw_response`: the same methods, returning the `APIResponse` itself."""

from __future__ import annotations

import functools
from collections.abc import Awaitable, Callable
from contextvars import ContextVar
from typing import TYPE_CHECKING, ParamSpec, TypeVar, cast

if TYPE_CHECKING:
    from ._response import APIResponse

__all__ = ["async_to_raw_response", "to_raw_response", "wants_raw"]

T = TypeVar("T")
P = ParamSpec("P")

_WANT_RAW: ContextVar[bool] = ContextVar("_want_raw", default=False)


def wants_raw() -> bool:
    """Whether the method being called was reached through `with_raw_response`."""
    return _WANT_RAW.get()


def to_raw_response(func: Callable[P, T]) -> Callable[P, APIResponse[T]]:
    """Turn an API method into one that returns the `APIResponse` instead of the body."""

    @functools.wraps(func)
    def wrapped(*args: P.args, **kwargs: P.kwargs) -> APIResponse[T]:
        token = _WANT_RAW.set(True)
        try:
            return cast("APIResponse[T]", func(*args, **kwargs))
        finally:
            _WANT_RAW.reset(token)

    return wrapped


def async_to_raw_response(
    func: Callable[P, Awaitable[T]],
) -> Callable[P, Awaitable[APIResponse[T]]]:
    """The `to_raw_response` of an async API method."""

    @functools.wraps(func)
    async def wrapped(*args: P.args, **kwargs: P.kwargs) -> APIResponse[T]:
        token = _WANT_RAW.set(True)
        try:
            return cast("APIResponse[T]", await func(*args, **kwargs))
        finally:
            _WANT_RAW.reset(token)

    return wrapped
