"""`apidocgen diff`'s report: plain text for a terminal or a CI log, Markdown for a pull
request comment (a summary table, the details folded), or JSON for other tools.

Every piece of descriptor text is shown literally: in Markdown it is entity-encoded (no
markup, no HTML, no @mentions).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import asdict, dataclass

from apidocgen.model import Change
from apidocgen.render.docs.markup import html_code, plain_text


@dataclass(frozen=True)
class Report:
    base: str  # how the base is named (`origin/main (1a2b3c4d5e6f)`)
    head: str
    input: str  # the input folder as the user named it, to locate descriptors
    changes: tuple[Change, ...]

    @property
    def breaking(self) -> list[Change]:
        return [c for c in self.changes if c.breaking and not c.acknowledged]

    @property
    def acknowledged(self) -> list[Change]:
        return [c for c in self.changes if c.breaking and c.acknowledged]

    def where(self, change: Change) -> str:
        if not change.source:
            return self.input
        return f"{self.input.rstrip('/')}/{change.source}:{change.line}:1"

    def counts(self) -> str:
        """`3 changes: 1 breaking, 1 acknowledged, 1 compatible` (zero counts left out)."""
        if not self.changes:
            return "no API changes"
        breaking, acknowledged = len(self.breaking), len(self.acknowledged)
        parts = [
            f"{breaking} breaking" if breaking else "",
            f"{acknowledged} breaking but acknowledged" if acknowledged else "",
            f"{compatible} compatible"
            if (compatible := len(self.changes) - breaking - acknowledged)
            else "",
        ]
        plural = "s" if len(self.changes) != 1 else ""
        return f"{len(self.changes)} API change{plural}: " + ", ".join(p for p in parts if p)

    def summary(self) -> str:
        return f"{self.counts()} from {self.base} to {self.head}"


def text_report(report: Report) -> str:
    """One line per change, as diagnostics are printed (`path:line:col: kind: message`)."""
    lines = []
    for change in report.changes:
        kind = "breaking" if change.breaking else "change"
        if change.acknowledged:
            kind = "breaking (acknowledged)"
        message = f"{change.method} {change.path}: {change.describe()} [{change.rule}]"
        if change.client:
            message += f"; client: {change.client}"
        if change.acknowledged:
            message += f"; note: {change.acknowledged}"
        lines.append(f"{report.where(change)}: {kind}: {message}")
    lines.append(f"apidocgen diff: {report.summary()}")
    return "\n".join(lines) + "\n"


def markdown_report(report: Report) -> str:
    """A pull-request comment: a heading, a table of the operations with how many breaking
    and compatible changes each has, and every change folded under `<details>`."""
    out = [
        f"### API changes: {_md(report.counts())}",
        "",
        f"From {_md(report.base)} to {_md(report.head)}.",
        "",
    ]
    if not report.changes:
        return "\n".join(out)
    out += ["| | Operation | Breaking | Compatible |", "|---|---|---:|---:|"]
    for (method, path), changes in _by_operation(report.changes):
        breaking = sum(c.breaking and not c.acknowledged for c in changes)
        acknowledged = sum(bool(c.breaking and c.acknowledged) for c in changes)
        mark = "❌" if breaking else "⚠️" if acknowledged else "✅"
        count = f"{breaking}" + (f" (+{acknowledged} acknowledged)" if acknowledged else "")
        compatible = sum(not c.breaking for c in changes)
        out.append(f"| {mark} | {html_code(f'{method} {path}')} | {count} | {compatible} |")
    out += ["", "<details><summary>Every change</summary>", ""]
    for (method, path), changes in _by_operation(report.changes):
        out.append(f"#### {html_code(f'{method} {path}')}")
        out.append("")
        for change in changes:
            kind = "**breaking**" if change.breaking else "compatible"
            if change.acknowledged:
                kind = f"breaking, acknowledged ({_md(change.acknowledged)})"
            item = f"- {kind} {html_code(change.rule)}: {_md(change.describe())}"
            if change.client:
                item += f"; client: {html_code(change.client)}"
            item += f" ({html_code(report.where(change))})"
            out.append(item)
        out.append("")
    out.append("</details>")
    return "\n".join(out) + "\n"


def json_report(report: Report) -> str:
    data = {
        "base": report.base,
        "head": report.head,
        "summary": {
            "changes": len(report.changes),
            "breaking": len(report.breaking),
            "acknowledged": len(report.acknowledged),
        },
        "changes": [
            {**asdict(change), "meaning": change.meaning, "where": report.where(change)}
            for change in report.changes
        ],
    }
    return json.dumps(data, indent=1, ensure_ascii=False) + "\n"


FORMATS = {"text": text_report, "markdown": markdown_report, "json": json_report}


def _by_operation(changes: Iterable[Change]) -> list[tuple[tuple[str, str], list[Change]]]:
    grouped: dict[tuple[str, str], list[Change]] = {}
    for change in changes:
        grouped.setdefault((change.method, change.path), []).append(change)
    return list(grouped.items())


def _md(text: str) -> str:
    return plain_text(text).replace("@", "&#64;")
