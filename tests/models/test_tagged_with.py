"""TaggedWith, the tag condition of every filtered list, finds exactly the works
Django's own Exists subquery finds, and writes the same SQL for the planner."""

import pytest
from django.db.models import Exists, OuterRef

from stories.models import TaggedWork, Work
from stories.models.tags import TaggedWith
from tests.factories import TagFactory, WorkFactory


def _exists(ids):
    return Exists(TaggedWork.objects.filter(content_object=OuterRef("pk"), tag_id__in=ids))


@pytest.fixture
def tagged(db):
    a, b, c = TagFactory(name="A"), TagFactory(name="B"), TagFactory(name="C")
    works = [WorkFactory(tags=tags) for tags in ([a], [b], [a, b], [c], [])]
    return [a.pk, b.pk, c.pk], works


def _pks(queryset):
    return sorted(queryset.values_list("pk", flat=True))


def test_filter_and_exclude_find_what_exists_finds(tagged):
    (a, b, c), _ = tagged
    for ids in ([a], [a, b], [c], [a, b, c]):
        assert _pks(Work.objects.filter(TaggedWith(ids))) == _pks(Work.objects.filter(_exists(ids)))
        assert _pks(Work.objects.exclude(TaggedWith(ids))) == _pks(Work.objects.exclude(_exists(ids)))
    both = Work.objects.filter(TaggedWith([a])).filter(TaggedWith([b]))
    assert _pks(both) == _pks(Work.objects.filter(_exists([a])).filter(_exists([b])))


def test_inside_a_subquery_it_follows_the_outer_alias(tagged):
    (a, b, c), _ = tagged
    inner = Work.objects.filter(TaggedWith([a])).exclude(TaggedWith([b])).values("pk")
    old_inner = Work.objects.filter(_exists([a])).exclude(_exists([b])).values("pk")
    assert _pks(Work.objects.filter(pk__in=inner)) == _pks(Work.objects.filter(pk__in=old_inner))


def test_no_ids_match_no_work_and_exclude_none(tagged):
    _, works = tagged
    assert _pks(Work.objects.filter(TaggedWith([]))) == []
    assert _pks(Work.objects.exclude(TaggedWith([]))) == sorted(work.pk for work in works)


def test_the_sql_is_djangos_in_list(tagged):
    (a, b, _), _ = tagged
    sql, params = Work.objects.filter(TaggedWith([a, b])).values("pk").query.sql_with_params()
    assert 'tagged_with."tag_id" IN (%s, %s)' in sql and params[-2:] == (a, b)
