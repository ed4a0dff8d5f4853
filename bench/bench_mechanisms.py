#!/usr/bin/env python3
"""What each speed mechanism buys, and the current code against an older revision.

usage: .venv/bin/python bench/bench_mechanisms.py [--corpus DIR] [--repeats N] [--site-repeats N]
           [--only NAME ...] [--no-generate] [--no-site] [--old-revision PATH]
           [--current PATH] [--list]

Four figures, measured as the existing benchmarks measure them, each in a fresh process:

  cold    `apidocgen generate` into an empty output folder            (as bench/run.py: the
  noop    the same again, nothing changed                              wall time of the CLI's
  edit    again after one descriptor's description was edited         `main` in its process)
  site    `mkdocs build` of the generated docs with the repository's mkdocs.yml (navigation.prune
          on) and the apidocgen plugin, which finds the docs up to date (as bench/bench_site.py:
          the wall time of the whole `mkdocs build` process)

Each mechanism is switched off inside the measured process, one at a time: the process installs
an import hook that patches the product's module right after it is imported (so nothing is
imported earlier than the product itself would import it, and a no-op run still does not load
the pipeline), then runs `apidocgen.cli.main(argv)` or mkdocs' own `build` command:

  models-worker       ModelsWorker.start returns None: the models are rendered in-process
  parse-cache         read_parse_cache gives a cache that never hits and keeps nothing
  inference-reuse     Reuse.inference returns None: schemas are inferred again
  client-types-reuse  ClientTypes.from_bytes returns None: the model plan is made again
  output-states       no size/mtime records read or written: every output is hashed
  jinja-bytecode      template_bytecode_cache returns None: templates are compiled every run
  fast-code           site: plugin option `fast_code_blocks: false` (code blocks to pymdownx)
  fast-tables         site: rows_are_page_independent is False (tables to Python-Markdown)
  fast-blocks         site: both of the above (then nothing is left to prefetch either)
  page-assembly       site: plugin option `assemble_pages: false` (Python-Markdown converts
                      every generated page whole, its frame included)
  conversion-worker   site: ConversionWorker.usable() is False (the blocks are prefetched instead)
  prefetch            site: neither the conversion worker nor BlockPrefetch (no second process
                      while pages are converted)
  search-light        site: the search plugin is given the page itself, not a light copy
                      (and indexes it in the build's process: the worker gives it the light copy)
  search-worker       site: SearchWorker.usable() is False (search indexes in the build's process)
  nav-cache           site: install_nav_cache returns None (every page renders its whole
                      navigation)

With --old-revision PATH (a tree exported with `git archive REV | tar -x -C PATH`), the same
figures are measured for that code too, by putting PATH first on PYTHONPATH (and running from
PATH, since `python -c` puts the working folder before PYTHONPATH); the import is checked.
The current code is this repository's working tree, or with --current PATH an exported snapshot
of it (`git archive HEAD | tar -x -C PATH`), run the same way: a working tree that someone is
editing meanwhile is not one code, and the benchmark warns when the working tree changed.

Every measured process also reports what it did (a worker started, cache hits, records
trusted, ...), and the switches are checked to have taken effect: a switch
that changes nothing it should change stops the benchmark. Time is never asserted.

Configurations are interleaved: every round runs each of them once, in an order reversed every
other round (A B C, C B A, ...), after one warm-up round that is not counted. The machine is
shared: before each configuration's measure the benchmark waits (up to --quiet-timeout) until
other processes use less than a tenth of a CPU; a measure during which they used more (the
machine's busy time from /proc/stat less the measured processes' own CPU time) is taken again
when the machine had been quiet before it (a burst began meanwhile), up to --attempts times.
Under a lasting load nothing is repeated; the tables count the measures taken while others
were busy, and how much CPU time they used meanwhile.

Figures are the median and the range (min-max) over the rounds. A mechanism's gain is
(off - on) / off of each round (on and off measured in the same round, minutes apart at most);
the table gives its median and a distribution-free confidence interval of that median (order
statistics, about 95%; with 5 or 7 rounds the extremes). Verdict: keep when the interval lies
above 10%, remove when it lies below (the mechanism clearly buys less than that), otherwise
within noise. The product keeps a mechanism only where it buys more than 10% of a figure.
CPU time (the process and its children) is compared the same way: it is less sensitive to other
processes, and shows a second process as the cost it is. The current code is compared with the
old the same way, by the ratio current / old of each round.

Outputs go to a temporary folder (removed at the end); TMPDIR points into it for the measured
processes, so Jinja's bytecode cache (in its per-user folder under TMPDIR) is this run's own.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import math
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any

from run import edit_one_description  # the edit bench/run.py measures

ROOT = Path(__file__).resolve().parents[1]
BENCH = Path(__file__).resolve().parent
DEFAULT_CORPUS = ROOT.parent / "shared" / "corpus" / "github-dev" / "api-docs"
THRESHOLD = 0.10
GENERATE_FIGURES = ("cold", "noop", "edit")
SITE_FIGURES = ("site",)
ON, OLD = "on", "old"
# Others' CPU use (in CPUs) below which the machine counts as quiet.
QUIET_CPUS = 0.10

# ---- inside the measured process ----------------------------------------------------------------

# The measured processes. Both import this module (without writing its bytecode into the
# repository), install the switch, then time the product exactly as bench/run.py and
# bench/bench_site.py do.
_GENERATE_WRAPPER = """
import json, resource, sys, time
sys.dont_write_bytecode = True
sys.path.append({bench!r})
import bench_mechanisms
sys.dont_write_bytecode = False
probe = bench_mechanisms.install(sys.argv[1])
from apidocgen.cli import main
started = time.perf_counter()
code = main(sys.argv[2:])
wall = time.perf_counter() - started
own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
report = {{"code": code, "wall": wall, "rss_mb": max(own, children) / 1024}}
report["probe"] = bench_mechanisms.finish(probe)
print("BENCH " + json.dumps(report), file=sys.stderr)
"""

_SITE_WRAPPER = """
import json, resource, sys, time
sys.dont_write_bytecode = True
sys.path.append({bench!r})
import bench_mechanisms
sys.dont_write_bytecode = False
probe = bench_mechanisms.install(sys.argv[1])
from mkdocs.__main__ import cli
started = time.perf_counter()
cli.main(args=["build", "--quiet", "-f", sys.argv[2]], prog_name="mkdocs", standalone_mode=False)
wall = time.perf_counter() - started
own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
report = {{"code": 0, "wall": wall, "rss_mb": max(own, children) / 1024}}
report["probe"] = bench_mechanisms.finish(probe)
print("BENCH " + json.dumps(report), file=sys.stderr)
"""

Patch = Callable[[ModuleType, dict[str, Any]], None]


class _AfterImport:
    """A meta path finder that runs patches on a module right after it is first executed."""

    def __init__(self, hooks: dict[str, list[Patch]], probe: dict[str, Any]) -> None:
        self.hooks = hooks
        self.probe = probe

    def find_spec(self, name: str, path: Any = None, target: Any = None) -> Any:
        if name not in self.hooks:
            return None
        for finder in sys.meta_path:
            if finder is self or not hasattr(finder, "find_spec"):
                continue
            spec = finder.find_spec(name, path, target)
            if spec is not None:
                break
        else:
            return None
        patches = self.hooks.pop(name)
        loader = spec.loader
        execute = loader.exec_module
        probe = self.probe

        def exec_module(module: ModuleType) -> None:
            execute(module)
            for patch in patches:
                patch(module, probe)
            probe.setdefault("patched", []).append(name)

        loader.exec_module = exec_module
        return spec


# The switches: each takes the freshly executed module and the probe.


def _no_models_worker(m: ModuleType, probe: dict[str, Any]) -> None:
    m.ModelsWorker.start = classmethod(lambda cls: None)


def _no_parse_cache(m: ModuleType, probe: dict[str, Any]) -> None:
    class NoParseCache(m.ParseCache):  # type: ignore[name-defined,misc]
        """Never hits, keeps nothing, writes nothing: a run without a parse cache."""

        def file(self, source: str, digest: str, where: str) -> None:
            return None

        def remember_file(self, *args: Any) -> None:
            self.misses += 1

        def examples(self, descriptor: Any) -> None:
            return None

        def remember_examples(self, *args: Any) -> None:
            return None

        @property
        def changed(self) -> bool:
            return False

    m.read_parse_cache = lambda config: NoParseCache(m.parse_settings(config))


def _no_inference_reuse(m: ModuleType, probe: dict[str, Any]) -> None:
    m.Reuse.inference = lambda self, key: None


def _no_client_types_reuse(m: ModuleType, probe: dict[str, Any]) -> None:
    m.ClientTypes.from_bytes = classmethod(lambda cls, data, key: None)


def _no_output_states_read(m: ModuleType, probe: dict[str, Any]) -> None:
    # Before apidocgen.incremental takes the name (it imports it from this module).
    m.read_output_states = lambda output: m.OutputStates({}, 0)


def _no_output_states_write(m: ModuleType, probe: dict[str, Any]) -> None:
    m._record_states = lambda *args, **kwargs: None


def _no_jinja_bytecode(m: ModuleType, probe: dict[str, Any]) -> None:
    m.template_bytecode_cache = lambda directory, options: None


def _no_fast_tables(m: ModuleType, probe: dict[str, Any]) -> None:
    m.rows_are_page_independent = lambda extensions: False


def _no_prefetch(m: ModuleType, probe: dict[str, Any]) -> None:
    m.BlockPrefetch.available = staticmethod(lambda: False)


def _no_conversion_worker(m: ModuleType, probe: dict[str, Any]) -> None:
    m.ConversionWorker.usable = staticmethod(lambda pages: False)


def _no_search_light(m: ModuleType, probe: dict[str, Any]) -> None:
    m.ApidocgenPlugin._only_search_reads_page_context = lambda self, config: False


def _no_search_worker(m: ModuleType, probe: dict[str, Any]) -> None:
    m.SearchWorker.usable = staticmethod(lambda index, pages: False)


def _no_nav_cache(m: ModuleType, probe: dict[str, Any]) -> None:
    m.install_nav_cache = lambda env: None


# Probes: what the product did, reported for every configuration of the current code (they
# wrap, after the switch's patches, a few calls per run; per-block calls are not wrapped).


def _probe_workers(m: ModuleType, probe: dict[str, Any]) -> None:
    init = m.ModelsWorker.__init__

    def counted(self: Any, *args: Any, **kwargs: Any) -> None:
        probe["models_workers"] = probe.get("models_workers", 0) + 1
        init(self, *args, **kwargs)

    m.ModelsWorker.__init__ = counted


def _keep_results(m: ModuleType, probe: dict[str, Any], function: str, key: str) -> None:
    """Wrap m.<function> so that what it returns is also kept in probe[key]."""
    original = getattr(m, function)

    def kept(argument: Any) -> Any:
        found = original(argument)
        probe.setdefault(key, []).append(found)
        return found

    setattr(m, function, kept)


def _probe_parse_cache(m: ModuleType, probe: dict[str, Any]) -> None:
    _keep_results(m, probe, "read_parse_cache", "_parse_caches")


def _probe_output_states(m: ModuleType, probe: dict[str, Any]) -> None:
    _keep_results(m, probe, "read_output_states", "_states")


def _probe_reuse(m: ModuleType, probe: dict[str, Any]) -> None:
    inference = m.Reuse.inference

    def counted(self: Any, key: str) -> Any:
        found = inference(self, key)
        probe["inference_reused"] = probe.get("inference_reused", 0) + (found is not None)
        return found

    m.Reuse.inference = counted


def _probe_client(m: ModuleType, probe: dict[str, Any]) -> None:
    from_bytes = m.ClientTypes.from_bytes  # bound to the class

    def counted(cls: Any, data: Any, key: str) -> Any:
        found = from_bytes(data, key)
        probe["client_types_reused"] = probe.get("client_types_reused", 0) + (found is not None)
        return found

    m.ClientTypes.from_bytes = classmethod(counted)


def _probe_template_cache(m: ModuleType, probe: dict[str, Any]) -> None:
    make = m.template_bytecode_cache

    def recorded(directory: Any, options: Any) -> Any:
        cache = make(directory, options)
        probe.setdefault("bytecode_cache", []).append(cache is not None)
        return cache

    m.template_bytecode_cache = recorded
    load = m.TolerantBytecodeCache.load_bytecode

    def counted(self: Any, bucket: Any) -> None:
        load(self, bucket)
        hit = bucket.code is not None
        probe["bytecode_hits"] = probe.get("bytecode_hits", 0) + hit
        probe["bytecode_misses"] = probe.get("bytecode_misses", 0) + (not hit)

    m.TolerantBytecodeCache.load_bytecode = counted


def _probe_incremental(m: ModuleType, probe: dict[str, Any]) -> None:
    generate = m.generate

    def counted(*args: Any, **kwargs: Any) -> Any:
        probe["pipeline_runs"] = probe.get("pipeline_runs", 0) + 1
        return generate(*args, **kwargs)

    m.generate = counted


def _probe_plugin(m: ModuleType, probe: dict[str, Any]) -> None:
    configure = m.ApidocgenPlugin.on_config
    start = m.ApidocgenPlugin._start_prefetch
    start_search = m.ApidocgenPlugin._start_search_worker

    def on_config(self: Any, config: Any) -> Any:
        found = configure(self, config)
        blocks = self._blocks
        probe["highlighter"] = blocks is not None and blocks.highlighter is not None
        probe["tables"] = blocks is not None and blocks.tables is not None
        probe["search_light"] = self._lighten_for_search
        probe["assembler"] = self._assembler is not None
        return found

    def start_prefetch(self: Any, files: Any) -> None:
        start(self, files)
        probe["prefetch"] = probe.get("prefetch", 0) + (self._prefetch is not None)

    def start_search_worker(self: Any, *args: Any) -> None:
        start_search(self, *args)
        probe["search_worker"] = probe.get("search_worker", 0) + self._workers.searching

    m.ApidocgenPlugin.on_config = on_config
    m.ApidocgenPlugin._start_prefetch = start_prefetch
    on_nav = m.ApidocgenPlugin.on_nav

    def started_converter(self: Any, nav: Any, **kwargs: Any) -> Any:
        found = on_nav(self, nav, **kwargs)
        probe["conversion_worker"] = probe.get("conversion_worker", 0) + self._workers.converting
        return found

    m.ApidocgenPlugin.on_nav = started_converter
    m.ApidocgenPlugin._start_search_worker = start_search_worker
    on_env = m.ApidocgenPlugin.on_env

    def kept_nav_cache(self: Any, env: Any, **kwargs: Any) -> Any:
        found = on_env(self, env, **kwargs)
        probe["nav_cache"] = probe.get("nav_cache", 0) + (self.nav_cache is not None)
        if self.nav_cache is not None:
            probe.setdefault("_nav_caches", []).append(self.nav_cache)
        return found

    m.ApidocgenPlugin.on_env = kept_nav_cache


_PROBES: dict[str, list[Patch]] = {
    "apidocgen.workers": [_probe_workers],
    "apidocgen.parse_cache": [_probe_parse_cache],
    "apidocgen.manifest": [_probe_output_states],
    "apidocgen.reuse": [_probe_reuse],
    "apidocgen.render.client": [_probe_client],
    "apidocgen.render.template_cache": [_probe_template_cache],
    "apidocgen.incremental": [_probe_incremental],
    "apidocgen.mkdocs_plugin": [_probe_plugin],
}


def install(switch: str) -> dict[str, Any]:
    """In the measured process: patch the product for `switch` as its modules are imported."""
    probe: dict[str, Any] = {}
    hooks: dict[str, list[Patch]] = {}
    if switch not in (ON, OLD):
        for module, patches in SWITCHES[switch].patches.items():
            hooks.setdefault(module, []).extend(patches)
    if switch != OLD:  # the probes after the switch's patches, so that they see its effect
        for module, patches in _PROBES.items():
            hooks.setdefault(module, []).extend(patches)
    sys.meta_path.insert(0, _AfterImport(hooks, probe))
    return probe


def finish(probe: dict[str, Any]) -> dict[str, Any]:
    """The probe as JSON: counts instead of the objects kept while running."""
    caches = probe.pop("_parse_caches", [])
    if caches:
        probe["parse_hits"] = sum(c.hits for c in caches)
        probe["parse_misses"] = sum(c.misses for c in caches)
    states = probe.pop("_states", [])
    if states:
        probe["states_trusted"] = sum(s.trusted for s in states)
        probe["states_hashed"] = sum(s.hashed for s in states)
    navs = probe.pop("_nav_caches", [])
    if navs:
        probe["nav_reused"] = sum(c.hits for c in navs)
        probe["nav_cache_on"] = all(c.enabled for c in navs)
    module = sys.modules.get("apidocgen")
    probe["apidocgen"] = str(getattr(module, "__file__", None))
    return probe


# ---- the switches ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Switch:
    """One mechanism switched off: where it is patched, which figures it is expected to affect,
    and how its probe shows that it took effect (`check`: figure, then a test of the probes of
    the same round with it on and off)."""

    name: str
    kind: str  # "generate" or "site"
    figures: tuple[str, ...]
    what: str
    patches: dict[str, list[Patch]] = field(default_factory=dict)
    plugin_options: dict[str, Any] = field(default_factory=dict)
    check_figure: str = ""
    check: Callable[[dict[str, Any], dict[str, Any]], bool] = lambda on, off: True


def _get(probe: dict[str, Any], key: str) -> Any:
    return probe.get(key, 0)


SWITCHES: dict[str, Switch] = {
    s.name: s
    for s in (
        Switch(
            "models-worker",
            "generate",
            ("cold",),
            "datamodel-code-generator in a forked second process",
            {"apidocgen.workers": [_no_models_worker]},
            check_figure="cold",
            check=lambda on, off: (
                _get(on, "models_workers") >= 1 and _get(off, "models_workers") == 0
            ),
        ),
        Switch(
            "parse-cache",
            "generate",
            ("edit", "noop"),
            "unchanged descriptors are not parsed again",
            {"apidocgen.parse_cache": [_no_parse_cache]},
            check_figure="edit",
            check=lambda on, off: (
                _get(on, "parse_hits") > 0
                and _get(off, "parse_hits") == 0
                and _get(off, "parse_misses") >= _get(on, "parse_hits")
            ),
        ),
        Switch(
            "inference-reuse",
            "generate",
            ("edit",),
            "inferred schemas reused when the samples are unchanged",
            {"apidocgen.reuse": [_no_inference_reuse]},
            check_figure="edit",
            check=lambda on, off: (
                _get(on, "inference_reused") == 1 and _get(off, "inference_reused") == 0
            ),
        ),
        Switch(
            "client-types-reuse",
            "generate",
            ("edit",),
            "the client's model plan reused when the models' inputs are unchanged",
            {"apidocgen.render.client": [_no_client_types_reuse]},
            check_figure="edit",
            check=lambda on, off: (
                _get(on, "client_types_reused") == 1 and _get(off, "client_types_reused") == 0
            ),
        ),
        Switch(
            "output-states",
            "generate",
            ("noop", "edit"),
            "outputs checked by size and mtime instead of hashing",
            {
                "apidocgen.manifest": [_no_output_states_read],
                "apidocgen.write": [_no_output_states_write],
            },
            check_figure="noop",
            check=lambda on, off: (
                _get(on, "states_trusted") > 0
                and _get(on, "states_hashed") == 0
                and _get(off, "states_trusted") == 0
                and _get(off, "states_hashed") > 0
            ),
        ),
        Switch(
            "jinja-bytecode",
            "generate",
            ("cold", "noop", "edit"),
            "compiled templates kept between runs",
            {"apidocgen.render.template_cache": [_no_jinja_bytecode]},
            check_figure="cold",
            check=lambda on, off: (
                all(on.get("bytecode_cache") or [False])
                and _get(on, "bytecode_hits") > 0
                and _get(on, "bytecode_misses") == 0
                and not any(off.get("bytecode_cache") or [True])
                and _get(off, "bytecode_hits") == 0
            ),
        ),
        Switch(
            "fast-code",
            "site",
            ("site",),
            "plugin option fast_code_blocks: false (code blocks left to pymdownx)",
            plugin_options={"fast_code_blocks": False},
            check_figure="site",
            check=lambda on, off: (
                on.get("highlighter") is True
                and off.get("highlighter") is False
                and off.get("tables") is True
            ),
        ),
        Switch(
            "fast-tables",
            "site",
            ("site",),
            "generated tables left to Python-Markdown",
            {"apidocgen.mkdocs_plugin": [_no_fast_tables]},
            check_figure="site",
            check=lambda on, off: (
                on.get("tables") is True
                and off.get("tables") is False
                and off.get("highlighter") is True
            ),
        ),
        Switch(
            "fast-blocks",
            "site",
            ("site",),
            "fast_code_blocks: false and tables left to Python-Markdown (no prefetch then)",
            {"apidocgen.mkdocs_plugin": [_no_fast_tables]},
            plugin_options={"fast_code_blocks": False},
            check_figure="site",
            check=lambda on, off: (
                off.get("highlighter") is False
                and off.get("tables") is False
                and _get(off, "prefetch") == 0
            ),
        ),
        Switch(
            "page-assembly",
            "site",
            ("site",),
            "generated pages put together around Python-Markdown, which converts their texts",
            plugin_options={"assemble_pages": False},
            check_figure="site",
            check=lambda on, off: on.get("assembler") is True and off.get("assembler") is False,
        ),
        Switch(
            "conversion-worker",
            "site",
            ("site",),
            "pages converted from the last back in a forked second process",
            {"apidocgen.conversion_worker": [_no_conversion_worker]},
            check_figure="site",
            check=lambda on, off: (
                _get(on, "conversion_worker") == 1
                and _get(off, "conversion_worker") == 0
                and _get(off, "prefetch") == 1
            ),
        ),
        Switch(
            "prefetch",
            "site",
            ("site",),
            "no second process while pages are converted (no conversion worker, no prefetch)",
            {
                "apidocgen.conversion_worker": [_no_conversion_worker],
                "apidocgen.generated_blocks": [_no_prefetch],
            },
            check_figure="site",
            check=lambda on, off: (
                _get(on, "conversion_worker") == 1
                and _get(off, "conversion_worker") == 0
                and _get(off, "prefetch") == 0
            ),
        ),
        Switch(
            "search-light",
            "site",
            ("site",),
            "search plugin given a light copy of each page",
            {"apidocgen.mkdocs_plugin": [_no_search_light]},
            check_figure="site",
            check=lambda on, off: (
                on.get("search_light") is True and off.get("search_light") is False
            ),
        ),
        Switch(
            "search-worker",
            "site",
            ("site",),
            "pages indexed for search in a forked second process",
            {"apidocgen.search_worker": [_no_search_worker]},
            check_figure="site",
            check=lambda on, off: (
                _get(on, "search_worker") == 1 and _get(off, "search_worker") == 0
            ),
        ),
        Switch(
            "nav-cache",
            "site",
            ("site",),
            "navigation items rendered once per folder",
            {"apidocgen.mkdocs_plugin": [_no_nav_cache]},
            check_figure="site",
            check=lambda on, off: (
                _get(on, "nav_cache") == 1
                and on.get("nav_cache_on") is True
                and _get(on, "nav_reused") > 0
                and _get(off, "nav_cache") == 0
            ),
        ),
    )
}


# ---- measuring ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Code:
    """A checkout of apidocgen to run: this repository, or an exported older revision."""

    label: str
    root: Path
    pythonpath: str | None = None

    def env(self, work: Path) -> dict[str, str]:
        env = dict(os.environ, NO_MKDOCS_2_WARNING="1", TMPDIR=str(work / "tmp"))
        env.pop("PYTHONPATH", None)
        if self.pythonpath is not None:
            env["PYTHONPATH"] = self.pythonpath
        return env


@dataclass
class Measure:
    wall: float  # in the process: the CLI's main, or the mkdocs build command
    process: float  # the whole process, from outside
    cpu: float  # user + system of the process and its children
    rss_mb: float
    probe: dict[str, Any]
    stdout: str
    foreign: float = 0.0  # CPU seconds other processes used meanwhile
    attempts: int = 1  # measures taken until one was not disturbed (or the last allowed)

    @property
    def disturbed(self) -> bool:
        """Whether other processes used more than a tenth of a CPU meanwhile (+ clock ticks)."""
        return self.foreign > max(0.05, QUIET_CPUS * self.process)


def machine_busy() -> float:
    """CPU seconds the machine has spent busy, all CPUs together (/proc/stat)."""
    with open("/proc/stat", encoding="ascii") as handle:
        values = [int(v) for v in handle.readline().split()[1:9]]
    idle = values[3] + values[4]  # idle and iowait
    return (sum(values) - idle) / os.sysconf("SC_CLK_TCK")


def others_busy(seconds: float = 1.0) -> float:
    """CPUs in use over `seconds` while this process sleeps: what other processes use."""
    before = machine_busy()
    time.sleep(seconds)
    return (machine_busy() - before) / seconds


def wait_quiet(timeout: float) -> tuple[float, bool]:
    """Wait until other processes use less than QUIET_CPUS, at most `timeout` seconds: the
    seconds waited, and whether the machine was quiet then."""
    started = time.monotonic()
    while True:
        quiet = others_busy() < QUIET_CPUS
        if quiet or time.monotonic() - started >= timeout:
            return time.monotonic() - started, quiet


def run_measured(command: list[str], cwd: Path, env: dict[str, str]) -> Measure:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    busy = machine_busy()
    started = time.perf_counter()
    proc = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True)
    elapsed = time.perf_counter() - started
    busy = machine_busy() - busy
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    lines = [line for line in proc.stderr.splitlines() if line.startswith("BENCH ")]
    if proc.returncode != 0 or not lines:
        sys.exit(f"failed: {' '.join(command)}\n{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}")
    report = json.loads(lines[-1][len("BENCH ") :])
    if report["code"] != 0:
        sys.exit(f"failed ({report['code']}): {' '.join(command)}\n{proc.stderr[-3000:]}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    found = Measure(report["wall"], elapsed, cpu, report["rss_mb"], report["probe"], proc.stdout)
    found.foreign = max(0.0, busy - cpu)
    return found


def generate_sequence(config: str, code: Code, corpus: Path, work: Path) -> dict[str, Measure]:
    """cold, noop and edit, as bench/run.py runs them, into a fresh output folder."""
    source, out = work / f"in-{config}", work / f"out-{config}"
    shutil.rmtree(source, ignore_errors=True)
    shutil.rmtree(out, ignore_errors=True)
    shutil.copytree(corpus, source)
    wrapper = _GENERATE_WRAPPER.format(bench=str(BENCH))
    command = [sys.executable, "-c", wrapper, config, "--config", str(code.root / "pyproject.toml")]
    command += ["--input", str(source), "--output", str(out), "-v"]
    env = code.env(work)
    try:
        found = {"cold": run_measured(command, code.root, env)}
        found["noop"] = run_measured(command, code.root, env)
        edit_one_description(source)
        found["edit"] = run_measured(command, code.root, env)
    finally:
        shutil.rmtree(source, ignore_errors=True)
        shutil.rmtree(out, ignore_errors=True)
    if "up to date" not in found["noop"].stdout or "up to date" in found["edit"].stdout:
        sys.exit(f"{config}: the noop run was not up to date, or the edit run was")
    return found


def write_site_config(
    path: Path,
    base: Path,
    docs: Path,
    site: Path,
    corpus: Path,
    pyproject: Path,
    options: dict[str, Any],
) -> Path:
    """mkdocs.yml like `base`, the repository's (navigation.prune on), as bench/bench_site.py
    writes it: this docs_dir and site_dir, the search and apidocgen plugins."""
    import yaml

    config: dict[str, Any] = yaml.safe_load(base.read_text("utf-8"))
    config["docs_dir"] = str(docs)
    config["site_dir"] = str(site)
    plugin = {"input": str(corpus), "config": str(pyproject), **options}
    config["plugins"] = ["search", {"apidocgen": plugin}]
    path.write_text(yaml.safe_dump(config, sort_keys=False), "utf-8")
    return path


def generate_docs(code: Code, corpus: Path, docs: Path, work: Path) -> None:
    """The docs the site builds use, generated once per code by its own CLI."""
    command = [sys.executable, "-m", "apidocgen", "--config", str(code.root / "pyproject.toml")]
    command += ["--input", str(corpus), "--output", str(docs), "-q"]
    proc = subprocess.run(command, cwd=code.root, env=code.env(work), capture_output=True)
    if proc.returncode != 0:
        sys.exit(f"generating {docs} failed:\n{proc.stderr.decode()[-3000:]}")


def source_digest(root: Path) -> str:
    """A digest of the package and templates that run (the working tree may change under us)."""
    hasher = hashlib.sha256()
    for folder in (root / "apidocgen", root / "templates"):
        for path in sorted(folder.rglob("*")):
            if path.is_file() and "__pycache__" not in path.parts:
                hasher.update(path.relative_to(root).as_posix().encode())
                hasher.update(path.read_bytes())
    return hasher.hexdigest()[:12]


# ---- reporting ------------------------------------------------------------------------------------


def shown(values: list[float]) -> str:
    return f"{statistics.median(values):7.3f} [{min(values):.3f}-{max(values):.3f}]"


def median_interval(values: list[float]) -> tuple[float, float, float]:
    """A distribution-free confidence interval for the median (order statistics, as the sign
    test gives it): the widest inner pair whose confidence is still at least 95%, or the
    extremes when there are too few values for that; and that confidence."""
    ordered = sorted(values)
    n = len(ordered)
    tail, k = 0.5**n, 1  # P(fewer than k values below the median), for k = 1
    while k < n // 2 and tail + math.comb(n, k) * 0.5**n <= 0.025:
        tail += math.comb(n, k) * 0.5**n
        k += 1
    return ordered[k - 1], ordered[n - k], 1 - 2 * tail


def verdict(low: float, high: float, confidence: float) -> str:
    """From the confidence interval of the median per-round gain."""
    if confidence < 0.9:
        return "too few rounds to tell"
    if low > THRESHOLD:
        return "keep"
    if high < THRESHOLD:
        return "remove" if low > 0 else "remove (no gain beyond noise)"
    return "within noise"


@dataclass
class Results:
    """Every round's measure of every configuration and figure."""

    rounds: list[dict[str, dict[str, Measure]]] = field(default_factory=list)

    def values(self, config: str, figure: str, attribute: str = "wall") -> list[float]:
        return [
            getattr(found[config][figure], attribute)
            for found in self.rounds
            if config in found and figure in found[config]
        ]

    def paired(
        self, config: str, other: str, figure: str, attribute: str
    ) -> list[tuple[float, float]]:
        """Per round, the measures of `config` and `other`, taken in the same round."""
        return [
            (getattr(found[config][figure], attribute), getattr(found[other][figure], attribute))
            for found in self.rounds
            if config in found and other in found and figure in found[config]
        ]


_HEADLINE = {"wall": "in-process wall", "process": "process wall"}


def figure_attribute(figure: str) -> str:
    """The headline of each figure, as the existing benchmarks print it."""
    return "process" if figure == "site" else "wall"


def report(results: Results, configs: list[str], figures: tuple[str, ...]) -> None:
    headline = ", ".join(f"{f}: {_HEADLINE[figure_attribute(f)]}" for f in figures)
    print(
        "\nAll figures, seconds: median [min-max] over the rounds"
        f" (headline: {headline}, as bench/run.py and bench/bench_site.py report them)"
    )
    print(
        f"{'configuration':20s} {'figure':6s} {'in-process wall':>24s} {'process wall':>24s}"
        f" {'cpu':>24s} {'rss MB':>6s} {'others':>6s} {'busy':>4s}"
    )
    for config in configs:
        for figure in figures:
            wall = results.values(config, figure, "wall")
            if not wall:
                continue
            process = results.values(config, figure, "process")
            cpu = results.values(config, figure, "cpu")
            rss = statistics.median(results.values(config, figure, "rss_mb"))
            others = statistics.median(results.values(config, figure, "foreign"))
            busy = sum(results.values(config, figure, "disturbed"))
            print(
                f"{config:20s} {figure:6s} {shown(wall):>24s} {shown(process):>24s}"
                f" {shown(cpu):>24s} {rss:6.0f} {others:6.2f} {busy:4d}"
            )
    print(
        "  cpu: CPU seconds of the process and its children; others: median CPU seconds other"
        f" processes used meanwhile; busy: measures during which they used over {QUIET_CPUS:.0%}"
        " of a CPU"
    )
    mechanisms = [c for c in configs if c in SWITCHES]
    if mechanisms:
        print(
            "\nMechanisms: gain = (off - on) / off, per round (on and off of the same round);"
            " its median, and a confidence interval of that median (order statistics);"
            f" verdict: keep when the interval is above {THRESHOLD:.0%}, remove when below,"
            " else within noise. The cpu rows compare CPU time instead of wall time (less"
            " sensitive to other processes; a second process shows there as a cost)."
        )
        print(
            f"{'mechanism':20s} {'figure':10s} {'on (s)':>24s} {'off (s)':>24s} {'gain':>7s}"
            f" {'interval':>17s} {'conf':>4s}  verdict"
        )
        for name in mechanisms:
            switch = SWITCHES[name]
            shown_figures = switch.figures if switch.kind == "site" else GENERATE_FIGURES
            for figure in shown_figures:
                for label, attribute in (
                    (figure, figure_attribute(figure)),
                    (f"{figure} cpu", "cpu"),
                ):
                    pairs = results.paired(ON, name, figure, attribute)
                    if not pairs:
                        continue
                    on = [p[0] for p in pairs]
                    off = [p[1] for p in pairs]
                    gain = statistics.median([(b - a) / b for a, b in pairs])
                    low, high, confidence = median_interval([(b - a) / b for a, b in pairs])
                    expected = "" if figure in switch.figures else "  (not expected to change)"
                    print(
                        f"{name:20s} {label:10s} {shown(on):>24s} {shown(off):>24s} {gain:+7.1%}"
                        f" {f'[{low:+.1%}..{high:+.1%}]':>17s} {confidence:4.0%}"
                        f"  {verdict(low, high, confidence)}{expected}"
                    )
    if OLD in configs:
        print(
            "\nCurrent code against the old revision: ratio = current / old per round, its median"
            " and a confidence interval of that median; within 10%: yes when the interval is at"
            " most 1.10, no when above, else cannot tell"
        )
        print(
            f"{'figure':10s} {'current (s)':>24s} {'old (s)':>24s} {'ratio':>6s}"
            f" {'interval':>14s} {'conf':>4s}  within 10%?"
        )
        for figure in figures:
            for label, attribute in ((figure, figure_attribute(figure)), (f"{figure} cpu", "cpu")):
                pairs = results.paired(ON, OLD, figure, attribute)
                if not pairs:
                    continue
                ratios = [a / b for a, b in pairs]
                ratio = statistics.median(ratios)
                low, high, confidence = median_interval(ratios)
                if confidence < 0.9:
                    answer = "too few rounds to tell"
                elif high <= 1 + THRESHOLD:
                    answer = "yes"
                elif low > 1 + THRESHOLD:
                    answer = "no"
                else:
                    answer = "cannot tell (within noise)"
                print(
                    f"{label:10s} {shown([p[0] for p in pairs]):>24s}"
                    f" {shown([p[1] for p in pairs]):>24s} {ratio:6.2f}"
                    f" {f'[{low:.2f}..{high:.2f}]':>14s} {confidence:4.0%}  {answer}"
                )


def check_switches(results: Results, configs: list[str], codes: dict[str, Code]) -> None:
    """Each switch took effect, and every process imported the code it was meant to."""
    first = results.rounds[0]
    print("\nProbes of the first measured round (what each process did):")
    for config in configs:
        for figure, measure in first[config].items():
            shown_probe = {k: v for k, v in measure.probe.items() if k != "patched"}
            print(f"  {config:20s} {figure:5s} {json.dumps(shown_probe, sort_keys=True)}")
    problems = []
    for config in configs:
        for found in results.rounds:
            for figure, measure in found[config].items():
                expected = str(codes[config].root / "apidocgen" / "__init__.py")
                if measure.probe["apidocgen"] != expected:
                    problems.append(f"{config} {figure} imported {measure.probe['apidocgen']}")
        if config == OLD:
            continue
        switch = SWITCHES.get(config)
        if switch is None:
            continue
        figure = switch.check_figure
        on, off = first[ON][figure].probe, first[config][figure].probe
        if not switch.check(on, off):
            problems.append(f"{config}: the switch did not take effect ({figure})")
        patched = {m for m in switch.patches}
        missing = patched - {m for r in first[config].values() for m in r.probe.get("patched", [])}
        if missing:
            problems.append(f"{config}: never imported {sorted(missing)}")
    for config in configs:
        for figure, measure in first[config].items():
            if figure == "site" and measure.probe.get("pipeline_runs"):
                problems.append(f"{config}: the site build generated (docs were not up to date)")
    if problems:
        sys.exit("switch checks failed:\n  " + "\n  ".join(problems))
    print("switch checks: every switch took effect; every process imported the intended code")


# ---- main -----------------------------------------------------------------------------------------


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--repeats", type=int, default=5, help="generate rounds (default 5)")
    parser.add_argument("--site-repeats", type=int, default=3, help="site rounds (default 3)")
    parser.add_argument("--only", nargs="+", metavar="NAME", help="these switches only")
    parser.add_argument("--no-generate", action="store_true", help="skip cold/noop/edit")
    parser.add_argument("--no-site", action="store_true", help="skip the site build")
    parser.add_argument("--old-revision", type=Path, help="an exported older revision to compare")
    parser.add_argument(
        "--current", type=Path, help="an exported snapshot to measure instead of the working tree"
    )
    parser.add_argument(
        "--attempts", type=int, default=3, help="measures per configuration and round (default 3)"
    )
    parser.add_argument(
        "--quiet-timeout", type=float, default=15.0, help="seconds to wait for a quiet machine"
    )
    parser.add_argument("--list", action="store_true", help="list the switches and exit")
    args = parser.parse_args()
    if args.list:
        for switch in SWITCHES.values():
            print(
                f"{switch.name:20s} {switch.kind:9s} {','.join(switch.figures):15s} {switch.what}"
            )
        return 0
    names = args.only or list(SWITCHES)
    unknown = [n for n in names if n not in SWITCHES]
    if unknown:
        parser.error(f"unknown switches {unknown}; --list shows them")
    if not args.corpus.is_dir():
        sys.exit(f"corpus {args.corpus} not found")
    current = Code("current", ROOT)
    if args.current is not None and args.current.resolve() != ROOT:
        current = exported("current", args.current)
    old = exported("old", args.old_revision) if args.old_revision is not None else None
    codes = {ON: current, **{n: current for n in names}, **({OLD: old} if old else {})}
    generate_configs = [ON] + [n for n in names if SWITCHES[n].kind == "generate"]
    site_configs = [ON] + [n for n in names if SWITCHES[n].kind == "site"]
    if old is not None:
        generate_configs.append(OLD)
        site_configs.append(OLD)
    work = Path(tempfile.mkdtemp(prefix="apidocgen-mechanisms-"))
    (work / "tmp").mkdir()
    print(
        f"corpus {args.corpus} ({sum(1 for _ in args.corpus.rglob('*.md'))} descriptors);"
        f" {os.cpu_count()} CPUs; load {os.getloadavg()[0]:.2f};"
        f" others use {others_busy(3.0):.2f} CPUs; work folder {work}"
    )
    print(
        f"current code {current.root} (sources {source_digest(current.root)});"
        f" working tree {ROOT} (sources {source_digest(ROOT)})"
        + (f"; old code {old.root} (sources {source_digest(old.root)})" if old else "")
    )
    digests = {source_digest(ROOT)}
    try:
        results = Results()
        if not args.no_generate:
            run_rounds(
                "generate",
                generate_configs,
                args.repeats,
                lambda config: generate_sequence(config, codes[config], args.corpus, work),
                results,
                digests,
                args,
            )
            check_switches(results, generate_configs, codes)
            report(results, generate_configs, GENERATE_FIGURES)
        if not args.no_site:
            site_results = Results()
            builds = prepare_site(site_configs, codes, args.corpus, work)
            run_rounds("site", site_configs, args.site_repeats, builds, site_results, digests, args)
            check_switches(site_results, site_configs, codes)
            report(site_results, site_configs, SITE_FIGURES)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print(f"\nload at the end {os.getloadavg()[0]:.2f}")
    if len(digests) > 1:
        changed = "the measured current code" if current.root == ROOT else "the working tree"
        print(f"WARNING: {changed} changed while measuring (sources {sorted(digests)})")
    return 0


def exported(label: str, path: Path) -> Code:
    """An exported tree of apidocgen, run with it first on PYTHONPATH (and from it)."""
    root = path.resolve()
    if not (root / "apidocgen" / "__init__.py").is_file():
        sys.exit(f"{root} holds no apidocgen package")
    return Code(label, root, str(root))


def run_rounds(
    kind: str,
    configs: list[str],
    repeats: int,
    measure: Callable[[str], dict[str, Measure]],
    results: Results,
    digests: set[str],
    settings: argparse.Namespace,
) -> None:
    """One warm-up round, then `repeats` rounds, each configuration once per round, the order
    reversed every other round; each measure when the machine is quiet, taken again when
    other processes were busy meanwhile."""
    for number in range(repeats + 1):
        order = configs if number % 2 == 0 else configs[::-1]
        found: dict[str, dict[str, Measure]] = {}
        started = time.perf_counter()
        waited = 0.0
        for config in order:
            attempt = 0
            while True:
                attempt += 1
                seconds, quiet = wait_quiet(settings.quiet_timeout)
                waited += seconds
                found[config] = measure(config)
                disturbed = any(m.disturbed for m in found[config].values())
                # Again only after a burst that began meanwhile: under a lasting load, the
                # next measure would be no less disturbed.
                if not (disturbed and quiet) or attempt >= settings.attempts:
                    break
            for m in found[config].values():
                m.attempts = attempt
        digests.add(source_digest(ROOT))  # the working tree, whichever code is measured
        label = "warm-up" if number == 0 else f"round {number}/{repeats}"
        print(
            f"{kind} {label}: {time.perf_counter() - started:.0f} s"
            f" ({waited:.0f} s waiting for a quiet machine), load {os.getloadavg()[0]:.2f}",
            flush=True,
        )
        for config in configs:
            values = " ".join(
                f"{figure} {getattr(m, figure_attribute(figure)):.3f}"
                + (f" (others {m.foreign:.2f})" if m.disturbed else "")
                for figure, m in found[config].items()
            )
            tries = found[config][next(iter(found[config]))].attempts
            print(f"  {config:20s} {values}" + (f"  [attempt {tries}]" if tries > 1 else ""))
        if number > 0:
            results.rounds.append(found)


def prepare_site(
    configs: list[str], codes: dict[str, Code], corpus: Path, work: Path
) -> Callable[[str], dict[str, Measure]]:
    """Generate the docs once per code; write a mkdocs.yml per configuration."""
    docs: dict[str, Path] = {}
    files: dict[str, Path] = {}
    for config in configs:
        code = codes[config]
        if code.label not in docs:
            docs[code.label] = work / f"docs-{code.label}"
            generate_docs(code, corpus, docs[code.label], work)
        options = SWITCHES[config].plugin_options if config in SWITCHES else {}
        files[config] = write_site_config(
            work / f"mkdocs-{config}.yml",
            codes[ON].root / "mkdocs.yml",  # the current code's settings for every build
            docs[code.label],
            work / f"site-{config}",
            corpus,
            code.root / "pyproject.toml",
            options,
        )
    wrapper = _SITE_WRAPPER.format(bench=str(BENCH))

    def build(config: str) -> dict[str, Measure]:
        command = [sys.executable, "-c", wrapper, config, str(files[config])]
        code = codes[config]
        manifest = docs[code.label] / ".apidocgen-manifest.json"
        before = manifest.stat().st_mtime_ns
        # From the work folder, as bench_site.py: `python -c` puts it first on sys.path.
        found = run_measured(command, work, code.env(work))
        if manifest.stat().st_mtime_ns != before:
            sys.exit(f"{config}: the site build rewrote the generated docs")
        return {"site": found}

    return build


if __name__ == "__main__":
    sys.exit(main())
