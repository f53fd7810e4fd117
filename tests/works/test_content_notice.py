import html5lib
import pytest
from django.urls import reverse

from stories.models import ReaderPreference
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("rating", ["mature", "explicit", "not_rated"])
def test_notice_comes_first_and_proceed_is_remembered(client, rating):
    work = factories.WorkFactory(rating=rating, chapters=2, title="Strong stuff")
    page = client.get(work.get_absolute_url())
    html = page.content.decode()
    assert "Content notice" in html and "Proceed" in html
    assert "The text of chapter 1." not in html
    html5lib.HTMLParser(strict=True).parse(page.content)

    response = client.post(
        reverse("stories:content-notice-proceed", args=[work.pk]), {"next": f"/works/{work.pk}/chapters/2/"}
    )
    assert response["Location"] == f"/works/{work.pk}/chapters/2/"
    assert "The text of chapter 2." in client.get(response["Location"]).content.decode()
    full = client.get(work.get_absolute_url() + "?view=full").content.decode()
    assert "The text of chapter 1." in full and "The text of chapter 2." in full


def test_notice_also_guards_chapter_and_full_urls_and_keeps_them(client):
    work = factories.WorkFactory(rating="explicit", chapters=2)
    for url in [f"/works/{work.pk}/chapters/2/", f"/works/{work.pk}/?view=full"]:
        html = client.get(url).content.decode()
        assert "Proceed" in html and f'value="{url}"' in html


def test_general_works_have_no_notice(client):
    work = factories.WorkFactory(rating="general")
    assert "Proceed" not in client.get(work.get_absolute_url()).content.decode()


def test_preference_turns_notices_off(client, reader):
    work = factories.WorkFactory(rating="explicit")
    ReaderPreference.objects.create(user=reader, show_content_notices=False)
    client.force_login(reader)
    assert "The text of chapter 1." in client.get(work.get_absolute_url()).content.decode()


def test_creators_see_their_own_work_directly(client, author):
    work = factories.WorkFactory(rating="explicit", creators=[author])
    client.force_login(author)
    assert "Proceed" not in client.get(work.get_absolute_url()).content.decode()


def test_proceed_refuses_foreign_redirects_and_get(client):
    work = factories.WorkFactory(rating="mature")
    url = reverse("stories:content-notice-proceed", args=[work.pk])
    assert client.get(url).status_code == 405
    response = client.post(url, {"next": "https://evil.example/"})
    assert response["Location"] == work.get_absolute_url()


def test_notice_of_hidden_work_is_404(client):
    work = factories.WorkFactory(rating="mature", is_hidden=True)
    assert client.get(work.get_absolute_url()).status_code == 404
    assert client.post(reverse("stories:content-notice-proceed", args=[work.pk])).status_code == 404
