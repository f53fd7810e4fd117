"""Rendered work blurbs, cached per version of what they show.

A blurb's key is a hash of everything the blurb displays: the work's own fields
(title, summary, rating, counters, updated_at, ...), its tags and its creators, as
loaded by WorkQuerySet.for_listing(). Any edit, a new kudos or a renamed tag gives a
new key, so a stale blurb is never served; old entries simply expire. The blurb does
not depend on who reads it (what a reader may see is decided before, by the query),
so guests and signed-in readers share the entries. A page fetches its twenty blurbs
with one cache.get_many and renders only the missing ones.
"""

import hashlib

from django.core.cache import cache
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe

BLURB_CACHE_SECONDS = 60 * 60
TEMPLATE = "stories/_work_blurb.html"
_FIELDS = (
    "pk",
    "title",
    "summary_html",
    "rating",
    "warnings",
    "categories",
    "language",
    "is_complete",
    "updated_at",
    "word_count",
    "chapter_count",
    "expected_chapters",
    "kudos_count",
    "comment_count",
    "bookmark_count",
    "hit_count",
)


def blurb_key(work) -> str:
    parts = [repr(getattr(work, name)) for name in _FIELDS]
    parts.append(repr([(t.pk, t.kind, t.name, t.slug) for t in (item.tag for item in work.tagged_items.all())]))
    parts.append(repr([(u.pk, u.username) for u in work.creator_users]))
    return "blurb:" + hashlib.sha256("\x1f".join(parts).encode()).hexdigest()


def attach_blurbs(works) -> None:
    """Set `work.blurb_html` on each work (loaded with for_listing())."""
    works = list(works)
    if not works:
        return
    keys = {work.pk: blurb_key(work) for work in works}
    cached = cache.get_many(list(keys.values()))
    missing = {}
    for work in works:
        html = cached.get(keys[work.pk])
        if html is None:
            html = render_to_string(TEMPLATE, {"work": work})
            missing[keys[work.pk]] = html
        work.blurb_html = mark_safe(html)  # noqa: S308 - rendered by our own autoescaping template
    if missing:
        cache.set_many(missing, BLURB_CACHE_SECONDS)
