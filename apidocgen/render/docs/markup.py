"""Text and code shown exactly as written: entity-encoded plain text, code spans and fenced
code blocks whose meaning does not depend on how Markdown pairs backticks, and the marked
blocks of generator-made HTML."""

from __future__ import annotations

import html
import re
from typing import Any

from apidocgen.site_layout import CODE_BLOCK_MARK, HTML_BLOCK_CLOSE, HTML_BLOCK_OPEN

# Characters that inline Markdown (with the extensions Material sites commonly enable: tilde,
# caret, mark, arithmatex, attr_list, tables) or HTML would interpret. Text never starts a
# line where it is used, so block markers (`-`, `+`, `1.`) need no encoding. `"` ends the
# quoted titles of admonitions and tabs.
_PLAIN_SPECIALS = frozenset('\\`*_{}[]<>&|~^=#$"')


def _encode(text: str, specials: frozenset[str]) -> str:
    out = []
    for char in text:
        if char in specials:
            out.append(f"&#{ord(char)};")
        else:
            out.append(char)
    return "".join(out)


def plain_text(value: Any) -> str:
    """Descriptor text shown literally in Markdown: no Markdown, no HTML, one line."""
    text = " ".join(str(value).replace("\x00", "").split())
    return _encode(text, _PLAIN_SPECIALS)


def code_span(value: Any) -> str:
    """Inline code for a place the generator controls (a table cell, a sentence of a template):
    a Markdown code span whose backtick fence is longer than any run inside it."""
    text = " ".join(str(value).replace("\x00", "").split())
    if not text:
        return ""
    fence = "`" * (longest_backtick_run(text) + 1)
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def html_code(value: Any) -> str:
    """Inline code inside untrusted Markdown: HTML `<code>` with entity-encoded content, so its
    meaning does not depend on how Markdown pairs the backticks around it."""
    text = " ".join(str(value).replace("\x00", "").split("\n"))
    return f"<code>{_encode(text, _PLAIN_SPECIALS)}</code>"


def html_code_span(value: Any) -> str:
    """Inline code for generator-made HTML: `<code>` with the text HTML-escaped, one line."""
    text = " ".join(str(value).replace("\x00", "").split())
    return f"<code>{html.escape(text, quote=False)}</code>" if text else ""


def html_block(content: str) -> str:
    """Generator-made HTML wrapped in the marks the mkdocs plugin passes through as is."""
    return f"{HTML_BLOCK_OPEN}\n{content.strip()}\n{HTML_BLOCK_CLOSE}\n"


def longest_backtick_run(text: str) -> int:
    """Length of the longest run of backticks in `text`."""
    runs = re.findall(r"`+", text)
    return max((len(run) for run in runs), default=0)


def code_block(content: Any, lang: str = "", indent: int = 0) -> str:
    """A fenced code block whose fence is longer than any backtick run of the content,
    announced by `CODE_BLOCK_MARK` on the line before."""
    text = str(content).replace("\x00", "").replace("\r\n", "\n").replace("\r", "\n")
    fence = "`" * max(3, longest_backtick_run(text) + 1)
    lang = re.sub(r"[^A-Za-z0-9_+-]", "", lang)[:30]
    # The blank line keeps the mark a block of its own (not a paragraph around the fence).
    lines = [CODE_BLOCK_MARK, "", f"{fence}{lang}", *text.split("\n"), fence]
    pad = " " * indent
    return "\n".join(pad + line if line else line for line in lines)


def method_badge(method: str) -> str:
    """The HTTP method as a coloured pill (HTML, for generator-made HTML blocks)."""
    css = re.sub(r"[^a-z]", "", method.lower())
    return (
        f'<span class="apidocgen-method apidocgen-method-{css}">'
        f"{html.escape(method, quote=False)}</span>"
    )


def html_path(path: str) -> str:
    """A path template as inline code for generator-made HTML that a line may break only
    after a `/` (never inside a segment): `/api/<wbr>0/<wbr>issues/`."""
    text = html.escape(" ".join(path.replace("\x00", "").split()), quote=False)
    # After each slash but the leading one, unless another slash follows.
    return f'<code class="apidocgen-path">{re.sub(r"(?<=.)/(?=[^/])", "/<wbr>", text)}</code>'


def html_field_path(path: str) -> str:
    """A field's path (`owner.login`, `labels[].name`) as inline code for generator-made HTML
    that a line may break only after a dot, never inside a name."""
    text = html.escape(" ".join(path.replace("\x00", "").split()), quote=False)
    breakable = re.sub(r"[.](?=.)", ".<wbr>", text)
    return f'<code class="apidocgen-path">{breakable}</code>'
