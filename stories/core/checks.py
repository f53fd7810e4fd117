"""Quire's own system checks (registered in StoriesConfig.ready)."""

from django.conf import settings
from django.core import checks

# Backends whose counts are not shared by every worker and app server, or not atomic:
# a limit of 10 would let through 10 per worker, or more when requests race.
UNSHARED_BACKENDS = {
    "django.core.cache.backends.locmem.LocMemCache": "keeps counts in each process's memory",
    "django.core.cache.backends.dummy.DummyCache": "keeps no counts at all",
    "django.core.cache.backends.filebased.FileBasedCache": "counts per machine, without atomic increments",
    "django.core.cache.backends.db.DatabaseCache": "increments without atomicity (racing requests are lost)",
}


@checks.register(checks.Tags.caches, checks.Tags.security)
def check_ratelimit_cache(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    """quire.E001: outside DEBUG, the rate-limit cache must be shared and atomic."""
    if settings.DEBUG:
        return []
    alias = getattr(settings, "RATELIMIT_USE_CACHE", "default")
    backend = settings.CACHES.get(alias, {}).get("BACKEND", "")
    if alias not in settings.CACHES:
        reason = "is not in CACHES"
    elif backend in UNSHARED_BACKENDS:
        reason = f"uses {backend}, which {UNSHARED_BACKENDS[backend]}"
    else:
        return []
    return [
        checks.Error(
            f"The rate-limit cache {alias!r} {reason}: limits would not hold across workers and servers.",
            hint="Set REDIS_URL, or use stories.core.counters.PostgresCounterCache (the default without Redis).",
            id="quire.E001",
        )
    ]
