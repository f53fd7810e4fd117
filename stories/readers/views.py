"""Reader pages and actions: kudos, comments, bookmarks, subscriptions, inbox,
history, preferences, reports, the content notice and the work page's reader parts.
Every view fetches through a permission helper first; every write is POST then
redirect."""

import hashlib
from collections import defaultdict

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db import connection
from django.db.models import Prefetch, Q
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import content_disposition_header, url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_ratelimit.decorators import ratelimit

from stories import services_readers as svc
from stories.forms_readers import BookmarkForm, CommentEditForm, CommentForm, PreferenceForm, ReportForm
from stories.models import (
    Bookmark,
    Chapter,
    Comment,
    InboxItem,
    Kudos,
    ReadingPosition,
    Series,
    Subscription,
    Tag,
    Work,
)
from stories.muting import reader_preference
from stories.unsubscribe import unsubscribe_user_id
from stories.views.works import _work_for_reader, page_number, paginate

User = get_user_model()

NOTICE_SESSION_KEY = "quire_notices_passed"
KUDOS_SESSION_KEY = "quire_kudos"
PER_PAGE = 20


def _client_ip(request: HttpRequest) -> str:
    return request.META.get("REMOTE_ADDR", "") or "unknown"


def _visitor(request: HttpRequest) -> str:
    if request.user.is_authenticated:
        return f"user:{request.user.pk}"
    agent = request.META.get("HTTP_USER_AGENT", "")[:200]
    return "guest:" + hashlib.sha256(f"{_client_ip(request)}|{agent}".encode()).hexdigest()


def _safe_next(request: HttpRequest, fallback: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=False):
        return target
    return fallback


def _form_errors(form) -> str:
    return " ".join(str(error) for errors in form.errors.values() for error in errors)


# The work page ---------------------------------------------------------------------


def _is_creator(request: HttpRequest, work: Work) -> bool:
    return request.user.is_authenticated and any(u.pk == request.user.pk for u in work.creator_users)


def content_notice(request: HttpRequest, work: Work) -> HttpResponse | None:
    """The one-page notice before a Mature, Explicit or Not Rated work, unless this
    session passed it already, the reader turned notices off, or it is their work."""
    if not work.needs_content_notice or _is_creator(request, work):
        return None
    if work.pk in request.session.get(NOTICE_SESSION_KEY, []):
        return None
    preference = reader_preference(request)
    if preference is not None and not preference.show_content_notices:
        return None
    return render(
        request,
        "stories/content_notice.html",
        {"work": work, "next": request.get_full_path()},
    )


@require_POST
def content_notice_proceed(request: HttpRequest, work_id: int) -> HttpResponse:
    work = _work_for_reader(request, work_id)
    passed = request.session.get(NOTICE_SESSION_KEY, [])
    if work.pk not in passed:
        request.session[NOTICE_SESSION_KEY] = [*passed[-499:], work.pk]
    return redirect(_safe_next(request, work.get_absolute_url()))


COMMENT_THREADS_PER_PAGE = 30
# The ids of the page's top-level comments (threads) of each shown chapter, with how
# many threads each chapter has, and of every reply below them: one statement.
_THREAD_PAGE_SQL = """
    WITH RECURSIVE page AS (
        SELECT id, chapter_id, threads FROM (
            SELECT id, chapter_id, count(*) OVER (PARTITION BY chapter_id) AS threads,
                   row_number() OVER (PARTITION BY chapter_id ORDER BY created_at, id) AS place
            FROM stories_comment WHERE chapter_id = ANY(%s) AND parent_id IS NULL
        ) numbered
        WHERE place > %s AND place <= %s
    ), below (id) AS (
        SELECT id FROM page
        UNION ALL
        SELECT c.id FROM stories_comment c JOIN below ON c.parent_id = below.id
    )
    SELECT below.id, page.chapter_id, page.threads FROM below LEFT JOIN page ON page.id = below.id
"""
# The top-level comments of a comment's chapter before the thread it is in.
_THREADS_BEFORE_SQL = """
    WITH RECURSIVE up (id, parent_id) AS (
        SELECT id, parent_id FROM stories_comment WHERE id = %s
        UNION ALL
        SELECT c.id, c.parent_id FROM stories_comment c JOIN up ON c.id = up.parent_id
    )
    SELECT count(*) FROM stories_comment earlier JOIN stories_comment root
        ON root.id = (SELECT id FROM up WHERE parent_id IS NULL)
    WHERE earlier.chapter_id = root.chapter_id AND earlier.parent_id IS NULL
      AND (earlier.created_at, earlier.id) < (root.created_at, root.id)
"""


def _comment_threads(request: HttpRequest, work: Work, chapters: list[Chapter], is_creator: bool) -> None:
    """Attach to each chapter `comment_threads` (a page of top-level comments, each
    with its `children`), `comment_thread_count` and `comment_page` (a Django Page
    over the threads). With one chapter shown, `?comments=N` picks the page (a page
    past the last is 404); with several, each shows its first page."""
    number = page_number(request, "comments") if len(chapters) == 1 else 1
    ids = [c.pk for c in chapters]
    start = (number - 1) * COMMENT_THREADS_PER_PAGE
    with connection.cursor() as cursor:
        cursor.execute(_THREAD_PAGE_SQL, [ids, start, start + COMMENT_THREADS_PER_PAGE])
        rows = cursor.fetchall()
    if number > 1 and not rows:
        raise Http404("No such page of comments.")
    # A chapter with any thread has some on the first page, so a chapter missing
    # here (on page 1) has none.
    counts = {chapter_id: threads for _, chapter_id, threads in rows if chapter_id is not None}
    by_chapter: dict[int, list[Comment]] = defaultdict(list)
    children: dict[int, list[Comment]] = defaultdict(list)
    user = request.user
    comments = list(
        Comment.objects.filter(pk__in=[pk for pk, _, _ in rows]).select_related("user").order_by("created_at", "id")
    )
    for comment in comments:
        comment.children = children[comment.pk]
        comment.can_edit = user.is_authenticated and comment.user_id == user.pk and not comment.is_deleted
        comment.can_delete = not comment.is_deleted and (
            user.is_authenticated and (comment.user_id == user.pk or is_creator or user.is_staff)
        )
        if comment.parent_id:
            children[comment.parent_id].append(comment)
        else:
            by_chapter[comment.chapter_id].append(comment)
    for chapter in chapters:
        chapter.comment_threads = by_chapter[chapter.pk]
        chapter.comment_thread_count = total = counts.get(chapter.pk, 0)
        # Only its number and neighbours are read: a range stands in for the threads.
        chapter.comment_page = Paginator(range(total), COMMENT_THREADS_PER_PAGE).page(number)


def work_page_reader_context(request: HttpRequest, work: Work, context: dict, *, landing: bool) -> dict:
    """Kudos, bookmark, subscription, resume and comment data for the work page, and
    the visit itself: a hit, and (signed in) the reading position."""
    user = request.user
    shown = [c for c in context.get("shown_chapters", []) if c is not None]
    is_creator = context.get("is_creator", False)
    _comment_threads(request, work, shown, is_creator)
    extra = {
        "guest_comments": svc.guest_comments_allowed(work=work) if not user.is_authenticated else False,
        "comment_form": CommentForm(),
        "kudos_given": False,
        "bookmark": None,
        "subscription": None,
        "resume_chapter": None,
        "download_formats": DOWNLOAD_FORMATS,
    }
    if user.is_authenticated:
        extra["kudos_given"] = Kudos.objects.filter(work=work, user=user).exists()
        extra["bookmark"] = Bookmark.objects.filter(work=work, user=user).first()
        extra["subscription"] = Subscription.objects.filter(work=work, user=user).first()
        preference = reader_preference(request)
        extra["work_hidden_by_me"] = preference is not None and preference.hidden_works.filter(pk=work.pk).exists()
        position = ReadingPosition.objects.filter(work=work, user=user).select_related("chapter").first()
        current = context.get("chapter")
        showing_start = landing or context.get("full")
        if showing_start and position and position.chapter and (current is None or position.chapter.pk != current.pk):
            extra["resume_chapter"] = position.chapter
        if work.is_posted:
            svc.reading_position_record(
                user=user, work=work, chapter=current or (shown[0] if shown else None), keep_later=landing
            )
    else:
        extra["kudos_given"] = work.pk in request.session.get(KUDOS_SESSION_KEY, [])
    extra["bookmark_form"] = BookmarkForm(
        initial={
            "note": extra["bookmark"].note,
            "tags": ", ".join(extra["bookmark"].tags),
            "is_private": extra["bookmark"].is_private,
            "for_later": extra["bookmark"].for_later,
        }
        if extra["bookmark"]
        else None
    )
    if work.is_posted and not work.is_hidden and not is_creator:
        svc.hit_record(work_id=work.pk, visitor=_visitor(request))
    return extra


def default_filter_redirect(request: HttpRequest) -> HttpResponse | None:
    """A reader with a saved default filter who opens /works/ bare gets it applied;
    `?all=1` (or any query) shows the index as asked."""
    if request.GET:
        return None
    preference = reader_preference(request)
    if preference is None or not preference.default_filter:
        return None
    return HttpResponseRedirect(f"{request.path}?{preference.default_filter}")


# Kudos -----------------------------------------------------------------------------


@require_POST
def kudos_create(request: HttpRequest, work_id: int) -> HttpResponse:
    work = _work_for_reader(request, work_id)
    if not work.is_posted:
        raise Http404("No such work.")
    given = request.session.get(KUDOS_SESSION_KEY, [])
    try:
        if not request.user.is_authenticated and work.pk in given:
            created = False
        else:
            created = svc.kudos_give(
                work=work,
                user=request.user if request.user.is_authenticated else None,
                guest=svc.guest_key(ip=_client_ip(request)),
            )
    except svc.ReaderActionRefused as error:
        messages.error(request, str(error))
        return redirect(work)
    if not request.user.is_authenticated and work.pk not in given:
        request.session[KUDOS_SESSION_KEY] = [*given[-499:], work.pk]
    if created:
        messages.success(request, "Thank you for leaving kudos!")
    else:
        messages.info(request, "You have already left kudos here. :)")
    return redirect(_safe_next(request, work.get_absolute_url()))


# Comments --------------------------------------------------------------------------


def _comment_for(request: HttpRequest, comment_id: int) -> Comment:
    """A comment on a work this reader may open; 404 otherwise."""
    comment = get_object_or_404(Comment.objects.select_related("chapter", "work", "user"), pk=comment_id)
    _work_for_reader(request, comment.work_id)
    return comment


def comment_page_url(comment: Comment) -> str:
    """The chapter page, with the page of comments, that shows `comment`."""
    with connection.cursor() as cursor:
        cursor.execute(_THREADS_BEFORE_SQL, [comment.pk])
        before = cursor.fetchone()[0]
    number = before // COMMENT_THREADS_PER_PAGE + 1
    query = f"?comments={number}" if number > 1 else ""
    return f"{comment.chapter.get_absolute_url()}{query}"


def comment_location(comment: Comment) -> str:
    """The page that shows `comment`, at the comment."""
    return f"{comment_page_url(comment)}#comment-{comment.pk}"


@require_GET
def comment_detail(request: HttpRequest, comment_id: int) -> HttpResponse:
    """A comment's lasting address: to its chapter, on the page of comments showing it."""
    return redirect(comment_location(_comment_for(request, comment_id)))


@require_POST
@ratelimit(key="user_or_ip", rate=lambda group, request: settings.QUIRE_COMMENT_RATE, method="POST", block=False)
def comment_create(request: HttpRequest, work_id: int, position: int) -> HttpResponse:
    work = _work_for_reader(request, work_id)
    chapter = get_object_or_404(Chapter.objects.select_related("work"), work=work, position=position)
    if not work.is_posted:
        raise Http404("No such work.")
    form = CommentForm(request.POST)
    back = chapter.get_absolute_url()
    if getattr(request, "limited", False):
        messages.error(request, "Your comment was not posted: you are commenting very fast. Please wait a minute.")
        return redirect(f"{back}#comments-{chapter.position}")
    if not form.is_valid():
        messages.error(request, "Your comment was not posted: " + _form_errors(form))
        return redirect(f"{back}#comments-{chapter.position}")
    parent = None
    if form.cleaned_data["parent"]:
        parent = Comment.objects.filter(pk=form.cleaned_data["parent"], chapter=chapter).first()
        if parent is None:
            messages.error(request, "The comment you replied to is gone.")
            return redirect(f"{back}#comments-{chapter.position}")
    try:
        comment = svc.comment_add(
            chapter=chapter,
            body=form.cleaned_data["body"],
            user=request.user if request.user.is_authenticated else None,
            guest_name=form.cleaned_data["guest_name"],
            parent=parent,
        )
    except svc.ReaderActionRefused as error:
        messages.error(request, f"Your comment was not posted: {error}")
        return redirect(f"{back}#comments-{chapter.position}")
    messages.success(request, "Comment posted.")
    return redirect(comment_location(comment))


@login_required
@require_http_methods(["GET", "POST"])
def comment_edit(request: HttpRequest, comment_id: int) -> HttpResponse:
    comment = _comment_for(request, comment_id)
    if comment.user_id != request.user.pk or comment.is_deleted:
        raise Http404("No such comment.")
    form = CommentEditForm(request.POST or None, initial={"body": comment.body})
    if request.method == "POST" and form.is_valid():
        try:
            svc.comment_edit(comment=comment, user=request.user, body=form.cleaned_data["body"])
        except svc.ReaderActionRefused as error:
            form.add_error("body", str(error))
        else:
            messages.success(request, "Comment updated.")
            return redirect(comment_location(comment))
    return render(request, "stories/comment_edit.html", {"comment": comment, "form": form})


@login_required
@require_POST
def comment_delete(request: HttpRequest, comment_id: int) -> HttpResponse:
    comment = _comment_for(request, comment_id)
    if not svc.comment_may_delete(comment=comment, user=request.user):
        return HttpResponse("You can't delete this comment.", status=403, content_type="text/plain")
    # Back to the page it was on: at its placeholder when replies keep one, else at
    # the comments of that page.
    page = comment_page_url(comment)
    svc.comment_delete(comment=comment, user=request.user)
    messages.success(request, "Comment deleted.")
    if Comment.objects.filter(pk=comment.pk).exists():
        return redirect(f"{page}#comment-{comment.pk}")
    return redirect(f"{page}#comments-{comment.chapter.position}")


# Reports ---------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def report_create(request: HttpRequest, kind: str, object_id: int) -> HttpResponse:
    if kind == "work":
        target = _work_for_reader(request, object_id)
        back = target.get_absolute_url()
        target_kwargs = {"work": target}
    elif kind == "comment":
        target = _comment_for(request, object_id)
        back = target.get_absolute_url()
        target_kwargs = {"comment": target}
    else:
        raise Http404("Nothing to report.")
    form = ReportForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        svc.report_create(reporter=request.user, reason=form.cleaned_data["reason"], **target_kwargs)
        messages.success(request, "Thank you: a moderator will look at your report.")
        return redirect(back)
    return render(request, "stories/report_form.html", {"form": form, "kind": kind, "target": target, "back": back})


# Bookmarks -------------------------------------------------------------------------


@login_required
@require_POST
def bookmark_save(request: HttpRequest, kind: str, object_id: int) -> HttpResponse:
    if kind == "work":
        target = _work_for_reader(request, object_id)
        if not target.is_posted:
            raise Http404("No such work.")
        target_kwargs = {"work": target}
    elif kind == "series":
        target = get_object_or_404(Series, pk=object_id)
        target_kwargs = {"series": target}
    else:
        raise Http404("Nothing to bookmark.")
    form = BookmarkForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Your bookmark was not saved: " + _form_errors(form))
        return redirect(target)
    try:
        svc.bookmark_save(user=request.user, **target_kwargs, **form.cleaned_data)
    except svc.ReaderActionRefused as error:
        messages.error(request, f"Your bookmark was not saved: {error}")
        return redirect(target)
    messages.success(request, "Marked for later." if form.cleaned_data["for_later"] else "Bookmark saved.")
    return redirect(_safe_next(request, target.get_absolute_url()))


@login_required
@require_POST
def bookmark_delete(request: HttpRequest, bookmark_id: int) -> HttpResponse:
    bookmark = get_object_or_404(Bookmark, pk=bookmark_id, user=request.user)
    svc.bookmark_delete(bookmark=bookmark, user=request.user)
    messages.success(request, "Bookmark deleted.")
    return redirect(_safe_next(request, reverse("stories:user-bookmarks", args=[request.user.username])))


def _bookmark_list(request: HttpRequest, bookmarks):
    visible = Work.objects.viewable_by(request.user).values("pk")
    return (
        bookmarks.filter(Q(work__isnull=True) | Q(work__in=visible))
        .select_related("series", "user")
        .prefetch_related(Prefetch("work", queryset=Work.objects.for_listing()))
    )


@require_GET
def user_bookmarks(request: HttpRequest, username: str) -> HttpResponse:
    person = get_object_or_404(User, username=username, is_active=True)
    own = request.user.is_authenticated and request.user.pk == person.pk
    bookmarks = Bookmark.objects.filter(user=person, for_later=False)
    if not own:
        bookmarks = bookmarks.filter(is_private=False).filter(
            Q(work__isnull=True) | Q(work__status="posted", work__is_hidden=False)
        )
    tag = request.GET.get("tag", "").strip()
    if tag:
        bookmarks = bookmarks.filter(tags__contains=[tag])
    page = paginate(request, _bookmark_list(request, bookmarks).order_by("-updated_at", "-id"), PER_PAGE)
    return render(
        request,
        "stories/bookmark_list.html",
        {"person": person, "page": page, "own": own, "tag": tag, "heading": f"Bookmarks by {person.username}"},
    )


@login_required
@require_GET
def later_list(request: HttpRequest) -> HttpResponse:
    bookmarks = Bookmark.objects.filter(user=request.user, for_later=True)
    page = paginate(request, _bookmark_list(request, bookmarks).order_by("-updated_at", "-id"), PER_PAGE)
    return render(
        request,
        "stories/bookmark_list.html",
        {"person": request.user, "page": page, "own": True, "tag": "", "heading": "Marked for later"},
    )


# Subscriptions ---------------------------------------------------------------------


def _subscription_target(request: HttpRequest, kind: str, key: str) -> tuple[str, object]:
    if kind == "work":
        work = _work_for_reader(request, int(key)) if key.isdigit() else None
        if work is None or not work.is_posted:
            raise Http404("No such work.")
        return "work", work
    if kind == "series":
        return "series", get_object_or_404(Series, pk=int(key) if key.isdigit() else 0)
    if kind == "user":
        return "creator", get_object_or_404(User, username=key, is_active=True)
    if kind == "tag":
        return "tag", get_object_or_404(Tag, slug=key)
    raise Http404("Nothing to subscribe to.")


def _target_url(field: str, target) -> str:
    if field == "creator":
        return reverse("stories:user-detail", args=[target.username])
    return target.get_absolute_url()


@login_required
@require_POST
def subscription_create(request: HttpRequest, kind: str, key: str) -> HttpResponse:
    field, target = _subscription_target(request, kind, key)
    try:
        svc.subscription_add(user=request.user, **{field: target})
    except svc.ReaderActionRefused as error:
        messages.error(request, str(error))
    else:
        messages.success(request, f"Subscribed to {target}. New chapters and works will appear in your inbox.")
    return redirect(_safe_next(request, _target_url(field, target)))


@login_required
@require_POST
def subscription_delete(request: HttpRequest, subscription_id: int) -> HttpResponse:
    subscription = get_object_or_404(Subscription, pk=subscription_id, user=request.user)
    svc.subscription_delete(subscription=subscription, user=request.user)
    messages.success(request, "Unsubscribed.")
    return redirect(_safe_next(request, reverse("stories:subscription-list")))


@login_required
@require_GET
def subscription_list(request: HttpRequest) -> HttpResponse:
    subscriptions = Subscription.objects.filter(user=request.user).select_related("work", "series", "creator", "tag")
    page = paginate(request, subscriptions.order_by("-created_at", "-id"), PER_PAGE)
    return render(request, "stories/subscription_list.html", {"page": page})


@require_http_methods(["GET", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    """The link in every email: one button ends every subscription, no sign-in needed."""
    user_id = unsubscribe_user_id(token)
    if user_id is None or not User.objects.filter(pk=user_id).exists():
        raise Http404("This unsubscribe link is not valid.")
    if request.method == "POST":
        count, _ = Subscription.objects.filter(user_id=user_id).delete()
        return render(request, "stories/unsubscribe.html", {"done": True, "count": count})
    return render(request, "stories/unsubscribe.html", {"done": False})


# Inbox and history -----------------------------------------------------------------


@login_required
@require_GET
def inbox(request: HttpRequest) -> HttpResponse:
    items = InboxItem.objects.filter(user=request.user).order_by("-created_at", "-id")
    page = paginate(request, items, PER_PAGE)
    return render(request, "stories/inbox.html", {"page": page})


@login_required
@require_POST
def inbox_read(request: HttpRequest) -> HttpResponse:
    svc.inbox_mark_read(user=request.user)
    messages.success(request, "Everything in your inbox is marked as read.")
    return redirect("stories:inbox")


@login_required
@require_GET
def inbox_open(request: HttpRequest, item_id: int) -> HttpResponse:
    """Follow an inbox entry; reading it marks it read (a harmless, idempotent change
    of the reader's own row, so a plain link works)."""
    item = get_object_or_404(InboxItem, pk=item_id, user=request.user)
    if item.read_at is None:
        from django.utils import timezone

        InboxItem.objects.filter(pk=item.pk).update(read_at=timezone.now())
    # Only paths on this site: an entry can never send a reader elsewhere.
    safe = item.url.startswith("/") and url_has_allowed_host_and_scheme(item.url, allowed_hosts=set())
    return redirect(item.url if safe else reverse("stories:inbox"))


@login_required
@require_GET
def history(request: HttpRequest) -> HttpResponse:
    visible = Work.objects.viewable_by(request.user).values("pk")
    positions = (
        ReadingPosition.objects.filter(user=request.user, work__in=visible)
        .select_related("chapter")
        .prefetch_related(Prefetch("work", queryset=Work.objects.for_listing()))
        .order_by("-read_at", "-id")
    )
    page = paginate(request, positions, PER_PAGE)
    return render(request, "stories/history.html", {"page": page})


# Preferences and muting ------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def preferences(request: HttpRequest) -> HttpResponse:
    preference = svc.preference_get_or_create(user=request.user)
    initial = {
        "show_content_notices": preference.show_content_notices,
        "hide_read_works": preference.hide_read_works,
        "max_tags": preference.max_tags,
        "stale_wip_months": preference.stale_wip_months,
        "muted_tags": ", ".join(preference.muted_tags.order_by("name").values_list("name", flat=True)),
        "muted_creators": ", ".join(preference.muted_creators.order_by("username").values_list("username", flat=True)),
        "default_filter": preference.default_filter,
        "allow_guest_comments": preference.allow_guest_comments,
    }
    form = PreferenceForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        svc.preference_save(user=request.user, **form.cleaned_data)
        messages.success(request, "Preferences saved.")
        return redirect("stories:preferences")
    hidden = preference.hidden_works.order_by("title")
    return render(request, "stories/preferences.html", {"form": form, "hidden_works": hidden})


@login_required
@require_POST
def work_hide_toggle(request: HttpRequest, work_id: int) -> HttpResponse:
    work = _work_for_reader(request, work_id)
    hide = request.POST.get("hide") == "1"
    svc.work_hide_for_reader(user=request.user, work=work, hide=hide)
    messages.success(request, f"“{work.title}” is hidden from your lists." if hide else f"“{work.title}” shows again.")
    return redirect(_safe_next(request, work.get_absolute_url()))


@login_required
@require_POST
def mute_toggle(request: HttpRequest, kind: str, key: str) -> HttpResponse:
    preference = svc.preference_get_or_create(user=request.user)
    mute = request.POST.get("mute") == "1"
    if kind == "user":
        target = get_object_or_404(User, username=key)
        relation, back = preference.muted_creators, reverse("stories:user-detail", args=[target.username])
    elif kind == "tag":
        target = get_object_or_404(Tag, slug=key)
        relation, back = preference.muted_tags, target.get_absolute_url()
    else:
        raise Http404("Nothing to mute.")
    (relation.add if mute else relation.remove)(target)
    messages.success(request, f"Muted {target}." if mute else f"Unmuted {target}.")
    return redirect(_safe_next(request, back))


# Downloads -------------------------------------------------------------------------

DOWNLOAD_FORMATS = [("epub", "EPUB"), ("html", "HTML"), ("txt", "Text"), ("md", "Markdown")]


@require_GET
def work_download(request: HttpRequest, work_id: int, fmt: str) -> HttpResponse:
    from stories.exporters import export_work, load_work_for_export

    work = _work_for_reader(request, work_id)
    if fmt not in dict(DOWNLOAD_FORMATS):
        raise Http404("No such format.")
    if not work.is_posted or work.is_hidden:
        # Downloads are copies that leave the archive: only listed works.
        raise Http404("No such work.")
    exported = export_work(load_work_for_export(work.pk), fmt, url=request.build_absolute_uri(work.get_absolute_url()))
    response = HttpResponse(exported.data, content_type=exported.content_type)
    response["Content-Disposition"] = content_disposition_header(True, exported.filename)
    return response
