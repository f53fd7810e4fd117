"""With DEBUG off, as `make run` serves, errors show Quire's own pages (never
Django's technical page that lists every URL pattern)."""

import pytest
from django.conf import settings
from django.test import Client
from django.urls import get_resolver

from stories.models import Work
from tests import factories

TECHNICAL = ["Using the URLconf", "DEBUG = True", "Traceback"]


def _is_quire_page(response) -> bool:
    body = response.content.decode()
    return 'class="brand"' in body and not any(marker in body for marker in TECHNICAL)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("url", "as_staff", "status", "template", "text"),
    [
        ("/works/987654321/", False, 404, "404.html", "Not found"),  # an unknown work
        ("/admin/stories/work/add/", True, 403, "403.html", "Not allowed"),  # staff without the permission
    ],
)
def test_errors_show_quires_own_page(client, url, as_staff, status, template, text):
    assert settings.DEBUG is False
    if as_staff:
        client.force_login(factories.UserFactory(username="staff-without-permissions", is_staff=True))

    response = client.get(url)

    assert response.status_code == status
    assert template in [used.name for used in response.templates]
    assert _is_quire_page(response)
    assert text in response.content.decode()


@pytest.mark.django_db
def test_a_hidden_work_is_the_same_404_as_a_missing_one(client, reader):
    work = factories.WorkFactory(status=Work.Status.DRAFT)
    client.force_login(reader)

    response = client.get(f"/works/{work.pk}/")

    assert response.status_code == 404
    assert _is_quire_page(response)


@pytest.mark.django_db
def test_an_unknown_host_shows_quires_own_400_page():
    response = Client(HTTP_HOST="not-this-archive.example").get("/")

    assert response.status_code == 400
    assert _is_quire_page(response)
    assert "Bad request" in response.content.decode()


def test_the_500_page_needs_no_database(rf):
    """No `db` fixture: a query while rendering it would fail this test."""
    handler = get_resolver().resolve_error_handler(500)

    response = handler(rf.get("/"))

    assert response.status_code == 500
    assert "Something went wrong" in response.content.decode()
