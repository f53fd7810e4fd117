"""Markdown download: YAML-free, readable as it is, with the metadata as a list."""

from stories.exporters.common import MD_SPECIAL, html_to_markdown, metadata

CONTENT_TYPE = "text/markdown; charset=utf-8"


def _escape(value: str) -> str:
    return MD_SPECIAL.sub(r"\\\1", value)


def export(work, *, url: str) -> bytes:
    out = [f"# {_escape(work.title)}", ""]
    for label, value in metadata(work, url=url):
        shown = f"<{value}>" if label == "URL" else _escape(value)
        out.append(f"- **{label}:** {shown}")
    for label, value in (
        ("Summary", html_to_markdown(work.summary_html)),
        ("Disclaimer", _escape(work.disclaimer.strip())),
        ("Notes", html_to_markdown(work.notes_html)),
    ):
        if value:
            out += ["", f"## {label}", "", value]
    for chapter in work.chapters.all():
        out += ["", "---", "", f"## {_escape(chapter.display_title)}"]
        for label, html in (("Chapter summary", chapter.summary_html), ("Chapter notes", chapter.notes_html)):
            if html:
                out += ["", f"### {label}", "", html_to_markdown(html)]
        out += ["", html_to_markdown(chapter.body_html)]
        if chapter.end_notes_html:
            out += ["", "### Chapter end notes", "", html_to_markdown(chapter.end_notes_html)]
    if work.end_notes_html:
        out += ["", "---", "", "## End notes", "", html_to_markdown(work.end_notes_html)]
    out += ["", f"*From Quire: <{url}>*", ""]
    return "\n".join(out).encode("utf-8")
