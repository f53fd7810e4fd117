"""Moderators work in the Django admin: staff in the Moderators group, not superusers."""

import pytest
from django.contrib.admin.models import LogEntry
from django.test import Client
from django.urls import reverse

from stories.models import CreatorInvitation, InboxItem, ReaderPreference, Work
from tests import factories

pytestmark = pytest.mark.django_db


def _change_form_data(work: Work, **changes) -> dict:
    data = {
        "title": work.title,
        "summary": work.summary,
        "disclaimer": "",
        "notes": "",
        "end_notes": "",
        "rating": work.rating,
        "warnings": ",".join(work.warnings),
        "categories": ",".join(work.categories),
        "language": work.language,
        "status": work.status,
        "published_on": work.published_on.isoformat(),
        "updated_at_0": work.updated_at.date().isoformat(),
        "updated_at_1": "12:00:00",
        "is_complete": "",
        "expected_chapters": "",
        "hidden_reason": "",
        "hit_count": "0",
    }
    for prefix, rows in [("creator_links", work.creator_links.all()), ("tagged_items", work.tagged_items.all()),
                         ("outgoing_links", []), ("chapters", work.chapters.all())]:  # fmt: skip
        rows = list(rows)
        data[f"{prefix}-TOTAL_FORMS"] = str(len(rows))
        data[f"{prefix}-INITIAL_FORMS"] = str(len(rows))
        data[f"{prefix}-MIN_NUM_FORMS"] = "0"
        data[f"{prefix}-MAX_NUM_FORMS"] = "1000"
        for i, row in enumerate(rows):
            data[f"{prefix}-{i}-id"] = str(row.pk)
            data[f"{prefix}-{i}-work" if prefix != "tagged_items" else f"{prefix}-{i}-content_object"] = str(work.pk)
            if prefix == "creator_links":
                data.update({f"{prefix}-{i}-user": str(row.user_id), f"{prefix}-{i}-position": str(row.position)})
            elif prefix == "tagged_items":
                data[f"{prefix}-{i}-tag"] = str(row.tag_id)
            elif prefix == "chapters":
                data.update(
                    {
                        f"{prefix}-{i}-position": str(row.position),
                        f"{prefix}-{i}-title": row.title,
                        f"{prefix}-{i}-summary": "",
                        f"{prefix}-{i}-notes": "",
                        f"{prefix}-{i}-end_notes": "",
                        f"{prefix}-{i}-body_format": row.body_format,
                        f"{prefix}-{i}-body": row.body,
                        f"{prefix}-{i}-published_on": row.published_on.isoformat(),
                    }
                )
    data.update(changes)
    return data


def test_moderator_changes_rating_and_tags_and_the_change_is_logged(client, moderator):
    old_tag = factories.TagFactory(name="Fluff")
    new_tag = factories.TagFactory(name="Angst")
    fandom = factories.TagFactory(name="Naruto", kind="fandom")
    work = factories.WorkFactory(rating="general", tags=[old_tag, fandom])
    client.force_login(moderator)
    url = reverse("admin:stories_work_change", args=[work.pk])
    assert client.get(url).status_code == 200

    data = _change_form_data(work, rating="mature")
    row = [item.tag_id for item in work.tagged_items.all()].index(old_tag.pk)
    data[f"tagged_items-{row}-tag"] = str(new_tag.pk)
    response = client.post(url, data)

    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else ""
    work.refresh_from_db()
    assert work.rating == "mature"
    assert sorted(work.tags.values_list("name", flat=True)) == ["Angst", "Naruto"]
    assert LogEntry.objects.filter(object_id=str(work.pk), user=moderator).exists()


def test_admin_chapter_edit_rerenders_and_recounts(client, moderator):
    work = factories.WorkFactory(chapters=1, tags=[factories.TagFactory(name="Naruto", kind="fandom")])
    chapter = work.chapters.get()
    client.force_login(moderator)
    data = {
        "work": work.pk,
        "position": 1,
        "title": "",
        "summary": "",
        "notes": "",
        "end_notes": "",
        "body_format": chapter.body_format,
        "body": "Five words in this chapter.",
        "published_on": chapter.published_on.isoformat(),
    }

    response = client.post(reverse("admin:stories_chapter_change", args=[chapter.pk]), data)

    assert response.status_code == 302, response.content.decode()[:3000]
    work.refresh_from_db()
    assert work.word_count == 5
    assert "Five words" in work.chapters.get().body_html


def test_moderator_is_staff_but_not_superuser_and_cannot_delete_works(client, moderator):
    assert moderator.is_staff and not moderator.is_superuser
    work = factories.WorkFactory()
    client.force_login(moderator)
    assert client.get(reverse("admin:stories_work_delete", args=[work.pk])).status_code == 403
    assert client.get(reverse("admin:stories_tag_changelist")).status_code == 200


def test_plain_user_cannot_reach_the_admin(client, reader):
    client.force_login(reader)
    response = client.get(reverse("admin:stories_work_changelist"))
    assert response.status_code == 302
    assert reverse("admin:login") in response["Location"]


def test_guest_is_sent_to_admin_login(client):
    response = client.get("/admin/")
    assert response.status_code == 302
    assert client.get("/admin/login/").status_code == 200


def test_admin_lists_filter_and_search(client, moderator):
    factories.WorkFactory(title="Findable Title")
    factories.WorkFactory(title="Other")
    client.force_login(moderator)
    response = client.get(reverse("admin:stories_work_changelist"), {"q": "Findable", "rating__exact": "general"})
    assert "Findable Title" in response.content.decode()
    assert "Other" not in response.content.decode().split("result_list")[-1]


# Co-creators in the admin: nobody's name goes on a work without their consent, so a
# moderator invites (as the post form does) and may take names off (logged).


@pytest.mark.parametrize("who", ["moderator", "admin_user"])  # admin_user: a superuser, who may do anything else
def test_the_admin_cannot_add_a_creator_directly(request, client, who, author, reader):
    work = factories.WorkFactory(creators=[author], tags=[factories.TagFactory(name="Naruto", kind="fandom")])
    client.force_login(request.getfixturevalue(who))
    url = reverse("admin:stories_work_change", args=[work.pk])
    page = client.get(url).content.decode()
    assert 'name="invite_co_creators"' in page
    assert 'name="creator_links-0-user"' not in page and "creator_links-__prefix__" not in page

    # A forged extra row (as an old form or a script would post it) is not saved.
    data = _change_form_data(work)
    data.update({"creator_links-TOTAL_FORMS": "2", "creator_links-1-user": str(reader.pk)})
    data.update({"creator_links-1-position": "2", "creator_links-1-work": str(work.pk)})
    response = client.post(url, data)
    assert response.status_code == 302
    assert list(work.creators.all()) == [author]


def test_a_moderator_invites_a_co_creator_who_joins_only_on_accepting(client, moderator, author, reader):
    work = factories.WorkFactory(creators=[author], tags=[factories.TagFactory(name="Naruto", kind="fandom")])
    client.force_login(moderator)
    url = reverse("admin:stories_work_change", args=[work.pk])
    response = client.post(url, _change_form_data(work, invite_co_creators="READER"))
    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else ""

    assert list(work.creators.all()) == [author]
    invitation = CreatorInvitation.objects.get(work=work)
    assert invitation.user == reader and invitation.invited_by == moderator
    assert "moderator invited you" in InboxItem.objects.get(user=reader).message
    logged = [entry.get_change_message() for entry in LogEntry.objects.filter(object_id=str(work.pk), user=moderator)]
    assert "Invited to co-create (not a creator until accepting): reader." in logged
    page = client.get(url).content.decode()
    assert "reader (invited by moderator on" in page

    invitee = Client()
    invitee.force_login(reader)
    assert invitee.post(reverse("stories:invitation-accept", args=[invitation.pk])).status_code == 302
    assert list(work.creators.all()) == [author, reader]


def test_the_admin_respects_a_person_who_takes_no_invitations(client, moderator, author, reader):
    ReaderPreference.objects.create(user=reader, allow_creator_invitations=False)
    work = factories.WorkFactory(creators=[author], tags=[factories.TagFactory(name="Naruto", kind="fandom")])
    client.force_login(moderator)
    url = reverse("admin:stories_work_change", args=[work.pk])
    response = client.post(url, _change_form_data(work, invite_co_creators="reader, nobody-such"))
    assert response.status_code == 200
    assert "There is no user called “nobody-such”" in response.content.decode()
    response = client.post(url, _change_form_data(work, invite_co_creators="reader"))
    assert response.status_code == 200
    assert "reader does not accept co-creator invitations" in response.content.decode()
    assert not CreatorInvitation.objects.exists() and list(work.creators.all()) == [author]


def test_a_moderator_removes_a_creator_and_the_log_names_them(client, moderator, author, reader):
    work = factories.WorkFactory(creators=[author, reader], tags=[factories.TagFactory(name="Naruto", kind="fandom")])
    client.force_login(moderator)
    url = reverse("admin:stories_work_change", args=[work.pk])
    data = _change_form_data(work)
    row = [link.user_id for link in work.creator_links.all()].index(reader.pk)
    data[f"creator_links-{row}-DELETE"] = "on"
    response = client.post(url, data)
    assert response.status_code == 302
    assert list(work.creators.all()) == [author]
    entry = LogEntry.objects.filter(object_id=str(work.pk), user=moderator).latest("pk")
    assert f"reader on work {work.pk}" in entry.get_change_message()
    assert "Deleted" in entry.get_change_message()


def test_the_admin_keeps_at_least_one_creator(client, moderator, author):
    work = factories.WorkFactory(creators=[author], tags=[factories.TagFactory(name="Naruto", kind="fandom")])
    client.force_login(moderator)
    data = _change_form_data(work)
    data["creator_links-0-DELETE"] = "on"
    response = client.post(reverse("admin:stories_work_change", args=[work.pk]), data)
    assert response.status_code == 200 and "A work keeps at least one creator" in response.content.decode()
    assert list(work.creators.all()) == [author]
