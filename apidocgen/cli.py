"""Command line: parse arguments, read `[tool.apidocgen]`, run the pipeline, print diagnostics.

Exit codes: 0 success (warnings allowed); 1 input errors, or stale output in check mode;
2 usage errors, or input errors in check mode.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from apidocgen import __version__
from apidocgen.config import Config, check_config, load_config
from apidocgen.diagnostics import Diagnostic
from apidocgen.incremental import last_run

if TYPE_CHECKING:
    from apidocgen.result import RunResult

COMMANDS = ("generate", "check", "lint", "mock", "migrate", "diff", "import", "explain")
EXIT_OK, EXIT_FAIL, EXIT_USAGE = 0, 1, 2


class UsageError(Exception):
    """A problem with how the tool was called (exit 2)."""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="apidocgen",
        description="Generate docs pages, an OpenAPI 3.1 document, Pydantic models and a typed client from endpoint descriptors.",
    )
    parser.add_argument("--version", action="version", version=f"apidocgen {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name, text in (
        ("generate", "write every output into the output folder (the default command)"),
        ("check", "write nothing; exit 1 when the output folder is stale"),
        ("lint", "validate the descriptors; write nothing"),
        ("mock", "serve the example responses over HTTP for offline client development"),
        ("migrate", "rewrite endpoint pages of the older hand-written format as descriptors"),
        ("diff", "report what changed in the API since BASE, and whether it breaks clients"),
        ("import", "turn recorded traffic (HAR files) into descriptors and examples"),
        ("explain", "say where an inferred model occurs, what was merged into it and why"),
    ):
        command = sub.add_parser(name, help=text, description=text)
        _add_common(command)
        if name == "generate":
            command.add_argument("--check", action="store_true", help="same as the check command")
        if name == "migrate":
            command.add_argument(
                "paths",
                nargs="*",
                type=Path,
                metavar="PATH",
                help="pages or folders to migrate (default: the input folder)",
            )
            command.add_argument(
                "--check",
                action="store_true",
                help="write nothing; exit 1 when a page would change",
            )
        if name == "diff":
            _add_diff_options(command)
        if name == "import":
            _add_import_options(command)
        if name == "explain":
            command.add_argument("component", help="the model (component) name, e.g. User")
        if name == "mock":
            command.add_argument(
                "--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)"
            )
            command.add_argument(
                "--port", type=int, default=4010, help="port to listen on (default 4010)"
            )
    return parser


def _add_diff_options(command: argparse.ArgumentParser) -> None:
    command.add_argument(
        "base",
        nargs="?",
        metavar="BASE",
        help="a git revision (default: the merge base with the default branch), a previous"
        " output folder, an openapi.json, or a folder of descriptors",
    )
    command.add_argument(
        "--format",
        choices=("text", "markdown", "json"),
        default="text",
        help="text (default), markdown (for a pull-request comment) or json",
    )
    command.add_argument(
        "--fail-on",
        dest="fail_on",
        choices=("breaking", "any"),
        help="exit 1 when a breaking change (that no '# breaking:' note acknowledges), or any"
        " change, is found",
    )


def _add_import_options(command: argparse.ArgumentParser) -> None:
    command.add_argument("kind", choices=("har",), help="what the files are: har (HAR 1.2)")
    command.add_argument("files", nargs="+", type=Path, metavar="FILE", help="files to import")
    command.add_argument(
        "--into", type=Path, help="descriptor folder to add to (default: the input folder)"
    )
    many: dict[str, Any] = {"action": "append", "default": []}
    command.add_argument("--host", **many, help="keep only exchanges with this host (repeat)")
    command.add_argument("--prefix", **many, help="keep only paths under this prefix (repeat)")
    command.add_argument(
        "--media", **many, help="keep only responses of this content type, e.g. json (repeat)"
    )
    command.add_argument(
        "--route", **many, metavar="TEMPLATE", help="a route template, e.g. /teams/{team}/"
    )
    command.add_argument(
        "--keep-header", dest="keep_header", **many, help="a header that is not secret here"
    )
    command.add_argument(
        "--id-param", dest="id_param", default="{}_id", help="name of identifier parameters"
    )
    command.add_argument(
        "--name-param", dest="name_param", default="{}_slug", help="name of other parameters"
    )
    command.add_argument(
        "--max-examples", dest="max_examples", type=int, default=5, help="per descriptor"
    )
    command.add_argument(
        "--max-har-bytes", dest="max_har_bytes", type=int, default=64 * 1024 * 1024
    )
    command.add_argument("--dry-run", action="store_true", help="print the plan; write nothing")


def _add_common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--config",
        type=Path,
        help="pyproject.toml holding [tool.apidocgen] (default: ./pyproject.toml)",
    )
    parser.add_argument(
        "--input", "-i", type=Path, help="folder of descriptors (default from config: api-docs)"
    )
    parser.add_argument(
        "--output", "-o", type=Path, help="output folder (default from config: generated)"
    )
    parser.add_argument("--title", help="API title")
    parser.add_argument("--package", help="Python package name of the generated client")
    parser.add_argument(
        "--base-url", dest="base_url", help="API base URL (default: the examples' Host header)"
    )
    parser.add_argument(
        "--token-env", dest="token_env", help="environment variable holding the API token"
    )
    parser.add_argument(
        "--base-url-env",
        dest="base_url_env",
        help="environment variable that overrides the client's base URL "
        "(default: named after --token-env, e.g. SENTRY_API_BASE_URL)",
    )
    parser.add_argument(
        "--templates", type=Path, help="folder of templates that override the shipped ones"
    )
    parser.add_argument("--strict", action="store_true", help="treat warnings as errors")
    parser.add_argument("-q", "--quiet", action="store_true", help="print errors only")
    parser.add_argument("-v", "--verbose", action="store_true", help="print stage timings")


def main(argv: list[str] | None = None) -> int:
    """Entry point of the `apidocgen` command and of generate.py."""
    args_list = list(sys.argv[1:] if argv is None else argv)
    if (
        not args_list
        or args_list[0] not in COMMANDS
        and args_list[0] not in ("-h", "--help", "--version")
    ):
        args_list.insert(0, "generate")
    parser = build_parser()
    args = parser.parse_args(args_list)
    if args.command is None:
        parser.print_help()
        return EXIT_USAGE
    try:
        config = resolve_config(args)
    except UsageError as exc:
        print(f"apidocgen: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    generate_check = args.command == "generate" and args.check
    command = "check" if args.command == "check" or generate_check else args.command
    try:
        if command == "migrate":
            return _migrate(config, args)
        if command == "diff":
            return _diff(config, args)
        if command == "import":
            return _import(config, args)
        if command == "explain":
            return _explain(config, args)
        if command == "mock":
            from apidocgen.mock import serve

            served: int = serve(config, host=args.host, port=args.port)
            return served
        return _run(command, config, args)
    except KeyboardInterrupt:
        return 130
    except Exception as exc:
        from apidocgen.write import UnsafePathError

        if isinstance(exc, UnsafePathError):
            print(f"apidocgen: error: {exc}", file=sys.stderr)
            return EXIT_FAIL  # a bug, not bad input: one line, the traceback only when asked
        if args.verbose:
            raise
        print(
            f"apidocgen: internal error: {type(exc).__name__}: {exc} (run with -v for details)",
            file=sys.stderr,
        )
        return 3


def resolve_config(args: argparse.Namespace) -> Config:
    """Configuration file first, then command-line flags."""
    pyproject = args.config if args.config is not None else Path("pyproject.toml")
    if args.config is not None and not args.config.is_file():
        raise UsageError(f"configuration file {args.config} does not exist")
    config, problems = load_config(pyproject)
    if problems:
        raise UsageError(problems[0].format())
    overrides: dict[str, Any] = {}
    for name in (
        "input", "output", "title", "package", "base_url", "token_env", "base_url_env",
        "templates",
    ):  # fmt: skip
        value = getattr(args, name, None)
        if value is not None:
            overrides[name] = value
    if args.strict:
        overrides["strict"] = True
    config = replace(config, **overrides)
    problems = check_config(config, "command line")
    if problems:
        raise UsageError(problems[0].message)
    if args.command == "import":
        return config  # it may create the input folder
    if not config.input.is_dir():
        raise UsageError(f"input folder {config.input} does not exist")
    if config.templates is not None and not config.templates.is_dir():
        raise UsageError(f"templates folder {config.templates} does not exist")
    source = config.input.resolve()
    target = config.output.resolve()
    if target == source or target.is_relative_to(source):
        raise UsageError(f"output folder {config.output} must not be the input folder or inside it")
    if source.is_relative_to(target):
        raise UsageError(f"input folder {config.input} must not be inside the output folder")
    if target.exists() and not target.is_dir():
        raise UsageError(f"output {config.output} exists and is not a folder")
    return config


def _migrate(config: Config, args: argparse.Namespace) -> int:
    from apidocgen.migrate import plan_migration, write_migration

    paths = list(args.paths) or [config.input]
    missing = [p for p in paths if not p.exists()]
    if missing:
        print(f"apidocgen: error: {missing[0]} does not exist", file=sys.stderr)
        return EXIT_USAGE
    migration = plan_migration(paths, config)
    printer = DiagnosticPrinter(quiet=args.quiet)
    printer.print_all(sorted(migration.diagnostics))
    if any(d.severity == "error" for d in migration.diagnostics):
        errors = sum(d.severity == "error" for d in migration.diagnostics)
        print(f"apidocgen: {errors} error(s); nothing written", file=sys.stderr)
        return EXIT_FAIL
    if args.check:
        stale = [p for p, text in migration.pages.items() if p.read_bytes() != text.encode()]
        for path in stale:
            print(f"would migrate {path}")
        if not args.quiet:
            print(f"apidocgen: {len(stale)} page(s) of the older format would be migrated")
        return EXIT_FAIL if stale else EXIT_OK
    changed = write_migration(migration)
    if not args.quiet:
        for path in changed:
            print(f"migrated {path}")
        print(
            f"apidocgen: {len(changed)} page(s) migrated; {len(migration.left)} file(s) are"
            " not endpoint pages of the older format and were left as they are"
        )
    return EXIT_OK


def _import(config: Config, args: argparse.Namespace) -> int:
    from apidocgen.capture import ImportOptions, Naming, plan_import, read_har, write_plan

    for name in (args.id_param, args.name_param):
        if "{}" not in name:
            print(f"apidocgen: error: parameter name format {name!r} has no {{}}", file=sys.stderr)
            return EXIT_USAGE
    exchanges = []
    problems: list[Diagnostic] = []
    for path in args.files:
        found, found_problems = read_har(path, max_bytes=args.max_har_bytes)
        exchanges.extend(found)
        problems.extend(found_problems)
    printer = DiagnosticPrinter(quiet=args.quiet)
    if any(d.severity == "error" for d in problems):
        printer.print_all(problems)
        errors = sum(d.severity == "error" for d in problems)
        print(f"apidocgen: {errors} error(s); nothing written", file=sys.stderr)
        return EXIT_FAIL
    options = ImportOptions(
        hosts=tuple(args.host),
        prefixes=tuple(args.prefix),
        media=tuple(args.media),
        routes=tuple(args.route),
        keep_headers=frozenset(h.lower() for h in args.keep_header),
        naming=Naming(args.id_param, args.name_param),
        max_examples=max(0, args.max_examples),
    )
    into = args.into or config.input
    plan = plan_import(exchanges, into, options)
    printer.print_all(sorted(problems + plan.diagnostics))
    if plan.failed:
        errors = sum(d.severity == "error" for d in plan.diagnostics)
        print(f"apidocgen: {errors} error(s); nothing written", file=sys.stderr)
        return EXIT_FAIL
    for line in plan.report:
        print(line)
    if args.dry_run:
        print(f"apidocgen: dry run: {len(plan.files)} file(s) would change; nothing written")
        return EXIT_OK
    written = write_plan(plan)
    print(
        f"apidocgen: {len(exchanges)} exchange(s) read; {len(plan.created)} new descriptor(s),"
        f" {len(written) - len(plan.created)} updated"
    )
    return EXIT_OK


def _explain(config: Config, args: argparse.Namespace) -> int:
    import difflib

    from apidocgen.infer import explain_components
    from apidocgen.pipeline import collect_samples

    samples, diagnostics = collect_samples(config)
    DiagnosticPrinter(quiet=args.quiet).print_all(diagnostics)
    accounts = explain_components(samples)
    account = accounts.get(args.component)
    if account is None:
        folded = {name: a.name for a in accounts.values() for name in a.folded}
        if args.component in folded:
            account = accounts[folded[args.component]]
        else:
            close = difflib.get_close_matches(args.component, list(accounts), n=5)
            hint = f"; did you mean {', '.join(close)}?" if close else ""
            print(f"apidocgen: error: no model named {args.component!r}{hint}", file=sys.stderr)
            return EXIT_FAIL
    print(f"{account.name}")
    print(f"  name: {account.name_source}")
    if account.folded:
        print(f"  identical to it, folded in: {', '.join(account.folded)}")
    print(f"  occurs at {len(account.occurrences)} places:")
    for place in account.occurrences:
        print(f"    {place}")
    shown = len(account.merges)
    more = f" (first {shown} shown)" if shown < account.merge_count else ""
    print(f"  merged {account.merge_count} times{more}:")
    for merge in account.merges:
        print(f"    {merge.first} + {merge.second}: {merge.reason}")
    if account.marks:
        print("  optional or nullable from other evidence:")
        for note in account.marks:
            print(f"    {note}")
    return EXIT_OK


def _diff(config: Config, args: argparse.Namespace) -> int:
    from apidocgen.diff import diff
    from apidocgen.diff.report import FORMATS
    from apidocgen.diff.sources import DiffError

    try:
        report, diagnostics = diff(config, args.base, display_input=_display(config.input))
    except DiffError as exc:
        print(f"apidocgen: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    DiagnosticPrinter(quiet=args.quiet).print_all(diagnostics)
    if report is None:
        errors = sum(d.severity == "error" for d in diagnostics)
        print(f"apidocgen: {errors} error(s) in the descriptors; nothing compared", file=sys.stderr)
        return EXIT_FAIL
    sys.stdout.write(FORMATS[args.format](report))
    if args.fail_on == "breaking" and report.breaking:
        print(
            f"apidocgen: {len(report.breaking)} breaking change(s) not acknowledged"
            " (add a '# breaking: <reason>' line to the descriptor's front matter to accept one)",
            file=sys.stderr,
        )
        return EXIT_FAIL
    if args.fail_on == "any" and report.changes:
        return EXIT_FAIL
    return EXIT_OK


def _run(command: str, config: Config, args: argparse.Namespace) -> int:
    started = time.perf_counter()
    printer = DiagnosticPrinter(quiet=args.quiet)
    if command == "generate":
        return _generate(config, args, started, printer)
    # Imported here so that an up-to-date run does not pay for loading the pipeline.
    from apidocgen.incremental import changelog_of
    from apidocgen.parse_cache import read_parse_cache
    from apidocgen.pipeline import run
    from apidocgen.reuse import Reuse
    from apidocgen.write import plan, unified_diffs

    with StageProgress(enabled=not args.quiet and sys.stderr.isatty()) as progress:
        history = changelog_of(config).revisions if command == "check" else ()
        result = run(
            config,
            display_input=_display(config.input),
            lint_only=command == "lint",
            reuse=Reuse(parse_cache=read_parse_cache(config)),
            progress=progress.stage,
            history=history,
        )
    printer.print_all(result.diagnostics)
    if result.failed:
        return _failed(result, EXIT_USAGE if command == "check" else EXIT_FAIL)
    if command == "lint":
        if not args.quiet:
            print(
                f"apidocgen: {result.counts.get('endpoints', 0)} endpoints,"
                f" {result.counts.get('pages', 0)} pages checked"
            )
        return EXIT_OK
    changes = plan(config.output, result.files)
    if not changes.stale:
        if not args.quiet:
            print(f"apidocgen: {config.output} is up to date ({changes.unchanged} files)")
        return EXIT_OK
    for text in unified_diffs(config.output, result.files, changes):
        sys.stdout.write(text)
    for label, paths in (
        ("would add", changes.added),
        ("would change", changes.changed),
        ("would remove", changes.removed),
    ):
        for path in paths:
            print(f"{label} {config.output / path}")
    stale = len(changes.added) + len(changes.changed) + len(changes.removed)
    print(
        f"apidocgen: {config.output} is stale: {stale} file(s) differ; run apidocgen to update",
        file=sys.stderr,
    )
    return EXIT_FAIL


def _generate(
    config: Config, args: argparse.Namespace, started: float, printer: DiagnosticPrinter
) -> int:
    last = last_run(config)
    if last.up_to_date:
        # Nothing changed since the run that wrote the output: its warnings still hold.
        remembered = last.manifest.get("diagnostics")
        if isinstance(remembered, list) and not args.quiet:
            for line in remembered:
                print(str(line), file=sys.stderr)
        if not args.quiet:
            print(
                f"apidocgen: {config.output} is up to date; nothing to do"
                f" ({time.perf_counter() - started:.2f} s)"
            )
        return EXIT_OK
    from apidocgen.incremental import generate

    with StageProgress(enabled=not args.quiet and sys.stderr.isatty()) as progress:
        result, changes = generate(
            config, last, display_input=_display(config.input), progress=progress.stage
        )
    printer.print_all(result.diagnostics)
    if changes is None:
        return _failed(result, EXIT_FAIL)
    if not args.quiet:
        _summary(
            result, changes.added + changes.changed, time.perf_counter() - started, args.verbose
        )
        if args.verbose:
            states = last.states
            print(f"  outputs checked: {states.trusted} by size and mtime, {states.hashed} hashed")
    return EXIT_OK


def _failed(result: RunResult, code: int) -> int:
    errors = sum(d.severity == "error" for d in result.diagnostics)
    print(f"apidocgen: {errors} error(s); nothing written", file=sys.stderr)
    return code


class StageProgress:
    """A rich progress display of the pipeline's stages, shown on a terminal only.

    The bar appears once a run has lasted about a second, so quick runs print nothing extra.
    """

    STAGES = ("load", "http", "infer", "spec", "render")

    def __init__(self, *, enabled: bool) -> None:
        self.enabled = enabled
        self._progress: Any = None
        self._task: Any = None
        self._started = time.perf_counter()
        self._seen = 0

    def __enter__(self) -> StageProgress:
        return self

    def __exit__(self, *exc: object) -> None:
        if self._progress is not None:
            self._progress.stop()

    def stage(self, name: str) -> None:
        self._seen += 1
        if not self.enabled:
            return
        if self._progress is None:
            if time.perf_counter() - self._started < 1.0 and name != "render":
                return
            from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

            self._progress = Progress(
                TextColumn("apidocgen"),
                BarColumn(),
                TextColumn("{task.description}"),
                TimeElapsedColumn(),
                transient=True,
            )
            self._progress.start()
            self._task = self._progress.add_task(name, total=len(self.STAGES))
        self._progress.update(self._task, completed=self._seen - 1, description=name)


def _display(path: Path) -> str:
    try:
        return os.path.relpath(path)
    except ValueError:
        return str(path)


def _summary(result: RunResult, written: list[str], seconds: float, verbose: bool) -> None:
    warnings = sum(d.severity == "warning" for d in result.diagnostics)
    counts = result.counts
    print(
        f"apidocgen: {counts.get('endpoints', 0)} endpoints, {counts.get('pages', 0)} pages,"
        f" {counts.get('models', 0)} models, {warnings} warnings, {len(written)} files written"
        f" in {seconds:.2f} s"
    )
    if verbose:
        for stage, spent in result.timings.items():
            print(f"  {stage:<8} {spent:.3f} s")
        if "parsed" in counts:
            print(
                f"  parsed: {counts['parsed']} files; {counts.get('parse cache hits', 0)}"
                " unchanged files from the parse cache"
            )
        print(
            f"  rendered: {', '.join(result.rendered_units) or 'nothing'}; reused {len(result.reused)} files"
        )


class DiagnosticPrinter:
    """Prints diagnostics one per line on stderr, colored only on a terminal."""

    def __init__(self, *, quiet: bool) -> None:
        self.quiet = quiet
        self.color = sys.stderr.isatty() and "NO_COLOR" not in os.environ

    def print_all(self, diagnostics: list[Diagnostic]) -> None:
        for diagnostic in diagnostics:
            if self.quiet and diagnostic.severity == "warning":
                continue
            line = diagnostic.format()
            if self.color:
                code = "31" if diagnostic.severity == "error" else "33"
                head = f"{diagnostic.path}:{diagnostic.line}:{diagnostic.col}:"
                line = f"\x1b[1m{head}\x1b[0m \x1b[{code}m{diagnostic.severity}:\x1b[0m {diagnostic.message}"
            print(line, file=sys.stderr)
