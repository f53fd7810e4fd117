"""A strict Content-Security-Policy on every kind of page (DEBUG off), beside the
other security headers, and the endpoint that logs violation reports."""

import json
import logging

import pytest
from django.conf import settings
from django.test import Client, override_settings
from django.urls import reverse

from tests.core.csp_pages import author_pages, make_site, public_pages, staff_pages

pytestmark = pytest.mark.django_db


def assert_strict_csp(response, name: str) -> None:
    policy = response.get("Content-Security-Policy", "")
    directives = {part.split()[0]: part.split()[1:] for part in policy.split(";") if part.strip()}
    assert directives.get("default-src") == ["'self'"], (name, policy)
    assert directives.get("frame-ancestors") == ["'none'"], (name, policy)
    assert directives.get("report-uri") == ["/csp-report/"], (name, policy)
    for kind in ("script-src", "style-src"):
        assert "'unsafe-inline'" not in directives.get(kind, []), (name, policy)
        assert "'unsafe-eval'" not in directives.get(kind, []), (name, policy)
    # The headers Quire had before stay.
    assert response["X-Frame-Options"] == "DENY", name
    assert response["X-Content-Type-Options"] == "nosniff", name
    assert response["Referrer-Policy"] == "same-origin", name
    html = response.content.decode()
    # Nothing inline that the policy would block: no inline handlers, no style attributes,
    # and any inline <script>/<style> carries the response's nonce.
    for marker in (" onclick=", " onload=", " onsubmit=", " onchange=", ' style="', "javascript:"):
        assert marker not in html, (name, marker)
    for tag in ("<script>", "<style>"):
        assert tag not in html, (name, tag)


@pytest.fixture
def site(author, moderator):
    return make_site(author, moderator)


def test_every_page_kind_carries_a_strict_csp(site, author, moderator):
    assert not settings.DEBUG
    signed_in, staff = Client(), Client()
    signed_in.force_login(author)
    staff.force_login(moderator)
    for client, pages in ((Client(), public_pages(site)), (signed_in, author_pages(site)), (staff, staff_pages(site))):
        for name, url in pages.items():
            response = client.get(url)
            assert response.status_code == (404 if name == "404" else 200), (name, response.status_code)
            assert_strict_csp(response, name)


@override_settings(ROOT_URLCONF="tests.core.urls_boom")
def test_the_500_page_carries_the_csp(site):
    client = Client(raise_request_exception=False)
    response = client.get("/boom/")
    assert response.status_code == 500
    assert_strict_csp(response, "500")


def test_a_violation_report_is_logged_and_answered_204(caplog):
    report = {
        "csp-report": {
            "document-uri": "http://testserver/works/1/",
            "violated-directive": "script-src-elem",
            "blocked-uri": "inline",
        }
    }
    with caplog.at_level(logging.WARNING, logger="quire.csp"):
        response = Client(enforce_csrf_checks=True).post(
            reverse("csp-report"), json.dumps(report), content_type="application/csp-report"
        )
    assert response.status_code == 204
    assert "script-src-elem" in caplog.text and "inline" in caplog.text


@pytest.mark.parametrize(
    ("body", "status"),
    [("not json", 400), ("[1, 2]", 400), ('{"csp-report": "x"}', 400), ("{" + " " * 9000 + "}", 413)],
)
def test_bad_reports_are_refused_and_not_logged(body, status, caplog):
    with caplog.at_level(logging.WARNING, logger="quire.csp"):
        response = Client().post(reverse("csp-report"), body, content_type="application/csp-report")
    assert response.status_code == status
    assert "CSP violation" not in caplog.text


def test_the_report_endpoint_takes_only_post_and_is_rate_limited():
    client = Client()
    assert client.get(reverse("csp-report")).status_code == 405
    statuses = [
        client.post(reverse("csp-report"), '{"csp-report": {}}', content_type="application/csp-report").status_code
        for _ in range(65)
    ]
    assert statuses.count(204) == 60 and statuses[-1] == 429
