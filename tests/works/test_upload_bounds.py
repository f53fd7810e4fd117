"""Bounded work and honest refusals, through the real upload and post pages: hostile
files (deep nesting, zip bombs, entity expansion, huge Markdown) are refused quickly
with a message naming the limit; odd but honest files (UTF-16 without a byte-order
mark, NUL characters deep in the file, an XHTML chapter with its own DTD) are read,
and the review shows every problem posting would refuse."""

import html
import io
import time
import zipfile

import pytest
from django.urls import reverse

from stories.models import Chapter, Work
from tests.authoring_support import files
from tests.authoring_support.forms import work_data
from tests.works.test_upload import counts, form_fields, upload

pytestmark = pytest.mark.django_db


def page_text(response) -> str:
    """The page as a reader sees it: entities decoded (messages hold quotes)."""
    return html.unescape(response.content.decode())


def timed_upload(client, name: str, data: bytes, *, at_most: float = 5.0):
    started = time.monotonic()
    response = upload(client, name, data)
    elapsed = time.monotonic() - started
    assert elapsed < at_most, f"{name} took {elapsed:.1f} s"
    assert response.status_code == 200
    return response


def nested_divs(depth: int) -> bytes:
    return (
        b"<html><head><title>Deep</title></head><body><p>Once upon a time.</p>"
        + b"<div>" * depth
        + b"deep"
        + b"</div>" * depth
        + b"</body></html>"
    )


def test_200000_nested_divs_are_refused_at_once_naming_the_depth_limit(author_client):
    before = counts()
    data = nested_divs(200_000)
    assert len(data) > 2_000_000
    response = timed_upload(author_client, "deep.html", data)
    text = page_text(response)
    assert "nests its elements more than 256 levels deep" in text
    assert "Quire reads at most 256 levels" in text
    assert counts() == before


def test_html_nested_within_the_limit_is_read(author_client):
    response = timed_upload(author_client, "nested.html", nested_divs(200))
    assert "Review your upload" in page_text(response)
    assert form_fields(response.content.decode())["title"] == "Deep"


def test_an_epub_chapter_nested_too_deep_names_its_page_and_the_limit(author_client):
    deep = "<div>" * 5000 + "<p>deep</p>" + "</div>" * 5000
    data = files.plain_epub({"one.xhtml": files.xhtml(f"<h1>One</h1>{deep}")}, title="Deep Book")
    text = page_text(timed_upload(author_client, "deep.epub", data))
    assert "The EPUB's OEBPS/one.xhtml nests its elements more than 256 levels deep" in text


def test_epub_zip_bomb_is_refused_before_it_is_decompressed(author_client):
    chapter = files.xhtml("<h1>One</h1><p>" + "a" * (60 * 1024 * 1024) + "</p>")
    data = files.plain_epub({"one.xhtml": chapter}, title="Bomb")
    assert len(data) < 200_000  # 60 MB of text squeezed a thousandfold
    before = counts()
    text = page_text(timed_upload(author_client, "bomb.epub", data))
    assert "looks like a zip bomb (it expands far too much)" in text
    assert counts() == before


def test_epub_with_thousands_of_entries_is_refused_naming_the_count(author_client):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for number in range(2100):
            archive.writestr(f"OEBPS/{number}.xhtml", b"x")
    text = page_text(timed_upload(author_client, "many.epub", buffer.getvalue()))
    assert "more than 2000 files in it" in text


def test_epub_whose_pages_expand_past_the_total_limit_is_refused(author_client, settings):
    settings.QUIRE_MAX_UPLOAD_MB = 1  # an EPUB may expand to five times the upload limit
    pages = {f"p{n}.xhtml": files.xhtml(f"<p>{n} " + "word " * 70_000 + "</p>") for n in range(20)}
    data = files.plain_epub(pages, title="Large")
    assert len(data) < 1024 * 1024
    text = page_text(timed_upload(author_client, "large.epub", data))
    assert "would expand to more than 5 MB" in text or "looks like a zip bomb" in text


def test_markdown_of_100000_lines_shows_the_chapter_limit_in_the_review(author_client):
    lines = "\n\n".join(f"Line {n} of a story that goes on and on." for n in range(100_000))
    data = f"A Very Long Story\n\nRating: G\nFandom: Naruto\n\n{lines}\n".encode()
    response = timed_upload(author_client, "long.md", data, at_most=15)
    text = page_text(response)
    # Posting refuses a chapter over 500,000 characters: the review says so first.
    assert "Chapter 1's text may be at most 500,000 characters" in text
    assert "Fix it below before posting." in text


def test_markdown_with_more_chapters_than_a_work_may_have_is_refused_in_the_review(author_client):
    chapters = "\n\n".join(f"Chapter {n}\n\nText of chapter {n}." for n in range(1, 302))
    text = page_text(timed_upload(author_client, "many.md", f"Many Chapters\n\n{chapters}\n".encode()))
    assert "The file has 301 chapters; Quire takes at most 200 in one work." in text


def test_nul_characters_after_the_first_8_kb_are_removed_and_the_review_says_so(author_client):
    story = "Quiet Harbour\n\nFandom: Original Work\n\n" + "The boats came in at dusk. " * 600
    data = (story + "\x00Then\x00 the lamps were lit.\n").encode()
    assert data.index(b"\x00") > 8192
    response = timed_upload(author_client, "harbour.txt", data)
    text = page_text(response)
    assert "Removed 2 invisible control characters (such as NUL)" in text
    fields = form_fields(response.content.decode())
    assert "\x00" not in fields["chapters-0-body"]
    fields.update(action="post", warnings=["none"])
    posted = author_client.post(reverse("stories:work-post"), fields)
    assert posted.status_code == 302, page_text(posted)[:2000]
    body = Chapter.objects.get(work__title="Quiet Harbour").body
    assert "Then the lamps were lit." in body and "\x00" not in body


def test_a_file_that_turns_binary_after_its_first_pages_is_refused_as_binary(author_client):
    data = b"A Title\n\n" + b"Plain words here. " * 1000 + bytes(range(256)) * 200
    text = page_text(timed_upload(author_client, "mixed.txt", data))
    assert "This looks like a binary file, not text." in text


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be"])
def test_utf16_without_a_byte_order_mark_is_read(author_client, encoding):
    story = "Salt and Ash\n\nFandom: Original Work\n\nThe café by the sea — “open late”.\n"
    response = timed_upload(author_client, "salt.txt", story.encode(encoding))
    fields = form_fields(response.content.decode())
    assert fields["title"] == "Salt and Ash"
    assert "The café by the sea — “open late”." in fields["chapters-0-body"]


def test_broken_utf16_without_a_byte_order_mark_is_refused_as_utf16(author_client):
    data = "Broken\n\nSome text that is long enough to tell.\n".encode("utf-16-le") + "\ud800".encode(
        "utf-16-le", "surrogatepass"
    )
    text = page_text(timed_upload(author_client, "broken.txt", data))
    assert "looks like UTF-16 text without a byte-order mark, but it is not valid UTF-16" in text
    assert "binary" not in text


LAUGHS = (
    '<!DOCTYPE {root} [<!ENTITY lol "lol"><!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">'
    '<!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">]>'
)


def test_epub_package_with_entity_expansion_names_that_cause(author_client):
    package = files.opf(["one.xhtml"], title="Laughing &lol2;").replace(
        '<?xml version="1.0" encoding="utf-8"?>\n',
        '<?xml version="1.0" encoding="utf-8"?>\n' + LAUGHS.format(root="package"),
    )
    data = files.epub({"OEBPS/one.xhtml": files.xhtml("<h1>One</h1><p>Text.</p>")}, package)
    text = page_text(timed_upload(author_client, "laughs.epub", data))
    assert "OEBPS/content.opf declares its own entities" in text
    assert "billion laughs" in text
    assert "lists no pages" not in text


def test_epub_chapter_with_entity_expansion_names_that_cause(author_client):
    chapter = files.xhtml("<h1>One</h1><p>&lol2;</p>").replace("<html", LAUGHS.format(root="html") + "<html", 1)
    data = files.plain_epub({"one.xhtml": chapter}, title="Laughing")
    text = page_text(timed_upload(author_client, "laughs.epub", data))
    assert "The EPUB's OEBPS/one.xhtml declares its own entities" in text
    assert "“lol1” refers to “lol”" in text


def test_epub_whose_pages_are_missing_names_the_missing_files(author_client):
    package = files.opf(["one.xhtml", "two.xhtml"], title="Lost Pages")
    data = files.epub({}, package)
    text = page_text(timed_upload(author_client, "lost.epub", data))
    assert "lists 2 pages that are not in the file (OEBPS/one.xhtml, OEBPS/two.xhtml)" in text
    assert "lists no pages" not in text


def test_epub_missing_one_page_of_two_is_read_and_the_review_says_which(author_client):
    package = files.opf(["one.xhtml", "two.xhtml"], title="Half There")
    data = files.epub({"OEBPS/one.xhtml": files.xhtml("<h1>One</h1><p>The first half.</p>")}, package)
    response = timed_upload(author_client, "half.epub", data)
    assert "missing from the file (OEBPS/two.xhtml)" in page_text(response)
    assert "The first half." in form_fields(response.content.decode())["chapters-0-body"]


def dtd_chapter() -> str:
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<!DOCTYPE html [\n  <!ENTITY heroine "Marguerite">\n  <!ENTITY nbsp "&#160;">\n]>\n'
        '<html xmlns="http://www.w3.org/1999/xhtml"><head><title>Head Title Of The Page</title></head>'
        "<body><h1>The Crossing</h1><p>&heroine; looked at the sea.</p></body></html>"
    )


def test_xhtml_chapter_with_an_internal_dtd_leaves_no_trace_in_the_story(author_client):
    data = files.plain_epub({"one.xhtml": dtd_chapter()}, title="Crossing")
    response = timed_upload(author_client, "crossing.epub", data)
    body = form_fields(response.content.decode())["chapters-0-body"]
    assert "Marguerite looked at the sea." in body
    assert "]>" not in body and "Head Title Of The Page" not in body and "ENTITY" not in body


def test_xhtml_upload_with_an_internal_dtd_leaves_no_trace_in_the_story(author_client):
    response = timed_upload(author_client, "crossing.xhtml", dtd_chapter().encode())
    fields = form_fields(response.content.decode())
    body = fields["chapters-0-body"]
    assert fields["title"] == "The Crossing"
    assert "Marguerite looked at the sea." in body
    assert "]>" not in body and "Head Title Of The Page" not in body


def test_a_file_slower_to_read_than_the_budget_is_refused_naming_the_budget(author_client, settings):
    settings.QUIRE_TEXT_SECONDS = 0.05
    paragraphs = "".join(f"<p>Paragraph {n} of a long and ordinary story.</p>" for n in range(60_000))
    data = f"<html><head><title>Slow</title></head><body>{paragraphs}</body></html>".encode()
    text = page_text(timed_upload(author_client, "slow.html", data))
    assert "Reading the file took longer than 0.05 seconds, the most Quire spends on one upload" in text


# --- the post form: a chapter's text is rendered within the same bounds -------------


@pytest.mark.parametrize(
    ("body", "body_format", "message"),
    [
        ("<div>" * 40_000 + "deep" + "</div>" * 40_000, "html", "nests its elements more than 256 levels deep"),
        ("<div>" * 80_000 + "deep", "markdown", "nests its elements more than 256 levels deep"),
        ("".join(" " * (4 * n) + "- item\n" for n in range(300)), "markdown", "more than 50 levels deep"),
        ("[" * 20_000 + "x" + "]" * 20_000, "markdown", "20,000 square brackets"),
    ],
    ids=["html-divs", "markdown-html-divs", "markdown-lists", "markdown-brackets"],
)
def test_post_form_refuses_text_past_the_rendering_bounds_quickly(author_client, body, body_format, message):
    before = counts()
    started = time.monotonic()
    response = author_client.post(
        reverse("stories:work-post"),
        work_data(**{"chapters-0-body": body, "chapters-0-body_format": body_format}),
    )
    assert time.monotonic() - started < 5
    assert response.status_code == 200
    assert message in page_text(response)
    assert counts() == before


def test_post_form_refuses_markdown_slower_than_the_budget(author_client, settings):
    settings.QUIRE_TEXT_SECONDS = 0.2
    body = "*a " * 4000 + "b*" * 4000  # emphasis Python-Markdown reads in quadratic time
    response = author_client.post(reverse("stories:work-post"), work_data(**{"chapters-0-body": body}))
    assert "took longer than 0.2 seconds to read as Markdown" in page_text(response)
    assert not Work.objects.exists()


def test_summary_past_the_bounds_is_refused_on_its_field(author_client):
    response = author_client.post(reverse("stories:work-post"), work_data(summary="[" * 600))
    assert "This text has a paragraph with 600 square brackets" in page_text(response)
    assert not Work.objects.exists()


def test_text_past_the_bounds_saved_by_another_path_shows_as_plain_text(author_client, author):
    from stories.works import services

    work = services.work_compose(
        creators=[author],
        chapters=[files_chapter("<div>" * 1000 + "Deep words." + "</div>" * 1000)],
        tags_by_kind={"fandoms": ["Naruto"]},
        links=[],
        status=Work.Status.POSTED,
        series=None,
        new_series_title="",
        series_position=None,
        title="Deep Work",
        rating="general",
        warnings=["none"],
    )
    chapter = work.chapters.get()
    assert "<div>" not in chapter.body_html and "Deep words." in chapter.body_html
    response = author_client.get(work.get_absolute_url())
    assert response.status_code == 200 and "Deep words." in page_text(response)


def files_chapter(body: str):
    from stories.importers.base import ChapterDraft

    return ChapterDraft(body=body, body_format="html")


# --- downloads are built within the same budget ---------------------------------------


def long_work(author) -> Work:
    from stories.importers.base import ChapterDraft
    from stories.works import services

    return services.work_compose(
        creators=[author],
        chapters=[ChapterDraft(body=f"Chapter {n} begins.\n\n" + "Words go on. " * 2000) for n in range(40)],
        tags_by_kind={"fandoms": ["Original Work"]},
        status=Work.Status.POSTED,
        title="The Long Road",
        rating="general",
        warnings=["none"],
    )


@pytest.mark.parametrize("fmt", ["epub", "html", "txt", "md"])
def test_a_download_slower_than_the_budget_is_a_clear_503(client, author, settings, fmt):
    work = long_work(author)
    assert client.get(reverse("stories:work-download", args=[work.pk, fmt])).status_code == 200
    settings.QUIRE_TEXT_SECONDS = 0.001
    response = client.get(reverse("stories:work-download", args=[work.pk, fmt]))
    assert response.status_code == 503
    assert "download took longer than 0.001 seconds, the most Quire spends on one download" in page_text(response)
    assert "The Long Road" in page_text(response)


# --- the review renders every chapter as posting will, within one budget -------------


def test_the_review_shows_a_chapter_posting_would_refuse_for_its_formatting(author_client):
    story = "Brackets\n\nFandom: Original Work\n\nChapter 1\n\nFine words.\n\nChapter 2\n\n" + "[" * 600 + "\n"
    text = page_text(timed_upload(author_client, "brackets.md", story.encode()))
    assert "Chapter 2's text has a paragraph with 600 square brackets" in text
    assert "Chapter 1's text" not in text


def test_the_review_stops_checking_when_the_upload_budget_runs_out_and_says_so(author_client, settings):
    settings.QUIRE_TEXT_SECONDS = 0.5
    slow = "*a " * 1500 + "b*" * 1500  # emphasis that Python-Markdown reads slowly
    # Each chapter different (a rendering is kept, so equal ones would be read once).
    chapters = "\n\n".join(f"Chapter {n}\n\n{n} {slow}" for n in range(1, 61))
    text = page_text(timed_upload(author_client, "slow.md", f"Slow\n\n{chapters}\n".encode(), at_most=10))
    assert "Reading the file and checking its chapters took longer than 0.5 seconds" in text


def test_posting_many_slow_chapters_stops_at_the_request_budget(author_client, settings):
    settings.QUIRE_TEXT_SECONDS = 0.5
    slow = "*a " * 1500 + "b*" * 1500
    data = work_data(**{"chapters-TOTAL_FORMS": "60"})
    for n in range(60):
        data.update(
            {
                f"chapters-{n}-title": "",
                f"chapters-{n}-summary": "",
                f"chapters-{n}-notes": "",
                f"chapters-{n}-body": f"{n} {slow}",
                f"chapters-{n}-body_format": "markdown",
                f"chapters-{n}-end_notes": "",
            }
        )
    started = time.monotonic()
    response = author_client.post(reverse("stories:work-post"), data)
    assert time.monotonic() - started < 10
    assert "Together the chapters took longer than 0.5 seconds to read" in page_text(response)
    assert not Work.objects.exists()
