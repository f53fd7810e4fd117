"""Reading as on AO3, at 390 px and 1280 px: chapter to chapter from the top
navigation, kudos that leave the reader in place, the entire work with one comment
box, a series of three read from part to part, and the posting preview."""

import re

import pytest
from django.core.cache import cache

from stories.models import Series
from stories.works.services import series_add_work
from tests import factories

pytestmark = pytest.mark.django_db(transaction=True)
WIDTHS = [390, 1280]


@pytest.fixture
def context_for(browser, live_server):
    contexts = []

    def make(width):
        context = browser.new_context(
            base_url=live_server.url, viewport={"width": width, "height": 844}, is_mobile=width < 600
        )
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(15_000)
        return page

    yield make
    for context in contexts:
        context.close()
    cache.clear()


@pytest.fixture
def novel():
    cache.clear()
    work = factories.WorkFactory(title="Long road", chapters=0, rating="general")
    for position in range(1, 5):
        body = "\n\n".join(f"Step {position}, paragraph {n}. " * 12 for n in range(30))
        factories.ChapterFactory(work=work, position=position, title=f"Step {position}", body=body)
    return work


def in_view(page, selector) -> bool:
    return page.evaluate(
        """(sel) => { const r = document.querySelector(sel).getBoundingClientRect();
                      return r.bottom > 0 && r.top < window.innerHeight; }""",
        selector,
    )


@pytest.mark.parametrize("width", WIDTHS)
def test_reading_chapter_to_chapter_from_the_top(context_for, novel, width):
    page = context_for(width)
    page.goto(novel.get_absolute_url())
    for position in (2, 3, 4):
        top_nav = page.locator("nav.chapter-nav").first
        assert top_nav.bounding_box()["y"] < page.locator(f"#chapter-{position - 1}").bounding_box()["y"]
        top_nav.get_by_role("link", name="Next chapter →").click()
        page.wait_for_url(re.compile(rf"/chapters/{position}/$"))
        assert page.locator(f"#chapter-{position}").is_visible()
    assert page.locator("nav.chapter-nav").first.get_by_text("Last chapter").is_visible()
    # The index picks a chapter without script: choose, Go.
    page.locator("#chapter-pick-top").select_option("2")
    page.locator("nav.chapter-nav").first.get_by_role("button", name="Go").click()
    page.wait_for_url(re.compile(r"/chapters/2/$"))
    page.screenshot(path=f"/tmp/shots13/chapter-{width}.png")


@pytest.mark.parametrize("width", WIDTHS)
def test_kudos_leave_the_reader_where_they_were(context_for, novel, width):
    page = context_for(width)
    page.goto(f"{novel.get_absolute_url()}chapters/3/")
    page.locator("#kudos").scroll_into_view_if_needed()
    page.locator("#kudos").get_by_role("button", name="Leave kudos ♥").click()
    page.wait_for_url(re.compile(r"/chapters/3/#kudos$"))
    assert page.locator("#kudos").get_by_role("button", name="Kudos left ♥").is_visible()
    assert in_view(page, "#kudos")
    assert page.evaluate("window.scrollY") > 1000
    assert "1 guest left kudos" in page.locator(".kudos-list").inner_text()


@pytest.mark.parametrize("width", WIDTHS)
def test_the_entire_work_has_one_comment_box(context_for, novel, width):
    page = context_for(width)
    page.goto(novel.get_absolute_url())
    page.locator("nav.chapter-nav").first.get_by_role("link", name="Entire work").click()
    page.wait_for_url(re.compile(r"view=full"))
    assert page.locator("section.chapter").count() == 4
    assert page.locator("form.comment-form").count() == 1
    page.get_by_label("Your name").fill("Passer-by")
    page.get_by_label("Comment on this work").fill("What a road.")
    page.get_by_role("button", name="Post comment").click()
    page.wait_for_load_state()
    assert page.get_by_text("What a road.").is_visible()


@pytest.mark.parametrize("width", WIDTHS)
def test_a_series_of_three_read_from_part_to_part(context_for, width):
    cache.clear()
    series = Series.objects.create(title="Seasons", description="Three seasons of one year.")
    works = [factories.WorkFactory(title=title) for title in ("Spring", "Summer", "Autumn")]
    for work in works:
        series_add_work(series=series, work=work)
    series.creators.add(works[0].creator_users[0])
    page = context_for(width)
    page.goto(series.get_absolute_url())
    page.screenshot(path=f"/tmp/shots13/series-{width}.png", full_page=True)
    assert "3" in page.locator(".series-meta .work-stats").inner_text()
    page.get_by_role("link", name="Spring").click()
    for title in ("Summer", "Autumn"):
        page.locator("nav.series-nav").get_by_role("link", name=re.compile("Next work")).click()
        page.wait_for_load_state()
        assert page.locator("h1").inner_text() == title
    assert page.locator("nav.series-nav a[rel=next]").count() == 0
    page.locator("nav.series-nav").get_by_role("link", name=re.compile("Previous work")).click()
    page.wait_for_load_state()
    assert page.locator("h1").inner_text() == "Summer"


@pytest.mark.parametrize("width", WIDTHS)
def test_preview_shows_the_work_at_the_top(context_for, width):
    factories.UserFactory(username="writer")
    page = context_for(width)
    page.goto("/accounts/login/?next=/post/")
    page.get_by_label("Username").fill("writer")
    page.get_by_label("Password").fill(factories.PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(re.compile(r"/post/$"))
    page.locator("#id_title").fill("Rain in Konoha")
    page.locator("#id_fandoms").fill("Naruto")
    page.locator("#id_summary").fill("It *rains*.")
    page.get_by_label("No Archive Warnings Apply").check()
    page.locator("textarea[name='chapters-0-body']").fill("The rain fell all night.")
    page.get_by_role("button", name="Preview").click()
    page.wait_for_url(re.compile(r"#preview$"))
    preview = page.locator("section#preview")
    assert in_view(page, "section#preview")
    assert "Rain in Konoha" in preview.inner_text() and "Naruto" in preview.inner_text()
    assert preview.locator("blockquote em").inner_text() == "rains"
    assert "The rain fell all night." in preview.inner_text()
    page.screenshot(path=f"/tmp/shots13/preview-{width}.png")
