"""What a work's pages cost in CPU, cold, one request at a time.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/quire_bench .venv/bin/python bench/work_pages.py [-n 40]

Adds once, to the bench database named by DATABASE_URL (its name must contain
"bench"): a work of 30 chapters of 3,000-5,000 words each, with summaries, notes,
end notes and a few comments per chapter (found again by its title on later runs),
and a reader who mutes tags and creators, has hidden a work and turned content
notices off. Rows are written directly, without the post-save signals (they defer
jobs). Then, through Django's test client in this process, with every cache
emptied before each request, it asks -n times for each of:

- a work page (/works/<id>/) of a posted 1-5 chapter work drawn from the data
  (General or Teen, so a guest sees the work rather than the content notice), as a
  guest and as the reader with mutes;
- the 30-chapter work's entire-work view (?view=full) and its EPUB download;
- a chapter page of the 30-chapter work (positions 2-30 in turn).

Per page kind it prints the median Python CPU (time.process_time while the page is
built), the mean CPU of the PostgreSQL backend serving this connection (from its
/proc/<pid>/stat: 10 ms ticks, so only a mean is meaningful), the median wall time
and the median query count, in milliseconds. Requests write what a real visit
writes (hits, the reader's reading position), so never point it at a database you
care about.
"""

import argparse
import os
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from bench.environment import bench_database, use_defaults  # noqa: E402 - needs ROOT on sys.path

use_defaults(
    ALLOWED_HOSTS="testserver",
    QUIRE_PLAIN_STATIC="1",
    SECURE_SSL_REDIRECT="0",
    SESSION_COOKIE_SECURE="0",
    CSRF_COOKIE_SECURE="0",
    QUIRE_REQUEST_LOG="0",  # one line per request would bury the figures
)

TITLE = "Work pages bench: thirty chapters"
READER = "bench-reader-mutes"
CHAPTERS = 30
COMMENTS_PER_CHAPTER = 3


def bench_work():
    """The 30-chapter work, created on the first run (found by TITLE after that)."""
    from django.contrib.auth import get_user_model
    from django.db.models.signals import post_save

    from stories.importers.base import ChapterDraft
    from stories.management.prose import Prose
    from stories.models import Chapter, Comment, Tag, Work
    from stories.works import signals
    from stories.works.services import work_create

    work = Work.objects.filter(title=TITLE).first()
    if work is not None:
        return work
    users = list(get_user_model().objects.order_by("pk")[: COMMENTS_PER_CHAPTER + 1])
    author, commenters = users[0], users[1:] or users
    prose, rng = Prose(random.Random(30)), random.Random(30)
    names = ["Mara", "Ilse", "Teodor"]

    def tags(kind: str, n: int) -> list[str]:
        return list(Tag.objects.filter(kind=kind, synonym_of=None).order_by("pk").values_list("name", flat=True)[:n])

    chapters = [
        ChapterDraft(
            title=prose.chapter_title(names),
            body=prose.text(rng.randint(3000, 5000), names),
            body_format="markdown",
            summary=prose.summary(names),
            notes=prose.phrase("note", names),
            end_notes=prose.phrase("note", names),
        )
        for _ in range(CHAPTERS)
    ]
    # Without the subscription receivers: they defer jobs, and the bench database may
    # predate the job queue's tables.
    post_save.disconnect(signals._work_posted, sender=Work)
    post_save.disconnect(signals._chapter_added, sender=Chapter)
    try:
        work = work_create(
            creators=[author],
            title=TITLE,
            summary=prose.summary(names),
            notes=prose.phrase("note", names),
            end_notes=prose.phrase("note", names),
            rating="teen",
            warnings=["none"],
            is_complete=True,
            tags_by_kind={
                "fandoms": tags("fandom", 1) or ["Original Work"],
                "relationships": tags("relationship", 2),
                "characters": tags("character", 4),
                "freeforms": tags("freeform", 6),
            },
            chapters=chapters,
        )
    finally:
        post_save.connect(signals._work_posted, sender=Work)
        post_save.connect(signals._chapter_added, sender=Chapter)
    for chapter in work.chapters.all():
        for commenter in commenters:
            Comment.objects.create(work=work, chapter=chapter, user=commenter, body=prose.phrase("comment", names))
    Work.objects.filter(pk=work.pk).update(comment_count=Comment.objects.filter(work=work).count())
    return work


def bench_reader():
    """A reader with muted tags and creators, a hidden work and no content notices."""
    from django.contrib.auth import get_user_model

    from stories.models import ReaderPreference, Tag, Work

    User = get_user_model()
    reader = User.objects.filter(username=READER).first()
    if reader is not None:
        return reader
    reader = User.objects.create_user(READER, f"{READER}@example.org", None)
    preference = ReaderPreference.objects.create(user=reader, show_content_notices=False)
    preference.muted_tags.set(Tag.objects.filter(kind="freeform").order_by("pk")[10:15])
    preference.muted_creators.set(User.objects.exclude(pk=reader.pk).order_by("-pk")[:3])
    preference.hidden_works.set(Work.objects.order_by("-pk")[:2])
    return reader


def sample_works(n: int, seed: int, exclude: int) -> list[int]:
    """Ids of `n` posted, listed 1-5 chapter General or Teen works, the same for a seed."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT id FROM stories_work
            WHERE status = 'posted' AND NOT is_hidden AND NOT restricted AND rating IN ('general', 'teen')
              AND chapter_count BETWEEN 1 AND 5 AND id <> %s
            ORDER BY md5(id::text || %s) LIMIT %s
            """,
            [exclude, str(seed), n],
        )
        return [row[0] for row in cursor.fetchall()]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("-n", type=int, default=40, help="requests per page kind")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--only", help="run only the page kinds whose name contains this")
    args = parser.parse_args()

    name = bench_database()
    from django.conf import settings
    from django.core.cache import cache
    from django.db import connection
    from django.test import Client

    from bench.cpu import backend_cpu_seconds

    work = bench_work()
    reader = bench_reader()
    works = sample_works(args.n, args.seed, work.pk)
    if not works:
        sys.exit(f"{name} has no posted 1-5 chapter General or Teen work to sample")
    guest, signed_in = Client(), Client()
    signed_in.force_login(reader)
    # Cache-based sessions go with cache.clear(): sign in again, untimed, after it.
    relogin = settings.SESSION_ENGINE.endswith(".cache")
    kinds = {
        "work page, guest": (guest, [f"/works/{pk}/" for pk in works]),
        "work page, reader with mutes": (signed_in, [f"/works/{pk}/" for pk in works]),
        f"entire work, {CHAPTERS} chapters": (guest, [f"/works/{work.pk}/?view=full"]),
        f"EPUB, {CHAPTERS} chapters": (guest, [f"/works/{work.pk}/download.epub"]),
        "chapter page": (guest, [f"/works/{work.pk}/chapters/{p}/" for p in range(2, CHAPTERS + 1)]),
    }
    queries = 0

    def count(execute, sql, params, many, context):
        nonlocal queries
        queries += 1
        return execute(sql, params, many, context)

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    print(
        f"{name}: {len(works)} sampled works, bench work {work.pk}; "
        f"load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}"
    )
    for client, urls in kinds.values():  # imports, template compilation, connection set-up
        client.get(urls[0])
    for label, (client, urls) in kinds.items():
        if args.only and args.only not in label:
            continue
        python, postgres, wall, counts = [], [], [], []
        for i in range(args.n):
            url = urls[i % len(urls)]
            cache.clear()
            if relogin and client is signed_in:
                client.force_login(reader)
            queries = 0
            with connection.execute_wrapper(count):
                cpu, backend, start = time.process_time(), backend_cpu_seconds(pid), time.perf_counter()
                response = client.get(url)
                python.append((time.process_time() - cpu) * 1000)
                postgres.append((backend_cpu_seconds(pid) - backend) * 1000)
                wall.append((time.perf_counter() - start) * 1000)
            counts.append(queries)
            if response.status_code != 200:
                sys.exit(f"{url} answered {response.status_code}")
        print(
            f"{label:30s} n={len(python):3d}  Python {statistics.median(python):6.1f} ms"
            f"  PostgreSQL {statistics.mean(postgres):6.1f} ms  wall {statistics.median(wall):6.1f} ms"
            f"  queries {statistics.median(counts):4.0f}"
        )


if __name__ == "__main__":
    main()
