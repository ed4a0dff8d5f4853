"""Render Pydantic v2 models from the model plan with datamodel-code-generator.

`render/model_plan.py` names every class and field first; this module hands the planned
schemas to the generator, every `date-time` string typed `<package>._types.DateTime`.

Models keep unknown fields (`extra="allow"`) and accept both the Python name and the wire name
(`populate_by_name=True`); dump them with `by_alias=True` to get the wire names back.

datamodel-code-generator runs once over one document holding every class, with no formatter
of its own: its builtin formatter is fast but not `ruff format` clean, so ruff formats the
result (`format_python`, a fraction of a second even for GitHub's models).
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Any

from apidocgen.config import Config
from apidocgen.model import Api
from apidocgen.render.model_plan import (
    FORMAT_POLICY,
    ModelPlan,
    OperationTypes,
    TypeRef,
    field_names,
    json_request_schema,
    json_response_schema,
    pascal,
    plan_models,
)

BASE_MODULE = "_base_model"
BASE_CLASS = "APIModel"
TYPES_MODULE = "_types"
LINE_LENGTH = 88


def render_models(api: Api, config: Config) -> dict[str, str]:
    """`python/<package>/models.py` (and nothing else), keyed by output-relative path."""
    plan = plan_models(api)
    source = generate_models_source(plan, config.package)
    return {f"python/{config.package}/models.py": format_python(source, config.package)}


def generate_models_source(plan: ModelPlan, package: str) -> str:
    """Run datamodel-code-generator once over every planned schema; return the module text.

    Every class derives from `<package>._base_model.APIModel`, which holds the one model
    configuration (unknown fields kept, both names accepted, schemas built on first use).
    """
    from apidocgen.render.templates import generator_header

    header = f"# {generator_header()}\n# Pydantic v2 models, written by datamodel-code-generator."
    if not plan.schemas:
        return f'{header}\n"""No JSON bodies are documented, so there are no models."""\n\n__all__: list[str] = []\n'
    from datamodel_code_generator import generate
    from datamodel_code_generator.enums import DataModelType, InputFileType
    from datamodel_code_generator.format import DatetimeClassType, PythonVersion
    from datamodel_code_generator.parser import LiteralType

    document = {
        "openapi": "3.1.0",
        "info": {"title": "models", "version": "0"},
        "paths": {},
        "components": {"schemas": _wire_types(plan.schemas, package)},
    }
    source = generate(
        json.dumps(document, ensure_ascii=False),
        input_file_type=InputFileType.OpenAPI,
        output_model_type=DataModelType.PydanticV2BaseModel,
        target_python_version=PythonVersion.PY_310,
        base_class=f"{package}.{BASE_MODULE}.{BASE_CLASS}",
        disable_timestamp=True,
        formatters=[],  # ruff formats the result (`format_python`): faster, and ruff-clean
        custom_file_header=header,
        aliases=plan.aliases,
        use_schema_description=True,
        use_standard_collections=True,
        use_union_operator=True,
        use_double_quotes=True,
        use_type_alias=True,
        enum_field_as_literal=LiteralType.All,
        output_datetime_class=DatetimeClassType.Datetime,
        keep_model_order=True,
    )
    if not isinstance(source, str):  # pragma: no cover - one module in, one module out
        raise TypeError("datamodel-code-generator returned several modules for one document")
    # A class using a custom type gets this configuration; `DateTime` needs none of it.
    source = _ARBITRARY_TYPES_CONFIG.sub("", source)
    exports = "".join(f"    {json.dumps(name)},\n" for name in plan.exported)
    return source.rstrip("\n") + f"\n\n\n__all__ = [\n{exports}]\n"


_ARBITRARY_TYPES_CONFIG = re.compile(
    r"\n[ \t]+model_config = ConfigDict\(\s*arbitrary_types_allowed=True,?\s*\)[ \t]*(?=\n)"
)


def _wire_types(schemas: dict[str, Any], package: str) -> dict[str, Any]:
    """The schemas with every `date-time` string typed `<package>._types.DateTime`: a
    datetime that dumps back to the text it was read from."""

    def walk(value: Any) -> Any:
        if isinstance(value, list):
            return [walk(item) for item in value]
        if not isinstance(value, dict):
            return value
        out = {key: walk(item) for key, item in value.items()}
        if out.get("format") == "date-time" and out.get("type", "string") == "string":
            del out["format"]
            out["customTypePath"] = f"{package}.{TYPES_MODULE}.DateTime"
        return out

    return {name: walk(schema) for name, schema in schemas.items()}


def format_python(source: str, package: str, *, filename: str = "module.py") -> str:
    """Sort imports, apply ruff's safe fixes and format with ruff (line length 88, Python 3.10).

    The same settings go into the generated package's pyproject.toml, so `ruff check` and
    `ruff format --check` run there agree with what was generated. Without a ruff executable
    the source is returned as it is (valid Python, only not ruff-formatted).
    """
    return format_python_files({filename: source}, package)[filename]


def format_python_files(files: dict[str, str], package: str) -> dict[str, str]:
    """`format_python` for many files at once: two ruff processes in all, not two per file.

    The files are written to a temporary folder for ruff to read (ruff's stdin mode takes one
    file per process); nothing outside that folder is touched.
    """
    ruff = ruff_executable()
    if ruff is None or not files:
        return dict(files)
    with tempfile.TemporaryDirectory(prefix="apidocgen-ruff-") as tmp:
        root = Path(tmp)
        names = {
            path: f"f{index:05d}_{path.rpartition('/')[2]}" for index, path in enumerate(files)
        }
        for path, name in names.items():
            (root / name).write_text(files[path], encoding="utf-8")
        common = [
            "--isolated",
            "--quiet",
            "--target-version",
            "py310",
            "--line-length",
            str(LINE_LENGTH),
        ]
        first_party = f"lint.isort.known-first-party = [{json.dumps(package)}]"
        for command in (
            [ruff, "check", "--fix", "--exit-zero", "--config", first_party, *common, "."],
            [ruff, "format", *common, "."],
        ):
            done = subprocess.run(command, cwd=root, capture_output=True, text=True, check=False)
            if done.returncode != 0:
                raise RuntimeError(f"ruff failed on generated code: {done.stderr.strip()[:2000]}")
        return {path: (root / name).read_text(encoding="utf-8") for path, name in names.items()}


def ruff_executable() -> str | None:
    """The ruff binary of this environment, if there is one."""
    try:
        from ruff.__main__ import find_ruff_bin
    except ImportError:
        return shutil.which("ruff")
    try:
        return str(find_ruff_bin())
    except FileNotFoundError:
        return shutil.which("ruff")


__all__ = [
    "FORMAT_POLICY",
    "ModelPlan",
    "OperationTypes",
    "TypeRef",
    "field_names",
    "format_python",
    "format_python_files",
    "generate_models_source",
    "json_request_schema",
    "json_response_schema",
    "pascal",
    "plan_models",
    "render_models",
    "ruff_executable",
]
