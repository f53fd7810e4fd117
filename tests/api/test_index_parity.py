"""The API's works list and the HTML index are one query: the same works in the same
order for every filter and sort, page after page."""

import datetime
import re

import pytest

from stories.models import Work
from tests import factories

pytestmark = pytest.mark.django_db

BLURB_ID = re.compile(r'id="work-(\d+)-title"')


@pytest.fixture
def archive(db):
    naruto = factories.TagFactory(name="Naruto", kind="fandom")
    bleach = factories.TagFactory(name="Bleach", kind="fandom")
    kakairu = factories.TagFactory(name="Hatake Kakashi/Umino Iruka", kind="relationship")
    fluff = factories.TagFactory(name="Fluff", canonical=True)
    fluffy = factories.TagFactory(name="Fluffy", synonym_of=fluff)
    angst = factories.TagFactory(name="Angst")
    ratings = ["general", "teen", "mature", "explicit", "not_rated"]
    warnings = [["none"], ["violence"], ["death", "violence"], ["no_choice"]]
    categories = [["gen"], ["mm"], ["ff", "multi"], ["fm"]]
    tag_sets = [[naruto], [naruto, kakairu], [bleach, fluff], [naruto, fluffy, angst], [bleach, angst], [naruto, fluff]]
    for i in range(46):
        work = factories.WorkFactory(
            title=f"{'ABCDEFGHIJ'[i % 10]} work {i:02}",
            rating=ratings[i % 5],
            warnings=warnings[i % 4],
            categories=categories[i % 4],
            language="en" if i % 3 else "fr",
            tags=tag_sets[i % 6],
            chapters=1 + i % 3,
            published_on=datetime.date(2010, 1, 1) + datetime.timedelta(days=40 * i),
        )
        Work.objects.filter(pk=work.pk).update(
            is_complete=bool(i % 2),
            kudos_count=(i * 7) % 11,
            hit_count=(i * 13) % 17,
            comment_count=i % 4,
            bookmark_count=(i * 5) % 6,
            word_count=100 * ((i * 37) % 23),
            updated_at=datetime.datetime(2020, 1, 1, tzinfo=datetime.UTC) + datetime.timedelta(hours=(i * 29) % 97),
        )
    return {"naruto": naruto, "bleach": bleach, "kakairu": kakairu, "fluff": fluff, "fluffy": fluffy, "angst": angst}


COMBINATIONS = [
    {},
    {"sort": "title"},
    {"sort": "published"},
    {"sort": "words"},
    {"sort": "kudos"},
    {"sort": "hits"},
    {"sort": "comments"},
    {"sort": "bookmarks"},
    {"tag": ["naruto"]},
    {"tag": ["naruto", "kakairu"], "sort": "title"},
    {"tag": ["fluffy"], "sort": "kudos"},
    {"exclude": ["fluff"], "sort": "words"},
    {"exclude_names": "angst", "rating": "teen"},
    {"include_names": "Angst", "complete": "on"},
    {"warning": ["violence"], "sort": "hits"},
    {"category": ["ff", "multi"]},
    {"language": "fr", "sort": "published"},
    {"words_min": "500", "words_max": "1500", "sort": "words"},
    {"updated_from": "2020-01-02", "updated_to": "2020-01-04", "sort": "comments"},
    {"published_from": "2011-01-01", "published_to": "2013-06-30", "tag": ["naruto"], "rating": "general"},
]


def _params(combination: dict, tags: dict) -> dict:
    params = dict(combination)
    for key in ("tag", "exclude"):
        if key in params:
            params[key] = [tags[name].slug for name in params[key]]
    return params


def _html_ids(client, params: dict) -> list[int]:
    ids, page = [], 1
    while True:
        response = client.get("/works/", {**params, "page": page})
        if response.status_code == 404:
            return ids
        assert response.status_code == 200, response.content[:500]
        found = [int(pk) for pk in BLURB_ID.findall(response.content.decode())]
        ids += found
        if len(found) < 20:
            return ids
        page += 1


def _api_ids(client, params: dict) -> list[int]:
    ids, cursor = [], None
    while True:
        response = client.get("/api/v1/works", {**params, **({"cursor": cursor} if cursor else {})})
        assert response.status_code == 200, response.content[:500]
        body = response.json()
        ids += [row["id"] for row in body["results"]]
        cursor = body["next"]
        if cursor is None:
            return ids


def test_api_and_index_return_the_same_works_in_the_same_order(client, archive):
    # One archive for all twenty combinations (building it is the slow part).
    assert len(COMBINATIONS) == 20
    for combination in COMBINATIONS:
        params = _params(combination, archive)
        html = _html_ids(client, params)
        api = _api_ids(client, params)
        assert api == html, combination
        # Each combination must say something: an empty result would prove nothing.
        assert html, combination
    # And the filters do narrow: not every combination is the whole archive in one order.
    assert len({tuple(_api_ids(client, _params(c, archive))) for c in COMBINATIONS}) == 20


def test_a_tags_works_match_its_page(client, archive):
    for params in ({}, {"sort": "title"}, {"rating": "teen", "exclude": [archive["angst"].slug]}):
        html = _html_ids_at(client, f"/tags/{archive['fluff'].slug}/", params)
        api = _api_ids_at(client, f"/api/v1/tags/{archive['fluffy'].slug}/works", params)
        assert api == html and html, params


def _html_ids_at(client, url: str, params: dict) -> list[int]:
    response = client.get(url, params)
    assert response.status_code == 200
    return [int(pk) for pk in BLURB_ID.findall(response.content.decode())]


def _api_ids_at(client, url: str, params: dict) -> list[int]:
    response = client.get(url, params)
    assert response.status_code == 200, response.content[:300]
    return [row["id"] for row in response.json()["results"]]
