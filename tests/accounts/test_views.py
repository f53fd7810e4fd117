"""Sign-up, log-in with rate limits, password change and reset, profile pages."""

import re

import html5lib
import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.core import mail
from django.urls import reverse

from tests import factories
from tests.authoring_support.forms import CsrfClient

pytestmark = pytest.mark.django_db
User = get_user_model()


@pytest.fixture
def client():
    """CSRF enforced as in a browser; the client sends the token each form carries."""
    return CsrfClient()


GOOD_PASSWORD = "correct-horse-battery-9"


def signup_data(username="newwriter", email="new@example.org", password=GOOD_PASSWORD):
    return {"username": username, "email": email, "password1": password, "password2": password}


@pytest.mark.parametrize(
    "name", ["signup", "login", "password_reset", "password_reset_done", "password_reset_complete"]
)
def test_account_pages_are_valid_html(client, name):
    response = client.get(reverse(name))
    assert response.status_code == 200
    html5lib.HTMLParser(strict=True).parse(response.content.decode())


def test_nav_offers_sign_up_to_guests_and_post_upload_to_members(client, author):
    page = client.get("/").content.decode()
    assert reverse("signup") in page and reverse("stories:work-post") not in page
    client.force_login(author)
    page = client.get("/").content.decode()
    assert reverse("stories:work-post") in page and reverse("stories:work-upload") in page


def test_sign_up_creates_an_account_and_logs_in(client):
    response = client.post(reverse("signup"), signup_data())
    assert response.status_code == 302 and response["Location"] == reverse("stories:work-post")
    user = User.objects.get(username="newwriter")
    assert user.email == "new@example.org" and user.check_password(GOOD_PASSWORD)
    assert client.get(reverse("stories:work-post")).status_code == 200


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (signup_data(password="123"), "too short"),
        (signup_data(username="bad name!"), "only letters, digits"),
        (signup_data(email="not-an-email"), "Enter a valid email address"),
        ({**signup_data(), "password2": "something-else-1"}, "didn’t match"),
        (signup_data(username="x" * 200), "at most 150 characters"),
    ],
)
def test_bad_sign_up_gets_a_message_and_creates_nobody(client, data, message):
    response = client.post(reverse("signup"), data)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not User.objects.filter(email=data["email"]).exists()


def test_sign_up_refuses_a_taken_username_or_email(client, author):
    response = client.post(reverse("signup"), signup_data(username="AUTHOR"))
    assert "already exists" in response.content.decode()
    response = client.post(reverse("signup"), signup_data(email=author.email.upper()))
    assert "already exists" in response.content.decode()
    assert User.objects.count() == 1


# Rate-limit windows are clock buckets: a fixed clock keeps the test inside one.
@time_machine.travel("2026-01-01 12:00:30 +0000", tick=False)
def test_sign_up_is_rate_limited(client, settings):
    settings.QUIRE_SIGNUP_RATE = "2/m"
    for n in range(2):
        client.post(reverse("signup"), signup_data(username=f"w{n}", email=f"w{n}@example.org"))
        client.logout()
    response = client.post(reverse("signup"), signup_data(username="w9", email="w9@example.org"))
    assert response.status_code == 429
    assert "Too many attempts" in response.content.decode()
    assert not User.objects.filter(username="w9").exists()


def test_log_in_and_out(client, author):
    response = client.post(reverse("login"), {"username": "author", "password": factories.PASSWORD})
    assert response.status_code == 302
    assert client.get(reverse("stories:work-post")).status_code == 200
    client.post(reverse("logout"))
    assert client.get(reverse("stories:work-post")).status_code == 302


# Rate-limit windows are clock buckets: a fixed clock keeps the test inside one.
@time_machine.travel("2026-01-01 12:00:30 +0000", tick=False)
def test_log_in_is_rate_limited_even_with_the_right_password(client, author, settings):
    settings.QUIRE_LOGIN_RATE = "3/m"
    for _ in range(3):
        response = client.post(reverse("login"), {"username": "author", "password": "wrong-guess"})
        assert response.status_code == 200
    response = client.post(reverse("login"), {"username": "author", "password": factories.PASSWORD})
    assert response.status_code == 429
    assert "Too many attempts" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_password_change(client, author):
    client.force_login(author)
    assert client.get(reverse("password_change")).status_code == 200
    response = client.post(
        reverse("password_change"),
        {"old_password": factories.PASSWORD, "new_password1": GOOD_PASSWORD, "new_password2": GOOD_PASSWORD},
    )
    assert response.status_code == 302
    author.refresh_from_db()
    assert author.check_password(GOOD_PASSWORD)


def test_password_reset_by_email(client, author):
    response = client.post(reverse("password_reset"), {"email": author.email})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [author.email] and message.subject == "Reset your Quire password"
    link = re.search(r"https?://[^/]+(/accounts/reset/\S+)", message.body).group(1)
    form_page = client.get(link, follow=True)
    assert "Choose a new password" in form_page.content.decode()
    response = client.post(
        form_page.redirect_chain[-1][0], {"new_password1": GOOD_PASSWORD, "new_password2": GOOD_PASSWORD}
    )
    assert response.status_code == 302
    author.refresh_from_db()
    assert author.check_password(GOOD_PASSWORD)


def test_password_reset_for_unknown_email_sends_nothing_and_says_the_same(client):
    response = client.post(reverse("password_reset"), {"email": "nobody@example.org"})
    assert response.status_code == 302
    assert mail.outbox == []


def test_profile_lists_works_and_series(client, author):
    work = factories.WorkFactory(title="Profiled", creators=[author])
    factories.WorkFactory(title="Hidden draft", creators=[author], status="draft")
    series = factories.SeriesFactory(title="A Series", works=[work])
    series.creators.add(author)
    page = client.get(reverse("stories:user-detail", args=["author"])).content.decode()
    assert "Profiled" in page and "A Series" in page and "Hidden draft" not in page


@time_machine.travel("2026-01-01 12:00:30 +0000", tick=False)
def test_password_reset_is_rate_limited(client, author, settings):
    settings.QUIRE_SIGNUP_RATE = "2/m"
    for _ in range(2):
        assert client.post(reverse("password_reset"), {"email": author.email}).status_code == 302
    response = client.post(reverse("password_reset"), {"email": author.email})
    assert response.status_code == 429 and "Too many attempts" in response.content.decode()
    assert len(mail.outbox) == 2
