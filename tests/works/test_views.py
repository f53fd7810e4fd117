"""The reading pages: home, the works index, a work, a chapter, tags, series, users."""

import pytest
from django.urls import reverse
from django.utils.html import escape

from stories.importers.text import parse
from stories.models import Work
from stories.works.services import work_create_from_draft
from tests import factories
from tests.helpers import assert_valid_html

pytestmark = [pytest.mark.django_db, pytest.mark.smoke]


@pytest.fixture
def seed_work(seeds, author):
    draft = parse((seeds / "moving-on.txt").read_bytes())
    draft.fandoms = ["Naruto"]  # the file names none, and a work needs one
    return work_create_from_draft(draft=draft, creators=[author])


def test_work_page_shows_metadata_preface_and_chapter_one(client, seed_work):
    response = client.get(seed_work.get_absolute_url())

    assert response.status_code == 200
    page = response.content.decode()
    assert '<h1 id="work-title">Moving On</h1>' in page
    assert "Teen And Up Audiences" in page
    assert "27 February 2008" in page
    assert "Kakashi wants to move on." in page
    # The preface shows the imported disclaimer and both lines of the author's note.
    assert seed_work.disclaimer and escape(seed_work.disclaimer) in page
    assert seed_work.notes_html.count("<br>") == 1 and seed_work.notes_html in page
    assert "Sequel to:" in page and "Loathing" in page and "not on Quire yet" in page
    assert "1/1" in page
    assert page.count("<hr>") == 1
    assert_valid_html(response)


def test_seed_import_gives_one_complete_chapter_of_about_two_thousand_words(seed_work):
    assert seed_work.title == "Moving On"
    assert seed_work.rating == "teen"
    assert seed_work.is_complete
    assert seed_work.chapter_count == 1
    assert 1900 <= seed_work.word_count <= 2050
    link = seed_work.outgoing_links.get()
    assert (link.kind, link.target_title, link.target) == ("sequel_of", "Loathing", None)


def test_chapter_pages_have_previous_and_next(client, author):
    work = factories.WorkFactory(creators=[author], chapters=3)

    first = client.get(reverse("stories:work-detail", args=[work.pk])).content.decode()
    middle = client.get(reverse("stories:chapter-detail", args=[work.pk, 2])).content.decode()
    last = client.get(reverse("stories:chapter-detail", args=[work.pk, 3])).content.decode()

    assert "The text of chapter 1." in first and 'rel="next"' in first and 'rel="prev"' not in first
    assert "The text of chapter 2." in middle and 'rel="prev"' in middle and 'rel="next"' in middle
    assert 'rel="next"' not in last and 'rel="prev"' in last


def test_full_view_shows_every_chapter(client):
    work = factories.WorkFactory(chapters=3)
    page = client.get(reverse("stories:work-detail", args=[work.pk]), {"view": "full"}).content.decode()
    assert all(f"The text of chapter {n}." in page for n in (1, 2, 3))


MISSING_URLS = [
    "/works/999999/",
    "/works/999999/chapters/1/",
    "/tags/no-such-tag/",
    "/series/999999/",
    "/users/nobody-here/",
    "/works/?page=0",
    "/works/?page=-1",
    "/works/?page=abc",
    "/works/?page=999999",
    "/no/such/page/",
]


def test_missing_chapter_of_existing_work_is_404(client):
    work = factories.WorkFactory(chapters=1)
    assert client.get(reverse("stories:chapter-detail", args=[work.pk, 2])).status_code == 404


def test_odd_sort_values_fall_back_to_updated(client):
    factories.WorkFactory()
    for value in ["'; DROP TABLE stories_work; --", "title", "words", "published", "x" * 5000]:
        # An unknown sort falls back; an absurdly long value is a 400 with a message.
        assert client.get("/works/", {"sort": value}).status_code in (200, 400)


def test_draft_is_visible_only_to_its_creator(client, author, stranger):
    draft = factories.WorkFactory(creators=[author], status=Work.Status.DRAFT)
    url = draft.get_absolute_url()

    assert client.get(url).status_code == 404
    client.force_login(stranger)
    assert client.get(url).status_code == 404
    client.force_login(author)
    assert client.get(url).status_code == 200
    assert draft.title not in client.get("/works/").content.decode()


def test_hidden_work_is_gone_for_readers_but_shown_to_creator_with_reason(client, author, reader):
    work = factories.WorkFactory(creators=[author], is_hidden=True, hidden_reason="Spam links")

    client.force_login(reader)
    assert client.get(work.get_absolute_url()).status_code == 404
    assert work.title not in client.get("/works/").content.decode()
    client.force_login(author)
    assert "Spam links" in client.get(work.get_absolute_url()).content.decode()


def test_restricted_work_needs_a_signed_in_reader(client, reader):
    work = factories.WorkFactory(restricted=True)
    assert client.get(work.get_absolute_url()).status_code == 404
    client.force_login(reader)
    assert client.get(work.get_absolute_url()).status_code == 200


def test_works_index_is_newest_first_and_sorts(client):
    old = factories.WorkFactory(title="Aardvark Tales")
    new = factories.WorkFactory(title="Zebra Tales")
    Work.objects.filter(pk=old.pk).update(updated_at="2001-01-01T00:00:00Z")

    page = client.get("/works/").content.decode()
    assert page.index(new.title) < page.index(old.title)
    page = client.get("/works/", {"sort": "title"}).content.decode()
    assert page.index(old.title) < page.index(new.title)


def test_tag_page_lists_its_works_and_user_page_lists_theirs(client, author):
    tag = factories.TagFactory(name="Hurt/Comfort")
    tagged = factories.WorkFactory(creators=[author], tags=[tag])
    other = factories.WorkFactory()

    tag_page = client.get(tag.get_absolute_url())
    assert tagged.title in tag_page.content.decode() and other.title not in tag_page.content.decode()
    assert_valid_html(tag_page)
    user_page = client.get(reverse("stories:user-detail", args=[author.username]))
    assert tagged.title in user_page.content.decode() and other.title not in user_page.content.decode()
    assert_valid_html(user_page)


def test_series_page_lists_parts_in_order_and_work_shows_neighbours(client, author):
    first = factories.WorkFactory(title="Part One", creators=[author])
    second = factories.WorkFactory(title="Part Two", creators=[author])
    series = factories.SeriesFactory(title="The Saga", works=[first, second])

    page = client.get(series.get_absolute_url()).content.decode()
    assert page.index("Part One") < page.index("Part Two")
    work_page = client.get(second.get_absolute_url()).content.decode()
    assert "Part 2 of" in work_page and "← Previous work" in work_page


@pytest.mark.parametrize("url", ["/", "/works/", "/tags/"])
def test_list_pages_are_valid_html(client, url):
    factories.WorkFactory(tags=[factories.TagFactory()])
    response = client.get(url)
    assert response.status_code == 200
    assert_valid_html(response)


@pytest.mark.parametrize("count", [1, 40])
def test_works_index_runs_a_constant_number_of_queries(client, django_assert_max_num_queries, count):
    tags = [factories.TagFactory(kind=kind) for kind in ("fandom", "character", "relationship", "freeform")]
    for _ in range(count):
        factories.WorkFactory(tags=tags, creators=[factories.UserFactory(), factories.UserFactory()])
    # Count, page, creators, tags, and the facet queries of the sidebar.
    with django_assert_max_num_queries(16):
        response = client.get("/works/")
    assert response.status_code == 200
    assert response.content.decode().count('class="blurb"') == min(count, 20)


@pytest.mark.parametrize("count", [1, 40])
def test_work_page_runs_a_constant_number_of_queries(client, django_assert_max_num_queries, count):
    tags = [factories.TagFactory() for _ in range(count)]
    work = factories.WorkFactory(tags=tags, chapters=count)
    # 10 for the page, plus the INSERT that records a new reader's hit durably.
    with django_assert_max_num_queries(11):
        response = client.get(work.get_absolute_url(), {"view": "full"})
    assert response.content.decode().count('class="chapter"') == count


TYPED_URLS = [
    "/tags/%00/",
    "/users/%00/",
    "/works/?sort=%00",
    "/works/1/?view=%00",
    "/works/99999999999999999999/",
    "/works/1/chapters/99999999999999999999/",
    "/series/99999999999999999999/",
    "/tags/" + "a" * 5000 + "/",
    "/users/" + "b" * 3000 + "/",
    "/works/?page=1e3",
    "/%ff/",
    "/tags/%ff%fe/",
    "/works/abc/",
]


@pytest.mark.parametrize(
    ("url", "answers"),
    [*((url, {404}) for url in MISSING_URLS), *((url, {200, 400, 404}) for url in TYPED_URLS)],
)
def test_missing_or_mistyped_urls_get_a_page_never_a_500(client, url, answers):
    """What does not exist is Quire's 404 page; what a person could type never a 500."""
    factories.WorkFactory()
    response = client.get(url)
    assert response.status_code in answers
    if response.status_code == 404:
        assert b"Not found" in response.content
