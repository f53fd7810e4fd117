"""HTML and EPUB importers: AO3 downloads, FanFicFare output, plain files, and hostile archives."""

import datetime

import pytest

from stories.importers import ImportFailed, epub, fields, html, parse_upload
from tests.authoring_support import files


def assert_ao3_moving_on(draft):
    assert draft.title == "Moving On"
    assert draft.creators == ["leafwriter"]
    assert draft.rating == "teen"
    assert draft.warnings == ["none"]
    assert draft.categories == ["mm"]
    assert draft.fandoms == ["Naruto"]
    assert draft.relationships == ["Hatake Kakashi/Umino Iruka"]
    assert draft.characters == ["Hatake Kakashi", "Umino Iruka"]
    assert draft.freeforms == ["Angst", "Hurt/Comfort"]
    assert draft.language == "en"
    assert draft.published_on == datetime.date(2008, 2, 27)
    assert draft.is_complete and draft.expected_chapters == 2
    assert draft.series == [("Seasons", 2)]
    assert draft.summary == "Kakashi wants to move on.\n\nSequel to 'Loathing'"
    assert draft.notes == "Thanks to my beta."
    assert draft.end_notes == "Thank you for reading."
    assert [(link.kind, link.title) for link in draft.links] == [("sequel_of", "Loathing")]
    assert [c.title for c in draft.chapters] == ["Winter", "Spring"]
    assert "<em>Konoha</em>" in draft.chapters[0].body and "Chapter Text" not in draft.chapters[0].body
    assert draft.chapters[0].summary == "Summary of Winter."
    assert draft.chapters[1].end_notes == "End of Spring."
    assert all(c.body_format == "html" for c in draft.chapters)


def test_ao3_html_download_imports_with_metadata_and_chapters():
    assert_ao3_moving_on(parse_upload("moving-on.html", files.ao3_html()))


def test_ao3_epub_download_reads_typed_tags_from_the_preface():
    assert_ao3_moving_on(parse_upload("moving-on.epub", files.ao3_epub()))


def test_ao3_single_chapter_html_has_one_untitled_chapter():
    page = files.ao3_html().decode()
    start = page.index('<div id="chapters"')
    end = page.index('<div id="afterword"')
    single = page[:start] + '<div id="chapters" class="userstuff"><div class="userstuff"><p>Only text.</p></div></div>'
    draft = html.parse((single + page[end:]).encode())
    assert len(draft.chapters) == 1 and draft.chapters[0].title == ""
    assert "Only text." in draft.chapters[0].body


def test_fanficfare_epub_imports_title_author_summary_tags_and_chapters(fanficfare_files):
    draft = parse_upload(fanficfare_files["epub"].name, fanficfare_files["epub"].read_bytes())
    assert_fanficfare_test_story(draft)


def test_fanficfare_html_imports_title_author_summary_tags_and_chapters(fanficfare_files):
    draft = parse_upload(fanficfare_files["html"].name, fanficfare_files["html"].read_bytes())
    assert_fanficfare_test_story(draft)


def assert_fanficfare_test_story(draft):
    # What FanFicFare's test site (test1.com, sid=1) says about its story.
    assert draft.title == "Test Story Title 1"
    assert draft.creators == ["Test Author aa"]
    assert draft.summary.startswith("Description tests:")
    assert "Some more longer description." in draft.summary
    assert "Harry Potter" in draft.fandoms  # FanFicFare's "Category"
    assert draft.characters == ["Bob Smith", "Fred Smythe", "George Johnson"]
    assert "Harry Potter/Ginny Weasley" in draft.relationships
    assert {"Comedy", "Fantasy"} <= set(draft.freeforms)  # FanFicFare's "Genre"
    assert draft.published_on == datetime.date(1975, 3, 15)
    assert draft.series == [("The Great Test", 1)]
    assert draft.source_url == "http://test1.com?sid=1"
    assert not draft.is_complete  # odd sids are "In-Progress"
    assert len(draft.chapters) == 9
    assert draft.chapters[1].title == "Xenos on Cinnabar"
    assert "Lorem" in draft.chapters[1].body


def test_fanficfare_rating_is_read(fanficfare_files, tmp_path):
    # The test site's rating ("Tweenie") is not an archive rating; a real one is mapped.
    page = fanficfare_files["html"].read_text().replace("Tweenie", "T")
    assert html.parse(page.encode()).rating == "teen"


def test_plain_html_page_becomes_one_chapter():
    draft = html.parse(b"<html lang='de'><head><title>Ein Titel</title></head><body><p>Hallo.</p></body></html>")
    assert draft.title == "Ein Titel" and draft.language == "de"
    assert draft.chapters[0].body == "<p>Hallo.</p>"


def test_html_without_text_is_refused():
    with pytest.raises(ImportFailed, match="no text"):
        html.parse(b"<html><body>   </body></html>")


def test_plain_epub_reads_chapters_from_the_spine():
    data = files.plain_epub(
        {
            "b.xhtml": files.xhtml("<h2>Chapter 2: Second</h2><p>Two.</p>"),
            "a.xhtml": files.xhtml("<h2>Chapter 1: First</h2><p>One.</p>"),
        },
        title="Spine Order",
        subjects=["Fluff", "FanFiction"],
    )
    draft = epub.parse(data)
    assert draft.title == "Spine Order"
    assert [c.title for c in draft.chapters] == ["Second", "First"]  # spine order, not file names
    assert draft.freeforms == ["Fluff"]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"this is not a zip file at all", "not an EPUB"),
        (b"PK\x03\x04" + b"\x00" * 100, "damaged"),
        (files.zip_bytes({"mimetype": b"application/epub+zip"}), "no META-INF/container.xml"),
        (
            files.zip_bytes({"META-INF/container.xml": files.CONTAINER.format(path="OEBPS/missing.opf").encode()}),
            "no package document",
        ),
        (files.zip_bytes({"../../etc/evil.xhtml": b"x", "META-INF/container.xml": b"x"}), "unsafe file name"),
        (files.zip_bytes({"/etc/passwd": b"x"}), "unsafe file name"),
        (files.zip_bytes({"bomb.xhtml": b"\0" * (60 * 1024 * 1024)}), "zip bomb"),
    ],
    ids=["not-zip", "broken-zip", "no-container", "no-opf", "traversal", "absolute", "bomb"],
)
def test_hostile_or_broken_epubs_are_refused_with_a_message(data, message):
    with pytest.raises(ImportFailed, match=message):
        epub.parse(data)


def test_epub_declaring_a_gigabyte_is_refused():
    data = files.with_declared_size(files.ao3_epub(), "OEBPS/preface.xhtml", 1024 * 1024 * 1024)
    with pytest.raises(ImportFailed, match="expand"):
        epub.parse(data)


def test_epub_lying_about_a_small_size_is_caught_while_reading():
    chapter = files.xhtml("<p>" + "word " * 200_000 + "</p>")
    data = files.plain_epub({"a.xhtml": chapter})
    lying = files.with_declared_size(data, "OEBPS/a.xhtml", 1000)
    with pytest.raises(ImportFailed, match="zip bomb|damaged"):
        epub.parse(lying)


def test_many_members_adding_up_past_the_limit_are_refused(settings):
    settings.QUIRE_MAX_UPLOAD_MB = 1  # the expanded limit becomes 5 MB
    # Each member alone is small and ordinary; together they expand past the limit.
    members = {f"OEBPS/{i}.xhtml": b"a" * (10 * 1024) for i in range(600)}
    data = files.zip_bytes(members)
    assert len(data) < 1024 * 1024
    with pytest.raises(ImportFailed, match="expand"):
        epub.parse(data)


def test_epub_xml_entities_are_not_expanded():
    laughs = (
        '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;">]>'
        '<container xmlns="urn:oasis:names:tc:opendocument:xmlns:container"><rootfiles>'
        '<rootfile full-path="&lol2;.opf"/></rootfiles></container>'
    )
    data = files.zip_bytes({"META-INF/container.xml": laughs.encode()})
    # Refused naming the cause, not read as a package with no pages.
    with pytest.raises(ImportFailed, match="declares its own entities"):
        epub.parse(data)


@pytest.mark.parametrize("encoding", ["utf-16", "cp1252", "utf-8-sig"])
def test_html_in_the_usual_encodings_is_read(encoding):
    page = "<html><head><title>Café Crème</title></head><body><p>Naïve “quotes”.</p></body></html>"
    draft = html.parse(page.encode(encoding))
    assert draft.title == "Café Crème"
    assert "Naïve “quotes”." in draft.chapters[0].body


def test_epub_chapter_markup_is_kept_as_html_source_for_the_sanitiser():
    data = files.plain_epub({"a.xhtml": files.xhtml('<h2>One</h2><p onclick="x()">Hi <script>bad()</script></p>')})
    chapter = epub.parse(data).chapters[0]
    assert chapter.body_format == "html"
    from stories.core.rendering import render

    rendered = render(chapter.body, chapter.body_format)
    assert "Hi" in rendered and "script" not in rendered and "onclick" not in rendered


def test_series_lines_from_ao3_and_fanficfare():
    assert fields.parse_series("Part 1 of Seasons Part 3 of Another Series") == [("Seasons", 1), ("Another Series", 3)]
    assert fields.parse_series("The Great Test [2]") == [("The Great Test", 2)]
    assert fields.parse_series("Just A Name") == [("Just A Name", None)]
