"""AO3's filters on every list (index, tag page, search): include and exclude
ratings, warnings and categories; crossovers; single chapter; sort direction;
search within results; the heading, the numbered pager, language names and the
list of chosen filters, each removable in one click."""

from urllib.parse import parse_qsl, urlencode

import pytest
from bs4 import BeautifulSoup
from django.core.cache import cache
from django.http import QueryDict
from django.urls import reverse
from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from stories.discovery.filters import WorkFilterForm
from stories.models import Category, Rating, TagKind, Warning
from tests.factories import ChapterFactory, TagFactory, WorkFactory
from tests.helpers import assert_valid_html
from tests.helpers import blurb_titles as titles

INDEX = "stories:work-list"


@pytest.fixture(autouse=True)
def _fresh_facets():
    cache.clear()
    yield
    cache.clear()


def soup_of(response):
    return BeautifulSoup(response.content, "html.parser")


@pytest.fixture
def shelf(db):
    """Works that differ in rating, warnings, categories, fandoms and chapters."""
    naruto = TagFactory(name="Naruto", kind=TagKind.FANDOM, canonical=True)
    anime = TagFactory(name="NARUTO (Anime)", kind=TagKind.FANDOM, synonym_of=naruto)
    bleach = TagFactory(name="Bleach", kind=TagKind.FANDOM, canonical=True)
    WorkFactory(title="Death", rating="mature", warnings=["death"], categories=["mm"], tags=[naruto])
    WorkFactory(
        title="Violent death",
        rating="explicit",
        warnings=["violence", "death"],
        categories=["gen"],
        tags=[naruto, anime],
    )
    WorkFactory(title="Safe", rating="general", warnings=["none"], categories=["gen", "ff"], tags=[bleach], chapters=3)
    WorkFactory(title="Crossover", rating="teen", warnings=["violence"], categories=["multi"], tags=[naruto, bleach])
    return naruto, anime, bleach


def get(client, **params):
    response = client.get(reverse(INDEX), params)
    assert response.status_code == 200, response.content[:500]
    return response


def test_excluding_a_warning_removes_every_work_that_has_it(client, shelf):
    assert titles(get(client, exclude_warning="death")) == {"Safe", "Crossover"}
    assert titles(get(client, exclude_warning=["death", "violence"])) == {"Safe"}
    # Including stays AND: a work must carry every chosen warning.
    assert titles(get(client, warning=["violence", "death"])) == {"Violent death"}
    assert titles(get(client, warning="violence", exclude_warning="death")) == {"Crossover"}


def test_ratings_include_any_of_the_chosen_and_exclude_each(client, shelf):
    assert titles(get(client, rating=["mature", "explicit"])) == {"Death", "Violent death"}
    assert titles(get(client, exclude_rating=["mature", "explicit"])) == {"Safe", "Crossover"}
    # The old single "rating" radio ("" for any) still reads.
    assert titles(get(client, rating="")) == {"Death", "Violent death", "Safe", "Crossover"}


def test_categories_include_all_and_exclude_any(client, shelf):
    assert titles(get(client, category=["gen", "ff"])) == {"Safe"}
    assert titles(get(client, exclude_category="gen")) == {"Death", "Crossover"}


def test_a_crossover_has_more_than_one_fandom_family(client, shelf):
    # "Violent death" has two fandom tags of one family: it is not a crossover.
    assert titles(get(client, crossover="only")) == {"Crossover"}
    assert titles(get(client, crossover="exclude")) == {"Death", "Violent death", "Safe"}
    assert len(titles(get(client, crossover=""))) == 4


def test_single_chapter_only(client, shelf):
    assert titles(get(client, single_chapter="1")) == {"Death", "Violent death", "Crossover"}


def test_filters_apply_on_tag_pages_and_search_too(client, shelf):
    naruto = shelf[0]
    response = client.get(naruto.get_absolute_url(), {"exclude_warning": "death"})
    assert titles(response) == {"Crossover"}
    response = client.get(
        reverse("stories:search"), {"q": "chapter", "exclude_warning": "death", "crossover": "exclude"}
    )
    assert titles(response) == {"Safe"}


def test_sort_direction_reverses_the_order(client, db):
    for title, kudos in [("B", 5), ("A", 1), ("C", 9)]:
        WorkFactory(title=title, kudos_count=kudos)

    def order(**params):
        return [a.get_text() for a in soup_of(get(client, **params)).select(".blurb-title a")]

    assert order(sort="kudos") == ["C", "B", "A"]
    assert order(sort="kudos", direction="desc") == ["C", "B", "A"]
    assert order(sort="kudos", direction="asc") == ["A", "B", "C"]
    assert order(sort="title") == ["A", "B", "C"]
    assert order(sort="title", direction="desc") == ["C", "B", "A"]


def test_an_unknown_direction_gives_the_usual_order(client, db):
    WorkFactory(title="B")
    WorkFactory(title="A")
    response = get(client, sort="title", direction="sideways")
    assert [a.get_text() for a in soup_of(response).select(".blurb-title a")] == ["A", "B"]


def test_search_within_results_narrows_by_the_whole_text(client, db):
    fandom = TagFactory(name="Naruto", kind=TagKind.FANDOM, canonical=True)
    in_text = WorkFactory(title="Plain", tags=[fandom], chapters=0)
    ChapterFactory(work=in_text, position=1, body="They met at the ramen stand.")
    WorkFactory(title="Ramen in the title", tags=[fandom])
    WorkFactory(title="Ramen elsewhere")
    WorkFactory(title="Nothing", tags=[fandom])
    assert titles(client.get(fandom.get_absolute_url(), {"within": "ramen"})) == {"Plain", "Ramen in the title"}
    assert titles(get(client, within="ramen -stand")) == {"Ramen in the title", "Ramen elsewhere"}
    # Counts and facets follow the narrowed result.
    response = client.get(fandom.get_absolute_url(), {"within": "ramen"})
    assert int(soup_of(response).select_one(".result-count")["data-count"]) == 2


def test_heading_says_which_works_of_how_many_in_which_tag(client, db, settings):
    settings.QUIRE_WORKS_PER_PAGE = 2
    fandom = TagFactory(name="Naruto", kind=TagKind.FANDOM, canonical=True)
    for _ in range(5):
        WorkFactory(tags=[fandom])
    heading = soup_of(client.get(fandom.get_absolute_url(), {"page": 2})).select_one(".result-count")
    assert heading.get_text(" ", strip=True) == "3–4 of 5 works in Naruto"
    assert heading.a["href"] == fandom.get_absolute_url()
    assert soup_of(get(client)).select_one(".result-count").get_text(strip=True) == "1–2 of 5 works"


def test_pager_numbers_first_neighbours_and_last(client, db, settings):
    settings.QUIRE_WORKS_PER_PAGE = 1
    for _ in range(11):
        WorkFactory()
    pager = soup_of(get(client, page=6, rating="general")).select_one("nav.pagination")
    items = [li.get_text(" ", strip=True).replace("Page ", "") for li in pager.select("li")]
    assert items == ["← Previous", "1", "…", "4", "5", "6", "7", "8", "…", "11", "Next →"]
    assert pager.select_one("[aria-current=page]").get_text(" ", strip=True) == "Page 6"
    links = {a.get_text(strip=True).replace("Page", ""): a["href"] for a in pager.select("a")}
    # Every page link keeps the filters; page 1 has no page parameter.
    assert dict(parse_qsl(links["11"][1:])) == {"rating": "general", "page": "11"}
    assert dict(parse_qsl(links["1"][1:])) == {"rating": "general"}


def test_language_facet_shows_names(client, db):
    WorkFactory(language="en")
    WorkFactory(language="fr")
    WorkFactory(language="xx")
    options = [o.get_text(strip=True) for o in soup_of(get(client)).select("#id_language option")]
    assert "English (1)" in options and "French (1)" in options and "xx (1)" in options


def test_every_chosen_value_is_removable_in_one_click(client, shelf):
    naruto, _, bleach = shelf
    params = [
        ("tag", naruto.slug),
        ("exclude", bleach.slug),
        ("rating", "mature"),
        ("rating", "explicit"),
        ("exclude_warning", "violence"),
        ("category", "mm"),
        ("crossover", "exclude"),
        ("include_names", "Naruto, NARUTO (Anime)"),
        ("sort", "title"),
    ]
    response = client.get(reverse(INDEX) + "?" + urlencode(params))
    assert response.status_code == 200
    chosen = soup_of(response).select(".chosen-filters li a.remove")
    labels = [a.find_parent("li").span.get_text() for a in chosen]
    assert labels == [
        "Naruto",
        "Not Bleach",
        "Mature",
        "Explicit",
        "Not Graphic Depictions Of Violence",
        "M/M",
        "Exclude crossovers",
        "Naruto",
        "NARUTO (Anime)",
    ]
    for index, link in enumerate(chosen):
        target = link["href"]
        assert target.startswith(reverse(INDEX) + "?")
        kept = parse_qsl(target.split("?", 1)[1])
        assert ("sort", "title") in kept
        if index < 7:
            expected = params[:index] + params[index + 1 :]
            assert sorted(kept) == sorted(expected), labels[index]
        assert client.get(target).status_code == 200
    # The names list drops one name and keeps the other.
    assert ("include_names", "NARUTO (Anime)") in parse_qsl(chosen[7]["href"].split("?", 1)[1])


def test_new_filters_keep_list_pages_constant_in_queries(client, django_assert_max_num_queries, db):
    fandoms = [TagFactory(kind=TagKind.FANDOM, canonical=True) for _ in range(2)]
    for i in range(30):
        WorkFactory(tags=fandoms[: 1 + i % 2], warnings=["death"] if i % 3 else ["none"], chapters=1 + i % 2)
    params = {
        "exclude_warning": "death",
        "exclude_rating": "explicit",
        "rating": ["general", "teen"],
        "exclude_category": "multi",
        "crossover": "only",
        "single_chapter": "1",
        "within": "chapter",
        "direction": "asc",
        "sort": "kudos",
    }
    for url in [reverse(INDEX), fandoms[0].get_absolute_url()]:
        cache.clear()
        with django_assert_max_num_queries(16):
            response = client.get(url, params)
        assert response.status_code == 200
        assert_valid_html(response)


RATINGS = [value for value, _ in Rating.choices]
WARNINGS = [value for value, _ in Warning.choices]
CATEGORIES = [value for value, _ in Category.choices]


@pytest.fixture
def archive(db):
    """Thirty varied works for the property test (built once per test, shared by
    its examples, which only read)."""
    fandoms = [TagFactory(kind=TagKind.FANDOM, canonical=True) for _ in range(3)]
    return [
        WorkFactory(
            rating=RATINGS[i % len(RATINGS)],
            warnings=sorted({WARNINGS[i % 6], WARNINGS[(i * 5) % 6]}),
            categories=sorted({CATEGORIES[i % 6], CATEGORIES[(i * 7 + 1) % 6]}),
            tags=fandoms[: 1 + i % 3] if i % 4 else [fandoms[i % 3]],
            chapters=1 + i % 2,
        )
        for i in range(30)
    ]


subsets = st.lists
filters = st.fixed_dictionaries(
    {},
    optional={
        "rating": subsets(st.sampled_from(RATINGS), max_size=3, unique=True),
        "exclude_rating": subsets(st.sampled_from(RATINGS), max_size=2, unique=True),
        "warning": subsets(st.sampled_from(WARNINGS), max_size=2, unique=True),
        "exclude_warning": subsets(st.sampled_from(WARNINGS), max_size=3, unique=True),
        "category": subsets(st.sampled_from(CATEGORIES), max_size=2, unique=True),
        "exclude_category": subsets(st.sampled_from(CATEGORIES), max_size=3, unique=True),
        "crossover": st.sampled_from(["", "exclude", "only"]),
        "single_chapter": st.just("1"),
    },
)


def _expected(work, params) -> bool:
    fandom_count = len({tag.pk for tag in work.tags.all()})
    return (
        (not params.get("rating") or work.rating in params["rating"])
        and work.rating not in params.get("exclude_rating", [])
        and set(params.get("warning", [])) <= set(work.warnings)
        and not set(params.get("exclude_warning", [])) & set(work.warnings)
        and set(params.get("category", [])) <= set(work.categories)
        and not set(params.get("exclude_category", [])) & set(work.categories)
        and (params.get("crossover") != "only" or fandom_count > 1)
        and (params.get("crossover") != "exclude" or fandom_count <= 1)
        and (not params.get("single_chapter") or work.chapter_count == 1)
    )


@hsettings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(params=filters)
def test_any_combination_of_filters_gives_exactly_the_works_that_pass_each(client, archive, settings, params):
    settings.QUIRE_WORKS_PER_PAGE = 100
    cache.clear()
    response = client.get(reverse(INDEX), params)
    assert response.status_code == 200
    assert titles(response) == {work.title for work in archive if _expected(work, params)}


def test_filter_forms_share_their_fields_and_keep_their_own_data_and_errors():
    good, bad = WorkFilterForm(QueryDict("words_min=5")), WorkFilterForm(QueryDict("words_min=x&sort=kudos"))
    assert good.fields["words_min"] is bad.fields["words_min"]  # no per-request copy
    assert good.is_valid() and not bad.is_valid()
    assert good.cleaned_data["words_min"] == 5 and list(bad.errors) == ["words_min"]
    assert WorkFilterForm(QueryDict("")).is_valid()
