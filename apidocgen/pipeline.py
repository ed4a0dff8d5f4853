"""The one-way pipeline: load -> http -> infer -> spec -> render. Data in, file texts out.

`run` returns every output file's text and every diagnostic; it never prints and never writes
(`write` does that, and the command line decides what to print). Given the previous run's
manifest it renders only the outputs whose inputs changed (incremental runs), and it renders
the models in a second process beside the pages when both need work.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import orjson

from apidocgen.config import Config
from apidocgen.diagnostics import Diagnostic, error, has_errors, warning
from apidocgen.forking import can_fork
from apidocgen.http import parse_examples
from apidocgen.infer import BodySample, InferenceResult, infer_schemas
from apidocgen.load import LoadResult, descriptor_schema_text, load_input
from apidocgen.manifest import parent_unit, stable_hash
from apidocgen.model import Api
from apidocgen.model.build import build_api
from apidocgen.model.endpoints import Endpoint, assign_operation_ids, body_samples
from apidocgen.parse_cache import ParseCache
from apidocgen.render.openapi import dump_openapi, openapi_document

if TYPE_CHECKING:
    from concurrent.futures import Future, ProcessPoolExecutor

ProgressCallback = Callable[[str], None]
# The descriptor format, published in the output (and so in the site) beside openapi.json.
DESCRIPTOR_SCHEMA_FILE = "descriptor.schema.json"
# Below this many components, a second process costs more than it saves.
_PARALLEL_MODELS_THRESHOLD = 40
# From this many endpoints on, the second process is started before inference.
_EARLY_WORKER_ENDPOINTS = 100


@dataclass
class RunResult:
    """What a run produced.

    `files` maps output-relative posix paths to text; `reused` lists outputs whose inputs did
    not change since the previous run (left as they are on disk); `units` records the digest of
    what each render unit was built from and `unit_of` which unit wrote each output (for the
    next incremental run).
    """

    files: dict[str, str] = field(default_factory=dict)
    reused: set[str] = field(default_factory=set)
    units: dict[str, str] = field(default_factory=dict)
    unit_of: dict[str, str] = field(default_factory=dict)
    diagnostics: list[Diagnostic] = field(default_factory=list)
    api: Api | None = None
    openapi: dict[str, Any] | None = None
    timings: dict[str, float] = field(default_factory=dict)
    counts: dict[str, int] = field(default_factory=dict)
    rendered_units: list[str] = field(default_factory=list)
    # Files for the cache folder (output-relative path -> bytes), for the next run.
    caches: dict[str, bytes] = field(default_factory=dict)

    @property
    def failed(self) -> bool:
        return has_errors(self.diagnostics)

    def reuse(self, unit: str, paths: list[str]) -> None:
        """Keep `paths`, written by `unit` in the previous run, as they are on disk."""
        for path in paths:
            self.reused.add(path)
            self.unit_of[path] = unit


def _noop(stage: str) -> None:
    return None


def run(
    config: Config,
    *,
    display_input: str | None = None,
    progress: ProgressCallback = _noop,
    lint_only: bool = False,
    previous: dict[str, Any] | None = None,
    previous_openapi: dict[str, Any] | None = None,
    parse_cache: ParseCache | None = None,
    previous_client_types: bytes | None = None,
) -> RunResult:
    """Run every stage; stop after the first stage that reports errors.

    `previous_client_types` is what the previous run kept of its model plan for the client
    (`RunResult.caches`): used when the models' inputs are unchanged.

    `parse_cache` holds what earlier runs parsed, by file content: unchanged files are not
    parsed again, and what this run parses is added to it (for the command line to write).

    `previous_openapi` is the document the previous run wrote: when the example bodies and
    what names them are unchanged, its schemas are reused instead of inferred again.

    `previous` is the manifest of the last run into the same output folder; outputs whose key
    is unchanged are reused instead of rendered.
    """
    result = RunResult()
    clock = time.perf_counter()

    def lap(stage: str) -> None:
        nonlocal clock
        now = time.perf_counter()
        result.timings[stage] = result.timings.get(stage, 0.0) + now - clock
        clock = now

    progress("load")
    loaded = _load(config, display_input, parse_cache)
    result.diagnostics.extend(loaded.diagnostics)
    lap("load")
    progress("http")
    endpoints = _parse_examples(
        loaded, config, display_input or str(config.input), result.diagnostics, parse_cache
    )
    lap("http")
    result.counts = {"endpoints": len(endpoints), "pages": len(loaded.pages)}
    if parse_cache is not None:
        result.counts["parsed"] = parse_cache.misses
        result.counts["parse cache hits"] = parse_cache.hits
    if config.strict:
        result.diagnostics = [
            error(d.path, d.line, d.col, d.message) if d.severity == "warning" else d
            for d in result.diagnostics
        ]
    result.diagnostics.sort()
    if result.failed or lint_only:
        return result
    # A large API generated afresh will need its models: start the second process now, so
    # that importing datamodel-code-generator there overlaps inference here.
    fresh = not ((previous or {}).get("units") or {}).get("models")
    early = fresh and len(endpoints) >= _EARLY_WORKER_ENDPOINTS
    worker = _ModelsWorker.start() if early else None
    try:
        _infer_and_render(
            config,
            loaded,
            endpoints,
            result,
            previous,
            previous_openapi,
            previous_client_types,
            progress,
            lap,
            worker,
        )
    finally:
        if worker is not None:
            worker.close()
    return result


def collect_samples(config: Config) -> tuple[list[BodySample], list[Diagnostic]]:
    """The example bodies inference learns from, as a run gathers them (load, http, spec's
    selection), with the diagnostics; for benchmarks and tests of the inference stage."""
    loaded, endpoints, diagnostics = parse_input(config)
    return body_samples(endpoints, loaded.sections), diagnostics


def _load(config: Config, display_input: str | None, parse_cache: ParseCache | None) -> LoadResult:
    return load_input(
        config.input,
        max_descriptor_bytes=config.max_descriptor_bytes,
        max_depth=config.max_depth,
        display_root=display_input,
        cache=parse_cache,
    )


def parse_input(
    config: Config, *, display_input: str | None = None, parse_cache: ParseCache | None = None
) -> tuple[LoadResult, tuple[Endpoint, ...], list[Diagnostic]]:
    """The load and http stages as a run does them: records, endpoints and diagnostics."""
    loaded = _load(config, display_input, parse_cache)
    diagnostics = list(loaded.diagnostics)
    shown = display_input or str(config.input)
    endpoints = _parse_examples(loaded, config, shown, diagnostics, parse_cache)
    return loaded, endpoints, diagnostics


def _infer_and_render(
    config: Config,
    loaded: LoadResult,
    endpoints: tuple[Endpoint, ...],
    result: RunResult,
    previous: dict[str, Any] | None,
    previous_openapi: dict[str, Any] | None,
    previous_client_types: bytes | None,
    progress: ProgressCallback,
    lap: Callable[[str], None],
    worker: _ModelsWorker | None,
) -> None:
    progress("infer")
    samples = body_samples(endpoints, loaded.sections)
    samples_key = _samples_key(samples)
    result.units["inference"] = samples_key
    inference = None
    old_units = (previous or {}).get("units") or {}
    if (
        previous_openapi is not None
        and old_units.get("inference") == samples_key
        and "openapi" in old_units
    ):
        inference = _previous_inference(previous_openapi, samples)
    if inference is None:
        inference = infer_schemas(samples)
    else:
        result.rendered_units.append("inference reused")
    lap("infer")
    progress("spec")
    api = build_api(
        endpoints,
        loaded.sections,
        loaded.pages,
        inference,
        title=config.title,
        version=config.version,
        base_url=config.base_url,
    )
    openapi = openapi_document(api)
    result.api = api
    result.openapi = openapi
    result.files["openapi.json"] = dump_openapi(openapi)
    result.files[DESCRIPTOR_SCHEMA_FILE] = descriptor_schema_text()
    result.counts["models"] = len(openapi["components"]["schemas"])
    lap("spec")
    progress("render")
    _render(openapi, loaded, config, previous or {}, result, worker, previous_client_types)
    lap("render")


def _samples_key(samples: list[BodySample]) -> str:
    """A digest of everything inference reads (bodies and the context that names them)."""
    data = [
        [
            s.key,
            s.role,
            s.value,
            s.operation_id,
            s.title,
            s.api_path,
            s.method,
            s.section,
            [[d.name, d.schema, d.description, d.required] for d in s.documented],
        ]
        for s in samples
    ]
    try:
        text = orjson.dumps(data, option=orjson.OPT_SORT_KEYS)
    except (TypeError, orjson.JSONEncodeError):
        return stable_hash(data)
    return hashlib.sha256(text).hexdigest()


def _previous_inference(
    document: dict[str, Any], samples: list[BodySample]
) -> InferenceResult | None:
    """The inference result that produced `document`, read back from it (None if incomplete)."""
    operations = {
        op.get("operationId"): op
        for item in (document.get("paths") or {}).values()
        if isinstance(item, dict)
        for op in item.values()
        if isinstance(op, dict)
    }
    roots: dict[str, dict[str, Any]] = {}
    for sample in samples:
        op = operations.get(sample.operation_id)
        if op is None:
            return None
        if sample.role == "request":
            contents = ((op.get("requestBody") or {}).get("content") or {}).values()
        else:
            contents = [
                c
                for status, response in (op.get("responses") or {}).items()
                if str(status).startswith(("1", "2", "3"))
                for c in ((response or {}).get("content") or {}).values()
            ]
        schema = next(
            (c["schema"] for c in contents if isinstance(c, dict) and "schema" in c), None
        )
        if schema is None:
            return None
        roots[sample.key] = schema
    components = (document.get("components") or {}).get("schemas")
    if not isinstance(components, dict):
        return None
    return InferenceResult(components=components, roots=roots)


@dataclass(frozen=True)
class _Unit:
    """A group of outputs rendered together from one slice of the document."""

    name: str
    key: str
    render: Callable[[], dict[str, str]]


def _render(
    openapi: dict[str, Any],
    loaded: LoadResult,
    config: Config,
    previous: dict[str, Any],
    result: RunResult,
    worker: _ModelsWorker | None = None,
    previous_client_types: bytes | None = None,
) -> None:
    from apidocgen.render.templates import template_environment

    env = template_environment(config.templates)
    old_units: dict[str, Any] = previous.get("units") or {}
    old_members: dict[str, list[str]] = {}
    for path, entry in (previous.get("files") or {}).items():
        if isinstance(entry, dict):
            old_members.setdefault(str(entry.get("unit")), []).append(path)

    settings = stable_hash(
        {k: str(v) for k, v in vars(config).items() if k not in ("input", "output")}
    )
    model_input = {
        "components": openapi["components"],
        "paths": {
            path: {
                method: {
                    # Model names derive from operation ids.
                    "operationId": op.get("operationId"),
                    "requestBody": op.get("requestBody", {}).get("content"),
                    "responses": op.get("responses"),
                }
                for method, op in item.items()
            }
            for path, item in openapi.get("paths", {}).items()
        },
    }
    # The docs show the whole document: their key covers it through the document's own digest.
    openapi_key = stable_hash(["openapi", openapi])
    models_key = stable_hash(["models", settings, model_input])
    units = [
        _Unit(
            "models",
            models_key,
            lambda: _render_models(openapi, config),
        ),
        _Unit(
            "docs",
            stable_hash(["docs", settings, openapi_key, _pages_data(loaded)]),
            lambda: _render_docs(
                openapi, loaded, config, env, settings, old_units, old_members, result
            ),
        ),
        _Unit(
            "client",
            stable_hash(["client", settings, _without_docs_only(openapi), model_input]),
            lambda: _render_client(
                openapi,
                config,
                env,
                old_units,
                old_members,
                result,
                models_key,
                previous_client_types,
            ),
        ),
    ]
    result.units["openapi"] = openapi_key
    result.unit_of["openapi.json"] = "openapi"
    result.unit_of[DESCRIPTOR_SCHEMA_FILE] = "openapi"
    todo = []
    for unit in units:
        result.units[unit.name] = unit.key
        if old_units.get(unit.name) == unit.key:
            # Endpoint pages, the models page and the client's section modules are units of
            # their own inside "docs" and "client" (see manifest.parent_unit).
            names = {unit.name} | {u for u in old_members if parent_unit(u) == unit.name}
            for name in sorted(names):
                if name != unit.name:
                    result.units[name] = old_units[name]
                result.reuse(name, old_members.get(name, []))
        else:
            todo.append(unit)
    result.rendered_units.extend(unit.name for unit in todo)
    # Model generation is the slowest renderer: start it in a second process, render the
    # rest here meanwhile.
    models_future = None
    if todo and todo[0].name == "models":
        if worker is None and len(openapi["components"]["schemas"]) >= _PARALLEL_MODELS_THRESHOLD:
            worker = _ModelsWorker.start()
        if worker is not None:
            models_future = worker.submit(openapi, config)
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


def _render_client(
    openapi: dict[str, Any],
    config: Config,
    env: Any,
    old_units: dict[str, Any],
    old_members: dict[str, list[str]],
    result: RunResult,
    models_key: str,
    previous_types: bytes | None,
) -> dict[str, str]:
    """The client package, rendering only the section modules whose inputs changed (and
    planning the models only when their inputs changed)."""
    from apidocgen.manifest import CLIENT_TYPES
    from apidocgen.render.client import ClientTypes, render_client_except

    types = ClientTypes.from_bytes(previous_types, models_key)
    if types is None:
        types = ClientTypes.of(openapi)
    else:
        result.rendered_units.append("client types reused")
    result.caches[CLIENT_TYPES] = types.to_bytes(models_key)

    def unchanged(path: str, key: str) -> bool:
        return old_units.get(f"client:{path}") == key and path in old_members.get(
            f"client:{path}", []
        )

    files, keys = render_client_except(openapi, config, env, unchanged, types)
    for path, key in keys.items():
        unit = f"client:{path}"
        result.units[unit] = key
        if path in files:
            result.unit_of[path] = unit
        else:
            result.reuse(unit, [path])
    return files


def _render_docs(
    openapi: dict[str, Any],
    loaded: LoadResult,
    config: Config,
    env: Any,
    settings: str,
    old_units: dict[str, Any],
    old_members: dict[str, list[str]],
    result: RunResult,
) -> dict[str, str]:
    """The docs, rendering only the endpoint pages whose own inputs changed.

    An endpoint page shows its operation, the schemas it references and links to other
    pages; its key covers exactly those (the site's skeleton: every page's path, section
    and model name), so editing one description renders one endpoint page.
    """
    from apidocgen.render.docs import MODELS_PAGE_KEY, render_docs_except

    operations = _all_operations(openapi)
    components = openapi.get("components", {}).get("schemas", {})
    skeleton = stable_hash(
        [
            [
                [
                    op.get("operationId"),
                    op.get(X_PAGE),
                    op.get("x-apidocgen-source"),
                    op.get("tags"),
                ]
                for op in operations
            ],
            [[t.get("name"), t.get("x-apidocgen-section")] for t in openapi.get("tags", [])],
            _pages_data(loaded),
            sorted(components),
            openapi.get("servers"),
            openapi.get("info"),
        ]
    )
    keys: dict[str, str] = {}
    references = _References(components)
    for op in operations:
        operation_id = op.get("operationId")
        if isinstance(operation_id, str):
            closure = {name: components[name] for name in sorted(references.of(op))}
            keys[operation_id] = stable_hash(["page", settings, skeleton, op, closure])
    skip = frozenset(
        operation_id
        for operation_id, key in keys.items()
        if old_units.get(f"page:{operation_id}") == key and old_members.get(f"page:{operation_id}")
    )
    # The models page lists every component and the endpoints that use each: not their prose.
    models_key = stable_hash(
        [
            "models page",
            settings,
            skeleton,
            components,
            [
                [
                    op.get("operationId"),
                    op.get("summary"),
                    op.get(X_PAGE),
                    op.get("x-apidocgen-method"),
                ]
                for op in operations
            ],
        ]
    )
    skip_models = old_units.get("models-page") == models_key and bool(
        old_members.get("models-page")
    )
    files, page_of = render_docs_except(
        openapi, loaded.pages, loaded.sections, env, config, skip, skip_models
    )
    if MODELS_PAGE_KEY in page_of:
        result.units["models-page"] = models_key
        if skip_models:
            result.reuse("models-page", old_members["models-page"])
        else:
            result.unit_of[page_of[MODELS_PAGE_KEY]] = "models-page"
    for operation_id, key in keys.items():
        unit = f"page:{operation_id}"
        result.units[unit] = key
        if operation_id in skip:
            result.reuse(unit, old_members[unit])
        elif operation_id in page_of:
            result.unit_of[page_of[operation_id]] = unit
    return files


X_PAGE = "x-apidocgen-page"


def _all_operations(openapi: dict[str, Any]) -> list[dict[str, Any]]:
    """Every operation, each with the method and path it sits under (as the docs show them)."""
    operations = [
        dict(op, **{"x-apidocgen-method": method.upper(), "x-apidocgen-path": path})
        for path, item in (openapi.get("paths") or {}).items()
        for method, op in item.items()
        if isinstance(op, dict)
    ]
    operations.extend(
        op for op in openapi.get("x-apidocgen-documented-only", []) if isinstance(op, dict)
    )
    return operations


_EXAMPLE_KEYS = frozenset({"example", "examples", "x-apidocgen-examples"})


class _References:
    """Which components a value references, directly or through others.

    Each component's own references are collected once, however many operations reach it.
    Examples are data, never schemas: they are not searched (they are the bulk of an
    operation)."""

    def __init__(self, components: dict[str, Any]) -> None:
        self.components = components
        self._direct: dict[str, set[str]] = {}

    def of(self, value: Any) -> set[str]:
        found: set[str] = set()
        stack = list(self._direct_references(value))
        while stack:
            name = stack.pop()
            if name in found:
                continue
            found.add(name)
            direct = self._direct.get(name)
            if direct is None:
                direct = self._direct[name] = self._direct_references(self.components[name])
            stack.extend(direct)
        return found

    def _direct_references(self, value: Any) -> set[str]:
        names: set[str] = set()
        stack = [value]
        while stack:
            item = stack.pop()
            if isinstance(item, dict):
                ref = item.get("$ref")
                if isinstance(ref, str) and ref.startswith("#/components/schemas/"):
                    name = ref.rsplit("/", 1)[1]
                    if name in self.components:
                        names.add(name)
                stack.extend(v for k, v in item.items() if k != "$ref" and k not in _EXAMPLE_KEYS)
            elif isinstance(item, list):
                stack.extend(item)
        return names


# What only the documentation shows: the client's key leaves these out so that editing an
# example or moving a page does not regenerate the client.
_DOCS_ONLY = frozenset(
    {
        "x-apidocgen-examples",
        "x-apidocgen-page",
        "x-apidocgen-source",
        "x-apidocgen-sidebar-order",
        "example",
    }
)


def _without_docs_only(value: Any) -> Any:
    if isinstance(value, dict):
        return {
            k: _without_docs_only(v)
            for k, v in value.items()
            if k not in _DOCS_ONLY and k != "components"
        }
    if isinstance(value, list):
        return [_without_docs_only(v) for v in value]
    return value


def _pages_data(loaded: LoadResult) -> list[Any]:
    return [
        [[p.source, p.digest] for p in loaded.pages],
        [[s.path, s.title, s.intro, s.sidebar_order] for s in loaded.sections],
    ]


def _render_models(openapi: dict[str, Any], config: Config) -> dict[str, str]:
    from apidocgen.render.models import render_models

    return render_models(openapi, config)


_TINY_DOCUMENT: dict[str, Any] = {
    "openapi": "3.1.0",
    "info": {"title": "warm-up", "version": "0"},
    "paths": {},
    "components": {
        "schemas": {"Thing": {"type": "object", "properties": {"id": {"type": "string"}}}}
    },
}


def _warm_up() -> None:
    # datamodel-code-generator imports and prepares most of itself on first use: do that
    # with a tiny document while the parent process is still inferring.
    _render_models(_TINY_DOCUMENT, Config())


class _ModelsWorker:
    """A second process (forked, so it shares what is already imported) for the models."""

    def __init__(self, pool: ProcessPoolExecutor) -> None:
        self.pool = pool
        self.pool.submit(_warm_up)

    @classmethod
    def start(cls) -> _ModelsWorker | None:
        if not can_fork():
            return None
        # Imported here: runs that render no models need neither.
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        return cls(
            ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("fork"))
        )

    def submit(self, openapi: dict[str, Any], config: Config) -> Future[dict[str, str]]:
        return self.pool.submit(_render_models, openapi, config)

    def close(self) -> None:
        self.pool.shutdown(wait=True, cancel_futures=True)


def _parse_examples(
    loaded: LoadResult,
    config: Config,
    shown: str,
    diagnostics: list[Diagnostic],
    cache: ParseCache | None = None,
) -> tuple[Endpoint, ...]:
    parsed = []
    for descriptor in loaded.descriptors:
        examples = cache.examples(descriptor) if cache is not None else None
        if examples is None:
            examples = parse_examples(
                descriptor.example_request,
                descriptor.example_response,
                max_body_bytes=config.max_body_bytes,
                max_depth=config.max_depth,
            )
            if cache is not None:
                cache.remember_examples(descriptor, examples)
        where = f"{shown.rstrip('/')}/{descriptor.source}"
        for found in examples.problems:
            line = descriptor.line_of(found.field)
            make = error if found.problem.severity == "error" else warning
            diagnostics.append(make(where, line, 1, found.problem.message))
        parsed.append(examples)
    return assign_operation_ids(loaded.descriptors, parsed)


def generator_header() -> str:
    """The first line of every generated text file that allows comments."""
    from apidocgen import __version__

    return f"Generated by apidocgen {__version__}. Do not edit: run apidocgen to regenerate."
