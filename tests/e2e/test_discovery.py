"""A reader narrows the index from the sidebar, searches, and opens a tag page."""

import re

import pytest
from django.core.cache import cache

from stories.models import TagKind
from tests import factories
from tests.e2e.conftest import screenshot

pytestmark = pytest.mark.django_db(transaction=True)


def count_of(locator) -> int:
    return int(locator.get_attribute("data-count"))


@pytest.fixture
def archive():
    cache.clear()
    naruto = factories.TagFactory(name="Naruto", kind=TagKind.FANDOM, canonical=True)
    factories.TagFactory(name="NARUTO (TV)", kind=TagKind.FANDOM, synonym_of=naruto)
    bleach = factories.TagFactory(name="Bleach", kind=TagKind.FANDOM, canonical=True)
    kakashi = factories.TagFactory(name="Hatake Kakashi", kind=TagKind.CHARACTER)
    fluff = factories.TagFactory(name="Fluff", kind=TagKind.FREEFORM)
    for i in range(7):
        factories.WorkFactory(
            title=f"Leaf story {i}",
            tags=[naruto, kakashi] + ([fluff] if i % 2 else []),
            rating="teen" if i % 3 else "general",
        )
    for i in range(4):
        factories.WorkFactory(title=f"Soul story {i}", tags=[bleach] + ([fluff] if i % 2 else []), rating="teen")
    work = factories.WorkFactory(title="The Lantern", tags=[bleach], chapters=0)
    for position, body in enumerate(["Rain.", "Wind.", "The silver lantern flickered in the dark hall."], start=1):
        factories.ChapterFactory(work=work, position=position, body=body)
    yield naruto
    cache.clear()


def test_reader_filters_the_index_by_clicking_in_the_sidebar(page, archive):
    page.goto("/works/")
    assert count_of(page.locator(".result-count")) == 12
    sidebar = page.get_by_role("complementary", name="Sort and filter")
    naruto_label = sidebar.locator("fieldset[data-kind=fandom] label[for^=f-]", has_text="Naruto")
    expected = count_of(naruto_label.locator(".count"))
    assert expected == 7
    screenshot(page, "works-index")

    naruto_label.click()
    sidebar.get_by_role("button", name="Sort and filter").click()
    page.wait_for_url(re.compile(r"tag=naruto"))
    assert count_of(page.locator(".result-count")) == expected
    assert page.get_by_role("checkbox", name="Include Naruto").is_checked()

    # Now the counts are over the Naruto works: pick a rating and exclude a tag.
    teen = sidebar.locator("label[for=rating-teen]")
    teen_count = count_of(teen.locator(".count"))
    assert teen_count == 4
    teen.click()
    sidebar.get_by_role("checkbox", name="exclude Fluff").check()
    sidebar.get_by_role("button", name="Sort and filter").click()
    page.wait_for_url(re.compile(r"exclude=fluff"))
    assert count_of(page.locator(".result-count")) == 2  # teen works 2 and 4 have no Fluff
    screenshot(page, "works-index-filtered")

    # The URL alone gives the same page: filters are shareable.
    shared = page.url
    page.goto("/")
    page.goto(shared)
    assert count_of(page.locator(".result-count")) == 2


def test_reader_searches_from_the_nav_with_the_keyboard(page, archive):
    page.goto("/")
    page.get_by_role("searchbox", name="Search works").fill('"silver lantern"')
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/search/\?q="))
    assert page.locator(".blurb-title").all_inner_texts() == ["The Lantern"]
    marks = page.locator(".snippet mark").all_inner_texts()
    assert marks == ["silver", "lantern"]
    screenshot(page, "search-results")
    page.locator(".snippet a").click()
    page.wait_for_url(re.compile(r"/chapters/3/"))


def test_tag_page_and_tag_list_on_a_phone(phone_page, archive):
    phone_page.goto("/tags/")
    screenshot(phone_page, "tag-list-phone")
    phone_page.get_by_role("link", name="Naruto").click()
    phone_page.wait_for_url(re.compile(r"/tags/naruto/"))
    assert count_of(phone_page.locator(".result-count")) == 7
    assert "NARUTO (TV)" in phone_page.locator(".synonyms").inner_text()
    width = phone_page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390
    screenshot(phone_page, "tag-page-phone")
