"""The EPUB download's package metadata, read back by a third-party EPUB reader
(EbookLib's; Calibre's `ebook-meta` is not installed here) as an e-reader library
reads it, and EPUBCheck on works with footnotes, remote images and image-only
chapters."""

import datetime
import io
import posixpath
import zipfile

import pytest
from ebooklib import epub
from lxml import etree
from lxml import html as lxml_html

from stories.exporters import export_work, load_work_for_export
from stories.exporters.epub import _has_offline_problems, _offline_body_parsed, offline_body
from stories.importers.base import ChapterDraft, WorkDraft
from stories.models import Work, WorkCreator
from stories.works.services import work_create_from_draft
from tests.exporters.test_exporters import epubcheck

pytestmark = pytest.mark.django_db
NS = {"opf": "http://www.idpf.org/2007/opf", "dc": "http://purl.org/dc/elements/1.1/"}


def opf_of(data: bytes) -> etree._Element:
    with zipfile.ZipFile(io.BytesIO(data)) as book:
        container = etree.fromstring(book.read("META-INF/container.xml"))
        path = container.find(".//{*}rootfile").get("full-path")
        return etree.fromstring(book.read(path)), path


def make_work(author, **fields) -> object:
    chapters = fields.pop("chapters", [ChapterDraft(body="Some text.", body_format="text")])
    fields.setdefault("fandoms", ["Original Work"])
    draft = WorkDraft(title=fields.pop("title", "A Work"), chapters=chapters, **fields)
    return work_create_from_draft(draft=draft, creators=[author])


def read_with_ebooklib(tmp_path, data: bytes):
    """The EPUB opened by EbookLib's reader (a third-party EPUB 2/3 reader, pinned in
    requirements.txt), which parses the OPF itself: Dublin Core elements by name,
    every `<meta>` (EPUB 3 properties and Calibre's named ones) under the OPF's "meta"."""
    path = tmp_path / "book.epub"
    path.write_bytes(data)
    return epub.read_epub(str(path), {"ignore_ncx": True})


def test_package_metadata_read_back_by_an_epub_library(author, reader, tmp_path):
    work = make_work(
        author,
        title="Part One",
        summary="What *happens* [next](https://example.org/next).",
        language="de",
        fandoms=["A Fandom"],
        characters=["Somebody"],
        freeforms=["Fluff", "Slow Burn"],
        published_on=datetime.date(2019, 8, 1),
        updated_on=datetime.date(2020, 2, 3),
        series=[("The Long Road", 3), ("Another Way", 1)],
    )
    WorkCreator.objects.create(work=work, user=reader, position=1)
    data = export_work(load_work_for_export(work.pk), "epub", url="https://quire.example/works/1/").data

    book = read_with_ebooklib(tmp_path, data)

    def dc(name):
        return [value for value, _ in book.get_metadata("DC", name)]

    assert book.title == "Part One"
    assert dc("creator") == ["author", "reader"]
    assert dc("language") == ["de"]
    assert dc("description") == ["What happens next."]
    assert dc("date") == ["2019-08-01"]
    assert dc("identifier") == ["https://quire.example/works/1/"]
    assert sorted(dc("subject")) == ["A Fandom", "Fluff", "Slow Burn", "Somebody"]
    # EPUB 3: one belongs-to-collection per series, refined by its type and position.
    metas = book.get_metadata("OPF", "meta")
    properties = [(value, attrs) for value, attrs in metas if attrs.get("property")]
    collections = {
        attrs["id"]: value for value, attrs in properties if attrs.get("property") == "belongs-to-collection"
    }
    refinements = {
        (attrs["refines"].lstrip("#"), attrs["property"]): value for value, attrs in properties if attrs.get("refines")
    }
    assert sorted(
        (title, refinements[(ref, "collection-type")], refinements[(ref, "group-position")])
        for ref, title in collections.items()
    ) == [("Another Way", "series", "1"), ("The Long Road", "series", "3")]
    modified = [value for value, attrs in properties if attrs.get("property") == "dcterms:modified"]
    updated = Work.objects.get(pk=work.pk).updated_at.astimezone(datetime.UTC)
    assert updated.year == 2020 and modified == [updated.strftime("%Y-%m-%dT%H:%M:%SZ")]
    # Calibre's convention (one series only; the first by title).
    calibre = {attrs["name"]: attrs["content"] for _, attrs in metas if attrs.get("name", "").startswith("calibre:")}
    assert calibre == {"calibre:series": "Another Way", "calibre:series_index": "1"}


def test_footnotes_remote_images_and_an_image_only_chapter_pass_epubcheck(author, tmp_path):
    work = make_work(
        author,
        chapters=[
            ChapterDraft(
                body='<p>Said<a href="#fn1">1</a> and <a href="#nowhere">this</a>.</p><ol><li id="fn1">Note.</li></ol>'
                '<p><a href="other.xhtml">a lost file</a></p>',
                body_format="html",
            ),
            ChapterDraft(body='<p><img src="https://images.example/page1.png" alt="Page one"></p>', body_format="html"),
        ],
    )
    data = export_work(load_work_for_export(work.pk), "epub", url="https://quire.example/works/2/").data
    result = epubcheck(tmp_path, data)
    assert result.returncode == 0, result.stdout + result.stderr
    package, path = opf_of(data)
    with zipfile.ZipFile(io.BytesIO(data)) as book:
        first = book.read(posixpath.join(posixpath.dirname(path), "chapter-0001.xhtml")).decode()
        second = book.read(posixpath.join(posixpath.dirname(path), "chapter-0002.xhtml")).decode()
    assert 'href="#q-fn1"' in first and 'id="q-fn1"' in first
    assert "#nowhere" not in first and "other.xhtml" not in first
    assert 'href="https://images.example/page1.png"' in second and "[Image: Page one]" in second
    assert "<img" not in second


def test_offline_body_keeps_local_anchors_and_web_links():
    body = '<p><a href="#q-a">x</a><span id="q-a">y</span><a href="https://example.org/">web</a></p>'
    assert offline_body(body) == body


@pytest.mark.parametrize(
    "body",
    [
        "<p>Plain &amp; simple,<br>with a break &lt;b&gt; and&nbsp;space.</p><hr><p>“Quotes” — and more.</p>",
        '<p><a href="https://example.org/a?b=1&amp;c=2" rel="noopener noreferrer nofollow">web</a> '
        '<a href="mailto:someone@example.org">mail</a></p>',
        '<p>Text about href="relative.html" that is only text.</p>',
    ],
)
def test_offline_body_leaves_a_body_with_only_web_links_as_it_is(body):
    # Returned untouched without parsing; the parser's path gives the same document
    # once ebooklib parses it, so the EPUB cannot tell the two apart.
    def as_ebooklib_reads_it(fragment: str) -> bytes:
        return etree.tostring(lxml_html.fragment_fromstring(fragment, create_parent="div"))

    if "relative.html" in body:  # text, not a link: the exact path, which keeps it
        assert _has_offline_problems(body)
    else:
        assert not _has_offline_problems(body)
    assert offline_body(body) == body
    assert as_ebooklib_reads_it(body) == as_ebooklib_reads_it(_offline_body_parsed(body))


@pytest.mark.parametrize(
    "body",
    [
        '<p><img src="https://images.example/a.png" alt="A"></p>',
        '<p><IMG src="local.png"></p>',
        '<p><a href="other.xhtml">elsewhere</a></p>',
        "<p><a href='#q-missing'>anchor</a></p>",
    ],
)
def test_offline_body_still_rewrites_images_and_links_that_leave_the_book(body):
    assert offline_body(body) != body
