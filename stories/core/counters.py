"""A cache backend for rate-limit counters in PostgreSQL, shared by every worker and
every app server without Redis.

Django's own DatabaseCache increments by reading and writing back, so two workers
counting the same log-in attempt at once can both see 3 and both write 4; this
backend adds and increments in one statement each, which PostgreSQL makes atomic.
It stores whole numbers only (all django-ratelimit keeps). The table is UNLOGGED
(counters need no crash safety, and writing them skips the WAL) and is created by
migration 0013_ratelimit_counters.
"""

import random

from django.core.cache.backends.base import DEFAULT_TIMEOUT, BaseCache
from django.db import DEFAULT_DB_ALIAS, connections

TABLE = "quire_counter"
# One add in this many also deletes expired counters, so the table stays small.
CULL_EVERY = 100


class PostgresCounterCache(BaseCache):
    """Integer counters with atomic add and incr. LOCATION is unused (the table is
    fixed); OPTIONS may name the database alias ("DATABASE", default "default").
    Raises TypeError for a value that is not an int."""

    def __init__(self, location, params):
        super().__init__(params)
        self._alias = params.get("OPTIONS", {}).get("DATABASE", DEFAULT_DB_ALIAS)

    def _execute(self, sql: str, params: list):
        cursor = connections[self._alias].cursor()
        cursor.execute(sql, params)
        return cursor

    def _seconds(self, timeout) -> float | None:
        """Seconds to live (None: for ever); 0 or less expires at once."""
        if timeout is DEFAULT_TIMEOUT:
            timeout = self.default_timeout
        return None if timeout is None else max(float(timeout), 0.0)

    @staticmethod
    def _int(value) -> int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise TypeError(f"{TABLE} stores whole numbers only, not {type(value).__name__}")
        return value

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None) -> bool:
        key = self.make_and_validate_key(key, version=version)
        value = self._int(value)
        if random.randrange(CULL_EVERY) == 0:  # noqa: S311 - not security, just housekeeping
            self._execute("DELETE FROM quire_counter WHERE expires <= now()", [])
        cursor = self._execute(
            "INSERT INTO quire_counter (key, value, expires) "
            "VALUES (%s, %s, COALESCE(now() + make_interval(secs => %s), 'infinity')) "
            "ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value, expires = EXCLUDED.expires "
            "WHERE quire_counter.expires <= now() RETURNING 1",
            [key, value, self._seconds(timeout)],
        )
        return cursor.fetchone() is not None

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None) -> None:
        key = self.make_and_validate_key(key, version=version)
        self._execute(
            "INSERT INTO quire_counter (key, value, expires) "
            "VALUES (%s, %s, COALESCE(now() + make_interval(secs => %s), 'infinity')) "
            "ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value, expires = EXCLUDED.expires",
            [key, self._int(value), self._seconds(timeout)],
        )

    def get(self, key, default=None, version=None):
        key = self.make_and_validate_key(key, version=version)
        row = self._execute("SELECT value FROM quire_counter WHERE key = %s AND expires > now()", [key]).fetchone()
        return default if row is None else row[0]

    def incr(self, key, delta=1, version=None) -> int:
        key = self.make_and_validate_key(key, version=version)
        row = self._execute(
            "UPDATE quire_counter SET value = value + %s WHERE key = %s AND expires > now() RETURNING value",
            [self._int(delta), key],
        ).fetchone()
        if row is None:
            raise ValueError(f"Key '{key}' not found")
        return row[0]

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None) -> bool:
        key = self.make_and_validate_key(key, version=version)
        cursor = self._execute(
            "UPDATE quire_counter SET expires = COALESCE(now() + make_interval(secs => %s), 'infinity') "
            "WHERE key = %s AND expires > now()",
            [self._seconds(timeout), key],
        )
        return cursor.rowcount > 0

    def delete(self, key, version=None) -> bool:
        key = self.make_and_validate_key(key, version=version)
        return self._execute("DELETE FROM quire_counter WHERE key = %s", [key]).rowcount > 0

    def has_key(self, key, version=None) -> bool:
        return self.get(key, version=version) is not None

    def clear(self) -> None:
        self._execute("DELETE FROM quire_counter", [])
