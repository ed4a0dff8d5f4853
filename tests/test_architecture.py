"""The shape of the code: imports go one way, down the pipeline, with no cycles.

Every import inside `apidocgen` counts (at module level, in functions and under
TYPE_CHECKING), so that "which module depends on which" reads the same in the code as here.
"""

from __future__ import annotations

import ast
from pathlib import Path

from tests.conftest import ROOT

PACKAGE = ROOT / "apidocgen"
# Layers, lowest first: a module may import its own layer and those below it, never above.
LAYERS: list[tuple[str, ...]] = [
    # Shared, stage-free pieces.
    (
        "apidocgen",
        "apidocgen.diagnostics",
        "apidocgen.naming",
        "apidocgen.paths",
        "apidocgen.forking",
        "apidocgen.site_layout",
        "apidocgen.runtime",
        "apidocgen.config",
        "apidocgen.digests",
        "apidocgen.files",
    ),
    ("apidocgen.http",),  # stage 2, whose text scanners the loader uses too
    ("apidocgen.load",),  # stage 1
    ("apidocgen.infer",),  # stage 3
    ("apidocgen.model",),  # stage 4: the contract every renderer reads
    ("apidocgen.render",),  # stage 5
    ("apidocgen.manifest", "apidocgen.write", "apidocgen.result"),  # the output folder
    ("apidocgen.parse_cache", "apidocgen.reuse", "apidocgen.workers", "apidocgen.units"),
    ("apidocgen.pipeline",),
    ("apidocgen.diff",),  # API changes between versions of the descriptors (git history)
    ("apidocgen.incremental", "apidocgen.mock", "apidocgen.generated_blocks", "apidocgen.migrate"),
    ("apidocgen.capture",),  # recorded traffic (HAR, test runs) into descriptors
    # What the mkdocs plugin adds to a site: theme settings, page assembly and cleaning, the
    # live preview, conversion and search indexing in a second process.
    (
        "apidocgen.site_theme",
        "apidocgen.page_assembly",
        "apidocgen.page_sanitizer",
        "apidocgen.live_preview",
        "apidocgen.search_worker",
        "apidocgen.conversion_worker",
        "apidocgen.nav_cache",
    ),
    ("apidocgen.site_workers",),  # the plugin's use of both second processes
    ("apidocgen.cli", "apidocgen.mkdocs_plugin", "apidocgen.__main__", "apidocgen.record"),
]


def _module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _graph() -> dict[str, set[str]]:
    modules = {_module_name(p): p for p in PACKAGE.rglob("*.py")}
    graph: dict[str, set[str]] = {}
    for name, path in modules.items():
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        found: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    anchor = package
                    for _ in range(node.level - 1):
                        anchor = anchor.rpartition(".")[0]
                    base = f"{anchor}.{base}" if base else anchor
                for alias in node.names:
                    candidate = f"{base}.{alias.name}"
                    found.add(candidate if candidate in modules else base)
            elif isinstance(node, ast.Import):
                found.update(alias.name for alias in node.names)
        graph[name] = {m for m in found if m in modules and m != name}
    return graph


def _layer(module: str) -> int:
    best, rank = -1, -1
    for index, prefixes in enumerate(LAYERS):
        for prefix in prefixes:
            if (module == prefix or module.startswith(prefix + ".")) and len(prefix) > best:
                best, rank = len(prefix), index
    return rank


def test_every_module_has_a_layer() -> None:
    assert [m for m in _graph() if _layer(m) < 0] == []


def test_imports_never_go_up_a_layer() -> None:
    upward = [
        f"{module} imports {target}"
        for module, targets in sorted(_graph().items())
        for target in sorted(targets)
        if _layer(target) > _layer(module)
    ]
    assert upward == []


def test_there_are_no_import_cycles() -> None:
    graph = _graph()
    state: dict[str, int] = {}
    cycles: list[list[str]] = []

    def visit(module: str, stack: list[str]) -> None:
        state[module] = 1
        stack.append(module)
        for target in sorted(graph[module]):
            if state.get(target) == 1:
                cycles.append(stack[stack.index(target) :] + [target])
            elif target not in state:
                visit(target, stack)
        stack.pop()
        state[module] = 2

    for module in sorted(graph):
        if module not in state:
            visit(module, [])
    assert cycles == []


def test_modules_stay_small() -> None:
    """None over about 600 lines: small enough to hold in one's head."""
    large = {
        _module_name(p): n
        for p in PACKAGE.rglob("*.py")
        if (n := len(p.read_text("utf-8").splitlines())) > 650
    }
    assert large == {}
