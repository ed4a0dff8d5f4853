"""Every code sample of every generated endpoint page runs against `apidocgen mock`.

The Python samples run in one interpreter (each in a fresh namespace) with the generated
package on the path, the token and the base URL in the environment, as a reader would run
them; they are also checked with `mypy --strict`. The curl samples run in bash with the
real curl. Counts are printed with the result.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import textwrap
from dataclasses import dataclass
from pathlib import Path

import pytest

from apidocgen.config import Config
from apidocgen.mock import ReplayServer
from apidocgen.pipeline import run
from apidocgen.write import write_output
from tests.conftest import ROOT, corpus_dir, run_python

TOKEN_ENV = "SAMPLES_API_TOKEN"
BASE_URL_ENV = "SAMPLES_API_BASE_URL"
_TAB = re.compile(
    r'^=== "(?P<label>Python|curl)"\n\n    <!-- apidocgen:code -->\n\n'
    r"    (?P<fence>`{3,})(?:python|bash)\n(?P<code>.*?)\n    (?P=fence)$",
    re.M | re.S,
)
# Files a sample uploads (`open("file", "rb")`, `-F 'file=@file'`): a reader has them.
_UPLOADS = re.compile(r'open\("([^"/]+)", "rb"\)|=@([A-Za-z0-9_.-]+)')

RUNNER = """
import contextlib, io, json, runpy, sys, traceback
results = {}
for path in sys.argv[1:]:
    out = io.StringIO()
    try:
        with contextlib.redirect_stdout(out):
            runpy.run_path(path, run_name="__main__")
        results[path] = None
    except BaseException:
        results[path] = traceback.format_exc(limit=3)[-1500:]
print(json.dumps(results))
"""


@dataclass(frozen=True)
class Sample:
    page: str
    label: str
    code: str

    @property
    def name(self) -> str:
        return re.sub(r"[^A-Za-z0-9]+", "_", self.page.removesuffix(".md")).strip("_")


@dataclass(frozen=True)
class Generated:
    out: Path
    samples: list[Sample]
    endpoints: int  # operations with a page (routed or documented only)
    server: ReplayServer


def _samples(out: Path) -> list[Sample]:
    samples = []
    for page in sorted(out.rglob("*.md")):
        if "python" in page.relative_to(out).parts:
            continue
        text = page.read_text(encoding="utf-8")
        for match in _TAB.finditer(text):
            code = textwrap.dedent("\n".join(match.group("code").split("\n")))
            samples.append(Sample(str(page.relative_to(out)), match.group("label"), code))
    return samples


@pytest.fixture(scope="module", params=["api-docs", "sentry"])
def generated(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    source = ROOT / "api-docs" if request.param == "api-docs" else corpus_dir("sentry")
    out = tmp_path_factory.mktemp(f"samples-{request.param}") / "out"
    config = Config(
        input=source, output=out, package="samples_api", title="Samples", token_env=TOKEN_ENV
    )
    result = run(config)
    assert not result.failed and result.openapi is not None
    write_output(out, result.files)
    assert result.api is not None
    endpoints = len(result.api.operations)  # routed or documented only: each has a page
    with ReplayServer(result.api) as server:
        yield Generated(out, _samples(out), endpoints, server)


def _workdir(generated: Generated, label: str) -> Path:
    work = generated.out.parent / f"run-{label}"
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir()
    for sample in generated.samples:
        for names in _UPLOADS.findall(sample.code):
            for name in filter(None, names):
                (work / name).write_bytes(b"uploaded by a code sample\n")
    return work


def _environment(generated: Generated) -> dict[str, str]:
    return {
        TOKEN_ENV: "sample-token",
        BASE_URL_ENV: generated.server.url,
        "PYTHONPATH": str(generated.out / "python"),
    }


def test_every_python_sample_runs_against_the_mock(
    generated: Generated, capsys: pytest.CaptureFixture[str]
) -> None:
    samples = [s for s in generated.samples if s.label == "Python"]
    assert len(samples) == generated.endpoints  # one on every endpoint page
    work = _workdir(generated, "python")
    paths = []
    for sample in samples:
        path = work / f"{sample.name}.py"
        path.write_text(sample.code + "\n", encoding="utf-8")
        paths.append(str(path))
    done = run_python("-c", RUNNER, *paths, cwd=work, env=_environment(generated))
    assert done.returncode == 0, done.stderr[-3000:]
    results = json.loads(done.stdout.splitlines()[-1])
    failures = {Path(p).name: error for p, error in results.items() if error is not None}
    with capsys.disabled():
        print(
            f"\n{generated.out.parent.name}: {len(samples) - len(failures)} of {len(samples)} "
            "Python samples ran against the mock"
        )
    assert failures == {}


def test_every_python_sample_passes_mypy_strict(generated: Generated) -> None:
    samples = [s for s in generated.samples if s.label == "Python"]
    work = _workdir(generated, "mypy")
    for sample in samples:
        (work / f"{sample.name}.py").write_text(sample.code + "\n", encoding="utf-8")
    env = {"MYPYPATH": str(generated.out / "python")}
    checked = run_python(
        "-m", "mypy", "--strict", "--cache-dir", str(work / ".cache"), ".", cwd=work, env=env
    )
    assert checked.returncode == 0, checked.stdout[-4000:]
    assert f"in {len(samples)} source files" in checked.stdout


@pytest.mark.skipif(shutil.which("curl") is None, reason="curl is not installed")
def test_every_curl_sample_runs_against_the_mock(
    generated: Generated, capsys: pytest.CaptureFixture[str]
) -> None:
    samples = [s for s in generated.samples if s.label == "curl"]
    assert len(samples) == generated.endpoints
    work = _workdir(generated, "curl")
    # Each sample as written; curl itself prints the status instead of the body.
    wrapper = 'curl() { command curl -sS -o /dev/null -w "%{http_code}" "$@"; }\n'
    failures = {}
    for sample in samples:
        done = subprocess.run(
            ["bash", "-c", wrapper + sample.code],
            cwd=work,
            env=dict(os.environ, **_environment(generated)),
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        status = done.stdout.strip()
        if not re.search(r"^curl ", sample.code, re.M):  # an endpoint without a path
            status = status or "no request"
            if done.returncode == 0 and status == "no request":
                continue
        if done.returncode != 0 or status not in ("200", "201", "202", "204"):
            failures[sample.page] = f"exit {done.returncode}, status {status}: {done.stderr[-300:]}"
    with capsys.disabled():
        print(
            f"\n{generated.out.parent.name}: {len(samples) - len(failures)} of {len(samples)} "
            "curl samples ran against the mock"
        )
    assert failures == {}
