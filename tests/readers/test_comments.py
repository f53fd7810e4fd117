import html5lib
import pytest
from django.urls import reverse

from stories.models import Comment, InboxItem, ReaderPreference, Work
from tests import factories

pytestmark = pytest.mark.django_db


def comment_url(work, position=1):
    return reverse("stories:comment-create", args=[work.pk, position])


def comment_as(client, writer, work, body) -> Comment:
    """`writer` signs in on `client` and comments `body` on chapter 1, the work's
    first comment; returns it."""
    client.force_login(writer)
    client.post(comment_url(work), {"body": body})
    return Comment.objects.get()


def comment_and_reply(client, work, writer, body, replier, reply_body) -> Comment:
    """`writer` comments `body` on chapter 1, then `replier` answers it; returns the
    first comment. `client` is left signed in as `replier`."""
    parent = comment_as(client, writer, work, body)
    client.force_login(replier)
    client.post(comment_url(work), {"body": reply_body, "parent": parent.pk})
    return parent


@pytest.fixture
def work(author):
    return factories.WorkFactory(creators=[author], chapters=2, title="Commented")


def test_reader_comments_and_author_gets_inbox_note(client, reader, author, work):
    client.force_login(reader)
    response = client.post(comment_url(work, 2), {"body": "Loved *this* chapter."})
    comment = Comment.objects.get()
    assert response.status_code == 302
    assert response["Location"].endswith(f"/works/{work.pk}/chapters/2/#comment-{comment.pk}")
    assert comment.chapter.position == 2 and comment.user == reader
    assert "<em>this</em>" in comment.body_html
    assert Work.objects.get(pk=work.pk).comment_count == 1
    note = InboxItem.objects.get(user=author)
    assert note.message == "reader commented on Commented"
    page = client.get(reverse("stories:chapter-detail", args=[work.pk, 2])).content.decode()
    assert "Loved <em>this</em> chapter." in page


def test_threaded_reply_notifies_parent_writer(client, reader, stranger, work):
    parent = comment_and_reply(client, work, reader, "First!", stranger, "A reply")
    reply = Comment.objects.exclude(pk=parent.pk).get()
    assert reply.parent == parent
    assert InboxItem.objects.filter(user=reader, message__contains="replied").exists()
    page = client.get(work.get_absolute_url()).content.decode()
    # The reply is nested inside the parent's list item.
    parent_start = page.index(f'id="comment-{parent.pk}"')
    assert parent_start < page.index(f'id="comment-{reply.pk}"')


def test_reply_to_a_comment_on_another_chapter_is_refused(client, reader, work):
    client.force_login(reader)
    client.post(comment_url(work, 1), {"body": "On one"})
    parent = Comment.objects.get()
    response = client.post(comment_url(work, 2), {"body": "Sneaky", "parent": parent.pk}, follow=True)
    assert "is gone" in response.content.decode()
    assert Comment.objects.count() == 1


@pytest.mark.parametrize("body", ["", "   ", "x" * 10_001])
def test_empty_or_too_long_comment_is_refused_with_a_message(client, reader, work, body):
    client.force_login(reader)
    response = client.post(comment_url(work), {"body": body}, follow=True)
    assert response.status_code == 200
    assert "Your comment was not posted" in response.content.decode()
    assert Comment.objects.count() == 0
    assert Work.objects.get(pk=work.pk).comment_count == 0


def test_hostile_markup_renders_inert(client, reader, work):
    client.force_login(reader)
    hostile = (
        '<script>alert("x")</script> <img src="x" onerror="alert(1)"> '
        '<a href="javascript:alert(2)">click</a> [md link](javascript:alert(3)) '
        '<a href="https://example.org" onclick="alert(4)">ok</a>'
    )
    client.post(comment_url(work), {"body": hostile})
    page = client.get(work.get_absolute_url()).content.decode()
    body = page[page.index('class="userstuff comment-body"') :]
    body = body[: body.index("</div>")]
    assert "<script" not in body
    assert "onerror" not in body and "onclick" not in body
    assert "javascript:" not in body
    assert 'href="https://example.org"' in body


def test_guest_comments_need_a_name_and_the_authors_consent(client, author, work):
    response = client.post(comment_url(work), {"body": "Hi"}, follow=True)
    assert "give a name" in response.content.decode()
    client.post(comment_url(work), {"body": "Hi", "guest_name": "Passer-by"})
    assert Comment.objects.get().guest_name == "Passer-by"

    ReaderPreference.objects.create(user=author, allow_guest_comments=False)
    response = client.post(comment_url(work), {"body": "Again", "guest_name": "Passer-by"}, follow=True)
    assert "only accepts comments from signed-in readers" in response.content.decode()
    assert Comment.objects.count() == 1


def test_work_that_turns_off_guest_comments_hides_the_form(client, author):
    work = factories.WorkFactory(creators=[author], comments_from_guests=False)
    page = client.get(work.get_absolute_url()).content.decode()
    assert "Log in</a> to comment" in page
    assert client.post(comment_url(work), {"body": "x", "guest_name": "G"}).status_code == 302
    assert Comment.objects.count() == 0


def test_edit_own_comment(client, reader, work):
    comment = comment_as(client, reader, work, "Tpyo")
    edit = reverse("stories:comment-edit", args=[comment.pk])
    assert client.get(edit).status_code == 200
    client.post(edit, {"body": "Typo"})
    comment.refresh_from_db()
    assert comment.body == "Typo" and comment.edited_at is not None


def test_reader_cannot_edit_or_delete_someone_elses_comment(client, reader, stranger, work):
    comment = comment_as(client, reader, work, "Mine")
    client.force_login(stranger)
    assert client.get(reverse("stories:comment-edit", args=[comment.pk])).status_code == 404
    assert client.post(reverse("stories:comment-edit", args=[comment.pk]), {"body": "Yours"}).status_code == 404
    assert client.post(reverse("stories:comment-delete", args=[comment.pk])).status_code == 403
    comment.refresh_from_db()
    assert comment.body == "Mine" and not comment.is_deleted


def test_guest_is_sent_to_log_in_to_delete(client, reader, work):
    client.force_login(reader)
    client.post(comment_url(work), {"body": "Mine"})
    client.logout()
    comment = Comment.objects.get()
    response = client.post(reverse("stories:comment-delete", args=[comment.pk]))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert Comment.objects.filter(pk=comment.pk).exists()


def test_author_deletes_a_comment_on_their_work_and_the_count_follows(client, reader, author, work):
    comment = comment_as(client, reader, work, "Rude")
    client.force_login(author)
    assert client.post(reverse("stories:comment-delete", args=[comment.pk])).status_code == 302
    assert not Comment.objects.exists()
    assert Work.objects.get(pk=work.pk).comment_count == 0


def test_deleting_a_comment_with_replies_keeps_a_placeholder(client, reader, stranger, work):
    parent = comment_and_reply(client, work, reader, "Parent text", stranger, "Child text")
    client.force_login(reader)
    client.post(reverse("stories:comment-delete", args=[parent.pk]))
    parent.refresh_from_db()
    assert parent.is_deleted and parent.body == ""
    page = client.get(work.get_absolute_url()).content.decode()
    assert "This comment was deleted" in page and "Child text" in page and "Parent text" not in page
    assert Work.objects.get(pk=work.pk).comment_count == 1


def test_comments_on_hidden_work_are_404(client, reader):
    work = factories.WorkFactory(is_hidden=True)
    client.force_login(reader)
    assert client.post(comment_url(work), {"body": "x"}).status_code == 404
    assert client.post(reverse("stories:comment-create", args=[work.pk + 1000, 1]), {"body": "x"}).status_code == 404


def test_comment_delete_needs_post(client, reader, work):
    client.force_login(reader)
    client.post(comment_url(work), {"body": "x"})
    assert client.get(reverse("stories:comment-delete", args=[Comment.objects.get().pk])).status_code == 405


def test_work_page_with_comments_is_valid_html(client, reader, stranger, work):
    client.force_login(reader)
    client.post(comment_url(work), {"body": "One"})
    client.post(comment_url(work), {"body": "Two", "parent": Comment.objects.get().pk})
    html5lib.HTMLParser(strict=True).parse(client.get(work.get_absolute_url()).content)


# Pages of comments, lasting addresses, the rate limit.


def _thread_starts(response) -> list[str]:
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(response.content, "html.parser")
    return [li.select_one(".comment-body").get_text(strip=True) for li in soup.select("section.comments > ol > li")]


@pytest.fixture
def busy_chapter(work, reader, stranger, monkeypatch):
    """Seven threads on chapter 1, three a page; the fifth has a reply with a reply."""
    from stories.readers import comments as readers

    monkeypatch.setattr(readers, "COMMENT_THREADS_PER_PAGE", 3)
    chapter = work.chapters.get(position=1)
    threads = [Comment.objects.create(work=work, chapter=chapter, user=reader, body=f"Thread {i}") for i in range(7)]
    reply = Comment.objects.create(work=work, chapter=chapter, user=stranger, parent=threads[4], body="A reply")
    deep = Comment.objects.create(work=work, chapter=chapter, user=reader, parent=reply, body="A deeper reply")
    Work.objects.filter(pk=work.pk).update(comment_count=Comment.objects.filter(work=work).count())
    return chapter, threads, deep


def test_comment_threads_come_in_pages_with_their_replies(client, busy_chapter):
    chapter, _, _ = busy_chapter
    url = chapter.get_absolute_url()
    first = client.get(url)
    assert _thread_starts(first) == ["Thread 0", "Thread 1", "Thread 2"]
    assert "(7 threads)" in first.content.decode()
    second = client.get(url, {"comments": 2})
    assert _thread_starts(second) == ["Thread 3", "Thread 4", "Thread 5"]
    assert "A deeper reply" in second.content.decode() and "A deeper reply" not in first.content.decode()
    html5lib.HTMLParser(strict=True).parse(second.content)
    assert _thread_starts(client.get(url, {"comments": 3})) == ["Thread 6"]
    for bad in ("4", "0", "-1", "x"):
        assert client.get(url, {"comments": bad}).status_code == 404


def test_a_comments_address_finds_its_page(client, reader, busy_chapter):
    chapter, threads, deep = busy_chapter
    response = client.get(deep.get_absolute_url())
    assert response.status_code == 302
    assert response.url == f"{chapter.get_absolute_url()}?comments=2#comment-{deep.pk}"
    assert client.get(threads[0].get_absolute_url()).url == f"{chapter.get_absolute_url()}#comment-{threads[0].pk}"
    # Posting a new thread lands on the last page, at the comment.
    client.force_login(reader)
    response = client.post(comment_url(chapter.work), {"body": "Thread 7"})
    new = Comment.objects.get(body="Thread 7")
    assert response.url == f"{chapter.get_absolute_url()}?comments=3#comment-{new.pk}"


def test_a_comment_on_a_hidden_work_has_no_address(client, busy_chapter):
    _, threads, _ = busy_chapter
    Work.objects.filter(pk=threads[0].work_id).update(is_hidden=True)
    assert client.get(threads[0].get_absolute_url()).status_code == 404
    assert client.get(reverse("stories:comment-detail", args=[999999])).status_code == 404


def test_commenting_too_fast_is_refused_with_a_message(client, reader, work, settings):
    settings.QUIRE_COMMENT_RATE = "3/m"
    client.force_login(reader)
    for i in range(3):
        client.post(comment_url(work), {"body": f"Quick {i}"})
    response = client.post(comment_url(work), {"body": "One too many"}, follow=True)
    assert Comment.objects.filter(body__startswith="Quick").count() == 3
    assert not Comment.objects.filter(body="One too many").exists()
    assert "commenting very fast" in response.content.decode()


def test_the_whole_work_shows_each_chapters_first_page_and_a_way_on(client, busy_chapter):
    chapter, _, _ = busy_chapter
    response = client.get(chapter.work.get_absolute_url(), {"view": "full"})
    assert _thread_starts(response) == ["Thread 0", "Thread 1", "Thread 2"]
    assert f'href="{chapter.get_absolute_url()}?comments=2#comments-1"' in response.content.decode()


def test_deleting_returns_to_the_page_the_comment_was_on(client, author, busy_chapter):
    chapter, threads, deep = busy_chapter
    client.force_login(author)  # the work's creator may delete any comment on it
    response = client.post(reverse("stories:comment-delete", args=[threads[4].pk]))
    assert response.url == f"{chapter.get_absolute_url()}?comments=2#comment-{threads[4].pk}"  # kept: it has replies
    response = client.post(reverse("stories:comment-delete", args=[deep.pk]))
    assert response.url == f"{chapter.get_absolute_url()}?comments=2#comments-1"  # gone
