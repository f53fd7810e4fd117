"""The filtered works index (/works/ and tag pages): filters, facet counts,
synonyms, hostile query strings, query counts."""

import datetime
from urllib.parse import urlencode

import html5lib
import pytest
from bs4 import BeautifulSoup
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from stories.models import Tag, TagKind, Work
from tests.factories import TagFactory, WorkFactory
from tests.helpers import blurb_titles as titles


@pytest.fixture(autouse=True)
def _fresh_facets():
    # Facet counts are cached for a minute; each test builds its own archive.
    cache.clear()
    yield
    cache.clear()


def result_count(response) -> int:
    soup = BeautifulSoup(response.content, "html.parser")
    return int(soup.select_one(".result-count")["data-count"])


@pytest.fixture
def family(db):
    """A canonical fandom with one synonym, and three works between them."""
    canonical = TagFactory(name="Naruto", kind=TagKind.FANDOM, canonical=True)
    synonym = TagFactory(name="NARUTO (Anime)", kind=TagKind.FANDOM, synonym_of=canonical)
    other = TagFactory(name="Bleach", kind=TagKind.FANDOM, canonical=True)
    WorkFactory(title="Only canonical", tags=[canonical])
    WorkFactory(title="Only synonym", tags=[synonym])
    WorkFactory(title="Both", tags=[canonical, synonym])
    WorkFactory(title="Elsewhere", tags=[other])
    return canonical, synonym, other


def test_synonym_works_show_under_canonical_tag_and_count_once(client, family):
    canonical, synonym, _ = family
    response = client.get(canonical.get_absolute_url())
    assert response.status_code == 200
    assert titles(response) == {"Only canonical", "Only synonym", "Both"}
    assert result_count(response) == 3
    assert "NARUTO (Anime)" in response.content.decode()
    assert Tag.objects.with_work_counts().get(pk=canonical.pk).work_count == 3
    tag_list = BeautifulSoup(client.get(reverse("stories:tag-list")).content, "html.parser")
    link = tag_list.find("a", string="Naruto")
    assert link.find_next_sibling("span").get_text() == "(3)"
    assert tag_list.find("a", string="NARUTO (Anime)") is None
    # The synonym's own page is the canonical's page.
    assert client.get(synonym.get_absolute_url()).url == canonical.get_absolute_url()


def test_including_a_synonym_includes_the_whole_family(client, family):
    _, synonym, _ = family
    response = client.get(reverse("stories:work-list"), {"tag": synonym.slug})
    assert titles(response) == {"Only canonical", "Only synonym", "Both"}


def test_excluded_tag_removes_its_synonyms_works_too(client, family):
    canonical, synonym, _ = family
    response = client.get(reverse("stories:work-list"), {"exclude": canonical.slug})
    assert titles(response) == {"Elsewhere"}
    by_name = client.get(reverse("stories:work-list"), {"exclude_names": "naruto"})
    assert titles(by_name) == {"Elsewhere"}


def test_facet_counts_the_canonical_tag_once_per_work(client, family):
    response = client.get(reverse("stories:work-list"))
    soup = BeautifulSoup(response.content, "html.parser")
    fandoms = soup.select_one('fieldset[data-kind="fandom"]')
    labels = {
        label.contents[0].strip(): int(label.select_one(".count")["data-count"])
        for label in fandoms.select("li > label")
    }
    assert labels == {"Naruto": 3, "Bleach": 1}


def test_tag_facets_show_the_most_used_of_each_kind_ties_by_name(client, db):
    popular = TagFactory(name="Zzz Most Used", kind=TagKind.FREEFORM)
    # Twelve tags used once each, created in an order unlike their names.
    once = [TagFactory(name=f"Tag {letter}", kind=TagKind.FREEFORM) for letter in "LKJIHGFEDCBA"]
    for tag in once:
        WorkFactory(tags=[popular, tag])
    soup = BeautifulSoup(client.get(reverse("stories:work-list")).content, "html.parser")
    freeforms = soup.select_one('fieldset[data-kind="freeform"]')
    shown = [
        (label.contents[0].strip(), int(label.select_one(".count")["data-count"]))
        for label in freeforms.select("li > label")
    ]
    assert shown == [("Zzz Most Used", 12), *[(f"Tag {letter}", 1) for letter in "ABCDEFGHI"]]


@pytest.mark.parametrize("sample", [1000, 2])
def test_a_small_result_is_counted_from_its_facets_a_big_one_by_a_count(client, family, settings, monkeypatch, sample):
    """Under filters.FACET_SAMPLE works the facets hold the whole result: the page is
    drawn from those ids and counted by them, with no COUNT and no second filter."""
    from stories.discovery import facets as filters

    monkeypatch.setattr(filters, "FACET_SAMPLE", sample)
    settings.QUIRE_WORKS_PER_PAGE = 2
    canonical, _, _ = family
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("stories:work-list"), {"tag": canonical.slug, "sort": "title"})
    counted = any("COUNT(" in query["sql"] for query in queries.captured_queries)
    assert counted == (sample == 2)
    assert result_count(response) == 3
    assert [a.get_text() for a in BeautifulSoup(response.content, "html.parser").select(".blurb-title a")] == [
        "Both",
        "Only canonical",
    ]
    assert titles(client.get(reverse("stories:work-list"), {"tag": canonical.slug, "page": 2})) == {"Only canonical"}


def _facet_inputs(soup):
    """(name, value, shown count) for every filter value that carries a count."""
    for label in soup.select(".filters label"):
        count = label.select_one(".count")
        if count is None:
            continue
        field = soup.find(id=label["for"])
        yield field["name"], field["value"], int(count["data-count"])


def _archive():
    fandoms = [TagFactory(name=f"Fandom {i}", kind=TagKind.FANDOM, canonical=True) for i in range(3)]
    characters = [TagFactory(name=f"Character {i}", kind=TagKind.CHARACTER) for i in range(3)]
    ratings = ["general", "teen", "mature", "explicit"]
    warnings = [["none"], ["violence"], ["violence", "death"], ["no_choice"]]
    categories = [["gen"], ["mm"], ["ff", "fm"], ["multi"]]
    for i in range(14):
        WorkFactory(
            rating=ratings[i % 4],
            warnings=warnings[i % 4],
            categories=categories[(i // 2) % 4],
            is_complete=i % 3 == 0,
            language="en" if i % 5 else "fr",
            tags=list({fandoms[i % 3], characters[(i * 7) % 3], *([characters[0]] if i % 4 == 0 else [])}),
        )
    return fandoms, characters


@pytest.mark.parametrize("start", [{}, {"rating": "teen"}, {"warning": "violence"}, {"tag": "fandom-1"}])
def test_facet_counts_equal_the_counts_of_the_pages_they_lead_to(client, db, start):
    _archive()
    url = reverse("stories:work-list")
    response = client.get(url, start)
    assert response.status_code == 200
    soup = BeautifulSoup(response.content, "html.parser")
    checked = 0
    for name, value, count in _facet_inputs(soup):
        params = {key: list(values) for key, values in response.wsgi_request.GET.lists()}
        if name in ("rating", "language", "complete"):
            params[name] = [value]
        else:
            params.setdefault(name, []).append(value)
        target = client.get(url + "?" + urlencode(params, doseq=True))
        assert target.status_code == 200, (name, value)
        assert result_count(target) == count, (name, value, count)
        checked += 1
    assert checked >= 15


def test_filters_narrow_the_index(client, db):
    today = timezone.now()
    WorkFactory(title="Long finished", word_count=0, is_complete=True, language="de")
    WorkFactory(title="Old", updated_at=today - datetime.timedelta(days=400), published_on=datetime.date(2010, 1, 1))
    url = reverse("stories:work-list")
    assert titles(client.get(url, {"complete": "1"})) == {"Long finished"}
    assert titles(client.get(url, {"language": "de"})) == {"Long finished"}
    old = (today - datetime.timedelta(days=300)).date().isoformat()
    assert titles(client.get(url, {"updated_to": old})) == {"Old"}
    assert titles(client.get(url, {"published_from": "2011-01-01"})) == {"Long finished"}
    assert titles(client.get(url, {"words_min": 1, "words_max": 100})) == {"Long finished", "Old"}
    assert titles(client.get(url, {"words_min": 101})) == set()


@pytest.mark.parametrize("sort", ["updated", "published", "title", "words", "kudos", "hits", "comments", "bookmarks"])
def test_every_sort_orders_the_index(client, db, sort):
    field = {"kudos": "kudos_count", "hits": "hit_count", "comments": "comment_count", "bookmarks": "bookmark_count"}
    for i, title in enumerate(["B", "A", "C"]):
        extra = {field[sort]: i * 10} if sort in field else {}
        WorkFactory(title=title, **extra)
    response = client.get(reverse("stories:work-list"), {"sort": sort})
    order = [a.get_text() for a in BeautifulSoup(response.content, "html.parser").select(".blurb-title a")]
    assert len(order) == 3
    if sort in field:
        assert order == ["C", "A", "B"]
    if sort == "title":
        assert order == ["A", "B", "C"]


def test_filter_state_survives_pagination(client, db):
    tag = TagFactory(name="Many", kind=TagKind.FREEFORM)
    for _ in range(25):
        WorkFactory(tags=[tag])
    WorkFactory()
    response = client.get(reverse("stories:work-list"), {"tag": tag.slug})
    assert result_count(response) == 25
    next_link = BeautifulSoup(response.content, "html.parser").select_one('a[rel="next"]')["href"]
    assert f"tag={tag.slug}" in next_link
    second = client.get(reverse("stories:work-list") + next_link)
    assert len(titles(second)) == 5


HOSTILE = [
    {"tag": "no-such-tag"},
    {"exclude": "no-such-tag"},
    {"include_names": "Nothing Like This"},
    {"rating": "ultra"},
    {"warning": "dragons"},
    {"words_min": "-5"},
    {"words_min": "lots"},
    {"words_min": "10", "words_max": "5"},
    {"updated_from": "2020-13-45"},
    {"language": "'; DROP TABLE stories_work; --"},
    {"sort": "id; DELETE"},
    {"tag": ["x"] * 50},
    {"include_names": "a" * 5000},
    {"tag": "\x00"},
    {"q": "x" * 5000},
]


@pytest.mark.parametrize("params", HOSTILE)
def test_hostile_query_strings_never_500(client, family, params):
    response = client.get(reverse("stories:work-list"), params)
    assert response.status_code in (200, 400)
    if response.status_code == 400:
        # A form error, or the NUL-character refusal of stories.core.middleware.
        assert b"errorlist" in response.content or b"NUL character" in response.content
    tag_page = client.get(family[0].get_absolute_url(), params)
    assert tag_page.status_code in (200, 400)


def test_unknown_tag_says_so(client, db):
    response = client.get(reverse("stories:work-list"), {"tag": "no-such-tag"})
    assert response.status_code == 400
    assert "There is no tag “no-such-tag”" in response.content.decode()


@pytest.mark.parametrize("page", ["-1", "0", "999999", "abc", "1e9"])
def test_out_of_range_pages_are_404(client, family, page):
    assert client.get(reverse("stories:work-list"), {"page": page}).status_code == 404
    assert client.get(family[0].get_absolute_url(), {"page": page}).status_code == 404


def test_unknown_tag_page_is_404(client, db):
    assert client.get("/tags/no-such-tag/").status_code == 404


def test_restricted_and_hidden_works_stay_out_of_lists_and_counts(client, reader, family):
    canonical = family[0]
    WorkFactory(title="Members only", tags=[canonical], restricted=True)
    WorkFactory(title="Hidden", tags=[canonical], is_hidden=True)
    WorkFactory(title="Draft", tags=[canonical], status="draft")
    assert result_count(client.get(canonical.get_absolute_url())) == 3
    client.force_login(reader)
    cache.clear()
    assert result_count(client.get(canonical.get_absolute_url())) == 4


def _make_works(n, tags):
    for _ in range(n):
        WorkFactory(tags=tags, chapters=2, warnings=["violence", "death"], categories=["mm", "gen"])


@pytest.mark.parametrize("rows", [1, 40])
def test_index_pages_run_constant_queries(client, django_assert_max_num_queries, db, rows):
    fandom = TagFactory(name="Fandom", kind=TagKind.FANDOM, canonical=True)
    tags = [fandom, TagFactory(kind=TagKind.CHARACTER), TagFactory(kind=TagKind.RELATIONSHIP), TagFactory()]
    TagFactory(name="Fandom alias", kind=TagKind.FANDOM, synonym_of=fandom)
    _make_works(rows, tags)
    filtered = {"tag": fandom.slug, "exclude": tags[3].slug, "rating": "general", "sort": "kudos"}
    for url, params in [
        (reverse("stories:work-list"), {}),
        (reverse("stories:work-list"), filtered),
        (fandom.get_absolute_url(), {}),
        (reverse("stories:tag-list"), {}),
    ]:
        cache.clear()
        with django_assert_max_num_queries(16):
            response = client.get(url, params)
        assert response.status_code == 200


@pytest.mark.parametrize("url_name", ["stories:work-list", "stories:tag-list"])
def test_pages_are_valid_html5(client, family, url_name):
    response = client.get(reverse(url_name))
    html5lib.HTMLParser(strict=True).parse(response.content)


def test_tag_page_is_valid_html5(client, family):
    response = client.get(family[0].get_absolute_url(), {"tag": family[1].slug})
    assert response.status_code == 200
    html5lib.HTMLParser(strict=True).parse(response.content)


def test_blurbs_are_cached_but_edits_show_at_once(client, family):
    """Rendered blurbs are cached per version of what they show: an edit to the
    work, a new count or a renamed tag is on the next page, with no cache cleared."""
    canonical, _, _ = family
    url = reverse("stories:work-list")
    assert "Only canonical" in titles(client.get(url))
    assert any(key.startswith(":1:blurb:") for key in cache._cache)  # the blurbs were cached
    work = Work.objects.get(title="Only canonical")
    work.title = "Renamed work"
    work.kudos_count = 4321
    work.save()
    canonical.name = "Naruto Shippuden"
    canonical.save()
    content = client.get(url).content.decode()
    assert "Renamed work" in titles(client.get(url))
    assert "Only canonical" not in content
    assert "4,321" in content
    assert "Naruto Shippuden" in content
