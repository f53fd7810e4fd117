"""The reader's parts of a work's page, and the visit itself: kudos given, the
reader's bookmark and subscription, where they stopped reading, the chapters'
comments, and (unless it is the creator) a hit and the reading position."""

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db import connection
from django.http import HttpRequest
from django.template import engines
from django.template.backends.utils import csrf_input
from django.utils.safestring import SafeString, mark_safe

from stories.core.requests import visitor_key
from stories.core.urlcache import url_maker
from stories.models import Bookmark, Kudos, ReaderPreference, ReadingPosition, Subscription, Work
from stories.readers import services as svc
from stories.readers.comments import comment_threads
from stories.readers.forms import BookmarkForm
from stories.readers.hits import hit_record

User = get_user_model()
KUDOS_SESSION_KEY = "quire_kudos"
KUDOS_NAMES = 50  # names listed under a work; the rest are counted
HIDDEN_WORKS = ReaderPreference.hidden_works.through._meta.db_table
DOWNLOAD_FORMATS = [("epub", "EPUB"), ("html", "HTML"), ("txt", "Text"), ("md", "Markdown")]


def work_page_reader_context(request: HttpRequest, work: Work, context: dict, *, landing: bool) -> dict:
    """Kudos, bookmark, subscription, resume and comment data for the work page, and
    the visit itself: a hit, and (signed in) the reading position."""
    user = request.user
    shown = [c for c in context.get("shown_chapters", []) if c is not None]
    is_creator = context.get("is_creator", False)
    comment_threads(request, shown, is_creator)
    extra = {
        "guest_comments": svc.guest_comments_allowed(work=work) if not user.is_authenticated else False,
        "kudos_given": False,
        "bookmark": None,
        "subscription": None,
        "resume_chapter": None,
        "download_formats": DOWNLOAD_FORMATS,
    }
    if user.is_authenticated:
        state = _reader_state(user.pk, work.pk)
        extra["kudos_given"] = state.kudos_given
        extra["work_hidden_by_me"] = state.hidden
        if state.bookmark_id is not None:
            extra["bookmark"] = Bookmark.objects.get(pk=state.bookmark_id)
        if state.subscription_id is not None:
            extra["subscription"] = Subscription.objects.get(pk=state.subscription_id)
        extra["bookmark_form"] = BookmarkForm.for_bookmark(extra["bookmark"])
        current = context.get("chapter")
        showing_start = landing or context.get("full")
        if showing_start and state.chapter_id is not None and (current is None or state.chapter_id != current.pk):
            # The reader's chapter is in the page's chapter index: no query for it.
            extra["resume_chapter"] = next((c for c in context.get("chapters", []) if c.pk == state.chapter_id), None)
        if work.is_posted:
            svc.reading_position_record(
                user=user, work=work, chapter=current or (shown[0] if shown else None), keep_later=landing
            )
    else:
        extra["kudos_given"] = work.pk in request.session.get(KUDOS_SESSION_KEY, [])
    if work.is_posted and not work.is_hidden:
        extra["comments_html"] = work_comments_html(
            request, work, shown, full=context.get("full", False), guest_comments=extra["guest_comments"]
        )
    extra.update(kudos_givers(work))
    if work.is_posted and not work.is_hidden and not is_creator:
        hit_record(work_id=work.pk, visitor=visitor_key(request))
    return extra


@dataclass(frozen=True)
class ReaderState:
    """What a signed-in reader has done with a work: left kudos, hidden it from their
    lists, the ids of their bookmark and subscription of it (None without one), and
    the chapter they last read in it (None if never, or if it was deleted)."""

    kudos_given: bool
    hidden: bool
    bookmark_id: int | None
    subscription_id: int | None
    chapter_id: int | None


def _reader_state(user_id: int, work_id: int) -> ReaderState:
    """The reader's ReaderState for the work, in one query (five lookups by index)."""
    sql = f"""
        SELECT EXISTS (SELECT 1 FROM {Kudos._meta.db_table} WHERE work_id = %(work)s AND user_id = %(user)s),
               EXISTS (SELECT 1 FROM {HIDDEN_WORKS} h JOIN {ReaderPreference._meta.db_table} p
                         ON p.id = h.readerpreference_id WHERE p.user_id = %(user)s AND h.work_id = %(work)s),
               (SELECT id FROM {Bookmark._meta.db_table} WHERE work_id = %(work)s AND user_id = %(user)s),
               (SELECT id FROM {Subscription._meta.db_table} WHERE work_id = %(work)s AND user_id = %(user)s),
               (SELECT chapter_id FROM {ReadingPosition._meta.db_table} WHERE work_id = %(work)s AND user_id = %(user)s)
    """  # noqa: S608 - table names come from the models; every value is a parameter
    with connection.cursor() as cursor:
        cursor.execute(sql, {"work": work_id, "user": user_id})
        return ReaderState(*cursor.fetchone())


def work_comments_html(
    request: HttpRequest, work: Work, chapters: list, *, full: bool, guest_comments: bool
) -> SafeString:
    """The comments of `chapters` (each carrying comment_threads' attributes) with their
    comment boxes, or with `full` the entire work's comments and its one box, as HTML
    (templates/jinja2/readers/_work_comments.html). Jinja2, as the blurbs are: an entire
    work shows up to thirty threads a chapter, and Django's engine took over a
    millisecond for each comment."""
    template = engines["jinja2"].get_template("readers/_work_comments.html")
    html = template.render(
        {
            "work": work,
            "user": request.user,
            "shown_chapters": chapters,
            "full": full,
            "guest_comments": guest_comments,
            "user_url": url_maker("stories:user-detail"),
            "request": request,
            # Once for the page: the backend's own csrf_input (given the request) masks
            # a new token for each of the page's forms, 0.1 ms each.
            "csrf_input": mark_safe(csrf_input(request)),  # noqa: S308 - Django's own hidden input
        }
    )
    return mark_safe(html)  # noqa: S308 - rendered by our own autoescaping template


def kudos_givers(work: Work, limit: int = KUDOS_NAMES) -> dict:
    """Who left kudos, for "<names> and N guests left kudos": `kudos_names`, the
    usernames of the `limit` most recent signed-in givers (newest first),
    `kudos_more`, how many other signed-in readers did, and `kudos_guests`, how
    many guests did. One query (none for a work without kudos), whatever the
    number of kudos."""
    if not work.kudos_count:
        return {"kudos_names": [], "kudos_more": 0, "kudos_guests": 0}
    kudos, users = Kudos._meta.db_table, User._meta.db_table
    sql = f"""
        SELECT count(*) FILTER (WHERE user_id IS NOT NULL), count(*) FILTER (WHERE user_id IS NULL),
               ARRAY(SELECT u.username FROM {kudos} k JOIN {users} u ON u.id = k.user_id
                     WHERE k.work_id = %s ORDER BY k.created_at DESC, k.id DESC LIMIT %s)
        FROM {kudos} WHERE work_id = %s
    """  # noqa: S608 - table names come from the models; every value is a parameter
    with connection.cursor() as cursor:
        cursor.execute(sql, [work.pk, limit, work.pk])
        signed_in, guests, names = cursor.fetchone()
    return {"kudos_names": list(names), "kudos_more": max(signed_in - limit, 0), "kudos_guests": guests}
