"""Write paths in stories/services.py."""

import pytest

from stories.importers.base import ChapterDraft, LinkDraft
from stories.models import Chapter, Tag, Work, WorkLink
from stories.tags.services import tags_get_or_create
from stories.works.services import work_create, work_links_resolve, work_recount
from tests import factories

pytestmark = [pytest.mark.django_db, pytest.mark.smoke]


def _post(title, creators, links=(), status="posted"):
    return work_create(
        creators=creators,
        title=title,
        chapters=[ChapterDraft(body="Some text here.")],
        links=links,
        status=status,
        rating="general",  # Not Rated works show a content notice first
        warnings=["none"],
        tags_by_kind={"fandoms": ["Naruto"]},
    )


def test_sequel_link_resolves_when_the_earlier_work_is_posted_later(client, author):
    sequel = _post("Moving On", [author], links=[LinkDraft(kind="sequel_of", title="Loathing")])
    assert WorkLink.objects.get().target is None

    original = _post("loathing", [author])

    link = WorkLink.objects.get()
    assert link.target == original
    sequel_page = client.get(sequel.get_absolute_url()).content.decode()
    original_page = client.get(original.get_absolute_url()).content.decode()
    assert f'<a href="{original.get_absolute_url()}">loathing</a>' in sequel_page
    assert "Followed by:" in original_page and f'<a href="{sequel.get_absolute_url()}">Moving On</a>' in original_page


def test_sequel_link_resolves_when_the_earlier_work_already_exists(author):
    original = _post("Loathing", [author])
    _post("Moving On", [author], links=[LinkDraft(kind="sequel_of", title="Loathing")])
    assert WorkLink.objects.get().target == original


def test_a_same_titled_work_by_someone_else_does_not_resolve_the_link(author, stranger):
    _post("Moving On", [author], links=[LinkDraft(kind="sequel_of", title="Loathing")])
    _post("Loathing", [stranger])
    assert WorkLink.objects.get().target is None


def test_a_named_author_resolves_to_that_authors_work(author, stranger):
    _post("Tribute", [author], links=[LinkDraft(kind="inspired_by", title="Original", author="stranger")])
    original = _post("Original", [stranger])
    assert WorkLink.objects.get().target == original


def test_drafts_do_not_resolve_links_until_posted(author):
    _post("Moving On", [author], links=[LinkDraft(kind="sequel_of", title="Loathing")])
    draft = _post("Loathing", [author], status="draft")
    assert WorkLink.objects.get().target is None
    Work.objects.filter(pk=draft.pk).update(status="posted")
    draft.refresh_from_db()
    work_links_resolve(work=draft)
    assert WorkLink.objects.get().target == draft


def test_link_to_a_hidden_work_reads_as_a_plain_title(client, author):
    original = _post("Loathing", [author])
    sequel = _post("Moving On", [author], links=[LinkDraft(kind="sequel_of", title="Loathing")])
    Work.objects.filter(pk=original.pk).update(is_hidden=True)
    page = client.get(sequel.get_absolute_url()).content.decode()
    assert original.get_absolute_url() not in page
    assert "Loathing" in page


def test_work_create_saves_nothing_when_a_chapter_fails(author):
    before = (Work.objects.count(), Chapter.objects.count())
    with pytest.raises(AttributeError):
        work_create(creators=[author], title="Broken", chapters=[ChapterDraft(body="ok"), ChapterDraft(body=None)])
    assert (Work.objects.count(), Chapter.objects.count()) == before


def test_counts_follow_chapter_changes(author):
    work = factories.WorkFactory(creators=[author], chapters=2)
    assert (work.chapter_count, work.word_count) == (2, 18)
    work.chapters.get(position=2).delete()
    work.refresh_from_db()
    assert (work.chapter_count, work.word_count) == (1, 9)
    Chapter.objects.filter(work=work).delete()
    work_recount(work_id=work.pk)
    work.refresh_from_db()
    assert (work.chapter_count, work.word_count) == (0, 0)


def test_relationship_tags_merge_whatever_the_order_and_case():
    first = tags_get_or_create(kind="relationship", names=["Kakashi/Iruka"])
    again = tags_get_or_create(kind="relationship", names=["iruka / kakashi", "Iruka/Kakashi"])
    friends = tags_get_or_create(kind="relationship", names=["Kakashi & Iruka"])
    assert again == first
    assert friends != first
    assert Tag.objects.filter(kind="relationship").count() == 2
    assert first[0].slug != friends[0].slug


def test_same_name_in_two_kinds_is_two_tags_with_two_pages():
    fandom = tags_get_or_create(kind="fandom", names=["Naruto"])[0]
    character = tags_get_or_create(kind="character", names=["Naruto"])[0]
    assert fandom != character and fandom.slug != character.slug


def test_work_create_inserts_chapters_at_once_and_indexes_every_chapter(author):
    from django.contrib.postgres.search import SearchQuery

    work = work_create(
        creators=[author],
        title="Three parts",
        chapters=[
            ChapterDraft(body="Opening words."),
            ChapterDraft(body="Middle."),
            ChapterDraft(body="A marmalade finale."),
        ],
        rating="general",
        warnings=["none"],
        tags_by_kind={"fandoms": ["Naruto"]},
    )
    assert (work.chapter_count, work.word_count) == (3, 6)
    assert list(work.chapters.values_list("position", flat=True)) == [1, 2, 3]
    assert Work.objects.filter(pk=work.pk, search_vector=SearchQuery("marmalade", config="english")).exists()
