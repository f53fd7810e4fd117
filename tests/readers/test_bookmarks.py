import html5lib
import pytest
from django.urls import reverse

from stories.models import Bookmark, Work
from tests import factories

pytestmark = pytest.mark.django_db


def bookmark_url(work):
    return reverse("stories:bookmark-save", args=["work", work.pk])


def test_reader_bookmarks_with_note_and_tags(client, reader):
    work = factories.WorkFactory(title="Keeper")
    client.force_login(reader)
    response = client.post(bookmark_url(work), {"note": "Read *again*", "tags": "comfort, comfort , re-read"})
    assert response.status_code == 302
    bookmark = Bookmark.objects.get()
    assert bookmark.tags == ["comfort", "re-read"]
    assert "<em>again</em>" in bookmark.note_html
    assert Work.objects.get(pk=work.pk).bookmark_count == 1

    page = client.get(reverse("stories:user-bookmarks", args=["reader"])).content.decode()
    assert "Keeper" in page and "<em>again</em>" in page
    html5lib.HTMLParser(strict=True).parse(page)


def test_updating_a_bookmark_does_not_count_it_twice(client, reader):
    work = factories.WorkFactory()
    client.force_login(reader)
    client.post(bookmark_url(work), {"note": "one"})
    client.post(bookmark_url(work), {"note": "two"})
    assert Bookmark.objects.get().note == "two"
    assert Work.objects.get(pk=work.pk).bookmark_count == 1
    client.post(bookmark_url(work), {"note": "now private", "is_private": "on"})
    assert Work.objects.get(pk=work.pk).bookmark_count == 0


def test_guest_cannot_bookmark(client):
    work = factories.WorkFactory()
    response = client.post(bookmark_url(work), {"note": "x"})
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert not Bookmark.objects.exists()


def test_private_bookmarks_and_marked_for_later_are_only_for_their_owner(client, reader, stranger):
    public, private, later = factories.WorkFactory.create_batch(3)
    client.force_login(reader)
    client.post(bookmark_url(public), {"note": "public note"})
    client.post(bookmark_url(private), {"note": "secret note", "is_private": "on"})
    client.post(bookmark_url(later), {"for_later": "on"})
    assert Bookmark.objects.get(work=later).is_private

    own = client.get(reverse("stories:user-bookmarks", args=["reader"])).content.decode()
    assert "public note" in own and "secret note" in own and later.title not in own
    later_page = client.get(reverse("stories:later-list")).content.decode()
    assert later.title in later_page and public.title not in later_page

    client.force_login(stranger)
    theirs = client.get(reverse("stories:user-bookmarks", args=["reader"])).content.decode()
    assert "public note" in theirs and "secret note" not in theirs and later.title not in theirs
    assert Work.objects.get(pk=later.pk).bookmark_count == 0


def test_filter_own_bookmarks_by_own_tag(client, reader):
    a, b = factories.WorkFactory.create_batch(2)
    client.force_login(reader)
    client.post(bookmark_url(a), {"tags": "angst"})
    client.post(bookmark_url(b), {"tags": "fluff"})
    page = client.get(reverse("stories:user-bookmarks", args=["reader"]) + "?tag=fluff").content.decode()
    assert b.title in page and a.title not in page


def test_series_bookmark(client, reader):
    # A series is public once a posted work is in it (a series of drafts only is private).
    series = factories.SeriesFactory(title="Saga", works=[factories.WorkFactory()])
    client.force_login(reader)
    client.post(reverse("stories:bookmark-save", args=["series", series.pk]), {"note": "whole saga"})
    assert Bookmark.objects.get().series == series
    assert "Saga" in client.get(reverse("stories:user-bookmarks", args=["reader"])).content.decode()


def test_delete_own_bookmark_only(client, reader, stranger):
    work = factories.WorkFactory()
    client.force_login(reader)
    client.post(bookmark_url(work), {"note": "x"})
    bookmark = Bookmark.objects.get()
    client.force_login(stranger)
    assert client.post(reverse("stories:bookmark-delete", args=[bookmark.pk])).status_code == 404
    client.force_login(reader)
    client.post(reverse("stories:bookmark-delete", args=[bookmark.pk]))
    assert not Bookmark.objects.exists()
    assert Work.objects.get(pk=work.pk).bookmark_count == 0


def test_bad_bookmark_input_changes_nothing(client, reader):
    work = factories.WorkFactory()
    client.force_login(reader)
    response = client.post(bookmark_url(work), {"note": "x" * 5001}, follow=True)
    assert "Your bookmark was not saved" in response.content.decode()
    response = client.post(bookmark_url(work), {"tags": ",".join(f"t{i}" for i in range(60))}, follow=True)
    assert "at most 50 tags" in response.content.decode()
    assert not Bookmark.objects.exists()
    assert client.post(reverse("stories:bookmark-save", args=["nonsense", work.pk])).status_code == 404
    assert client.post(reverse("stories:bookmark-save", args=["work", 999999])).status_code == 404


def test_hidden_work_bookmarks_vanish_from_public_lists(client, reader, stranger):
    work = factories.WorkFactory(title="Soon hidden")
    client.force_login(reader)
    client.post(bookmark_url(work), {"note": "x"})
    Work.objects.filter(pk=work.pk).update(is_hidden=True)
    client.force_login(stranger)
    assert "Soon hidden" not in client.get(reverse("stories:user-bookmarks", args=["reader"])).content.decode()


def test_unknown_user_bookmarks_404(client):
    assert client.get(reverse("stories:user-bookmarks", args=["nobody"])).status_code == 404
