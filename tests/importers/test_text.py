"""The plain-text importer, on the shared seed story and on small files written here."""

import datetime

import pytest

from stories.core.rendering import count_words, render_text
from stories.importers import ImportFailed, parse_upload
from stories.importers.text import parse


def test_seed_story_header_is_read_as_design_says(seeds):
    draft = parse((seeds / "moving-on.txt").read_bytes())
    lines = (seeds / "moving-on.txt").read_text(encoding="utf-8").splitlines()

    assert draft.title == "Moving On"
    assert draft.rating == "teen"
    assert draft.published_on == datetime.date(2008, 2, 27)
    assert draft.summary == "Kakashi wants to move on. Sequel to 'Loathing'"
    assert lines[1].startswith("Disclaimer:")
    assert draft.disclaimer == lines[1].split(":", 1)[1].strip()
    # The author's note is its header line plus the unkeyed line after it.
    assert lines[3].startswith("Author's Note:")
    assert draft.notes.splitlines() == [lines[3].split(":", 1)[1].strip(), lines[4].strip()]
    assert [(link.kind, link.title) for link in draft.links] == [("sequel_of", "Loathing")]
    assert draft.is_complete


def test_seed_story_text_has_74_paragraphs_an_ending_and_one_scene_break(seeds):
    draft = parse((seeds / "moving-on.txt").read_bytes())

    assert len(draft.chapters) == 1
    html = render_text(draft.chapters[0].body)
    assert html.count("<p>") == 75  # 74 paragraphs and the closing "x Fin x"
    assert html.count("<hr>") == 1
    assert "<p>x Fin x</p>" in html
    assert 1900 <= count_words(html) <= 2050


def test_header_continuation_and_misspelt_keys():
    data = (
        b"A Title\n"
        b"Summery: first line\n"
        b"second line of summary\n"
        b"Rating: K+\n"
        b"Pairing: Iruka/Kakashi\n"
        b"Published: February 3, 2010\n"
        b"\n"
        b"The story starts here.\n"
        b"It goes on.\n"
    )
    draft = parse(data)

    assert draft.summary == "first line\nsecond line of summary"
    assert draft.rating == "general"
    assert draft.relationships == ["Iruka/Kakashi"]
    assert draft.published_on == datetime.date(2010, 2, 3)
    assert draft.chapters[0].body.startswith("The story starts here.")
    assert not draft.is_complete


@pytest.mark.parametrize(
    ("letter", "rating"),
    [("K", "general"), ("k+", "general"), ("T", "teen"), ("M", "mature"), ("MA", "explicit"), ("Explicit", "explicit"),
     ("General Audiences", "general"), ("e", "explicit"), ("Not Rated", "not_rated")],
)  # fmt: skip
def test_ratings_map_fanfiction_net_letters_and_ao3_names(letter, rating):
    draft = parse(f"Title\nRating: {letter}\n\nText.\n".encode())
    assert draft.rating == rating


@pytest.mark.parametrize(
    "value", ["27 February 2008", "February 27, 2008", "2008-02-27", "27/02/2008", "27th February 2008"]
)
def test_usual_date_forms(value):
    assert parse(f"Title\nPublished: {value}\n\nText.\n".encode()).published_on == datetime.date(2008, 2, 27)


def test_chapter_lines_split_chapters_and_the_end_marks_complete():
    data = b"Title\nRating: T\n\nChapter 1: Start\nOne.\n\nChapter 2\nTwo.\nThe End\n"
    draft = parse(data)

    assert [(c.title, c.body.splitlines()[0]) for c in draft.chapters] == [("Start", "One."), ("", "Two.")]
    assert draft.is_complete
    assert draft.expected_chapters == 2


def test_prequel_in_notes_with_double_quotes_makes_a_link():
    draft = parse(b'Title\nA/N: This is a prequel to "The Later Story".\n\nText.\n')
    assert [(link.kind, link.title) for link in draft.links] == [("prequel_of", "The Later Story")]


def test_windows_1252_curly_quotes_are_read_correctly():
    data = "Title\n\n\u201cHello,\u201d she said \u2014 it\u2019s late.\n".encode("cp1252")
    draft = parse(data)
    assert draft.chapters[0].body == "\u201cHello,\u201d she said \u2014 it\u2019s late."


def test_utf16_with_bom_and_utf8_with_bom():
    text = "Caf\u00e9 Title\n\nNa\u00efve text.\n"
    assert parse(text.encode("utf-16")).title == "Caf\u00e9 Title"
    assert parse(b"\xef\xbb\xbf" + text.encode()).title == "Caf\u00e9 Title"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "empty"),
        (b"   \n\n  ", "empty"),
        (bytes(range(256)) * 20, "binary"),
        (b"\x89PNG\r\n\x1a\n" + b"\x00" * 100, "binary"),
        (b"Only a title\n", "no story text"),
    ],
)
def test_bad_files_fail_with_a_clear_message(data, message):
    with pytest.raises(ImportFailed, match=message):
        parse(data)


def test_unknown_extension_is_refused():
    with pytest.raises(ImportFailed, match="cannot read .docx"):
        parse_upload("story.docx", b"PK\x03\x04 whatever")


def test_too_large_file_is_refused(settings):
    settings.QUIRE_MAX_UPLOAD_MB = 1
    with pytest.raises(ImportFailed, match="larger than the 1 MB limit"):
        parse_upload("big.txt", b"Title\n\n" + b"word " * 300_000)
