"""Settings and operations: check --deploy, /healthz without a database."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def _run(code: str, **env) -> subprocess.CompletedProcess:
    environment = {**os.environ, "DJANGO_SETTINGS_MODULE": "archive.settings", **env}
    # Set by the browser tests for Playwright's event loop; never in a deployment.
    environment.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    return subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=environment, capture_output=True, text=True, timeout=60
    )


def test_check_deploy_is_clean_with_production_settings():
    env = {
        "DEBUG": "0",
        "SECRET_KEY": "a-production-like-secret-key-that-is-long-and-random-0123456789abcdef",
        "SECURE_SSL_REDIRECT": "1",
        "SESSION_COOKIE_SECURE": "1",
        "CSRF_COOKIE_SECURE": "1",
        "ALLOWED_HOSTS": "quire.example.org",
    }
    result = _run("import django; from django.core.management import call_command; django.setup(); "
                  "call_command('check', deploy=True, fail_level='WARNING')", **env)  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout + result.stderr


def test_missing_secret_key_in_production_fails_loudly():
    result = _run("import django; django.setup()", DEBUG="0", SECRET_KEY="")
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_bad_boolean_setting_fails_loudly():
    result = _run("import django; django.setup()", DEBUG="maybe")
    assert "DEBUG must be a boolean" in result.stderr


@pytest.mark.smoke
def test_healthz_is_503_when_the_database_is_unreachable():
    code = (
        "import django; django.setup();"
        "from django.test import Client;"
        "r = Client(HTTP_HOST='localhost').get('/healthz'); print(r.status_code, r.json()['status'])"
    )
    result = _run(code, DATABASE_URL="postgres://nobody@127.0.0.1:9/none", DB_CONN_MAX_AGE="0")
    assert result.stdout.strip() == "503 unavailable", result.stderr


@pytest.mark.django_db
def test_connections_carry_the_web_request_planner_settings():
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT current_setting('jit'), current_setting('random_page_cost'), "
            "current_setting('max_parallel_workers_per_gather')"
        )
        assert cursor.fetchone() == ("off", "1.1", "0")
