"""The generated package as a user gets it: lint-clean, typed, importable, installable, inert.

Each corpus is generated once per session; ruff and `mypy --strict` run once per corpus.
"""

from __future__ import annotations

import ast
import importlib.util
import json
import os
import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from apidocgen import __version__
from apidocgen.config import Config
from apidocgen.pipeline import run
from apidocgen.write import write_output
from tests.conftest import ROOT, corpus_dir, run_python, write_descriptor

RUFF = shutil.which("ruff", path=str(Path(sys.executable).parent)) or shutil.which("ruff")
CORPORA = {
    "seed": (None, "seed_api"),
    "sentry": ("sentry", "sentry_api"),
    "github": ("github-dev/api-docs", "github_dev_api"),
}


def corpus_source(name: str) -> Path:
    folder, _ = CORPORA[name]
    if folder is None:
        return ROOT / "api-docs"
    corpus, _, rest = folder.partition("/")
    return corpus_dir(corpus) / rest if rest else corpus_dir(corpus)


def generate(source: Path, out: Path, package: str) -> Path:
    """Run the pipeline and write its output; return the `python/` folder."""
    config = Config(input=source, output=out, package=package, title=package, token_env="API_TOKEN")
    result = run(config)
    assert not result.failed, [d.format() for d in result.diagnostics if d.severity == "error"]
    write_output(out, result.files)
    return out / "python"


@pytest.fixture(scope="module", params=list(CORPORA))
def generated(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> tuple[str, Path]:
    """(package name, python folder) of each corpus, generated once for this module."""
    name = request.param
    source = corpus_source(name)
    _, package = CORPORA[name]
    out = tmp_path_factory.getbasetemp() / f"package-{package}"
    if not (out / "python" / package / "__init__.py").is_file():
        generate(source, out, package)
    return package, out / "python"


def _run(command: list[str], cwd: Path, timeout: float = 600) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        command, cwd=cwd, capture_output=True, text=True, timeout=timeout, check=False
    )


def python_files(folder: Path) -> list[Path]:
    return sorted(folder.rglob("*.py"))


# -- lint, format, types ----------------------------------------------------------------------


@pytest.mark.skipif(RUFF is None, reason="ruff is not installed")
def test_ruff_check_and_format_clean(generated: tuple[str, Path]) -> None:
    _, folder = generated
    assert RUFF is not None
    lint = _run([RUFF, "check", "--no-cache", "."], folder)
    assert lint.returncode == 0, lint.stdout[-4000:] + lint.stderr[-2000:]
    formatted = _run([RUFF, "format", "--no-cache", "--check", "."], folder)
    assert formatted.returncode == 0, formatted.stdout[-4000:] + formatted.stderr[-2000:]


def test_mypy_strict_clean(
    generated: tuple[str, Path], tmp_path_factory: pytest.TempPathFactory
) -> None:
    package, folder = generated
    cache = tmp_path_factory.getbasetemp() / f"mypy-cache-{package}"
    checked = _run(
        [
            sys.executable,
            "-m",
            "mypy",
            "--strict",
            "--cache-dir",
            str(cache),
            "--python-version",
            "3.10",
            package,
        ],
        folder,
    )
    assert checked.returncode == 0, checked.stdout[-6000:] + checked.stderr[-2000:]


def test_no_field_is_typed_bare_none(generated: tuple[str, Path]) -> None:
    """A value only ever seen as null is `Any | None = None`: the examples say nothing of
    its type, and a bare `None` would reject the first real value."""
    package, python_dir = generated
    tree = ast.parse((python_dir / package / "models.py").read_text(encoding="utf-8"))
    fields = [node for node in ast.walk(tree) if isinstance(node, ast.AnnAssign)]
    assert fields
    bare = [
        ast.unparse(node)
        for node in fields
        if any(
            isinstance(part, ast.Constant) and part.value is None
            for part in ast.walk(node.annotation)
        )
        and not any(
            isinstance(part, ast.BinOp) and isinstance(part.op, ast.BitOr)
            for part in ast.walk(node.annotation)
        )
        or "[None]" in ast.unparse(node.annotation)
    ]
    assert bare == []


def test_sources_parse_as_python_310(generated: tuple[str, Path]) -> None:
    _, folder = generated
    for path in python_files(folder):
        ast.parse(path.read_text("utf-8"), str(path), feature_version=(3, 10))


# -- importable, with the documented surface --------------------------------------------------

IMPORT_EVERYTHING = """
import importlib, json, pkgutil, sys
package = importlib.import_module(sys.argv[1])
names = {}
for info in pkgutil.walk_packages(package.__path__, package.__name__ + "."):
    importlib.import_module(info.name)
missing = [n for n in package.__all__ if not hasattr(package, n)]
client = package.Client(base_url="http://127.0.0.1:9", token="t")
groups = [n for n in dir(client) if not n.startswith("_")]
print(json.dumps({"missing": missing, "all": package.__all__, "groups": groups, "version": package.__version__}))
"""


def test_every_module_imports_and_exports_resolve(
    generated: tuple[str, Path], tmp_path: Path
) -> None:
    package, folder = generated
    done = run_python(
        "-c",
        IMPORT_EVERYTHING,
        package,
        cwd=tmp_path,
        env={"PYTHONPATH": str(folder), "PYTHONWARNINGS": "error"},
    )
    assert done.returncode == 0, done.stderr[-4000:]
    report = json.loads(done.stdout)
    assert report["missing"] == []
    for name in (
        "Client",
        "AsyncClient",
        "APIError",
        "APIStatusError",
        "NotFoundError",
        "APIResponse",
        "models",
    ):
        assert name in report["all"]
    assert report["version"] == "0.1.0"


def test_files_start_with_the_generated_header_and_hold_no_machine_paths(
    generated: tuple[str, Path],
) -> None:
    _, folder = generated
    marker = f"Generated by apidocgen {__version__}"
    for path in sorted(
        p for p in folder.rglob("*") if p.is_file() and "__pycache__" not in p.parts
    ):
        text = path.read_text("utf-8")
        first = text.splitlines()[0] if text else ""
        assert marker in first, path
        assert str(folder.parent) not in text and str(ROOT) not in text, path
        assert not re.search(r"timestamp|\d{4}-\d\d-\d\d[ T]\d\d:\d\d:\d\d", first), path


def test_pyproject_declares_the_distribution(generated: tuple[str, Path]) -> None:
    package, folder = generated
    data = tomllib.loads((folder / "pyproject.toml").read_text("utf-8"))
    project = data["project"]
    assert project["name"] == package.replace("_", "-")
    assert project["version"] == "0.1.0"
    assert project["requires-python"] == ">=3.10"
    assert sorted(project["dependencies"]) == ["httpx>=0.27", "pydantic>=2"]
    assert data["build-system"]["build-backend"] == "setuptools.build_meta"
    assert (folder / package / "py.typed").is_file()
    readme = (folder / "README.md").read_text("utf-8")
    assert f"from {package} import Client" in readme and "client." in readme


def test_pip_install_builds_the_distribution(
    tmp_path: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    out = tmp_path_factory.getbasetemp() / "package-seed_api"
    if not (out / "python" / "seed_api" / "__init__.py").is_file():
        generate(corpus_source("seed"), out, "seed_api")
    target = tmp_path / "site"
    command = [
        sys.executable,
        "-m",
        "pip",
        "install",
        "--no-deps",
        "--quiet",
        "--target",
        str(target),
    ]
    if importlib.util.find_spec("setuptools") and importlib.util.find_spec("wheel"):
        command.append("--no-build-isolation")
    done = _run([*command, str(out / "python")], tmp_path, timeout=300)
    if done.returncode != 0 and re.search(
        r"No matching distribution|Could not find a version|network", done.stderr
    ):
        pytest.skip("the build backend (setuptools) cannot be fetched here: " + done.stderr[-300:])
    assert done.returncode == 0, done.stderr[-3000:]
    installed = target / "seed_api"
    assert (installed / "py.typed").is_file() and (installed / "_resources").is_dir()
    assert {p.name for p in installed.glob("*.py")} >= {
        "__init__.py",
        "_client.py",
        "models.py",
        "_transport.py",
    }


# -- deterministic ----------------------------------------------------------------------------


def test_generation_is_byte_for_byte_deterministic(tmp_path: Path) -> None:
    def snapshot(python_dir: Path) -> dict[str, bytes]:
        return {
            p.relative_to(python_dir).as_posix(): p.read_bytes()
            for p in python_dir.rglob("*")
            if p.is_file()
        }

    first = generate(ROOT / "api-docs", tmp_path / "a", "same_api")
    env = dict(os.environ, PYTHONHASHSEED="12345")
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "apidocgen",
            "--input",
            str(ROOT / "api-docs"),
            "--output",
            str(tmp_path / "b"),
            "--package",
            "same_api",
            "--title",
            "same_api",
            "--token-env",
            "API_TOKEN",
            "-q",
        ],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert snapshot(first) == snapshot(tmp_path / "b" / "python")


# -- hostile descriptors ----------------------------------------------------------------------

PAYLOAD = '"""; import os; os.system("touch CANARY") #'
HOSTILE_KEYS = {
    PAYLOAD: 1,
    "'''; import os; os.system('touch CANARY')": 2,
    "class": "c",
    "list": [1],
    "id": 3,
    "2fa": True,
    "": "empty",
    "naïve": "n",
    "userId": "u",
    "user_id": "v",
    "user-id": "w",
    "a\\b": "backslash",
    "new\nline": "nl",
    "#hash": "h",
    "model_config": "m",
    "self": "s",
    "nested": {PAYLOAD: {"class": 1}},
}


def hostile_descriptors(folder: Path) -> None:
    (folder / "hostile").mkdir(parents=True)
    title = json.dumps(PAYLOAD + " \\ end")
    (folder / "hostile" / "index.md").write_text(
        f"---\ntitle: {title}\n---\n{PAYLOAD}\n", encoding="utf-8"
    )
    request = (
        "POST /things/x/y/ HTTP/1.1\nHost: api.hostile.test\nContent-Type: application/json\n\n"
    )
    response = "HTTP/1.1 200 OK\nContent-Type: application/json\n\n"
    descriptor = {
        "api_path": "/things/{class}/{user-id}/",
        "method": "POST",
        "title": PAYLOAD + " \\ end\\",
        "description": f'Line one "quoted" \\ back\n\n{PAYLOAD}\n"""\n\'\'\'\n#',
        "authentication": "required",
        "path_parameters": [
            {"name": "class", "type": "string", "description": PAYLOAD},
            {"name": "user-id", "type": "int", "description": "\\"},
        ],
        "query_parameters": [
            {"name": "list", "type": "string", "description": '"'},
            {"name": "userId", "type": "string"},
            {"name": "user_id", "type": "string"},
            {"name": "self", "type": "bool"},
            {"name": "body", "type": "string"},
            {"name": PAYLOAD, "type": "string", "description": PAYLOAD},
        ],
        "example_request": request + json.dumps(HOSTILE_KEYS),
        "example_response": response + json.dumps([HOSTILE_KEYS]),
    }
    write_descriptor(folder, "hostile/list.md", json.dumps(descriptor))
    other = dict(
        descriptor,
        api_path="/things/",
        method="GET",
        title="list",
        query_parameters=None,
        path_parameters=None,
        example_request="GET /things/ HTTP/1.1\nHost: api.hostile.test",
    )
    write_descriptor(folder, "hostile/class.md", json.dumps(other))


CANARY_IMPORT = """
import importlib, pkgutil, sys
package = importlib.import_module(sys.argv[1])
for info in pkgutil.walk_packages(package.__path__, package.__name__ + "."):
    importlib.import_module(info.name)
models = importlib.import_module(sys.argv[1] + ".models")
for name in models.__all__:
    value = getattr(models, name)
    if hasattr(value, "model_rebuild"):
        value.model_rebuild()
client = package.Client(base_url="http://127.0.0.1:9", token="t")
for group in [n for n in dir(client) if not n.startswith("_")]:
    getattr(client, group)
help(package.Client)
print("imported")
"""


def test_hostile_descriptors_produce_inert_valid_code(tmp_path: Path) -> None:
    hostile_descriptors(tmp_path / "in")
    folder = generate(tmp_path / "in", tmp_path / "out", "hostile_api")
    cwd = tmp_path / "cwd"
    cwd.mkdir()
    done = run_python("-c", CANARY_IMPORT, "hostile_api", cwd=cwd, env={"PYTHONPATH": str(folder)})
    assert done.returncode == 0, done.stderr[-4000:]
    assert done.stdout.strip().endswith("imported")
    assert not list(tmp_path.rglob("CANARY")) and not (ROOT / "CANARY").exists()
    for path in python_files(folder):
        ast.parse(path.read_text("utf-8"), str(path))
    if RUFF is not None:
        lint = _run([RUFF, "check", "--no-cache", "."], folder)
        assert lint.returncode == 0, lint.stdout[-3000:]
    checked = _run(
        [
            sys.executable,
            "-m",
            "mypy",
            "--strict",
            "--cache-dir",
            str(tmp_path / "mypy"),
            "hostile_api",
        ],
        folder,
    )
    assert checked.returncode == 0, checked.stdout[-4000:]
    source = "\n".join(p.read_text("utf-8") for p in python_files(folder))
    assert "os.system" in source  # the hostile text is there, as data only:
    for path in python_files(folder):
        if (
            path.name == "_transport.py"
        ):  # reads the token from os.environ; holds no descriptor text
            continue
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if isinstance(node, ast.Import):
                assert all(alias.name.split(".")[0] != "os" for alias in node.names), path
            if isinstance(node, ast.ImportFrom):
                assert (node.module or "").split(".")[0] != "os", path
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
                assert node.func.attr != "system", path
