"""EPUB 3 download (ebooklib), valid for W3C EPUBCheck: a title page with the
metadata, one XHTML document per chapter, navigation document and NCX."""

import html as html_lib
import io

from ebooklib import epub

from stories.exporters.common import html_to_text, metadata

CONTENT_TYPE = "application/epub+zip"

STYLE = b"""body { font-family: serif; line-height: 1.5; }
h1, h2, h3 { font-family: sans-serif; }
dl.meta dt { font-weight: bold; }
dl.meta dd { margin: 0 0 0.3em 1em; }
blockquote { margin: 0.5em 0 0.5em 1em; }
hr { border: 0; text-align: center; margin: 1em 0; }
"""


def _e(value: str) -> str:
    return html_lib.escape(value, quote=True)


def _preface(work, *, url: str) -> str:
    parts = [f"<section><h1>{_e(work.title)}</h1>"]
    creators = ", ".join(u.username for u in work.creator_users) or "Anonymous"
    parts.append(f"<p>by {_e(creators)}</p><dl class='meta'>")
    for label, value in metadata(work, url=url):
        shown = f'<a href="{_e(value)}">{_e(value)}</a>' if label == "URL" and value.startswith("http") else _e(value)
        parts.append(f"<dt>{_e(label)}:</dt><dd>{shown}</dd>")
    parts.append("</dl>")
    if work.summary_html:
        parts.append(f"<h2>Summary</h2><blockquote>{work.summary_html}</blockquote>")
    if work.disclaimer:
        parts.append(f"<h2>Disclaimer</h2><p>{_e(work.disclaimer)}</p>")
    if work.notes_html:
        parts.append(f"<h2>Notes</h2><blockquote>{work.notes_html}</blockquote>")
    parts.append("</section>")
    return "".join(parts)


def _chapter_html(chapter, *, is_last: bool, work) -> str:
    parts = [f"<section><h2>{_e(chapter.display_title)}</h2>"]
    if chapter.summary_html:
        parts.append(f"<h3>Chapter summary</h3><blockquote>{chapter.summary_html}</blockquote>")
    if chapter.notes_html:
        parts.append(f"<h3>Chapter notes</h3><blockquote>{chapter.notes_html}</blockquote>")
    parts.append(f"<div>{chapter.body_html}</div>")
    if chapter.end_notes_html:
        parts.append(f"<h3>Chapter end notes</h3><blockquote>{chapter.end_notes_html}</blockquote>")
    if is_last and work.end_notes_html:
        parts.append(f"<h3>End notes</h3><blockquote>{work.end_notes_html}</blockquote>")
    parts.append("</section>")
    return "".join(parts)


def export(work, *, url: str) -> bytes:
    language = (work.language or "en").strip() or "en"
    book = epub.EpubBook()
    book.set_identifier(url)
    book.set_title(work.title)
    book.set_language(language)
    for user in work.creator_users:
        book.add_author(user.username)
    if work.summary_html:
        book.add_metadata("DC", "description", html_to_text(work.summary_html))
    book.add_metadata("DC", "date", work.published_on.isoformat())
    book.add_metadata("DC", "source", url)
    book.add_metadata("DC", "publisher", "Quire")
    for item in work.tagged_items.all():
        book.add_metadata("DC", "subject", item.tag.name)

    css = epub.EpubItem(uid="style", file_name="style/quire.css", media_type="text/css", content=STYLE)
    book.add_item(css)

    preface = epub.EpubHtml(title="Preface", file_name="preface.xhtml", lang=language)
    preface.content = _preface(work, url=url)
    preface.add_item(css)
    book.add_item(preface)

    chapters = list(work.chapters.all())
    documents = []
    for index, chapter in enumerate(chapters):
        document = epub.EpubHtml(
            title=chapter.display_title, file_name=f"chapter-{chapter.position:04d}.xhtml", lang=language
        )
        document.content = _chapter_html(chapter, is_last=index == len(chapters) - 1, work=work)
        document.add_item(css)
        book.add_item(document)
        documents.append(document)

    book.toc = [epub.Link("preface.xhtml", "Preface", "preface"), *documents]
    book.add_item(epub.EpubNcx())
    book.add_item(epub.EpubNav())
    book.spine = ["nav", preface, *documents]
    buffer = io.BytesIO()
    epub.write_epub(buffer, book, {})
    return buffer.getvalue()
