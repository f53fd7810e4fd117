"""The default filter is saved from the works index ("Save these filters as my
default"), shown in words in Preferences with a way to clear it, and applied when
the reader opens the index bare."""

import pytest
from bs4 import BeautifulSoup
from django.test import Client
from django.urls import reverse

from stories.models import ReaderPreference, Tag, TagKind
from tests import factories
from tests.helpers import assert_valid_html, blurb_titles

pytestmark = pytest.mark.django_db

SAVE = "Save these filters as my default"


def save_form(response):
    """The index's save form (None when the page offers none)."""
    soup = BeautifulSoup(response.content, "html.parser")
    button = next((b for b in soup.select(".default-filter button") if b.get_text() == SAVE), None)
    return None if button is None else button.find_parent("form")


def post_form(client, form):
    data = {i["name"]: i.get("value", "") for i in form.select("input[type=hidden]")}
    return client.post(form["action"], data)


def saved(reader) -> str:
    return ReaderPreference.objects.filter(user=reader).values_list("default_filter", flat=True).first() or ""


@pytest.fixture
def works():
    fandom = factories.TagFactory(name="Tidal Pools", kind=TagKind.FANDOM, canonical=True)
    factories.WorkFactory(title="Crab walk", tags=[fandom], is_complete=True)
    factories.WorkFactory(title="Anemone", tags=[fandom], warnings=["death"], is_complete=True)
    factories.WorkFactory(title="Unfinished tide", tags=[fandom])
    return fandom


def test_a_reader_saves_the_index_filters_and_the_index_applies_them(client, reader, works):
    client.force_login(reader)
    url = reverse("stories:work-list")
    params = {"exclude_warning": "death", "complete": "on", "sort": "title", "page": "1"}
    response = client.get(url, params)
    assert blurb_titles(response) == {"Crab walk"}
    form = save_form(response)
    assert form is not None and form["method"] == "post"
    assert form.select_one("input[name=csrfmiddlewaretoken]") is not None
    done = post_form(client, form)
    # Back where the reader was, told it worked; the page number is not part of it.
    assert (
        done.status_code == 302
        and done["Location"] == "/works/?" + "exclude_warning=death&complete=on&sort=title&page=1"
    )
    assert saved(reader) == "exclude_warning=death&complete=on&sort=title"
    back = client.get(done["Location"])
    assert "these filters are your default" in back.content.decode()
    assert save_form(back) is None and "These are your default filters." in back.content.decode()
    # Opened bare, the index applies it; ?all=1 shows everything.
    bare = client.get(url)
    assert bare.status_code == 302 and bare["Location"] == "/works/?exclude_warning=death&complete=on&sort=title"
    assert blurb_titles(client.get(bare["Location"])) == {"Crab walk"}
    assert blurb_titles(client.get(url, {"all": "1"})) == {"Crab walk", "Anemone", "Unfinished tide"}


def test_preferences_show_the_default_in_words_and_clear_it(client, reader, works):
    ReaderPreference.objects.create(
        user=reader, default_filter=f"tag={works.slug}&exclude_warning=death&complete=on&sort=words&direction=asc"
    )
    client.force_login(reader)
    response = client.get(reverse("stories:preferences"))
    assert_valid_html(response)
    soup = BeautifulSoup(response.content, "html.parser")
    section = soup.select_one("#default-filter")
    assert [li.get_text() for li in section.select("li")] == [
        "Tidal Pools",
        "Not Major Character Death",
        "Complete works only",
        "Sorted by Word count, ascending",
    ]
    # Words, not a query string, and no field to type one into.
    assert "exclude_warning" not in section.get_text() and "=" not in section.get_text()
    assert soup.select_one("[name=default_filter]") is None
    clear = next(b for b in section.select("button") if b.get_text() == "Clear my default filter").find_parent("form")
    done = post_form(client, clear)
    assert done["Location"] == reverse("stories:preferences") + "#default-filter"
    assert saved(reader) == ""
    after = BeautifulSoup(client.get(reverse("stories:preferences")).content, "html.parser")
    assert (
        after.select_one("#default-filter")
        .get_text(" ", strip=True)
        .startswith("Default works filter None: Works opens with every work.")
    )
    assert client.get(reverse("stories:work-list")).status_code == 200


def test_a_saved_filter_whose_tag_is_gone_is_said_so(client, reader, works):
    ReaderPreference.objects.create(user=reader, default_filter=f"tag={works.slug}")
    Tag.objects.filter(pk=works.pk).delete()
    client.force_login(reader)
    section = BeautifulSoup(client.get(reverse("stories:preferences")).content, "html.parser").select_one(
        "#default-filter"
    )
    assert "no longer works" in section.get_text()
    assert section.select_one("button").get_text() == "Clear my default filter"


def test_saved_from_a_tag_page_it_keeps_the_filters_not_the_tag(client, reader, works):
    client.force_login(reader)
    response = client.get(works.get_absolute_url(), {"complete": "on", "mutes": "off"})
    post_form(client, save_form(response))
    assert saved(reader) == "complete=on"


def test_no_offer_without_filters_on_search_or_for_guests(client, reader, works):
    assert save_form(client.get(reverse("stories:work-list"), {"complete": "on"})) is None  # a guest
    client.force_login(reader)
    assert save_form(client.get(reverse("stories:work-list"), {"all": "1"})) is None
    assert save_form(client.get(reverse("stories:search"), {"q": "crab", "complete": "on"})) is None
    assert save_form(client.get(reverse("stories:work-list"), {"sort": "title"})) is not None


def test_the_save_url_wants_a_signed_in_post_with_csrf(client, reader):
    url = reverse("stories:default-filter-save")
    guest = client.post(url, {"filters": "complete=on"})
    assert guest.status_code == 302 and guest["Location"].startswith(reverse("login"))
    client.force_login(reader)
    assert client.get(url).status_code == 405
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(reader)
    assert strict.post(url, {"filters": "complete=on"}).status_code == 403
    assert saved(reader) == ""


@pytest.mark.parametrize(
    "bad",
    ["tag=no-such-tag", "words_min=90&words_max=10", "justtext", "https://elsewhere.example/?complete=on", "a=b\nc=d"],
)
def test_bad_filters_are_refused_with_a_message_and_nothing_saved(client, reader, bad):
    ReaderPreference.objects.create(user=reader, default_filter="complete=on")
    client.force_login(reader)
    response = client.post(reverse("stories:default-filter-save"), {"filters": bad, "next": "/works/?x=1"}, follow=True)
    assert response.redirect_chain[0][0] == "/works/?x=1"
    assert "Your default filter was not saved" in response.content.decode()
    assert saved(reader) == "complete=on"


def test_only_filter_fields_are_kept(client, reader):
    client.force_login(reader)
    client.post(
        reverse("stories:default-filter-save"), {"filters": "?q=kiss&mutes=off&page=3&rating=teen&rating=general&x=1"}
    )
    assert saved(reader) == "rating=teen&rating=general"
