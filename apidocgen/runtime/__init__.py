"""The client runtime: the part of every generated package that is the same in all of them.

These are ordinary modules, linted, type-checked and tested here as source. Generating a
package copies each of them into it unchanged, below the generated-file header, except
`_constants.py`: the one module that holds what differs from package to package (the
package name, the default base URL, the environment variables, the user agent). Generation
writes that module from `templates/client/package/_constants.py.j2`; the copy here holds
neutral values, so that the runtime can be imported and tested on its own.

The modules use relative imports only and run on Python 3.10 (the oldest version a
generated package supports); `ruff.toml` here formats them as the generated package is
formatted, so a copy is already `ruff format` clean there.
"""

from __future__ import annotations

from pathlib import Path

RUNTIME_DIR = Path(__file__).resolve().parent
# The modules copied into a generated package, in the order they depend on each other.
COPIED_MODULES = (
    "_errors.py",
    "_lazy.py",
    "_base_model.py",
    "_types.py",
    "_parsing.py",
    "_request.py",
    "_retries.py",
    "_response.py",
    "_raw.py",
    "_transport.py",
    "_pagination.py",
)
# Filled in per package from a template (see the module docstring).
CONSTANTS_MODULE = "_constants.py"


def runtime_source(name: str) -> str:
    """The source text of one of `COPIED_MODULES`."""
    if name not in COPIED_MODULES:
        raise ValueError(f"not a runtime module: {name}")
    return (RUNTIME_DIR / name).read_text(encoding="utf-8")
