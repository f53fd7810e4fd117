"""Rendered work blurbs, cached per version of what they show.

A blurb's key is a hash of everything the blurb displays: the work's own fields
(title, summary, rating, counters, updated_at, ...), its tags and its creators, as
loaded by attach_listing() (or WorkQuerySet.for_listing()). Any edit, a new kudos or
a renamed tag gives a new key, so a stale blurb is never served; old entries simply
expire. The blurb does not depend on who reads it (what a reader may see is decided
before, by the query), so guests and signed-in readers share the entries. A page
fetches its twenty blurbs with one cache.get_many and renders only the missing ones.
"""

import hashlib
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db import connection
from django.template import engines
from django.utils import timezone
from django.utils.safestring import mark_safe

from stories.core.jinja2 import link_maker
from stories.core.urlcache import tag_url, url_maker
from stories.models import Tag, TaggedWork, WorkCreator

BLURB_CACHE_SECONDS = 60 * 60
# Jinja2 (stories/core/jinja2.py): rendered twenty times a page.
TEMPLATE = "discovery/_work_blurb.html"
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


@dataclass(frozen=True, slots=True)
class ListedTag:
    """What a blurb shows of a tag."""

    pk: int
    kind: str
    name: str
    slug: str

    def get_absolute_url(self) -> str:
        return tag_url(self.slug)


@dataclass(frozen=True, slots=True)
class ListedCreator:
    pk: int
    username: str

    def get_username(self) -> str:
        """The username, as a User gives it (the user_link template tag asks so)."""
        return self.username


# attach_listing's rows: the tags of the works (by kind and name), then their creators
# (by position): one statement, which the ORM spent longer building than PostgreSQL
# answering (two values_list queries: 2.7 ms of a work page's Python).
_LISTING_SQL = f"""
    SELECT true, tw.content_object_id, t.id, t.kind, t.name, t.slug, 0, 0
      FROM {TaggedWork._meta.db_table} tw JOIN {Tag._meta.db_table} t ON t.id = tw.tag_id
     WHERE tw.content_object_id = ANY(%s)
    UNION ALL
    SELECT false, wc.work_id, u.id, '', u.username, '', wc.position, wc.id
      FROM {WorkCreator._meta.db_table} wc JOIN {get_user_model()._meta.db_table} u ON u.id = wc.user_id
     WHERE wc.work_id = ANY(%s)
    ORDER BY 1 DESC, 4, 7, 8, 5
"""  # noqa: S608 - table names come from the models; the ids are a parameter


def attach_listing(works) -> None:
    """Give each work (loaded without for_listing()) the tags and creators its blurb
    shows, in one query, as plain rows: a list page's hundred-odd tags then cost no
    model instances (see Work.listing_tags and Work.creator_users). Tags come by kind
    and name, creators in their order; no query for no works."""
    works = list(works)
    ids = [work.pk for work in works]
    if not ids:
        return
    tags: dict[int, list[ListedTag]] = {pk: [] for pk in ids}
    creators: dict[int, list[ListedCreator]] = {pk: [] for pk in ids}
    with connection.cursor() as cursor:
        cursor.execute(_LISTING_SQL, [ids, ids])
        for is_tag, work_id, pk, kind, name, slug, _position, _link in cursor.fetchall():
            if is_tag:
                tags[work_id].append(ListedTag(pk, kind, name, slug))
            else:
                creators[work_id].append(ListedCreator(pk, name))
    for work in works:
        work.listed_tags, work.listed_creators = tags[work.pk], creators[work.pk]


def blurb_key(work) -> str:
    parts = [repr(getattr(work, name)) for name in _FIELDS]
    parts.append(repr([(t.pk, t.kind, t.name, t.slug) for t in work.listing_tags()]))
    parts.append(repr([(u.pk, u.username) for u in work.creator_users]))
    return "blurb:" + hashlib.sha256("\x1f".join(parts).encode()).hexdigest()


def attach_blurbs(works) -> None:
    """Set `work.blurb_html` on each work of `works` (any iterable of Work), loading
    the tags and creators it shows first (attach_listing) unless for_listing() did."""
    works = list(works)
    if not works:
        return
    unloaded = [work for work in works if not _has_listing(work)]
    if unloaded:
        attach_listing(unloaded)
    template = engines["jinja2"].get_template(TEMPLATE)
    # The link makers and the time zone, looked up once for the page rather than once
    # per link or date (each lookup reads the thread's script prefix, URLconf or time
    # zone): a page has ~150 links.
    links = {
        "tag_link": link_maker("stories:tag-detail"),
        "author_link": link_maker("stories:user-detail", rel="author"),
        "work_url": url_maker("stories:work-detail"),
        "tz": timezone.get_current_timezone(),
    }
    keys = {work.pk: blurb_key(work) for work in works}
    cached = cache.get_many(list(keys.values()))
    missing = {}
    for work in works:
        html = cached.get(keys[work.pk])
        if html is None:
            html = template.render({"work": work, **links})
            missing[keys[work.pk]] = html
        work.blurb_html = mark_safe(html)  # noqa: S308 - rendered by our own autoescaping template
    if missing:
        cache.set_many(missing, BLURB_CACHE_SECONDS)


def _has_listing(work) -> bool:
    """Whether `work` already carries what its blurb shows (rows or prefetches)."""
    loaded = work.__dict__
    prefetched = getattr(work, "_prefetched_objects_cache", {})
    return ("listed_tags" in loaded and "listed_creators" in loaded) or (
        "tagged_items" in prefetched and "creator_links" in prefetched
    )
