"""Rate limits hold across workers and app servers: two gunicorn servers (two
workers each, DEBUG off) share the limit through PostgreSQL, or through Redis."""

import re
import subprocess
import time
import urllib.error
import urllib.parse
import urllib.request
import zlib
from http.cookiejar import CookieJar
from pathlib import Path

import pytest
from django.conf import settings
from django.core import checks
from django.test import override_settings

from stories.core.checks import check_ratelimit_cache
from tests.helpers import free_port, gunicorn_command, server_environment, wait_until_up

ROOT = Path(__file__).resolve().parents[2]
USERNAME = "someone-guessing"
ATTEMPTS = 25
LIMIT = 10  # QUIRE_LOGIN_RATE's default, 10/m


def _start(port: int, extra_env: dict) -> subprocess.Popen:
    return subprocess.Popen(  # noqa: S603 - our own gunicorn
        gunicorn_command(port),
        cwd=ROOT,
        env=server_environment(**extra_env),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def _wait_clear_of_window_edges() -> None:
    """django-ratelimit's minute windows end at a second that depends on the key; if
    one of ours ends in the next 20 s, wait for the new window so every attempt of
    the run falls in one window."""
    while True:
        now = int(time.time())
        edges = [(zlib.crc32(value.encode()) % 60 - now % 60) % 60 for value in ("127.0.0.1", USERNAME)]
        if all(edge > 20 for edge in edges):
            return
        time.sleep(1)


def _attempt(opener, port: int) -> int:
    """GET the log-in form (for its CSRF token), then POST a wrong password; the status."""
    page = opener.open(f"http://127.0.0.1:{port}/accounts/login/", timeout=10).read().decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    body = urllib.parse.urlencode({"csrfmiddlewaretoken": token, "username": USERNAME, "password": "wrong"})
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/accounts/login/",
        data=body.encode(),
        headers={"Referer": f"http://127.0.0.1:{port}/accounts/login/"},
    )
    try:
        return opener.open(request, timeout=10).status
    except urllib.error.HTTPError as error:
        return error.code


def _run_two_servers(extra_env: dict) -> list[int]:
    ports = [free_port(), free_port()]
    servers = [_start(port, extra_env) for port in ports]
    try:
        for port in ports:
            wait_until_up(port, seconds=60)
        openers = [urllib.request.build_opener(urllib.request.HTTPCookieProcessor(CookieJar())) for _ in ports]
        _wait_clear_of_window_edges()
        return [_attempt(openers[i % 2], ports[i % 2]) for i in range(ATTEMPTS)]
    finally:
        for server in servers:
            server.terminate()
        for server in servers:
            server.wait(timeout=30)


@pytest.mark.django_db(transaction=True)
def test_two_servers_without_redis_share_the_log_in_limit():
    statuses = _run_two_servers({})
    assert statuses.count(200) == LIMIT, statuses
    assert statuses.count(429) == ATTEMPTS - LIMIT, statuses


@pytest.mark.django_db(transaction=True)
def test_two_servers_sharing_redis_share_the_log_in_limit():
    import redis

    url = "redis://127.0.0.1:6379/14"
    try:
        redis.Redis.from_url(url).flushdb()
    except redis.ConnectionError:
        pytest.fail("Redis is not running at 127.0.0.1:6379")
    try:
        statuses = _run_two_servers({"REDIS_URL": url})
    finally:
        redis.Redis.from_url(url).flushdb()
    assert statuses.count(200) == LIMIT, statuses
    assert statuses.count(429) == ATTEMPTS - LIMIT, statuses


@pytest.mark.parametrize(
    "backend",
    ["django.core.cache.backends.locmem.LocMemCache", "django.core.cache.backends.dummy.DummyCache"],
)
def test_the_system_check_fails_when_limits_would_be_per_process(backend):
    with override_settings(DEBUG=False, CACHES={**settings.CACHES, "ratelimit": {"BACKEND": backend}}):
        errors = check_ratelimit_cache()
    assert [error.id for error in errors] == ["quire.E001"]
    assert errors[0].level == checks.ERROR and "across workers" in errors[0].msg
    with override_settings(DEBUG=True, CACHES={**settings.CACHES, "ratelimit": {"BACKEND": backend}}):
        assert check_ratelimit_cache() == []


def test_the_default_install_passes_the_check_and_django_ratelimit_runs_its_own():
    assert "django_ratelimit" in settings.INSTALLED_APPS
    assert settings.RATELIMIT_USE_CACHE == "ratelimit"
    assert check_ratelimit_cache() == []
    ids = {message.id for message in checks.run_checks(tags=[checks.Tags.caches])}
    assert "quire.E001" not in ids and "django_ratelimit.E003" not in ids
