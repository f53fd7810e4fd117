"""Reading a work as on AO3: the compact metadata block, chapter navigation at the
top and the bottom, the chapter index to pick from, one comment box in the entire
work, kudos that return the reader where they were, and who left kudos."""

import pytest
from bs4 import BeautifulSoup
from django.urls import reverse

from stories.readers.services import comment_add, kudos_give
from stories.readers.work_page import kudos_givers
from tests import factories
from tests.helpers import assert_valid_html

pytestmark = pytest.mark.django_db


def soup_of(response):
    assert response.status_code == 200
    return BeautifulSoup(response.content, "html.parser")


@pytest.fixture
def novel():
    work = factories.WorkFactory(title="Long road", chapters=0, rating="general")
    for position in range(1, 6):
        factories.ChapterFactory(work=work, position=position, title=f"Step {position}")
    work.refresh_from_db()
    return work


def test_chapter_navigation_is_at_the_top_and_the_bottom(client, novel):
    soup = soup_of(client.get(reverse("stories:chapter-detail", args=[novel.pk, 3])))
    navs = soup.select("nav.chapter-nav")
    assert len(navs) == 2
    text = soup.select_one("#chapter-3")
    top, bottom = navs
    # The top one comes before the chapter's text, the bottom one after it.
    assert top.sourceline < text.sourceline < bottom.sourceline
    for nav in navs:
        assert nav.select_one("a[rel=prev]")["href"] == reverse("stories:chapter-detail", args=[novel.pk, 2])
        assert nav.select_one("a[rel=next]")["href"] == reverse("stories:chapter-detail", args=[novel.pk, 4])
        assert nav.find("a", string="Entire work")["href"] == novel.get_absolute_url() + "?view=full"
        options = nav.select("select[name=chapter] option")
        assert [o["value"] for o in options] == ["1", "2", "3", "4", "5"]
        assert nav.select_one("option[selected]")["value"] == "3"
    assert_valid_html(client.get(reverse("stories:chapter-detail", args=[novel.pk, 3])))


def test_first_and_last_chapters_say_so_instead_of_a_dead_link(client, novel):
    first = soup_of(client.get(novel.get_absolute_url())).select_one("nav.chapter-nav")
    assert first.select_one("a[rel=prev]") is None and "First chapter" in first.get_text()
    last = soup_of(client.get(reverse("stories:chapter-detail", args=[novel.pk, 5]))).select_one("nav.chapter-nav")
    assert last.select_one("a[rel=next]") is None and "Last chapter" in last.get_text()


def test_the_chapter_index_form_goes_to_the_chosen_chapter(client, novel):
    response = client.get(novel.get_absolute_url(), {"chapter": "4"})
    assert response.status_code == 302
    assert response.url == reverse("stories:chapter-detail", args=[novel.pk, 4])
    for bad in ["x", "-1", "0", "99999999999999999999"]:
        assert client.get(novel.get_absolute_url(), {"chapter": bad}).status_code == 404
    assert client.get(client.get(novel.get_absolute_url(), {"chapter": "9"}).url).status_code == 404


def test_the_entire_work_has_one_comment_box(client, reader, novel):
    for signed_in in (False, True):
        if signed_in:
            client.force_login(reader)
        soup = soup_of(client.get(novel.get_absolute_url(), {"view": "full"}))
        assert len(soup.select("section.chapter")) == 5
        forms = soup.select("form.comment-form")
        assert len(forms) == 1
        assert forms[0]["action"] == reverse("stories:comment-create", args=[novel.pk, 5])
        assert soup.find("label", string="Comment on this work") is not None
    # A chapter page keeps its own box.
    soup = soup_of(client.get(reverse("stories:chapter-detail", args=[novel.pk, 2])))
    assert len(soup.select("form.comment-form")) == 1


def test_the_entire_work_shows_existing_threads_of_each_chapter(client, reader, novel):
    chapter = novel.chapters.get(position=2)
    comment_add(chapter=chapter, body="Lovely step.", user=reader, guest_name="", parent=None)
    soup = soup_of(client.get(novel.get_absolute_url(), {"view": "full"}))
    assert "Lovely step." in soup.get_text()
    assert len(soup.select("form.comment-form")) == 1


def test_kudos_return_to_the_place_they_were_left(client, reader, novel):
    client.force_login(reader)
    page = reverse("stories:chapter-detail", args=[novel.pk, 3])
    soup = soup_of(client.get(page))
    nexts = [form.select_one("input[name=next]")["value"] for form in soup.select("form[action$='/kudos/']")]
    assert nexts == [page + "#work-actions", page + "#kudos"]
    response = client.post(reverse("stories:kudos-create", args=[novel.pk]), {"next": page + "#kudos"})
    assert response.status_code == 302 and response.url == page + "#kudos"
    assert soup_of(client.get(page)).select_one("#kudos") is not None
    # Somewhere else is refused: back to the work.
    response = client.post(reverse("stories:kudos-create", args=[novel.pk]), {"next": "https://evil.example/"})
    assert response.url == novel.get_absolute_url()


def test_names_of_readers_and_the_number_of_guests_who_left_kudos(client, novel):
    users = [factories.UserFactory(username=name) for name in ("alice", "bob", "carol")]
    for user in users:
        kudos_give(work=novel, user=user)
    for key in ("g1", "g2"):
        kudos_give(work=novel, user=None, guest=key)
    novel.refresh_from_db()
    soup = soup_of(client.get(novel.get_absolute_url()))
    line = soup.select_one(".kudos-list").get_text(" ", strip=True)
    assert line == "carol , bob , alice and 2 guests left kudos on this work!"
    assert [a.get_text() for a in soup.select(".kudos-list a")] == ["carol", "bob", "alice"]
    # Past the limit, the others are counted, not named.
    assert kudos_givers(novel, limit=2) == {"kudos_names": ["carol", "bob"], "kudos_more": 1, "kudos_guests": 2}


def test_kudos_names_cost_one_query_however_many(client, django_assert_max_num_queries, novel):
    for _ in range(80):
        kudos_give(work=novel, user=factories.UserFactory())
    kudos_give(work=novel, user=None, guest="g")
    novel.refresh_from_db()
    # 12: the page, plus the hit row a new visitor's first view writes (readers.hits).
    with django_assert_max_num_queries(12):
        soup = soup_of(client.get(novel.get_absolute_url(), {"view": "full"}))
    assert len(soup.select(".kudos-list a")) == 50
    assert "30 more users and 1 guest left kudos" in soup.select_one(".kudos-list").get_text(" ", strip=True)


def test_metadata_is_one_compact_block_with_stats_on_one_line(client, novel):
    soup = soup_of(client.get(novel.get_absolute_url()))
    meta = soup.select_one("dl.work-meta")
    stats = meta.select_one("dl.work-stats")
    assert [dt.get_text() for dt in stats.select("dt")][:4] == ["Published:", "Updated:", "Words:", "Chapters:"]
    # Rows of the outer block: rating, warnings, categories, language, stats.
    assert len(meta.find_all("dt", recursive=False)) <= 10
    assert stats.select_one("time")["datetime"].count("-") == 2
