"""The read API's works: the index with the site's filters, a work, a chapter."""

import pytest

from tests import factories
from tests.api.conftest import bearer

pytestmark = pytest.mark.django_db


def test_work_list_lists_posted_works_with_their_metadata(client):
    fandom = factories.TagFactory(name="Naruto", kind="fandom")
    work = factories.WorkFactory(title="Moving On", tags=[fandom], chapters=2)
    response = client.get("/api/v1/works")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["count"] == 1
    row = body["results"][0]
    assert row["id"] == work.pk and row["title"] == "Moving On"
    assert row["tags"][0]["slug"] == fandom.slug and row["tags"][0]["kind"] == "fandom"
    assert row["downloads"]["epub"].endswith(f"/works/{work.pk}/download.epub")
    assert row["chapter_count"] == 2
    assert response["Access-Control-Allow-Origin"] == "*"
    assert response["ETag"] and response["Last-Modified"]


def test_work_detail_and_chapter(client):
    work = factories.WorkFactory(chapters=3)
    body = client.get(f"/api/v1/works/{work.pk}").json()
    assert [c["position"] for c in body["chapters"]] == [1, 2, 3]
    chapter = client.get(f"/api/v1/works/{work.pk}/chapters/2").json()
    assert "The text of chapter 2." in chapter["body_html"]
    assert chapter["previous"] == 1 and chapter["next"] == 3


def test_me_needs_a_token(client, read_token):
    assert client.get("/api/v1/me").status_code == 401
    response = client.get("/api/v1/me", **bearer(read_token))
    assert response.status_code == 200, response.content
    assert response.json()["username"] == "reader"


def test_schema_and_docs_are_served_without_a_cdn(client):
    schema = client.get("/api/v1/schema")
    assert schema.status_code == 200
    document = schema.json()
    assert document["openapi"].startswith("3.")
    assert "/api/v1/works" in document["paths"]
    parameters = {p["name"] for p in document["paths"]["/api/v1/works"]["get"]["parameters"]}
    assert {
        "q",
        "tag",
        "exclude",
        "rating",
        "warning",
        "category",
        "complete",
        "language",
        "sort",
        "cursor",
    } <= parameters
    docs = client.get("/api/v1/docs")
    assert docs.status_code == 200
    page = docs.content.decode()
    assert "/static/ninja/redoc.standalone.js" in page
    assert "cdn" not in page.lower()


def test_search_with_q_returns_snippets(client):
    factories.WorkFactory(title="The Lighthouse Keeper")
    factories.WorkFactory(title="Other")
    body = client.get("/api/v1/works", {"q": "lighthouse"}).json()
    assert [row["title"] for row in body["results"]] == ["The Lighthouse Keeper"]


def test_tags_series_and_people(client, author):
    from stories.models import Series, SeriesPart

    canonical = factories.TagFactory(name="Naruto", kind="fandom", canonical=True)
    synonym = factories.TagFactory(name="NARUTO (Anime)", kind="fandom", synonym_of=canonical)
    character = factories.TagFactory(name="Uzumaki Naruto", kind="character")
    character.parents.add(canonical)
    work = factories.WorkFactory(creators=[author], tags=[synonym])
    series = Series.objects.create(title="Saga", notes="Read *slowly*.")
    series.creators.add(author)
    SeriesPart.objects.create(series=series, work=work, position=1)
    tag = client.get(f"/api/v1/tags/{canonical.slug}").json()
    assert tag["canonical"] and tag["synonyms"] == [synonym.slug] and tag["kind"] == "fandom"
    assert client.get(f"/api/v1/tags/{character.slug}").json()["parents"] == [canonical.slug]
    assert client.get(f"/api/v1/tags/{synonym.slug}").json()["synonym_of"] == canonical.slug
    assert [t["slug"] for t in client.get("/api/v1/tags", {"kind": "fandom"}).json()["results"]] == [canonical.slug]
    saga = client.get(f"/api/v1/series/{series.pk}").json()
    assert [p["work"]["id"] for p in saga["parts"]] == [work.pk]
    assert saga["notes_html"] == "<p>Read <em>slowly</em>.</p>"
    assert [s["title"] for s in client.get("/api/v1/users/author/series").json()["results"]] == ["Saga"]
    assert [w["id"] for w in client.get("/api/v1/users/author/works").json()["results"]] == [work.pk]
    assert client.get("/api/v1/users/nobody").status_code == 404
