"""Shared fixtures: three users (author, reader, stranger), a moderator, the
author signed in (author_client), and the
path of the shared seed files. Tests run against real PostgreSQL."""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib.auth.models import Group

from tests import factories
from tests.authoring_support.forms import CsrfClient
from tests.helpers import jobs_clear

SEEDS = Path(__file__).resolve().parent.parent.parent / "shared" / "seeds"


@pytest.fixture
def seeds() -> Path:
    if not (SEEDS / "moving-on.txt").exists():
        pytest.skip(f"seed files not found at {SEEDS}")
    return SEEDS


def _user_named(username: str):
    """A fixture giving a fresh user of that name (password factories.PASSWORD)."""

    @pytest.fixture(name=username)
    def user(db):
        return factories.UserFactory(username=username)

    return user


author = _user_named("author")
reader = _user_named("reader")
stranger = _user_named("stranger")


@pytest.fixture
def author_client(author):
    """A client signed in as `author`, with CSRF enforced as in a browser: it sends
    the token each form carries (tests.authoring_support.forms.CsrfClient)."""
    client = CsrfClient()
    client.force_login(author)
    return client


@pytest.fixture
def moderator(db):
    user = factories.UserFactory(username="moderator", is_staff=True)
    # The group comes from data migrations (0002, and 0018 lets it take a creator off a
    # work); transactional tests flush it, so make it again as they would.
    group, _ = Group.objects.get_or_create(name="Moderators")
    if not group.permissions.filter(content_type__app_label="stories").exists():
        from importlib import import_module

        from django.apps import apps

        import_module("stories.migrations.0002_moderators_group").create_group(apps, None)
        import_module("stories.migrations.0018_signup_requests_and_creator_removal").moderators_remove_creators(
            apps, None
        )
    user.groups.add(group)
    return user


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """The test database, without the jobs a previous run left in it (--reuse-db keeps
    the database; a run killed mid-test, or a worker it started, may have committed some)."""
    with django_db_blocker.unblock():
        jobs_clear()


def _commits(request) -> bool:
    """Whether the test's writes are committed (a live server, or a transactional test
    by fixture or by `django_db(transaction=True)` marker), not rolled back after it."""
    if {"live_server", "transactional_db"} & set(request.fixturenames):
        return True
    marker = request.node.get_closest_marker("django_db")
    return marker is not None and bool(marker.kwargs.get("transaction", marker.args[0] if marker.args else False))


@pytest.fixture(autouse=True)
def _empty_cache(request, django_db_blocker):
    """Rate limits and the list pages' cached counts live in the cache: every test
    starts from an empty one. The rate-limit counters and the job queue live in
    PostgreSQL: a test in a transaction rolls them back, a transactional one (live
    server, subprocess servers) clears them after."""
    from django.core.cache import cache, caches

    cache.clear()
    yield
    if _commits(request):
        with django_db_blocker.unblock():
            caches["ratelimit"].clear()
            jobs_clear()


# Real FanFicFare output (its built-in test site works offline), for the importer tests.
FANFICFARE = Path(sys.executable).parent / "fanficfare"


@pytest.fixture(scope="session")
def fanficfare_files(tmp_path_factory) -> dict[str, Path]:
    """Real FanFicFare output from its built-in offline test site (no network)."""
    if not FANFICFARE.exists() and shutil.which("fanficfare") is None:
        pytest.fail("fanficfare is not installed: it is pinned in requirements-dev.txt")
    folder = tmp_path_factory.mktemp("fanficfare")
    made = {}
    for fmt in ("epub", "html"):
        subprocess.run(
            [str(FANFICFARE), "-f", fmt, "http://test1.com?sid=1"],
            cwd=folder,
            check=True,
            capture_output=True,
            timeout=120,
        )
        made[fmt] = next(folder.glob(f"*.{fmt}"))
    return made
