"""Works, chapters, tags, series and readers' lists as the plain dicts the API's
schemas (stories/api/schemas.py) describe. Each takes what the list code already
loaded (attach_listing's rows, select_related objects) and runs no query, so a page
costs the same number of queries whatever its length."""

from django.http import HttpRequest
from django.utils.http import http_date

from stories.core.urlcache import tag_url, url_maker, work_url

API = "/api/v1"


class Links:
    """Absolute URLs for one response, with the host worked out once."""

    def __init__(self, request: HttpRequest):
        self.base = request.build_absolute_uri("/").rstrip("/")
        self._user = url_maker("stories:user-detail")

    def site(self, path: str) -> str:
        return self.base + path

    def api(self, path: str) -> str:
        return f"{self.base}{API}{path}"

    def user(self, username: str) -> dict:
        return {"username": username, "url": self.site(self._user(username)), "api_url": self.api(f"/users/{username}")}


def tag_ref(links: Links, tag) -> dict:
    return {
        "slug": tag.slug,
        "name": tag.name,
        "kind": tag.kind,
        "url": links.site(tag_url(tag.slug)),
        "api_url": links.api(f"/tags/{tag.slug}"),
    }


def work_row(links: Links, work) -> dict:
    """A work as listed: what its blurb shows, plus its download links."""
    page = work_url(work.pk)
    snippet = getattr(work, "snippet", None)
    return {
        "id": work.pk,
        "title": work.title,
        "url": links.site(page),
        "api_url": links.api(f"/works/{work.pk}"),
        "creators": [links.user(user.username) for user in work.creator_users],
        "rating": work.rating,
        "warnings": list(work.warnings),
        "categories": list(work.categories),
        "language": work.language,
        "tags": [tag_ref(links, tag) for tag in work.listing_tags()],
        "summary_html": work.summary_html,
        "word_count": work.word_count,
        "chapter_count": work.chapter_count,
        "expected_chapters": work.expected_chapters,
        "is_complete": work.is_complete,
        "restricted": work.restricted,
        "published_on": work.published_on,
        "updated_at": work.updated_at,
        "kudos_count": work.kudos_count,
        "hit_count": work.hit_count,
        "comment_count": work.comment_count,
        "bookmark_count": work.bookmark_count,
        "downloads": {fmt: links.site(f"{page}download.{fmt}") for fmt in ("epub", "html", "txt", "md")},
        "snippet_html": str(snippet.html) if snippet is not None else None,
    }


def series_row(links: Links, series) -> dict:
    return {
        "id": series.pk,
        "title": series.title,
        "is_complete": series.is_complete,
        "api_url": links.api(f"/series/{series.pk}"),
    }


def bookmark_row(links: Links, bookmark) -> dict:
    return {
        "id": bookmark.pk,
        "work": work_row(links, bookmark.work) if bookmark.work_id else None,
        "series": series_row(links, bookmark.series) if bookmark.series_id else None,
        "note_html": bookmark.note_html,
        "tags": list(bookmark.tags),
        "is_private": bookmark.is_private,
        "for_later": bookmark.for_later,
        "created_at": bookmark.created_at,
        "updated_at": bookmark.updated_at,
    }


def last_modified(*moments) -> str | None:
    """The HTTP date of the latest of `moments` (None values ignored), or None."""
    known = [moment for moment in moments if moment is not None]
    return http_date(max(known).timestamp()) if known else None
