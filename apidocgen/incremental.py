"""Generation into an output folder as a re-run: what the last run left, and what to redo.

Shared by the command line (`apidocgen generate`) and the mkdocs plugin, so that both skip an
up-to-date output the same way and re-render only what changed, with the same caches.
`last_run` is cheap (it does not import the pipeline): call it first, and `generate` only when
the output is not up to date.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from apidocgen.config import Config
from apidocgen.diff.git import history_key
from apidocgen.digests import stable_hash
from apidocgen.manifest import (
    CHANGES,
    CLIENT_TYPES,
    INFERENCE,
    OutputStates,
    input_fingerprint,
    outputs_intact,
    read_manifest,
    read_output_states,
    reusable_manifest,
)
from apidocgen.render.templates import shipped_templates_dir

if TYPE_CHECKING:
    from apidocgen.diff.history import Changelog
    from apidocgen.pipeline import ProgressCallback
    from apidocgen.result import RunResult
    from apidocgen.write import Changes


@dataclass
class LastRun:
    """The output folder as the last run left it: the fingerprint of this run's inputs, the
    last run's manifest and the recorded states of its outputs."""

    fingerprint: str
    manifest: dict[str, Any]
    states: OutputStates
    up_to_date: bool


def last_run(config: Config) -> LastRun:
    """Whether `config.output` is up to date with this run's inputs, and what it holds."""
    # The changelog's revisions are an input too (only when the input folder is in git).
    history = history_key(config)
    fingerprint = input_fingerprint(config, shipped_templates_dir())
    if history:
        fingerprint = stable_hash([fingerprint, history])
    manifest = read_manifest(config.output)
    states = read_output_states(config.output)
    up_to_date = manifest.get("inputs") == fingerprint and outputs_intact(
        config.output, manifest, states
    )
    return LastRun(fingerprint, manifest, states, up_to_date)


def generate(
    config: Config,
    last: LastRun,
    *,
    display_input: str | None = None,
    progress: ProgressCallback | None = None,
) -> tuple[RunResult, Changes | None]:
    """Run the pipeline reusing what is unchanged since `last`, then write the output and the
    caches; the changes are None when the run failed (nothing is written then)."""
    from apidocgen.parse_cache import PARSE_CACHE, read_parse_cache
    from apidocgen.pipeline import run
    from apidocgen.reuse import Reuse
    from apidocgen.write import read_regular_file, write_bookkeeping, write_output

    parse_cache = read_parse_cache(config)
    reuse = Reuse.from_manifest(
        reusable_manifest(config.output, last.manifest, last.states),
        inference_cache=read_regular_file(config.output / INFERENCE),
        client_types=read_regular_file(config.output / CLIENT_TYPES),
        parse_cache=parse_cache,
    )
    options: dict[str, Any] = {"progress": progress} if progress is not None else {}
    log = changelog_of(config)
    result = run(config, display_input=display_input, reuse=reuse, history=log.revisions, **options)
    result.diagnostics.extend(log.diagnostics)
    if log.cache is not None:
        result.caches[CHANGES] = log.cache
    if result.failed:
        return result, None
    changes = write_output(
        config.output,
        result.files,
        reused=result.reused,
        units=result.units,
        unit_of=result.unit_of,
        fingerprint=last.fingerprint,
        diagnostics=[d.format() for d in result.diagnostics],
        states=last.states,
    )
    caches = dict(result.caches)
    if parse_cache.changed:
        caches[PARSE_CACHE] = parse_cache.to_bytes()
    write_bookkeeping(config.output, caches)
    return result, changes


def changelog_of(config: Config) -> Changelog:
    """The changelog's revisions, comparing only those the output's cache does not hold."""
    from apidocgen.diff.history import changelog
    from apidocgen.reuse import code_digest
    from apidocgen.write import read_regular_file

    return changelog(config, read_regular_file(config.output / CHANGES), code_digest())
