"""The Jinja2 environment shared by renderers: user templates first, then the shipped ones."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import jinja2

_PACKAGE_DIR = Path(__file__).resolve().parent.parent


def shipped_templates_dir() -> Path:
    """The templates folder: inside the installed package, or at the top of a source checkout."""
    for candidate in (_PACKAGE_DIR / "templates", _PACKAGE_DIR.parent / "templates"):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError("apidocgen's templates folder is missing from the installation")


# How templates are compiled: a bytecode cache entry made with other settings is not used.
_ENVIRONMENT_OPTIONS: dict[str, Any] = {
    "autoescape": False,
    "keep_trailing_newline": True,
    "trim_blocks": True,
    "lstrip_blocks": True,
}


def template_environment(
    override: Path | None = None, *, bytecode_dir: Path | None = None
) -> jinja2.Environment:
    """An environment whose templates a user can override by name from `override`.

    Autoescaping is off because the outputs are Markdown and Python, not HTML; every template
    escapes descriptor text explicitly with the filters registered here, for its context.

    Compiled templates are cached (compiling them is a tenth of a second in every run) in
    `bytecode_dir`, by default in Jinja's private per-user folder in the temporary directory.
    """
    import jinja2

    from apidocgen.render.template_cache import template_bytecode_cache

    loaders: list[jinja2.BaseLoader] = []
    if override is not None:
        loaders.append(jinja2.FileSystemLoader(str(override)))
    loaders.append(jinja2.FileSystemLoader(str(shipped_templates_dir())))
    env = jinja2.Environment(
        loader=jinja2.ChoiceLoader(loaders),
        bytecode_cache=template_bytecode_cache(bytecode_dir, _ENVIRONMENT_OPTIONS),
        **_ENVIRONMENT_OPTIONS,
    )
    env.filters["tojson_pretty"] = _json_pretty
    return env


def _json_pretty(value: Any) -> str:
    return json.dumps(value, indent=2, ensure_ascii=False, sort_keys=False)
