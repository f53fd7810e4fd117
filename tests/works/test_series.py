"""Series as readers expect: unique, reorderable positions; previous and next work
on the work page; a series page with its creators, description and stats."""

import pytest
from bs4 import BeautifulSoup
from django.db import IntegrityError, transaction
from hypothesis import given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from stories.models import Series, SeriesPart
from stories.works.services import series_add_work
from tests import factories
from tests.helpers import assert_valid_html

pytestmark = pytest.mark.django_db


def order(series) -> list[str]:
    return list(SeriesPart.objects.filter(series=series).order_by("position").values_list("work__title", flat=True))


def positions(series) -> list[int]:
    return list(SeriesPart.objects.filter(series=series).order_by("position").values_list("position", flat=True))


@pytest.fixture
def trilogy():
    series = Series.objects.create(title="Seasons", description="Three *seasons*.", is_complete=False)
    works = [factories.WorkFactory(title=title) for title in ("Spring", "Summer", "Autumn")]
    for work in works:
        series_add_work(series=series, work=work)
    return series, works


def test_adding_a_new_part_one_moves_the_others_down(trilogy):
    series, _ = trilogy
    prologue = factories.WorkFactory(title="Winter before")
    series_add_work(series=series, work=prologue, position=1)
    assert order(series) == ["Winter before", "Spring", "Summer", "Autumn"]
    assert positions(series) == [1, 2, 3, 4]


def test_moving_a_part_keeps_positions_unique(trilogy):
    series, (spring, summer, autumn) = trilogy
    series_add_work(series=series, work=autumn, position=1)
    assert order(series) == ["Autumn", "Spring", "Summer"]
    assert positions(series) == [1, 2, 3]
    # A free place is simply taken: an author may leave room for a part to come.
    series_add_work(series=series, work=autumn, position=9)
    assert order(series) == ["Spring", "Summer", "Autumn"]
    assert positions(series) == [2, 3, 9]
    series_add_work(series=series, work=autumn, position=2)
    assert order(series) == ["Autumn", "Spring", "Summer"]
    assert positions(series) == [2, 3, 4]
    with pytest.raises(ValueError):
        series_add_work(series=series, work=spring, position=0)


def test_the_database_refuses_two_parts_in_one_place(trilogy):
    series, (spring, _, _) = trilogy
    other = factories.WorkFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        SeriesPart.objects.create(series=series, work=other, position=1)
        # Deferred: checked when the transaction ends.
        with transaction.get_connection().cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")


@given(moves=st.lists(st.tuples(st.integers(0, 4), st.integers(1, 7) | st.none()), max_size=8))
@hsettings(max_examples=30, deadline=None)
def test_any_sequence_of_adds_and_moves_keeps_positions_unique_and_order(moves):
    with transaction.atomic():
        series = Series.objects.create(title="Any")
        works = [factories.WorkFactory() for _ in range(5)]
        for which, position in moves:
            work = works[which]
            before = [pk for pk in order_ids(series) if pk != work.pk]
            series_add_work(series=series, work=work, position=position)
            parts = list(SeriesPart.objects.filter(series=series).order_by("position"))
            numbers = [part.position for part in parts]
            assert len(set(numbers)) == len(numbers) and min(numbers) >= 1
            # The others keep their reading order; the work is where it was asked to be.
            assert [part.work_id for part in parts if part.work_id != work.pk] == before
            if position is not None:
                assert next(part.position for part in parts if part.work_id == work.pk) == position
        transaction.set_rollback(True)


def order_ids(series) -> list[int]:
    return list(SeriesPart.objects.filter(series=series).order_by("position").values_list("work_id", flat=True))


def test_work_page_links_the_previous_and_next_work_of_the_series(client, trilogy):
    series, (spring, summer, autumn) = trilogy
    soup = BeautifulSoup(client.get(summer.get_absolute_url()).content, "html.parser")
    nav = soup.select_one("nav.series-nav")
    assert nav.select_one("a[rel=prev]")["href"] == spring.get_absolute_url()
    assert nav.select_one("a[rel=next]")["href"] == autumn.get_absolute_url()
    assert "Part 2 of Seasons" in nav.get_text(" ", strip=True)
    first = BeautifulSoup(client.get(spring.get_absolute_url()).content, "html.parser").select_one("nav.series-nav")
    assert first.select_one("a[rel=prev]") is None


def test_series_page_shows_creators_description_and_stats(client, trilogy):
    series, works = trilogy
    series.creators.add(works[0].creator_users[0])
    response = client.get(series.get_absolute_url())
    assert_valid_html(response)
    soup = BeautifulSoup(response.content, "html.parser")
    meta = soup.select_one(".series-meta")
    assert works[0].creator_users[0].username in meta.get_text()
    assert meta.select_one("em").get_text() == "seasons"
    stats = {dt.get_text(): dt.find_next_sibling("dd").get_text() for dt in meta.select(".work-stats dt")}
    assert stats == {"Words:": str(sum(w.word_count for w in works)), "Works:": "3", "Complete:": "No"}
    assert [p.get_text() for p in soup.select(".part-number")] == ["Part 1", "Part 2", "Part 3"]
