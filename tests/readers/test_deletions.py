"""Deleting a work, chapter or comment leaves nothing dangling: inbox notices go with
what they point at; bookmarks stay as "This work has been deleted"; the author is
told first what the deletion touches."""

import pytest
from django.urls import reverse

from stories.models import Bookmark, Chapter, InboxItem, Subscription, Work
from stories.readers.notifications import subscriptions_notify_chapter
from stories.readers.services import bookmark_save, comment_add, comment_delete
from tests import factories
from tests.authoring_support.forms import CsrfClient

pytestmark = pytest.mark.django_db


@pytest.fixture
def work(author):
    return factories.WorkFactory(title="Two chapters", creators=[author], chapters=2)


def _client(user):
    client = CsrfClient()
    client.force_login(user)
    return client


def test_deleting_a_chapter_removes_the_inbox_notices_of_its_comments(author, reader, work):
    chapter_two = Chapter.objects.get(work=work, position=2)
    comment_add(chapter=chapter_two, body="Loved it", user=reader)
    kept = comment_add(chapter=Chapter.objects.get(work=work, position=1), body="First!", user=reader)
    assert InboxItem.objects.filter(user=author).count() == 2

    response = _client(author).post(reverse("stories:chapter-delete", args=[work.pk, 2]))
    assert response.status_code == 302

    items = list(InboxItem.objects.filter(user=author))
    assert [item.comment_id for item in items] == [kept.pk]
    author_client = _client(author)
    inbox = author_client.get(reverse("stories:inbox"))
    assert inbox.status_code == 200
    for item in items:
        assert author_client.get(item.url).status_code in (200, 302)


def test_deleting_a_comment_removes_its_notices_even_when_kept_as_a_placeholder(author, reader, stranger, work):
    chapter = work.chapters.first()
    comment = comment_add(chapter=chapter, body="Parent", user=reader)
    comment_add(chapter=chapter, body="Reply", user=stranger, parent=comment)
    assert InboxItem.objects.filter(comment=comment).exists()
    comment_delete(comment=comment, user=reader)  # has a reply: stays as a placeholder
    assert not InboxItem.objects.filter(comment=comment).exists()


def test_deleting_a_chapter_removes_its_new_chapter_notices(author, reader, work):
    Subscription.objects.create(user=reader, work=work)
    chapter = Chapter.objects.get(work=work, position=2)
    subscriptions_notify_chapter(chapter=chapter)
    assert InboxItem.objects.filter(user=reader, chapter=chapter).exists()
    _client(author).post(reverse("stories:chapter-delete", args=[work.pk, 2]))
    assert not InboxItem.objects.filter(user=reader).exists()


def test_a_bookmark_outlives_its_work_with_note_and_tags_until_removed(author, reader, stranger, work):
    bookmark_save(user=reader, work=work, note="Re-read *every* winter", tags=["comfort", "winter"])
    response = _client(author).post(reverse("stories:work-delete", args=[work.pk]))
    assert response.status_code == 302
    assert not Work.objects.filter(pk=work.pk).exists()

    bookmark = Bookmark.objects.get(user=reader)
    assert (bookmark.work_id, bookmark.work_deleted, bookmark.work_title) == (None, True, "Two chapters")
    assert bookmark.work_creators == "author"
    reader_client = _client(reader)
    page = reader_client.get(reverse("stories:user-bookmarks", args=["reader"])).content.decode()
    assert "This work has been deleted" in page and "Two chapters" in page
    assert "<em>every</em>" in page and "comfort" in page
    # Only its reader sees it.
    other = _client(stranger).get(reverse("stories:user-bookmarks", args=["reader"])).content.decode()
    assert "This work has been deleted" not in other

    reader_client.post(reverse("stories:bookmark-delete", args=[bookmark.pk]))
    assert not Bookmark.objects.exists()


def test_a_work_deleted_in_the_admin_also_keeps_its_bookmarks(author, reader, work):
    bookmark_save(user=reader, work=work, note="n")
    Work.objects.filter(pk=work.pk).delete()  # the queryset path: signals still run
    assert Bookmark.objects.get().work_deleted


def test_the_delete_confirmation_counts_what_it_touches(author, reader, stranger, work):
    bookmark_save(user=reader, work=work, note="n")
    bookmark_save(user=stranger, work=work)
    comment_add(chapter=work.chapters.first(), body="Hi", user=reader)
    Subscription.objects.create(user=reader, work=work)
    page = _client(author).get(reverse("stories:work-delete", args=[work.pk])).content.decode()
    assert "1 comment and 0 kudos will be deleted" in page
    assert "1 subscription to it will end" in page
    assert "2 readers’ bookmarks will stay in their lists" in page
    chapter_page = _client(author).get(reverse("stories:chapter-delete", args=[work.pk, 1])).content.decode()
    assert "its 1 comment will be gone" in chapter_page
