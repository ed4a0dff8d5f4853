"""The HTML of each page, cleaned of anything that runs (defence in depth: the generated
Markdown is already safe), and page titles safe wherever a theme prints them."""

from __future__ import annotations

import html
import re

import nh3

# What mkdocs, Python-Markdown, pymdown-extensions and Material put into page content.
_TAGS = frozenset(
    "a abbr b blockquote br caption code col colgroup dd del details div dl dt em figcaption figure "
    "h1 h2 h3 h4 h5 h6 hr i img input ins kbd label li mark ol p pre s small span strong sub summary "
    "sup table tbody td tfoot th thead tr u ul wbr "
    # Inline icons (pymdownx.emoji with Material's icon sets): shapes only, no scripts or links.
    "svg path g circle rect line polyline polygon".split()
)
_SVG_ATTRIBUTES = {"viewBox", "xmlns", "width", "height", "fill", "stroke", "stroke-width"}
_ATTRIBUTES = {
    "*": {"class", "id", "title", "lang", "dir"},
    "a": {"href", "download", "name"},
    "img": {"src", "alt", "width", "height", "loading"},
    "input": {"type", "name", "checked", "disabled"},
    "label": {"for"},
    "td": {"align", "colspan", "rowspan", "style"},
    "th": {"align", "colspan", "rowspan", "style"},
    "ol": {"start", "type"},
    "details": {"open"},
    "col": {"span"},
    "colgroup": {"span"},
    "svg": _SVG_ATTRIBUTES,
    "g": {"fill", "stroke", "transform"},
    "path": {"d", "fill", "stroke", "stroke-width", "transform"},
    "circle": {"cx", "cy", "r", "fill", "stroke"},
    "rect": {"x", "y", "width", "height", "rx", "ry", "fill", "stroke"},
    "line": {"x1", "y1", "x2", "y2", "stroke"},
    "polyline": {"points", "fill", "stroke"},
    "polygon": {"points", "fill", "stroke"},
}


def page_cleaner() -> nh3.Cleaner:
    """The sanitizer for page content: what mkdocs, Python-Markdown, pymdown-extensions and
    Material produce, and nothing that runs (no scripts, event handlers or script URLs)."""
    return nh3.Cleaner(
        tags=set(_TAGS),
        attributes={tag: set(names) for tag, names in _ATTRIBUTES.items()},
        generic_attribute_prefixes={"aria-"},
        url_schemes={"http", "https", "mailto"},
        link_rel=None,
        filter_style_properties={"text-align"},
        strip_comments=True,
    )


def safe_title(title: str) -> str:
    """Title text as HTML (entities), whether it came as text or as HTML-escaped text."""
    text = re.sub(r"<[^>]*>", "", title)
    text = html.unescape(text).replace("\u00b6", "").strip()
    return html.escape(" ".join(text.split()), quote=True)
