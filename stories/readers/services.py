"""Write paths for what readers do: kudos, comments, bookmarks, subscriptions,
notifications, reading history, reports, preferences and hits. Named <noun>_<verb>;
every function that changes more than one row runs in one transaction, and the
stored counters on Work move with F() in that same transaction."""

import hashlib
from collections.abc import Sequence

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.db import IntegrityError, connection, transaction
from django.db.models import F
from django.utils import timezone

from stories.models import (
    Bookmark,
    Chapter,
    Comment,
    InboxItem,
    Kudos,
    ReaderPreference,
    ReadingPosition,
    Report,
    Series,
    Subscription,
    Tag,
    Work,
    WorkCreator,
)

User = get_user_model()

COMMENT_MAX_CHARS = 10_000
BOOKMARK_NOTE_MAX_CHARS = 5_000
REPORT_MAX_CHARS = 5_000


class ReaderActionRefused(ValueError):
    """A reader's action that cannot be done; the message is shown as it is."""


def guest_key(*, ip: str) -> str:
    """A guest's identity for kudos: a keyed hash of the address, so the table
    never holds a reader's IP."""
    return hashlib.sha256(f"{settings.SECRET_KEY}:guest:{ip}".encode()).hexdigest()


# Kudos ---------------------------------------------------------------------------


@transaction.atomic
def kudos_give(*, work: Work, user: AbstractBaseUser | None, guest: str = "") -> bool:
    """Leave kudos on `work`; False when this reader already did. Creators cannot
    leave kudos on their own work."""
    if user is not None and user.is_authenticated:
        if WorkCreator.objects.filter(work=work, user=user).exists():
            raise ReaderActionRefused("You can't leave kudos on your own work.")
        kudos = Kudos(work=work, user=user)
    else:
        if not guest:
            raise ReaderActionRefused("We could not tell who you are; please try again.")
        kudos = Kudos(work=work, guest_key=guest)
    try:
        with transaction.atomic():
            kudos.save()
    except IntegrityError:
        return False
    Work.objects.filter(pk=work.pk).update(kudos_count=F("kudos_count") + 1)
    return True


# Comments ------------------------------------------------------------------------


def _clean_comment_body(body: str) -> str:
    body = (body or "").strip()
    if not body:
        raise ReaderActionRefused("A comment can't be empty.")
    if len(body) > COMMENT_MAX_CHARS:
        raise ReaderActionRefused(f"A comment can be at most {COMMENT_MAX_CHARS:,} characters.")
    if "\x00" in body:
        raise ReaderActionRefused("That comment contains characters we can't store.")
    return body


def guest_comments_allowed(*, work: Work) -> bool:
    """The work allows it and none of its creators turned guest comments off."""
    if not work.comments_from_guests:
        return False
    # Plain SQL: every guest's view of a work page asks, and the ORM spent longer
    # building this two-join EXISTS than PostgreSQL spends answering it.
    preferences, creators = ReaderPreference._meta.db_table, WorkCreator._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT NOT EXISTS (SELECT 1 FROM {creators} c JOIN {preferences} p ON p.user_id = c.user_id "  # noqa: S608 - our table names
            "WHERE c.work_id = %s AND NOT p.allow_guest_comments)",
            [work.pk],
        )
        return cursor.fetchone()[0]


@transaction.atomic
def comment_add(
    *,
    chapter: Chapter,
    body: str,
    user: AbstractBaseUser | None,
    guest_name: str = "",
    parent: Comment | None = None,
) -> Comment:
    """A comment (or a reply to `parent`) on a chapter, counted on the work, with a
    note in the inbox of the work's creators and of the person replied to."""
    body = _clean_comment_body(body)
    work = chapter.work
    signed_in = user is not None and user.is_authenticated
    if not signed_in:
        guest_name = (guest_name or "").strip()
        if not guest_comments_allowed(work=work):
            raise ReaderActionRefused("The author only accepts comments from signed-in readers.")
        if not guest_name:
            raise ReaderActionRefused("Please give a name to comment as a guest.")
        if len(guest_name) > 100:
            raise ReaderActionRefused("A name can be at most 100 characters.")
    if parent is not None and (parent.chapter_id != chapter.pk or parent.is_deleted):
        raise ReaderActionRefused("You can only reply to a comment on this chapter.")
    comment = Comment(
        work=work,
        chapter=chapter,
        parent=parent,
        user=user if signed_in else None,
        guest_name="" if signed_in else guest_name,
        body=body,
    )
    comment.save()
    Work.objects.filter(pk=work.pk).update(comment_count=F("comment_count") + 1)

    url = comment.get_absolute_url()  # finds the page of comments showing it when followed
    who = comment.author_name
    notified: set[int] = set()
    if user is not None and signed_in:
        notified.add(user.pk)
    items = []
    for creator_id in WorkCreator.objects.filter(work=work).values_list("user_id", flat=True):
        if creator_id not in notified:
            notified.add(creator_id)
            items.append(
                InboxItem(
                    user_id=creator_id,
                    work=work,
                    comment=comment,
                    url=url,
                    message=f"{who} commented on {work.title}",
                )
            )
    if parent is not None and parent.user_id and parent.user_id not in notified:
        items.append(
            InboxItem(
                user_id=parent.user_id,
                work=work,
                comment=comment,
                url=url,
                message=f"{who} replied to your comment on {work.title}",
            )
        )
    InboxItem.objects.bulk_create(items)
    return comment


def comment_may_delete(*, comment: Comment, user: AbstractBaseUser) -> bool:
    """Its writer, a creator of the work, or a moderator."""
    if not user.is_authenticated:
        return False
    if comment.user_id == user.pk or user.is_staff:
        return True
    return WorkCreator.objects.filter(work_id=comment.work_id, user=user).exists()


@transaction.atomic
def comment_edit(*, comment: Comment, user: AbstractBaseUser, body: str) -> Comment:
    if not user.is_authenticated or comment.user_id != user.pk or comment.is_deleted:
        raise ReaderActionRefused("You can only edit your own comments.")
    comment.body = _clean_comment_body(body)
    comment.edited_at = timezone.now()
    comment.save()
    return comment


@transaction.atomic
def comment_delete(*, comment: Comment, user: AbstractBaseUser) -> None:
    """Delete a comment. One with replies stays as a placeholder so the thread
    still reads; its text is gone either way."""
    if not comment_may_delete(comment=comment, user=user):
        raise ReaderActionRefused("You can't delete this comment.")
    if comment.is_deleted:
        return
    if comment.replies.exists():
        comment.is_deleted = True
        comment.body = ""
        comment.save()
        # Its text is gone: the notices about it would lead to an empty placeholder.
        InboxItem.objects.filter(comment=comment).delete()
    else:
        comment.delete()  # its notices go with it (InboxItem.comment cascades)
    Work.objects.filter(pk=comment.work_id).update(comment_count=F("comment_count") - 1)


# Bookmarks -----------------------------------------------------------------------


def bookmark_tags_parse(raw: str) -> list[str]:
    """A reader's own bookmark tags: comma separated, trimmed, unique ignoring case."""
    tags: list[str] = []
    for part in (raw or "").split(","):
        name = " ".join(part.split())[:100]
        if name and name.lower() not in {t.lower() for t in tags}:
            tags.append(name)
    if len(tags) > 50:
        raise ReaderActionRefused("A bookmark can have at most 50 tags.")
    return tags


def _counts_publicly(bookmark: Bookmark | None) -> bool:
    return bookmark is not None and not bookmark.is_private and not bookmark.for_later


@transaction.atomic
def bookmark_save(
    *,
    user: AbstractBaseUser,
    work: Work | None = None,
    series: Series | None = None,
    note: str = "",
    tags: Sequence[str] = (),
    is_private: bool = False,
    for_later: bool = False,
) -> Bookmark:
    """Create or update the reader's bookmark of a work or a series. A work's
    bookmark count counts public bookmarks, as the world sees them."""
    if (work is None) == (series is None):
        raise ValueError("Bookmark exactly one of a work or a series.")
    if len(note or "") > BOOKMARK_NOTE_MAX_CHARS:
        raise ReaderActionRefused(f"A bookmark note can be at most {BOOKMARK_NOTE_MAX_CHARS:,} characters.")
    target = {"work": work} if work is not None else {"series": series}
    bookmark = Bookmark.objects.select_for_update().filter(user=user, **target).first()
    was_public = _counts_publicly(bookmark)
    if bookmark is None:
        bookmark = Bookmark(user=user, **target)
    bookmark.note = (note or "").strip()
    bookmark.tags = list(tags)
    bookmark.for_later = for_later
    bookmark.is_private = is_private or for_later
    bookmark.save()
    if work is not None:
        delta = int(_counts_publicly(bookmark)) - int(was_public)
        if delta:
            Work.objects.filter(pk=work.pk).update(bookmark_count=F("bookmark_count") + delta)
    return bookmark


@transaction.atomic
def bookmark_delete(*, bookmark: Bookmark, user: AbstractBaseUser) -> None:
    if bookmark.user_id != user.pk:
        raise ReaderActionRefused("You can only delete your own bookmarks.")
    if bookmark.work_id and _counts_publicly(bookmark):
        Work.objects.filter(pk=bookmark.work_id).update(bookmark_count=F("bookmark_count") - 1)
    bookmark.delete()


def bookmarks_keep_for_deleted_work(*, work: Work) -> int:
    """Before `work` is deleted: its bookmarks stay in their readers' lists as "This
    work has been deleted", keeping the title and creators as they were (the foreign
    key then becomes NULL). Returns how many bookmarks it kept."""
    creators = ", ".join(
        WorkCreator.objects.filter(work=work).order_by("position", "id").values_list("user__username", flat=True)
    )
    return Bookmark.objects.filter(work=work).update(
        work=None, work_deleted=True, work_title=work.title[:255], work_creators=creators[:500]
    )


def work_deletion_impact(*, work: Work) -> dict[str, int]:
    """What deleting `work` touches, for the author's confirmation page: readers'
    bookmarks (kept as "deleted"), comments, subscriptions and kudos (gone)."""
    return {
        "bookmarks": Bookmark.objects.filter(work=work).count(),
        "comments": Comment.objects.filter(work=work).count(),
        "subscriptions": Subscription.objects.filter(work=work).count(),
        "kudos": work.kudos.count(),
    }


def chapter_deletion_impact(*, chapter: Chapter) -> dict[str, int]:
    """What deleting `chapter` touches: its comments (and their notices)."""
    return {"comments": Comment.objects.filter(chapter=chapter).count()}


# Subscriptions (the notifications they bring are in readers.notifications) ------


def subscription_add(*, user: AbstractBaseUser, **target) -> Subscription:
    """Subscribe to one of work=, series=, creator=, tag= (idempotent)."""
    if len(target) != 1 or next(iter(target)) not in {"work", "series", "creator", "tag"}:
        raise ValueError("Subscribe to exactly one work, series, creator or tag.")
    if target.get("creator") is not None and target["creator"].pk == user.pk:
        raise ReaderActionRefused("You can't subscribe to yourself.")
    subscription, _ = Subscription.objects.get_or_create(user=user, **target)
    return subscription


def subscription_delete(*, subscription: Subscription, user: AbstractBaseUser) -> None:
    if subscription.user_id != user.pk:
        raise ReaderActionRefused("You can only end your own subscriptions.")
    subscription.delete()


def inbox_mark_read(*, user: AbstractBaseUser) -> int:
    return InboxItem.objects.filter(user=user, read_at__isnull=True).update(read_at=timezone.now())


# Reading history -----------------------------------------------------------------


def reading_history(*, user: AbstractBaseUser):
    """`user`'s reading positions (chapter and work loaded), last read first, only
    for works they may still open."""
    visible = Work.objects.viewable_by(user).values("pk")
    return (
        ReadingPosition.objects.filter(user=user, work__in=visible)
        .select_related("chapter", "work")
        .order_by("-read_at", "-id")
    )


def reading_position_record(*, user: AbstractBaseUser, work: Work, chapter: Chapter | None, keep_later: bool) -> None:
    """Remember the last chapter `user` read in `work`. With `keep_later` (the work's
    landing page) an existing position is only touched, not moved back to chapter 1."""
    now = timezone.now()
    updates = {"read_at": now, "visits": F("visits") + 1}
    if not keep_later:
        updates["chapter"] = chapter
    if ReadingPosition.objects.filter(user=user, work=work).update(**updates):
        return
    try:
        with transaction.atomic():
            ReadingPosition.objects.create(user=user, work=work, chapter=chapter, read_at=now)
    except IntegrityError:
        # A second tab got there first: fine, its row is as good as ours.
        pass


# Reports -------------------------------------------------------------------------


def report_create(
    *, reporter: AbstractBaseUser, reason: str, work: Work | None = None, comment: Comment | None = None
) -> Report:
    reason = (reason or "").strip()
    if not reason:
        raise ReaderActionRefused("Please say what is wrong.")
    if len(reason) > REPORT_MAX_CHARS:
        raise ReaderActionRefused(f"A report can be at most {REPORT_MAX_CHARS:,} characters.")
    if comment is not None:
        work = None
    return Report.objects.create(reporter=reporter, reason=reason, work=work, comment=comment)


@transaction.atomic
def report_resolve(
    *, report: Report, moderator: AbstractBaseUser, status: str, resolution: str = "", hide_reason: str = ""
) -> Report:
    """Close a report; with `hide_reason`, also hide the reported work (or the work
    of the reported comment) with that reason shown to its creators."""
    report.status = status
    report.resolution = resolution
    report.resolved_by = moderator
    report.resolved_at = timezone.now()
    report.save()
    if hide_reason:
        work_id = report.work_id or (report.comment.work_id if report.comment_id else None)
        if work_id:
            work_hide(work_id=work_id, reason=hide_reason)
    return report


def work_hide(*, work_id: int, reason: str) -> None:
    Work.objects.filter(pk=work_id).update(is_hidden=True, hidden_reason=reason)


# Preferences ---------------------------------------------------------------------


def preference_for(user: AbstractBaseUser) -> ReaderPreference | None:
    if not user.is_authenticated:
        return None
    return ReaderPreference.objects.filter(user=user).first()


def preference_get_or_create(*, user: AbstractBaseUser) -> ReaderPreference:
    preference, _ = ReaderPreference.objects.get_or_create(user=user)
    return preference


@transaction.atomic
def preference_save(
    *,
    user: AbstractBaseUser,
    muted_tags: Sequence[Tag] = (),
    muted_creators: Sequence[AbstractBaseUser] = (),
    invitations_from: Sequence[AbstractBaseUser] | None = None,
    **fields,
) -> ReaderPreference:
    preference = preference_get_or_create(user=user)
    for name, value in fields.items():
        setattr(preference, name, value)
    preference.save()
    preference.muted_tags.set(muted_tags)
    preference.muted_creators.set(muted_creators)
    if invitations_from is not None:
        preference.invitations_from.set(invitations_from)
    return preference


def preference_set_default_filter(*, user: AbstractBaseUser, default_filter: str) -> ReaderPreference:
    """Save `default_filter` (a query string of filter fields, readers.forms.
    DefaultFilterForm; "" clears it) as what the works index applies when the reader
    opens it bare."""
    preference = preference_get_or_create(user=user)
    preference.default_filter = default_filter
    preference.save(update_fields=["default_filter"])
    return preference


def work_hide_for_reader(*, user: AbstractBaseUser, work: Work, hide: bool) -> None:
    preference = preference_get_or_create(user=user)
    if hide:
        preference.hidden_works.add(work)
    else:
        preference.hidden_works.remove(work)
