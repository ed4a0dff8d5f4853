"""Diagnostics are values: every stage returns them, the command line decides how to print them."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

Severity = Literal["error", "warning"]


@dataclass(frozen=True, order=True)
class Diagnostic:
    """One problem found in the input, pointing at a file position (1-based line and column)."""

    path: str
    line: int
    col: int
    severity: Severity
    message: str

    def format(self) -> str:
        """The one-line form `path:line:col: severity: message` used by compilers and editors."""
        return f"{self.path}:{self.line}:{self.col}: {self.severity}: {self.message}"


def error(path: str, line: int, col: int, message: str) -> Diagnostic:
    """An error: the run fails and writes nothing."""
    return Diagnostic(path, max(line, 1), max(col, 1), "error", _one_line(message))


def warning(path: str, line: int, col: int, message: str) -> Diagnostic:
    """A warning: reported, output still written (unless --strict)."""
    return Diagnostic(path, max(line, 1), max(col, 1), "warning", _one_line(message))


def has_errors(diagnostics: tuple[Diagnostic, ...] | list[Diagnostic]) -> bool:
    """True when any diagnostic is an error."""
    return any(d.severity == "error" for d in diagnostics)


def _one_line(message: str) -> str:
    # Messages quote descriptor text; keep them on one line and of bounded size.
    text = " ".join(message.split())
    return text if len(text) <= 300 else text[:297] + "..."


def errors_message(diagnostics: Iterable[Diagnostic], shown: int = 50) -> str:
    """The errors among `diagnostics` as one message: a count, then one line each (the first
    `shown` of them)."""
    errors = [d for d in diagnostics if d.severity == "error"]
    lines = [d.format() for d in errors[:shown]]
    if len(errors) > shown:
        lines.append(f"... and {len(errors) - shown} more errors")
    return f"apidocgen: {len(errors)} error(s) in the input:\n" + "\n".join(lines)
