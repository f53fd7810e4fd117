"""Trust and safety in a real Chromium: co-creator consent from invitation to
profile, and no Content-Security-Policy violation on any kind of page."""

import re

import pytest
from playwright.sync_api import expect

from stories.models import ReaderPreference
from tests import factories
from tests.core.csp_pages import author_pages, make_site, public_pages, staff_pages

pytestmark = pytest.mark.django_db(transaction=True)


def log_in(page, username: str) -> None:
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(factories.PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(re.compile(r".*/$"))


def log_out(page) -> None:
    # Log out is in the header's account menu, a <details>: open it first.
    page.locator(".user-menu summary").click()
    page.get_by_role("button", name="Log out").click()
    page.wait_for_url(re.compile(r".*/$"))


def post_work(page, title: str, co_creators: str) -> None:
    page.goto("/post/")
    page.get_by_label("Title:", exact=True).fill(title)
    page.get_by_label("Co-creators").fill(co_creators)
    page.get_by_label("Fandoms").fill("Naruto")
    page.get_by_label("No Archive Warnings Apply").check()
    page.get_by_label("Chapter text").fill("Iruka hated him.")
    page.get_by_role("button", name="Post", exact=True).click()


def test_a_invites_b_who_sees_nothing_until_accepting_and_c_is_refused(page):
    for name in ("alice", "bea", "cass"):
        factories.UserFactory(username=name)
    log_in(page, "alice")
    post_work(page, "Shared Winter", "bea")
    expect(page.get_by_role("heading", name="Shared Winter")).to_be_visible()
    expect(page.locator(".byline")).not_to_contain_text("bea")
    log_out(page)

    log_in(page, "bea")
    page.goto("/users/bea/")
    expect(page.get_by_text("Shared Winter")).to_have_count(0)
    page.goto("/inbox/")
    page.get_by_role("link", name=re.compile("alice invited you")).click()
    expect(page.get_by_text("Shared Winter")).to_be_visible()
    page.get_by_role("button", name="Accept").click()
    expect(page.locator(".byline")).to_contain_text("bea")
    page.goto("/users/bea/")
    expect(page.get_by_role("link", name="Shared Winter")).to_be_visible()

    # Bea turns invitations off; Cass is refused with the rule named.
    page.goto("/preferences/")
    page.get_by_label("Let anyone invite me to be a co-creator").uncheck()
    page.get_by_role("button", name="Save preferences").click()
    expect(page.get_by_text("Preferences saved.")).to_be_visible()
    assert not ReaderPreference.objects.get(user__username="bea").allow_creator_invitations
    log_out(page)

    log_in(page, "cass")
    post_work(page, "Uninvited", "bea")
    expect(page.get_by_text("bea does not accept co-creator invitations.")).to_be_visible()
    page.goto("/users/bea/")
    expect(page.get_by_text("Uninvited")).to_have_count(0)


def test_no_page_kind_reports_a_csp_violation_in_the_browser(page, author, moderator):
    site = make_site(author, moderator)
    problems: list[str] = []
    page.on(
        "console", lambda message: problems.append(message.text) if "Content Security Policy" in message.text else None
    )
    page.add_init_script(
        "document.addEventListener('securitypolicyviolation',"
        " e => console.error('Content Security Policy violation: ' + e.violatedDirective + ' ' + e.blockedURI));"
    )
    visited = []
    for url in public_pages(site).values():
        page.goto(url)
        visited.append(url)
    log_in(page, "author")
    for url in author_pages(site).values():
        page.goto(url)
        visited.append(url)
    log_out(page)
    log_in(page, "moderator")
    for url in staff_pages(site).values():
        page.goto(url)
        visited.append(url)
    assert len(visited) == len(public_pages(site)) + len(author_pages(site)) + len(staff_pages(site))
    assert problems == []
