"""The smaller reader pages in a browser: each renders, works by keyboard where it
matters, and gets a screenshot for a person to look at."""

import pytest
from playwright.sync_api import expect

from stories.models import Bookmark, Comment, Report, Subscription
from stories.readers.unsubscribe import unsubscribe_url
from tests import factories
from tests.e2e.conftest import screenshot
from tests.e2e.test_reader_journey import log_in

pytestmark = pytest.mark.django_db(transaction=True)


def test_report_edit_subscriptions_later_and_follow_bars(page):
    author = factories.UserFactory(username="writer")
    fan = factories.UserFactory(username="fan")
    tag = factories.TagFactory(name="Found Family")
    work = factories.WorkFactory(title="Harbour Lights", creators=[author], tags=[tag])
    series = factories.SeriesFactory(title="Harbour Saga", works=[work])
    comment = Comment.objects.create(work=work, chapter=work.chapters.get(), user=fan, body="Frist")
    Bookmark.objects.create(user=fan, work=work, for_later=True, is_private=True)
    Subscription.objects.create(user=fan, creator=author)

    log_in(page, "fan", f"/comments/{comment.pk}/edit/")
    page.get_by_label("Comment").fill("First, properly.")
    screenshot(page, "reader-comment-edit")
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".comment-body")).to_have_text("First, properly.")

    page.get_by_role("link", name="Report").last.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Report “Harbour Lights”")
    page.get_by_label("What is wrong?").fill("Testing the report form.")
    screenshot(page, "reader-report-form")
    page.get_by_role("button", name="Send report").click()
    expect(page.get_by_text("a moderator will look at your report")).to_be_visible()
    assert Report.objects.get().work == work

    page.goto("/later/")
    expect(page.get_by_role("heading", name="Marked for later")).to_be_visible()
    expect(page.get_by_role("link", name="Harbour Lights")).to_be_visible()
    screenshot(page, "reader-later")

    page.goto(tag.get_absolute_url())
    page.get_by_role("button", name="Subscribe").click()
    expect(page.get_by_role("button", name="Unsubscribe")).to_be_visible()
    screenshot(page, "reader-tag-follow-bar")
    page.goto(series.get_absolute_url())
    screenshot(page, "reader-series-follow-bar")

    page.goto("/subscriptions/")
    expect(page.get_by_role("link", name="writer")).to_be_visible()
    screenshot(page, "reader-subscriptions")
    page.get_by_role("button", name="Unsubscribe").first.click()
    expect(page.get_by_text("Unsubscribed.")).to_be_visible()
    assert Subscription.objects.filter(user=fan).count() == 1

    page.goto(unsubscribe_url(fan))
    screenshot(page, "reader-unsubscribe")
    page.get_by_role("button", name="Unsubscribe from everything").click()
    expect(page.get_by_text("1 subscription ended")).to_be_visible()
    assert not Subscription.objects.filter(user=fan).exists()
