"""Full-text search: the vector follows every change, ranking, phrases, snippets,
misspellings, filters, hostile queries, query counts."""

from datetime import timedelta

import html5lib
import pytest
from bs4 import BeautifulSoup
from django.core.cache import cache
from django.db import connection
from django.urls import reverse
from django.utils import timezone
from hypothesis import given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from stories.discovery import search as search_module
from stories.discovery.search import clean_query, highlight
from stories.models import Chapter, Tag, TaggedWork, TagKind, Work
from stories.works.services import work_set_tags
from tests.factories import ChapterFactory, TagFactory, UserFactory, WorkFactory


@pytest.fixture(autouse=True)
def _fresh_facets():
    cache.clear()
    yield
    cache.clear()


def search(client, q, **params):
    return client.get(reverse("stories:search"), {"q": q, **params})


def found(response) -> list[str]:
    soup = BeautifulSoup(response.content, "html.parser")
    return [a.get_text() for a in soup.select(".blurb-title a")]


def lexemes(work) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT search_vector::text FROM stories_work WHERE id = %s", [work.pk])
        return cursor.fetchone()[0] or ""


def test_phrase_only_in_chapter_three_is_found_and_highlighted(client, db):
    work = WorkFactory(title="The Long Road", chapters=0)
    for position, body in enumerate(
        ["Rain fell on the village.", "They walked for days.", "At dawn the silver lantern flickered twice."], start=1
    ):
        ChapterFactory(work=work, position=position, body=body)
    WorkFactory(title="Decoy", chapters=0)
    ChapterFactory(work=Work.objects.get(title="Decoy"), position=1, body="A lantern, silver and cold.")
    response = search(client, '"silver lantern"')
    assert response.status_code == 200
    assert found(response) == ["The Long Road"]
    snippet = BeautifulSoup(response.content, "html.parser").select_one(".snippet")
    assert [m.get_text() for m in snippet.select("mark")] == ["silver", "lantern"]
    assert snippet.select_one("a")["href"] == reverse("stories:chapter-detail", args=[work.pk, 3])
    assert "flickered" in snippet.get_text()


def test_vector_follows_chapter_tag_and_creator_changes(db):
    work = WorkFactory(title="Plain", creators=[UserFactory(username="quillwright")])
    assert "'quillwright':" in lexemes(work)
    chapter = work.chapters.get()
    chapter.body = "A marmalade sky."
    chapter.save()
    assert "'marmalad'" in lexemes(work)
    work_set_tags(work=work, tags_by_kind={"freeforms": ["Zeppelins"]})  # bulk_create: no signals
    assert "'zeppelin'" in lexemes(work)
    tag = Tag.objects.get(name="Zeppelins")
    tag.name = "Airships"
    tag.save()
    assert "'airship'" in lexemes(work) and "zeppelin" not in lexemes(work)
    canonical = TagFactory(name="Dirigibles", kind=TagKind.FREEFORM, canonical=True)
    tag.synonym_of = canonical
    tag.save()
    assert "'dirig'" in lexemes(work)
    TaggedWork.objects.filter(content_object=work).delete()
    Chapter.objects.filter(work=work).delete()
    assert "airship" not in lexemes(work) and "marmalad" not in lexemes(work)
    work.title = "Renamed"
    work.save()
    assert "'renam':1A" in lexemes(work)


def test_work_text_is_its_chapters_vectors_joined_in_order(db):
    """The work's text part (weight D) is built from the chapters' stored vectors:
    the same lexemes as parsing the joined text, positions running on from chapter to
    chapter in reading order, and a reordering moves them."""
    work = WorkFactory(title="Q", summary="", chapters=0)
    ChapterFactory(work=work, position=1, body="Otters juggle.")
    ChapterFactory(work=work, position=2, body="Herons wait patiently.")

    def text_part() -> str:
        with connection.cursor() as cursor:
            cursor.execute("SELECT quire_work_text(%s)::text", [work.pk])
            return cursor.fetchone()[0]

    assert text_part() == "'heron':3 'juggl':2 'otter':1 'patient':5 'wait':4"
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT to_tsvector('english', string_agg(quire_plain_text(body_html), ' ' ORDER BY position))::text "
            "FROM stories_chapter WHERE work_id = %s",
            [work.pk],
        )
        assert text_part() == cursor.fetchone()[0]
    Chapter.objects.filter(work=work, position=1).update(position=3)
    Work.objects.filter(pk=work.pk).update(search_vector=None)
    assert text_part() == "'heron':1 'juggl':5 'otter':4 'patient':3 'wait':2"
    with connection.cursor() as cursor:
        cursor.execute("SELECT (quire_work_head(id, title, summary) || quire_work_text(id))::text FROM stories_work "
                       "WHERE id = %s", [work.pk])  # fmt: skip
        assert lexemes(work) == cursor.fetchone()[0]


def test_chapter_vector_follows_its_body_and_recomputes_from_null(db):
    work = WorkFactory(chapters=0)
    chapter = ChapterFactory(work=work, position=1, body="Lanterns sway.")

    def chapter_vector() -> str:
        with connection.cursor() as cursor:
            cursor.execute("SELECT search_vector::text FROM stories_chapter WHERE id = %s", [chapter.pk])
            return cursor.fetchone()[0]

    assert chapter_vector() == "'lantern':1 'sway':2"
    chapter.body = "Kettles whistle."
    chapter.save()
    assert chapter_vector() == "'kettl':1 'whistl':2"
    with connection.cursor() as cursor:  # a vector written beside an unchanged body is kept (bulk loads)
        cursor.execute("UPDATE stories_chapter SET search_vector = 'given' WHERE id = %s", [chapter.pk])
        assert chapter_vector() == "'given'"
        cursor.execute("UPDATE stories_chapter SET search_vector = NULL WHERE id = %s", [chapter.pk])
    assert chapter_vector() == "'kettl':1 'whistl':2"


def test_title_outranks_tags_outranks_summary_outranks_text(client, db):
    tag = TagFactory(name="Falcon", kind=TagKind.FREEFORM)
    WorkFactory(title="In text", chapters=0)
    ChapterFactory(work=Work.objects.get(title="In text"), position=1, body="A falcon flew.")
    WorkFactory(title="In summary", summary="About a falcon.")
    WorkFactory(title="In tags", tags=[tag])
    WorkFactory(title="Falcon")
    assert found(search(client, "falcon")) == ["Falcon", "In tags", "In summary", "In text"]


def test_relevance_pages_follow_one_order(client, db, settings):
    """Best first across pages, ties to the newer work, every match on exactly one
    page: the order is settled once for the whole result, not page by page."""
    settings.QUIRE_WORKS_PER_PAGE = 3
    text_only = []
    for i in range(4):
        work = WorkFactory(title=f"Plain {i}", chapters=0)
        ChapterFactory(work=work, position=1, body="An otter swam past.")
        text_only.append(work.title)
    WorkFactory(title="Otter", summary="An otter.")
    WorkFactory(title="Summary only", summary="The otter again.")
    pages = [found(search(client, "otter", page=number)) for number in (1, 2)]
    assert pages[0] == ["Otter", "Summary only", text_only[3]]
    assert pages[1] == text_only[2::-1]
    assert search(client, "otter", page=3).status_code == 404


def test_past_the_cap_the_best_are_counted_once_each(client, db, monkeypatch, settings):
    """A search counts its matches up to SEARCH_COUNT_CAP ("3+ works found") and
    shows the best of them; a work that matches in its title and its text is one
    match, not two."""
    from stories.discovery import query as listing

    monkeypatch.setattr(listing, "SEARCH_COUNT_CAP", 3)
    settings.QUIRE_WORKS_PER_PAGE = 10
    for i in range(3):
        work = WorkFactory(title=f"Text only {i}", chapters=0)
        ChapterFactory(work=work, position=1, body="A badger slept.")
    # Newer, so that among works matched in their text they would come first.
    for i in range(2):
        work = WorkFactory(title=f"Badger {i}", chapters=0)
        ChapterFactory(work=work, position=1, body="A badger dug.")
    response = search(client, "badger")
    soup = BeautifulSoup(response.content, "html.parser")
    assert soup.select_one(".result-count").get_text(strip=True) == "1–3 of 3+ works found"
    assert found(response) == ["Badger 1", "Badger 0", "Text only 2"]
    # At the cap exactly, nothing more is claimed.
    Work.objects.filter(title__in=["Text only 0", "Text only 1"]).delete()
    response = search(client, "badger")
    soup = BeautifulSoup(response.content, "html.parser")
    assert soup.select_one(".result-count").get_text(strip=True) == "1–3 of 3 works found"
    assert found(response) == ["Badger 1", "Badger 0", "Text only 2"]
    # Enough title matches to fill the count: works matched only in their text
    # cannot be among the best, and are not looked for.
    for i in range(2, 4):
        WorkFactory(title=f"Badger {i}")
    response = search(client, "badger")
    soup = BeautifulSoup(response.content, "html.parser")
    assert soup.select_one(".result-count").get_text(strip=True) == "1–3 of 3+ works found"
    assert found(response) == ["Badger 3", "Badger 2", "Badger 1"]


def test_websearch_syntax(client, db):
    WorkFactory(title="Red apple")
    WorkFactory(title="Green apple")
    WorkFactory(title="Red pear")
    assert set(found(search(client, "apple -green"))) == {"Red apple"}
    assert set(found(search(client, "apple or pear"))) == {"Red apple", "Green apple", "Red pear"}
    assert set(found(search(client, "red apple"))) == {"Red apple"}


def test_accents_do_not_matter(client, db):
    WorkFactory(title="Pokémon Journeys")
    assert found(search(client, "pokemon")) == ["Pokémon Journeys"]


def test_misspelt_title_and_tag_still_find_their_work(client, db):
    WorkFactory(title="Harry Potter and the Quiet Year")
    tag = TagFactory(name="Kakashi Hatake", kind=TagKind.CHARACTER)
    WorkFactory(title="Unrelated name", tags=[tag])
    WorkFactory(title="Something else")
    assert "Harry Potter and the Quiet Year" in found(search(client, "Hary Poter"))
    assert found(search(client, "Kakashi Hatkae")) == ["Unrelated name"]


def test_search_combines_with_filters(client, db):
    fandom = TagFactory(name="Fandom", kind=TagKind.FANDOM)
    WorkFactory(title="Storm at sea", tags=[fandom], rating="teen")
    WorkFactory(title="Storm in town", rating="teen")
    WorkFactory(title="Storm on land", tags=[fandom], rating="general")
    assert set(found(search(client, "storm", tag=fandom.slug))) == {"Storm at sea", "Storm on land"}
    assert found(search(client, "storm", tag=fandom.slug, rating="teen")) == ["Storm at sea"]
    response = search(client, "storm", sort="title")
    assert found(response) == ["Storm at sea", "Storm in town", "Storm on land"]


def test_filtered_search_facets_count_the_works_it_shows(client, db, monkeypatch):
    """Past the candidate bound, the facets of a filtered search count the works the
    search found among the filtered ones, not a draw from the unfiltered search."""
    monkeypatch.setattr(search_module, "CANDIDATES", 3)
    chosen = TagFactory(name="Chosen", kind=TagKind.FANDOM)
    also = TagFactory(name="Also", kind=TagKind.FREEFORM)
    for i in range(10):
        WorkFactory(title=f"Heron {i}")
    for i in range(2):
        WorkFactory(title=f"Heron tagged {i}", tags=[chosen, also])
    # Last in the table and oldest: an unfiltered draw of three, in table or in
    # date order, takes none of them.
    Work.objects.filter(title__startswith="Heron tagged").update(updated_at=timezone.now() - timedelta(days=3000))
    response = search(client, "heron", tag=chosen.slug)
    assert len(found(response)) == 2
    soup = BeautifulSoup(response.content, "html.parser")
    facet = soup.find("input", attrs={"name": "tag", "value": also.slug}).find_next("span", class_="count")
    followed = search(client, "heron", tag=[chosen.slug, also.slug])
    assert int(facet["data-count"]) == len(found(followed)) == 2


def test_search_only_shows_what_the_reader_may_see(client, db):
    WorkFactory(title="Visible comet")
    WorkFactory(title="Hidden comet", is_hidden=True)
    WorkFactory(title="Draft comet", status="draft")
    WorkFactory(title="Members comet", restricted=True)
    assert found(search(client, "comet")) == ["Visible comet"]


HOSTILE = [
    "x" * 5000,
    "'; DROP TABLE stories_work; --",
    "a & | ! ( ) : * <-> \\ '\"",
    '"unclosed',
    "-",
    "or or or",
    "\x00\x01\x02",
    "<script>alert(1)</script>",
    "%",
    "🙂" * 300,
]


@pytest.mark.parametrize("q", HOSTILE)
def test_hostile_queries_never_500(client, db, q):
    WorkFactory(title="Anything", chapters=1)
    response = search(client, q)
    # NUL characters are refused before any view runs (stories.core.middleware).
    assert response.status_code == (400 if "\x00" in q else 200)
    assert b"<script>alert(1)</script>" not in response.content


@pytest.mark.parametrize("page", ["-1", "999999", "x"])
def test_search_pages_out_of_range_are_404(client, db, page):
    WorkFactory(title="Only one")
    assert search(client, "only", page=page).status_code == 404


def test_empty_search_shows_the_form(client, db):
    response = client.get(reverse("stories:search"))
    assert response.status_code == 200
    assert b'name="q"' in response.content
    html5lib.HTMLParser(strict=True).parse(response.content)


def _filler(words: int, seed: str) -> str:
    """Plain prose of `words` words that never says the searched words."""
    return " ".join(f"{seed}{i % 97}" for i in range(words))


@pytest.mark.parametrize(
    ("query", "text", "marked"),
    [
        # Deep in a long chapter, inside markup and beside entities.
        ("heron", _filler(3000, "pond") + ' <a href="#x">the *grey* heron</a> & co.', ["heron"]),
        # The stem ("studi") is not spelled in the text: the whole chapter is read.
        ("studies", _filler(800, "lake") + " a careful study of rain", ["study"]),
        # The stem first occurs inside another word ("brunt"); the match is later.
        ("run", "They bore the brunt of it. " + _filler(600, "wind") + " Then they run home.", ["run"]),
        # A phrase whose first word occurs alone long before the phrase.
        (
            '"silver lantern"',
            "A silver coin. " + _filler(900, "dust") + " the silver lantern shone.",
            ["silver", "lantern"],
        ),
    ],
)
def test_snippets_mark_the_match_wherever_it_lies(client, db, query, text, marked):
    work = WorkFactory(title="Plain title", chapters=0)
    ChapterFactory(work=work, position=1, body=text)
    snippet = BeautifulSoup(search(client, query).content, "html.parser").select_one(".snippet")
    assert [m.get_text() for m in snippet.select("mark")][: len(marked)] == marked
    shown = snippet.get_text()
    assert "<" not in shown and ">" not in shown and "href" not in shown


def test_snippet_escapes_story_markup():
    assert str(highlight("a \ue000<b>bold</b>\ue001 & more")) == "a <mark>&lt;b&gt;bold&lt;/b&gt;</mark> &amp; more"
    assert "<mark>" in str(highlight("unbalanced \ue000start"))


def test_clean_query_cuts_long_input():
    assert len(clean_query("word " * 2000)) <= 256
    assert clean_query("  two\n\twords\x00 ") == "two words"


@pytest.mark.parametrize("rows", [1, 40])
def test_search_runs_constant_queries(client, django_assert_max_num_queries, db, rows):
    tag = TagFactory(name="Lighthouse", kind=TagKind.FREEFORM)
    for i in range(rows):
        work = WorkFactory(title=f"Keeper {i}", tags=[tag], chapters=0)
        ChapterFactory(work=work, position=1, body="The lighthouse keeper climbed the stairs.")
        ChapterFactory(work=work, position=2, body="The lighthouse lamp burned.")
    with django_assert_max_num_queries(20):
        response = search(client, "lighthouse keeper", tag=tag.slug)
    assert response.status_code == 200
    assert len(found(response)) == min(rows, 20)
    soup = BeautifulSoup(response.content, "html.parser")
    assert len(soup.select(".snippet mark")) >= min(rows, 20)
    html5lib.HTMLParser(strict=True).parse(response.content)


@pytest.mark.parametrize("where", ["title", "summary", "tag", "text", "later chapter"])
def test_an_excluded_word_excludes_the_work_wherever_it_is(client, db, where):
    """`kakashi -iruka` leaves out a work that mentions Iruka anywhere, even when
    Kakashi is in its title (a head match must not skip the exclusion)."""
    iruka = TagFactory(name="Umino Iruka", kind=TagKind.CHARACTER)
    shaped = {
        "title": {"title": "Kakashi and Iruka"},
        "summary": {"title": "Kakashi alone", "summary": "Iruka waits."},
        "tag": {"title": "Kakashi alone", "tags": [iruka]},
        "text": {"title": "Kakashi alone"},
        "later chapter": {"title": "Kakashi alone"},
    }[where]
    work = WorkFactory(chapters=0, **shaped)
    ChapterFactory(work=work, position=1, body="Iruka smiled." if where == "text" else "Rain fell.")
    if where == "later chapter":
        ChapterFactory(work=work, position=2, body="Then Iruka came home.")
    WorkFactory(title="Kakashi reads", chapters=0)
    assert found(search(client, "kakashi -iruka")) == ["Kakashi reads"]
    assert set(found(search(client, "kakashi"))) == {shaped["title"], "Kakashi reads"}
    # The same holds inside an `or`, and with the word in the summary of the other.
    assert found(search(client, "kakashi or gai -iruka")) == ["Kakashi reads"]


def test_or_finds_either_word_in_any_part_of_the_work(client, db):
    in_text = WorkFactory(title="Plain one", chapters=0)
    ChapterFactory(work=in_text, position=1, body="A walrus swam.")
    WorkFactory(title="Narwhal story")
    WorkFactory(title="Neither")
    assert set(found(search(client, "walrus or narwhal"))) == {"Plain one", "Narwhal story"}


def test_near_misses_are_listed_or_not_announced(client, db):
    tag = TagFactory(name="Kakashi Hatake", kind=TagKind.CHARACTER)
    WorkFactory(title="Unrelated name", tags=[tag])
    soup = BeautifulSoup(search(client, "Kakashi Hatkae").content, "html.parser")
    assert [a.get_text() for a in soup.select(".near-tags a")] == ["Kakashi Hatake"]
    assert "spelled nearly like it" in soup.select_one(".near-note").get_text()
    # Nothing near either: no promise of suggestions that are not there.
    soup = BeautifulSoup(search(client, "zzqxv").content, "html.parser")
    note = soup.select_one(".near-note")
    assert note is None or "spelled nearly" not in note.get_text()
    assert "No works found." in soup.get_text()


def test_search_help_names_every_operator(client, db):
    soup = BeautifulSoup(client.get(reverse("stories:search")).content, "html.parser")
    help_text = soup.select_one("#search-help").get_text(" ", strip=True)
    for operator in ['"kakashi sensei"', "kakashi -iruka", "kakashi or iruka"]:
        assert operator in help_text


@pytest.mark.parametrize(
    ("query", "positive", "negated"),
    [
        ("kakashi -iruka", "kakashi", ["iruka"]),
        ('a or b -"c d" -e', "a or b", ['"c d"', "e"]),
        ("well-known -", "well-known -", []),
        ("-x", "", ["x"]),
    ],
)
def test_split_negations(query, positive, negated):
    assert search_module.split_negations(query) == (positive, negated)


@given(st.text(max_size=60))
@hsettings(max_examples=200)
def test_split_negations_keeps_every_other_word(text):
    positive, negated = search_module.split_negations(clean_query(text))
    assert all(not word.startswith("-") or word == "-" for word in positive.split()) or '"' in text
    assert all(term for term in negated)
