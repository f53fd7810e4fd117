"""Hit counts: each visitor counted once per work per day, written to the database
in batches (one UPDATE per QUIRE_HIT_FLUSH_EVERY hits, or after
QUIRE_HIT_FLUSH_SECONDS), never one write per page load."""

import datetime
import hashlib

from django.conf import settings
from django.core.cache import cache
from django.db.models import F
from django.utils import timezone

from stories.models import Work


def hits_pending_key(work_id: int) -> str:
    return f"hits:pending:{work_id}"


def hit_record(*, work_id: int, visitor: str, today: datetime.date | None = None) -> bool:
    """Count a visitor once per work per day. The cache remembers who was counted
    and keeps a pending total per work; the database sees one UPDATE per
    QUIRE_HIT_FLUSH_EVERY new hits (or when the oldest pending hit is older than
    QUIRE_HIT_FLUSH_SECONDS), never one per page load. Returns True when counted."""
    today = today or timezone.localdate()
    seen_key = "hit:" + hashlib.sha256(f"{work_id}:{today.isoformat()}:{visitor}".encode()).hexdigest()
    if not cache.add(seen_key, 1, timeout=60 * 60 * 26):
        return False
    pending_key, since_key = hits_pending_key(work_id), f"hits:since:{work_id}"
    now = timezone.now().timestamp()
    cache.add(pending_key, 0, timeout=None)
    cache.add(since_key, now, timeout=None)
    try:
        pending = cache.incr(pending_key)
    except ValueError:  # evicted between add and incr
        cache.set(pending_key, 1, timeout=None)
        pending = 1
    since = cache.get(since_key) or now
    if pending >= settings.QUIRE_HIT_FLUSH_EVERY or now - since >= settings.QUIRE_HIT_FLUSH_SECONDS:
        hits_flush(work_id=work_id)
    return True


def hits_flush(*, work_id: int) -> int:
    """Move a work's pending hits from the cache to Work.hit_count."""
    pending_key, since_key = hits_pending_key(work_id), f"hits:since:{work_id}"
    pending = cache.get(pending_key) or 0
    if pending <= 0:
        return 0
    try:
        # decr, not delete: hits counted meanwhile by another request stay pending.
        cache.decr(pending_key, pending)
    except ValueError:
        return 0
    cache.set(since_key, timezone.now().timestamp(), timeout=None)
    Work.objects.filter(pk=work_id).update(hit_count=F("hit_count") + pending)
    return pending
