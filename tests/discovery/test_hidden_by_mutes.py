"""Lists say how many works the reader's mutes hide from them, with a link that
shows the list with the mutes off (this view only): the index, a tag page, search
and an author's page."""

import datetime

import pytest
from bs4 import BeautifulSoup
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from stories.models import ReaderPreference, ReadingPosition, TagKind, Work
from tests import factories
from tests.helpers import assert_valid_html, blurb_titles

pytestmark = pytest.mark.django_db


def note(response) -> str:
    """The text of the page's mutes note ("" when there is none)."""
    found = BeautifulSoup(response.content, "html.parser").select_one(".mutes-note")
    return found.get_text(" ", strip=True) if found else ""


def note_link(response, text: str) -> str:
    soup = BeautifulSoup(response.content, "html.parser")
    return next(a["href"] for a in soup.select(".mutes-note a") if a.get_text() == text)


@pytest.fixture
def shelf(reader):
    """Four works in one fandom: two carry a tag the reader muted, one is by an
    author they muted, one they may see."""
    fandom = factories.TagFactory(name="Lighthouse Keepers", kind=TagKind.FANDOM, canonical=True)
    gloom = factories.TagFactory(name="Endless Gloom", canonical=True)
    gloomy = factories.TagFactory(name="gloom (endless)", synonym_of=gloom)
    shouter = factories.UserFactory(username="shouter")
    factories.WorkFactory(title="Foghorn nights", tags=[fandom, gloom])
    factories.WorkFactory(title="Storm lantern", tags=[fandom, gloomy], is_complete=True)
    factories.WorkFactory(title="Loud beacon", tags=[fandom], creators=[shouter])
    factories.WorkFactory(title="Quiet harbour", tags=[fandom], is_complete=True)
    preference = ReaderPreference.objects.create(user=reader)
    preference.muted_tags.add(gloom)
    preference.muted_creators.add(shouter)
    return fandom, shouter


def test_the_index_counts_what_mutes_hide_and_shows_them_on_request(client, reader, shelf):
    client.force_login(reader)
    response = client.get(reverse("stories:work-list"))
    assert blurb_titles(response) == {"Quiet harbour"}
    assert note(response).startswith("3 works hidden by your mutes. Show them")
    shown = client.get(note_link(response, "Show them"))
    assert_valid_html(shown)
    assert blurb_titles(shown) == {"Foghorn nights", "Storm lantern", "Loud beacon", "Quiet harbour"}
    assert note(shown).startswith("Showing the works your mutes hide. Hide them again")
    # The mutes stay off while the reader filters that view, and come back with one click.
    filtered = client.get(reverse("stories:work-list"), {"complete": "on", "mutes": "off"})
    assert blurb_titles(filtered) == {"Storm lantern", "Quiet harbour"}
    assert 'name="mutes" value="off"' in filtered.content.decode()
    again = client.get(note_link(filtered, "Hide them again"))
    assert blurb_titles(again) == {"Quiet harbour"}
    assert note(again).startswith("1 work hidden by your mutes.")


def test_the_count_follows_the_filters_of_the_list(client, reader, shelf):
    client.force_login(reader)
    response = client.get(reverse("stories:work-list"), {"complete": "on", "sort": "title"})
    assert note(response).startswith("1 work hidden by your mutes.")
    # The link keeps the filters and the sort, and starts again at page 1.
    href = note_link(response, "Show them")
    assert href.startswith("/works/?") and "complete=on" in href and "sort=title" in href and "mutes=off" in href
    assert "page=" not in note_link(client.get(reverse("stories:work-list"), {"page": "1"}), "Show them")


def test_a_tag_page_and_search_say_so_too(client, reader, shelf):
    fandom, _ = shelf
    client.force_login(reader)
    tag_page = client.get(fandom.get_absolute_url())
    assert note(tag_page).startswith("3 works hidden by your mutes.")
    assert blurb_titles(client.get(note_link(tag_page, "Show them"))) == {
        "Foghorn nights",
        "Storm lantern",
        "Loud beacon",
        "Quiet harbour",
    }
    search = client.get(reverse("stories:search"), {"q": "lantern"})
    assert blurb_titles(search) == set()
    assert note(search).startswith("1 work hidden by your mutes.")
    shown = client.get(note_link(search, "Show them"))
    assert blurb_titles(shown) == {"Storm lantern"}
    assert "q=lantern" in note_link(shown, "Hide them again")


def test_an_author_page_whose_works_are_all_muted_says_so(client, reader, shelf):
    _, shouter = shelf
    factories.WorkFactory(title="Second shout", creators=[shouter])
    client.force_login(reader)
    url = reverse("stories:user-detail", args=["shouter"])
    response = client.get(url)
    assert_valid_html(response)
    page = response.content.decode()
    assert "No works yet" not in page
    assert note(response).startswith("2 works hidden by your mutes. Show them")
    shown = client.get(note_link(response, "Show them"))
    assert blurb_titles(shown) == {"Loud beacon", "Second shout"}
    assert note(shown).startswith("Showing the works your mutes hide.")


def test_an_author_without_works_still_has_none(client, reader, shelf):
    factories.UserFactory(username="newcomer")
    client.force_login(reader)
    response = client.get(reverse("stories:user-detail", args=["newcomer"]))
    assert "No works yet" in response.content.decode() and note(response) == ""


def test_other_hiding_rules_count_as_mutes(client, reader):
    read = factories.WorkFactory(title="Read already")
    factories.WorkFactory(title="Still to read", is_complete=True)
    factories.WorkFactory(title="Tag soup", tags=factories.TagFactory.create_batch(4), is_complete=True)
    stale = factories.WorkFactory(title="Abandoned")
    Work.objects.filter(pk=stale.pk).update(updated_at=timezone.now() - datetime.timedelta(days=400))
    hidden = factories.WorkFactory(title="Hidden one", is_complete=True)
    ReadingPosition.objects.create(user=reader, work=read, read_at=timezone.now())
    preference = ReaderPreference.objects.create(user=reader, hide_read_works=True, max_tags=3, stale_wip_months=6)
    preference.hidden_works.add(hidden)
    client.force_login(reader)
    response = client.get(reverse("stories:work-list"))
    assert blurb_titles(response) == {"Still to read"}
    assert note(response).startswith("4 works hidden by your mutes.")
    shown = client.get(note_link(response, "Show them"))
    assert blurb_titles(shown) == {"Read already", "Still to read", "Tag soup", "Abandoned", "Hidden one"}


def test_nothing_is_said_without_mutes_or_to_guests(client, reader, shelf):
    assert note(client.get(reverse("stories:work-list"))) == ""
    # A guest has no mutes to turn off: the parameter changes nothing.
    assert blurb_titles(client.get(reverse("stories:work-list"), {"mutes": "off"})) == {
        "Foghorn nights",
        "Storm lantern",
        "Loud beacon",
        "Quiet harbour",
    }
    ReaderPreference.objects.filter(user=reader).delete()
    ReaderPreference.objects.create(user=reader)
    client.force_login(reader)
    response = client.get(reverse("stories:work-list"))
    assert note(response) == "" and len(blurb_titles(response)) == 4


def test_a_list_that_mutes_do_not_touch_says_nothing(client, reader, shelf):
    client.force_login(reader)
    # The muted tag's works are excluded by the filter already: only the author's count.
    response = client.get(reverse("stories:work-list"), {"exclude_names": "Endless Gloom"})
    assert note(response).startswith("1 work hidden by your mutes.")
    quiet = client.get(reverse("stories:search"), {"q": "harbour"})
    assert blurb_titles(quiet) == {"Quiet harbour"} and note(quiet) == ""


def _many(n: int, muted_tag, fandom) -> None:
    for i in range(n):
        factories.WorkFactory(title=f"Muted {i}", tags=[fandom, muted_tag] if i % 2 else [fandom])


@pytest.mark.parametrize("rows", [1, 40])
def test_lists_with_mutes_run_constant_queries(client, reader, django_assert_max_num_queries, rows):
    fandom = factories.TagFactory(name="Fandom", kind=TagKind.FANDOM, canonical=True)
    muted_tag = factories.TagFactory(name="Muted thing")
    _many(rows, muted_tag, fandom)
    preference = ReaderPreference.objects.create(user=reader, max_tags=10)
    preference.muted_tags.add(muted_tag)
    author = factories.UserFactory(username="prolific")
    for i in range(rows):
        factories.WorkFactory(title=f"By prolific {i}", creators=[author], tags=[muted_tag] if i % 2 else [])
    client.force_login(reader)
    for url, params, limit in [
        # The reader's counts: one query more than without mutes (the hidden count).
        (reverse("stories:work-list"), {}, 10),
        (reverse("stories:work-list"), {"tag": fandom.slug, "sort": "kudos"}, 12),
        (reverse("stories:work-list"), {"mutes": "off"}, 9),
        (fandom.get_absolute_url(), {}, 16),
        (reverse("stories:search"), {"q": "muted"}, 11),
        (reverse("stories:user-detail", args=["prolific"]), {}, 13),
    ]:
        client.get(url, params)  # the session and the blurbs are warm in use
        cache.clear()
        with django_assert_max_num_queries(limit):
            response = client.get(url, params)
        assert response.status_code == 200
        if rows > 1 and params.get("mutes") != "off":
            assert "hidden by your mutes" in note(response)


def test_through_mutes_a_big_list_is_counted_up_to_a_cap_and_says_so(client, reader, shelf, monkeypatch):
    """No tally can hold a total through one reader's mutes, and counting a whole
    archive for each of their pages took seconds: past MUTED_COUNT_CAP the count and
    the paging stop, the page says "N+ works", and the hidden count stops likewise."""
    from stories.discovery import facets, query

    fandom, _ = shelf
    for title in ("Tide tables", "Rope and pulley"):
        factories.WorkFactory(title=title, tags=[fandom])
    monkeypatch.setattr(query, "MUTED_COUNT_CAP", 2)
    monkeypatch.setattr(query, "SEARCH_COUNT_CAP", 2)
    monkeypatch.setattr(facets, "FACET_SAMPLE", 1)  # else a small result is counted from its facets
    client.force_login(reader)
    response = client.get(reverse("stories:work-list"))
    assert_valid_html(response)
    soup = BeautifulSoup(response.content, "html.parser")
    assert soup.select_one(".result-count").get_text(" ", strip=True) == "1–2 of 2+ works"
    assert "counted up to 2" in soup.select_one(".near-note").get_text()
    assert note(response).startswith("2+ works hidden by your mutes.")
    # Filters under the cap count exactly again; with the mutes off the tally counts.
    exact = client.get(reverse("stories:work-list"), {"complete": "on"})
    assert BeautifulSoup(exact.content, "html.parser").select_one(".result-count").get_text(" ", strip=True) == (
        "1–1 of 1 work"
    )
    off = client.get(reverse("stories:work-list"), {"mutes": "off"})
    assert "6 works" in BeautifulSoup(off.content, "html.parser").select_one(".result-count").get_text(" ")
