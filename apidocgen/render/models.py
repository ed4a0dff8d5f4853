"""Render Pydantic v2 models from `components.schemas` with datamodel-code-generator."""

from __future__ import annotations

from typing import Any

from apidocgen.config import Config


def render_models(openapi: dict[str, Any], config: Config) -> dict[str, str]:
    """`python/<package>/models.py` (and nothing else), keyed by output-relative path."""
    return {}
