"""The EPUB download's package metadata, read back as an e-reader library reads it
(the OPF through lxml, as Calibre's `ebook-meta` would), and EPUBCheck on works
with footnotes, remote images and image-only chapters."""

import datetime
import io
import posixpath
import zipfile

import pytest
from lxml import etree

from stories.exporters import export_work, load_work_for_export
from stories.exporters.epub import offline_body
from stories.importers.base import ChapterDraft, WorkDraft
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


def test_package_metadata_carries_series_creators_tags_summary_language_and_dates(author):
    work = make_work(
        author,
        title="Part One",
        summary="What *happens*.",
        language="de",
        fandoms=["A Fandom"],
        freeforms=["Fluff"],
        published_on=datetime.date(2019, 8, 1),
        series=[("The Long Road", 1)],
    )
    data = export_work(load_work_for_export(work.pk), "epub", url="https://quire.example/works/1/").data
    package, _ = opf_of(data)
    metadata = package.find("opf:metadata", NS)

    def dc(name):
        return [el.text for el in metadata.iterfind(f"dc:{name}", NS)]

    assert dc("title") == ["Part One"]
    assert dc("creator") == ["author"]
    assert dc("language") == ["de"]
    assert dc("description") == ["What happens."]
    assert dc("date") == ["2019-08-01"]
    assert {"A Fandom", "Fluff"} <= set(dc("subject"))
    collection = metadata.find("opf:meta[@property='belongs-to-collection']", NS)
    assert collection.text == "The Long Road"
    refines = {
        m.get("property"): m.text for m in metadata.iterfind(f"opf:meta[@refines='#{collection.get('id')}']", NS)
    }
    assert refines == {"collection-type": "series", "group-position": "1"}
    calibre = {m.get("name"): m.get("content") for m in metadata.iterfind("opf:meta[@name]", NS)}
    assert calibre["calibre:series"] == "The Long Road" and calibre["calibre:series_index"] == "1"
    assert metadata.find("opf:meta[@property='dcterms:modified']", NS) is not None


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
