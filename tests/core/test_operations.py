"""Operational signals: /readyz names what is not ready, and every request leaves
one log line with its status and time."""

import logging

import pytest
from django.db import connection
from django.db.migrations.loader import MigrationLoader
from django.urls import reverse

from stories.core import readiness
from tests.helpers import django_setup_in_subprocess

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def forget_migrations_check():
    readiness._migrations_applied = False
    yield
    readiness._migrations_applied = False


def test_readyz_is_200_when_everything_answers(client):
    response = client.get(reverse("readyz"))
    assert response.status_code == 200
    assert response.json() == {
        "status": "ok",
        "checks": {"database": "ok", "cache": "ok", "queue": "ok", "migrations": "ok"},
    }


def test_readyz_is_503_naming_an_unapplied_migration(client):
    (latest,) = MigrationLoader(connection).graph.leaf_nodes("stories")
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM django_migrations WHERE app = %s AND name = %s", latest)
    response = client.get(reverse("readyz"))
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "unavailable"
    assert f"stories.{latest[1]}" in body["checks"]["migrations"]
    assert body["checks"]["database"] == body["checks"]["cache"] == "ok"


def test_readyz_is_503_when_the_cache_is_unreachable(client, settings):
    # A Redis that nobody listens on (port 1).
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": "redis://127.0.0.1:1/0"}
    }
    response = client.get(reverse("readyz"))
    assert response.status_code == 503
    checks = response.json()["checks"]
    assert checks["cache"] != "ok" and "Connection" in checks["cache"]
    assert checks["database"] == "ok"


def test_healthz_stays_a_cheap_liveness_check(client):
    assert client.get(reverse("healthz")).json() == {"status": "ok"}


class _Collect(logging.Handler):
    def __init__(self):
        super().__init__()
        self.records: list[logging.LogRecord] = []

    def emit(self, record):
        self.records.append(record)


@pytest.fixture
def request_log():
    handler = _Collect()
    logger = logging.getLogger("quire.requests")
    logger.addHandler(handler)
    yield handler.records
    logger.removeHandler(handler)


def test_each_request_logs_one_line_with_status_and_time(client, request_log):
    client.get("/healthz")
    client.get("/works/999999999/?q=secret")
    lines = [record.getMessage() for record in request_log]
    assert len(lines) == 2
    assert lines[0].startswith("GET /healthz 200 ") and lines[0].endswith("ms")
    assert lines[1].startswith("GET /works/999999999/ 404 ")
    assert "secret" not in lines[1]  # no query strings in the log
    assert all(record.duration_ms >= 0 for record in request_log)
    assert [record.status_code for record in request_log] == [200, 404]


def test_signed_in_requests_log_the_user_id_not_the_name(client, reader, request_log):
    client.force_login(reader)
    client.get("/healthz")
    assert request_log[-1].getMessage().endswith(f"user={reader.pk}")
    assert reader.username not in request_log[-1].getMessage()


def test_sentry_dsn_without_sentry_sdk_stops_with_a_clear_message():
    try:
        import sentry_sdk  # noqa: F401
    except ImportError:
        pass
    else:
        pytest.skip("sentry-sdk is installed here; the missing-package message cannot show")
    result = django_setup_in_subprocess(SENTRY_DSN="https://key@sentry.invalid/1")
    assert result.returncode != 0
    assert "SENTRY_DSN is set but sentry-sdk is not installed: pip install sentry-sdk==" in result.stderr
