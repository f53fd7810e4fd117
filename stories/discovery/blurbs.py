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
from html import escape  # what Django's escape() does, without its lazy-string wrapper

from django.core.cache import cache
from django.template.defaultfilters import date as date_filter
from django.utils.safestring import mark_safe

from stories.models import TaggedWork, WorkCreator
from stories.urlcache import tag_url, url_maker

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


def attach_listing(works) -> None:
    """Give each work (loaded without for_listing()) the tags and creators its blurb
    shows, in two queries, as plain rows: a list page's hundred-odd tags then cost
    no model instances (see Work.listing_tags and Work.creator_users)."""
    works = list(works)
    ids = [work.pk for work in works]
    tags: dict[int, list[ListedTag]] = {pk: [] for pk in ids}
    creators: dict[int, list[ListedCreator]] = {pk: [] for pk in ids}
    tag_rows = (
        TaggedWork.objects.filter(content_object_id__in=ids)
        .order_by("tag__kind", "tag__name")
        .values_list("content_object_id", "tag_id", "tag__kind", "tag__name", "tag__slug")
    )
    for work_id, *tag in tag_rows:
        tags[work_id].append(ListedTag(*tag))
    creator_rows = (
        WorkCreator.objects.filter(work_id__in=ids)
        .order_by("position", "id")
        .values_list("work_id", "user_id", "user__username")
    )
    for work_id, *creator in creator_rows:
        creators[work_id].append(ListedCreator(*creator))
    for work in works:
        work.listed_tags, work.listed_creators = tags[work.pk], creators[work.pk]


def blurb_key(work) -> str:
    parts = [repr(getattr(work, name)) for name in _FIELDS]
    parts.append(repr([(t.pk, t.kind, t.name, t.slug) for t in work.listing_tags()]))
    parts.append(repr([(u.pk, u.username) for u in work.creator_users]))
    return "blurb:" + hashlib.sha256("\x1f".join(parts).encode()).hexdigest()


def attach_blurbs(works) -> None:
    """Set `work.blurb_html` on each work (loaded with attach_listing() or for_listing())."""
    works = list(works)
    if not works:
        return
    keys = {work.pk: blurb_key(work) for work in works}
    cached = cache.get_many(list(keys.values()))
    missing = {}
    for work in works:
        html = cached.get(keys[work.pk])
        if html is None:
            html = render_blurb(work)
            missing[keys[work.pk]] = html
        work.blurb_html = mark_safe(html)  # noqa: S308 - rendered by our own autoescaping template
    if missing:
        cache.set_many(missing, BLURB_CACHE_SECONDS)


def render_blurb(work) -> str:
    """The same HTML as stories/_work_blurb.html (the template stays the reference
    and the fallback; tests compare the two), built without the template engine,
    whose variable lookups make up most of a page's rendering time."""
    pk = work.pk
    tag_link, user_link = url_maker("stories:tag-detail"), url_maker("stories:user-detail")
    creators = work.creator_users
    if creators:
        byline = ", ".join(
            f'<a href="{user_link(user.username)}" rel="author">{escape(user.username)}</a>' for user in creators
        )
    else:
        byline = "Anonymous"
    rating = escape(work.get_rating_display())
    warnings = f'<span class="warnings">{escape(", ".join(work.warning_labels()))}</span>' if work.warnings else ""
    categories = (
        f'<span class="categories">{escape(", ".join(work.category_labels()))}</span>' if work.categories else ""
    )
    relationships, characters, freeforms = work.relationships, work.characters, work.freeforms
    if relationships or characters or freeforms:
        tag_list = f'\n  <ul class="tags commas" aria-label="Tags">\n    {_split_items(tag_link, relationships, characters, freeforms)}\n  </ul>\n  \n  '
    else:
        tag_list = "\n  "
    summary = f'<blockquote class="summary userstuff">{work.summary_html}</blockquote>' if work.summary_html else ""
    return (
        f'<article class="blurb" aria-labelledby="work-{pk}-title">\n'
        f'  <header class="blurb-header">\n'
        f'    <h3 class="blurb-title" id="work-{pk}-title"><a href="{escape(work.get_absolute_url())}">'
        f"{escape(work.title)}</a></h3>\n"
        f'    <p class="byline">by {byline}</p>\n'
        f'    <p class="fandoms">'
        + ", ".join(f'<a href="{escape(tag_link(tag.slug))}">{escape(tag.name)}</a>' for tag in work.fandoms)
        + "</p>\n"
        f'    <p class="required-tags">\n'
        f'      <span class="rating rating-{escape(work.rating)}" title="{rating}">{rating}</span>\n'
        f"      {warnings}\n"
        f"      {categories}\n"
        f'      <span class="status">{"Complete" if work.is_complete else "In progress"}</span>\n'
        f"    </p>\n"
        f'    <p class="datetime"><time datetime="{date_filter(work.updated_at, "c")}">'
        f"{date_filter(work.updated_at, 'j M Y')}</time></p>\n"
        f"  </header>\n"
        f"  \n"
        f"  {tag_list}\n"
        f"  {summary}\n"
        # Counts grouped as the template's intcomma groups them in English, the
        # archive's language, without its locale lookup per number.
        f'  <dl class="stats">\n'
        f"    <dt>Language</dt><dd>{escape(work.language_name)}</dd>\n"
        f"    <dt>Words</dt><dd>{work.word_count:,}</dd>\n"
        f"    <dt>Chapters</dt><dd>{escape(work.chapters_display)}</dd>\n"
        f"    <dt>Kudos</dt><dd>{work.kudos_count:,}</dd>\n"
        f"    <dt>Comments</dt><dd>{work.comment_count:,}</dd>\n"
        f"    <dt>Bookmarks</dt><dd>{work.bookmark_count:,}</dd>\n"
        f"    <dt>Hits</dt><dd>{work.hit_count:,}</dd>\n"
        f"  </dl>\n"
        f"</article>\n"
    )


def _split_items(tag_link, relationships, characters, freeforms) -> str:
    return "\n    ".join(
        "".join(
            f'<li class="{kind}"><a href="{escape(tag_link(tag.slug))}">{escape(tag.name)}</a></li>' for tag in tags
        )
        for kind, tags in (("relationship", relationships), ("character", characters), ("freeform", freeforms))
    )
