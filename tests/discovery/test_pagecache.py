"""Guests' list pages come from the cache until anything they show changes
(stories/discovery/pagecache.py, migration 0006_listing_generation)."""

import pytest
from django.contrib.messages import constants
from django.contrib.messages.storage.base import Message
from django.contrib.messages.storage.cookie import CookieStorage
from django.db import connection, transaction
from django.db.models import F
from django.test import RequestFactory
from django.urls import reverse

from stories.discovery.pagecache import HEADER, listing_generation
from stories.models import Tag, TagKind, Work
from tests.factories import TagFactory, UserFactory, WorkFactory
from tests.helpers import blurb_titles as titles

WORK_COUNTERS = {"hit_count", "kudos_count", "comment_count", "bookmark_count"}


@pytest.fixture
def fandom(db):
    tag = TagFactory(name="Cached Fandom", kind=TagKind.FANDOM, canonical=True)
    WorkFactory(title="First work", tags=[tag])
    return tag


def list_urls(fandom: Tag, author) -> list[str]:
    return [
        reverse("stories:home"),
        reverse("stories:work-list"),
        reverse("stories:work-list") + "?sort=title&complete=on",
        reverse("stories:tag-list"),
        fandom.get_absolute_url(),
        reverse("stories:search") + "?q=work",
        reverse("stories:works-feed"),
        reverse("stories:tag-feed", args=[fandom.slug]),
        reverse("stories:user-feed", args=[author.username]),
    ]


def test_every_list_page_and_feed_is_served_from_the_cache_the_second_time(client, fandom, author):
    WorkFactory(title="Second work", tags=[fandom], creators=[author])
    for url in list_urls(fandom, author):
        first = client.get(url)
        second = client.get(url)
        assert first.status_code == second.status_code == 200, url
        assert (first[HEADER], second[HEADER]) == ("miss", "hit"), url
        assert second.content == first.content, url
        assert second["Content-Type"] == first["Content-Type"], url


def test_a_cached_page_costs_one_query(client, fandom, django_assert_max_num_queries):
    url = fandom.get_absolute_url()
    client.get(url)
    with django_assert_max_num_queries(1):
        assert client.get(url)[HEADER] == "hit"


def test_a_posted_work_shows_at_once(client, fandom):
    url = reverse("stories:work-list")
    assert titles(client.get(url)) == {"First work"}
    WorkFactory(title="Just posted", tags=[fandom])
    response = client.get(url)
    assert response[HEADER] == "miss"
    assert titles(response) == {"First work", "Just posted"}
    assert titles(client.get(fandom.get_absolute_url())) == {"First work", "Just posted"}


def test_a_work_hidden_by_a_bare_update_goes_at_once(client, fandom):
    """No model signal fires on a queryset update; the database trigger still does."""
    url = fandom.get_absolute_url()
    client.get(url)
    Work.objects.filter(title="First work").update(is_hidden=True)
    assert titles(client.get(url)) == set()


def test_wrangling_a_synonym_moves_its_works_at_once(client, fandom):
    loose = TagFactory(name="cached fandom (loose)", kind=TagKind.FANDOM)
    WorkFactory(title="Loosely tagged", tags=[loose])
    url = fandom.get_absolute_url()
    assert titles(client.get(url)) == {"First work"}
    Tag.objects.filter(pk=loose.pk).update(synonym_of=fandom)
    assert titles(client.get(url)) == {"First work", "Loosely tagged"}


def test_a_renamed_creator_shows_at_once(client, fandom, author):
    WorkFactory(title="By the author", tags=[fandom], creators=[author])
    url = reverse("stories:work-list")
    assert "author" in client.get(url).content.decode()
    type(author).objects.filter(pk=author.pk).update(username="renamed-author")
    assert "renamed-author" in client.get(url).content.decode()


def test_counters_do_not_empty_the_cache(db, fandom):
    """Kudos and hits change all the time; pages may show them a little old."""
    before = listing_generation()
    Work.objects.update(kudos_count=F("kudos_count") + 1, hit_count=F("hit_count") + 5)
    assert listing_generation() == before
    Work.objects.update(title="Retitled")
    assert listing_generation() > before


def test_every_shown_column_of_a_work_moves_the_generation(db):
    """A column added to works later must be added to the trigger (or be a counter)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT column_name FROM information_schema.columns WHERE table_name = 'stories_work'")
        columns = {row[0] for row in cursor.fetchall()} - {"id"}
        for trigger in ("quire_listing_now", "quire_listing_at_commit"):
            cursor.execute(
                "SELECT event_object_column FROM information_schema.triggered_update_columns "
                "WHERE event_object_table = 'stories_work' AND trigger_name = %s",
                [trigger],
            )
            watched = {row[0] for row in cursor.fetchall()}
            assert watched == columns - WORK_COUNTERS, trigger


@pytest.mark.django_db(transaction=True)
def test_the_generation_moves_again_at_commit():
    """A page read from the old data while a change was not yet committed, and cached
    under the generation the change's statement had already set, must not be served
    once the change is visible."""
    with transaction.atomic():
        WorkFactory(title="Committed later")
        during = listing_generation()
    assert listing_generation() > during


def test_signed_in_readers_always_get_a_fresh_page(client, fandom):
    reader = UserFactory(username="fresh-reader")
    client.force_login(reader)
    url = reverse("stories:work-list")
    for _ in range(2):
        response = client.get(url)
        assert HEADER not in response
        assert "fresh-reader" in response.content.decode()


def test_a_guests_page_is_not_a_signed_in_readers_page(client, fandom):
    """A guest's cached page must not reach a reader, nor a reader's page a guest."""
    url = reverse("stories:work-list")
    client.get(url)
    client.force_login(UserFactory(username="second-reader"))
    assert "second-reader" in client.get(url).content.decode()
    client.logout()
    response = client.get(url)
    assert response[HEADER] == "hit"
    assert "second-reader" not in response.content.decode()
    assert "csrfmiddlewaretoken" not in response.content.decode()


def test_a_guest_with_a_message_waiting_sees_it(client, fandom):
    url = reverse("stories:work-list")
    client.get(url)
    storage = CookieStorage(RequestFactory().get("/"))
    client.cookies["messages"] = storage._encode([Message(constants.SUCCESS, "A message waiting for you")])
    page = client.get(url)
    assert HEADER not in page
    assert "A message waiting for you" in page.content.decode()


def test_errors_and_redirects_are_not_cached(client, fandom):
    bad = reverse("stories:work-list") + "?words_min=lots"
    assert client.get(bad).status_code == 400
    assert HEADER not in client.get(bad)
    missing = reverse("stories:tag-detail", args=["no-such-tag"])
    assert client.get(missing).status_code == 404
    assert HEADER not in client.get(missing)


def test_off_when_the_setting_is_zero(client, fandom, settings):
    settings.QUIRE_PAGE_CACHE_SECONDS = 0
    url = reverse("stories:work-list")
    client.get(url)
    assert HEADER not in client.get(url)
