"""Time the admin change page of a 30-chapter work in the benchmark database.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/quire_bench .venv/bin/python bench/admin_change.py

Adds ONE work of 30 chapters (found again on later runs, by its title) with rows
written directly (no signals, so no fan-out job), then renders
`/admin/stories/work/<id>/change/` through the admin's own view for an unsaved
superuser (nothing else is written) and prints the median and worst of --runs renders
in milliseconds, with the page's query count. Refuses a database whose name lacks "bench".
"""

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from bench.environment import bench_database, use_defaults  # noqa: E402 - needs ROOT on sys.path

use_defaults(ALLOWED_HOSTS="testserver", QUIRE_PLAIN_STATIC="1")

TITLE = "Admin bench: thirty chapters"
CHAPTERS = 30


def bench_work():
    from django.contrib.auth import get_user_model
    from django.db.models.signals import post_save

    from stories.importers.base import ChapterDraft
    from stories.models import Chapter, Work
    from stories.works import signals
    from stories.works.services import work_create

    work = Work.objects.filter(title=TITLE).first()
    if work is not None:
        return work
    author = get_user_model().objects.order_by("pk").first()
    paragraph = "The rain had not stopped for three days, and the letters kept coming. " * 40
    # Without the subscription receivers: they defer jobs, and the bench database may
    # predate the job queue's tables.
    post_save.disconnect(signals._work_posted, sender=Work)
    post_save.disconnect(signals._chapter_added, sender=Chapter)
    try:
        return work_create(
            creators=[author],
            title=TITLE,
            summary="A long work for the admin benchmark.",
            rating="general",
            warnings=["none"],
            tags_by_kind={"fandoms": ["Original Work"]},
            chapters=[
                ChapterDraft(title=f"Part {n}", body="\n\n".join([paragraph] * 12)) for n in range(1, CHAPTERS + 1)
            ],
        )
    finally:
        post_save.connect(signals._work_posted, sender=Work)
        post_save.connect(signals._chapter_added, sender=Chapter)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()

    bench_database()
    from django.contrib import admin
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import RequestFactory
    from django.test.utils import CaptureQueriesContext

    from stories.models import Work

    work = bench_work()
    view = admin.site.admin_view(admin.site._registry[Work].change_view)
    user = get_user_model()(pk=0, username="bench", is_staff=True, is_superuser=True, is_active=True)
    url = f"/admin/stories/work/{work.pk}/change/"

    def render() -> tuple[float, int, int]:
        request = RequestFactory().get(url)
        request.user = user
        request.session = {}
        request._messages = []
        start = time.perf_counter()
        with CaptureQueriesContext(connection) as queries:
            response = view(request, object_id=str(work.pk))
            response.render()
        return (time.perf_counter() - start) * 1000, len(queries), len(response.content)

    render()  # warm up: templates compiled, connection open
    timings = [render() for _ in range(args.runs)]
    ms = [t[0] for t in timings]
    works = Work.objects.count()
    print(
        f"{works} works; work {work.pk} with {work.chapters.count()} chapters: admin change page "
        f"median {statistics.median(ms):.0f} ms, worst {max(ms):.0f} ms over {args.runs} renders; "
        f"{timings[0][1]} queries, {timings[0][2] // 1024} KiB"
    )


if __name__ == "__main__":
    main()
