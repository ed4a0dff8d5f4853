"""How text from the input (file names, field values, paths) is shown in diagnostics."""

from __future__ import annotations

import datetime
from typing import Any


def printable(text: str) -> str:
    """`text` with control, format and separator characters escaped (`\\x1b`, `\\u202e`).

    Descriptor text and file names are quoted in diagnostics; this keeps each diagnostic on
    one line and stops text from steering a terminal (escape sequences, bidi overrides).
    """
    if text.isprintable():
        return text
    return "".join(
        char if char.isprintable() or char == " " else ascii(char)[1:-1] for char in text
    )


def _short(text: Any, limit: int = 60) -> str:
    """Descriptor text quoted in a message: bounded, on one line, control characters escaped."""
    text = str(text)
    text = text if len(text) <= limit else text[: limit - 3] + "..."
    return printable(text)


def _kind(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, datetime.datetime):
        return "a date-time (quote it to make it a string)"
    if isinstance(value, datetime.date):
        return "a date (quote it to make it a string)"
    if isinstance(value, bytes):
        return "binary data"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int):
        return "an integer"
    if isinstance(value, float):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "an array"
    if isinstance(value, dict):
        return "an object"
    return type(value).__name__


def _join(shown: str, rel: str) -> str:
    return f"{shown.rstrip('/')}/{printable(rel)}" if shown else printable(rel)
