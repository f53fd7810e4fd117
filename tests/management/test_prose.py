"""The generator of readable English for demo data (stories.management.prose)."""

import random
import re

import pytest

from stories.management.prose import GRAMMAR, SMALL_WORDS, Picker, Prose, fix_articles, title_case

NAMES = ["Mara", "Theo", "Ines"]
# Every word the patterns can produce, lower-cased: a title made of anything else
# (Faker's lorem words, say) did not come from the patterns.
VOCABULARY = {
    word
    for alternatives in GRAMMAR.values()
    for alternative in alternatives
    for word in re.findall(r"[a-z]+", re.sub(r"\{\w+\}", " ", alternative).lower())
}


def words_of(text: str) -> list[str]:
    return re.findall(r"[A-Za-z]+", text)


@pytest.mark.parametrize("seed", range(5))
def test_titles_are_title_cased_phrases_of_known_words(seed):
    prose = Prose(random.Random(seed))
    titles = [prose.title(NAMES) for _ in range(200)]

    for title in titles:
        words = title.split()
        assert 1 <= len(words) <= 8, title
        # Title case: the first word and every word that is not a small one start upper-case.
        assert all(w[0].isupper() for i, w in enumerate(words) if i == 0 or w not in SMALL_WORDS), title
        # A phrase, not a list of words cut anywhere: it never ends on "the", "of", "a" ….
        assert words[-1].lower() not in SMALL_WORDS, title
        assert {w.lower() for w in words_of(title)} - {n.lower() for n in NAMES} <= VOCABULARY, title
        assert not re.search(r"\b[Aa] [AEIOUaeiou]", title), title
    assert len(set(titles)) > 150  # varied


def test_paragraphs_are_sentences_that_start_and_end_as_sentences():
    prose = Prose(random.Random(11))
    text = prose.text(3000, NAMES)

    paragraphs = text.split("\n\n")
    assert len(text.split()) >= 3000
    assert len(paragraphs) > 30
    for paragraph in paragraphs:
        if paragraph in GRAMMAR["scene_break"]:
            continue
        assert paragraph[0].isupper() or paragraph[0] == '"', paragraph
        assert paragraph[-1] in '.?!"', paragraph
        assert "{" not in paragraph and "}" not in paragraph, paragraph
        assert not re.search(r"\b[Aa] [aeiou]", paragraph), paragraph
    # The people named are the ones the story is about.
    assert all(name in text for name in NAMES[:2])
    # Dialogue, narration and scene breaks all occur.
    assert '"' in text and any(p in GRAMMAR["scene_break"] for p in paragraphs)


def test_summaries_comments_and_notes_are_capitalised_sentences():
    prose = Prose(random.Random(2))
    for symbol in ("note", "comment", "comment_plain", "reply_creator", "bookmark_note", "series_description"):
        for _ in range(30):
            text = prose.phrase(symbol, NAMES)
            assert text[0].isupper() and text[-1] in ".!?", (symbol, text)
    for _ in range(50):
        summary = prose.summary(NAMES)
        assert summary[0].isupper() and summary.rstrip()[-1] in ".!?" and len(summary) < 1250


def test_the_same_seed_gives_the_same_text_and_another_seed_another():
    def sample(seed: int) -> list[str]:
        prose = Prose(random.Random(seed))
        return [prose.title(NAMES), prose.summary(NAMES), prose.text(200, NAMES), prose.handle()]

    assert sample(4) == sample(4)
    assert sample(4) != sample(5)


def test_handles_are_unique_valid_usernames():
    prose = Prose(random.Random(3))
    handles = [prose.handle() for _ in range(500)]

    assert len(set(handles)) == 500
    assert all(re.fullmatch(r"[a-z]+[_-]?[a-z]+\d*", h) for h in handles)


def test_fandom_names_carry_a_medium_or_are_plain_titles():
    prose = Prose(random.Random(9))
    names = [prose.fandom_name() for _ in range(50)]

    assert all(
        re.search(r"\((TV|Anime|Video Game|Comics|Movies|Webcomic|Podcast|Novels)\)$|All Media Types$", n)
        for n in names
    )
    assert len(set(names)) > 30


def test_title_case_and_articles():
    assert title_case("the weight of small hours") == "The Weight of Small Hours"
    assert title_case("salt-stained letters and a map") == "Salt-Stained Letters and a Map"
    assert fix_articles("a old coat, a map, A unfinished thing") == "an old coat, a map, An unfinished thing"


def test_picker_distinct_gives_different_items_favouring_the_first():
    picker = Picker(list(range(20)), random.Random(1), s=1.2)
    draws = [picker.distinct(5) for _ in range(2000)]

    assert all(len(set(d)) == 5 for d in draws)
    assert picker.distinct(50) and len(picker.distinct(50)) == 20
    first = sum(0 in d for d in draws)
    last = sum(19 in d for d in draws)
    assert first > 3 * last
