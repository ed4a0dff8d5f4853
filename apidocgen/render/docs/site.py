"""The site plan (where each page goes, unique and clear of the client package's folder), the
views of the section, home, models and hand-written pages, and the navigation tree."""

from __future__ import annotations

import html
import posixpath
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from apidocgen.config import Config
from apidocgen.load import Page
from apidocgen.model import Api, Operation, Tag
from apidocgen.naming import slug
from apidocgen.render.docs.fields import JsonDict, Schemas, field_rows
from apidocgen.render.docs.markup import html_path, method_badge, plain_text
from apidocgen.render.docs.sanitize import (
    LinkTargets,
    MarkdownContext,
    encode_url,
    link_scheme,
    relative_link,
    safe_markdown,
)
from apidocgen.render.python_api import OperationView, build_groups
from apidocgen.site_layout import (
    DESCRIPTOR_SCHEMA_FILE,
    NAV_FILE,
    NON_DOC_FOLDERS,
    OPENAPI_FILE,
    STYLESHEET,
)

LAST = 10**9


def _order(op: Operation) -> tuple[int, str]:
    return (op.sidebar_order if op.sidebar_order is not None else LAST, op.summary)


def _folder_page(folder: str) -> str:
    return (
        "/".join(slug(part) for part in folder.split("/")) + "/index.md" if folder else "index.md"
    )


def _avoid_non_doc_folders(path: str) -> str:
    head, sep, rest = path.partition("/")
    if sep and head in NON_DOC_FOLDERS:
        return f"{head}-docs/{rest}"
    return path


@dataclass
class _SectionPage:
    path: str  # folder relative to the input
    title: str
    page: str
    order: int
    intro: str
    intro_source_dir: str
    tag: Tag | None
    source: str | None = None  # the folder's index.md, for the edit link


@dataclass
class Site:
    """Where every page goes, and the views of the pages other than endpoint pages."""

    api: Api
    config: Config
    operations: list[Operation]
    section_pages: list[_SectionPage]
    carried_pages: list[Page]
    page_of_op: dict[str, str]
    page_of_source: dict[str, str]
    section_of_folder: dict[str, _SectionPage]
    root_pages: list[Page]
    targets: LinkTargets
    schemas: Schemas
    models_page: str | None
    changes_page: str | None  # the changelog, when the API has one
    root_intro: str
    root_title: str
    # Operations by section folder, sorted; filled on first use.
    _members: dict[str, list[Operation]] | None = None
    # The client's method for each route (METHOD, path template); filled on first use.
    _calls: dict[tuple[str, str], tuple[str, OperationView]] | None = None

    @classmethod
    def plan(cls, api: Api, config: Config) -> Site:
        """Decide every page's path (unique, never inside the client package's folder)."""
        pages, sections = api.pages, api.folders
        taken: set[str] = {"index.md", OPENAPI_FILE, DESCRIPTOR_SCHEMA_FILE, STYLESHEET, NAV_FILE}

        def claim(path: str) -> str:
            path = _avoid_non_doc_folders(path)
            base, candidate, number = path[: -len(".md")], path, 2
            while candidate in taken:
                candidate = f"{base}-{number}.md"
                number += 1
            taken.add(candidate)
            return candidate

        by_folder = {s.path: s for s in sections}
        section_pages: list[_SectionPage] = []
        section_of_folder: dict[str, _SectionPage] = {}
        for tag in api.tags:
            folder = tag.folder
            record = by_folder.get(folder)
            wanted = tag.page or _folder_page(folder)
            page = "index.md" if wanted == "index.md" else claim(wanted)
            item = _SectionPage(
                path=folder,
                title=tag.name or (record.title if record else folder),
                page=page,
                order=tag.sidebar_order if tag.sidebar_order is not None else LAST,
                intro=tag.description or (record.intro if record else ""),
                intro_source_dir=folder,
                tag=tag,
                source=record.source if record else None,
            )
            section_pages.append(item)
            section_of_folder[folder] = item
        page_folders = {p.section for p in pages}
        for record in sections:
            if record.path in section_of_folder or not record.path:
                continue
            if record.source is None and not any(
                f == record.path or f.startswith(record.path + "/") for f in page_folders
            ):
                continue
            item = _SectionPage(
                path=record.path,
                title=record.title,
                page=claim(_folder_page(record.path)),  # derived when there is no index.md
                order=record.sidebar_order if record.sidebar_order is not None else LAST,
                intro=record.intro,
                intro_source_dir=record.path,
                tag=None,
                source=record.source,
            )
            section_pages.append(item)
            section_of_folder[record.path] = item
        operations = list(api.operations)
        page_of_op: dict[str, str] = {}
        for op in operations:
            page_of_op[op.operation_id] = claim(op.page or slug(op.operation_id) + ".md")
        page_of_source: dict[str, str] = {}
        for op in operations:
            page_of_source[op.source] = page_of_op[op.operation_id]
        carried: list[Page] = []
        root = by_folder.get("")
        for page_record in pages:
            if page_record.stem == "index":
                # A folder's index.md is its section's introduction (the root's: the home page's).
                section = section_of_folder.get(page_record.section)
                page_of_source[page_record.source] = (
                    section.page if section and section.page else "index.md"
                )
                continue
            carried.append(page_record)
        for page_record in carried:
            if page_record.source in page_of_source:
                continue
            parts = [slug(p) for p in page_record.section.split("/")] if page_record.section else []
            stem = slug(page_record.stem)
            page_of_source[page_record.source] = claim("/".join([*parts, stem + ".md"]))
        components = api.schemas
        models_page = claim("models.md") if components else None
        changes_page = claim("changes.md") if api.changes else None
        outputs = set(taken) | set(page_of_source.values())
        targets = LinkTargets(by_source=dict(sorted(page_of_source.items())), outputs=outputs)
        texts: list[str] = [p.body for p in pages] + [s.intro for s in sections]
        texts += [op.description for op in operations]
        texts += [tag.description for tag in api.tags]
        targets.learn_prefix(texts)
        return cls(
            api=api,
            config=config,
            operations=operations,
            section_pages=section_pages,
            carried_pages=carried,
            page_of_op=page_of_op,
            page_of_source=page_of_source,
            section_of_folder=section_of_folder,
            root_pages=[p for p in carried if not p.section],
            targets=targets,
            schemas=Schemas(components, models_page),
            models_page=models_page,
            changes_page=changes_page,
            root_intro=root.intro if root else "",
            root_title=api.title or (root.title if root else "API"),
        )

    # ---- shared helpers -----------------------------------------------------------------

    def ctx(self, page: str, source_dir: str, **options: Any) -> MarkdownContext:
        return MarkdownContext(self.targets, page, source_dir, **options)

    def summary(self) -> JsonDict:
        return {
            "title": plain_text(self.root_title),
            "version": plain_text(self.api.version),
            "package": self.config.package,
        }

    def python_call(self, method: str, path: str) -> tuple[str, OperationView] | None:
        """(section attribute, method view) of the client method that calls this route."""
        if self._calls is None:
            self._calls = {
                (op.http_method, op.path): (group.attribute, op)
                for group in build_groups(self.api, {})
                for op in group.operations
            }
        return self._calls.get((method.upper(), path))

    def members(self, folder: str) -> list[Operation]:
        """Operations of a section, in sidebar order then title."""
        if self._members is None:
            grouped: dict[str, list[Operation]] = {}
            for op in self.operations:
                grouped.setdefault(posixpath.dirname(op.source), []).append(op)
            self._members = {key: sorted(ops, key=_order) for key, ops in grouped.items()}
        return list(self._members.get(folder, []))

    def _page_order(self, page: Page) -> tuple[int, str]:
        return (page.sidebar_order if page.sidebar_order is not None else LAST, page.title)

    def _children(self, folder: str) -> list[tuple[int, str, str, Any]]:
        """What a folder holds, ordered: (order, title, kind, item) with kind op, page, section."""
        items: list[tuple[int, str, str, Any]] = []
        for op in self.members(folder):
            order, title = _order(op)
            items.append((order, title, "op", op))
        for page in self.carried_pages:
            if page.section == folder and page.stem != "index":
                order, title = self._page_order(page)
                items.append((order, title, "page", page))
        for section in self.section_pages:
            if section.path and posixpath.dirname(section.path) == folder:
                items.append((section.order, section.title, "section", section))
        return sorted(items, key=lambda item: (item[0], item[1], item[2]))

    def endpoint_rows(self, folder: str, page: str) -> list[JsonDict]:
        """A section's endpoints as cells of an HTML table."""
        rows = []
        for op in self.members(folder):
            target = html.escape(relative_link(page, self.page_of_op[op.operation_id]))
            rows.append(
                {
                    "title": f'<a href="{target}">{plain_text(op.summary or op.operation_id)}</a>',
                    "method": method_badge(op.method),
                    "path": html_path(op.path) if op.path else "—",
                    "deprecated": op.deprecated,
                }
            )
        return rows

    def page_links(self, folder: str, page: str) -> list[JsonDict]:
        links = []
        for _, title, kind, item in self._children(folder):
            if kind == "page":
                links.append(
                    {
                        "title": plain_text(title),
                        "url": relative_link(page, self.page_of_source[item.source]),
                    }
                )
            elif kind == "section" and item.page:
                links.append({"title": plain_text(title), "url": relative_link(page, item.page)})
        return links

    # ---- views ---------------------------------------------------------------------------

    def section_view(self, section: _SectionPage) -> JsonDict:
        endpoints = self.endpoint_rows(section.path, section.page)
        links = self.page_links(section.path, section.page)
        return {
            "title": plain_text(section.title),
            "intro": safe_markdown(section.intro, self.ctx(section.page, section.intro_source_dir)),
            "endpoints": endpoints,
            "links": links,
            "empty": not endpoints and not links,
            "edit_url": self.edit_url(section.source),
        }

    def page_view(self, page: Page, out: str) -> JsonDict:
        body = safe_markdown(page.body, self.ctx(out, page.section, allow_html=True))
        has_title = bool(re.match(r"\s*#\s", page.body))
        return {
            "title": plain_text(page.title),
            "show_title": not has_title,
            "body": body,
            "edit_url": self.edit_url(page.source),
            "source": page.source,
        }

    def home_view(self) -> JsonDict:
        sections = []
        for section in sorted(self.section_pages, key=lambda s: (s.order, s.title)):
            if "/" in section.path or not section.path or not section.page:
                continue
            sections.append(
                {
                    "title": plain_text(section.title),
                    "url": relative_link("index.md", section.page),
                    "count": len(self.members(section.path)),
                }
            )
        root_tag = self.section_of_folder.get("")
        return {
            "guides_first": self.config.guides == "first",
            "title": plain_text(self.root_title),
            "intro": safe_markdown(self.root_intro, self.ctx("index.md", "", allow_html=True)),
            "sections": sections,
            "endpoints": self.endpoint_rows("", "index.md") if root_tag else [],
            "links": [
                {
                    "title": plain_text(p.title),
                    "url": relative_link("index.md", self.page_of_source[p.source]),
                }
                for p in sorted(self.root_pages, key=self._page_order)
            ],
            "openapi": OPENAPI_FILE,
            "descriptor_schema": DESCRIPTOR_SCHEMA_FILE,
            "models": self.models_page,
            "changes": self.changes_page,
            "operations": sum(op.routed for op in self.operations),  # as openapi.json has them
            "package": self.config.package,
        }

    def models_view(self) -> JsonDict:
        page = self.models_page or "models.md"
        users: dict[str, list[JsonDict]] = {name: [] for name in self.schemas.components}
        for op in sorted(self.operations, key=lambda o: o.summary):
            for name in sorted(self.schemas.refs_in(_schemas_of(op))):
                if name in users:
                    users[name].append(
                        {
                            "title": plain_text(op.summary or op.operation_id),
                            # In an HTML block (like the title, entity-encoded text).
                            "url": html.escape(
                                relative_link(page, self.page_of_op[op.operation_id])
                            ),
                            "method": plain_text(op.method),
                        }
                    )
        models = []
        ctx = self.ctx(page, "")
        cell_ctx = self.ctx(page, "", cell=True)
        for name, schema in self.schemas.components.items():
            resolved, _ = self.schemas.resolve(schema)
            # An HTML table unless a field has a description (Markdown, which only Markdown
            # renders): inferred models rarely have any.
            rows, skipped = field_rows(self.schemas, schema, None, page, cell_ctx, as_html=True)
            as_html = not any(row.description for row in rows)
            if not as_html:
                rows, skipped = field_rows(self.schemas, schema, None, page, cell_ctx)
            top_level = [
                r
                for r in rows
                if "." not in html.unescape(r.path) and "[]" not in html.unescape(r.path)
            ]
            models.append(
                {
                    "name": plain_text(name),
                    "anchor": self.schemas.anchors[name],
                    "description": safe_markdown(str(resolved.get("description") or ""), ctx),
                    "type": self.schemas.type_phrase(resolved, page)
                    if not resolved.get("properties")
                    else "object",
                    "fields": rows,
                    "fields_as_html": as_html,
                    "top_level": top_level,
                    "skipped": skipped,
                    "users": users[name],
                }
            )
        return {"models": models}

    def edit_url(self, source: str | None) -> str | None:
        repo = self.config.repo_url
        if not source or not repo or link_scheme(repo) not in ("http", "https"):
            return None
        edit = (self.config.edit_uri or "edit/main/").strip("/")
        return encode_url(f"{repo.rstrip('/')}/{edit}/{source}")

    # ---- navigation ----------------------------------------------------------------------

    def nav(self) -> list[JsonDict]:
        """The navigation tree: plain titles (the plugin escapes them for HTML). The
        hand-written guides of the input folder's root are a group of their own, before or
        after the API's sections (the `guides` setting)."""
        entries: list[JsonDict] = [{"title": "Home", "page": "index.md"}]
        reference = self._nav_folder("")
        guides = [
            {"title": page.title, "page": self.page_of_source[page.source]}
            for page in sorted(self.root_pages, key=self._page_order)
        ]
        group = [{"title": "Guides", "children": guides}] if guides else []
        entries.extend(
            [*group, *reference] if self.config.guides == "first" else [*reference, *group]
        )
        if self.models_page:
            entries.append({"title": "Models", "page": self.models_page})
        if self.changes_page:
            entries.append({"title": "Changes", "page": self.changes_page})
        return entries

    def _nav_folder(self, folder: str) -> list[JsonDict]:
        out: list[JsonDict] = []
        children = self._children(folder)
        groups = resource_groups([item for _, _, kind, item in children if kind == "op"])
        placed: set[str] = set()
        for _, title, kind, item in children:
            if kind == "op":
                group = groups.get(item.operation_id)
                if group is None:
                    out.append({"title": title, "page": self.page_of_op[item.operation_id]})
                elif group[0] not in placed:
                    # A large section's endpoints, grouped by resource: with navigation.prune
                    # each page then lists one group, not the whole section.
                    placed.add(group[0])
                    members = [
                        c
                        for c in children
                        if c[2] == "op" and groups.get(c[3].operation_id) == group
                    ]
                    out.append(
                        {
                            "title": group[1],
                            "children": [
                                {"title": t, "page": self.page_of_op[op.operation_id]}
                                for _, t, _, op in members
                            ],
                        }
                    )
            elif kind == "page":
                if folder:  # the root's pages are the guides (see `nav`)
                    out.append({"title": title, "page": self.page_of_source[item.source]})
            else:
                nested = self._nav_folder(item.path)
                if item.page:
                    nested.insert(0, {"title": title, "page": item.page})
                if nested:
                    out.append({"title": title, "children": nested})
        return out


NAV_GROUP_THRESHOLD = 30


def resource_groups(operations: Sequence[Operation]) -> dict[str, tuple[str, str]]:
    """Operation id -> (key, title) of its resource group, for sections over the threshold.

    The resource is the path segment after the segment most of the section shares (for
    `/repos/{owner}/{repo}/actions/runners/{id}` in a section mostly under `actions`: `runners`);
    for a path without that segment, the segment after its first one.
    Groups of one stay ungrouped; a section that would make fewer than two groups is not grouped.
    """
    if len(operations) <= NAV_GROUP_THRESHOLD:
        return {}
    literals: dict[str, list[str]] = {}
    counts: dict[str, int] = {}
    for op in operations:
        if op.path is None:
            continue
        segments = [s for s in op.path.split("/") if s and "{" not in s]
        literals[op.operation_id] = segments
        for segment in set(segments):
            counts[segment] = counts.get(segment, 0) + 1
    if not counts:
        return {}
    anchor, share = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[0]
    if share * 2 < len(operations):
        return {}
    keys: dict[str, str] = {}
    for op_id, segments in literals.items():
        if anchor in segments and segments.index(anchor) + 1 < len(segments):
            keys[op_id] = segments[segments.index(anchor) + 1]
        elif anchor not in segments and len(segments) > 1:
            # Outside the common prefix (`/repos/{o}/{r}/environments/...` among `actions/`
            # paths): the resource after the scope segment.
            keys[op_id] = segments[1]
    sizes: dict[str, int] = {}
    for key in keys.values():
        sizes[key] = sizes.get(key, 0) + 1
    keys = {op_id: key for op_id, key in keys.items() if sizes[key] > 1}
    if len(set(keys.values())) < 2:
        return {}
    return {op_id: (key, _group_title(key)) for op_id, key in keys.items()}


def _schemas_of(op: Operation) -> list[Any]:
    """Every schema an operation uses: its request body's, its responses', its parameters'."""
    schemas: list[Any] = [p.schema for p in op.parameters]
    if op.request_body is not None:
        schemas.append(op.request_body.content.schema)
    schemas.extend(r.content.schema for r in op.responses if r.content is not None)
    return schemas


def _group_title(key: str) -> str:
    text = " ".join(re.split(r"[-_.\s]+", key)).strip() or key
    return text[:1].upper() + text[1:]
