"""Render units: the outputs rendered together, and the digest of what each is made from.

A unit is rendered again only when that digest changed (or its files were edited by hand),
so an edit re-renders what depends on it and nothing else:

- `models`: `models.py`, from the schemas and each operation's JSON body schemas;
- `docs`: the whole site, split into `page:<operation id>` (an endpoint page: its operation,
  the schemas it references and the site's skeleton, i.e. every page's path, section and
  model name) and `models-page` (every schema and the operations that use each);
- `client`: the package, split into `client:<module>` (one section's module).

Every digest includes the settings and `reuse.code_digest` (the generator and its templates).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from apidocgen.config import Config
from apidocgen.digests import stable_hash
from apidocgen.manifest import CLIENT_TYPES
from apidocgen.model import REF_PREFIX, Api, Examples, Operation
from apidocgen.reuse import Reuse, code_digest

if TYPE_CHECKING:
    import jinja2

    from apidocgen.result import RunResult
    from apidocgen.workers import ModelsWorker


@dataclasses.dataclass(frozen=True)
class _Unit:
    """A group of outputs rendered together from one slice of the API."""

    name: str
    key: str
    render: Callable[[], dict[str, str]]


def render_units(
    api: Api,
    config: Config,
    reuse: Reuse,
    result: RunResult,
    worker: ModelsWorker | None,
    *,
    parallel_models: bool,
) -> None:
    """Render every unit whose inputs changed into `result.files`; keep the others."""
    from apidocgen.render.templates import shipped_templates_dir, template_environment

    env = template_environment(config.templates)
    dirs = (shipped_templates_dir(), *([config.templates] if config.templates else []))
    settings = stable_hash(
        [{k: str(v) for k, v in vars(config).items() if k not in ("input", "output")}]
        + [code_digest(*dirs)]
    )
    models_key = stable_hash(["models", settings, _models_input(api)])
    units = [
        _Unit("models", models_key, lambda: _render_models(api, config)),
        _Unit(
            "docs",
            stable_hash(["docs", settings, api]),
            lambda: _render_docs(api, config, env, settings, reuse, result),
        ),
        _Unit(
            "client",
            stable_hash(["client", settings, _client_input(api), models_key]),
            lambda: _render_client(api, config, env, reuse, result, models_key),
        ),
    ]
    todo = []
    for unit in units:
        result.units[unit.name] = unit.key
        if reuse.unchanged(unit.name, unit.key):
            result.reuse(unit.name, reuse.files(unit.name))
            for inner in reuse.units_within(unit.name):
                result.units[inner] = reuse.units[inner]
                result.reuse(inner, reuse.files(inner))
        else:
            todo.append(unit)
    result.rendered_units.extend(unit.name for unit in todo)
    # The models are the slowest renderer: in a second process while this one renders the rest.
    models_future = None
    if todo and todo[0].name == "models":
        if worker is None and parallel_models:
            from apidocgen.workers import ModelsWorker

            worker = ModelsWorker.start()
        if worker is not None:
            models_future = worker.submit(api, config)
            todo = todo[1:]
    for unit in todo:
        rendered = unit.render()
        result.files.update(rendered)
        for path in rendered:
            result.unit_of.setdefault(path, unit.name)
    if models_future is not None:
        rendered = models_future.result()
        result.files.update(rendered)
        result.unit_of.update(dict.fromkeys(rendered, "models"))


def _render_models(api: Api, config: Config) -> dict[str, str]:
    from apidocgen.workers import render_models

    return render_models(api, config)


def _models_input(api: Api) -> list[Any]:
    """What `render.models.plan_models` reads: the schemas, and each routed operation's id
    (class names derive from it) with its JSON request and response schemas."""
    from apidocgen.render.model_plan import json_request_schema, json_response_schema

    return [
        api.schemas,
        [[op.operation_id, json_request_schema(op), json_response_schema(op)] for op in api.routed],
    ]


def _client_input(api: Api) -> list[Any]:
    """What the client is rendered from: the API less what only the docs show (prose of
    pages, examples other than the request paths the README's example takes values from)."""
    return [
        [[t.name, t.description] for t in api.tags],
        [
            dataclasses.replace(
                op,
                examples=Examples(request=op.examples.request),
                page="",
                source="",
                sidebar_order=None,
            )
            for op in api.routed
        ],
        api.server,
        api.title,
    ]


def _render_client(
    api: Api,
    config: Config,
    env: jinja2.Environment,
    reuse: Reuse,
    result: RunResult,
    models_key: str,
) -> dict[str, str]:
    """The client package, rendering only the section modules whose inputs changed (and
    planning the models only when their inputs changed)."""
    from apidocgen.render.client import ClientTypes, render_client_except

    types = ClientTypes.from_bytes(reuse.client_types, models_key)
    if types is None:
        types = ClientTypes.of(api)
    else:
        result.rendered_units.append("client types reused")
    result.caches[CLIENT_TYPES] = types.to_bytes(models_key)

    def unchanged(path: str, key: str) -> bool:
        return reuse.unchanged(f"client:{path}", key) and path in reuse.files(f"client:{path}")

    files, keys = render_client_except(api, config, env, unchanged, types)
    for path, key in keys.items():
        unit = f"client:{path}"
        result.units[unit] = key
        if path in files:
            result.unit_of[path] = unit
        else:
            result.reuse(unit, [path])
    return files


def _render_docs(
    api: Api,
    config: Config,
    env: jinja2.Environment,
    settings: str,
    reuse: Reuse,
    result: RunResult,
) -> dict[str, str]:
    """The docs, rendering only the endpoint pages whose own inputs changed."""
    from apidocgen.render.docs import MODELS_PAGE_KEY, render_docs_except

    skeleton = stable_hash(
        [
            [[op.operation_id, op.page, op.source, op.tag] for op in api.operations],
            [[t.name, t.folder] for t in api.tags],
            [[p.source, p.digest] for p in api.pages],
            [[s.path, s.title, s.intro, s.sidebar_order] for s in api.folders],
            sorted(api.schemas),
            api.server,
            [api.title, api.version],
        ]
    )
    references = _References(api.schemas)
    keys = {
        op.operation_id: stable_hash(
            [
                "page",
                settings,
                skeleton,
                op,
                {name: api.schemas[name] for name in sorted(references.of(op))},
            ]
        )
        for op in api.operations
    }
    skip = frozenset(
        operation_id
        for operation_id, key in keys.items()
        if reuse.unchanged(f"page:{operation_id}", key)
    )
    # The models page lists every schema and the operations that use each: not their prose.
    models_key = stable_hash(
        [
            "models page",
            settings,
            skeleton,
            api.schemas,
            [[op.operation_id, op.summary, op.page, op.method] for op in api.operations],
        ]
    )
    skip_models = reuse.unchanged("models-page", models_key)
    files, page_of = render_docs_except(api, env, config, skip, skip_models)
    if MODELS_PAGE_KEY in page_of:
        result.units["models-page"] = models_key
        if skip_models:
            result.reuse("models-page", reuse.files("models-page"))
        else:
            result.unit_of[page_of[MODELS_PAGE_KEY]] = "models-page"
    for operation_id, key in keys.items():
        unit = f"page:{operation_id}"
        result.units[unit] = key
        if operation_id in skip:
            result.reuse(unit, reuse.files(unit))
        elif operation_id in page_of:
            result.unit_of[page_of[operation_id]] = unit
    return files


class _References:
    """Which schemas an operation references, directly or through other schemas.

    Each schema's own references are collected once, however many operations reach it.
    Examples are data, never schemas: they are not searched (they are the bulk of an
    operation)."""

    def __init__(self, schemas: dict[str, Any]) -> None:
        self.schemas = schemas
        self._direct: dict[str, set[str]] = {}

    def of(self, op: Operation) -> set[str]:
        used: list[Any] = [p.schema for p in op.parameters]
        if op.request_body is not None:
            used.append(op.request_body.content.schema)
        used.extend(r.content.schema for r in op.responses if r.content is not None)
        found: set[str] = set()
        stack = list(self._direct_references(used))
        while stack:
            name = stack.pop()
            if name in found:
                continue
            found.add(name)
            direct = self._direct.get(name)
            if direct is None:
                direct = self._direct[name] = self._direct_references(self.schemas[name])
            stack.extend(direct)
        return found

    def _direct_references(self, value: Any) -> set[str]:
        names: set[str] = set()
        stack = [value]
        while stack:
            item = stack.pop()
            if isinstance(item, dict):
                ref = item.get("$ref")
                if isinstance(ref, str) and ref.startswith(REF_PREFIX):
                    name = ref.rsplit("/", 1)[1]
                    if name in self.schemas:
                        names.add(name)
                stack.extend(v for k, v in item.items() if k not in ("$ref", "example", "examples"))
            elif isinstance(item, list):
                stack.extend(item)
        return names
