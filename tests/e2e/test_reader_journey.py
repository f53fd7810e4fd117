"""A reader's whole journey in a real browser: sign in, pass a content notice,
leave kudos, comment, bookmark, subscribe; the author posts chapter 2; the
reader finds it in the inbox, and history and "Continue reading" follow."""

import re

import pytest
from playwright.sync_api import expect

from stories.models import Bookmark, Chapter, Comment, Subscription, Work
from tests import factories
from tests.e2e.conftest import screenshot
from tests.helpers import jobs_run_pending

pytestmark = pytest.mark.django_db(transaction=True)


def log_in(page, username: str, next_url: str) -> None:
    page.goto(f"/accounts/login/?next={next_url}")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(factories.PASSWORD)
    page.get_by_role("button", name="Log in").click()


def test_reader_journey_from_notice_to_continue_reading(page, browser, live_server):
    author = factories.UserFactory(username="writer")
    factories.UserFactory(username="fan")
    work = factories.WorkFactory(title="Night Shift", creators=[author], rating="mature", chapters=1)
    # The worker runs queued notices within seconds: those of the work's creation go
    # out now, before the fan subscribes, not after.
    jobs_run_pending()

    log_in(page, "fan", work.get_absolute_url())
    expect(page.get_by_role("heading", name="Content notice")).to_be_visible()
    screenshot(page, "reader-content-notice")
    page.get_by_role("button", name="Proceed").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Night Shift")

    page.get_by_role("button", name="Kudos ♥").first.click()
    expect(page.get_by_text("Thank you for leaving kudos!")).to_be_visible()

    page.get_by_label("Comment on Chapter 1").fill("What a **night**. <script>alert(1)</script>")
    page.get_by_role("button", name="Post comment").click()
    expect(page.locator(".comment-body strong")).to_have_text("night")

    page.locator("#bookmark-form summary").click()
    page.get_by_label("Your note").fill("Re-read on the train")
    page.get_by_label("Your tags").fill("night, favourites")
    page.get_by_role("button", name="Save bookmark").click()
    expect(page.get_by_text("Bookmark saved.")).to_be_visible()

    page.get_by_role("button", name="Subscribe").click()
    expect(page.get_by_text("Subscribed to Night Shift")).to_be_visible()
    screenshot(page, "reader-work-page-after-actions")

    work.refresh_from_db()
    assert (work.kudos_count, work.comment_count, work.bookmark_count) == (1, 1, 1)
    assert Comment.objects.get().body.startswith("What a **night**")
    assert Bookmark.objects.get().tags == ["night", "favourites"]
    assert Subscription.objects.filter(work=work).exists()

    # The author, in a browser of their own, posts chapter 2 through the chapter form.
    author_context = browser.new_context(base_url=live_server.url)
    author_page = author_context.new_page()
    log_in(author_page, "writer", f"/works/{work.pk}/chapters/new/")
    author_page.get_by_label("Chapter title").fill("Dawn")
    author_page.get_by_label("Chapter text").fill("The sun came up over the ward.")
    author_page.get_by_role("button", name="Add chapter").click()
    author_page.wait_for_url(f"**/works/{work.pk}/chapters/2/")
    author_context.close()
    assert Chapter.objects.filter(work=work, position=2, title="Dawn").exists()
    # Subscription notices are sent by the job queue; run it as the worker would.
    assert any(name.endswith("notify_chapter_added") for name in jobs_run_pending())

    page.goto("/")
    page.locator(".user-menu summary").click()  # the badge shows on the menu; Inbox is inside
    page.get_by_role("link", name=re.compile(r"Inbox 1")).click()
    expect(page.get_by_role("heading", name="Inbox")).to_be_visible()
    screenshot(page, "reader-inbox")
    page.get_by_role("link", name="New chapter of Night Shift: Chapter 2: Dawn").click()
    page.wait_for_url(f"**/works/{work.pk}/chapters/2/")
    expect(page.locator(".story-text")).to_contain_text("The sun came up")

    page.goto("/history/")
    continue_link = page.get_by_role("link", name="Continue reading chapter 2")
    expect(continue_link).to_have_attribute("href", f"/works/{work.pk}/chapters/2/")
    screenshot(page, "reader-history")

    page.goto(work.get_absolute_url())
    page.get_by_role("link", name="Continue reading chapter 2").click()
    page.wait_for_url(f"**/works/{work.pk}/chapters/2/")
    assert Work.objects.get(pk=work.pk).chapter_count == 2

    page.goto("/users/fan/bookmarks/")
    expect(page.get_by_text("Re-read on the train")).to_be_visible()
    screenshot(page, "reader-bookmarks")
    page.goto("/preferences/")
    screenshot(page, "reader-preferences")


def test_reader_pages_on_a_phone_and_by_keyboard(phone_page):
    author = factories.UserFactory(username="writer")
    factories.UserFactory(username="fan")
    work = factories.WorkFactory(title="Pocket Story", creators=[author], chapters=2)
    log_in(phone_page, "fan", work.get_absolute_url())
    expect(phone_page.get_by_role("heading", level=1)).to_have_text("Pocket Story")
    # Keyboard: focus the comment box, type, and submit with Enter on the button.
    box = phone_page.get_by_label("Comment on Chapter 1")
    box.focus()
    phone_page.keyboard.type("Typed on a phone")
    phone_page.keyboard.press("Tab")
    expect(phone_page.get_by_role("button", name="Post comment")).to_be_focused()
    phone_page.keyboard.press("Enter")
    expect(phone_page.locator(".comment-body")).to_have_text("Typed on a phone")
    width = phone_page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"page is {width}px wide on a 390px phone"
    screenshot(phone_page, "reader-work-page-phone")
