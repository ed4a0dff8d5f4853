"""The one-way pipeline: load -> http -> infer -> model -> render. Data in, file texts out.

`run` returns every output file's text and every diagnostic; it never prints and never writes
(`write` does that, and the command line decides what to print). Each stage is a function of
what the stages before it made. What an earlier run already made is taken from `reuse` (see
`reuse.py`), by the digest of a stage's inputs: the parse cache for load and http, the
inferred schemas, and the render units (`units.py`).
"""

from __future__ import annotations

import dataclasses
import hashlib
import posixpath
import time
from collections.abc import Callable
from typing import TYPE_CHECKING

import orjson

from apidocgen.config import Config
from apidocgen.diagnostics import Diagnostic, error, has_errors, warning
from apidocgen.digests import stable_hash
from apidocgen.http import ParsedExamples, parse_examples
from apidocgen.infer import BodySample, InferenceResult, infer_schemas
from apidocgen.load import LoadResult, descriptor_schema_text, load_input
from apidocgen.manifest import INFERENCE
from apidocgen.model import Api, Revision
from apidocgen.model.build import build_api
from apidocgen.model.endpoints import Endpoint, assign_operation_ids, body_samples
from apidocgen.render.openapi import dump_openapi, openapi_document
from apidocgen.result import RunResult
from apidocgen.reuse import Reuse, code_digest, inference_bytes

if TYPE_CHECKING:
    from apidocgen.parse_cache import ParseCache
    from apidocgen.workers import ModelsWorker

ProgressCallback = Callable[[str], None]
# The descriptor format, published in the output (and so in the site) beside openapi.json.
DESCRIPTOR_SCHEMA_FILE = "descriptor.schema.json"
# Below this many schemas, a second process for the models costs more than it saves.
_PARALLEL_MODELS_THRESHOLD = 40
# From this many endpoints on, the second process is started before inference.
_EARLY_WORKER_ENDPOINTS = 100


def _noop(stage: str) -> None:
    return None


def run(
    config: Config,
    *,
    display_input: str | None = None,
    progress: ProgressCallback = _noop,
    lint_only: bool = False,
    reuse: Reuse | None = None,
    history: tuple[Revision, ...] = (),
) -> RunResult:
    """Run every stage; stop after the first stage that reports errors. `reuse` is what an
    earlier run left (none by default); `history`, the changelog's revisions (`diff.history`:
    git is read there, never here)."""
    reuse = reuse if reuse is not None else Reuse()
    result = RunResult()
    clock = time.perf_counter()

    def lap(stage: str) -> None:
        nonlocal clock
        now = time.perf_counter()
        result.timings[stage] = result.timings.get(stage, 0.0) + now - clock
        clock = now

    progress("load")
    loaded = _load(config, display_input, reuse.parse_cache)
    result.diagnostics.extend(loaded.diagnostics)
    lap("load")
    progress("http")
    shown = display_input or str(config.input)
    endpoints = _parse_examples(loaded, config, shown, result.diagnostics, reuse.parse_cache)
    lap("http")
    result.counts = {"endpoints": len(endpoints), "pages": len(loaded.pages)}
    if reuse.parse_cache is not None:
        result.counts["parsed"] = reuse.parse_cache.misses
        result.counts["parse cache hits"] = reuse.parse_cache.hits
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
    worker: ModelsWorker | None = None
    if not reuse.rendered("models") and len(endpoints) >= _EARLY_WORKER_ENDPOINTS:
        from apidocgen.workers import ModelsWorker

        worker = ModelsWorker.start()
    try:
        _model_and_render(
            config, loaded, endpoints, reuse, result, progress, lap, worker, shown, history
        )
    finally:
        if worker is not None:
            worker.close()
    return result


def parse_input(
    config: Config, *, display_input: str | None = None, parse_cache: ParseCache | None = None
) -> tuple[LoadResult, tuple[Endpoint, ...], list[Diagnostic]]:
    """The load and http stages as a run does them: records, endpoints and diagnostics."""
    loaded = _load(config, display_input, parse_cache)
    diagnostics = list(loaded.diagnostics)
    shown = display_input or str(config.input)
    endpoints = _parse_examples(loaded, config, shown, diagnostics, parse_cache)
    return loaded, endpoints, diagnostics


def collect_samples(config: Config) -> tuple[list[BodySample], list[Diagnostic]]:
    """The example bodies inference learns from, as a run gathers them (load, http and the
    endpoints' selection), with the diagnostics; for benchmarks and tests of inference."""
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


def _parse_examples(
    loaded: LoadResult,
    config: Config,
    shown: str,
    diagnostics: list[Diagnostic],
    cache: ParseCache | None = None,
) -> tuple[Endpoint, ...]:
    parsed = []
    more: list[tuple[tuple[str, ParsedExamples], ...]] = []
    for descriptor in loaded.descriptors:
        examples = cache.examples(descriptor) if cache is not None else None
        if examples is None:
            examples = _parse(descriptor.example_request, descriptor.example_response, config)
            if cache is not None:
                cache.remember_examples(descriptor, examples)
        where = f"{shown.rstrip('/')}/{descriptor.source}"
        for found in examples.problems:
            line = descriptor.line_of(found.field)
            make = error if found.problem.severity == "error" else warning
            diagnostics.append(make(where, line, 1, found.problem.message))
        parsed.append(examples)
        extras = []
        for extra in descriptor.more_examples:
            extra_parsed = _parse(extra.request, extra.response, config)
            for found in extra_parsed.problems:
                make = error if found.problem.severity == "error" else warning
                message = f"example '{extra.name}': {found.problem.message}"
                diagnostics.append(make(where, descriptor.line_of("examples"), 1, message))
            extras.append((extra.name, extra_parsed))
        more.append(tuple(extras))
    return assign_operation_ids(loaded.descriptors, parsed, more)


def _parse(request: str, response: str, config: Config) -> ParsedExamples:
    return parse_examples(
        request, response, max_body_bytes=config.max_body_bytes, max_depth=config.max_depth
    )


def _model_and_render(
    config: Config,
    loaded: LoadResult,
    endpoints: tuple[Endpoint, ...],
    reuse: Reuse,
    result: RunResult,
    progress: ProgressCallback,
    lap: Callable[[str], None],
    worker: ModelsWorker | None,
    shown_input: str,
    history: tuple[Revision, ...],
) -> None:
    progress("infer")
    inference = _inference(loaded, endpoints, reuse, result)
    lap("infer")
    progress("model")
    api = _build(config, loaded, endpoints, inference)
    if history:
        api = dataclasses.replace(api, changes=history)
    openapi = openapi_document(api)
    result.api = api
    result.openapi = openapi
    result.files["openapi.json"] = dump_openapi(openapi)
    result.files[DESCRIPTOR_SCHEMA_FILE] = descriptor_schema_text()
    result.units["openapi"] = stable_hash(["openapi", result.files["openapi.json"]])
    result.unit_of["openapi.json"] = "openapi"
    result.unit_of[DESCRIPTOR_SCHEMA_FILE] = "openapi"
    result.counts["models"] = len(api.schemas)
    lap("model")
    progress("render")
    from apidocgen.units import render_units

    parallel = len(api.schemas) >= _PARALLEL_MODELS_THRESHOLD
    render_units(api, config, reuse, result, worker, parallel_models=parallel)
    result.diagnostics.extend(_empty_sections(api, shown_input, strict=config.strict))
    result.diagnostics.extend(_output_path_problems(api, result, shown_input))
    lap("render")


def api_model(
    config: Config, *, display_input: str | None = None
) -> tuple[Api | None, list[Diagnostic]]:
    """The API model of `config.input` (stages load to model, nothing rendered), with the
    diagnostics; None when the input has errors."""
    loaded, endpoints, diagnostics = parse_input(config, display_input=display_input)
    if has_errors(diagnostics):
        return None, sorted(diagnostics)
    inference = infer_schemas(body_samples(endpoints, loaded.sections))
    return _build(config, loaded, endpoints, inference), sorted(diagnostics)


def _inference(
    loaded: LoadResult, endpoints: tuple[Endpoint, ...], reuse: Reuse, result: RunResult
) -> InferenceResult:
    samples = body_samples(endpoints, loaded.sections)
    samples_key = stable_hash([samples_digest(samples), code_digest()])
    inference = reuse.inference(samples_key)
    if inference is None:
        inference = infer_schemas(samples)
        kept = inference_bytes(samples_key, inference)
        if kept is not None:
            result.caches[INFERENCE] = kept
    else:
        result.rendered_units.append("inference reused")
        if reuse.inference_cache is not None:
            result.caches[INFERENCE] = reuse.inference_cache
    return inference


def _build(
    config: Config, loaded: LoadResult, endpoints: tuple[Endpoint, ...], inference: InferenceResult
) -> Api:
    return build_api(
        endpoints,
        loaded.sections,
        loaded.pages,
        inference,
        title=config.title,
        version=config.version,
        base_url=config.base_url,
    )


def _empty_sections(api: Api, shown: str, *, strict: bool) -> list[Diagnostic]:
    """A warning for each section (a folder with an index.md) without any endpoint or page
    in it or below it: its page only says that it has none."""
    used: set[str] = set()
    for folder in [posixpath.dirname(op.source) for op in api.operations] + [
        page.section for page in api.pages if page.stem != "index"
    ]:
        while folder and folder not in used:
            used.add(folder)
            folder = posixpath.dirname(folder)
    make = error if strict else warning
    return [
        make(
            f"{shown.rstrip('/')}/{section.source}",
            1,
            1,
            f"section '{section.title}' has no endpoints or pages: its page says so",
        )
        for section in api.folders
        if section.path and section.source and section.path not in used
    ]


def _output_path_problems(api: Api, result: RunResult, shown: str) -> list[Diagnostic]:
    """An error for each output path that is not safe and portable, located at the input
    file it was made from (the input folder when no single file made it)."""
    from apidocgen.write import UnsafePathError, check_distinct_paths, check_relative_path

    sources = {f"page:{op.operation_id}": op.source for op in api.operations}
    problems: list[Diagnostic] = []
    for path in sorted(result.files):
        try:
            check_relative_path(path)
        except UnsafePathError as exc:
            source = sources.get(result.unit_of.get(path, ""))
            where = f"{shown.rstrip('/')}/{source}" if source else shown
            problems.append(error(where, 1, 1, f"cannot write the output: {exc}"))
    try:
        check_distinct_paths([*result.files, *result.reused])
    except UnsafePathError as exc:
        problems.append(error(shown, 1, 1, f"cannot write the output: {exc}"))
    return problems


def samples_digest(samples: list[BodySample]) -> str:
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
