"""Each work's tag keys and the tally of listed works stay right through every
change the database sees (migration 0022): tagging, untagging, wrangling synonyms,
merging, changing a tag's kind, posting, hiding, restricting and deleting works,
and full saves of a work loaded before its tags changed."""

import pytest
from django.db import connection
from django.urls import reverse

from stories.discovery.tally import ARCHIVE, listed_count, tally_compact
from stories.discovery.tasks import tally_compact_job
from stories.models import Tag, TaggedWork, TagKind, Work
from stories.models.tags import tag_key, tag_key_parts
from stories.tags.wrangling import tags_make_synonyms, tags_merge
from stories.works.services import work_set_tags
from tests.factories import TagFactory, UserFactory, WorkFactory

pytestmark = pytest.mark.django_db


def keys_of(work: Work) -> list[int]:
    return list(Work.objects.filter(pk=work.pk).values_list("tag_keys", flat=True).get())


def true_count(tag: Tag | None, *, restricted: bool) -> int:
    """What listed_count must say, counted the slow way."""
    works = Work.objects.listed()
    if not restricted:
        works = works.filter(restricted=False)
    return works.tagged(tag).count() if tag is not None else works.count()


def assert_tally_right(*tags: Tag) -> None:
    for tag in (None, *tags):
        for restricted in (False, True):
            assert listed_count(tag, restricted=restricted) == true_count(tag, restricted=restricted), (tag, restricted)


@pytest.fixture
def canon():
    return TagFactory(name="Canon", kind=TagKind.CHARACTER, canonical=True)


@pytest.fixture
def loose():
    return TagFactory(name="Loose", kind=TagKind.CHARACTER)


def test_python_and_sql_tag_keys_agree_for_every_kind():
    with connection.cursor() as cursor:
        for kind in TagKind.values:
            tag = TagFactory(kind=kind)
            cursor.execute("SELECT quire_tag_key(%s, %s)", [tag.pk, kind])
            assert cursor.fetchone()[0] == tag_key(tag)
            assert tag_key_parts(tag_key(tag)) == (tag.pk, kind)


def test_a_works_keys_follow_its_taggings(canon, loose):
    work = WorkFactory(tags=[canon])
    assert keys_of(work) == [tag_key(canon)]
    TaggedWork.objects.create(content_object=work, tag=loose)
    assert keys_of(work) == sorted([tag_key(canon), tag_key(loose)])
    TaggedWork.objects.filter(content_object=work, tag=canon).delete()
    assert keys_of(work) == [tag_key(loose)]


def test_a_full_save_of_a_stale_work_keeps_the_keys(canon):
    work = WorkFactory()
    TaggedWork.objects.create(content_object=work, tag=canon)
    assert work.tag_keys == []  # loaded before the tagging
    work.title = "Saved again"
    work.save()
    assert keys_of(work) == [tag_key(canon)]


def test_a_wrangled_synonym_moves_its_works_to_the_canonical(canon, loose):
    work = WorkFactory(tags=[loose])
    tags_make_synonyms(tags=[loose], canonical=canon)
    assert keys_of(work) == [tag_key(canon)]
    assert_tally_right(canon, loose)
    Tag.objects.filter(pk=loose.pk).update(synonym_of=None)
    assert keys_of(work) == [tag_key(loose)]
    assert_tally_right(canon, loose)


def test_a_merge_and_a_kind_change_are_followed(canon, loose):
    work = WorkFactory(tags=[loose])
    other = WorkFactory(tags=[loose, canon])
    tags_merge(tags=[loose], into=canon)
    assert keys_of(work) == keys_of(other) == [tag_key(canon)]
    Tag.objects.filter(pk=canon.pk).update(kind=TagKind.FREEFORM)
    canon.refresh_from_db()
    assert keys_of(work) == [tag_key(canon)] and tag_key_parts(tag_key(canon))[1] == TagKind.FREEFORM
    assert_tally_right(canon)


def test_the_tally_follows_posting_hiding_restricting_and_deleting(canon, loose):
    works = [WorkFactory(tags=[canon]) for _ in range(3)] + [WorkFactory(tags=[canon, loose])]
    draft = WorkFactory(tags=[canon], status=Work.Status.DRAFT)
    assert_tally_right(canon, loose)
    Work.objects.filter(pk=works[0].pk).update(is_hidden=True)
    Work.objects.filter(pk__in=[works[1].pk, works[3].pk]).update(restricted=True)
    assert_tally_right(canon, loose)
    Work.objects.filter(pk=draft.pk).update(status=Work.Status.POSTED)
    works[2].delete()
    assert_tally_right(canon, loose)
    # Counters change all the time and add nothing to the tally.
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM quire_work_tally")
        rows = cursor.fetchone()[0]
        Work.objects.update(kudos_count=7, title="Renamed")
        cursor.execute("SELECT count(*) FROM quire_work_tally")
        assert cursor.fetchone()[0] == rows


def test_retagging_through_the_service_and_deleting_a_tag(canon, loose):
    work = WorkFactory(tags=[canon])
    work_set_tags(work=work, tags_by_kind={"characters": ["Loose", "Brand New"]})
    brand_new = Tag.objects.get(name="Brand New")
    assert keys_of(work) == sorted([tag_key(loose), tag_key(brand_new)])
    assert_tally_right(canon, loose, brand_new)
    brand_new.delete()
    assert keys_of(work) == [tag_key(loose)]
    assert_tally_right(canon, loose)


def test_compacting_keeps_every_count_and_leaves_one_row_per_key(canon, loose):
    for _ in range(3):
        WorkFactory(tags=[canon, loose])
    Work.objects.filter(pk=Work.objects.first().pk).update(restricted=True)
    before = {(tag, r): listed_count(tag, restricted=r) for tag in (None, canon, loose) for r in (False, True)}
    assert tally_compact() >= 3
    assert before == {(tag, r): listed_count(tag, restricted=r) for tag in (None, canon, loose) for r in (False, True)}
    with connection.cursor() as cursor:
        cursor.execute("SELECT key, restricted, count(*) FROM quire_work_tally GROUP BY 1, 2 HAVING count(*) > 1")
        assert cursor.fetchall() == []
        cursor.execute("SELECT count(*) FROM quire_work_tally WHERE NOT compacted")
        assert cursor.fetchone()[0] == 0
    assert listed_count(None, restricted=True) == 3 and ARCHIVE == -1


def test_tag_page_and_index_counts_come_from_the_tally(client, canon, loose, monkeypatch):
    # Results under the facet sample are counted from the sample; past it, tallied.
    monkeypatch.setattr("stories.discovery.facets.FACET_SAMPLE", 2)
    reader = UserFactory()
    WorkFactory(tags=[canon], title="Open")
    WorkFactory(tags=[canon], title="Members only", restricted=True)
    tags_make_synonyms(tags=[loose], canonical=canon)
    WorkFactory(tags=[loose], title="By synonym")
    with connection.cursor() as cursor:  # a tally that disagrees shows through
        cursor.execute("INSERT INTO quire_work_tally (key, restricted, n) VALUES (%s, false, 1000)", [tag_key(canon)])
    response = client.get(canon.get_absolute_url() + "?page=1")
    assert response.context["page"].paginator.count == 1002
    client.force_login(reader)
    response = client.get(reverse("stories:work-list"))
    assert response.context["page"].paginator.count == 3


@pytest.mark.django_db(transaction=True)  # no deferred trigger events may be pending
def test_truncating_taggings_or_works_leaves_no_stale_key_or_count(canon):
    work = WorkFactory(tags=[canon])
    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE stories_taggedwork")
        assert keys_of(work) == []
        assert_tally_right(canon)
        cursor.execute("TRUNCATE stories_work CASCADE")
        assert listed_count(None, restricted=True) == 0


def test_the_periodic_job_compacts_the_tally(canon):
    WorkFactory(tags=[canon])
    WorkFactory(tags=[canon])
    assert tally_compact_job(timestamp=0) >= 2
    assert listed_count(canon, restricted=False) == 2
