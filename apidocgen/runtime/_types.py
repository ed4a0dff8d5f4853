"""Field types of the models that keep the exact text they were read from.

A `date-time` field is a `datetime` for the caller (compare it, do arithmetic with it), and
dumping the model to JSON gives back the text the API sent (`2020-01-20T09:42:41.000-08:00`
stays just that, rather than becoming `2020-01-20T09:42:41-08:00`), so that a value read
from the API and sent back is the same value on the wire. A datetime made in code (not read
from text) is written in pydantic's usual ISO 8601 form.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from pydantic import (
    SerializationInfo,
    SerializerFunctionWrapHandler,
    ValidatorFunctionWrapHandler,
    WrapSerializer,
    WrapValidator,
)

__all__ = ["DateTime", "WireDatetime"]


class WireDatetime(datetime):
    """A `datetime` read from text, with that text in `wire`."""

    wire: str


def _read(value: Any, handler: ValidatorFunctionWrapHandler) -> Any:
    result = handler(value)
    if isinstance(value, str) and type(result) is datetime:
        kept = WireDatetime(
            result.year,
            result.month,
            result.day,
            result.hour,
            result.minute,
            result.second,
            result.microsecond,
            result.tzinfo,
            fold=result.fold,
        )
        kept.wire = value
        return kept
    return result


def _write(
    value: Any, handler: SerializerFunctionWrapHandler, info: SerializationInfo
) -> Any:
    wire = getattr(value, "wire", None)
    if isinstance(wire, str) and info.mode_is_json():
        return wire
    return handler(value)


DateTime = Annotated[datetime, WrapValidator(_read), WrapSerializer(_write)]
