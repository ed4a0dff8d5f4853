"""Configuration: `[tool.apidocgen]` in pyproject.toml, overridden by command-line flags."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

from apidocgen.diagnostics import Diagnostic, error

DEFAULT_MAX_DESCRIPTOR_BYTES = 10 * 1024 * 1024
DEFAULT_MAX_BODY_BYTES = 5 * 1024 * 1024
DEFAULT_MAX_DEPTH = 64


@dataclass(frozen=True)
class Config:
    """Everything a run needs to know besides the input files themselves."""

    input: Path = Path("api-docs")
    output: Path = Path("generated")
    title: str = "API"
    package: str = "api_client"
    version: str = "0.1.0"
    base_url: str | None = None
    token_env: str = "API_TOKEN"
    base_url_env: str | None = None  # default: from token_env (see `base_url_variable`)
    repo_url: str | None = None
    edit_uri: str | None = None
    templates: Path | None = None
    max_descriptor_bytes: int = DEFAULT_MAX_DESCRIPTOR_BYTES
    max_body_bytes: int = DEFAULT_MAX_BODY_BYTES
    max_depth: int = DEFAULT_MAX_DEPTH
    strict: bool = False
    # The site's Changes page: the last `changelog` revisions of the input folder that changed
    # the API (0: no page), or with `changelog_tags` its last tags; only when it is in git.
    changelog: int = 10
    changelog_tags: bool = False
    # Where the navigation puts the hand-written guides (the input folder's own pages),
    # grouped apart from the API sections: "first" (before them) or "last".
    guides: str = "first"
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def base_url_variable(self) -> str:
        """The environment variable that overrides the client's base URL: `base_url_env`,
        else named after the token's (`SENTRY_API_TOKEN` -> `SENTRY_API_BASE_URL`)."""
        if self.base_url_env:
            return self.base_url_env
        stem = self.token_env.removesuffix("_TOKEN") if self.token_env != "_TOKEN" else ""
        return f"{stem or self.token_env}_BASE_URL"


_PATH_KEYS = {"input", "output", "templates"}
_INT_KEYS = {"max_descriptor_bytes", "max_body_bytes", "max_depth"}
_COUNT_KEYS = {"changelog"}
_BOOL_KEYS = {"changelog_tags"}
_KNOWN = {f.name for f in fields(Config)} - {"extra", "strict"}
_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")


def load_config(pyproject: Path | None) -> tuple[Config, list[Diagnostic]]:
    """Read `[tool.apidocgen]`; relative paths are taken from the pyproject's folder."""
    if pyproject is None or not pyproject.is_file():
        return Config(), []
    where = str(pyproject)
    try:
        data = tomllib.loads(pyproject.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        return Config(), [error(where, 1, 1, f"cannot read configuration: {exc}")]
    section = data.get("tool", {}).get("apidocgen", {})
    if not isinstance(section, dict):
        return Config(), [error(where, 1, 1, "[tool.apidocgen] must be a table")]
    return config_from_mapping(section, pyproject.parent, where)


def config_from_mapping(
    section: dict[str, Any], base: Path, where: str
) -> tuple[Config, list[Diagnostic]]:
    """Build a Config from a mapping of settings, checking names and types."""
    values: dict[str, Any] = {}
    problems: list[Diagnostic] = []
    for key, value in sorted(section.items()):
        name = key.replace("-", "_")
        if name not in _KNOWN:
            problems.append(error(where, 1, 1, f"unknown setting '{key}' in [tool.apidocgen]"))
            continue
        if name in _INT_KEYS:
            if not isinstance(value, int) or isinstance(value, bool) or value <= 0:
                problems.append(error(where, 1, 1, f"setting '{key}' must be a positive integer"))
                continue
        elif name in _COUNT_KEYS:
            if not isinstance(value, int) or isinstance(value, bool) or value < 0:
                problems.append(error(where, 1, 1, f"setting '{key}' must be 0 or more"))
                continue
        elif name in _BOOL_KEYS:
            if not isinstance(value, bool):
                problems.append(error(where, 1, 1, f"setting '{key}' must be true or false"))
                continue
        elif not isinstance(value, str):
            problems.append(error(where, 1, 1, f"setting '{key}' must be a string"))
            continue
        if name in _PATH_KEYS:
            value = base / value
        values[name] = value
    config = replace(Config(), **values)
    problems.extend(check_config(config, where))
    return config, problems


GUIDES_PLACES = ("first", "last")
# Later stages walk JSON values recursively in places; a deeper limit would risk the stack.
MAX_DEPTH_LIMIT = 256


def check_config(config: Config, where: str) -> list[Diagnostic]:
    """Problems with values that every run needs to be right."""
    problems = []
    if config.max_depth > MAX_DEPTH_LIMIT:
        problems.append(error(where, 1, 1, f"max_depth must be at most {MAX_DEPTH_LIMIT}"))
    if not _IDENTIFIER.match(config.package):
        problems.append(
            error(where, 1, 1, f"package '{config.package}' is not a valid Python identifier")
        )
    for key in ("token_env", "base_url_env"):
        name = getattr(config, key)
        if name is not None and not _IDENTIFIER.match(name):
            problems.append(
                error(where, 1, 1, f"{key} '{name}' is not an environment variable name")
            )
    if config.guides not in GUIDES_PLACES:
        places = " or ".join(f"'{p}'" for p in GUIDES_PLACES)
        problems.append(error(where, 1, 1, f"guides must be {places}, not '{config.guides}'"))
    if config.base_url is not None and not re.match(r"https?://[^\s/]+", config.base_url):
        problems.append(error(where, 1, 1, f"base_url '{config.base_url}' is not an http(s) URL"))
    return problems
