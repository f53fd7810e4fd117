"""EPUB 3 download (ebooklib), valid for W3C EPUBCheck: a preface page with the
metadata, one XHTML document per chapter, an afterword, navigation document and NCX.

The pages use AO3's download markup (templates/exporters/_preface.html and
_chapter.html), which the EPUB importer reads back whole; the package metadata
carries what e-reader libraries read (see package_metadata)."""

import datetime
import html
import io
import re

from bs4 import BeautifulSoup
from django.template.loader import render_to_string
from ebooklib import epub

from stories.exporters.common import chapter_pages, html_to_text, preface_context

CONTENT_TYPE = "application/epub+zip"

STYLE = b"""body { font-family: serif; line-height: 1.5; }
h1, h2, h3 { font-family: sans-serif; }
dl.tags dt { font-weight: bold; }
dl.tags dd { margin: 0 0 0.3em 1em; }
blockquote { margin: 0.5em 0 0.5em 1em; }
hr { border: 0; text-align: center; margin: 1em 0; }
"""
REMOTE_RE = re.compile(r"^https?://", re.IGNORECASE)
IMG_RE = re.compile(r"<img\b", re.IGNORECASE)
HREF_RE = re.compile(r"""\shref\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))""", re.IGNORECASE)


def offline_body(body_html: str) -> str:
    """A chapter body that an EPUB can hold as it is.

    Images are replaced by their alt text and a link to where they live: an EPUB
    must contain every image it shows (EPUBCheck RSC-006 for remote ones, RSC-007 for
    missing local ones), and fetching them while a reader waits for a download
    would make Quire's web workers open connections to any address an author
    typed, with no bound on time or size. The link keeps the picture one tap away.
    Links to anchors the chapter does not have (RSC-012) and relative links to
    files outside the book are unwrapped to their text.

    A body with no image and only web and mailto links is returned as it is: most
    chapters are, and parsing one costs about 10 ms (a third of a second for a
    30-chapter EPUB). ebooklib parses every document again when it writes the book,
    so the serialisation of the two paths does not show in the EPUB."""
    body_html = body_html or ""
    if not _has_offline_problems(body_html):
        return body_html
    return _offline_body_parsed(body_html)


def _offline_body_parsed(body_html: str) -> str:
    """offline_body's work, on the parsed body (always exact, and slow)."""
    soup = BeautifulSoup(body_html, "html.parser")
    for img in soup.find_all("img"):
        src = img.get("src", "")
        alt = img.get("alt", "").strip() or "an image"
        if REMOTE_RE.match(src):
            link = soup.new_tag("a", href=src)
            link.string = f"[Image: {alt}]"
            img.replace_with(link)
        else:
            img.replace_with(f"[Image: {alt}]")
    ids = {tag["id"] for tag in soup.find_all(id=True)}
    for anchor in soup.find_all("a", href=True):
        href = anchor["href"]
        if (
            href.startswith("#")
            and href[1:] not in ids
            or not (href.startswith("#") or REMOTE_RE.match(href))
            and (not href.lower().startswith("mailto:"))
        ):
            del anchor["href"]
            if "rel" in anchor.attrs:
                del anchor["rel"]
    return str(soup)


def _has_offline_problems(body_html: str) -> bool:
    """Whether offline_body might change `body_html`: it has an image, or a link that
    is not to the web or an address (same-page anchors are checked by the parser).
    False only when nothing would change; text that merely looks like an attribute
    takes the slow, exact path."""
    if IMG_RE.search(body_html):
        return True
    for match in HREF_RE.finditer(body_html):
        href = html.unescape(next(group for group in match.groups() if group is not None))
        if not (REMOTE_RE.match(href) or href.lower().startswith("mailto:")):
            return True
    return False


def package_metadata(book: epub.EpubBook, work, *, url: str) -> None:
    """Dublin Core and meta elements of the OPF: title, language, every creator,
    the summary as dc:description, published date as dc:date (the updated date is
    dcterms:modified, written by export), source URL, tags as dc:subject,
    and each series with its position twice over: EPUB 3's belongs-to-collection
    (collection-type "series", group-position) and Calibre's calibre:series /
    calibre:series_index, which Calibre and the e-readers that follow it read."""
    book.set_identifier(url)
    book.set_title(work.title)
    book.set_language((work.language or "en").strip() or "en")
    for number, user in enumerate(work.creator_users, start=1):
        # Each creator needs an id of its own (ebooklib gives every one "creator").
        book.add_author(user.username, uid=f"creator-{number}")
    if work.summary_html:
        book.add_metadata("DC", "description", html_to_text(work.summary_html))
    book.add_metadata("DC", "date", work.published_on.isoformat())
    book.add_metadata("DC", "source", url)
    book.add_metadata("DC", "publisher", "Quire")
    for item in work.tagged_items.all():
        book.add_metadata("DC", "subject", item.tag.name)
    for number, part in enumerate(work.series_parts.all(), start=1):
        ref = f"series-{number}"
        book.add_metadata(None, "meta", part.series.title, {"property": "belongs-to-collection", "id": ref})
        book.add_metadata(None, "meta", "series", {"refines": f"#{ref}", "property": "collection-type"})
        book.add_metadata(None, "meta", str(part.position), {"refines": f"#{ref}", "property": "group-position"})
        if number == 1:
            book.add_metadata(None, "meta", "", {"name": "calibre:series", "content": part.series.title})
            book.add_metadata(None, "meta", "", {"name": "calibre:series_index", "content": str(part.position)})


def export(work, *, url: str) -> bytes:
    """The work as EPUB 3 bytes."""
    language = (work.language or "en").strip() or "en"
    book = epub.EpubBook()
    package_metadata(book, work, url=url)

    css = epub.EpubItem(uid="style", file_name="style/quire.css", media_type="text/css", content=STYLE)
    book.add_item(css)
    context = preface_context(work, url=url)

    preface = epub.EpubHtml(title="Preface", file_name="preface.xhtml", lang=language)
    preface.content = render_to_string("exporters/_preface.html", context)
    preface.add_item(css)
    book.add_item(preface)

    documents = []
    for position, chapter in enumerate(chapter_pages(work, body=offline_body), start=1):
        document = epub.EpubHtml(title=chapter.display_title, file_name=f"chapter-{position:04d}.xhtml", lang=language)
        inner = render_to_string("exporters/_chapter.html", context | {"chapter": chapter})
        document.content = f'<div id="chapters" class="userstuff">{inner}</div>'
        document.add_item(css)
        book.add_item(document)
        documents.append(document)

    afterword = epub.EpubHtml(title="Afterword", file_name="afterword.xhtml", lang=language)
    afterword.content = render_to_string("exporters/_afterword.html", context)
    afterword.add_item(css)
    book.add_item(afterword)

    book.toc = [epub.Link("preface.xhtml", "Preface", "preface"), *documents, afterword]
    book.add_item(epub.EpubNcx())
    book.add_item(epub.EpubNav())
    book.spine = ["nav", preface, *documents, afterword]
    buffer = io.BytesIO()
    # dcterms:modified is when the work last changed (in UTC, as the "Z" says), not
    # the moment of the download: e-reader libraries sort and sync by it.
    epub.write_epub(buffer, book, {"mtime": work.updated_at.astimezone(datetime.UTC)})
    return buffer.getvalue()
