"""Read replicas: with DATABASE_REPLICA_URLS set, GET and HEAD requests read from a
healthy replica; everything else uses the primary.

- Writes, and every read of a request that is not GET/HEAD, use the primary, so a
  POST never reads data older than what it just wrote.
- Read-your-writes: where replicas are configured, a request with a non-safe method that
  succeeded (status below 400) sets a signed cookie that pins that reader to the primary for
  QUIRE_REPLICA_PIN_SECONDS, so right after posting, commenting, leaving kudos or
  bookmarking they see their own write even while the replicas catch up. A GET's
  own bookkeeping writes (the hit a work page records) go to the primary but do not
  pin: every reader of a work page would then read the primary.
- Health: each process asks a replica at most every QUIRE_REPLICA_CHECK_SECONDS
  whether it is up, still a standby, and how far behind it is; one that is down,
  promoted, or lagging more than QUIRE_REPLICA_MAX_LAG_SECONDS is skipped until the
  next check, and reads go to the primary.
- A replica dying in the middle of a request: the database error reaches
  ReplicaReadsMiddleware.process_exception, which marks the replica down and runs the
  (GET/HEAD, so repeatable) request again on the primary; the reader gets the page.
"""

from __future__ import annotations

import contextlib
import logging
import random
import threading
import time
from contextvars import ContextVar
from dataclasses import dataclass

from django.conf import settings
from django.db import DatabaseError, InterfaceError, OperationalError, connections

logger = logging.getLogger(__name__)

# The replica alias the current request reads from, or None for the primary.
_read_alias: ContextVar[str | None] = ContextVar("replica_read_alias", default=None)

PIN_COOKIE = "quire_primary_pin"
PIN_SALT = "quire.replica-pin"

# At the replica: whether it is a standby, and how many seconds of the primary's
# changes it has received but not yet applied (0 when it has applied all it received;
# NULL when it cannot tell, counted as lagging).
LAG_SQL = (
    "SELECT pg_is_in_recovery(), CASE WHEN pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn() THEN 0 "
    "ELSE EXTRACT(EPOCH FROM now() - pg_last_xact_replay_timestamp()) END"
)


def replica_aliases() -> list[str]:
    """The DATABASES aliases of the read replicas (`replica_0`, `replica_1`, …)."""
    return [alias for alias in settings.DATABASES if alias.startswith("replica")]


@dataclass
class _Status:
    healthy: bool
    checked_at: float  # time.monotonic() seconds
    reason: str = ""


class ReplicaHealth:
    """Whether each replica may serve reads, asked at most every `check_seconds` per
    process (the answer is cached; the check is one query on the replica's own
    connection). Thread-safe; one instance per process (`health`)."""

    def __init__(self):
        self._status: dict[str, _Status] = {}
        self._lock = threading.Lock()

    def forget(self) -> None:
        """Drop every cached answer (tests, or after changing the replicas)."""
        with self._lock:
            self._status.clear()

    def mark_down(self, alias: str, reason: str) -> None:
        """Skip `alias` until the next check is due; closes its connection."""
        with self._lock:
            self._status[alias] = _Status(False, time.monotonic(), reason)
        logger.warning("replica %s skipped: %s", alias, reason)
        with contextlib.suppress(DatabaseError):  # already broken: closing it is all we wanted
            connections[alias].close()

    def is_healthy(self, alias: str) -> bool:
        """True if `alias` answered its last check (at most check_seconds ago) as an
        up-to-date standby; runs the check when it is due. Never raises a database error."""
        now = time.monotonic()
        status = self._status.get(alias)
        if status is not None and now - status.checked_at < settings.QUIRE_REPLICA_CHECK_SECONDS:
            return status.healthy
        healthy, reason = self._check(alias)
        with self._lock:
            self._status[alias] = _Status(healthy, time.monotonic(), reason)
        if not healthy:
            logger.warning("replica %s skipped: %s", alias, reason)
        return healthy

    def _check(self, alias: str) -> tuple[bool, str]:
        try:
            with connections[alias].cursor() as cursor:
                cursor.execute(LAG_SQL)
                in_recovery, lag = cursor.fetchone()
        except DatabaseError as error:
            with contextlib.suppress(DatabaseError):
                connections[alias].close()
            first_line = (str(error).strip().splitlines() or [repr(error)])[0]
            return False, f"unreachable ({first_line})"
        if not in_recovery:
            return False, "not a standby (promoted, or the primary itself)"
        if lag is None or float(lag) > settings.QUIRE_REPLICA_MAX_LAG_SECONDS:
            return False, f"lagging ({'unknown' if lag is None else f'{float(lag):.1f} s'})"
        return True, ""


health = ReplicaHealth()


def choose_replica() -> str | None:
    """A healthy replica chosen at random, or None when there is none (use the primary)."""
    candidates = replica_aliases()
    random.shuffle(candidates)
    for alias in candidates:
        if health.is_healthy(alias):
            return alias
    return None


class ReplicaRouter:
    """Django database router: reads go where ReplicaReadsMiddleware decided for the
    current request (a replica alias, or `default`); writes and migrations go to
    `default`."""

    def db_for_read(self, model, **hints):
        return _read_alias.get() or "default"

    def db_for_write(self, model, **hints):
        return "default"

    def allow_relation(self, obj1, obj2, **hints):
        return True

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == "default"


def is_pinned(request) -> bool:
    """True while the reader's pin cookie (set after their last write) is valid."""
    value = request.get_signed_cookie(
        PIN_COOKIE, default=None, salt=PIN_SALT, max_age=settings.QUIRE_REPLICA_PIN_SECONDS
    )
    return value is not None


class ReplicaReadsMiddleware:
    """Chooses, per request, where its reads go (see the module docstring): a healthy
    replica for an unpinned GET/HEAD, else the primary. Sets the pin cookie after a
    successful write, and retries a GET/HEAD on the primary when its replica fails."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        alias, replicas = None, replica_aliases()
        if request.method in ("GET", "HEAD") and replicas and not is_pinned(request):
            alias = choose_replica()
        token = _read_alias.set(alias)
        try:
            response = self.get_response(request)
        finally:
            _read_alias.reset(token)
        if (
            replicas  # with none, every read is the primary's: nothing to pin
            and request.method not in ("GET", "HEAD", "OPTIONS", "TRACE")
            and response.status_code < 400
            and settings.QUIRE_REPLICA_PIN_SECONDS > 0
        ):
            response.set_signed_cookie(
                PIN_COOKIE,
                "1",
                salt=PIN_SALT,
                max_age=settings.QUIRE_REPLICA_PIN_SECONDS,
                secure=settings.SESSION_COOKIE_SECURE,
                httponly=True,
                samesite="Lax",
            )
        return response

    def process_exception(self, request, exception):
        """A database error while reading from a replica: mark it down and answer the
        request again from the primary (GET/HEAD only, so running it twice is safe)."""
        alias = _read_alias.get()
        if alias is None or not isinstance(exception, (OperationalError, InterfaceError)):
            return None
        health.mark_down(alias, f"failed during a request ({exception.__class__.__name__})")
        _read_alias.set(None)  # reset by __call__ when the request ends
        return self.get_response(request)
