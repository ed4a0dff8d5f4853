"""Recorded traffic into descriptors: HAR files (`apidocgen import har`) and test runs
(`apidocgen.record`).

The pieces: `exchange` (one recorded request and response, and its raw HTTP text), `har`
(reading HAR 1.2), `redact` (credentials replaced by placeholders), `routes` (route templates
from concrete paths), `front_matter` (adding examples to a descriptor file byte-safely) and
`plan` (what an import changes, and why). Public surface: `Exchange`, `ImportOptions`,
`ImportPlan`, `Naming`, `read_har`, `plan_import`, `write_plan`.
"""

from __future__ import annotations

from apidocgen.capture.exchange import Exchange
from apidocgen.capture.har import DEFAULT_MAX_HAR_BYTES, read_har
from apidocgen.capture.plan import ImportOptions, ImportPlan, plan_import
from apidocgen.capture.routes import Naming
from apidocgen.files import replace_file


def write_plan(plan: ImportPlan) -> list[str]:
    """Write every file of the plan (each atomically); the paths written."""
    written = []
    for path, text in sorted(plan.files.items()):
        data = text.encode("utf-8")
        if path.exists() and path.read_bytes() == data:
            continue
        replace_file(path, data)
        written.append(str(path))
    return written


__all__ = [
    "DEFAULT_MAX_HAR_BYTES",
    "Exchange",
    "ImportOptions",
    "ImportPlan",
    "Naming",
    "plan_import",
    "read_har",
    "write_plan",
]
