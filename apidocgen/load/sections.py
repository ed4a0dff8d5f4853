"""Folders of the input -> sections, titled and introduced by their `index.md` pages."""

from __future__ import annotations

from apidocgen.load.records import Page, Section


def _sections(folders: set[str], pages: list[Page]) -> tuple[Section, ...]:
    all_folders: set[str] = set()
    for folder in folders:
        parts = folder.split("/") if folder else []
        for n in range(len(parts) + 1):
            all_folders.add("/".join(parts[:n]))
    index = {p.section: p for p in pages if p.stem == "index"}
    sections = []
    for folder in sorted(all_folders):
        page = index.get(folder)
        default = (
            folder.rpartition("/")[2].replace("-", " ").replace("_", " ").title() if folder else ""
        )
        sections.append(
            Section(
                path=folder,
                title=page.title if page else default,
                intro=page.body.strip() if page else "",
                sidebar_order=page.sidebar_order if page else None,
                source=page.source if page else None,
            )
        )
    return tuple(sections)
