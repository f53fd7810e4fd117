"""A single self-contained HTML file: inline styles, no scripts, no outside links
but the work's own address and links inside the story."""

from django.template.loader import render_to_string

from stories.exporters.common import metadata

CONTENT_TYPE = "text/html; charset=utf-8"


def export(work, *, url: str) -> bytes:
    html = render_to_string(
        "exporters/work.html",
        {"work": work, "metadata": metadata(work, url=url), "chapters": list(work.chapters.all()), "url": url},
    )
    return html.encode("utf-8")
