"""Render the typed httpx client package (sync and async) from the OpenAPI operations."""

from __future__ import annotations

from typing import Any

import jinja2

from apidocgen.config import Config


def render_client(openapi: dict[str, Any], config: Config, env: jinja2.Environment) -> dict[str, str]:
    """Every file of the installable package under `python/`, keyed by output-relative path."""
    return {}
