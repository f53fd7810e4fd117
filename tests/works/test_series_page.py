"""The series page as readers expect it: creators, description, notes, word and
work counts, complete status, subscribe and bookmark (with a note and tags, like a
work's bookmark); its creators edit its words; a fixed number of queries."""

import pytest
from bs4 import BeautifulSoup
from django.test import Client
from django.urls import reverse

from stories.models import Bookmark, Series, Subscription, Work
from tests import factories
from tests.helpers import assert_valid_html

pytestmark = pytest.mark.django_db


@pytest.fixture
def saga(author):
    works = [factories.WorkFactory(title=t, creators=[author]) for t in ("Low tide", "High tide")]
    series = factories.SeriesFactory(
        title="Tides", works=works, description="Two *tides*.", notes="Read **in order**.<script>alert(1)</script>"
    )
    series.creators.add(author)
    return series, works


def soup_of(response) -> BeautifulSoup:
    return BeautifulSoup(response.content, "html.parser")


def meta(response) -> dict[str, str]:
    block = soup_of(response).select_one(".series-meta > dl")
    return {dt.get_text(): dt.find_next_sibling("dd") for dt in block.find_all("dt", recursive=False)}


def test_notes_are_markdown_sanitised_like_the_description(saga):
    series, _ = saga
    assert series.notes_html.startswith("<p>Read <strong>in order</strong>.")
    assert "<script" not in series.notes_html and "alert(1)" not in series.notes_html.replace("&lt;", "")


def test_the_series_page_shows_what_a_reader_looks_for(client, reader, saga, author):
    series, works = saga
    client.force_login(reader)
    response = client.get(series.get_absolute_url())
    assert_valid_html(response)
    rows = meta(response)
    assert rows["Creators:"].get_text(strip=True) == "author"
    assert rows["Description:"].select_one("em").get_text() == "tides"
    assert rows["Notes:"].select_one("strong").get_text() == "in order"
    assert rows["Notes:"].select_one("script") is None
    stats = {dt.get_text(): dt.find_next_sibling("dd").get_text() for dt in rows["Stats:"].select("dt")}
    assert stats == {"Words:": str(sum(w.word_count for w in works)), "Works:": "2", "Complete:": "No"}
    page = soup_of(response)
    assert page.select_one(f"form[action='{reverse('stories:subscription-create', args=['series', series.pk])}']")
    bookmark = page.select_one("#bookmark-form")
    assert bookmark.select_one("summary").get_text() == "Bookmark series"
    assert {f["name"] for f in bookmark.select("textarea, input")} >= {
        "note",
        "tags",
        "is_private",
        "csrfmiddlewaretoken",
    }
    # Only creators are offered the edit page.
    assert page.find("a", string="Edit the series") is None


def test_a_reader_bookmarks_a_series_with_a_note_and_tags_and_finds_it_in_their_bookmarks(client, reader, saga):
    series, _ = saga
    client.force_login(reader)
    response = client.post(
        reverse("stories:bookmark-save", args=["series", series.pk]),
        {"note": "The *best* one", "tags": "seaside, rereads", "next": series.get_absolute_url() + "#bookmark-form"},
    )
    assert response["Location"] == series.get_absolute_url() + "#bookmark-form"
    bookmark = Bookmark.objects.get(user=reader)
    assert bookmark.series == series and bookmark.tags == ["seaside", "rereads"]
    assert bookmark.note_html == "<p>The <em>best</em> one</p>"
    # Back on the series page the form edits that bookmark.
    again = soup_of(client.get(series.get_absolute_url())).select_one("#bookmark-form")
    assert again.select_one("summary").get_text() == "Edit bookmark"
    assert again.select_one("[name=tags]")["value"] == "seaside, rereads"
    listed = client.get(reverse("stories:user-bookmarks", args=["reader"]))
    assert_valid_html(listed)
    entry = soup_of(listed).select_one(".bookmark-list .series-blurb")
    assert entry.select_one(".blurb-title a")["href"] == series.get_absolute_url()
    assert "by author" in entry.get_text(" ", strip=True)
    assert entry.select_one(".summary em").get_text() == "tides"
    filtered = client.get(reverse("stories:user-bookmarks", args=["reader"]), {"tag": "seaside"})
    assert "Tides" in filtered.content.decode()
    # Others see a public series bookmark; a private one is the reader's own.
    stranger = Client()
    assert "Tides" in stranger.get(reverse("stories:user-bookmarks", args=["reader"])).content.decode()
    client.post(reverse("stories:bookmark-save", args=["series", series.pk]), {"is_private": "on"})
    assert Bookmark.objects.count() == 1
    assert "Tides" not in stranger.get(reverse("stories:user-bookmarks", args=["reader"])).content.decode()


def test_a_bookmarked_series_that_turns_private_leaves_public_lists(client, reader, saga):
    series, works = saga
    Bookmark.objects.create(user=reader, series=series, note="public")
    Work.objects.filter(pk__in=[w.pk for w in works]).update(status=Work.Status.DRAFT)
    assert "Tides" not in client.get(reverse("stories:user-bookmarks", args=["reader"])).content.decode()
    client.force_login(reader)
    assert "Tides" not in client.get(reverse("stories:user-bookmarks", args=["reader"])).content.decode()


def test_subscribing_to_a_series_from_its_page(client, reader, saga):
    series, _ = saga
    client.force_login(reader)
    client.post(reverse("stories:subscription-create", args=["series", series.pk]))
    assert Subscription.objects.filter(user=reader, series=series).exists()
    assert soup_of(client.get(series.get_absolute_url())).find("button", string="Unsubscribe") is not None


def test_a_guest_sees_the_series_without_reader_actions(client, saga):
    series, _ = saga
    response = client.get(series.get_absolute_url())
    assert response.status_code == 200 and soup_of(response).select_one("#bookmark-form") is None
    assert client.post(reverse("stories:bookmark-save", args=["series", series.pk]), {"note": "x"}).status_code == 302
    assert not Bookmark.objects.exists()


def test_creators_edit_the_series_words(author_client, saga):
    series, _ = saga
    page = soup_of(author_client.get(series.get_absolute_url()))
    edit_url = page.find("a", string="Edit the series")["href"]
    assert edit_url == reverse("stories:series-edit", args=[series.pk])
    form_page = author_client.get(edit_url)
    assert_valid_html(form_page)
    assert soup_of(form_page).select_one("[name=notes]").get_text().strip().startswith("Read **in order**.")
    response = author_client.post(
        edit_url,
        {
            "title": "  Tides\u00a0and currents ",
            "description": "New *words*.",
            "notes": "Part two\nends it.",
            "is_complete": "on",
        },
    )
    assert response.status_code == 302 and response["Location"] == series.get_absolute_url()
    series.refresh_from_db()
    assert series.title == "Tides and currents" and series.is_complete
    assert series.description_html == "<p>New <em>words</em>.</p>"
    assert series.notes_html == "<p>Part two<br>\nends it.</p>"
    stats = meta(author_client.get(series.get_absolute_url()))["Stats:"]
    assert "Complete:Yes" in stats.get_text()


@pytest.mark.parametrize(
    "data, message",
    [
        ({"title": "   "}, "This field is required."),
        ({"title": "\u202e\u202c"}, "A series needs a title."),
        ({"title": "Fine", "description": "x" * 1251}, "at most 1250 characters"),
        ({"title": "Fine", "notes": "y" * 5001}, "at most 5000 characters"),
    ],
)
def test_bad_series_words_get_a_message_and_change_nothing(author_client, saga, data, message):
    series, _ = saga
    response = author_client.post(reverse("stories:series-edit", args=[series.pk]), data)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert Series.objects.get(pk=series.pk).title == "Tides"


def test_only_creators_may_edit_a_series(client, reader, saga):
    series, _ = saga
    url = reverse("stories:series-edit", args=[series.pk])
    assert client.get(url)["Location"].startswith(reverse("login"))
    client.force_login(reader)
    assert client.get(url).status_code == 404
    assert client.post(url, {"title": "Taken over"}).status_code == 404
    assert client.get(reverse("stories:series-edit", args=[2**40])).status_code == 404
    assert Series.objects.get(pk=series.pk).title == "Tides"


def test_editing_a_series_needs_csrf_and_get_or_post(author, saga):
    series, _ = saga
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(author)
    url = reverse("stories:series-edit", args=[series.pk])
    assert strict.post(url, {"title": "No token"}).status_code == 403
    assert strict.put(url).status_code == 405
    assert Series.objects.get(pk=series.pk).title == "Tides"


@pytest.mark.parametrize("parts", [1, 30])
def test_the_series_page_runs_a_fixed_number_of_queries(client, reader, django_assert_max_num_queries, parts):
    creators = [factories.UserFactory(username=f"maker{i}") for i in range(3)]
    tags = factories.TagFactory.create_batch(3)
    works = [factories.WorkFactory(creators=creators[:2], tags=tags) for _ in range(parts)]
    series = factories.SeriesFactory(title="Long", works=works, notes="n")
    series.creators.add(*creators)
    Bookmark.objects.create(user=reader, series=series, tags=["a"])
    Subscription.objects.create(user=reader, series=series)
    client.force_login(reader)
    client.get(series.get_absolute_url())
    with django_assert_max_num_queries(11):
        response = client.get(series.get_absolute_url())
    assert response.content.decode().count('class="part-number"') == parts
