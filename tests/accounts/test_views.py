"""Sign-up, log-in with rate limits, password change and reset, profile pages."""

import re

import html5lib
import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.core import mail, signing
from django.urls import reverse

from stories.models import SignupRequest
from tests import factories
from tests.authoring_support.forms import CsrfClient
from tests.helpers import sign_up_and_confirm, signup_link

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
    "name", ["signup", "signup-sent", "login", "password_reset", "password_reset_done", "password_reset_complete"]
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


def _signed_up(client, **data) -> str:
    """Sign up through the form; the path of the link mailed for it."""
    client.post(reverse("signup"), signup_data(**data))
    return signup_link(mail.outbox[-1])


def test_sign_up_creates_an_account_and_logs_in(client):
    # Through the confirmation email: the account exists once its link is confirmed.
    response = sign_up_and_confirm(client, signup_data())
    assert response.status_code == 302 and response["Location"] == reverse("stories:work-post")
    user = User.objects.get(username="newwriter")
    assert user.email == "new@example.org" and user.check_password(GOOD_PASSWORD)
    assert client.get(reverse("stories:work-post")).status_code == 200


def test_nothing_exists_and_nobody_is_logged_in_until_the_link_is_confirmed(client):
    response = client.post(reverse("signup"), signup_data())
    assert response.status_code == 302 and response["Location"] == reverse("signup-sent")
    assert not User.objects.filter(username="newwriter").exists()
    assert "_auth_user_id" not in client.session
    [message] = mail.outbox
    assert message.to == ["new@example.org"] and message.subject == "Confirm your Quire account"
    assert "newwriter" in message.body and "48 hours" in message.body
    page = client.get(reverse("signup-sent")).content.decode()
    assert "Check your email" in page and "48 hours" in page

    # Opening the link (as a mail filter may) only shows whose account it confirms.
    link = signup_link(message)
    page = client.get(link)
    assert page.status_code == 200 and "newwriter" in page.content.decode()
    html5lib.HTMLParser(strict=True).parse(page.content.decode())
    assert "Confirm my account" in page.content.decode()
    assert not User.objects.filter(username="newwriter").exists()
    assert client.post(link).status_code == 302
    assert User.objects.get(username="newwriter").is_active
    assert SignupRequest.objects.count() == 0


def test_the_link_returns_the_reader_to_the_page_they_signed_up_from(client):
    work = factories.WorkFactory(title="Where I was")
    response = sign_up_and_confirm(client, signup_data(), next_url=work.get_absolute_url())
    assert response["Location"] == work.get_absolute_url()
    page = client.get(response["Location"]).content.decode()
    assert "Welcome to Quire, newwriter!" in page


@pytest.mark.parametrize("next_url", ["https://elsewhere.example/", "//elsewhere.example/", "javascript:alert(1)"])
def test_the_link_never_returns_the_reader_off_the_site(client, next_url):
    response = sign_up_and_confirm(client, signup_data(), next_url=next_url)
    assert response["Location"] == reverse("stories:work-post")


def test_a_confirmation_link_works_once(client):
    link = _signed_up(client)
    assert client.post(link).status_code == 302
    client.logout()
    for method in (client.get, client.post):
        response = method(link)
        assert response.status_code == 400
        html5lib.HTMLParser(strict=True).parse(response.content.decode())
        assert "already been used or has expired" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_a_confirmation_link_expires_after_the_documented_lifetime(client, settings):
    assert settings.QUIRE_SIGNUP_LINK_HOURS == 48
    with time_machine.travel("2026-03-01 10:00 +0000", tick=False):
        link = _signed_up(client)
    with time_machine.travel("2026-03-03 09:59 +0000", tick=False):
        assert client.get(link).status_code == 200
    with time_machine.travel("2026-03-03 10:01 +0000", tick=False):
        response = client.post(link)
        assert response.status_code == 400 and "expired" in response.content.decode()
    assert not User.objects.filter(username="newwriter").exists()


def test_an_altered_confirmation_link_is_refused(client):
    link = _signed_up(client)
    token = link.rstrip("/").rsplit("/", 1)[1]
    forged = signing.dumps({"r": SignupRequest.objects.get().pk, "n": "/"}, salt="another.purpose")
    for bad in (token[:-2] + ("AA" if not token.endswith("AA") else "BB"), forged, "nonsense"):
        response = client.post(reverse("signup-confirm", args=[bad]))
        assert response.status_code == 400 and "not valid" in response.content.decode()
    assert not User.objects.exists()


def test_signing_up_again_before_confirming_sends_a_new_link(client):
    first = client.post(reverse("signup"), signup_data())
    second = client.post(reverse("signup"), signup_data())
    assert first["Location"] == second["Location"] == reverse("signup-sent")
    assert [m.to for m in mail.outbox] == [["new@example.org"], ["new@example.org"]]
    first_link, second_link = (signup_link(m) for m in mail.outbox)
    assert first_link != second_link
    assert client.post(second_link).status_code == 302
    assert User.objects.filter(username="newwriter").count() == 1
    client.logout()
    # One account per address: the other link is spent with it.
    assert client.post(first_link).status_code == 400


def test_an_unconfirmed_account_cannot_log_in_and_is_told_why(client):
    client.post(reverse("signup"), signup_data())
    response = client.post(reverse("login"), {"username": "newwriter", "password": GOOD_PASSWORD})
    assert response.status_code == 200 and "_auth_user_id" not in client.session
    assert "not confirmed yet" in response.content.decode()
    # Without the password nothing is revealed: the usual answer.
    response = client.post(reverse("login"), {"username": "newwriter", "password": "a-wrong-guess-42"})
    page = response.content.decode()
    assert "not confirmed" not in page and "Please enter a correct username and password" in page


@pytest.mark.parametrize(
    ("meanwhile", "message"),
    [
        ({"username": "earlier", "email": "NEW@example.org"}, "already has an account"),
        ({"username": "NewWriter", "email": "other@example.org"}, "already exists"),
    ],
)
def test_an_address_or_username_taken_before_confirming_is_refused_with_a_message(client, meanwhile, message):
    link = _signed_up(client)
    factories.UserFactory(**meanwhile)
    response = client.post(link)
    assert response.status_code == 400 and message in response.content.decode()
    assert not User.objects.filter(username="newwriter").exists()


def test_a_mail_server_that_cannot_be_reached_gets_a_message_and_saves_nothing(client, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 9, 2  # nothing listens on 9
    response = client.post(reverse("signup"), signup_data())
    assert response.status_code == 503 and "could not send you an email" in response.content.decode()
    assert not SignupRequest.objects.exists()


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


def test_sign_up_refuses_a_taken_username(client, author):
    # Usernames are public (profile pages), so saying one is taken reveals nothing.
    response = client.post(reverse("signup"), signup_data(username="AUTHOR"))
    assert "already exists" in response.content.decode()
    assert User.objects.count() == 1 and mail.outbox == []


def _page_without_per_response_secrets(response) -> str:
    """The page with its CSRF token and its CSP nonce masked (both differ on every response)."""
    page = response.content.decode()
    page = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', 'name="csrfmiddlewaretoken" value="…"', page)
    return re.sub(r'nonce="[^"]+"', 'nonce="…"', page)


def _answer(response) -> tuple:
    """What a reader (or a script) sees of a POST and the page it leads to."""
    return (
        [(hop, status) for hop, status in response.redirect_chain],
        response.status_code,
        sorted(response.client.cookies.keys()),
        _page_without_per_response_secrets(response),
    )


def test_sign_up_answers_the_same_for_a_known_and_an_unknown_email(author):
    known = CsrfClient().post(reverse("signup"), signup_data(email=author.email.upper()), follow=True)
    unknown = CsrfClient().post(reverse("signup"), signup_data(email="unknown@example.org"), follow=True)
    assert _answer(known) == _answer(unknown)
    assert "Check your email" in _page_without_per_response_secrets(known)

    # The emails carry the difference: the owner of the known address hears that
    # someone tried, with links to log in and to reset the password; no account is made.
    to_author, to_unknown = mail.outbox
    assert to_author.to == [author.email] and "already has an account (username: author)" in to_author.body
    assert reverse("login") in to_author.body and reverse("password_reset") in to_author.body
    assert "/accounts/signup/confirm/" not in to_author.body
    assert to_unknown.to == ["unknown@example.org"] and signup_link(to_unknown)
    assert User.objects.count() == 1
    assert list(SignupRequest.objects.values_list("email", flat=True)) == ["unknown@example.org"]


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
    assert not SignupRequest.objects.filter(username="w9").exists() and len(mail.outbox) == 2


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


def test_password_reset_for_unknown_email_sends_nothing_and_says_the_same(author):
    known = CsrfClient().post(reverse("password_reset"), {"email": author.email}, follow=True)
    unknown = CsrfClient().post(reverse("password_reset"), {"email": "nobody@example.org"}, follow=True)
    assert known.redirect_chain == [(reverse("password_reset_done"), 302)]
    assert _answer(known) == _answer(unknown)
    assert [message.to for message in mail.outbox] == [[author.email]]


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
