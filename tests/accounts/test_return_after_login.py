"""Logging in brings the reader back to the page they were on: the header's Log in
link carries that page, and account pages pass on where the reader came from
instead of sending them back to a form."""

import pytest
from bs4 import BeautifulSoup
from django.urls import reverse

from tests import factories

pytestmark = pytest.mark.django_db


def header_login_href(response) -> str:
    soup = BeautifulSoup(response.content, "html.parser")
    return next(a["href"] for a in soup.select(".nav-account a") if a.get_text() == "Log in")


def log_in_through(client, href: str, *, password: str = factories.PASSWORD):
    """Open the log-in page at `href` and submit its form as the page would."""
    soup = BeautifulSoup(client.get(href).content, "html.parser")
    form = soup.select_one("form.stacked-form")
    data = {i["name"]: i.get("value", "") for i in form.select("input[type=hidden]")}
    return client.post(form["action"], {**data, "username": "reader", "password": password})


def test_log_in_from_a_filtered_list_comes_back_to_it(client, reader):
    factories.WorkFactory(title="Somewhere")
    href = header_login_href(client.get("/works/?complete=on&sort=title"))
    response = log_in_through(client, href)
    assert response.status_code == 302 and response["Location"] == "/works/?complete=on&sort=title"


def test_log_in_from_a_work_comes_back_to_it(client, reader):
    work = factories.WorkFactory(title="Read me")
    response = log_in_through(client, header_login_href(client.get(work.get_absolute_url())))
    assert response["Location"] == work.get_absolute_url()


def test_a_wrong_password_keeps_where_to_go_back(client, reader):
    work = factories.WorkFactory(title="Patience")
    href = header_login_href(client.get(work.get_absolute_url()))
    failed = log_in_through(client, href, password="not the password")
    assert failed.status_code == 200
    soup = BeautifulSoup(failed.content, "html.parser")
    assert soup.select_one("input[name=next]")["value"] == work.get_absolute_url()
    # The header of the failed form still points back to the work, not to itself.
    assert header_login_href(failed) == reverse("login") + "?next=" + work.get_absolute_url().replace("/", "%2F")
    again = client.post(reverse("login"), {"username": "reader", "password": factories.PASSWORD, "next": "/works/"})
    assert again["Location"] == "/works/"


@pytest.mark.parametrize("page", ["login", "signup", "password_reset"])
def test_account_pages_pass_on_where_the_reader_came_from(client, reader, page):
    response = client.get(reverse(page), {"next": "/tags/?x=1"})
    assert header_login_href(response) == reverse("login") + "?next=%2Ftags%2F%3Fx%3D1"
    assert log_in_through(client, header_login_href(response))["Location"] == "/tags/?x=1"


def test_account_pages_never_pass_on_another_site(client, reader):
    response = client.get(reverse("signup"), {"next": "https://elsewhere.example/"})
    assert header_login_href(response) == reverse("login")
    assert header_login_href(client.get(reverse("password_reset"))) == reverse("login")
    assert log_in_through(client, reverse("login") + "?next=https://elsewhere.example/")["Location"] == "/"
