import pytest

from tests import factories
from tests.e2e.conftest import screenshot

pytestmark = pytest.mark.django_db(transaction=True)


def test_reader_opens_home_goes_to_a_work_and_reads_chapter_one(page):
    author = factories.UserFactory(username="writer")
    factories.WorkFactory(title="The Long Road", creators=[author], chapters=3)

    page.goto("/")
    page.get_by_role("link", name="The Long Road").first.click()
    page.wait_for_url("**/works/*/")
    assert page.get_by_role("heading", level=1).inner_text() == "The Long Road"
    assert "The text of chapter 1." in page.locator(".story-text").inner_text()

    page.get_by_role("link", name="Next chapter →").first.click()
    assert "The text of chapter 2." in page.locator(".story-text").inner_text()
    screenshot(page, "work-chapter-2")


def test_keyboard_reader_skips_to_content_and_follows_a_work_on_a_phone(phone_page):
    factories.WorkFactory(title="Pocket Story", chapters=2)

    phone_page.goto("/works/")
    phone_page.keyboard.press("Tab")
    focused = phone_page.evaluate("document.activeElement.textContent")
    assert focused == "Skip to content"
    phone_page.keyboard.press("Enter")
    link = phone_page.get_by_role("link", name="Pocket Story")
    link.focus()
    phone_page.keyboard.press("Enter")
    phone_page.wait_for_url("**/works/*/")
    assert "The text of chapter 1." in phone_page.locator(".story-text").inner_text()
    # Nothing wider than the phone's screen: no sideways scrolling.
    assert phone_page.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(phone_page, "work-phone")
