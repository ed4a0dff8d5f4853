"""From recorded exchanges to changes of a descriptor folder: which exchanges are kept, the
route of each, the examples added to existing descriptors and the new descriptors.

Nothing is guessed silently: the plan says, line by line, what it skips and why, each new
descriptor with its parameters and why each is one, each example added, and each secret
replaced. Merging never rewrites a hand-written field: existing descriptors only get further
`examples` (an exchange equal to one they already show is not added again, so importing the
same traffic twice changes nothing).
"""

from __future__ import annotations

import json
import re
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl

from apidocgen.capture.exchange import Exchange, request_text, response_text
from apidocgen.capture.front_matter import add_examples
from apidocgen.capture.redact import Redactions, redact, redacted_pairs, redacted_value
from apidocgen.capture.routes import Naming, Route, Sample, find_routes, is_identifier
from apidocgen.config import DEFAULT_MAX_BODY_BYTES, DEFAULT_MAX_DEPTH, DEFAULT_MAX_DESCRIPTOR_BYTES
from apidocgen.diagnostics import Diagnostic, has_errors, warning
from apidocgen.http import parse_examples
from apidocgen.load import Descriptor, load_input
from apidocgen.migrate import seed_format
from apidocgen.naming import slug, words
from apidocgen.paths import placeholder_names, route_key, template_values

HEADER = "# Recorded by `apidocgen import`: review the title, description and parameters."
# Responses that are a page's assets, not the API's answers (skipped unless asked for).
_NOT_API = re.compile(r"text/html|text/css|javascript|image/|font/|video/|audio/", re.I)


@dataclass(frozen=True)
class ImportOptions:
    hosts: tuple[str, ...] = ()  # keep only these hosts (default: the API's, see `_hosts`)
    prefixes: tuple[str, ...] = ()  # keep only paths under these
    media: tuple[str, ...] = ()  # keep only responses of these content types (substrings)
    routes: tuple[str, ...] = ()  # declared route templates
    keep_headers: frozenset[str] = frozenset()  # header names (lower case) that are not secret
    naming: Naming = Naming()
    max_examples: int = 5  # further examples added per descriptor and import


@dataclass
class ImportPlan:
    """The files to write (path -> full text), what each line of the report says, and the
    diagnostics (on an error nothing is to be written)."""

    files: dict[Path, str] = field(default_factory=dict)
    created: list[Path] = field(default_factory=list)
    report: list[str] = field(default_factory=list)
    diagnostics: list[Diagnostic] = field(default_factory=list)
    redactions: Redactions = field(default_factory=Redactions)

    @property
    def failed(self) -> bool:
        return has_errors(self.diagnostics)


def plan_import(
    exchanges: Sequence[Exchange], into: Path, options: ImportOptions = ImportOptions()
) -> ImportPlan:
    plan = ImportPlan()
    existing: list[Descriptor] = []
    if into.is_dir():
        loaded = load_input(
            into,
            max_descriptor_bytes=DEFAULT_MAX_DESCRIPTOR_BYTES,
            max_depth=DEFAULT_MAX_DEPTH,
        )
        plan.diagnostics.extend(d for d in loaded.diagnostics if d.severity == "error")
        existing = [d for d in loaded.descriptors if d.api_path is not None]
        if plan.failed:
            return plan
    kept = _kept(exchanges, existing, options, plan)
    kept = [redact(e, options.keep_headers, plan.redactions) for e in kept]
    samples = [Sample(e.method, e.path, _shape(e.response_json())) for e in kept]
    known = [d.api_path for d in existing if d.api_path]
    routes = find_routes(samples, known, options.routes, options.naming)
    groups: dict[tuple[str, str], list[tuple[Exchange, Route]]] = defaultdict(list)
    for exchange, route in zip(kept, routes, strict=True):
        groups[(exchange.method, route_key(route.template))].append((exchange, route))
    owners = {(d.method, route_key(d.api_path or "")): d for d in existing}
    taken = {into / d.source for d in existing}
    for key in sorted(groups):
        members = groups[key]
        owner = owners.get(key)
        if owner is not None:
            _add_to_existing(owner, members, into, options, plan)
        else:
            _new_descriptor(key[0], members, into, taken, options, plan)
    if plan.redactions.found:
        plan.report.append(
            "secrets replaced by placeholders: " + ", ".join(sorted(plan.redactions.found))
        )
    return plan


# ---- which exchanges ------------------------------------------------------------------


def _kept(
    exchanges: Sequence[Exchange],
    existing: Sequence[Descriptor],
    options: ImportOptions,
    plan: ImportPlan,
) -> list[Exchange]:
    hosts = _hosts(exchanges, existing, options)
    skipped: Counter[str] = Counter()
    kept = []
    for exchange in exchanges:
        media = exchange.header("Content-Type") or ""
        if hosts and exchange.host not in hosts:
            skipped[f"to another host ({exchange.host})"] += 1
        elif options.prefixes and not exchange.path.startswith(options.prefixes):
            skipped["outside the path prefixes"] += 1
        elif options.media and not any(m.lower() in media.lower() for m in options.media):
            skipped[f"of another content type ({media or 'none'})"] += 1
        elif not options.media and _NOT_API.search(media):
            skipped[f"not API traffic ({media.split(';')[0]})"] += 1
        elif exchange.method == "OPTIONS" and exchange.header("Access-Control-Allow-Origin"):
            skipped["CORS preflight requests"] += 1
        else:
            kept.append(exchange)
    for reason, count in sorted(skipped.items()):
        plan.report.append(f"skipped {count} exchange(s) {reason}")
    return kept


def _hosts(
    exchanges: Sequence[Exchange], existing: Sequence[Descriptor], options: ImportOptions
) -> set[str]:
    """The hosts kept: those asked for; else those of the existing descriptors' examples
    that the traffic reaches; else the host most of the traffic goes to."""
    if options.hosts:
        return {h.lower() for h in options.hosts}
    seen = Counter(e.host for e in exchanges)
    documented = {
        host.lower().split(":")[0]
        for d in existing
        for host in re.findall(r"(?im)^host:\s*(\S+)", d.example_request)
    }
    if documented & seen.keys():
        return documented & seen.keys()
    return {seen.most_common(1)[0][0]} if seen else set()


def _shape(value: Any, prefix: str = "", depth: int = 0) -> frozenset[str] | None:
    """The field paths of a JSON body (two levels), for comparing answers."""
    if isinstance(value, list):
        items = [_shape(item, prefix + "[]", depth) for item in value[:5]]
        return frozenset().union(*[i for i in items if i]) if items else frozenset({prefix + "[]"})
    if not isinstance(value, dict):
        return None if not prefix else frozenset()
    out = {f"{prefix}.{key}" for key in value}
    if depth < 1:
        for key, item in value.items():
            out |= _shape(item, f"{prefix}.{key}", depth + 1) or frozenset()
    return frozenset(out)


# ---- examples -------------------------------------------------------------------------


def identity(request: str, response: str) -> tuple[Any, ...]:
    """What makes two example exchanges the same: request method, path, query and body;
    response status and body (JSON compared as data, credentials aside)."""
    parsed = parse_examples(
        request, response, max_body_bytes=DEFAULT_MAX_BODY_BYTES, max_depth=DEFAULT_MAX_DEPTH
    )
    req, res = parsed.request, parsed.response

    def body(value: Any) -> str:
        if value is None:
            return ""
        if value.is_structured:
            return json.dumps(redacted_value(value.value), sort_keys=True)
        return str(value.text).strip()

    # Compared as an import writes them: with credentials replaced on both sides.
    return (
        (req.method, req.path, tuple(sorted(redacted_pairs(req.query))), body(req.body))
        if req
        else None,
        (res.status, body(res.body)) if res else None,
    )


def _known_identities(descriptor: Descriptor) -> set[tuple[Any, ...]]:
    found = {identity(descriptor.example_request, descriptor.example_response)}
    found |= {identity(e.request, e.response) for e in descriptor.more_examples}
    return found


def _example_name(exchange: Exchange, template: str, main: Exchange | None) -> str:
    """What tells this example apart: its parameter values and query, and its status."""
    values = template_values(template, exchange.path) or {}
    main_values = template_values(template, main.path) or {} if main else {}
    parts = [f"{k}={v}" for k, v in values.items() if main_values.get(k) != v]
    main_query = dict(parse_qsl(main.query)) if main else {}
    parts += [f"{k}={v}" for k, v in parse_qsl(exchange.query) if main_query.get(k) != v]
    label = ", ".join(parts)[:50]
    return f"{exchange.status} {label}".strip()


def _items(
    members: list[tuple[Exchange, Route]],
    template: str,
    known: set[tuple[Any, ...]],
    main: Exchange | None,
    limit: int,
) -> tuple[list[dict[str, Any]], int]:
    """The members not already shown, as `examples` entries (at most `limit`); and how many
    more there were."""
    items: list[dict[str, Any]] = []
    extra = 0
    names: set[str] = set()
    for exchange, _ in members:
        request, response = request_text(exchange), response_text(exchange)
        key = identity(request, response)
        if key in known:
            continue
        known.add(key)
        if len(items) >= limit:
            extra += 1
            continue
        name, number = _example_name(exchange, template, main), 2
        base = name
        while name.lower() in names:
            name, number = f"{base} ({number})", number + 1
        names.add(name.lower())
        items.append({"name": name, "request": request, "response": response})
    return items, extra


def _add_to_existing(
    owner: Descriptor,
    members: list[tuple[Exchange, Route]],
    into: Path,
    options: ImportOptions,
    plan: ImportPlan,
) -> None:
    path = into / owner.source
    main = _main_exchange(owner, members)
    items, extra = _items(
        members, owner.api_path or "", _known_identities(owner), main, options.max_examples
    )
    if not items:
        plan.report.append(f"unchanged {owner.source}: {len(members)} exchange(s) already shown")
        return
    text = plan.files.get(path) or path.read_text("utf-8")
    edited = add_examples(text, items)
    if edited is None:
        plan.diagnostics.append(
            warning(
                str(path),
                owner.line_of("examples") if owner.more_examples else 2,
                1,
                f"cannot add {len(items)} example(s) here (its front matter is not a JSON"
                " object this tool can edit without touching other bytes); add them by hand",
            )
        )
        return
    plan.files[path] = edited
    more = f" ({extra} more left out: --max-examples)" if extra else ""
    plan.report.append(f"add {len(items)} example(s) to {owner.source}{more}")


def _main_exchange(owner: Descriptor, members: list[tuple[Exchange, Route]]) -> Exchange | None:
    """The member recorded at the descriptor's own example path, if any."""
    target = owner.example_request.split("\n", 1)[0].split()
    path = target[1].split("?")[0] if len(target) > 1 else ""
    return next((e for e, _ in members if e.path == path), None)


# ---- new descriptors ------------------------------------------------------------------


def _new_descriptor(
    method: str,
    members: list[tuple[Exchange, Route]],
    into: Path,
    taken: set[Path],
    options: ImportOptions,
    plan: ImportPlan,
) -> None:
    members = sorted(members, key=lambda m: (m[0].status >= 400, m[0].status))
    first, route = members[0]
    template = route.template
    items, extra = _items(
        members[1:], template, {identity(*_texts(first))}, first, options.max_examples
    )
    data: dict[str, Any] = {
        "api_path": template,
        "method": method,
        "title": _title(method, template),
        "description": None,
        "authentication": "required" if first.header("Authorization", response=False) else None,
        "path_parameters": _path_parameters(template, [m[0] for m in members]) or None,
        "query_parameters": _query_parameters([m[0] for m in members]) or None,
        "parameters": None,
        "sidebar_order": None,
        "warning": None,
        "example_request": request_text(first),
        "example_response": response_text(first),
    }
    if items:
        data["examples"] = items
    path = _new_path(into, template, data["title"], taken)
    plan.files[path] = seed_format(data, HEADER)
    plan.created.append(path)
    rel = path.relative_to(into).as_posix()
    line = f"new {rel}: {method} {template} ({len(members)} exchange(s), title {data['title']!r})"
    plan.report.append(line)
    for name, why in route.reasons:
        plan.report.append(f"  parameter {name}: {why}")
    if route.how == "literal" and any(not is_identifier(p) for p in template.split("/") if p):
        plan.report.append("  every segment is literal: declare a --route if some of them vary")
    if extra:
        plan.report.append(f"  {extra} more distinct exchange(s) left out (--max-examples)")


def _texts(exchange: Exchange) -> tuple[str, str]:
    return request_text(exchange), response_text(exchange)


def _title(method: str, template: str) -> str:
    literals = [p for p in template.split("/") if p and "{" not in p]
    resource = " ".join(words(literals[-1])).title() if literals else "Resource"
    item = template.rstrip("/").endswith("}")
    singular = re.sub(r"ies$", "y", resource) if resource.endswith("ies") else resource.rstrip("s")
    if method == "GET":
        return f"Retrieve a {singular}" if item else f"List {resource}"
    verbs = {"POST": "Create", "PUT": "Update", "PATCH": "Update", "DELETE": "Delete"}
    return f"{verbs.get(method, method.title())} a {singular if item else resource}"


def _path_parameters(template: str, exchanges: list[Exchange]) -> list[dict[str, Any]]:
    out = []
    for name in placeholder_names(template):
        values = [(template_values(template, e.path) or {}).get(name, "") for e in exchanges]
        numeric = all(v.isdigit() for v in values if v)
        out.append({"name": name, "type": "int" if numeric else "string", "description": None})
    return out


def _query_parameters(exchanges: list[Exchange]) -> list[dict[str, Any]]:
    seen: dict[str, list[str]] = defaultdict(list)
    for exchange in exchanges:
        for name, value in parse_qsl(exchange.query, keep_blank_values=True):
            seen[name].append(value)
    out = []
    for name, values in sorted(seen.items()):
        if any(v == "<redacted>" for v in values):
            continue  # a credential: not documentation
        kind = "string"
        if values and all(re.fullmatch(r"-?\d+", v) for v in values):
            kind = "int"
        elif values and all(v.lower() in ("true", "false") for v in values):
            kind = "boolean"
        out.append({"name": name, "type": kind, "description": None})
    return out


def _new_path(into: Path, template: str, title: str, taken: set[Path]) -> Path:
    """`<section>/<title>.md`: the section is the path's first word that is not `api` or a
    version (`/api/0/teams/...` -> `teams`)."""
    literals = [p for p in template.split("/") if p and "{" not in p]
    meaningful = [p for p in literals if p.lower() != "api" and not re.fullmatch(r"v?\d+", p)]
    section = slug(meaningful[0]) if meaningful else "api"
    stem = slug(title) or "endpoint"
    path, number = into / section / f"{stem}.md", 2
    while path in taken:
        path, number = into / section / f"{stem}-{number}.md", number + 1
    taken.add(path)
    return path
