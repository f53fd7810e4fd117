"""Preferences: a reader makes a token (shown once), sees it listed, revokes it."""

import re

import pytest
from django.test import Client

from stories.models import ApiToken
from tests.api.conftest import bearer
from tests.helpers import assert_valid_html

pytestmark = pytest.mark.django_db


def test_make_use_and_revoke_a_token(client, reader):
    client.force_login(reader)
    page = client.get("/preferences/")
    assert_valid_html(page)
    assert "Personal access tokens" in page.content.decode()
    made = client.post("/preferences/tokens/", {"name": "My e-reader", "scopes": ["read"]})
    assert made.status_code == 200
    assert "no-store" in made["Cache-Control"] or "no-cache" in made["Cache-Control"]
    assert_valid_html(made)
    secret = re.search(r'value="(quire_[^"]+)"', made.content.decode()).group(1)
    token = ApiToken.objects.get(user=reader)
    assert token.name == "My e-reader" and token.scopes == ["read"]
    listed = client.get("/preferences/").content.decode()
    assert "My e-reader" in listed and secret not in listed
    api = Client()
    assert api.get("/api/v1/me", **bearer(secret)).status_code == 200
    revoked = client.post(f"/preferences/tokens/{token.pk}/revoke/")
    assert revoked.status_code == 302
    assert api.get("/api/v1/me", **bearer(secret)).status_code == 401


def test_bad_token_requests_save_nothing(client, reader):
    client.force_login(reader)
    for data in (
        {"name": "", "scopes": ["read"]},
        {"name": "x" * 101, "scopes": ["read"]},
        {"name": "ok", "scopes": ["admin"]},
        {"name": "ok"},
    ):
        response = client.post("/preferences/tokens/", data)
        assert response.status_code == 302
    assert not ApiToken.objects.exists()
    assert client.get("/preferences/tokens/").status_code == 405


def test_guests_and_strangers_cannot_make_or_revoke(client, reader, stranger):
    assert client.post("/preferences/tokens/", {"name": "x", "scopes": ["read"]}).status_code == 302
    assert not ApiToken.objects.exists()
    client.force_login(reader)
    client.post("/preferences/tokens/", {"name": "mine", "scopes": ["read"]})
    token = ApiToken.objects.get()
    other = Client()
    other.force_login(stranger)
    assert other.post(f"/preferences/tokens/{token.pk}/revoke/").status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None


def test_token_forms_check_csrf(reader):
    client = Client(enforce_csrf_checks=True)
    client.force_login(reader)
    assert client.post("/preferences/tokens/", {"name": "x", "scopes": ["read"]}).status_code == 403
    assert not ApiToken.objects.exists()
