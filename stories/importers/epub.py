"""EPUB story files: AO3 downloads, FanFicFare output, and other EPUB 2/3 books.

An EPUB is a zip archive, so it is read defensively before anything is parsed:
member names must be plain relative paths, the declared and the actually
decompressed sizes must stay under a limit (streamed with a cap, so a lying header
cannot blow up memory), and XML is parsed without entities, DTDs or network.

Where the structures come from:
- the EPUB container (META-INF/container.xml -> the OPF package -> its spine) is
  the EPUB 2/3 standard;
- AO3's EPUB lists every tag as an untyped `dc:subject` in the OPF, so typed tags
  are read from the preface markup inside the book, the same `div#preface dl.tags`
  as its HTML download (see importers.html);
- chapter names from the EPUB 3 navigation document (`nav[epub:type=toc]`, the
  manifest item with properties="nav") or the EPUB 2 NCX (`navMap/navPoint`, the
  spine's `toc` item), used when a chapter page has no heading of its own;
- front matter (title pages, contents, copyright, colophon, "Information" pages)
  is told apart by what the book says about it where it says anything (EPUB 3
  `epub:type`/landmarks, the EPUB 2 `guide`, `linear="no"` spine items), and by
  its shape otherwise: a page of links into the book is a contents page, a short
  page naming the book's title is a title page. None of it becomes a chapter.
- FanFicFare's EPUB (checked against `fanficfare -f epub 'http://test1.com?sid=1'`)
  carries the story URL in `dc:source`, a title page `body.fff_titlepage` of
  `<b>Label:</b> value<br/>` lines, and chapters `OEBPS/fileNNNN.xhtml` with
  `body.fff_chapter` and an `h3.fff_chapter_title`. Its EPUB 2 output has small
  faults, so this reader is lenient where safety is not at stake.
"""

import io
import posixpath
import re
import zipfile

from bs4 import BeautifulSoup
from django.conf import settings
from lxml import etree

from stories.importers import html as html_importer
from stories.importers.base import ChapterDraft, ImportFailed, WorkDraft, check_size, read_text
from stories.importers.fields import chapter_title, parse_date, parse_language

MAX_MEMBERS = 2000
# A story's text compresses well, but not this well: past it, the file is a bomb.
MAX_COMPRESSION_RATIO = 100
NS = {
    "c": "urn:oasis:names:tc:opendocument:xmlns:container",
    "opf": "http://www.idpf.org/2007/opf",
    "dc": "http://purl.org/dc/elements/1.1/",
}
HTML_TYPES = {"application/xhtml+xml", "text/html", "application/x-dtbook+xml"}
ENTITY_DECLARATION_RE = re.compile(rb"<!ENTITY", re.IGNORECASE)
BAD_NAME_RE = re.compile(r"(^|/)\.\.(/|$)|^/|^[A-Za-z]:|\\|\x00")


def max_uncompressed_bytes() -> int:
    """The most an EPUB may expand to: five times the upload limit."""
    return settings.QUIRE_MAX_UPLOAD_MB * 5 * 1024 * 1024


def parse(data: bytes) -> WorkDraft:
    """Read an EPUB into a WorkDraft, or raise ImportFailed saying what is wrong."""
    check_size(data)
    book = SafeEpub(data)
    opf_path = book.opf_path()
    package = book.xml(opf_path)
    metadata = read_metadata(package)
    documents = [(path, book.soup(path)) for path in book.spine_paths(package, opf_path)]
    if not documents:
        raise ImportFailed("The EPUB's reading order (spine) lists no pages.")
    if any(_has_class(soup.body, "fff_titlepage") for _, soup in documents):
        draft = parse_fanficfare(documents)
    elif any(soup.select_one("#preface dl.tags, h2.heading, #chapters") for _, soup in documents):
        draft = html_importer.parse_ao3(combined(documents))
    else:
        structure = BookStructure.read(book, package, opf_path)
        pages = [(path, soup) for path, soup in documents if not structure.is_front_matter(path, soup, metadata)]
        if not pages:
            # Only the shape said "front matter" (a one-page story naming its title):
            # keep whatever the book itself did not mark as such.
            pages = [(path, soup) for path, soup in documents if path not in structure.front]
        draft = parse_generic(pages, titles=structure.titles)
        kept = {path for path, _ in pages}
        for path, soup in documents:
            if path not in kept and soup.body is not None:
                html_importer.read_labelled_metadata(soup.body, draft)
    fill_from_metadata(draft, metadata)
    draft.repairs = book.repairs
    return html_importer.finish(draft)


class SafeEpub:
    """A zip archive opened with the checks above; reads members with a size budget."""

    def __init__(self, data: bytes) -> None:
        if not data.startswith(b"PK"):
            raise ImportFailed("This is not an EPUB file: an EPUB is a zip archive, and this is not one.")
        try:
            self.zip = zipfile.ZipFile(io.BytesIO(data))
            infos = self.zip.infolist()
        except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError):
            raise ImportFailed("The EPUB is damaged: its zip archive cannot be read.") from None
        if len(infos) > MAX_MEMBERS:
            raise ImportFailed(f"The EPUB has more than {MAX_MEMBERS} files in it; Quire does not read it.")
        limit = max_uncompressed_bytes()
        declared = 0
        for info in infos:
            if BAD_NAME_RE.search(info.filename):
                raise ImportFailed(f"The EPUB contains an unsafe file name ({info.filename[:80]!r}); it was not read.")
            if info.flag_bits & 0x1:
                raise ImportFailed("The EPUB is encrypted (it may have DRM); Quire cannot read it.")
            declared += info.file_size
            if info.file_size > 1024 * 1024 and info.file_size > MAX_COMPRESSION_RATIO * max(info.compress_size, 1):
                raise ImportFailed("The EPUB looks like a zip bomb (it expands far too much); it was not read.")
        if declared > limit:
            raise ImportFailed(
                f"The EPUB would expand to more than {limit // (1024 * 1024)} MB; Quire does not read it."
            )
        self.names = {info.filename: info for info in infos}
        self.budget = limit
        self.repairs: list[str] = []

    def read(self, name: str) -> bytes:
        """The member's bytes, counting what is actually decompressed against the budget."""
        info = self.names.get(name)
        if info is None:
            raise ImportFailed(f"The EPUB is missing a file it refers to ({name[:80]}).")
        chunks, total = [], 0
        try:
            with self.zip.open(info) as stream:
                while chunk := stream.read(64 * 1024):
                    total += len(chunk)
                    self.budget -= len(chunk)
                    if self.budget < 0 or total > info.file_size:
                        raise ImportFailed("The EPUB looks like a zip bomb (it expands far too much); it was not read.")
                    chunks.append(chunk)
        except (zipfile.BadZipFile, OSError, EOFError, NotImplementedError, RuntimeError, ValueError):
            raise ImportFailed(f"The EPUB is damaged: {name[:80]} cannot be read.") from None
        return b"".join(chunks)

    def xml(self, name: str) -> etree._Element:
        raw = self.read(name)
        if ENTITY_DECLARATION_RE.search(raw):
            # Not expanded (resolve_entities=False), but not silently dropped either:
            # a package whose names come from entities reads as one with no pages.
            raise ImportFailed(
                f"The EPUB's {name[:80]} declares its own entities in a DTD (<!ENTITY …>). Quire does not "
                "expand entities in an EPUB's package files, since a few lines of them can expand to gigabytes "
                "(an “entity expansion”, as in the “billion laughs” attack); the EPUB was not read."
            )
        parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, recover=True)
        try:
            root = etree.fromstring(raw, parser=parser)
        except etree.XMLSyntaxError:
            root = None
        if root is None:
            raise ImportFailed(f"The EPUB's {name[:80]} is not readable XML.")
        return root

    def soup(self, name: str) -> BeautifulSoup:
        raw = self.read(name)
        try:
            text, repairs = read_text(raw)
        except ImportFailed:
            text, repairs = raw.decode("utf-8", errors="replace"), []
        self.repairs += [r for r in repairs if r not in self.repairs]
        text = html_importer.without_internal_subset(text, what=f"The EPUB's {name[:80]}")
        html_importer.check_depth(text, what=f"The EPUB's {name[:80]}")
        return html_importer.soup_from_text(text)

    def opf_path(self) -> str:
        if "META-INF/container.xml" not in self.names:
            raise ImportFailed("The EPUB has no META-INF/container.xml, so its contents cannot be found.")
        container = self.xml("META-INF/container.xml")
        rootfile = container.find(".//c:rootfile", NS)
        if rootfile is None:
            rootfile = next((el for el in container.iter() if str(el.tag).endswith("rootfile")), None)
        path = rootfile.get("full-path", "") if rootfile is not None else ""
        if not path or path not in self.names:
            raise ImportFailed("The EPUB has no package document (OPF), so its chapters cannot be found.")
        return path

    def spine_paths(self, package: etree._Element, opf_path: str) -> list[str]:
        base = posixpath.dirname(opf_path)
        manifest = {}
        for item in package.iterfind(".//opf:manifest/opf:item", NS):
            href = (item.get("href") or "").split("#")[0]
            path = posixpath.normpath(posixpath.join(base, _unquote(href))) if href else ""
            manifest[item.get("id")] = (path, item.get("media-type", ""))
        paths, missing = [], []
        refs = list(package.iterfind(".//opf:spine/opf:itemref", NS))
        for ref in refs:
            path, media_type = manifest.get(ref.get("idref"), ("", ""))
            is_page = media_type in HTML_TYPES or path.endswith((".xhtml", ".html", ".htm"))
            if path and is_page and path not in self.names:
                missing.append(path)
            elif path and is_page and path not in paths:
                paths.append(path)
        if missing and not paths:
            shown = ", ".join(missing[:3]) + (f" and {len(missing) - 3} more" if len(missing) > 3 else "")
            raise ImportFailed(
                f"The EPUB's reading order lists {len(missing)} page{'s' if len(missing) > 1 else ''} that "
                f"{'are' if len(missing) > 1 else 'is'} not in the file ({shown[:300]}); it is incomplete."
            )
        if missing:
            noun = "page" if len(missing) == 1 else "pages"
            self.repairs.append(
                f"The EPUB's reading order lists {len(missing)} {noun} missing from the file "
                f"({', '.join(missing[:3])[:200]}); the rest was read. Check that no chapter is missing."
            )
        if not refs:
            raise ImportFailed("The EPUB's reading order (spine) lists no pages.")
        if not paths:
            raise ImportFailed(
                "The EPUB's reading order (spine) lists no pages Quire can read (XHTML or HTML); "
                f"it lists {len(refs)} item{'s' if len(refs) > 1 else ''} of other kinds."
            )
        return paths


def _unquote(href: str) -> str:
    from urllib.parse import unquote

    return unquote(href)


def _has_class(element, name: str) -> bool:
    return element is not None and name in (element.get("class") or [])


def read_metadata(package: etree._Element) -> dict:
    def texts(tag: str) -> list[str]:
        return [" ".join("".join(el.itertext()).split()) for el in package.iterfind(f".//dc:{tag}", NS)]

    descriptions = [
        "".join(el.itertext()).strip() for el in package.iterfind(".//dc:description", NS) if "".join(el.itertext())
    ]
    dates = {}
    for el in package.iterfind(".//dc:date", NS):
        event = el.get("{http://www.idpf.org/2007/opf}event") or el.get("event") or "date"
        dates.setdefault(event, "".join(el.itertext()).strip())
    return {
        "title": next(iter(texts("title")), ""),
        "creators": [c for c in texts("creator") if c],
        "description": descriptions[0] if descriptions else "",
        "subjects": [s for s in texts("subject") if s],
        "language": next(iter(texts("language")), ""),
        "dates": dates,
        "source": next(iter(texts("source")), ""),
    }


def fill_from_metadata(draft: WorkDraft, metadata: dict) -> None:
    """The OPF fills what the book's pages did not say."""
    draft.title = draft.title or metadata["title"]
    draft.creators = draft.creators or metadata["creators"]
    if not draft.summary and metadata["description"]:
        description = metadata["description"]
        if "<" in description:
            description = html_importer.notes_markdown(BeautifulSoup(description, "lxml").body)
        draft.summary = description.strip()
    if not draft.language and metadata["language"]:
        draft.language = parse_language(metadata["language"])
    if draft.published_on is None:
        dates = metadata["dates"]
        raw = dates.get("publication") or dates.get("date") or ""
        draft.published_on = parse_date(raw[:10]) if raw else None
    draft.source_url = draft.source_url or metadata["source"]
    typed = {t.lower() for t in draft.fandoms + draft.relationships + draft.characters + draft.freeforms}
    if not typed:
        # An untyped subject list (AO3 without its preface, other tools): freeform tags.
        draft.freeforms = [s for s in metadata["subjects"] if s.lower() not in {"fanfiction", "fiction"}][:75]


def combined(documents: list[tuple[str, BeautifulSoup]]) -> BeautifulSoup:
    """The spine's pages as one document, so markup a converter split across files
    (AO3's preface, chapters, afterword) reads as it did in the HTML download."""
    parts = [html_importer.inner_html(soup.body) for _, soup in documents if soup.body is not None]
    return BeautifulSoup("<html><body>" + "\n".join(parts) + "</body></html>", "lxml")


def parse_fanficfare(documents: list[tuple[str, BeautifulSoup]]) -> WorkDraft:
    draft = WorkDraft()
    for _, soup in documents:
        body = soup.body
        if _has_class(body, "fff_titlepage"):
            heading = body.find(["h3", "h1", "h2"])
            if heading is not None:
                links = heading.find_all("a")
                draft.title = links[0].get_text(" ", strip=True) if links else heading.get_text(" ", strip=True)
                draft.creators = [a.get_text(strip=True) for a in heading.select("a.authorlink")]
            html_importer.apply_fanficfare(draft, titlepage_fields(body))
        elif _has_class(body, "fff_chapter") or body is not None and body.select_one(".fff_chapter_title"):
            heading = body.select_one(".fff_chapter_title")
            title = heading.get_text(" ", strip=True) if heading else ""
            if heading is not None:
                heading.decompose()
            content = body.find("div") if len(body.find_all("div", recursive=False)) == 1 else body
            inner = content.find("h3")
            if inner is not None and inner.get_text(strip=True) == title:
                inner.decompose()
            draft.chapters.append(
                ChapterDraft(
                    body=html_importer.inner_html(content),
                    body_format="html",
                    title=chapter_title(title)[:255],
                )
            )
    return draft


def titlepage_fields(body) -> dict:
    """FanFicFare's "<b>Label:</b> value<br/>" lines -> {label key: a soup of the value}."""
    fields = {}
    for bold in body.find_all("b"):
        label = bold.get_text(strip=True)
        if not label.endswith(":"):
            continue
        pieces = []
        for sibling in bold.next_siblings:
            if getattr(sibling, "name", None) in {"br", "b"}:
                break
            pieces.append(str(sibling))
        fields[html_importer.label_key(label)] = (
            BeautifulSoup("<div>" + "".join(pieces) + "</div>", "lxml").div or BeautifulSoup("<div></div>", "lxml").div
        )
    return fields


def parse_generic(documents: list[tuple[str, BeautifulSoup]], titles: dict[str, str] | None = None) -> WorkDraft:
    """Any other EPUB: each spine page with text or a picture is a chapter, titled by
    its heading, else by its entry in the nav/NCX (`titles`, path -> label)."""
    draft = WorkDraft()
    titles = titles or {}
    for path, soup in documents:
        body = soup.body
        if body is None or not html_importer.has_content(html_importer.inner_html(body)):
            continue
        heading = body.find(["h1", "h2", "h3"])
        title = ""
        if heading is not None and len(heading.get_text(strip=True)) < 200 and heading.get_text(strip=True):
            title = chapter_title(heading.get_text(" ", strip=True))
            heading.decompose()
        elif titles.get(path):
            title = chapter_title(titles[path])
        notes = {}
        for label in body.find_all(["h3", "h4"]):
            key = label.get_text(" ", strip=True).lower()
            block = label.find_next_sibling()
            if key in CHAPTER_NOTE_LABELS and block is not None and block.name == "blockquote":
                notes[CHAPTER_NOTE_LABELS[key]] = html_importer.notes_markdown(block)
                block.decompose()
                label.decompose()
        content = html_importer.inner_html(body)
        if not html_importer.has_content(content):
            continue
        draft.end_notes = notes.pop("work_end_notes", draft.end_notes)
        draft.chapters.append(ChapterDraft(body=content, body_format="html", title=title[:255], **notes))
    return draft


# Quire's EPUB before it followed AO3's layout labelled a chapter's notes with h3s.
CHAPTER_NOTE_LABELS = {"chapter summary": "summary", "chapter notes": "notes", "chapter end notes": "end_notes",
                       "end notes": "work_end_notes"}  # fmt: skip
FRONT_TYPES = {"cover", "titlepage", "title-page", "halftitlepage", "toc", "copyright-page", "copyright", "colophon",
               "frontmatter", "imprint", "imprimatur", "landmarks", "loi", "lot", "other.ms-copyright"}  # fmt: skip
FRONT_HEADINGS = {"contents", "table of contents", "toc", "copyright", "colophon", "information", "title page",
                  "about this book", "about the book", "imprint", "index"}  # fmt: skip
FRONT_NAME_RE = re.compile(r"(^|[/_-])(cover|title[_-]?page|titlepage|toc|contents|copyright|colophon|info(rmation)?"
                           r"|nav|imprint)(\.x?html?$|[_-])", re.IGNORECASE)  # fmt: skip
EPUB_TYPE = "{http://www.idpf.org/2007/ops}type"


class BookStructure:
    """What the package says about its pages: nav/NCX titles by path, and which
    paths its guide, landmarks, nav property or linear="no" mark as not chapters."""

    def __init__(self) -> None:
        self.titles: dict[str, str] = {}
        self.front: set[str] = set()

    @classmethod
    def read(cls, book: "SafeEpub", package: etree._Element, opf_path: str) -> "BookStructure":
        structure = cls()
        base = posixpath.dirname(opf_path)

        def resolve(relative_to: str, href: str) -> str:
            href = _unquote((href or "").split("#")[0])
            return posixpath.normpath(posixpath.join(posixpath.dirname(relative_to), href)) if href else ""

        manifest = {item.get("id"): item for item in package.iterfind(".//opf:manifest/opf:item", NS)}
        nav_path = ncx_path = ""
        for item in manifest.values():
            path = posixpath.normpath(posixpath.join(base, _unquote(item.get("href") or "")))
            if "nav" in (item.get("properties") or "").split():
                nav_path = path
                structure.front.add(path)
            if item.get("media-type") == "application/x-dtbncx+xml":
                ncx_path = path
        for ref in package.iterfind(".//opf:spine/opf:itemref", NS):
            item = manifest.get(ref.get("idref"))
            if item is not None and ref.get("linear") == "no":
                structure.front.add(posixpath.normpath(posixpath.join(base, _unquote(item.get("href") or ""))))
        for reference in package.iterfind(".//opf:guide/opf:reference", NS):
            if (reference.get("type") or "").lower() in FRONT_TYPES:
                structure.front.add(resolve(opf_path, reference.get("href")))
        if nav_path and nav_path in book.names:
            nav = book.soup(nav_path)
            for block in nav.find_all("nav"):
                kind = (block.get("epub:type") or "").split()
                links = [(resolve(nav_path, a.get("href")), a.get_text(" ", strip=True)) for a in block.find_all("a")]
                if "toc" in kind:
                    for path, label in links:
                        structure.titles.setdefault(path, label)
                elif "landmarks" in kind:
                    for a in block.find_all("a"):
                        if set((a.get("epub:type") or "").split()) & FRONT_TYPES:
                            structure.front.add(resolve(nav_path, a.get("href")))
        if ncx_path and ncx_path in book.names:
            ncx = book.xml(ncx_path)
            for point in ncx.iter("{*}navPoint"):
                label = (
                    " ".join("".join(point.find("{*}navLabel").itertext()).split())
                    if point.find("{*}navLabel") is not None
                    else ""
                )
                content = point.find("{*}content")
                if content is not None and label:
                    structure.titles.setdefault(resolve(ncx_path, content.get("src")), label)
        return structure

    def is_front_matter(self, path: str, soup: BeautifulSoup, metadata: dict) -> bool:
        """True for pages that are metadata, not story: see the module docstring."""
        if path in self.front:
            return True
        body = soup.body
        if body is None:
            return True
        types = set()
        for element in [body, *body.find_all(["section", "div", "nav"], limit=5)]:
            types |= set((element.get("epub:type") or element.get("role") or "").replace("doc-", "").split())
        if types & FRONT_TYPES or body.find("nav") is not None:
            return True
        text = " ".join(body.get_text(" ", strip=True).split())
        heading = body.find(["h1", "h2", "h3"])
        heading_text = heading.get_text(" ", strip=True).lower().strip(" :") if heading else ""
        if heading_text in FRONT_HEADINGS:
            return True
        labels = {html_importer.label_key(dt.get_text()) for dt in body.find_all("dt")}
        if labels & {"rating", "fandom", "word", "archive warning", "category", "language"}:
            return True  # a metadata ("Information", preface) page
        linked = " ".join(a.get_text(" ", strip=True) for a in body.find_all("a", href=True) if "#" in a["href"] or (
            not a["href"].startswith(("http://", "https://", "mailto:"))
        ))  # fmt: skip
        if len(body.find_all("a", href=True)) >= 2 and len(linked) > 0.6 * max(len(text), 1):
            return True  # a contents page: nothing but links into the book
        title = (metadata.get("title") or "").lower()
        words = len(text.split())
        if title and words <= 60 and title in text.lower() and not body.find("p", string=re.compile(r"\w{3,}.*[.!?]$")):
            return True  # a title page: the title, the author, perhaps a publisher
        if FRONT_NAME_RE.search(path) and words <= 150:
            return True
        return bool(re.search(r"\b(copyright|all rights reserved|©)\b", text, re.IGNORECASE) and words <= 120)
