"""Authoring write paths: each runs in one transaction and leaves nothing half-done."""

import pytest
from django.db import IntegrityError

from stories.importers.base import ChapterDraft, LinkDraft
from stories.models import Chapter, Series, Work, WorkLink
from stories.works import services
from tests import factories

pytestmark = pytest.mark.django_db


def test_chapters_reorder_refuses_an_incomplete_order(author):
    work = factories.WorkFactory(creators=[author], chapters=3)
    ids = list(work.chapters.order_by("position").values_list("pk", flat=True))
    with pytest.raises(ValueError, match="every chapter"):
        services.chapters_reorder(work_id=work.pk, chapter_ids=ids[:2])
    other = factories.ChapterFactory(position=1)
    with pytest.raises(ValueError, match="every chapter"):
        services.chapters_reorder(work_id=work.pk, chapter_ids=[ids[0], ids[1], other.pk])
    assert list(work.chapters.order_by("position").values_list("pk", flat=True)) == ids


def test_chapters_reorder_swaps_positions_inside_one_transaction(author):
    work = factories.WorkFactory(creators=[author], chapters=2)
    first, second = work.chapters.order_by("position")
    services.chapters_reorder(work_id=work.pk, chapter_ids=[second.pk, first.pk])
    assert Chapter.objects.get(pk=second.pk).position == 1 and Chapter.objects.get(pk=first.pk).position == 2


def test_chapter_delete_keeps_at_least_one_chapter(author):
    work = factories.WorkFactory(creators=[author], chapters=1)
    with pytest.raises(ValueError, match="at least one chapter"):
        services.chapter_delete(chapter=work.chapters.get())
    assert work.chapters.count() == 1


def test_chapter_add_and_update_keep_counts_current(author):
    work = factories.WorkFactory(creators=[author], chapters=1)
    chapter = services.chapter_add(work=work, body="one two three", body_format="text")
    work.refresh_from_db()
    assert chapter.position == 2 and work.chapter_count == 2
    before = work.word_count
    services.chapter_update(chapter=chapter, body="one two three four five")
    work.refresh_from_db()
    assert work.word_count == before + 2


def test_work_compose_rolls_back_everything_when_a_part_fails(author):
    before = (Work.objects.count(), Chapter.objects.count(), Series.objects.count(), WorkLink.objects.count())
    # The last link has neither a target nor a title: the database refuses it.
    with pytest.raises(IntegrityError):
        services.work_compose(
            creators=[author],
            title="Half",
            chapters=[ChapterDraft(body="Text")],
            tags_by_kind={"fandoms": ["Naruto"], "freeforms": ["Fluff"]},
            warnings=["none"],
            new_series_title="A Series",
            links=[LinkDraft(kind="sequel_of", title="Loathing"), LinkDraft(kind="inspired_by", title="")],
        )
    assert (Work.objects.count(), Chapter.objects.count(), Series.objects.count(), WorkLink.objects.count()) == before


def test_work_post_resolves_links_both_ways(author):
    earlier = factories.WorkFactory(title="Loathing", creators=[author], status=Work.Status.DRAFT)
    later = factories.WorkFactory(title="Moving On", creators=[author])
    WorkLink.objects.create(source=later, kind="sequel_of", target_title="loathing")
    services.work_links_resolve(work=later)
    assert later.outgoing_links.get().target is None  # the prequel is still a draft
    services.work_post(work=earlier)
    assert later.outgoing_links.get().target == earlier
