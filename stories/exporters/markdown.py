"""Markdown download: YAML-free, readable as it is, with the metadata as a list.

The layout is also a file format that stories.importers.quire_text reads back: the
`# Title`, a `- **Label:** value` list, `## Summary` / `## Disclaimer` / `## Notes`
as quotes, then each chapter after a `---` rule under `## Chapter N: Title`, its
summary and notes as quotes under `### Chapter summary` / `### Chapter notes`
before the text and `### Chapter end notes` after it, and `## End notes` last.
"""

from stories.exporters.common import MD_SPECIAL, html_to_markdown, metadata

CONTENT_TYPE = "text/markdown; charset=utf-8"


def _escape(value: str) -> str:
    return MD_SPECIAL.sub(r"\\\1", value)


def quoted(markdown: str) -> list[str]:
    """Markdown as a block quote, blank lines kept inside it as ">"."""
    return ["> " + line if line.strip() else ">" for line in markdown.split("\n")]


def export(work, *, url: str) -> bytes:
    """The work as UTF-8 Markdown in the layout above."""
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
            out += ["", f"## {label}", "", *quoted(value)]
    for chapter in work.chapters.all():
        out += ["", "---", "", f"## {_escape(chapter.display_title)}"]
        for label, html in (("Chapter summary", chapter.summary_html), ("Chapter notes", chapter.notes_html)):
            if html:
                out += ["", f"### {label}", "", *quoted(html_to_markdown(html))]
        out += ["", html_to_markdown(chapter.body_html)]
        if chapter.end_notes_html:
            out += ["", "### Chapter end notes", "", *quoted(html_to_markdown(chapter.end_notes_html))]
    if work.end_notes_html:
        out += ["", "---", "", "## End notes", "", *quoted(html_to_markdown(work.end_notes_html))]
    out += ["", f"*From Quire: <{url}>*", ""]
    return "\n".join(out).encode("utf-8")
