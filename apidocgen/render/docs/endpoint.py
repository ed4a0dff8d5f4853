"""The endpoint page: everything it shows about one operation (its code samples come from
`samples`), each piece safe for where the template puts it."""

from __future__ import annotations

import html
import posixpath
import re
from typing import Any

from apidocgen.model import Content, Operation, Parameter
from apidocgen.render.docs.examples import MAX_EXAMPLE_CHARS, RawHttp, pretty_json, shortened
from apidocgen.render.docs.fields import FieldRow, JsonDict, field_rows, is_array, ref_name
from apidocgen.render.docs.markup import (
    code_block,
    code_span,
    html_code_span,
    html_path,
    method_badge,
    plain_text,
)
from apidocgen.render.docs.samples import CodeSamples, token_env
from apidocgen.render.docs.sanitize import relative_link, safe_markdown
from apidocgen.render.docs.site import Site
from apidocgen.site_layout import OPENAPI_FILE

# An example response longer than this shows its first lines, the rest one click away.
_CLAMP_LINES = 30


def _attribute(value: str | None) -> str | None:
    return html.escape(value) if value is not None else None


class EndpointView:
    """Everything an endpoint page shows, each piece safe for where the template puts it."""

    def __init__(self, op: Operation, page: str, site: Site) -> None:
        self.op = op
        self.page = page
        self.site = site
        self.source_dir = posixpath.dirname(op.source)
        self.md = site.ctx(page, self.source_dir, demote_headings=2)
        self.cell_ctx = site.ctx(page, self.source_dir, cell=True)
        self.request = RawHttp.of(op.examples.request)
        self.response = RawHttp.of(op.examples.response)

    def as_dict(self) -> JsonDict:
        op = self.op
        return {
            "title": plain_text(op.summary or op.operation_id),
            "method": plain_text(op.method),
            "method_class": re.sub(r"[^a-z]", "", op.method.lower()),
            # The page's `status` in its front matter: its navigation entry's method pill.
            "status": "method-" + (re.sub(r"[^a-z]", "", op.method.lower()) or "other"),
            # The method badge line is a raw HTML block: Markdown does not read inside it, so
            # HTML escaping is all the path needs (and it stays readable in the Markdown).
            "method_badge": method_badge(op.method),
            "path": html_path(op.path) if op.path else None,
            "deprecated": op.deprecated,
            "warning": safe_markdown(op.warning, self.md),
            "description": safe_markdown(op.description, self.md),
            "parameters": self.parameter_groups(),
            "body": self.body_view(),
            "authentication": self.authentication(),
            "samples": self.samples(),
            "response": self.response_view(),
            "more_examples": self.more_examples(),
            "pagination": self.pagination(),
            # The footer is an HTML block: HTML values from here on.
            "edit_url": _attribute(self.site.edit_url(op.source)),
            "source": html_code_span(op.source) if op.source else None,
            "operation_id": html_code_span(op.operation_id),
            "python_call": self.python_call(),
            "openapi_url": html.escape(relative_link(self.page, OPENAPI_FILE)),
            "section": self.section_link(),
        }

    def python_call(self) -> str | None:
        """The generated client's method for this operation (HTML), when it has one."""
        found = self.site.python_call(self.op.method, self.op.path) if self.op.path else None
        if found is None:
            return None
        group, call = found
        return html_code_span(f"client.{group}.{call.name}()")

    def section_link(self) -> JsonDict | None:
        section = self.site.section_of_folder.get(self.source_dir)
        if section is None or not section.page:
            return None
        url = html.escape(relative_link(self.page, section.page))
        return {"title": plain_text(section.title), "url": url}

    # ---- parameters ----------------------------------------------------------------------

    def parameter_groups(self) -> list[JsonDict]:
        groups = []
        for location, heading in (("path", "Path parameters"), ("query", "Query parameters")):
            rows = [self._param_row(p) for p in self.op.parameters if p.location == location]
            if rows:
                groups.append({"heading": heading, "rows": rows})
        return groups

    def _param_row(self, param: Parameter) -> JsonDict:
        schema = param.schema or {}
        return {
            "name": code_span(param.name),
            "type": self.site.schemas.type_phrase(schema, self.page),
            "required": "yes" if param.required else "no",
            "description": safe_markdown(param.description, self.cell_ctx),
        }

    def _body_content(self) -> Content | None:
        body = self.op.request_body
        return body.content if body is not None else None

    def body_view(self) -> JsonDict | None:
        content = self._body_content()
        if content is None:
            return None
        media = content.media
        schema, _ = self.site.schemas.resolve(content.schema or {})
        rows = []
        required = set(schema.get("required") or [])
        properties = schema.get("properties")
        if isinstance(properties, dict):
            for name, prop in properties.items():
                prop_resolved, _ = self.site.schemas.resolve(prop)
                rows.append(
                    {
                        "name": code_span(name),
                        "type": self.site.schemas.type_phrase(prop, self.page),
                        "required": "yes" if name in required else "no",
                        "description": safe_markdown(
                            str(prop_resolved.get("description") or ""), self.cell_ctx
                        ),
                    }
                )
        model = ref_name(content.schema)
        return {
            "media": code_span(media),
            "rows": rows,
            "model": self.site.schemas.model_link(model, self.page) if model else None,
            "type": self.site.schemas.type_phrase(content.schema or {}, self.page)
            if not rows
            else None,
        }

    def authentication(self) -> JsonDict | None:
        text = self.op.authentication
        bearer = self.op.secured
        if not text and not bearer:
            return None
        return {
            "text": safe_markdown(str(text), self.md) if text else "",
            "bearer": bearer,
            "token_env": html_code_span(token_env(self.site.config)),  # in an HTML block
        }

    def pagination(self) -> str:
        info = self.op.pagination
        if info is None:
            return ""
        rel = plain_text(info.rel)
        parts = [
            f"This endpoint returns results one page at a time. The `Link` response header holds the "
            f'URL of the next page (`rel="{rel}"`); follow it until there is none'
        ]
        if info.results_parameter:
            parts[0] += f' or its {code_span(info.results_parameter)} attribute is `"false"`'
        parts[0] += "."
        if info.cursor_parameter:
            parts.append(
                f"The page position travels in the {code_span(info.cursor_parameter)} query parameter."
            )
        return " ".join(parts)

    # ---- code samples --------------------------------------------------------------------

    def samples(self) -> list[JsonDict]:
        return CodeSamples(
            op=self.op,
            site=self.site,
            request=self.request,
            body=self._body_content(),
        ).samples()

    # ---- example response ----------------------------------------------------------------

    def response_view(self) -> JsonDict | None:
        if not self.op.responses:
            return None
        response = self.op.responses[0]
        status = response.status
        if status == "default" and response.content is None and self.response is None:
            return {"missing": True, "description": plain_text(response.description)}
        is_error = response.is_error
        content = response.content
        media = content.media if content is not None else ""
        if self.response is not None:
            head_lines = [self.response.start] + [f"{k}: {v}" for k, v in self.response.headers]
        else:
            head_lines = [f"HTTP/1.1 {status} {response.description}".rstrip()]
            if media:
                head_lines.append(f"Content-Type: {media}")
        body_text, cut = self._body_text(content)
        # One `http` block: Pygments' HTTP lexer highlights the body by its Content-Type, and
        # each code block has a fixed cost (a formatter) that adds up over a large site.
        message = "\n".join(head_lines) + ("\n\n" + body_text if body_text else "")
        lines = message.count("\n") + 1
        clamped = lines > _CLAMP_LINES
        rows: list[FieldRow] = []
        skipped = 0
        shape = ""
        if not is_error and content is not None and content.schema is not None:
            rows, skipped = field_rows(
                self.site.schemas,
                content.schema,
                content.example if content.has_example else None,
                self.page,
                self.cell_ctx,
                as_html=True,
            )
            shape = self._shape(content.schema)
        return {
            "missing": False,
            "status": plain_text(status),
            "reason": plain_text(response.description),
            "is_error": is_error,
            "message": code_block(message, "http"),
            "media": plain_text(media),
            "lines": lines,
            "clamped": clamped,
            "toggle_id": "apidocgen-response-1",
            "shortened": cut,
            "fields": rows,
            "skipped": skipped,
            "shape": shape,
            "link_header": code_span(response.link_example) if response.link_example else "",
        }

    def more_examples(self) -> list[JsonDict]:
        """The descriptor's further examples, one tab each: the request and the response as
        captured (bodies cut short like the main example's)."""
        out = []
        for extra in self.op.more_examples:
            parts = []
            for message in (
                RawHttp.of(extra.examples.request),
                RawHttp.of(extra.examples.response),
            ):
                if message is None:
                    continue
                head = "\n".join([message.start] + [f"{k}: {v}" for k, v in message.headers])
                body, _ = shortened(message.body.strip("\n"), MAX_EXAMPLE_CHARS)
                parts.append(head + ("\n\n" + body if body else ""))
            out.append(
                {
                    "label": plain_text(extra.name),
                    "messages": [code_block(text, "http", indent=4) for text in parts],
                }
            )
        return out

    def _shape(self, schema: Any) -> str:
        """The sentence above the fields table (HTML: it is in the table's HTML block)."""
        resolved, name = self.site.schemas.resolve(schema)
        label = self.site.schemas.type_label(schema, self.page, as_html=True)
        if is_array(resolved):
            return f"The response body is an {label}; each item has the fields below."
        if name is not None:
            return f"The response body is an object of type {label}."
        return ""

    def _body_text(self, content: Content | None) -> tuple[str, bool]:
        """The example body (structured examples pretty-printed, text ones as captured), cut
        short past `MAX_EXAMPLE_CHARS`; and whether it was."""
        if content is not None and content.has_example:
            example = content.example
            if isinstance(example, str):
                return shortened(example.strip("\n"), MAX_EXAMPLE_CHARS)
            return pretty_json(example, MAX_EXAMPLE_CHARS)
        if self.response is not None and self.response.body.strip():
            return shortened(self.response.body.strip("\n"), MAX_EXAMPLE_CHARS)
        return "", False
