"""The Changes page: the changelog's revisions, newest first, each with what it changed in
the API, operation by operation, linked to the endpoint pages (`model.Revision`)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from apidocgen.render.docs.markup import code_span, plain_text
from apidocgen.render.docs.sanitize import relative_link

if TYPE_CHECKING:
    from apidocgen.model import Change
    from apidocgen.render.docs.site import Site

JsonDict = dict[str, Any]


def changes_view(site: Site, page: str) -> JsonDict:
    """What the changes template lays out: every text already safe for Markdown."""
    repo = (site.config.repo_url or "").rstrip("/")
    revisions = []
    for revision in site.api.changes:
        short = revision.commit[:12]
        groups: dict[tuple[str, str], list[Change]] = {}
        for change in revision.changes:
            groups.setdefault((change.method, change.path), []).append(change)
        operations = []
        for (method, path), changes in groups.items():
            target = site.page_of_op.get(changes[0].operation_id or "")
            removed = any(c.rule == "operation-removed" for c in changes)
            operations.append(
                {
                    "title": code_span(f"{method} {path}"),
                    "url": relative_link(page, target) if target and not removed else None,
                    "changes": [_change_view(change) for change in changes],
                }
            )
        breaking = sum(c.breaking for c in revision.changes)
        revisions.append(
            {
                "anchor": f"rev-{short}",
                "date": plain_text(revision.date[:10]),
                "tags": [code_span(tag) for tag in revision.tags],
                "commit": code_span(short),
                "commit_url": f"{repo}/commit/{revision.commit}"
                if repo.startswith(("https://", "http://"))
                else None,
                "subject": plain_text(revision.subject),
                "first": revision.first,
                "operation_count": revision.operations,
                "breaking": breaking,
                "compatible": len(revision.changes) - breaking,
                "operations": operations,
            }
        )
    return {"revisions": revisions}


def _change_view(change: Change) -> JsonDict:
    return {
        "breaking": change.breaking,
        "acknowledged": plain_text(change.acknowledged or ""),
        "rule": code_span(change.rule),
        "text": plain_text(change.describe()),
        "client": code_span(change.client) if change.client else "",
    }
