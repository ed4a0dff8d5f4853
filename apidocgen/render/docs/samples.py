"""The code samples of an endpoint page: the HTTP request, a curl command and a Python program
that calls the operation with the generated client, all made from the example request."""

from __future__ import annotations

import json
import math
import re
import shlex
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, urlsplit

from apidocgen.config import Config
from apidocgen.model import Content, Operation
from apidocgen.paths import fill_template, template_values
from apidocgen.render.docs.examples import RawHttp
from apidocgen.render.docs.fields import JsonDict
from apidocgen.render.docs.markup import code_block
from apidocgen.render.docs.site import Site
from apidocgen.render.python_api import ArgumentView, OperationView


def token_env(config: Config) -> str:
    """The environment variable the samples read the token from."""
    name = config.token_env
    return name if re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]{0,100}", name) else "API_TOKEN"


def _base_url_env(config: Config) -> str:
    name = config.base_url_variable
    return name if re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]{0,100}", name) else "API_BASE_URL"


@dataclass
class CodeSamples:
    """The samples of one operation, each a code block for a tab of the endpoint page."""

    op: Operation
    site: Site
    request: RawHttp | None  # the example request, as `http` parsed it
    body: Content | None  # the request body

    @property
    def _example(self) -> Any:
        """The request body's example value (None: it has none)."""
        return self.body.example if self.body is not None and self.body.has_example else None

    def samples(self) -> list[JsonDict]:
        http_text = self._http_sample()
        return [
            {"label": "HTTP", "code": code_block(http_text, "http", indent=4)},
            {"label": "curl", "code": code_block(self._curl_sample(), "bash", indent=4)},
            {"label": "Python", "code": code_block(self._python_sample(), "python", indent=4)},
        ]

    def _path_values(self) -> dict[str, str]:
        """Path parameter values from the example request's path, matched to the template."""
        template = self.op.path
        if not template or self.request is None:
            return {}
        parts = self.request.start.split()
        if len(parts) < 2:
            return {}
        target = urlsplit(parts[1]).path if "://" in parts[1] else parts[1].split("?", 1)[0]
        return template_values(template, target) or {}

    def _query_values(self) -> list[tuple[str, str]]:
        if self.request is None:
            return []
        parts = self.request.start.split()
        if len(parts) < 2 or "?" not in parts[1]:
            return []
        from urllib.parse import parse_qsl

        return parse_qsl(parts[1].split("?", 1)[1], keep_blank_values=True)

    def _base_url(self) -> str:
        host = self.request.header("Host") if self.request else None
        if host and re.fullmatch(r"[A-Za-z0-9.-]+(:\d{1,5})?", host):
            local = host.split(":")[0] in ("localhost", "127.0.0.1")
            return f"{'http' if local else 'https'}://{host}"
        url = self.site.api.server
        return (
            url.rstrip("/")
            if url.startswith(("http://", "https://"))
            else "https://api.example.com"
        )

    def _request_target(self) -> str:
        """The path and query the samples call: the example request's, when its path fits
        the documented path; else the documented path with each placeholder filled from the
        example or named in capitals for the reader to replace (`/teams/TEAM_SLUG/`)."""
        template = self.op.path
        target = None
        if self.request is not None:
            parts = self.request.start.split()
            if len(parts) >= 2:
                target = parts[1]
                if "://" in target:
                    split = urlsplit(target)
                    target = split.path + ("?" + split.query if split.query else "")
        if target is not None and (
            not isinstance(template, str)
            or template_values(template, target.split("?")[0]) is not None
        ):
            return target
        values = self._path_values()
        query = target.partition("?")[2] if target is not None else ""
        path = fill_template(
            template or "/",
            lambda name: quote(values.get(name) or name.upper() or "VALUE", safe=""),
        )
        return path + ("?" + query if query else "")

    def _method(self) -> str:
        return self.op.method

    def _http_sample(self) -> str:
        raw = self.op.examples.request_text  # as the descriptor wrote it
        if raw.strip():
            return raw.strip("\n")
        lines = [
            f"{self._method()} {self._request_target()} HTTP/1.1",
            f"Host: {urlsplit(self._base_url()).netloc}",
        ]
        if self.op.secured:
            lines.append("Authorization: Bearer <token>")
        return "\n".join(lines)

    def _curl_sample(self) -> str:
        if not self.op.path and self.request is None:
            return "# This endpoint documents no path: there is no request to show."
        method = self._method()
        args = ["curl"]
        if method != "GET":
            args += ["-X", shlex.quote(method)]
        if re.search(r"[\[\]{}]", self._request_target()):
            args.append("--globoff")  # brackets and braces are curl's URL patterns otherwise
        args.append(self._curl_url())
        lines = [" ".join(args)]
        headers = list(self.request.headers) if self.request else []
        has_auth = False
        media = ""
        for key, value in headers:
            lower = key.lower()
            if lower in ("host", "content-length", "connection"):
                continue
            if lower == "content-type":
                media = value.split(";")[0].strip().lower()
                if media.startswith("multipart/"):
                    continue  # curl writes its own boundary for -F
            if lower == "authorization" and value.lower().startswith("bearer "):
                has_auth = True
                lines.append(f'-H "Authorization: Bearer ${token_env(self.site.config)}"')
                continue
            lines.append("-H " + shlex.quote(f"{key}: {value}"))
        if not has_auth and self.op.secured:
            lines.append(f'-H "Authorization: Bearer ${token_env(self.site.config)}"')
        body_media = self.body.media if self.body is not None else ""
        if media.startswith("multipart/") or body_media.startswith("multipart/"):
            files = set(self._file_fields())
            for name, value in self._form_fields():
                if name in files:
                    lines.append("-F " + shlex.quote(f"{name}=@{value.lstrip('@')}"))
                else:  # a value starting with @ or < is text here, never a file to read
                    lines.append("--form-string " + shlex.quote(f"{name}={value}"))
        elif self.request is not None and self.request.body.strip():
            if not any(k.lower() == "content-type" for k, _ in headers):
                lines.append("-H 'Content-Type: application/json'")
            lines.append("--data-raw " + shlex.quote(self.request.body.strip()))
        return " \\\n  ".join(lines)

    def _curl_url(self) -> str:
        """The URL for the shell: the base URL from the environment (`${VAR:-default}`), then
        the example's path, in double quotes where nothing in it is special to the shell."""
        plain = re.compile(r"[A-Za-z0-9/._~%&=?:@+,;*()'-]*")
        default, target = self._base_url(), self._request_target()
        if not plain.fullmatch(default):
            return shlex.quote(default + target)
        base = f'"${{{_base_url_env(self.site.config)}:-{default}}}'
        if plain.fullmatch(target):
            return f'{base}{target}"'
        return f'{base}"{shlex.quote(target)}'

    def _form_fields(self) -> list[tuple[str, str]]:
        if self.body is None:
            return []
        schema, _ = self.site.schemas.resolve(self.body.schema or {})
        example = self._example
        fields = []
        for name, prop in (schema.get("properties") or {}).items():
            resolved, _ = self.site.schemas.resolve(prop)
            if resolved.get("format") == "binary":
                fields.append((name, "@" + name))
            elif isinstance(example, dict) and name in example:
                value = example[name]
                fields.append((name, value if isinstance(value, str) else json.dumps(value)))
            else:
                fields.append((name, f"<{name}>"))
        return fields

    def _python_sample(self) -> str:
        """A program that calls the operation as the example request did, with the client's
        own method and argument names; the token and base URL come from the environment."""
        config = self.site.config
        lines = [
            f"from {config.package} import Client",
            "",
            f"# The token comes from ${token_env(self.site.config)}; "
            f"${_base_url_env(self.site.config)} overrides the base URL.",
            "with Client() as client:",
        ]
        path = self.op.path
        found = self.site.python_call(self._method(), path) if path is not None else None
        if found is None:
            lines.append("    # The client has no method for this endpoint: it documents no path.")
            lines.append("    pass")
            return "\n".join(lines)
        group, call = found
        arguments = self._python_arguments(call)
        returns = call.return_type != "None"  # a call answered without a body returns None
        head = f"    {'result = ' if returns else ''}client.{group}.{call.name}("
        one_line = head + ", ".join(arguments) + ")"
        if len(one_line) <= 88 and "\n" not in one_line:
            lines.append(one_line)
        else:
            lines.append(head)
            lines.extend(_indent_block(argument, 8) + "," for argument in arguments)
            lines.append("    )")
        if returns:
            lines.append("    print(result)")
        return "\n".join(lines)

    def _python_arguments(self, call: OperationView) -> list[str]:
        """`name=value` for every required argument and for the optional ones the example
        request sets; values typed as the method's annotations want them."""
        path_values = self._path_values()
        query_values: dict[str, list[str]] = {}
        for name, value in self._query_values():
            query_values.setdefault(name, []).append(value)
        arguments: list[str] = []
        for argument in call.arguments:
            if argument.location == "path":
                value = _argument_value(argument, [path_values.get(argument.wire, "")])
            elif argument.location == "query":
                if argument.wire not in query_values and not argument.required:
                    continue
                value = _argument_value(argument, query_values.get(argument.wire, [""]))
            else:
                body = self._body_argument(argument)
                if body is None:
                    continue
                value = body
            arguments.append(f"{argument.name}={value}")
        return arguments

    def _body_argument(self, argument: ArgumentView) -> str | None:
        """The request body argument as the example request sent it (None: leave it out)."""
        example = self._example
        if argument.location == "body":
            if example is None:
                return "{}" if argument.required else None
            return python_literal(example, indent=8)
        if argument.location == "files":
            fields = self._file_fields()
            if not fields:
                return None
            return python_literal_dict({name: f'open("{name}", "rb")' for name in fields}, indent=8)
        if argument.location == "data":
            values = {
                name: value
                for name, value in (example.items() if isinstance(example, dict) else [])
                if name not in self._file_fields()
            }
            return python_literal(values, indent=8) if values else None
        if self.request is not None and self.request.body.strip():
            return python_literal(self.request.body.strip("\n"), indent=8)
        return '""' if argument.required else None

    def _file_fields(self) -> list[str]:
        """The names of the binary (file) fields of a form body."""
        if self.body is None:
            return []
        schema, _ = self.site.schemas.resolve(self.body.schema or {})
        return [
            name
            for name, prop in (schema.get("properties") or {}).items()
            if self.site.schemas.resolve(prop)[0].get("format") == "binary"
        ]


def _argument_value(argument: ArgumentView, values: list[str]) -> str:
    """A Python literal of the argument's annotation from the example's text values (a value
    that cannot be that type gives way to a placeholder of the type)."""
    annotation = argument.annotation
    if annotation.startswith("list["):
        item = ArgumentView(argument.name, annotation[5:-1], True, "")
        return "[" + ", ".join(_argument_value(item, [v]) for v in values if v) + "]"
    text = values[0] if values else ""
    if annotation == "int":
        return str(int(text)) if re.fullmatch(r"-?\d{1,18}", text) else "1"
    if annotation == "float":
        try:
            number = float(text)
        except ValueError:
            return "1.0"
        return repr(number) if math.isfinite(number) else "1.0"
    if annotation == "bool":
        return "False" if text.lower() in ("false", "0", "no") else "True"
    return python_literal(text or argument.wire.upper() or "VALUE")


def python_literal_dict(expressions: dict[str, str], indent: int = 0) -> str:
    """A dict literal of string keys and Python expressions (written as they are)."""
    items = [f"{json.dumps(str(k), ensure_ascii=False)}: {v}" for k, v in expressions.items()]
    flat = "{" + ", ".join(items) + "}"
    if len(flat) <= 60:
        return flat
    pad = " " * (indent + 4)
    return "{\n" + "".join(f"{pad}{item},\n" for item in items) + " " * indent + "}"


def python_literal(value: Any, indent: int = 0) -> str:
    """A Python expression for a JSON value (short ones on one line)."""
    flat = _python_flat(value)
    if len(flat) <= 60 or not isinstance(value, dict | list):
        return flat
    pad = " " * (indent + 4)
    if isinstance(value, list):
        inner = [pad + python_literal(v, indent + 4) + "," for v in value]
        return "[\n" + "\n".join(inner) + "\n" + " " * indent + "]"
    items = [
        pad + f"{json.dumps(str(k), ensure_ascii=False)}: {python_literal(v, indent + 4)},"
        for k, v in value.items()
    ]
    return "{\n" + "\n".join(items) + "\n" + " " * indent + "}"


def _python_flat(value: Any) -> str:
    if value is None:
        return "None"
    if value is True:
        return "True"
    if value is False:
        return "False"
    if isinstance(value, bytes):
        return 'b""'
    if isinstance(value, int | float):
        return json.dumps(value)
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, list):
        return "[" + ", ".join(_python_flat(v) for v in value) + "]"
    if isinstance(value, dict):
        return (
            "{"
            + ", ".join(
                f"{json.dumps(str(k), ensure_ascii=False)}: {_python_flat(v)}"
                for k, v in value.items()
            )
            + "}"
        )
    return json.dumps(str(value))


def _indent_block(text: str, amount: int) -> str:
    pad = " " * amount
    return "\n".join(pad + line for line in text.split("\n"))
