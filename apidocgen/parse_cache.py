"""Incremental runs: what `load` and `http` made of each input file, remembered by content.

Re-parsing hundreds of unchanged descriptors and their examples is most of a re-run after a
small edit. The cache keeps, per input file, the record `load` made of it (descriptor, page or
none), the file's own diagnostics and the parsed examples, keyed by the SHA-256 of the file's
bytes. It lives in the output folder (`.apidocgen-cache/parsed.jsonl`) but is no output: the
manifest does not list it and `check` does not compare it.

A cache can only spare work, never change a result: the header names the parser (the
generator's version and the source of the modules that parse) and the limits it parsed with;
every entry carries its own checksum. Anything that does not match is parsed afresh, and an
unreadable or damaged cache is the same as none.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from functools import cache
from pathlib import Path
from typing import Any

import orjson

from apidocgen import __version__
from apidocgen.config import Config
from apidocgen.diagnostics import Diagnostic
from apidocgen.http import (
    Body,
    ExampleProblem,
    Header,
    Headers,
    HttpProblem,
    HttpRequest,
    HttpResponse,
    Link,
    ParsedExamples,
)
from apidocgen.load import Descriptor, ExampleText, Page, Parameter
from apidocgen.manifest import CACHE_DIR

PARSE_CACHE = f"{CACHE_DIR}/parsed.jsonl"
# A descriptor whose examples are longer than this is parsed afresh every run: its entry would
# hold the text several times over (raw and parsed), for a saving its size makes small.
MAX_CACHED_EXAMPLE_CHARS = 1024 * 1024
_FORMAT = 4
# What a damaged entry can raise while it is turned back into records.
_DECODE_ERRORS = (KeyError, TypeError, ValueError, AttributeError, IndexError)

Record = Descriptor | Page | None


@cache
def parser_digest() -> str:
    """A digest of the code whose results the cache holds: its entries are valid for it only."""
    from apidocgen import diagnostics, http, load

    hasher = hashlib.sha256(__version__.encode("utf-8"))
    loader = sorted(Path(str(load.__file__)).parent.glob("*.py"))
    examples = sorted(Path(str(http.__file__)).parent.glob("*.py"))
    for path in [*loader, *examples, Path(str(diagnostics.__file__))]:
        hasher.update(path.name.encode("utf-8"))
        hasher.update(path.read_bytes())
    hasher.update(load.descriptor_schema_text().encode("utf-8"))
    hasher.update(Path(__file__).read_bytes())
    return hasher.hexdigest()


class ParseCache:
    """The previous run's parse results, looked up by file, and this run's, for the next run.

    `load` asks for a file's record and diagnostics with `file`, and hands in what it parsed
    with `remember_file`; the pipeline does the same for examples (`examples`,
    `remember_examples`). `to_bytes` is the cache to write for the next run: the entries of
    the files seen in this run, in path order.
    """

    def __init__(self, settings: list[int], previous: bytes | None = None) -> None:
        self.settings = settings
        self.hits = 0
        self.misses = 0
        self._previous: dict[str, tuple[bytes, dict[str, Any]]] = {}
        self._kept: dict[str, bytes] = {}  # source -> line of the previous cache, reused as is
        self._fresh: dict[str, dict[str, Any]] = {}  # source -> entry made in this run
        self._intact = False  # whether every line of the previous cache was usable
        if previous is not None:
            self._read(previous)

    # -- lookups ---------------------------------------------------------------------------

    def file(self, source: str, digest: str, where: str) -> tuple[Record, list[Diagnostic]] | None:
        """The record and diagnostics of the file `source` whose bytes hash to `digest`, with
        diagnostics located at `where`; None when the cache does not hold them."""
        found = self._previous.get(source)
        if found is None or found[1].get("digest") != digest:
            return None
        line, entry = found
        try:
            record = _decode_record(entry["kind"], entry["record"])
            diagnostics = [_decode_diagnostic(where, item) for item in entry["diagnostics"]]
        except _DECODE_ERRORS:
            return None
        self.hits += 1
        self._kept[source] = line
        return record, diagnostics

    def remember_file(
        self,
        source: str,
        digest: str,
        where: str,
        record: Record,
        diagnostics: Iterable[Diagnostic],
    ) -> None:
        """Keep what `load` made of a file it parsed (diagnostics located elsewhere are not
        kept, and nor is the file: it will be parsed again)."""
        self.misses += 1
        found = list(diagnostics)
        if any(d.path != where for d in found):
            return
        if isinstance(record, Descriptor) and _example_chars(record) > MAX_CACHED_EXAMPLE_CHARS:
            return
        kind = "descriptor" if isinstance(record, Descriptor) else "page" if record else "none"
        self._fresh[source] = {
            "source": source,
            "digest": digest,
            "kind": kind,
            "record": record,
            "diagnostics": [[d.line, d.col, d.severity, d.message] for d in found],
        }

    def examples(self, descriptor: Descriptor) -> ParsedExamples | None:
        """The parsed examples of a descriptor that came from the cache, or None."""
        if descriptor.source not in self._kept:
            return None
        entry = self._previous[descriptor.source][1]
        if "examples" not in entry:
            return None
        try:
            return _decode_examples(entry["examples"])
        except _DECODE_ERRORS:
            return None

    def remember_examples(self, descriptor: Descriptor, examples: ParsedExamples) -> None:
        """Keep the examples parsed for a descriptor (with its file's entry)."""
        entry = self._fresh.get(descriptor.source)
        if entry is None and self._kept.pop(descriptor.source, None) is not None:
            # A cached file without its examples: its line is written anew, with them.
            entry = self._fresh[descriptor.source] = self._previous[descriptor.source][1]
        if entry is not None and entry.get("digest") == descriptor.digest:
            entry["examples"] = examples

    # -- the file ----------------------------------------------------------------------------

    @property
    def changed(self) -> bool:
        """Whether `to_bytes` differs from the cache this one was read from."""
        return bool(self._fresh) or not self._intact or len(self._kept) != len(self._previous)

    def to_bytes(self) -> bytes:
        """The cache file for the next run: a header line, then one line per file, each
        `<sha256 of the entry> <entry JSON>`, in path order."""
        lines = {**self._kept}
        for source, entry in self._fresh.items():
            # Records hold no NaN or infinity, which JSON could not carry back: example bodies
            # with them are refused by `http`, and descriptor fields hold no floats.
            try:
                payload = orjson.dumps(entry)
            except (TypeError, orjson.JSONEncodeError):
                # Integers beyond 64 bits or lone surrogates: this file is parsed every run.
                continue
            lines[source] = hashlib.sha256(payload).hexdigest().encode("ascii") + b" " + payload
        header = orjson.dumps(
            {"format": _FORMAT, "parser": parser_digest(), "settings": self.settings}
        )
        return b"\n".join([header, *(lines[source] for source in sorted(lines))]) + b"\n"

    def _read(self, data: bytes) -> None:
        head, _, body = data.partition(b"\n")
        try:
            header = orjson.loads(head)
        except orjson.JSONDecodeError:
            return
        expected = {"format": _FORMAT, "parser": parser_digest(), "settings": self.settings}
        if header != expected:
            return
        lines = body.split(b"\n")
        if lines[-1] == b"":
            lines.pop()
        for line in lines:
            checksum, _, payload = line.partition(b" ")
            if hashlib.sha256(payload).hexdigest().encode("ascii") != checksum:
                continue
            try:
                entry = orjson.loads(payload)
            except orjson.JSONDecodeError:
                continue
            if isinstance(entry, dict) and isinstance(entry.get("source"), str):
                self._previous[entry["source"]] = (line, entry)
        self._intact = len(self._previous) == len(lines) and data.endswith(b"\n")


def parse_settings(config: Config) -> list[int]:
    """The settings that parsing depends on (a cache made with others is not used)."""
    return [config.max_depth, config.max_body_bytes]


def read_parse_cache(config: Config) -> ParseCache:
    """The parse cache in the output folder, or an empty one when it is missing or unusable."""
    from apidocgen.write import read_regular_file

    data = read_regular_file(config.output / PARSE_CACHE)
    return ParseCache(parse_settings(config), data)


def _example_chars(descriptor: Descriptor) -> int:
    more = sum(len(e.request) + len(e.response) for e in descriptor.more_examples)
    return len(descriptor.example_request) + len(descriptor.example_response) + more


def _decode_diagnostic(where: str, item: list[Any]) -> Diagnostic:
    line, col, severity, message = item
    if severity not in ("error", "warning"):
        raise ValueError(severity)
    return Diagnostic(
        where, int(line), int(col), "error" if severity == "error" else "warning", str(message)
    )


def _decode_record(kind: str, data: Any) -> Record:
    if kind == "none":
        return None
    if kind == "page":
        return Page(**data)
    if kind != "descriptor":
        raise ValueError(kind)
    parameters = {
        name: tuple(Parameter(**p) for p in data[name])
        for name in ("path_parameters", "query_parameters", "body_parameters")
    }
    lines = tuple((str(key), int(line)) for key, line in data["field_lines"])
    notes = tuple(str(note) for note in data.get("acknowledged") or ())
    more = tuple(ExampleText(**item) for item in data.get("more_examples") or ())
    return Descriptor(
        **{
            **data,
            **parameters,
            "field_lines": lines,
            "acknowledged": notes,
            "more_examples": more,
        }
    )


def _decode_examples(data: dict[str, Any]) -> ParsedExamples:
    request = data["request"]
    response = data["response"]
    return ParsedExamples(
        request=None
        if request is None
        else HttpRequest(
            method=request["method"],
            target=request["target"],
            path=request["path"],
            query=tuple((str(k), str(v)) for k, v in request["query"]),
            version=request["version"],
            headers=_decode_headers(request["headers"]),
            body=Body(**request["body"]),
            start=request["start"],
        ),
        response=None
        if response is None
        else HttpResponse(
            version=response["version"],
            status=int(response["status"]),
            reason=response["reason"],
            headers=_decode_headers(response["headers"]),
            body=Body(**response["body"]),
            links=tuple(
                Link(
                    link["url"],
                    link["rel"],
                    tuple((str(k), str(v)) for k, v in link["params"]),
                )
                for link in response["links"]
            ),
            start=response["start"],
        ),
        problems=tuple(
            ExampleProblem(p["field"], HttpProblem(**p["problem"])) for p in data["problems"]
        ),
    )


def _decode_headers(data: dict[str, Any]) -> Headers:
    return Headers(tuple(Header(h["name"], h["value"]) for h in data["items"]))
