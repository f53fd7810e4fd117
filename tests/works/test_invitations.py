"""Consent for every name on a work: co-creators are invited, accept or decline,
and may leave; until they accept nothing shows and they cannot edit."""

import pytest
from django.test import Client
from django.urls import reverse

from stories.models import CreatorInvitation, InboxItem, Work, WorkCreator
from tests import factories
from tests.authoring_support.forms import CsrfClient, edit_data, work_data

pytestmark = pytest.mark.django_db


def client_for(user) -> Client:
    client = CsrfClient()
    client.force_login(user)
    return client


def post_work(client, **overrides) -> Work:
    response = client.post(reverse("stories:work-post"), work_data(**overrides))
    assert response.status_code == 302, response.content.decode()[:2000]
    return Work.objects.latest("id")


def test_a_co_creator_is_invited_and_shows_nowhere_until_accepting(author, reader):
    a, b = client_for(author), client_for(reader)
    work = post_work(a, co_creators="reader", rating="explicit")
    # Not on B's profile, feed or the work's byline; B cannot edit.
    assert work.title not in Client().get(reverse("stories:user-detail", args=["reader"])).content.decode()
    assert work.title not in Client().get(reverse("stories:user-feed", args=["reader"])).content.decode()
    assert reader not in work.creators.all()
    assert b.get(reverse("stories:work-edit", args=[work.pk])).status_code == 404
    page = a.get(work.get_absolute_url()).content.decode()
    assert 'href="/users/reader/"' not in page
    # B has an inbox entry leading to the invitation.
    item = InboxItem.objects.get(user=reader)
    assert "author invited you" in item.message and work.title in item.message
    listing = b.get(reverse("stories:invitation-list")).content.decode()
    assert work.title in listing

    invitation = CreatorInvitation.objects.get(work=work, user=reader)
    response = b.post(reverse("stories:invitation-accept", args=[invitation.pk]))
    assert response.status_code == 302
    assert list(WorkCreator.objects.filter(work=work).values_list("user__username", flat=True)) == [
        "author",
        "reader",
    ]
    assert work.title in Client().get(reverse("stories:user-detail", args=["reader"])).content.decode()
    assert b.get(reverse("stories:work-edit", args=[work.pk])).status_code == 200
    assert not CreatorInvitation.objects.exists()


def test_declining_leaves_the_work_as_it_was(author, reader):
    work = post_work(client_for(author), co_creators="reader")
    invitation = CreatorInvitation.objects.get()
    response = client_for(reader).post(reverse("stories:invitation-decline", args=[invitation.pk]))
    assert response.status_code == 302
    assert not CreatorInvitation.objects.exists()
    assert list(work.creators.values_list("username", flat=True)) == ["author"]


def test_only_the_invitee_may_answer_and_only_by_post_with_csrf(author, reader, stranger):
    post_work(client_for(author), co_creators="reader")
    invitation = CreatorInvitation.objects.get()
    accept = reverse("stories:invitation-accept", args=[invitation.pk])
    assert client_for(stranger).post(accept).status_code == 404
    assert client_for(author).post(accept).status_code == 404
    assert client_for(reader).get(accept).status_code == 405
    assert Client().post(accept).status_code == 302  # a guest is sent to log in
    no_token = Client(enforce_csrf_checks=True)
    no_token.force_login(reader)
    assert no_token.post(accept).status_code == 403
    assert CreatorInvitation.objects.filter(pk=invitation.pk).exists()
    assert client_for(reader).post(reverse("stories:invitation-accept", args=[2**63])).status_code == 404


def test_editing_invites_new_names_and_withdraws_dropped_invitations(author, reader, stranger):
    a = client_for(author)
    work = post_work(a, co_creators="reader")
    # The edit form lists the pending invitee, so saving unchanged keeps the invitation.
    form_page = a.get(reverse("stories:work-edit", args=[work.pk])).content.decode()
    assert 'value="reader"' in form_page
    a.post(reverse("stories:work-edit", args=[work.pk]), edit_data(co_creators="reader, stranger", action="save"))
    assert set(CreatorInvitation.objects.values_list("user__username", flat=True)) == {"reader", "stranger"}
    assert list(work.creators.values_list("username", flat=True)) == ["author"]
    a.post(reverse("stories:work-edit", args=[work.pk]), edit_data(co_creators="stranger", action="save"))
    assert list(CreatorInvitation.objects.values_list("user__username", flat=True)) == ["stranger"]


@pytest.mark.parametrize("allowed", [[], ["stranger"]])
def test_invitations_off_refuses_with_a_message_naming_the_rule(author, reader, stranger, allowed):
    b = client_for(reader)
    prefs = b.get(reverse("stories:preferences")).content.decode()
    assert "invite me to be a co-creator" in prefs
    b.post(
        reverse("stories:preferences"),
        {"show_content_notices": "on", "invitations_from": ", ".join(allowed)},
    )
    before = (Work.objects.count(), CreatorInvitation.objects.count(), InboxItem.objects.count())
    response = client_for(author).post(reverse("stories:work-post"), work_data(co_creators="reader"))
    page = response.content.decode()
    assert response.status_code == 200
    expected = "only from people they have allowed" if allowed else "does not accept co-creator invitations"
    assert expected in page
    assert (Work.objects.count(), CreatorInvitation.objects.count(), InboxItem.objects.count()) == before
    if allowed:
        # The allowed person still may.
        post_work(client_for(stranger), co_creators="reader")
        assert CreatorInvitation.objects.filter(user=reader, invited_by=stranger).exists()


def test_a_co_creator_may_leave_but_a_sole_creator_may_not(author, reader):
    work = factories.WorkFactory(title="Together", creators=[author, reader])
    b = client_for(reader)
    response = b.post(reverse("stories:creator-leave", args=[work.pk]))
    assert response.status_code == 302
    assert list(work.creators.values_list("username", flat=True)) == ["author"]
    assert "Together" not in Client().get(reverse("stories:user-detail", args=["reader"])).content.decode()
    # Now author is alone: leaving is refused, the name stays.
    response = client_for(author).post(reverse("stories:creator-leave", args=[work.pk]), follow=True)
    assert "only creator" in response.content.decode()
    assert list(work.creators.values_list("username", flat=True)) == ["author"]
    assert client_for(reader).post(reverse("stories:creator-leave", args=[work.pk])).status_code == 404
