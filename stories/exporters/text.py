"""Plain-text download: the metadata block, summary, notes, every chapter."""

from stories.exporters.common import html_to_text, metadata

CONTENT_TYPE = "text/plain; charset=utf-8"
RULE = "=" * 60


def export(work, *, url: str) -> bytes:
    out = [work.title, RULE]
    out += [f"{label}: {value}" for label, value in metadata(work, url=url)]
    for label, value in (
        ("Summary", html_to_text(work.summary_html)),
        ("Disclaimer", work.disclaimer.strip()),
        ("Notes", html_to_text(work.notes_html)),
    ):
        if value:
            out += ["", f"{label}:", value]
    for chapter in work.chapters.all():
        out += ["", "", RULE, chapter.display_title, RULE]
        for label, html in (("Chapter summary", chapter.summary_html), ("Chapter notes", chapter.notes_html)):
            if html:
                out += ["", f"{label}:", html_to_text(html)]
        out += ["", html_to_text(chapter.body_html)]
        if chapter.end_notes_html:
            out += ["", "Chapter end notes:", html_to_text(chapter.end_notes_html)]
    if work.end_notes_html:
        out += ["", "", RULE, "End notes:", html_to_text(work.end_notes_html)]
    out += ["", RULE, f"From Quire: {url}", ""]
    return "\n".join(out).encode("utf-8")
