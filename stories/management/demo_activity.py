"""Readers' activity for the demo archive: kudos (from readers and guests), hits,
threaded comments, bookmarks with notes and tags, and subscriptions, in the skewed
amounts of a real archive — a few works collect most of it, most works a little,
some nothing — so that sorting by kudos, hits, comments or bookmarks shows an order.

Each work's popularity is lognormal, larger for older and longer works; hits follow
it, kudos are a few per cent of hits, bookmarks and comments a share of kudos. The
rows are inserted in bulk (no per-row services: no inbox notices, no emails), dated
between the work's publication and today, and the works' stored counters are set
from the rows written, so they agree with them exactly.
"""

import datetime
import functools
import hashlib
import math
import random
from collections import defaultdict
from collections.abc import Callable, Sequence

from django.db import connection
from django.db.models import Count
from django.utils import timezone

from stories.core.rendering import render_inline_markdown
from stories.management.prose import Picker, Prose
from stories.models import Bookmark, Chapter, Comment, Kudos, Subscription, TaggedWork, Work, WorkCreator

MAX_COMMENTS = 150  # top-level comments on one work, replies aside


def _moment(rng: random.Random, start: datetime.date, now: datetime.datetime, skew: float) -> datetime.datetime:
    """A time between midday of `start` and `now`; skew > 1 keeps most of them near the start."""
    begin = timezone.make_aware(datetime.datetime.combine(start, datetime.time(12)))
    if begin >= now:
        return now
    return begin + (now - begin) * (rng.random() ** skew)


def _set_times(table: str, columns: Sequence[str], times: list[tuple[int, datetime.datetime]]) -> None:
    """Set `columns` of the rows of `table` to the given time per id (auto_now_add
    fields cannot be given on insert). One UPDATE per 2,000 rows."""
    assignments = ", ".join(f"{column} = v.at" for column in columns)
    for start in range(0, len(times), 2000):
        batch = times[start : start + 2000]
        values = ", ".join(["(%s, %s)"] * len(batch))
        params = [value for pair in batch for value in pair]
        with connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE {table} AS t SET {assignments} FROM (VALUES {values}) AS v(id, at) WHERE t.id = v.id",  # noqa: S608 - our table and column names
                params,
            )


def popularity(rng: random.Random, work: Work, today: datetime.date) -> float:
    """A work's draw of readers: lognormal (sigma 1.15), times a factor for age (a
    new work has had little time) and a gentle one for length."""
    age = max(0, (today - work.published_on).days)
    age_factor = min(1.0, 0.15 + age / 900)
    length_factor = min(2.0, max(0.5, (max(work.word_count, 1) / 3500) ** 0.15))
    return math.exp(rng.gauss(0, 1.15)) * age_factor * length_factor


def demo_activity(
    *,
    archive,
    rng: random.Random,
    prose: Prose,
    works: Sequence[Work] | None = None,
    progress: Callable[[str], None] = lambda message: None,
) -> dict[str, int]:
    """Kudos, hits, comments (with replies), bookmarks and subscriptions on `works`
    (default: the archive's works) from the archive's readers and authors (never on
    their own work) and from guests. `archive` is a demo.DemoArchive. Returns how
    many rows of each kind were written."""
    works = list(archive.works if works is None else works)
    people = list(archive.readers) + list(archive.authors)
    if not works or not people:
        return {}
    now = timezone.now()
    today = timezone.localdate()
    # The same short texts come back often; Markdown costs milliseconds a call.
    rendered = functools.lru_cache(maxsize=None)(render_inline_markdown)
    fake = archive.world.fake
    # Some readers are far busier than others.
    shuffled = people[:]
    rng.shuffle(shuffled)
    reader_picker = Picker(shuffled, rng, s=0.6)
    work_ids = [w.pk for w in works]
    creators: dict[int, set[int]] = defaultdict(set)
    for work_id, user_id in WorkCreator.objects.filter(work_id__in=work_ids).values_list("work_id", "user_id"):
        creators[work_id].add(user_id)
    chapters: dict[int, list[tuple[int, datetime.date]]] = defaultdict(list)
    for chapter_id, work_id, published in (
        Chapter.objects.filter(work_id__in=work_ids).order_by("position").values_list("id", "work_id", "published_on")
    ):
        chapters[work_id].append((chapter_id, published))
    names: dict[int, list[str]] = defaultdict(list)
    for work_id, name in TaggedWork.objects.filter(content_object_id__in=work_ids, tag__kind="character").values_list(
        "content_object_id", "tag__name"
    ):
        names[work_id].append(name.split()[0])

    def readers_for(work: Work, count: int) -> list:
        """`count` different signed-in readers of `work`, not its creators."""
        own = creators[work.pk]
        return [p for p in reader_picker.distinct(count + len(own)) if p.pk not in own][:count]

    kudos_rows, kudos_times = [], []
    bookmark_rows, bookmark_times = [], []
    subscriptions = []
    top_comments: list[tuple[Comment, datetime.datetime]] = []
    totals = {"kudos": 0, "comments": 0, "bookmarks": 0, "subscriptions": 0, "hits": 0}
    for work in works:
        draw = popularity(rng, work, today)
        chapter_count = max(1, work.chapter_count)
        work.hit_count = max(chapter_count * rng.randint(2, 6), round(draw * 600 * rng.uniform(0.8, 1.2)))
        kudos = round(work.hit_count * rng.uniform(0.03, 0.09))
        signed_in = readers_for(work, round(kudos * rng.uniform(0.25, 0.45)))
        for person in signed_in:
            kudos_rows.append(Kudos(work=work, user=person))
            kudos_times.append(_moment(rng, work.published_on, now, 2))
        for n in range(kudos - len(signed_in)):
            key = hashlib.sha256(f"demo-guest:{work.pk}:{n}".encode()).hexdigest()
            kudos_rows.append(Kudos(work=work, guest_key=key))
            kudos_times.append(_moment(rng, work.published_on, now, 2))
        work.kudos_count = kudos

        public = 0
        for person in readers_for(work, round(kudos * rng.uniform(0.1, 0.25))):
            for_later = rng.random() < 0.05
            private = for_later or rng.random() < 0.12
            public += not private
            cast = names[work.pk] or ["the narrator"]
            note = prose.phrase("bookmark_note", cast) if rng.random() < 0.4 else ""
            bookmark_rows.append(
                Bookmark(
                    user=person,
                    work=work,
                    note=note,
                    note_html=rendered(note),
                    tags=prose.bookmark_tags(),
                    is_private=private,
                    for_later=for_later,
                )
            )
            bookmark_times.append(_moment(rng, work.published_on, now, 1.5))
        work.bookmark_count = public

        # Those who follow a work in progress; a few keep following a finished one.
        share = 0.5 if not work.is_complete else 0.1
        for person in readers_for(work, round(public * share)):
            subscriptions.append(Subscription(user=person, work=work))

        spread = 1 + 0.1 * (chapter_count - 1)
        for _ in range(min(MAX_COMMENTS, round(kudos * rng.uniform(0.06, 0.14) * spread))):
            places = chapters[work.pk]
            roll = rng.random()
            chapter_id, published = places[-1] if roll < 0.4 else places[0] if roll < 0.7 else rng.choice(places)
            cast = names[work.pk] or ["the narrator", "everyone"]
            symbol = "comment_wip" if not work.is_complete and rng.random() < 0.25 else "comment"
            if not names[work.pk] and symbol == "comment":
                symbol = "comment_plain"
            body = prose.phrase(symbol, cast)
            user = next(iter(readers_for(work, 1)), None) if rng.random() < 0.8 else None
            comment = Comment(
                work=work,
                chapter_id=chapter_id,
                user=user,
                guest_name="" if user else fake.first_name(),
                body=body,
                body_html=rendered(body),
            )
            top_comments.append((comment, _moment(rng, published, now, 3)))

    Kudos.objects.bulk_create(kudos_rows, batch_size=2000)
    _set_times(Kudos._meta.db_table, ["created_at"], [(k.pk, t) for k, t in zip(kudos_rows, kudos_times, strict=True)])
    Bookmark.objects.bulk_create(bookmark_rows, batch_size=2000)
    _set_times(
        Bookmark._meta.db_table,
        ["created_at", "updated_at"],
        [(b.pk, t) for b, t in zip(bookmark_rows, bookmark_times, strict=True)],
    )
    progress(f"{len(kudos_rows)} kudos, {len(bookmark_rows)} bookmarks")

    comment_times = _comments(rng, prose, top_comments, creators, readers_for, now, rendered)
    comment_counts: dict[int, int] = defaultdict(int)
    for comment, _ in comment_times:
        comment_counts[comment.work_id] += 1
    for work in works:
        work.comment_count = comment_counts[work.pk]
    Work.objects.bulk_update(works, ["hit_count", "kudos_count", "comment_count", "bookmark_count"], batch_size=500)

    subscriptions += _follows(rng, archive, works, reader_picker)
    Subscription.objects.bulk_create(subscriptions, ignore_conflicts=True, batch_size=2000)
    totals.update(
        kudos=len(kudos_rows),
        bookmarks=len(bookmark_rows),
        comments=len(comment_times),
        subscriptions=len(subscriptions),
        hits=sum(w.hit_count for w in works),
    )
    progress(", ".join(f"{count} {kind}" for kind, count in totals.items()))
    return totals


def _comments(
    rng, prose, top_comments, creators, readers_for, now, rendered
) -> list[tuple[Comment, datetime.datetime]]:
    """Insert the top-level comments and the replies to them: about three in ten
    answered by the work's first creator, one in ten by another reader. Returns
    every comment written with its time."""
    Comment.objects.bulk_create([c for c, _ in top_comments], batch_size=1000)
    replies: list[tuple[Comment, datetime.datetime]] = []
    for parent, at in top_comments:
        roll = rng.random()
        if roll < 0.3 and creators[parent.work_id]:
            user_id, symbol = min(creators[parent.work_id]), "reply_creator"
        elif roll < 0.4 and (other := readers_for(parent.work, 1)):
            user_id, symbol = other[0].pk, "reply_reader"
        else:
            continue
        body = prose.phrase(symbol)
        reply = Comment(
            work_id=parent.work_id,
            chapter_id=parent.chapter_id,
            parent=parent,
            user_id=user_id,
            body=body,
            body_html=rendered(body),
        )
        replies.append((reply, min(now, at + datetime.timedelta(hours=rng.uniform(1, 240)))))
    Comment.objects.bulk_create([c for c, _ in replies], batch_size=1000)
    written = top_comments + replies
    _set_times(Comment._meta.db_table, ["created_at"], [(c.pk, t) for c, t in written])
    return written


def _follows(rng, archive, works, reader_picker) -> list[Subscription]:
    """Subscriptions to authors (more for the authors with more kudos), to series and
    to the most used fandoms."""
    follows = []
    kudos = {work.pk: work.kudos_count for work in works}
    kudos_by_author: dict[int, int] = defaultdict(int)
    for work_id, user_id in WorkCreator.objects.filter(work__in=works).values_list("work_id", "user_id"):
        kudos_by_author[user_id] += kudos[work_id]
    for author in archive.authors:
        for person in reader_picker.distinct(round(kudos_by_author[author.pk] * 0.05)):
            if person.pk != author.pk:
                follows.append(Subscription(user=person, creator=author))
    for series in archive.series:
        for person in reader_picker.distinct(rng.randint(0, 8)):
            follows.append(Subscription(user=person, series=series))
    fandoms = (
        TaggedWork.objects.filter(content_object__in=works, tag__kind="fandom")
        .values("tag_id")
        .annotate(uses=Count("id"))
        .order_by("-uses", "tag_id")
    )
    for tag_id in [row["tag_id"] for row in fandoms[:5]]:
        for person in reader_picker.distinct(rng.randint(1, 6)):
            follows.append(Subscription(user=person, tag_id=tag_id))
    return follows
