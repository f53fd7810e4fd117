"""Every reader page is valid HTML5, and the follow bars on author, tag and series
pages work for the right people."""

import html5lib
import pytest
from django.urls import reverse

from stories.models import Bookmark, Comment, InboxItem, ReaderPreference, Subscription, Work
from stories.readers.unsubscribe import unsubscribe_url
from tests import factories

pytestmark = pytest.mark.django_db


def valid(response, url="") -> str:
    assert response.status_code == 200, response.status_code
    try:
        html5lib.HTMLParser(strict=True).parse(response.content)
    except html5lib.html5parser.ParseError as error:
        raise AssertionError(f"{url}: {error}") from None
    return response.content.decode()


def test_reader_pages_are_valid_html(client, reader, author):
    tag = factories.TagFactory(name="Hurt/Comfort")
    work = factories.WorkFactory(creators=[author], tags=[tag], chapters=2)
    series = factories.SeriesFactory(works=[work])
    comment = Comment.objects.create(work=work, chapter=work.chapters.first(), user=reader, body="Hi")
    Bookmark.objects.create(user=reader, work=work, note="n", tags=["x"])
    Subscription.objects.create(user=reader, work=work)
    InboxItem.objects.create(user=reader, message="hello", url="/")
    client.force_login(reader)
    for url in [
        work.get_absolute_url(),
        work.get_absolute_url() + "?view=full",
        reverse("stories:chapter-detail", args=[work.pk, 2]),
        reverse("stories:inbox"),
        reverse("stories:history"),
        reverse("stories:user-bookmarks", args=["reader"]),
        reverse("stories:later-list"),
        reverse("stories:subscription-list"),
        reverse("stories:preferences"),
        reverse("stories:comment-edit", args=[comment.pk]),
        reverse("stories:report-create", args=["work", work.pk]),
        reverse("stories:report-create", args=["comment", comment.pk]),
        reverse("stories:user-detail", args=["author"]),
        tag.get_absolute_url(),
        series.get_absolute_url(),
        unsubscribe_url(reader),
    ]:
        valid(client.get(url), url)


def test_follow_author_tag_and_series_from_their_pages(client, reader, author):
    tag = factories.TagFactory(name="Found Family")
    work = factories.WorkFactory(creators=[author], tags=[tag])
    series = factories.SeriesFactory(works=[work])
    client.force_login(reader)
    for page_url, kind, key in [
        (reverse("stories:user-detail", args=["author"]), "user", "author"),
        (tag.get_absolute_url(), "tag", tag.slug),
        (series.get_absolute_url(), "series", series.pk),
    ]:
        html = valid(client.get(page_url))
        assert reverse("stories:subscription-create", args=[kind, key]) in html
        client.post(reverse("stories:subscription-create", args=[kind, key]), {"next": page_url})
        assert "Unsubscribe" in client.get(page_url).content.decode()
    assert Subscription.objects.filter(user=reader).count() == 3
    client.post(reverse("stories:mute-toggle", args=["user", "author"]), {"mute": "1"})
    assert ReaderPreference.objects.get(user=reader).muted_creators.get() == author
    client.post(reverse("stories:bookmark-save", args=["series", series.pk]), {})
    assert Bookmark.objects.get(user=reader).series == series


def test_no_follow_bar_for_yourself_or_guests(client, author):
    page = client.get(reverse("stories:user-detail", args=["author"])).content.decode()
    assert "Subscribe" not in page
    client.force_login(author)
    page = client.get(reverse("stories:user-detail", args=["author"])).content.decode()
    assert "Subscribe" not in page
    response = client.post(reverse("stories:subscription-create", args=["user", "author"]), follow=True)
    assert "subscribe to yourself" in response.content.decode()
    assert not Subscription.objects.exists()


def test_moderator_deletes_a_comment_in_the_admin_and_the_count_follows(client, moderator, reader):
    work = factories.WorkFactory()
    client.force_login(reader)
    client.post(reverse("stories:comment-create", args=[work.pk, 1]), {"body": "Spam spam"})
    comment = Comment.objects.get()
    client.force_login(moderator)
    assert client.get(reverse("admin:stories_comment_changelist")).status_code == 200
    client.post(reverse("admin:stories_comment_delete", args=[comment.pk]), {"post": "yes"})
    assert not Comment.objects.exists()
    assert Work.objects.get(pk=work.pk).comment_count == 0
