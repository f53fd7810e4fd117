"""FanFiction.Net text as fans really have it: ratings, dates, chapter headings,
per-chapter author's notes, disclaimers. Every file is a few lines written here."""

import datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from stories.importers.fields import parse_date, parse_rating
from stories.importers.text import match_heading, parse


def story(*lines: str) -> bytes:
    return "\n".join(lines).encode()


@pytest.mark.parametrize(
    ("written", "rating"),
    [
        ("Rated: Fiction K+", "general"),
        ("Rated: Fiction K", "general"),
        ("Rated: Fiction T", "teen"),
        ("Rated: Fiction M", "mature"),
        ("Rated: Fiction MA", "explicit"),
        ("Rated: T", "teen"),
        ("Rating: K+", "general"),
        ("Rating: MA", "explicit"),
        ("Rated: K Plus", "general"),
        ("Rating: Fiction T (for language)", "teen"),
        ("Rating: PG-13", "teen"),
        ("Rating: NC-17", "explicit"),
        ("Rated: Fiction T - English - Romance/Drama - Chapters: 2 - Words: 1,234", "teen"),
    ],
)
def test_every_rating_spelling_is_read(written, rating):
    assert parse(story("A Title", written, "", "Once upon a time.")).rating == rating


def test_the_fanfiction_net_story_line_gives_language_genres_characters_and_dates():
    line = (
        "Rated: Fiction K+ - English - Humor/Friendship - [Ana B., Cy D.] Eve F. - Chapters: 3 - Words: 4,000 "
        "- Updated: 7/12/2010 - Published: 11/20/2009 - Status: Complete - id: 77"
    )
    draft = parse(story("A Title", line, "", "Chapter 1", "One.", "Chapter 2", "Two.", "Chapter 3", "Three."))
    assert draft.rating == "general"
    assert draft.language == "en"
    assert draft.freeforms == ["Humor", "Friendship"]
    assert draft.relationships == ["Ana B./Cy D."]
    assert draft.characters == ["Ana B.", "Cy D.", "Eve F."]
    assert draft.published_on == datetime.date(2009, 11, 20)
    assert draft.updated_on == datetime.date(2010, 7, 12)
    assert draft.is_complete and draft.expected_chapters == 3


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("11/20/2009", datetime.date(2009, 11, 20)),
        ("7/12/2010", datetime.date(2010, 7, 12)),  # month first: 12 July, not 7 December
        ("07-12-10", datetime.date(2010, 7, 12)),
        ("20/11/2009", datetime.date(2009, 11, 20)),  # a first part above 12 can only be the day
        ("Nov 20, 2009", datetime.date(2009, 11, 20)),
        ("20 November 2009", datetime.date(2009, 11, 20)),
        ("Friday, November 20th, 2009", datetime.date(2009, 11, 20)),
        ("2009-11-20T08:00:00Z", datetime.date(2009, 11, 20)),
    ],
)
def test_dates_in_the_forms_story_sites_write_them(written, expected):
    assert parse(story("A Title", f"Published: {written}", "", "Text.")).published_on == expected


@pytest.mark.parametrize("written", ["sometime in spring", "13/13/2010", "31/02/2010", "2h ago"])
def test_an_unreadable_date_is_reported_not_replaced(written):
    draft = parse(story("A Title", f"Published: {written}", "Rating: T", "", "Text."))
    assert draft.published_on is None
    assert draft.unread_dates == {"published": written}
    assert draft.rating == "teen"  # the rest of the header is still read


@given(st.dates(min_value=datetime.date(1970, 1, 1), max_value=datetime.date(2069, 12, 31)))
def test_month_first_numeric_dates_always_read_back(day):
    assert parse_date(f"{day.month}/{day.day}/{day.year}") == day
    assert parse_date(day.isoformat()) == day
    assert parse_date(day.strftime("%d %B %Y")) == day


@given(st.text(max_size=30))
def test_parse_date_and_rating_never_crash(value):
    parse_date(value)
    parse_rating(value)


@pytest.mark.parametrize(
    ("line", "title"),
    [
        ("Chapter One: The Gate", "The Gate"),
        ("Chapter Twenty-One - Late", "Late"),
        ("Chapter 12 - The Storm", "The Storm"),
        ("Chapter 12", ""),
        ("Ch. 3", ""),
        ("Ch 3: Short", "Short"),
        ("Chapter IV", ""),
        ("Chapter IV: Four", "Four"),
        ("CHAPTER 5.", ""),
        ("Chapter 2, Comma Title", "Comma Title"),
        ("## Chapter 7: Markdown", "Markdown"),
        ("**Chapter 8**", ""),
        ("Part Two", "Part Two"),
        ("Part 3: Winter", "Part 3: Winter"),
        ("Prologue", "Prologue"),
        ("Epilogue: Years Later", "Epilogue: Years Later"),
        ("Interlude", "Interlude"),
        ("Omake", "Omake"),
        ("Omake 2", "Omake 2"),
    ],
)
def test_chapter_headings_in_every_spelling(line, title):
    assert match_heading(line) == (True, title)


@pytest.mark.parametrize(
    "line",
    [
        "Chapter one of my life began when I was six.",
        "Part two of the plan was simple.",
        "The prologue was the worst part.",
        "Epilogues are overrated, she said.",
        "Chapters: 12",
    ],
)
def test_sentences_about_chapters_are_not_headings(line):
    assert match_heading(line)[0] is False


def test_prologue_numbered_chapters_and_epilogue_split_with_titles():
    draft = parse(
        story(
            "A Title",
            "Rating: K",
            "",
            "Prologue",
            "Before it all.",
            "Chapter One: Arrival",
            "They came.",
            "Chapter Two: Departure",
            "They left.",
            "Epilogue",
            "After it all.",
        )
    )
    assert [(c.title, c.body) for c in draft.chapters] == [
        ("Prologue", "Before it all."),
        ("Arrival", "They came."),
        ("Departure", "They left."),
        ("Epilogue", "After it all."),
    ]


def test_a_heading_after_the_header_is_never_a_header_value_and_notes_stay_with_their_chapter():
    draft = parse(
        story(
            "A Title",
            "Fandom: Naruto",
            "Chapter 1: The Start",
            "A/N: Thanks for reading my first story!",
            "The leaves fell.",
            "Chapter 2: The Middle",
            "A/N: Sorry this took so long.",
            "The snow came.",
            "A/N: Review please!",
        )
    )
    assert draft.fandoms == ["Naruto"]
    assert draft.notes == ""
    assert [(c.title, c.notes, c.body, c.end_notes) for c in draft.chapters] == [
        ("The Start", "Thanks for reading my first story!", "The leaves fell.", ""),
        ("The Middle", "Sorry this took so long.", "The snow came.", "Review please!"),
    ]


def test_notes_set_apart_by_a_scene_break_and_paragraph_files():
    draft = parse(
        story(
            "A Title",
            "",
            "Chapter 1",
            "",
            "(A/N: a note in brackets",
            "over two lines)",
            "",
            "----------",
            "",
            "First paragraph.",
            "",
            "Second paragraph.",
            "",
            "Author's Note: goodbye.",
            "Chapter 2",
            "",
            "Only text.",
        )
    )
    first = draft.chapters[0]
    assert first.notes == "a note in brackets\nover two lines"
    assert first.body == "First paragraph.\n\nSecond paragraph."
    assert first.end_notes == "goodbye."


def test_a_one_chapter_story_puts_its_notes_on_the_work():
    draft = parse(story("A Title", "", "A/N: hello there.", "The story.", "A/N: bye."))
    assert draft.notes == "hello there." and draft.end_notes == "bye."
    assert draft.chapters[0].body == "The story."


@pytest.mark.parametrize(
    ("disclaimer", "fandom"),
    [
        ("Disclaimer: I don't own Naruto.", "Naruto"),
        ("Disclaimer: I do not own Harry Potter or any of its characters.", "Harry Potter"),
        ("Disclaimer: Bleach belongs to its creator, not me.", "Bleach"),
        ("Disclaimer: I don’t own Avatar: The Last Airbender", "Avatar: The Last Airbender"),
    ],
)
def test_the_fandom_named_in_a_disclaimer_is_offered(disclaimer, fandom):
    draft = parse(story("A Title", disclaimer, "", "Text."))
    assert draft.fandom_suggestions == [fandom]
    assert draft.fandoms == []  # offered in the review, not applied


def test_a_chapter_disclaimer_is_not_story_text_and_still_suggests_the_fandom():
    draft = parse(
        story("A Title", "", "Chapter 1", "Disclaimer: I don't own Naruto.", "Text one.", "Chapter 2", "Two.")
    )
    assert draft.chapters[0].body == "Text one."
    assert "I don't own Naruto." in draft.chapters[0].notes
    assert draft.fandom_suggestions == ["Naruto"]


def test_byline_under_the_title_is_the_author():
    draft = parse(story("A Title", "by Some Writer", "Rated: T", "", "Text."))
    assert draft.creators == ["Some Writer"] and draft.rating == "teen"
