"""The works index on a phone and a desk: the Filters control at the top, a warning
excluded in a few taps, each chosen filter removable, no sideways scrolling even
with a long unbroken word, tap targets of at least 24×24 px."""

import pytest
from django.core.cache import cache

from stories.models import TagKind
from tests import factories
from tests.e2e.conftest import no_sideways_scroll, sized_page

pytestmark = pytest.mark.django_db(transaction=True)

LONG = "Supercalifragilisticexpialidocious" * 3
WIDTHS = [390, 1280]
TARGETS = (
    ".site-header a, .site-header button, .site-header summary, .site-header input, .filters input, .filters select, .filters button,"
    " .filters-toggle, .pagination a, .chosen-filters a"
)


@pytest.fixture
def shelf(settings):
    cache.clear()
    settings.QUIRE_WORKS_PER_PAGE = 4
    naruto = factories.TagFactory(name="Naruto", kind=TagKind.FANDOM, canonical=True)
    factories.TagFactory(name=LONG, kind=TagKind.FREEFORM)
    long_tag = factories.TagFactory(name=f"Tag{LONG}", kind=TagKind.FREEFORM)
    factories.WorkFactory(title=f"Title{LONG}", tags=[naruto, long_tag])
    for i in range(6):
        factories.WorkFactory(title=f"Dies {i}", warnings=["death"], tags=[naruto])
    for i in range(3):
        factories.WorkFactory(title=f"Lives {i}", tags=[naruto])
    yield
    cache.clear()


def small_targets(page) -> list[str]:
    return page.evaluate(
        """(selector) => [...document.querySelectorAll(selector)].filter(el => {
            const r = el.getBoundingClientRect();
            return r.width > 0 && r.height > 0 && (r.width < 24 || r.height < 24);
        }).map(el => el.outerHTML.slice(0, 80))""",
        TARGETS,
    )


@pytest.mark.parametrize("width", WIDTHS)
def test_reader_excludes_a_warning_from_the_top_of_the_index(browser, live_server, shelf, width):
    context, page = sized_page(browser, live_server, width)
    try:
        page.goto("/works/")
        sidebar = page.locator("#filters")
        if width < 600:
            # The sidebar waits behind the Filters control at the top of the page.
            toggle = page.get_by_role("link", name="Filters")
            assert toggle.bounding_box()["y"] < 400
            assert not sidebar.is_visible()
            toggle.click()
        assert sidebar.is_visible()
        assert sidebar.bounding_box()["y"] < (400 if width < 600 else 300)
        sidebar.get_by_role("checkbox", name="exclude Major Character Death").check()
        page.screenshot(path=f"/tmp/shots13/index-filters-{width}.png")
        sidebar.get_by_role("button", name="Apply filters").click()
        page.wait_for_url("**exclude_warning=death**")
        titles = page.locator(".blurb-title a").all_inner_texts()
        assert titles and not any(title.startswith("Dies") for title in titles)
        assert page.locator(".result-count").inner_text().startswith("1–4 of 4 works")
        chosen = page.locator(".chosen-filters li", has_text="Not Major Character Death")
        assert chosen.is_visible()
        assert small_targets(page) == []
        page.screenshot(path=f"/tmp/shots13/index-excluded-{width}.png", full_page=True)
        chosen.get_by_role("link").click()
        page.wait_for_load_state()
        assert "exclude_warning" not in page.url
        assert page.locator(".result-count").inner_text().startswith("1–4 of 10 works")
    finally:
        context.close()


@pytest.mark.parametrize("width", [320, 390, 1280])
def test_no_sideways_scrolling_with_long_words(browser, live_server, shelf, width):
    context, page = sized_page(browser, live_server, width)
    try:
        for url in ["/works/", "/works/?tag=naruto&page=2", "/", "/tags/", "/search/?q=title"]:
            page.goto(url)
            assert no_sideways_scroll(page), url
            if width < 600:
                page.goto(url.split("#")[0] + "#filters")
                assert no_sideways_scroll(page), url + "#filters"
        page.goto("/works/")
        assert small_targets(page) == []
    finally:
        context.close()
