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
