"""Nobody puts a name on a series in the admin: its creators are shown, not edited."""

import re

import pytest
from django.urls import reverse

from stories.models import Series
from tests import factories


@pytest.fixture
def admin_client(client, db):
    client.force_login(factories.UserFactory(username="boss", is_staff=True, is_superuser=True))
    return client


def test_the_series_change_page_shows_creators_without_a_field_for_them(admin_client, author):
    series = Series.objects.create(title="Seasons")
    series.creators.add(author)
    page = admin_client.get(reverse("admin:stories_series_change", args=[series.pk])).content.decode()
    assert "author" in page
    assert 'name="creators"' not in page


def test_posting_creators_to_a_series_in_the_admin_changes_nothing(admin_client, author, stranger):
    series = Series.objects.create(title="Seasons")
    series.creators.add(author)
    url = reverse("admin:stories_series_change", args=[series.pk])
    prefix = re.search(r'name="([\w-]+)-TOTAL_FORMS"', admin_client.get(url).content.decode()).group(1)
    management = {f"{prefix}-{name}": "0" for name in ("TOTAL_FORMS", "INITIAL_FORMS", "MIN_NUM_FORMS")}
    data = {"title": "Renamed", "description": "", "notes": "", "creators": [stranger.pk], **management}
    response = admin_client.post(url, {**data, f"{prefix}-MAX_NUM_FORMS": "1000", "_save": "Save"})
    assert response.status_code == 302  # saved: the title changed ...
    series.refresh_from_db()
    assert series.title == "Renamed"
    assert list(series.creators.all()) == [author]  # ... and the creators did not
