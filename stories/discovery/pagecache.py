"""Guests' list pages, cached whole and emptied by any change they could show.

Most readers of an archive are not signed in, and they all see the same list pages
(no mutes, no restricted works, no forms carrying a CSRF token). Those pages are kept
in the cache under the current *listing generation*: a PostgreSQL sequence that
triggers move on every change to works, chapters, tags, taggings, creators and
series, whatever path made it (migration 0006_listing_generation). A new generation
means new keys, so a posted, edited, hidden or re-tagged work shows at once, in every
process; the old entries expire. Only a work's counters (hits, kudos, comments,
bookmarks) do not move the generation: a cached page shows them at most
QUIRE_PAGE_CACHE_SECONDS old.

A request is served from the cache only if it is an anonymous GET or HEAD with no
pending message; a response is stored only if it is a 200 that sets no cookie and
used no CSRF token. Signed-in readers always get a freshly built page.
"""

import hashlib
from functools import wraps

from django.conf import settings
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.cache import cache
from django.db import connections, router
from django.http import HttpRequest, HttpResponse

from stories.models import Work

HEADER = "X-Quire-Cache"


def listing_generation(request: HttpRequest | None = None) -> int:
    """The current value of the listing generation (one query, once per request).
    Read where the request reads its works, so a replica's pages match its data."""
    if request is not None and hasattr(request, "_quire_generation"):
        return request._quire_generation
    with connections[router.db_for_read(Work)].cursor() as cursor:
        cursor.execute("SELECT last_value FROM quire_listing_generation")
        generation = cursor.fetchone()[0]
    if request is not None:
        request._quire_generation = generation
    return generation


def _serves_from_cache(request: HttpRequest) -> bool:
    if settings.QUIRE_PAGE_CACHE_SECONDS <= 0 or request.method not in ("GET", "HEAD"):
        return False
    if request.user.is_authenticated or CookieStorage.cookie_name in request.COOKIES:
        return False
    # Messages that overflowed the cookie wait in the session.
    session = getattr(request, "session", None)
    return not (session is not None and session.session_key and session.get("_messages"))


def _storable(request: HttpRequest, response: HttpResponse) -> bool:
    return (
        response.status_code == 200
        and not response.streaming
        and not response.cookies
        and not request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
        and not getattr(getattr(request, "session", None), "modified", False)
    )


def _key(request: HttpRequest) -> str:
    # The absolute URL: feeds hold absolute links, so the host is part of the page.
    url = request.build_absolute_uri()
    digest = hashlib.sha256(url.encode("utf-8", "surrogateescape")).hexdigest()
    return f"page:{listing_generation(request)}:{digest}"


def guest_page_cache(view):
    """Serve `view`'s pages to guests from the cache (see the module docstring)."""

    @wraps(view)
    def cached_view(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not _serves_from_cache(request):
            return view(request, *args, **kwargs)
        key = _key(request)
        stored = cache.get(key)
        if stored is not None:
            content_type, content = stored
            response = HttpResponse(content, content_type=content_type)
            response[HEADER] = "hit"
            return response
        response = view(request, *args, **kwargs)
        if _storable(request, response):
            cache.set(key, (response["Content-Type"], response.content), settings.QUIRE_PAGE_CACHE_SECONDS)
            response[HEADER] = "miss"
        return response

    return cached_view
