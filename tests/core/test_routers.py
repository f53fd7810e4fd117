"""The replica router and middleware in-process; tests/ops/test_replica.py runs them
against a real streaming standby."""

import pytest
from django.db import OperationalError, connections
from django.http import HttpResponse
from django.test import RequestFactory, override_settings

from stories.core import routers
from stories.core.routers import PIN_COOKIE, ReplicaHealth, ReplicaReadsMiddleware, ReplicaRouter, _read_alias
from stories.models import Work
from tests.helpers import free_port


def test_reads_go_where_the_middleware_chose_and_writes_to_the_primary():
    router = ReplicaRouter()
    assert router.db_for_read(Work) == "default"  # outside a request: a command, a job
    token = _read_alias.set("replica_1")
    try:
        assert router.db_for_read(Work) == "replica_1"
        assert router.db_for_write(Work) == "default"
    finally:
        _read_alias.reset(token)
    assert router.allow_migrate("replica_0", "stories") is False
    assert router.allow_migrate("default", "stories") is True


def _middleware(status: int, seen: list | None = None) -> ReplicaReadsMiddleware:
    def view(request):
        if seen is not None:
            seen.append(_read_alias.get())
        return HttpResponse(status=status)

    return ReplicaReadsMiddleware(view)


@pytest.fixture
def a_replica(monkeypatch):
    """A configured replica that is always healthy, as far as the middleware can tell."""
    monkeypatch.setattr(routers, "replica_aliases", lambda: ["replica_0"])
    monkeypatch.setattr(routers, "choose_replica", lambda: "replica_0")


def test_without_replicas_a_write_sets_no_pin():
    assert PIN_COOKIE not in _middleware(302)(RequestFactory().post("/works/1/kudos/")).cookies


@pytest.mark.parametrize(
    ("method", "status", "pins"), [("post", 302, True), ("post", 200, True), ("post", 400, False), ("get", 200, False)]
)
def test_a_successful_write_pins_the_reader_to_the_primary(a_replica, method, status, pins):
    request = getattr(RequestFactory(), method)("/works/1/kudos/")
    response = _middleware(status)(request)
    assert (PIN_COOKIE in response.cookies) is pins
    if pins:
        cookie = response.cookies[PIN_COOKIE]
        assert cookie["max-age"] == 10 and cookie["httponly"] and cookie["samesite"] == "Lax"
        later = RequestFactory().get("/works/1/", HTTP_COOKIE=f"{PIN_COOKIE}={cookie.value}")
        assert routers.is_pinned(later)


def test_a_forged_or_expired_pin_does_not_pin(a_replica):
    cookie = _middleware(302)(RequestFactory().post("/bookmarks/")).cookies[PIN_COOKIE].value
    forged = RequestFactory().get("/", HTTP_COOKIE=f"{PIN_COOKIE}=1:forged:signature")
    assert not routers.is_pinned(forged)
    with override_settings(QUIRE_REPLICA_PIN_SECONDS=-1):  # every pin is older than that
        assert not routers.is_pinned(RequestFactory().get("/", HTTP_COOKIE=f"{PIN_COOKIE}={cookie}"))
    with override_settings(QUIRE_REPLICA_PIN_SECONDS=0):
        assert PIN_COOKIE not in _middleware(302)(RequestFactory().post("/bookmarks/")).cookies


@pytest.fixture
def extra_alias(django_db_setup, django_db_blocker):
    """Adds a database alias (a copy of the test database's settings with changes)
    for the duration of a test; yields a function making one. The test may connect
    to these aliases only (not through the `db` fixture, whose test case allows
    `default` alone)."""
    added = []
    django_db_blocker.unblock()

    def add(alias: str, **changes) -> str:
        config = {**connections.settings["default"], **changes}
        connections.settings[alias] = config
        added.append(alias)
        return alias

    try:
        yield add
    finally:
        for alias in added:
            connections[alias].close()
            del connections.settings[alias]
            del connections[alias]
        django_db_blocker.restore()


def test_an_unreachable_replica_is_skipped_until_the_next_check(extra_alias):
    health = ReplicaHealth()
    primary = connections.settings["default"]
    alias = extra_alias("replica_dead", HOST="127.0.0.1", PORT=str(free_port()))
    assert health.is_healthy(alias) is False
    first = health._status[alias]
    assert first.reason.startswith("unreachable")
    # Until the next check is due the answer is remembered, whatever the replica does.
    # Now it points at the primary (machine or embedded server, TCP or socket folder).
    connections[alias].settings_dict.update(HOST=primary["HOST"], PORT=primary["PORT"])
    assert health.is_healthy(alias) is False and health._status[alias] is first
    with override_settings(QUIRE_REPLICA_CHECK_SECONDS=0):
        assert health.is_healthy(alias) is False
    assert health._status[alias].reason.startswith("not a standby")  # asked again, answered this time


def test_a_get_skips_a_replica_that_is_down(extra_alias, monkeypatch):
    alias = extra_alias("replica_dead", HOST="127.0.0.1", PORT=str(free_port()))
    monkeypatch.setattr(routers, "replica_aliases", lambda: [alias])
    monkeypatch.setattr(routers, "health", ReplicaHealth())
    seen = []
    assert _middleware(200, seen)(RequestFactory().get("/works/")).status_code == 200
    assert seen == [None]  # read from the primary


def test_a_replica_failing_mid_request_is_marked_down_and_the_request_answered_from_the_primary(
    extra_alias, monkeypatch
):
    alias = extra_alias("replica_dead", HOST="127.0.0.1", PORT=str(free_port()))
    monkeypatch.setattr(routers, "health", ReplicaHealth())
    seen = []
    middleware = _middleware(200, seen)
    request = RequestFactory().get("/works/")
    token = _read_alias.set(alias)
    try:
        assert middleware.process_exception(request, ValueError("not a database error")) is None
        response = middleware.process_exception(request, OperationalError("server closed the connection"))
    finally:
        _read_alias.reset(token)
    assert response.status_code == 200 and seen == [None]
    assert routers.health.is_healthy(alias) is False
    assert routers.health._status[alias].reason.startswith("failed during a request")
    # Reading from the primary already: a database error there is not ours to retry.
    assert middleware.process_exception(request, OperationalError("primary down")) is None


def test_a_server_that_is_not_a_standby_is_skipped(extra_alias):
    health = ReplicaHealth()
    extra_alias("replica_self")  # the test database's own server: a primary
    assert health.is_healthy("replica_self") is False
    assert health._status["replica_self"].reason.startswith("not a standby")
