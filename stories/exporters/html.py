"""A single self-contained HTML file: inline styles, no scripts, no outside links
but the work's own address and links inside the story.

The page follows AO3's download layout (see templates/stories/exports/_preface.html),
which the importer reads back whole."""

from django.template.loader import render_to_string

from stories.exporters.common import chapter_pages, preface_context

CONTENT_TYPE = "text/html; charset=utf-8"


def export(work, *, url: str) -> bytes:
    """The work as one UTF-8 HTML page."""
    context = preface_context(work, url=url) | {"chapters": chapter_pages(work)}
    return render_to_string("stories/exports/work.html", context).encode("utf-8")
