"""Hit counts: each visitor counted once per work per day.

The request that counts a hit writes it as a `Hit` row (one INSERT, ignored when the
visitor was already counted that day), so nothing waits in a process's memory: a
restart, with or without Redis, loses no hit. The cache only spares the database the
repeat views it already knows about. A periodic job (`readers.tasks.hits_aggregate_job`,
every QUIRE_HITS_EVERY_SECONDS) adds the new rows to `Work.hit_count`.
"""

import datetime
import hashlib

from django.core.cache import cache
from django.db import connections, router
from django.utils import timezone

from stories.models import Hit, Work

# Rows are kept this long after their day, for the once-a-day rule; then deleted.
KEEP_DAYS = 2
SEEN_SECONDS = 60 * 60 * 26


def hit_record(*, work_id: int, visitor: str, today: datetime.date | None = None) -> bool:
    """Count `visitor` (any string naming a reader, see core.requests.visitor_key) once
    per work per day. Returns True when this call counted a new hit. The hit reaches
    Work.hit_count with the next aggregation run."""
    today = today or timezone.localdate()
    digest = hashlib.sha256(visitor.encode()).hexdigest()
    seen_key = f"hit:{work_id}:{today.isoformat()}:{digest}"
    if cache.get(seen_key):
        return False
    alias = router.db_for_write(Hit)
    with connections[alias].cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {Hit._meta.db_table} (work_id, day, visitor, counted) VALUES (%s, %s, %s, false) "  # noqa: S608 - our table name
            "ON CONFLICT DO NOTHING RETURNING id",
            [work_id, today, digest],
        )
        counted = cursor.fetchone() is not None
    cache.set(seen_key, 1, timeout=SEEN_SECONDS)
    return counted


def hits_aggregate(*, batch: int = 10_000, today: datetime.date | None = None) -> int:
    """Add every uncounted Hit row to its work's hit_count; returns the number of hits
    added. Each batch marks its rows counted and bumps the works in ONE statement, so
    a worker killed half-way adds each hit exactly once. Rows older than KEEP_DAYS
    are deleted afterwards."""
    hits, works = Hit._meta.db_table, Work._meta.db_table
    alias = router.db_for_write(Hit)
    added = 0
    with connections[alias].cursor() as cursor:
        while True:
            cursor.execute(
                f"""
                WITH moved AS (
                    UPDATE {hits} SET counted = true
                     WHERE id IN (SELECT id FROM {hits} WHERE NOT counted ORDER BY id LIMIT %s
                                  FOR UPDATE SKIP LOCKED)
                 RETURNING work_id
                ), per_work AS (
                    SELECT work_id, count(*) AS n FROM moved GROUP BY work_id
                ), bumped AS (
                    UPDATE {works} w SET hit_count = w.hit_count + per_work.n
                      FROM per_work WHERE w.id = per_work.work_id
                 RETURNING per_work.n
                )
                SELECT (SELECT count(*) FROM moved), coalesce((SELECT sum(n) FROM bumped), 0)
                """,  # noqa: S608 - our table names
                [batch],
            )
            moved, _bumped = cursor.fetchone()
            added += int(_bumped)
            if moved < batch:
                break
        today = today or timezone.localdate()
        cursor.execute(
            f"DELETE FROM {hits} WHERE counted AND day < %s",  # noqa: S608 - our table name
            [today - datetime.timedelta(days=KEEP_DAYS)],
        )
    return added
