import datetime

import pytest
from django.conf import settings
from django.core.cache import cache
from django.core.management import call_command

from stories.models import Hit, Work
from stories.readers.hits import hit_record, hits_aggregate
from stories.readers.tasks import cron_every
from tests import factories
from tests.helpers import jobs_run_pending

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def clear_cache():
    cache.clear()
    yield
    cache.clear()


def two_works_with_hits(first_hits: int) -> tuple[Work, Work]:
    """Two works with hits recorded but not yet added: `first_hits` visitors on the
    first, one on the second."""
    first, second = factories.WorkFactory.create_batch(2)
    for n in range(first_hits):
        hit_record(work_id=first.pk, visitor=f"r{n}")
    hit_record(work_id=second.pk, visitor="r")
    return first, second


def hits_of(work) -> int:
    return Work.objects.get(pk=work.pk).hit_count


def test_hits_count_distinct_readers_per_day(client, reader, stranger):
    work = factories.WorkFactory()
    client.force_login(reader)
    for _ in range(3):
        client.get(work.get_absolute_url())
    client.force_login(stranger)
    client.get(work.get_absolute_url())
    client.logout()
    client.get(work.get_absolute_url(), REMOTE_ADDR="10.1.1.1")
    client.get(work.get_absolute_url(), REMOTE_ADDR="10.1.1.1")
    assert hits_of(work) == 0  # recorded, not yet added up
    assert Hit.objects.filter(work=work).count() == 3
    assert hits_aggregate() == 3
    assert hits_of(work) == 3


def test_the_same_reader_counts_again_the_next_day():
    work = factories.WorkFactory()
    assert hit_record(work_id=work.pk, visitor="v", today=datetime.date(2026, 1, 1))
    assert not hit_record(work_id=work.pk, visitor="v", today=datetime.date(2026, 1, 1))
    assert hit_record(work_id=work.pk, visitor="v", today=datetime.date(2026, 1, 2))
    hits_aggregate(today=datetime.date(2026, 1, 2))
    assert hits_of(work) == 2


def test_hits_survive_a_lost_cache_and_still_count_once_a_day():
    # A restart without Redis empties the cache: the rows remember who was counted.
    work = factories.WorkFactory()
    assert hit_record(work_id=work.pk, visitor="v")
    cache.clear()
    assert not hit_record(work_id=work.pk, visitor="v")
    assert hits_aggregate() == 1
    cache.clear()
    assert not hit_record(work_id=work.pk, visitor="v")
    assert hits_aggregate() == 0
    assert hits_of(work) == 1


def test_aggregation_adds_each_hit_once_and_in_batches():
    first, second = two_works_with_hits(7)
    assert hits_aggregate(batch=3) == 8
    assert (hits_of(first), hits_of(second)) == (7, 1)
    assert hits_aggregate() == 0
    assert (hits_of(first), hits_of(second)) == (7, 1)


def test_old_counted_rows_are_deleted_uncounted_ones_are_kept():
    work = factories.WorkFactory()
    hit_record(work_id=work.pk, visitor="a", today=datetime.date(2026, 1, 1))
    hits_aggregate(today=datetime.date(2026, 1, 1))
    hit_record(work_id=work.pk, visitor="b", today=datetime.date(2026, 1, 1))
    # Days later the first row (counted) goes; the second is counted first, then goes next time.
    assert hits_aggregate(today=datetime.date(2026, 1, 10)) == 1
    assert hits_of(work) == 2
    assert not Hit.objects.filter(visitor__isnull=False, counted=False).exists()
    hits_aggregate(today=datetime.date(2026, 1, 10))
    assert not Hit.objects.exists()


def test_the_periodic_job_adds_the_hits():
    work = factories.WorkFactory()
    hit_record(work_id=work.pk, visitor="v")
    from procrastinate.contrib.django import app

    app.tasks["stories.readers.tasks.hits_aggregate_job"].defer(timestamp=0)
    assert "stories.readers.tasks.hits_aggregate_job" in jobs_run_pending()
    assert hits_of(work) == 1


def _longest_gap(cron: str) -> float:
    """The longest wait, in seconds, between two runs of `cron` over an hour."""
    from croniter import croniter

    runs = croniter(cron, datetime.datetime(2026, 1, 1, 12, 0, 7))
    times = [runs.get_next(datetime.datetime) for _ in range(400)]
    return max((later - earlier).total_seconds() for earlier, later in zip(times, times[1:], strict=False))


@pytest.mark.parametrize(("seconds", "longest"), [(20, 20), (45, 45), (59, 59), (60, 60), (90, 60), (600, 600)])
def test_cron_every_never_waits_longer_than_asked(seconds, longest):
    # Under a minute: croniter's seconds field (45 runs at :00 and :45); over: whole minutes, rounded down.
    assert _longest_gap(cron_every(seconds)) == longest


def test_by_default_the_worker_adds_hits_at_least_every_20_seconds():
    # The worker `make run` starts runs this periodic job; a hit written by a page view
    # therefore reaches the work's counter within 20 s (tests/readers/test_job_queue.py
    # watches it happen with a real worker).
    from procrastinate.contrib.django import app

    app.perform_import_paths()
    (cron,) = [p.cron for p in app.periodic_registry.periodic_tasks.values() if p.periodic_id == "hits-aggregate"]
    assert settings.QUIRE_HITS_EVERY_SECONDS == 20
    assert _longest_gap(cron) == 20


def test_creators_do_not_count_their_own_hits(client, author):
    work = factories.WorkFactory(creators=[author])
    client.force_login(author)
    client.get(work.get_absolute_url())
    hits_aggregate()
    assert hits_of(work) == 0


def test_flush_hits_command_adds_everything_recorded():
    first, second = two_works_with_hits(3)
    call_command("flush_hits")
    assert hits_of(first) == 3
    assert hits_of(second) == 1
