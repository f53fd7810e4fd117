"""Feedback that is true, in a real browser at a phone's width and a desk's: the
default filter saved from the index and read back in words in Preferences; lists
that say how many works mutes hide and show them on request; a series bookmarked
with a note and tags from its page. Log-in brings the reader back each time."""

import pytest
from django.core.cache import cache
from playwright.sync_api import expect

from stories.models import Bookmark, ReaderPreference, TagKind
from tests import factories
from tests.e2e.conftest import no_sideways_scroll, sized_page

pytestmark = pytest.mark.django_db(transaction=True)

WIDTHS = [390, 1280]


@pytest.fixture
def shelf():
    cache.clear()
    factories.UserFactory(username="fan")
    fandom = factories.TagFactory(name="Orchard Keepers", kind=TagKind.FANDOM, canonical=True)
    blight = factories.TagFactory(name="Blight", canonical=True)
    grower = factories.UserFactory(username="grower")
    for i in range(3):
        factories.WorkFactory(title=f"Windfall {i}", warnings=["death"], tags=[fandom], creators=[grower])
    factories.WorkFactory(title="Grafting", tags=[fandom, blight], creators=[grower], is_complete=True)
    factories.WorkFactory(title="Blossom", tags=[fandom], creators=[grower], is_complete=True)
    yield fandom, blight
    cache.clear()


def log_in_from_header(page, path: str) -> None:
    """Open `path` as a guest, follow the header's Log in link and sign in: the
    browser must come back to `path`."""
    page.goto(path)
    page.locator(".nav-account").get_by_role("link", name="Log in").click()
    page.get_by_label("Username").fill("fan")
    page.get_by_label("Password").fill(factories.PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(f"**{path}")


def box_ok(locator) -> bool:
    box = locator.bounding_box()
    return box is not None and box["width"] >= 24 and box["height"] >= 24


@pytest.mark.parametrize("width", WIDTHS)
def test_reader_saves_the_index_filters_as_default_and_reads_them_in_preferences(browser, live_server, shelf, width):
    context, page = sized_page(browser, live_server, width)
    try:
        log_in_from_header(page, "/works/?exclude_warning=death&complete=on")
        titles = page.locator(".blurb-title a").all_inner_texts()
        assert sorted(titles) == ["Blossom", "Grafting"]
        save = page.get_by_role("button", name="Save these filters as my default")
        assert box_ok(save) and save.bounding_box()["y"] < 900
        assert no_sideways_scroll(page)
        page.screenshot(path=f"/tmp/shots13/default-filter-save-{width}.png", full_page=False)
        save.click()
        expect(page.get_by_text("these filters are your default when you open Works")).to_be_visible()
        expect(page.get_by_text("These are your default filters.")).to_be_visible()
        assert ReaderPreference.objects.get(user__username="fan").default_filter == "exclude_warning=death&complete=on"

        page.goto("/works/")
        page.wait_for_url("**/works/?exclude_warning=death&complete=on")
        assert sorted(page.locator(".blurb-title a").all_inner_texts()) == ["Blossom", "Grafting"]

        page.goto("/preferences/")
        section = page.locator("#default-filter")
        expect(section.get_by_role("listitem")).to_have_text(["Not Major Character Death", "Complete works only"])
        expect(section).not_to_contain_text("exclude_warning")
        assert no_sideways_scroll(page)
        page.screenshot(path=f"/tmp/shots13/preferences-default-filter-{width}.png", full_page=True)
        clear = section.get_by_role("button", name="Clear my default filter")
        assert box_ok(clear)
        clear.click()
        expect(page.locator("#default-filter")).to_contain_text("None: Works opens with every work.")
        page.goto("/works/")
        assert page.url.endswith("/works/")
        assert len(page.locator(".blurb-title a").all_inner_texts()) == 5
    finally:
        context.close()


@pytest.mark.parametrize("width", WIDTHS)
def test_lists_say_what_mutes_hide_and_show_it_on_request(browser, live_server, shelf, width):
    _, blight = shelf
    preference = ReaderPreference.objects.create(user=factories.UserFactory(username="fan"))
    preference.muted_tags.add(blight)
    preference.muted_creators.add(factories.UserFactory(username="grower"))
    context, page = sized_page(browser, live_server, width)
    try:
        log_in_from_header(page, "/users/grower/")
        # Every work of this author is muted: the page says so instead of "No works yet".
        expect(page.locator(".mutes-note")).to_contain_text("5 works hidden by your mutes.")
        expect(page.get_by_text("No works yet")).to_have_count(0)
        assert no_sideways_scroll(page)
        page.screenshot(path=f"/tmp/shots13/author-muted-{width}.png", full_page=False)
        show = page.locator(".mutes-note").get_by_role("link", name="Show them")
        assert box_ok(show)
        show.click()
        expect(page.locator(".blurb-title a")).to_have_count(5)
        expect(page.locator(".mutes-note")).to_contain_text("Showing the works your mutes hide.")

        page.goto("/works/")
        expect(page.locator(".mutes-note")).to_contain_text("5 works hidden by your mutes.")
        expect(page.locator(".blurb-title a")).to_have_count(0)
        page.locator(".mutes-note").get_by_role("link", name="Show them").click()
        expect(page.locator(".blurb-title a")).to_have_count(5)
        page.locator(".mutes-note").get_by_role("link", name="Hide them again").click()
        expect(page.locator(".blurb-title a")).to_have_count(0)
        assert "mutes=off" not in page.url
    finally:
        context.close()


@pytest.mark.parametrize("width", WIDTHS)
def test_reader_bookmarks_a_series_from_its_page(browser, live_server, shelf, width):
    grower = factories.UserFactory(username="grower")
    works = [factories.WorkFactory(title=f"Season {i}", creators=[grower]) for i in (1, 2)]
    series = factories.SeriesFactory(
        title="Four seasons", works=works, description="A *year*.", notes="Start in spring."
    )
    series.creators.add(grower)
    context, page = sized_page(browser, live_server, width)
    try:
        log_in_from_header(page, series.get_absolute_url())
        meta = page.locator(".series-meta")
        expect(meta).to_contain_text("grower")
        expect(meta).to_contain_text("Start in spring.")
        expect(meta.locator(".work-stats")).to_contain_text("Works:2")
        assert no_sideways_scroll(page)
        page.screenshot(path=f"/tmp/shots13/series-{width}.png", full_page=True)
        summary = page.locator("#bookmark-form summary")
        assert box_ok(summary)
        summary.click()
        page.get_by_label("Your note").fill("Reread every *winter*")
        page.get_by_label("Your tags").fill("cosy, seasons")
        page.get_by_role("button", name="Save bookmark").click()
        expect(page.get_by_text("Bookmark saved.")).to_be_visible()
        assert page.url.endswith("#bookmark-form")
        bookmark = Bookmark.objects.get(user__username="fan")
        assert bookmark.series_id == series.pk and bookmark.tags == ["cosy", "seasons"]
        page.goto("/users/fan/bookmarks/")
        entry = page.locator(".series-blurb")
        expect(entry.get_by_role("link", name="Four seasons")).to_be_visible()
        expect(page.locator(".bookmark-note")).to_contain_text("Reread every winter")
        assert no_sideways_scroll(page)
    finally:
        context.close()
