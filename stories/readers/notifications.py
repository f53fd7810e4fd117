"""What subscribers are told: an inbox entry for every subscriber of a new work,
chapter or series part, and a queued email for those with an address (sent later by
outgoing_email_send, never inside a request). The fan-out runs as a job
(readers.tasks); each event has a key, so a job run twice tells everyone once."""

import datetime
import hashlib
from collections.abc import Iterable
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from stories.core.text import one_line
from stories.models import (
    Chapter,
    InboxItem,
    OutgoingEmail,
    SeriesPart,
    Subscription,
    Tag,
    TaggedWork,
    Work,
    WorkCreator,
)
from stories.readers.unsubscribe import unsubscribe_url

User = get_user_model()


def _absolute(url: str) -> str:
    return f"{settings.SITE_URL}{url}"


def _notify(
    *,
    users: Iterable[AbstractBaseUser],
    work: Work,
    message: str,
    url: str,
    event_key: str,
    chapter: Chapter | None = None,
) -> int:
    """One inbox entry per user (deleted with the work, or the chapter it names), and
    one queued email for those with an address; entries and emails already written
    for `event_key` are left as they are (a retried job tells nobody twice)."""
    users = list(users)
    InboxItem.objects.bulk_create(
        [
            InboxItem(user=u, work=work, chapter=chapter, message=message[:500], url=url, event_key=event_key)
            for u in users
        ],
        ignore_conflicts=True,
    )
    emails = []
    for u in users:
        if u.email:
            body = (
                f"{message}\n\n{_absolute(url)}\n\n"
                f"You get this because you subscribed on Quire. Manage or end your subscriptions: "
                f"{_absolute(reverse('stories:subscription-list'))}\n"
                f"Unsubscribe from everything in one click: {_absolute(unsubscribe_url(u))}\n"
            )
            # A subject is a mail header: one line, whatever the message was built from.
            emails.append(OutgoingEmail(to=u.email, subject=one_line(message)[:255], body=body, event_key=event_key))
    OutgoingEmail.objects.bulk_create(emails, ignore_conflicts=True)
    return len(users)


def _subscribers(*, work: Work, include_work: bool, include_tags: bool):
    creator_ids = list(WorkCreator.objects.filter(work=work).values_list("user_id", flat=True))
    series_ids = SeriesPart.objects.filter(work=work).values("series_id")
    matches = Q(series__in=series_ids) | Q(creator__in=creator_ids)
    if include_work:
        matches |= Q(work=work)
    if include_tags:
        tag_ids = TaggedWork.objects.filter(content_object=work).values("tag_id")
        canonical_ids = Tag.objects.filter(pk__in=tag_ids, synonym_of__isnull=False).values("synonym_of_id")
        matches |= Q(tag__in=tag_ids) | Q(tag__in=canonical_ids)
    user_ids = Subscription.objects.filter(matches).values("user_id")
    # Restricted works are for signed-in readers: every subscriber is one.
    return User.objects.filter(pk__in=user_ids, is_active=True).exclude(pk__in=creator_ids).order_by("pk")


@transaction.atomic
def subscriptions_notify_chapter(*, chapter: Chapter) -> int:
    """Tell subscribers of the work, its series and its creators about a new chapter."""
    work = Work.objects.get(pk=chapter.work_id)
    if not work.is_posted or work.is_hidden:
        return 0
    return _notify(
        users=_subscribers(work=work, include_work=True, include_tags=False),
        work=work,
        message=f"New chapter of {work.title}: {chapter.display_title}",
        url=chapter.get_absolute_url(),
        chapter=chapter,
        event_key=f"chapter:{chapter.pk}",
    )


@transaction.atomic
def subscriptions_notify_work(*, work: Work) -> int:
    """Tell subscribers of its creators, series and tags about a newly posted work."""
    work = Work.objects.get(pk=work.pk)
    if not work.is_posted or work.is_hidden:
        return 0
    names = ", ".join(WorkCreator.objects.filter(work=work).values_list("user__username", flat=True))
    return _notify(
        users=_subscribers(work=work, include_work=False, include_tags=True),
        work=work,
        message=f"New work by {names or 'Anonymous'}: {work.title}",
        url=work.get_absolute_url(),
        event_key=f"work:{work.pk}",
    )


@transaction.atomic
def subscriptions_notify_part(*, part: SeriesPart) -> int:
    """Tell a series' subscribers that a posted work became one of its parts."""
    work = part.work
    if not work.is_posted or work.is_hidden:
        return 0
    creator_ids = WorkCreator.objects.filter(work=work).values("user_id")
    users = (
        User.objects.filter(subscriptions__series=part.series, is_active=True)
        .exclude(pk__in=creator_ids)
        .distinct()
        .order_by("pk")
    )
    return _notify(
        users=users,
        work=work,
        message=f"New part in {part.series.title}: {work.title}",
        url=work.get_absolute_url(),
        event_key=f"part:{part.pk}",
    )


MAX_EMAIL_ATTEMPTS = 5


def outgoing_email_message_id(email: OutgoingEmail) -> str:
    """A Message-ID fixed by the row, so a resend (a worker killed between handing the
    email over and recording it) is recognisably the same message to mail software."""
    domain = urlsplit(settings.SITE_URL).hostname or "localhost"
    tag = hashlib.sha256(f"{email.pk}:{email.event_key}".encode()).hexdigest()[:16]
    return f"<quire.{email.pk}.{tag}@{domain}>"


def outgoing_email_send(*, limit: int = 100) -> tuple[int, int]:
    """Send up to `limit` due emails through the configured backend; returns (sent,
    failed). Each email is locked, sent and marked in its own transaction, so a
    worker killed half-way leaves the sent ones marked and the rest queued, and two
    workers never send the same row. A failed email waits 2^attempts minutes before
    its next try, and is given up after MAX_EMAIL_ATTEMPTS (its last_error says why)."""
    sent = failed = 0
    connection = get_connection()
    for _ in range(limit):
        with transaction.atomic():
            now = timezone.now()
            email = (
                OutgoingEmail.objects.select_for_update(skip_locked=True)
                .filter(sent_at__isnull=True, attempts__lt=MAX_EMAIL_ATTEMPTS)
                .filter(Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))
                .order_by("created_at", "id")
                .first()
            )
            if email is None:
                break
            email.attempts += 1
            message = EmailMessage(
                email.subject,
                email.body,
                settings.DEFAULT_FROM_EMAIL,
                [email.to],
                headers={"Message-ID": outgoing_email_message_id(email)},
                connection=connection,
            )
            try:
                message.send()
            except Exception as error:  # any backend failure: keep it queued, record why
                email.last_error = str(error)[:2000]
                email.next_attempt_at = now + datetime.timedelta(minutes=2**email.attempts)
                failed += 1
            else:
                email.sent_at = timezone.now()
                email.last_error = ""
                sent += 1
            email.save(update_fields=["attempts", "sent_at", "last_error", "next_attempt_at"])
    return sent, failed
