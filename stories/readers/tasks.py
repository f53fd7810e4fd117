"""The readers' background jobs, on Procrastinate's queue in PostgreSQL.

- Subscription fan-out: a work, chapter or series part posted defers one job in the
  same transaction as the post (so a crash after the commit cannot lose it); the job
  writes one inbox entry and one email row per subscriber, idempotently (keyed by
  event), then asks for the emails to be sent.
- Sending: `emails_send` sends queued emails one committed row at a time; it also
  runs periodically to pick up what a killed worker left.
- Hits: rows written by the requests are added to the works' counters periodically.

Failing jobs are retried with exponential back-off (RETRY); those that exhaust it stay
in the queue as *failed*, listed in the admin under Procrastinate → Jobs.
"""

import contextlib

from django.conf import settings
from django.db import transaction
from procrastinate import RetryStrategy
from procrastinate.contrib.django import app
from procrastinate.exceptions import AlreadyEnqueued

from stories.models import Chapter, SeriesPart, Work
from stories.readers.hits import hits_aggregate
from stories.readers.notifications import (
    outgoing_email_send,
    subscriptions_notify_chapter,
    subscriptions_notify_part,
    subscriptions_notify_work,
)

# Waits of 2, 4, 8 … 256 s between attempts (about eight minutes in all).
RETRY = RetryStrategy(max_attempts=8, exponential_wait=2)
EMAIL_QUEUE = "emails"


def cron_every(seconds: int) -> str:
    """A cron expression (with croniter's seconds field when under a minute) that
    fires every `seconds` seconds; a minute or more is rounded to whole minutes."""
    if seconds < 60:
        return f"* * * * * */{max(seconds, 1)}"
    return f"*/{min(seconds // 60, 59)} * * * *"


def _fan_out(notify, **target) -> int:
    """`notify(**target)` (one inbox entry and email row per subscriber), then ask
    for the emails to be sent; returns how many were told. A target deleted before
    the job ran (None) tells no one."""
    told = notify(**target) if None not in target.values() else 0
    emails_send_soon()
    return told


@app.task(queue=EMAIL_QUEUE, retry=RETRY)
def notify_work_posted(*, work_id: int) -> int:
    """Fan out a newly posted work to its subscribers; returns how many were told."""
    return _fan_out(subscriptions_notify_work, work=Work.objects.filter(pk=work_id).first())


@app.task(queue=EMAIL_QUEUE, retry=RETRY)
def notify_chapter_added(*, chapter_id: int) -> int:
    """Fan out a new chapter to its work's subscribers; returns how many were told."""
    return _fan_out(subscriptions_notify_chapter, chapter=Chapter.objects.filter(pk=chapter_id).first())


@app.task(queue=EMAIL_QUEUE, retry=RETRY)
def notify_part_added(*, part_id: int) -> int:
    """Fan out a new series part to the series' subscribers; returns how many were told."""
    return _fan_out(
        subscriptions_notify_part, part=SeriesPart.objects.select_related("series", "work").filter(pk=part_id).first()
    )


# Sending can take minutes (a popular author's fan-out). `lock` lets at most one send
# job and one sweep run at a time, so they never hold every slot of a worker: the hits
# job and the fan-outs always find one (QUIRE_JOB_CONCURRENCY, default 4).
@app.task(queue=EMAIL_QUEUE, retry=RETRY, queueing_lock="emails_send", lock="emails_send")
def emails_send() -> int:
    """Send every queued email that is due; returns how many were sent. Raises when
    some failed, so the queue retries with back-off (the rows keep their own)."""
    total = 0
    while True:
        sent, failed = outgoing_email_send(limit=100)
        total += sent
        if failed:
            raise RuntimeError(f"{failed} email(s) could not be sent; they stay queued")
        if sent == 0:
            return total


def emails_send_soon() -> None:
    """Ask the worker to send queued emails now; one such job waiting is enough.

    The refused insert (AlreadyEnqueued) happens in a savepoint: inside a caller's
    transaction it would otherwise abort that transaction (the Django connector runs
    the insert on the caller's connection)."""
    with contextlib.suppress(AlreadyEnqueued), transaction.atomic():
        emails_send.defer()


@app.periodic(cron=cron_every(settings.QUIRE_EMAIL_SWEEP_SECONDS), periodic_id="emails-sweep")
@app.task(queue=EMAIL_QUEUE, queueing_lock="emails_sweep", lock="emails_sweep")
def emails_sweep(timestamp: int) -> int:
    """Periodically send what is still queued (a fan-out or send job interrupted by a
    killed worker, an email whose back-off is over)."""
    sent = 0
    while True:
        batch, _failed = outgoing_email_send(limit=100)
        sent += batch
        if batch == 0:
            return sent


@app.periodic(cron=cron_every(settings.QUIRE_HITS_EVERY_SECONDS), periodic_id="hits-aggregate")
@app.task(queueing_lock="hits_aggregate", retry=RETRY)
def hits_aggregate_job(timestamp: int) -> int:
    """Add the hits recorded since the last run to the works' counters."""
    return hits_aggregate()
