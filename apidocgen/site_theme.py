"""What the apidocgen plugin adjusts in a mkdocs-material site: no fonts from another host,
a search that finds paths and code by their words, a named search dialog; and the search
index being built (which the live preview fills in for unchanged pages, and the search worker
for every page)."""

from __future__ import annotations

import re
from typing import Any

from mkdocs.config.defaults import MkDocsConfig

# How search splits text into words, unless mkdocs.yml says otherwise: also at the slashes
# and braces of paths, the dots and brackets of code and the case changes of camelCase, so
# that `/api/0/issues/{issue_id}/events/`, `client.events.list_issue_events()` and
# `listIssueEvents` are found by any of their words. Unlike mkdocs-material's separator for
# sites that document code, an underscore joins: `list_issue_events` and `issue_id` are
# words of their own, found whole (and by their start).
SEARCH_SEPARATOR = r'[\s\u200b\-,:!=\[\]{}()"`/]+|\.(?!\d)|&[lg]t;|(?!\b)(?=[A-Z][a-z])'


# mkdocs-material's search dialog has no accessible name; it gets its search box's label.
_SEARCH_DIALOG = '<div class="md-search" data-md-component="search" role="dialog">'
_SEARCH_BOX_LABEL = re.compile(r'<input [^>]*class="md-search__input"[^>]*aria-label="([^"<>]*)"')


def label_search_dialog(output: str) -> str:
    """The page with mkdocs-material's search dialog named after its search box."""
    at = output.find(_SEARCH_DIALOG)
    if at < 0:
        return output
    found = _SEARCH_BOX_LABEL.search(output, at)
    label = found.group(1) if found else "Search"
    named = _SEARCH_DIALOG[:-1] + f' aria-label="{label}">'
    return output[:at] + named + output[at + len(_SEARCH_DIALOG) :]


def use_system_fonts(config: MkDocsConfig) -> None:
    """mkdocs-material loads its fonts from Google Fonts unless `theme.font` is false (or the
    privacy plugin downloads them at build time and serves them with the site)."""
    if config.theme.name != "material" or config.theme.get("font") is False:
        return
    for plugin in config.plugins.values():
        module = type(plugin).__module__
        if module.startswith("material.plugins.privacy") and plugin.config.get("enabled", True):
            return
    config.theme["font"] = False


def set_search_separator(config: MkDocsConfig) -> None:
    """`SEARCH_SEPARATOR` for the search plugin, unless mkdocs.yml gives it one."""
    for plugin in config.plugins.values():
        module = type(plugin).__module__
        if module.startswith("material.plugins.search") and not plugin.config.get("separator"):
            plugin.config["separator"] = SEARCH_SEPARATOR
        elif module.startswith("mkdocs.contrib.search") and plugin.config.get("separator") == (
            r"[\s\-]+"  # mkdocs' default: the option has no "unset" value
        ):
            plugin.config["separator"] = SEARCH_SEPARATOR


def search_index(config: MkDocsConfig) -> Any | None:
    """mkdocs-material's search index being built (None: another search, or none)."""
    for plugin in config.plugins.values():
        if type(plugin).__module__.startswith("material.plugins.search"):
            if not plugin.config.get("enabled", True):
                return None
            index = getattr(plugin, "search_index", None)
            return index if isinstance(getattr(index, "entries", None), list) else None
    return None


def search_entries(config: MkDocsConfig) -> list[Any] | None:
    """The entries of mkdocs-material's search index being built (None: another search)."""
    index = search_index(config)
    return index.entries if index is not None else None
