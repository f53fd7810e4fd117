"""Plain-text download: the metadata block, summary, notes, every chapter.

The layout is also a file format: stories.importers.quire_text reads it back
without loss. Under the title, a rule and one `Label: value` row per line; then
"Summary:", "Disclaimer:" and "Notes:" each followed by their text indented by four
spaces; each chapter between two rules under its heading, its summary and notes
indented the same way before the text, its end notes after it; story text is never
indented. Story text, summaries and notes mark _emphasis_, *strong* and
[text](https://…) links to other pages, and "* * *" for scene breaks.
"""

from stories.exporters.common import html_to_text, metadata

CONTENT_TYPE = "text/plain; charset=utf-8"
RULE = "=" * 60
INDENT = "    "


def indented(text: str) -> list[str]:
    """A block of text with every non-empty line indented (blank lines stay blank)."""
    return [INDENT + line if line.strip() else "" for line in text.split("\n")]


def export(work, *, url: str) -> bytes:
    """The work as UTF-8 text in the layout above."""
    out = [work.title, RULE]
    out += [f"{label}: {value}" for label, value in metadata(work, url=url)]
    for label, value in (
        ("Summary", html_to_text(work.summary_html, emphasis=True)),
        ("Disclaimer", work.disclaimer.strip()),
        ("Notes", html_to_text(work.notes_html, emphasis=True)),
    ):
        if value:
            out += ["", f"{label}:", *indented(value)]
    for chapter in work.chapters.all():
        out += ["", "", RULE, chapter.display_title, RULE]
        for label, html in (("Chapter summary", chapter.summary_html), ("Chapter notes", chapter.notes_html)):
            if html:
                out += ["", f"{label}:", *indented(html_to_text(html, emphasis=True))]
        out += ["", html_to_text(chapter.body_html, emphasis=True)]
        if chapter.end_notes_html:
            out += ["", "Chapter end notes:", *indented(html_to_text(chapter.end_notes_html, emphasis=True))]
    if work.end_notes_html:
        out += ["", "", RULE, "End notes:", *indented(html_to_text(work.end_notes_html, emphasis=True))]
    out += ["", RULE, f"From Quire: {url}", ""]
    return "\n".join(out).encode("utf-8")
