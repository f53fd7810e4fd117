"""Reader list pages run a fixed number of queries however many rows they show."""

import pytest
from django.urls import reverse
from django.utils import timezone

from stories.models import Bookmark, Comment, InboxItem, ReadingPosition, Subscription
from stories.readers.comments import COMMENT_THREADS_PER_PAGE
from tests import factories

pytestmark = pytest.mark.django_db

# Session, user, preference, unread count, the page's own queries (count + rows +
# prefetches); the numbers are the same for 1 row and for 40.
# comments: the page of threads is picked (ids, with replies) before the comments are read.
LIMITS = {"history": 8, "inbox": 5, "bookmarks": 9, "later": 8, "subscriptions": 5, "comments": 19}


def make_works(n, reader):
    tags = [factories.TagFactory(), factories.TagFactory()]
    return [factories.WorkFactory(tags=tags) for _ in range(n)]


def fill(kind, n, reader):
    if kind == "inbox":
        InboxItem.objects.bulk_create([InboxItem(user=reader, message=f"m{i}", url="/") for i in range(n)])
        return reverse("stories:inbox")
    if kind == "subscriptions":
        for work in make_works(n, reader):
            Subscription.objects.create(user=reader, work=work)
        return reverse("stories:subscription-list")
    works = make_works(n, reader)
    if kind == "history":
        for work in works:
            ReadingPosition.objects.create(
                user=reader, work=work, chapter=work.chapters.first(), read_at=timezone.now()
            )
        return reverse("stories:history")
    if kind in {"bookmarks", "later"}:
        for work in works:
            Bookmark.objects.create(user=reader, work=work, note="*n*", tags=["a"], for_later=kind == "later")
        return (
            reverse("stories:user-bookmarks", args=["reader"]) if kind == "bookmarks" else reverse("stories:later-list")
        )
    raise AssertionError(kind)


@pytest.mark.parametrize("kind", ["history", "inbox", "bookmarks", "later", "subscriptions"])
@pytest.mark.parametrize("rows", [1, 40])
def test_reader_lists_have_constant_queries(client, reader, django_assert_max_num_queries, kind, rows):
    url = fill(kind, rows, reader)
    client.force_login(reader)
    client.get(url)  # warm the session
    with django_assert_max_num_queries(LIMITS[kind]):
        response = client.get(url)
    assert response.status_code == 200
    assert response.content.decode().count("<li") >= min(rows, 20)


def _threads(work, users, n):
    chapter = work.chapters.get()
    parents = [Comment.objects.create(work=work, chapter=chapter, user=users[i % 2], body=f"c{i}") for i in range(n)]
    for parent in parents:
        Comment.objects.create(work=work, chapter=chapter, user=users[0], parent=parent, body="reply")


@pytest.mark.parametrize("threads", [1, 40])
def test_work_page_comments_have_constant_queries(client, reader, stranger, django_assert_max_num_queries, threads):
    work = factories.WorkFactory(title="Talked about")
    _threads(work, [reader, stranger], threads)
    client.force_login(reader)
    client.get(work.get_absolute_url())
    with django_assert_max_num_queries(LIMITS["comments"]):
        response = client.get(work.get_absolute_url())
    # A page holds COMMENT_THREADS_PER_PAGE threads, each with its reply.
    assert response.content.decode().count('class="comment"') == min(threads, COMMENT_THREADS_PER_PAGE) * 2
