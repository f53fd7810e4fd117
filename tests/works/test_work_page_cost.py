"""What a work's page costs in queries: the entire work, its chapters and its
comments in a fixed number whatever the number of chapters, and a signed-in
reader's own state of the work (kudos, bookmark, subscription, hidden, where they
stopped) in one query however much of it there is."""

import pytest
from bs4 import BeautifulSoup
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from stories.models import Comment, ReadingPosition
from stories.readers.services import bookmark_save, kudos_give, subscription_add, work_hide_for_reader
from tests import factories

pytestmark = pytest.mark.django_db


def long_work(chapters: int, commenters: list):
    """A posted work of `chapters` chapters, each with a thread of a comment and a reply."""
    work = factories.WorkFactory(title=f"{chapters} chapters", chapters=chapters, tags=[factories.TagFactory()])
    for chapter in work.chapters.all():
        parent = Comment.objects.create(work=work, chapter=chapter, user=commenters[0], body="A comment.")
        Comment.objects.create(work=work, chapter=chapter, user=commenters[1], parent=parent, body="A reply.")
    return work


def queries_for(client, url: str) -> tuple[int, str]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries), response.content.decode()


@pytest.mark.parametrize("signed_in", [False, True])
def test_the_entire_work_costs_the_same_queries_for_three_chapters_and_thirty(
    client, reader, stranger, signed_in, django_assert_max_num_queries
):
    short, long = long_work(3, [reader, stranger]), long_work(30, [reader, stranger])
    if signed_in:
        client.force_login(reader)
    for work in (short, long):  # a first visit writes the reading position and the hit
        client.get(work.get_absolute_url(), {"view": "full"})
    counts = {}
    for work in (short, long):
        counts[work.chapter_count], html = queries_for(client, f"{work.get_absolute_url()}?view=full")
        soup = BeautifulSoup(html, "html.parser")
        assert len(soup.select("section.chapter")) == work.chapter_count
        assert len(soup.select("li.comment")) == 2 * work.chapter_count
    assert counts[3] == counts[30]
    # The work, its tags, creators, chapters, links-and-series check, comments (two),
    # kudos names; a guest adds whether guests may comment, a reader their session,
    # user, own state, reading position and unread inbox count.
    with django_assert_max_num_queries(14 if signed_in else 10):
        client.get(f"{long.get_absolute_url()}?view=full")


def test_a_chapter_page_loads_one_chapters_text(client, reader, stranger):
    work = long_work(30, [reader, stranger])
    url = work.chapters.get(position=7).get_absolute_url()
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    # The index reads four columns of every chapter; one chapter's text is loaded.
    texts = [q["sql"] for q in queries.captured_queries if '"stories_chapter"."body_html"' in q["sql"]]
    assert len(texts) == 1 and '"stories_chapter"."body"' not in texts[0]
    soup = BeautifulSoup(response.content, "html.parser")
    assert [s["id"] for s in soup.select("section.chapter")] == ["chapter-7"]
    assert len(soup.select("#chapter-pick-top option")) == 30
    assert soup.select_one("#chapter-pick-bottom option[selected]")["value"] == "7"


def test_a_reader_sees_everything_they_did_with_a_work_from_one_lookup(client, reader):
    work = factories.WorkFactory(title="Well read", chapters=3)
    kudos_give(work=work, user=reader)
    bookmark_save(user=reader, work=work, note="Again soon.")
    subscription_add(user=reader, work=work)
    work_hide_for_reader(user=reader, work=work, hide=True)
    ReadingPosition.objects.create(
        user=reader, work=work, chapter=work.chapters.get(position=2), read_at=timezone.now()
    )
    client.force_login(reader)
    soup = BeautifulSoup(client.get(work.get_absolute_url()).content, "html.parser")
    actions = soup.select_one("#work-actions").get_text(" ", strip=True)
    assert "Kudos left" in actions and "Unsubscribe" in actions and "Show in my lists again" in actions
    buttons = [button.get_text(strip=True) for button in soup.select("#work-actions button")]
    assert "Edit bookmark" in actions and "Mark for later" not in buttons
    assert soup.select_one(".resume a")["href"] == work.chapters.get(position=2).get_absolute_url()
    assert soup.select_one("#bookmark-form textarea").get_text().strip() == "Again soon."


def test_a_reader_with_nothing_done_sees_the_plain_actions(client, reader):
    work = factories.WorkFactory(title="New to them", chapters=2)
    client.force_login(reader)
    soup = BeautifulSoup(client.get(work.get_absolute_url()).content, "html.parser")
    actions = soup.select_one("#work-actions").get_text(" ", strip=True)
    assert "Kudos ♥" in actions and "Subscribe" in actions and "Mark for later" in actions
    assert "Hide from my lists" in actions and "Edit bookmark" not in actions and "Bookmark" in actions
    assert soup.select_one(".resume") is None
