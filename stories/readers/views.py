"""Reader pages and actions: kudos, comments, reports, bookmarks, subscriptions,
inbox, history, preferences and mutes. Every view fetches through a permission
helper first; every write is POST then redirect. The reader parts of a work's page
are built by readers.work_page; comment paging lives in readers.comments."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_ratelimit.decorators import ratelimit

from stories.core.access import work_for_reader
from stories.core.paging import paginate
from stories.core.requests import client_ip, done, form_errors, safe_next
from stories.discovery.blurbs import attach_blurbs
from stories.discovery.filters import filter_in_words
from stories.models import (
    ApiToken,
    Bookmark,
    Chapter,
    Comment,
    InboxItem,
    Series,
    Subscription,
    Tag,
    Work,
)
from stories.readers import services as svc
from stories.readers.comments import comment_location, comment_page_url
from stories.readers.forms import (
    BookmarkForm,
    CommentEditForm,
    CommentForm,
    DefaultFilterForm,
    PreferenceForm,
    ReportForm,
)
from stories.readers.unsubscribe import unsubscribe_user_id
from stories.readers.work_page import KUDOS_SESSION_KEY

User = get_user_model()

PER_PAGE = 20


# Kudos -----------------------------------------------------------------------------


@require_POST
@ratelimit(key="user_or_ip", rate=lambda group, request: settings.QUIRE_KUDOS_RATE, method="POST", block=False)
def kudos_create(request: HttpRequest, work_id: int) -> HttpResponse:
    work = work_for_reader(request, work_id)
    if not work.is_posted:
        raise Http404("No such work.")
    if getattr(request, "limited", False):
        messages.error(request, "Your kudos were not counted: you are leaving kudos very fast. Please wait a minute.")
        return redirect(safe_next(request, work.get_absolute_url()))
    given = request.session.get(KUDOS_SESSION_KEY, [])
    try:
        if not request.user.is_authenticated and work.pk in given:
            created = False
        else:
            created = svc.kudos_give(
                work=work,
                user=request.user if request.user.is_authenticated else None,
                guest=svc.guest_key(ip=client_ip(request)),
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
    return redirect(safe_next(request, work.get_absolute_url()))


# Comments --------------------------------------------------------------------------


def _comment_for(request: HttpRequest, comment_id: int) -> Comment:
    """A comment on a work this reader may open; 404 otherwise."""
    comment = get_object_or_404(Comment.objects.select_related("chapter", "work", "user"), pk=comment_id)
    work_for_reader(request, comment.work_id)
    return comment


@require_GET
def comment_detail(request: HttpRequest, comment_id: int) -> HttpResponse:
    """A comment's lasting address: to its chapter, on the page of comments showing it."""
    return redirect(comment_location(_comment_for(request, comment_id)))


@require_POST
@ratelimit(key="user_or_ip", rate=lambda group, request: settings.QUIRE_COMMENT_RATE, method="POST", block=False)
def comment_create(request: HttpRequest, work_id: int, position: int) -> HttpResponse:
    work = work_for_reader(request, work_id)
    chapter = get_object_or_404(Chapter.objects.select_related("work"), work=work, position=position)
    if not work.is_posted:
        raise Http404("No such work.")
    form = CommentForm(request.POST)
    back = chapter.get_absolute_url()
    if getattr(request, "limited", False):
        messages.error(request, "Your comment was not posted: you are commenting very fast. Please wait a minute.")
        return redirect(f"{back}#comments-{chapter.position}")
    if not form.is_valid():
        messages.error(request, "Your comment was not posted: " + form_errors(form))
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
    return render(request, "readers/comment_edit.html", {"comment": comment, "form": form})


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
        target = work_for_reader(request, object_id)
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
    return render(request, "readers/report_form.html", {"form": form, "kind": kind, "target": target, "back": back})


# Bookmarks -------------------------------------------------------------------------


@login_required
@require_POST
def bookmark_save(request: HttpRequest, kind: str, object_id: int) -> HttpResponse:
    if kind == "work":
        target = work_for_reader(request, object_id)
        if not target.is_posted:
            raise Http404("No such work.")
        target_kwargs = {"work": target}
    elif kind == "series":
        target = get_object_or_404(Series.objects.visible_to(request.user), pk=object_id)
        target_kwargs = {"series": target}
    else:
        raise Http404("Nothing to bookmark.")
    form = BookmarkForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Your bookmark was not saved: " + form_errors(form))
        return redirect(target)
    try:
        svc.bookmark_save(user=request.user, **target_kwargs, **form.cleaned_data)
    except svc.ReaderActionRefused as error:
        messages.error(request, f"Your bookmark was not saved: {error}")
        return redirect(target)
    return done(
        request, "Marked for later." if form.cleaned_data["for_later"] else "Bookmark saved.", target.get_absolute_url()
    )


@login_required
@require_POST
def bookmark_delete(request: HttpRequest, bookmark_id: int) -> HttpResponse:
    svc.bookmark_delete(bookmark=get_object_or_404(Bookmark, pk=bookmark_id, user=request.user), user=request.user)
    return done(request, "Bookmark deleted.", reverse("stories:user-bookmarks", args=[request.user.username]))


def _bookmark_page(request: HttpRequest, bookmarks):
    """The requested page of `bookmarks`, newest first, of works and series this
    reader may open, each work with its blurb and each series with its creators."""
    visible = Work.objects.viewable_by(request.user).values("pk")
    series = Series.objects.visible_to(request.user).values("pk")
    bookmarks = (
        bookmarks.filter(Q(work__isnull=True) | Q(work__in=visible))
        .filter(Q(series__isnull=True) | Q(series__in=series))
        .select_related("series", "user", "work")
        .prefetch_related("series__creators")
    )
    page = paginate(request, bookmarks.order_by("-updated_at", "-id"), PER_PAGE)
    attach_blurbs([bookmark.work for bookmark in page if bookmark.work])
    return page


@require_GET
def user_bookmarks(request: HttpRequest, username: str) -> HttpResponse:
    person = get_object_or_404(User, username=username, is_active=True)
    own = request.user.is_authenticated and request.user.pk == person.pk
    bookmarks = Bookmark.objects.filter(user=person, for_later=False)
    if not own:
        # A deleted work's bookmark is its reader's own business: only they see it.
        bookmarks = bookmarks.filter(is_private=False).filter(
            Q(series__isnull=False) | Q(work__status="posted", work__is_hidden=False)
        )
    tag = request.GET.get("tag", "").strip()
    if tag:
        bookmarks = bookmarks.filter(tags__contains=[tag])
    page = _bookmark_page(request, bookmarks)
    return render(
        request,
        "readers/bookmark_list.html",
        {"person": person, "page": page, "own": own, "tag": tag, "heading": f"Bookmarks by {person.username}"},
    )


@login_required
@require_GET
def later_list(request: HttpRequest) -> HttpResponse:
    bookmarks = Bookmark.objects.filter(user=request.user, for_later=True)
    page = _bookmark_page(request, bookmarks)
    return render(
        request,
        "readers/bookmark_list.html",
        {"person": request.user, "page": page, "own": True, "tag": "", "heading": "Marked for later"},
    )


# Subscriptions ---------------------------------------------------------------------


def _subscription_target(request: HttpRequest, kind: str, key: str) -> tuple[str, object]:
    if kind == "work":
        work = work_for_reader(request, int(key)) if key.isdigit() else None
        if work is None or not work.is_posted:
            raise Http404("No such work.")
        return "work", work
    if kind == "series":
        return "series", get_object_or_404(Series.objects.visible_to(request.user), pk=int(key) if key.isdigit() else 0)
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
    return redirect(safe_next(request, _target_url(field, target)))


@login_required
@require_POST
def subscription_delete(request: HttpRequest, subscription_id: int) -> HttpResponse:
    mine = get_object_or_404(Subscription, pk=subscription_id, user=request.user)
    svc.subscription_delete(subscription=mine, user=request.user)
    return done(request, "Unsubscribed.", reverse("stories:subscription-list"))


@login_required
@require_GET
def subscription_list(request: HttpRequest) -> HttpResponse:
    subscriptions = Subscription.objects.filter(user=request.user).select_related("work", "series", "creator", "tag")
    page = paginate(request, subscriptions.order_by("-created_at", "-id"), PER_PAGE)
    return render(request, "readers/subscription_list.html", {"page": page})


@require_http_methods(["GET", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    """The link in every email: one button ends every subscription, no sign-in needed."""
    user_id = unsubscribe_user_id(token)
    if user_id is None or not User.objects.filter(pk=user_id).exists():
        raise Http404("This unsubscribe link is not valid.")
    if request.method == "POST":
        count, _ = Subscription.objects.filter(user_id=user_id).delete()
        return render(request, "readers/unsubscribe.html", {"done": True, "count": count})
    return render(request, "readers/unsubscribe.html", {"done": False})


# Inbox and history -----------------------------------------------------------------


@login_required
@require_GET
def inbox(request: HttpRequest) -> HttpResponse:
    items = InboxItem.objects.filter(user=request.user).order_by("-created_at", "-id")
    page = paginate(request, items, PER_PAGE)
    return render(request, "readers/inbox.html", {"page": page})


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
        InboxItem.objects.filter(pk=item.pk).update(read_at=timezone.now())
    # Only paths on this site: an entry can never send a reader elsewhere.
    safe = item.url.startswith("/") and url_has_allowed_host_and_scheme(item.url, allowed_hosts=set())
    return redirect(item.url if safe else reverse("stories:inbox"))


@login_required
@require_GET
def history(request: HttpRequest) -> HttpResponse:
    positions = svc.reading_history(user=request.user)
    page = paginate(request, positions, PER_PAGE)
    attach_blurbs([position.work for position in page])
    return render(request, "readers/history.html", {"page": page})


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
        "allow_guest_comments": preference.allow_guest_comments,
        "allow_creator_invitations": preference.allow_creator_invitations,
        "invitations_from": ", ".join(
            preference.invitations_from.order_by("username").values_list("username", flat=True)
        ),
    }
    form = PreferenceForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        svc.preference_save(user=request.user, **form.cleaned_data)
        messages.success(request, "Preferences saved.")
        return redirect("stories:preferences")
    context = {
        "form": form,
        "hidden_works": preference.hidden_works.order_by("title"),
        "tokens": ApiToken.objects.filter(user=request.user, revoked_at__isnull=True),
        "default_filter": preference.default_filter,
        "default_filter_words": filter_in_words(preference.default_filter),
    }
    return render(request, "readers/preferences.html", context)


@login_required
@require_POST
def default_filter_save(request: HttpRequest) -> HttpResponse:
    """Save the filters of the list the reader is on as their default filter (the
    "Save these filters as my default" button), or clear it (an empty `filters`)."""
    form = DefaultFilterForm(request.POST)
    back = reverse("stories:work-list")
    if not form.is_valid():
        messages.error(request, "Your default filter was not saved: " + form_errors(form))
        return redirect(safe_next(request, back))
    saved = form.cleaned_data["filters"]
    svc.preference_set_default_filter(user=request.user, default_filter=saved)
    if saved:
        return done(request, "Saved: these filters are your default when you open Works.", back)
    return done(request, "Your default filter is cleared: Works opens with every work.", back)


@login_required
@require_POST
def work_hide_toggle(request: HttpRequest, work_id: int) -> HttpResponse:
    work = work_for_reader(request, work_id)
    hide = request.POST.get("hide") == "1"
    svc.work_hide_for_reader(user=request.user, work=work, hide=hide)
    return done(
        request,
        f"“{work.title}” is hidden from your lists." if hide else f"“{work.title}” shows again.",
        work.get_absolute_url(),
    )


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
    return done(request, f"Muted {target}." if mute else f"Unmuted {target}.", back)
