"""Shared fixtures: three users (author, reader, stranger), a moderator, and the
path of the shared seed files. Tests run against real PostgreSQL."""

from pathlib import Path

import pytest
from django.contrib.auth.models import Group

from tests import factories

SEEDS = Path(__file__).resolve().parent.parent.parent / "shared" / "seeds"


@pytest.fixture
def seeds() -> Path:
    if not (SEEDS / "moving-on.txt").exists():
        pytest.skip(f"seed files not found at {SEEDS}")
    return SEEDS


@pytest.fixture
def author(db):
    return factories.UserFactory(username="author")


@pytest.fixture
def reader(db):
    return factories.UserFactory(username="reader")


@pytest.fixture
def stranger(db):
    return factories.UserFactory(username="stranger")


@pytest.fixture
def moderator(db):
    user = factories.UserFactory(username="moderator", is_staff=True)
    # The group comes from a data migration; transactional tests flush it, so make sure.
    group, _ = Group.objects.get_or_create(name="Moderators")
    if not group.permissions.exists():
        from importlib import import_module

        from django.apps import apps

        import_module("stories.migrations.0002_moderators_group").create_group(apps, None)
    user.groups.add(group)
    return user


@pytest.fixture(autouse=True)
def _empty_cache():
    # List pages cache their counts and facet counts for a minute (stories.filters);
    # every test starts from an empty cache so it sees the counts of its own data.
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()
