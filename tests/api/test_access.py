"""Who may see what through the API: guests never reach drafts, hidden or restricted
works; tokens are scoped and a revoked one is refused at once; mutes apply; rate
limits answer 429 with Retry-After; CORS is read-only; ETag and Last-Modified."""

import pytest
from django.core.cache import cache

from stories.api.tokens import token_create, token_revoke
from stories.models import (
    ApiToken,
    Bookmark,
    Kudos,
    ReaderPreference,
    ReadingPosition,
    Series,
    SeriesPart,
    Subscription,
)
from tests import factories
from tests.api.conftest import bearer

pytestmark = pytest.mark.django_db


@pytest.fixture
def unseen(author):
    """A draft, a hidden and a restricted work, each tagged, in a series, bookmarked
    publicly by their author: everything that could leak them."""
    tag = factories.TagFactory(name="Secret Fandom", kind="fandom")
    series = Series.objects.create(title="The series")
    series.creators.add(author)
    works = {
        "draft": factories.WorkFactory(title="Draft", status="draft", creators=[author], tags=[tag]),
        "hidden": factories.WorkFactory(title="Hidden", is_hidden=True, creators=[author], tags=[tag]),
        "restricted": factories.WorkFactory(title="Restricted", restricted=True, creators=[author], tags=[tag]),
    }
    for position, work in enumerate(works.values(), 1):
        SeriesPart.objects.create(series=series, work=work, position=position)
        Bookmark.objects.create(user=author, work=work)
    factories.WorkFactory(title="Visible", creators=[author], tags=[tag])
    return {"tag": tag, "series": series, **works}


def _titles(rows) -> set[str]:
    return {row["title"] if "title" in row else (row.get("work") or {}).get("title") for row in rows}


def test_a_guest_cannot_reach_a_draft_hidden_or_restricted_work_by_any_endpoint(client, unseen):
    secret = {"Draft", "Hidden", "Restricted"}
    for url in (
        "/api/v1/works",
        "/api/v1/works?q=Draft",
        "/api/v1/works?q=Restricted",
        f"/api/v1/tags/{unseen['tag'].slug}/works",
        "/api/v1/users/author/works",
        "/api/v1/users/author/bookmarks",
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert not _titles(response.json()["results"]) & secret, url
    parts = client.get(f"/api/v1/series/{unseen['series'].pk}").json()["parts"]
    assert parts == []
    for name in ("draft", "hidden", "restricted"):
        work = unseen[name]
        for url in (f"/api/v1/works/{work.pk}", f"/api/v1/works/{work.pk}/chapters/1"):
            assert client.get(url).status_code == 404, url
        assert client.head(f"/api/v1/works/{work.pk}").status_code == 404


def test_a_signed_in_reader_sees_restricted_works_but_not_others_drafts(client, unseen, read_token):
    titles = _titles(client.get("/api/v1/works", **bearer(read_token)).json()["results"])
    assert titles == {"Visible", "Restricted"}
    assert client.get(f"/api/v1/works/{unseen['draft'].pk}", **bearer(read_token)).status_code == 404
    assert client.get(f"/api/v1/works/{unseen['restricted'].pk}", **bearer(read_token)).status_code == 200


def test_the_session_cookie_does_not_sign_in_to_the_api(client, reader, unseen):
    client.force_login(reader)
    titles = _titles(client.get("/api/v1/works").json()["results"])
    assert titles == {"Visible"}
    assert client.get("/api/v1/me").status_code == 401


def test_mutes_apply_to_a_token_holder(client, reader, read_token):
    muted = factories.TagFactory(name="Muted")
    factories.WorkFactory(title="Muted work", tags=[muted])
    factories.WorkFactory(title="Kept work")
    preference = ReaderPreference.objects.create(user=reader)
    preference.muted_tags.add(muted)
    assert _titles(client.get("/api/v1/works", **bearer(read_token)).json()["results"]) == {"Kept work"}
    assert _titles(client.get("/api/v1/works").json()["results"]) == {"Kept work", "Muted work"}


def test_a_revoked_token_is_refused_at_once(client, reader):
    token, secret = token_create(user=reader, name="tool", scopes=["read"])
    assert client.get("/api/v1/me", **bearer(secret)).status_code == 200
    token_revoke(token=token, user=reader)
    for url in ("/api/v1/me", "/api/v1/works", "/api/v1/tags"):
        response = client.get(url, **bearer(secret))
        assert response.status_code == 401, url
        assert response["WWW-Authenticate"].startswith("Bearer")


def test_unknown_and_malformed_tokens_are_refused(client, reader):
    for header in ("Bearer nope", "Bearer ", "Token abc", "Basic cmVhZGVyOng="):
        assert client.get("/api/v1/works", HTTP_AUTHORIZATION=header).status_code == 401, header
    reader.is_active = False
    reader.save()
    _, secret = token_create(user=reader, name="tool", scopes=["read"])
    assert client.get("/api/v1/me", **bearer(secret)).status_code == 401


def test_only_a_digest_of_the_token_is_stored(reader):
    token, secret = token_create(user=reader, name="tool", scopes=["write"])
    row = ApiToken.objects.get(pk=token.pk)
    assert secret not in (row.digest, row.hint) and len(row.digest) == 64
    assert row.scopes == ["read", "write"]


def test_the_readers_own_lists(client, reader, read_token):
    kept, later, read = (
        factories.WorkFactory(title="Kept"),
        factories.WorkFactory(title="Later"),
        factories.WorkFactory(title="Read"),
    )
    Bookmark.objects.create(user=reader, work=kept, is_private=True, note="mine")
    Bookmark.objects.create(user=reader, work=later, for_later=True, is_private=True)
    ReadingPosition.objects.create(user=reader, work=read, chapter=read.chapters.first(), read_at=read.updated_at)
    Subscription.objects.create(user=reader, work=kept)
    headers = bearer(read_token)
    assert _titles(client.get("/api/v1/me/bookmarks", **headers).json()["results"]) == {"Kept"}
    assert _titles(client.get("/api/v1/me/later", **headers).json()["results"]) == {"Later"}
    history = client.get("/api/v1/me/history", **headers).json()["results"]
    assert [(row["work"]["title"], row["chapter"]) for row in history] == [("Read", 1)]
    subscriptions = client.get("/api/v1/me/subscriptions", **headers).json()["results"]
    assert [(row["kind"], row["title"]) for row in subscriptions] == [("work", "Kept")]
    # A private bookmark is not public.
    assert client.get("/api/v1/users/reader/bookmarks").json()["results"] == []


def test_writes_need_the_write_scope(client, reader, read_token, write_token):
    work = factories.WorkFactory()
    assert client.post(f"/api/v1/works/{work.pk}/kudos").status_code == 401
    assert client.post(f"/api/v1/works/{work.pk}/kudos", **bearer(read_token)).status_code == 403
    assert not Kudos.objects.exists()
    response = client.post(f"/api/v1/works/{work.pk}/kudos", **bearer(write_token))
    assert response.status_code == 200 and response.json() == {"created": True, "kudos_count": 1}
    again = client.post(f"/api/v1/works/{work.pk}/kudos", **bearer(write_token))
    assert again.json() == {"created": False, "kudos_count": 1}


def test_bookmark_put_and_delete(client, reader, write_token):
    work = factories.WorkFactory()
    url = f"/api/v1/works/{work.pk}/bookmark"
    body = {"note": "Lovely <script>alert(1)</script>", "tags": ["re-read", "Re-read", "comfort"]}
    response = client.put(url, body, content_type="application/json", **bearer(write_token))
    assert response.status_code == 200, response.content
    saved = response.json()
    assert saved["tags"] == ["re-read", "comfort"] and "<script" not in saved["note_html"]
    work.refresh_from_db()
    assert work.bookmark_count == 1
    too_long = client.put(url, {"note": "x" * 5001}, content_type="application/json", **bearer(write_token))
    assert too_long.status_code == 400
    assert Bookmark.objects.get(user=reader).note.startswith("Lovely")
    assert client.delete(url, **bearer(write_token)).status_code == 204
    assert client.delete(url, **bearer(write_token)).status_code == 404
    work.refresh_from_db()
    assert work.bookmark_count == 0 and not Bookmark.objects.exists()


def test_no_kudos_or_bookmark_on_a_work_the_reader_cannot_open(client, write_token):
    draft = factories.WorkFactory(status="draft")
    assert client.post(f"/api/v1/works/{draft.pk}/kudos", **bearer(write_token)).status_code == 404
    put = client.put(f"/api/v1/works/{draft.pk}/bookmark", {}, content_type="application/json", **bearer(write_token))
    assert put.status_code == 404
    assert not Kudos.objects.exists() and not Bookmark.objects.exists()


def test_rate_limits_answer_429_with_retry_after(client, settings, reader):
    settings.QUIRE_API_RATE = "3/m"
    for _ in range(3):
        assert client.get("/api/v1/tags").status_code == 200
    limited = client.get("/api/v1/tags")
    assert limited.status_code == 429
    assert 1 <= int(limited["Retry-After"]) <= 60
    assert limited.json()["detail"]
    # Each token has its own budget, apart from the address's.
    _, secret = token_create(user=reader, name="tool", scopes=["read"])
    assert client.get("/api/v1/tags", **bearer(secret)).status_code == 200


def test_cors_is_read_only(client, write_token):
    work = factories.WorkFactory()
    preflight = client.options(
        "/api/v1/works", HTTP_ORIGIN="https://elsewhere.example", HTTP_ACCESS_CONTROL_REQUEST_METHOD="GET"
    )
    assert preflight.status_code == 204
    assert preflight["Access-Control-Allow-Origin"] == "*"
    assert "POST" not in preflight["Access-Control-Allow-Methods"]
    assert "Access-Control-Allow-Credentials" not in preflight
    assert client.get("/api/v1/works")["Access-Control-Allow-Origin"] == "*"
    post = client.post(f"/api/v1/works/{work.pk}/kudos", **bearer(write_token))
    assert "Access-Control-Allow-Origin" not in post
    # Nothing outside /api/ gets CORS headers.
    assert "Access-Control-Allow-Origin" not in client.get("/works/")


def test_etag_and_last_modified_answer_304(client):
    work = factories.WorkFactory()
    first = client.get(f"/api/v1/works/{work.pk}")
    assert first.status_code == 200
    same = client.get(f"/api/v1/works/{work.pk}", HTTP_IF_NONE_MATCH=first["ETag"])
    assert same.status_code == 304 and same.content == b""
    since = client.get(f"/api/v1/works/{work.pk}", HTTP_IF_MODIFIED_SINCE=first["Last-Modified"])
    assert since.status_code == 304
    work.title = "Renamed"
    work.save()
    changed = client.get(f"/api/v1/works/{work.pk}", HTTP_IF_NONE_MATCH=first["ETag"])
    assert changed.status_code == 200 and changed["ETag"] != first["ETag"]


def test_cursors_page_through_and_refuse_tampering(client):
    for _ in range(45):
        factories.WorkFactory()
    first = client.get("/api/v1/works", {"sort": "title"}).json()
    assert first["count"] == 45 and first["previous"] is None
    second = client.get("/api/v1/works", {"sort": "title", "cursor": first["next"]}).json()
    third = client.get(first["next_url"].replace("http://testserver", "")).json()
    assert second == third
    assert not {r["id"] for r in first["results"]} & {r["id"] for r in second["results"]}
    assert client.get("/api/v1/works", {"sort": "words", "cursor": first["next"]}).status_code == 400
    assert client.get("/api/v1/works", {"cursor": first["next"][:-2] + "xx"}).status_code == 400
    assert client.get("/api/v1/works", {"cursor": "garbage"}).status_code == 400


@pytest.mark.parametrize(
    "query",
    [
        "rating=nope",
        "tag=no-such-tag",
        "words_min=-1",
        "words_min=9&words_max=3",
        "updated_from=2020-13-01",
        "language=x!",
    ],
)
def test_bad_filters_get_400_with_the_reason(client, query):
    response = client.get(f"/api/v1/works?{query}")
    assert response.status_code == 400
    assert response.json()["detail"]


@pytest.mark.parametrize(
    "url", ["/api/v1/works", "/api/v1/users/author/works", "/api/v1/users/author/bookmarks", "/api/v1/tags"]
)
def test_list_endpoints_run_a_constant_number_of_queries(client, author, django_assert_max_num_queries, url):
    def fill(n):
        for _ in range(n):
            work = factories.WorkFactory(
                creators=[author], tags=[factories.TagFactory(), factories.TagFactory(kind="fandom")]
            )
            Bookmark.objects.create(user=author, work=work)

    fill(5)
    # A client's first request creates its rate-limit counter (one statement more than
    # every later request, see core/counters.py): make it before counting.
    assert client.get(url).status_code == 200
    cache.clear()  # guests' counts and facets are cached: both requests build theirs
    with django_assert_max_num_queries(12) as few:
        assert client.get(url).status_code == 200
    fill(35)
    cache.clear()
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(url).status_code == 200
