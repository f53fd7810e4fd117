"""What /readyz checks: each dependency a request or a job needs, reported by name.

Each check returns "" when fine or a short reason; `readiness_failures` gathers the
failures. Migrations are looked up once per process and remembered once applied
(loading the migration graph costs tens of milliseconds)."""

import uuid

from django.core.cache import cache
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.executor import MigrationExecutor

_migrations_applied = False


def _database() -> str:
    with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
        cursor.execute("SELECT 1")
    return ""


def _cache() -> str:
    key, value = f"readyz:{uuid.uuid4().hex}", uuid.uuid4().hex
    cache.set(key, value, timeout=10)
    found = cache.get(key)
    cache.delete(key)
    return "" if found == value else "the cache did not return what was stored"


def _queue() -> str:
    # The job queue is tables and functions in the same database (Procrastinate).
    with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
        cursor.execute("SELECT count(*) FROM procrastinate_jobs WHERE status = 'todo'")
        cursor.fetchone()
    return ""


def _migrations() -> str:
    global _migrations_applied
    if _migrations_applied:
        return ""
    loader = MigrationExecutor(connections[DEFAULT_DB_ALIAS]).loader
    # Every migration each leaf needs, not MigrationExecutor.migration_plan(): that
    # plans nothing for an applied leaf, so a missing migration before it went unseen.
    needed = dict.fromkeys(node for leaf in loader.graph.leaf_nodes() for node in loader.graph.forwards_plan(leaf))
    pending = [node for node in needed if node not in loader.applied_migrations]
    if pending:
        names = ", ".join(f"{app}.{name}" for app, name in pending[:5])
        return f"{len(pending)} migration(s) not applied: {names}"
    _migrations_applied = True
    return ""


CHECKS = {"database": _database, "cache": _cache, "queue": _queue, "migrations": _migrations}


def readiness_failures() -> dict[str, str]:
    """{check name: reason} for every failing check; empty when ready. A check that
    raises counts as failed, with the error as its reason (the database check runs
    first: when it fails, the queue and migration checks fail with it)."""
    failures = {}
    for name, check in CHECKS.items():
        try:
            reason = check()
        except Exception as error:  # any failure of a dependency means "not ready"
            reason = f"{type(error).__name__}: {str(error)[:200]}"
            if name in {"database", "queue", "migrations"}:
                connections[DEFAULT_DB_ALIAS].close_if_unusable_or_obsolete()
        if reason:
            failures[name] = reason
    return failures
