"""Names derived from descriptor text: identifiers for Python, slugs for file paths.

Descriptor text is untrusted: every function here returns a value that is safe in its
context (a valid, non-keyword identifier; a path segment without separators, dots-only
names, NUL or reserved device names), whatever the input.
"""

from __future__ import annotations

import hashlib
import keyword
import re
import unicodedata

_ARTICLES = frozenset({"a", "an", "the"})
_POSSESSIVE = re.compile(r"['\u2019]s\b")
_WORD = re.compile(r"[a-z0-9]+")
_CAMEL_BOUNDARY = re.compile(r"([a-z0-9])([A-Z])")
# Between an acronym and the next word ("HTTPServer" -> "HTTP Server"). Written as
# lookarounds: `([A-Z]+)([A-Z][a-z])` backtracks quadratically on a long run of capitals.
_ACRONYM_BOUNDARY = re.compile(r"(?<=[A-Z])(?=[A-Z][a-z])")
# Windows device names: no file or folder may be called so, whatever its extension.
RESERVED_FILE_NAMES = frozenset(
    {"con", "prn", "aux", "nul", "conin$", "conout$"}
    | {f"com{n}" for n in (*range(10), "¹", "²", "³")}
    | {f"lpt{n}" for n in (*range(10), "¹", "²", "³")}
)


def words(text: str) -> list[str]:
    """Lower-case ASCII words of a text: camelCase split, accents folded, possessives dropped."""
    if not text.isascii():
        text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    text = _POSSESSIVE.sub("", text)
    text = _ACRONYM_BOUNDARY.sub(" ", text)
    text = _CAMEL_BOUNDARY.sub(r"\1 \2", text)
    return _WORD.findall(text.lower())


def snake_identifier(text: str, *, fallback: str, drop_articles: bool = False) -> str:
    """A valid snake_case Python identifier for `text` (never a keyword, never empty)."""
    parts = [w for w in words(text) if not (drop_articles and w in _ARTICLES)]
    name = "_".join(parts) or fallback
    if name[0].isdigit():
        name = f"{fallback}_{name}"
    if keyword.iskeyword(name) or keyword.issoftkeyword(name):
        name += "_"
    return name


def is_reserved_file_name(name: str) -> bool:
    """True for a name Windows keeps for a device (`CON`, `aux.py`, `com1 .txt`)."""
    return name.split(".")[0].rstrip(" ").lower() in RESERVED_FILE_NAMES


def slug(text: str) -> str:
    """A safe file or folder name: lower-case ASCII, digits and dashes."""
    name = "-".join(words(text))[:80].strip("-")
    if not name or is_reserved_file_name(name):
        # Deterministic and distinct for distinct inputs, for names with no usable letters.
        digest = hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:8]
        name = f"{name or 'page'}-{digest}"
    return name
