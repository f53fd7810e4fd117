"""AO3 downloads and FanFicFare output: the cases from the issue (series commas,
"Inspired by", EPUB categories, an image-only work) and FanFicFare's text output."""

import datetime
import subprocess

import pytest

from stories.importers import html, parse_upload
from tests.authoring_support import files
from tests.conftest import FANFICFARE


def test_ao3_series_name_loses_its_trailing_comma_and_several_series_are_split():
    page = (
        files.ao3_html()
        .decode()
        .replace(
            'Part 2 of <a href="https://archiveofourown.org/series/77">Seasons</a>',
            'Part 1 of <a href="https://archiveofourown.org/series/1">Seasons at Starfall</a> , '
            'Part 3 of <a href="https://archiveofourown.org/series/2">Tides</a>,',
        )
    )
    assert html.parse(page.encode()).series == [("Seasons at Starfall", 1), ("Tides", 3)]


def test_ao3_inspired_by_link_is_kept():
    page = (
        files.ao3_html()
        .decode()
        .replace(
            "<p>Notes</p>",
            '<ul class="associations"><li>Inspired by <a href="https://archiveofourown.org/works/12">The Lantern</a> '
            'by <a href="https://archiveofourown.org/users/lamp">lamp</a>.</li></ul><p>Notes</p>',
        )
    )
    draft = html.parse(page.encode())
    inspired = [link for link in draft.links if link.kind == "inspired_by"]
    assert [(link.title, link.author, link.url) for link in inspired] == [
        ("The Lantern", "lamp", "https://archiveofourown.org/works/12")
    ]


def test_ao3_epub_with_plural_labels_keeps_its_categories():
    data = files.ao3_epub()
    import io
    import zipfile

    source = zipfile.ZipFile(io.BytesIO(data))
    members = {name: source.read(name) for name in source.namelist()}
    members["OEBPS/preface.xhtml"] = members["OEBPS/preface.xhtml"].replace(
        b"<dt>Category:</dt>", b"<dt>Categories:</dt>"
    )
    rebuilt = io.BytesIO()
    with zipfile.ZipFile(rebuilt, "w") as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    draft = parse_upload("w.epub", rebuilt.getvalue())
    assert draft.categories == ["mm"]


def test_ao3_work_whose_only_chapter_is_an_image_imports():
    page = files.ao3_html().decode()
    start, end = page.index('<div id="chapters"'), page.index('<div id="afterword"')
    comic = '<div id="chapters" class="userstuff"><p><img src="https://images.example/p1.png" alt="Panel"/></p></div>'
    draft = html.parse((page[:start] + comic + page[end:]).encode())
    assert len(draft.chapters) == 1 and "<img" in draft.chapters[0].body


@pytest.fixture(scope="module")
def fanficfare_text(tmp_path_factory):
    folder = tmp_path_factory.mktemp("fff-text")
    subprocess.run([str(FANFICFARE), "-f", "txt", "http://test1.com?sid=1"], cwd=folder, check=True,
                   capture_output=True, timeout=120)  # fmt: skip
    return next(folder.glob("*.txt"))


def test_fanficfare_text_output_imports_with_its_metadata_and_chapters(fanficfare_text):
    draft = parse_upload(fanficfare_text.name, fanficfare_text.read_bytes())
    assert draft.title == "Test Story Title 1"
    assert draft.creators == ["Test Author aa"]
    assert draft.summary.startswith("Description tests:") and "Some more longer description." in draft.summary
    assert "Harry Potter" in draft.fandoms
    assert draft.characters == ["Bob Smith", "Fred Smythe", "George Johnson"]
    assert "Harry Potter/Ginny Weasley/Albus Dumbledore" in draft.relationships  # a wrapped line joined back
    assert {"Comedy", "Fantasy"} <= set(draft.freeforms)
    assert draft.published_on == datetime.date(1975, 3, 15)
    assert draft.updated_on == datetime.date(1975, 4, 15)
    assert draft.series == [("The Great Test", 1)]
    assert not draft.is_complete
    assert len(draft.chapters) == 9
    assert draft.chapters[1].title == "Xenos on Cinnabar"
    assert "Lorem" in draft.chapters[1].body and "TABLE OF CONTENTS" not in draft.chapters[0].body
    assert "End file." not in draft.chapters[-1].body


def test_ao3_summary_and_notes_keep_their_emphasis_and_links_as_markdown():
    page = (
        files.ao3_html()
        .decode()
        .replace(
            "<p>Kakashi wants to move on.</p><p>Sequel to 'Loathing'</p>",
            "<p>Kakashi wants to <em>move on</em>.<br/>\nFor <b>real</b> this time * twice.</p>"
            "<p>Sequel to <i>Loathing</i></p><script>alert(1)</script>",
        )
        .replace(
            "<p>Thanks to my beta.</p>",
            '<p>Thanks to <a href="https://example.org/beta">my beta</a> &amp; friends.</p>',
        )
        .replace("<p>End of Winter.</p>", "<p>End of <strong>Winter</strong>.</p>")
    )
    draft = html.parse(page.encode())
    assert draft.summary == "Kakashi wants to *move on*.\nFor **real** this time \\* twice.\n\nSequel to *Loathing*"
    assert draft.notes == "Thanks to [my beta](https://example.org/beta) & friends."
    assert draft.chapters[0].end_notes == "End of **Winter**."
    assert [(link.kind, link.title) for link in draft.links] == [("sequel_of", "Loathing")]
