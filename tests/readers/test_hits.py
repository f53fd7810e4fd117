import datetime

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from stories.models import Work
from stories.readers.hits import hit_record, hits_flush
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def clear_cache():
    cache.clear()
    yield
    cache.clear()


def test_hits_count_distinct_readers_per_day(client, reader, stranger, settings):
    settings.QUIRE_HIT_FLUSH_EVERY = 1
    work = factories.WorkFactory()
    client.force_login(reader)
    for _ in range(3):
        client.get(work.get_absolute_url())
    client.force_login(stranger)
    client.get(work.get_absolute_url())
    client.logout()
    client.get(work.get_absolute_url(), REMOTE_ADDR="10.1.1.1")
    client.get(work.get_absolute_url(), REMOTE_ADDR="10.1.1.1")
    assert Work.objects.get(pk=work.pk).hit_count == 3


def test_the_same_reader_counts_again_the_next_day(settings):
    settings.QUIRE_HIT_FLUSH_EVERY = 1
    work = factories.WorkFactory()
    assert hit_record(work_id=work.pk, visitor="v", today=datetime.date(2026, 1, 1))
    assert not hit_record(work_id=work.pk, visitor="v", today=datetime.date(2026, 1, 1))
    assert hit_record(work_id=work.pk, visitor="v", today=datetime.date(2026, 1, 2))
    assert Work.objects.get(pk=work.pk).hit_count == 2


def test_hits_are_written_in_batches_not_per_request(settings):
    settings.QUIRE_HIT_FLUSH_EVERY = 5
    settings.QUIRE_HIT_FLUSH_SECONDS = 3600
    work = factories.WorkFactory()
    with CaptureQueriesContext(connection) as queries:
        for n in range(4):
            hit_record(work_id=work.pk, visitor=f"reader-{n}")
    assert len(queries) == 0
    assert Work.objects.get(pk=work.pk).hit_count == 0
    hit_record(work_id=work.pk, visitor="reader-4")
    assert Work.objects.get(pk=work.pk).hit_count == 5
    hit_record(work_id=work.pk, visitor="reader-5")
    assert hits_flush(work_id=work.pk) == 1
    assert Work.objects.get(pk=work.pk).hit_count == 6


def test_creators_do_not_count_their_own_hits(client, author, settings):
    settings.QUIRE_HIT_FLUSH_EVERY = 1
    work = factories.WorkFactory(creators=[author])
    client.force_login(author)
    client.get(work.get_absolute_url())
    assert Work.objects.get(pk=work.pk).hit_count == 0


def test_flush_hits_command_writes_everything_pending(settings):
    from django.core.management import call_command

    settings.QUIRE_HIT_FLUSH_EVERY = 100
    settings.QUIRE_HIT_FLUSH_SECONDS = 3600
    first, second = factories.WorkFactory.create_batch(2)
    for n in range(3):
        hit_record(work_id=first.pk, visitor=f"r{n}")
    hit_record(work_id=second.pk, visitor="r")
    call_command("flush_hits", batch=1)
    assert Work.objects.get(pk=first.pk).hit_count == 3
    assert Work.objects.get(pk=second.pk).hit_count == 1
    call_command("flush_hits")
    assert Work.objects.get(pk=first.pk).hit_count == 3
