"""Quire downloads made before the AO3 layout (a `dl.meta` header, chapters as
sections with h3-labelled notes) still import with their metadata and chapters.
The files are small hand-made copies of that layout."""

import datetime

from stories.importers import parse_upload
from tests.authoring_support import files

OLD_HEADER = (
    "<h1>Old Work</h1><p>by author</p><dl class='meta'><dt>Title:</dt><dd>Old Work</dd>"
    "<dt>Creators:</dt><dd>author</dd><dt>Rating:</dt><dd>Teen And Up Audiences</dd>"
    "<dt>Archive Warnings:</dt><dd>No Archive Warnings Apply</dd><dt>Fandoms:</dt><dd>Naruto</dd>"
    "<dt>Characters:</dt><dd>Umino Iruka, Hatake Kakashi</dd><dt>Additional Tags:</dt><dd>Angst</dd>"
    "<dt>Language:</dt><dd>en</dd><dt>Series:</dt><dd>Part 1 of Arc</dd><dt>Published:</dt><dd>2008-02-27</dd>"
    "<dt>Completed:</dt><dd>2008-03-01</dd><dt>Words:</dt><dd>12</dd><dt>Chapters:</dt><dd>2/2</dd></dl>"
    "<h2>Summary</h2><blockquote><p>A summary.</p></blockquote>"
)


def assert_old_work(draft):
    assert draft.title == "Old Work"
    assert draft.creators == ["author"]
    assert draft.rating == "teen" and draft.warnings == ["none"]
    assert draft.fandoms == ["Naruto"] and draft.characters == ["Umino Iruka", "Hatake Kakashi"]
    assert draft.freeforms == ["Angst"]
    assert draft.series == [("Arc", 1)]
    assert draft.published_on == datetime.date(2008, 2, 27)
    assert draft.is_complete
    assert draft.summary == "A summary."
    assert [c.title for c in draft.chapters] == ["First", "Second"]
    assert draft.chapters[0].notes == "Before one."
    assert "Note" not in draft.chapters[0].body and "One." in draft.chapters[0].body


def test_old_html_download_imports_with_tags_and_chapters():
    page = (
        f"<!DOCTYPE html><html lang='en'><head><title>Old Work</title></head><body><header>{OLD_HEADER}</header>"
        "<main><section class='chapter' id='chapter-1'><h2>Chapter 1: First</h2><h3>Chapter notes</h3>"
        "<blockquote><p>Before one.</p></blockquote><div class='text'><p>One.</p></div></section>"
        "<section class='chapter' id='chapter-2'><h2>Chapter 2: Second</h2><div class='text'><p>Two.</p></div>"
        "</section></main></body></html>"
    )
    assert_old_work(parse_upload("old.html", page.encode()))


def test_old_epub_download_imports_without_its_preface_and_contents_as_chapters():
    nav = (
        '<nav xmlns:epub="http://www.idpf.org/2007/ops" epub:type="toc"><ol><li><a href="preface.xhtml">Preface</a>'
        '</li><li><a href="c1.xhtml">Chapter 1: First</a></li><li><a href="c2.xhtml">Chapter 2: Second</a></li></ol></nav>'
    )
    pages = {
        "nav.xhtml": files.xhtml(nav),
        "preface.xhtml": files.xhtml(f"<section>{OLD_HEADER}</section>"),
        "c1.xhtml": files.xhtml(
            "<section><h2>Chapter 1: First</h2><h3>Chapter notes</h3><blockquote><p>Before one.</p></blockquote>"
            "<div><p>One.</p></div></section>"
        ),
        "c2.xhtml": files.xhtml("<section><h2>Chapter 2: Second</h2><div><p>Two.</p></div></section>"),
    }
    assert_old_work(parse_upload("old.epub", files.plain_epub(pages, title="Old Work")))
