"""Sign-up in a real Chromium, on a phone and on a desk: from a work's page to the form,
the "check your email" page, the link in the email, and back to that work, logged in."""

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from tests import factories
from tests.e2e.conftest import screenshot
from tests.helpers import signup_link

pytestmark = pytest.mark.django_db(transaction=True)
PASSWORD = "a-quite-long-passphrase-7"


def fill_sign_up_form(page, username: str, email: str) -> None:
    page.get_by_label("Username").fill(username)
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password:", exact=True).fill(PASSWORD)
    page.get_by_label("Password confirmation:", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Create my account").click()


@pytest.mark.parametrize("viewport", ["phone", "desktop"])
def test_sign_up_confirms_by_email_and_returns_to_the_work(request, viewport):
    page = request.getfixturevalue("phone_page" if viewport == "phone" else "page")
    work = factories.WorkFactory(title="The Lighthouse Keeper", rating="general")
    page.goto(work.get_absolute_url())
    page.get_by_role("link", name="Sign up").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign up")
    screenshot(page, f"signup-form-{viewport}")

    fill_sign_up_form(page, f"keeper{viewport}", f"keeper-{viewport}@example.org")
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your email")
    expect(page.locator(".user-menu")).to_have_count(0)  # not logged in yet
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"the check-your-email page scrolls sideways by {overflow}px"
    screenshot(page, f"signup-sent-{viewport}")

    [message] = mail.outbox
    assert message.to == [f"keeper-{viewport}@example.org"]
    page.goto(signup_link(message))
    expect(page.locator("main")).to_contain_text(f"keeper{viewport}")
    screenshot(page, f"signup-confirm-{viewport}")
    page.get_by_role("button", name="Confirm my account").click()

    page.wait_for_url(re.compile(rf".*/works/{work.pk}/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("The Lighthouse Keeper")
    expect(page.locator(".messages")).to_contain_text(f"Welcome to Quire, keeper{viewport}!")
    expect(page.locator(".user-menu summary")).to_contain_text(f"keeper{viewport}")
    screenshot(page, f"signup-back-on-the-work-{viewport}")


def test_a_known_email_gets_the_same_page_and_no_account(page):
    factories.UserFactory(username="alreadyhere", email="here@example.org")
    page.goto("/accounts/signup/")
    fill_sign_up_form(page, "secondtry", "here@example.org")
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your email")
    [message] = mail.outbox
    assert "alreadyhere" in message.body and "/accounts/password_reset/" in message.body

    page.goto("/accounts/login/")
    page.get_by_label("Username").fill("secondtry")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("alert")).to_contain_text("Please enter a correct username and password")
