"""The reader's parts of a work's page, and the visit itself: kudos given, the
reader's bookmark and subscription, where they stopped reading, the chapters'
comments, and (unless it is the creator) a hit and the reading position."""

from django.http import HttpRequest

from stories.core.requests import visitor_key
from stories.models import Bookmark, Kudos, ReadingPosition, Subscription, Work
from stories.readers import services as svc
from stories.readers.comments import comment_threads
from stories.readers.forms import BookmarkForm, CommentForm
from stories.readers.hits import hit_record
from stories.readers.mutes import reader_preference

KUDOS_SESSION_KEY = "quire_kudos"
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
        hit_record(work_id=work.pk, visitor=visitor_key(request))
    return extra
