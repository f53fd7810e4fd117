"""A single self-contained HTML file: inline styles, no scripts, no outside links
but the work's own address and links inside the story.

The page follows AO3's download layout (see templates/exporters/_preface.html),
which the importer reads back whole."""

import re

from django.template.loader import render_to_string

from stories.core.rendering import ID_PREFIX
from stories.exporters.common import chapter_pages, preface_context

CONTENT_TYPE = "text/html; charset=utf-8"
ID_RE = re.compile(r'\bid="([^"]+)"')


def unique_ids(position_of_next: list[int]):
    """A body adjuster for chapter_pages(): all chapters share one page here, so an
    id that an earlier chapter already used ("q-fn1" in every chapter's footnotes)
    becomes "q-c<N>-fn1" in chapter N, with that chapter's "#q-fn1" links following."""
    seen: set[str] = set()

    def adjust(body_html: str) -> str:
        position_of_next[0] += 1
        ids = set(ID_RE.findall(body_html))
        clashing = ids & seen
        seen.update(ids)
        for old in clashing:
            new = f"{ID_PREFIX}c{position_of_next[0]}-{old.removeprefix(ID_PREFIX)}"
            body_html = body_html.replace(f'id="{old}"', f'id="{new}"').replace(f'href="#{old}"', f'href="#{new}"')
            seen.add(new)
        return body_html

    return adjust


def export(work, *, url: str) -> bytes:
    """The work as one UTF-8 HTML page."""
    context = preface_context(work, url=url) | {"chapters": chapter_pages(work, body=unique_ids([0]))}
    return render_to_string("exporters/work.html", context).encode("utf-8")
