import pytest
from django.urls import reverse

from stories.models import Kudos, Work
from tests import factories

pytestmark = pytest.mark.django_db


def kudos_url(work):
    return reverse("stories:kudos-create", args=[work.pk])


def test_signed_in_reader_leaves_kudos_once(client, reader):
    work = factories.WorkFactory()
    client.force_login(reader)

    first = client.post(kudos_url(work), follow=True)
    second = client.post(kudos_url(work), follow=True)

    assert "Thank you for leaving kudos" in first.content.decode()
    assert "already left kudos" in second.content.decode()
    assert Kudos.objects.filter(work=work, user=reader).count() == 1
    work.refresh_from_db()
    assert work.kudos_count == 1


def test_guest_kudos_is_one_per_session_and_per_address(client):
    work = factories.WorkFactory()

    client.post(kudos_url(work))
    again = client.post(kudos_url(work), follow=True)
    client.cookies.clear()  # a new session from the same address
    third = client.post(kudos_url(work), follow=True)

    assert "already left kudos" in again.content.decode()
    assert "already left kudos" in third.content.decode()
    work.refresh_from_db()
    assert work.kudos_count == 1
    assert Kudos.objects.get(work=work).user is None


def test_guests_from_two_addresses_both_count(client):
    work = factories.WorkFactory()
    client.post(kudos_url(work), REMOTE_ADDR="10.0.0.1")
    client.cookies.clear()
    client.post(kudos_url(work), REMOTE_ADDR="10.0.0.2")
    work.refresh_from_db()
    assert work.kudos_count == 2


def test_author_cannot_leave_kudos_on_own_work(client, author):
    work = factories.WorkFactory(creators=[author])
    client.force_login(author)
    response = client.post(kudos_url(work), follow=True)
    assert "your own work" in response.content.decode()
    assert Work.objects.get(pk=work.pk).kudos_count == 0


def test_kudos_needs_post(client):
    work = factories.WorkFactory()
    assert client.get(kudos_url(work)).status_code == 405


def test_kudos_on_hidden_or_missing_work_is_404(client, reader):
    hidden = factories.WorkFactory(is_hidden=True)
    client.force_login(reader)
    assert client.post(kudos_url(hidden)).status_code == 404
    assert client.post(reverse("stories:kudos-create", args=[999999])).status_code == 404
    assert Kudos.objects.count() == 0


def test_kudos_count_shows_on_work_page_and_in_lists(client, reader):
    work = factories.WorkFactory(title="Loved")
    client.force_login(reader)
    client.post(kudos_url(work))
    page = client.get(work.get_absolute_url()).content.decode()
    listing = client.get(reverse("stories:work-list")).content.decode()
    assert "<dt>Kudos:</dt><dd>1</dd>" in page
    assert "<dt>Kudos</dt><dd>1</dd>" in listing
